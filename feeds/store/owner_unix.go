//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"os"
	"syscall"
)

// ownerOf is the owner of the file at path.
func ownerOf(path string) (o owner, ok bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return owner{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return owner{}, false
	}
	return owner{uid: int(st.Uid), gid: int(st.Gid)}, true
}

func isRoot() bool { return os.Geteuid() == 0 }
