//go:build !unix

package main

func describeFile(string) string { return "" }
