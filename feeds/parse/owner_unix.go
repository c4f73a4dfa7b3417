//go:build unix

package parse

import (
	"io/fs"
	"strconv"
	"syscall"
)

// ownerID is the uid owning a file, as a string for os/user.
func ownerID(fi fs.FileInfo) (string, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "", false
	}
	return strconv.FormatUint(uint64(st.Uid), 10), true
}
