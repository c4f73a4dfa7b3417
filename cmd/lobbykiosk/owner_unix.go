//go:build unix

package main

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// describeFile says a secret file's mode and owner: " (mode 0600, owner
// lobbykiosk)".
func describeFile(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	owner := ""
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		owner = strconv.Itoa(int(st.Uid))
		if u, err := user.LookupId(owner); err == nil {
			owner = u.Username
		}
		owner = ", owner " + owner
	}
	return fmt.Sprintf(" (mode %04o%s)", fi.Mode().Perm(), owner)
}
