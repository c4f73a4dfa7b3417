//go:build unix

package images

import (
	"io/fs"
	"syscall"
)

// allocated is the bytes of the blocks allocated to fi (st_blocks, in
// 512-byte units whatever the file system's block size).
func allocated(fi fs.FileInfo) (int64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int64(st.Blocks) * 512, true
}
