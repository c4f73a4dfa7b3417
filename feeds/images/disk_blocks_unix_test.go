//go:build unix

package images

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// duBytes is what du says the files in dir take: their blocks, as the
// system reports them. (The folder's own block is the state directory's
// to count: the engine's DiskOther.)
func duBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			n += fi.Sys().(*syscall.Stat_t).Blocks * 512
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDiskCapCountsBlocks: the cap holds as du measures it. Avatars are
// small files, and each takes whole blocks on the disk: counted by their
// sizes, a cache of a hundred 1 KB avatars under a 64 KiB cap would take
// 400 KiB of the card. (The feed soak found state_dir at 32.5 MiB of
// blocks under a 32 MiB cap.)
func TestDiskCapCountsBlocks(t *testing.T) {
	files := map[string][]byte{}
	srv := newImageServer(t, files)
	var srcs []string
	for i := range 100 {
		p := fmt.Sprintf("/avatar-%d.jpg", i)
		m := image.NewRGBA(image.Rect(0, 0, 24, 24))
		for j := range m.Pix {
			m.Pix[j] = byte(i*7 + j%5)
		}
		m.Set(0, 0, color.RGBA{byte(i), 0, 0, 255})
		srv.set(p, encodeJPEG(t, m))
		srcs = append(srcs, srv.url(p))
	}
	dir := filepath.Join(t.TempDir(), "images")
	const limit = 64 << 10
	var logs bytes.Buffer
	// A state directory whose other files take 8 KiB of blocks.
	l := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 100, BoxHeight: 100,
		DiskLimit: limit + 8<<10, DiskOther: func() int64 { return 8 << 10 }, Logger: quietLogger(&logs)})
	for _, src := range srcs {
		if _, err := l.Get(t.Context(), src); err != nil {
			t.Fatal(err)
		}
	}
	n, kept := l.DiskStats()
	if du := duBytes(t, dir); du > limit {
		t.Errorf("the picture cache takes %d bytes on disk (du), over its %d; it holds %d files it counts as %d bytes", du, limit, n, kept)
	}
	if size := len(files["/avatar-0.jpg"]); size > 2000 || n < 8 {
		t.Errorf("%d files of about %d bytes kept: want many small files near the cap", n, size)
	}
	if kept > limit {
		t.Errorf("the loader counts %d bytes, over the cap", kept)
	}
}
