//go:build !unix

package parse

import "io/fs"

// ownerID is unknown where files have no uid; stories fall back to "Staff".
func ownerID(fs.FileInfo) (string, bool) { return "", false }
