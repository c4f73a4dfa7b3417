//go:build wayland

package main

const nativeWayland = true
