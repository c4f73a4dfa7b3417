//go:build unix

package admin

import (
	"fmt"
	"os"
	"syscall"
)

// keepOwner gives tmp the owner and group of the file it replaces. Only root
// can give a file away; anyone else keeps their own files, so a failure
// matters only when the owner would really change.
func keepOwner(tmp *os.File, old os.FileInfo) error {
	want, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	fi, err := tmp.Stat()
	if err != nil {
		return err
	}
	if got, ok := fi.Sys().(*syscall.Stat_t); ok && got.Uid == want.Uid && got.Gid == want.Gid {
		return nil
	}
	if err := tmp.Chown(int(want.Uid), int(want.Gid)); err != nil {
		return fmt.Errorf("cannot keep its owner (uid %d, gid %d), which the kiosk may need to read it: %w; run this as root or as the file's owner", want.Uid, want.Gid, err)
	}
	return nil
}
