//go:build unix

package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestDirSizeIsWhatDuCounts: what the state directory takes besides the
// pictures is counted as du counts it — blocks, folders included — so that
// with the picture cache's own blocks the cap holds as `du -s` sees it.
func TestDirSizeIsWhatDuCounts(t *testing.T) {
	du, err := exec.LookPath("du")
	if err != nil {
		t.Skip("no du here")
	}
	state := t.TempDir()
	images := filepath.Join(state, "images")
	if err := os.MkdirAll(images, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p string, n int) {
		if err := os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Small files, each taking a whole block: the sources' caches and the
	// last good config.
	for i, n := range []int{130, 1318, 5051, 61} {
		write(filepath.Join(state, "f"+strconv.Itoa(i)), n)
	}
	var pictures int64
	for i := range 40 {
		p := filepath.Join(images, "p"+strconv.Itoa(i)+".jpg")
		write(p, 25_000+i)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		pictures += fi.Sys().(*syscall.Stat_t).Blocks * 512
	}
	out, err := exec.Command(du, "-s", "-B1", state).Output()
	if err != nil {
		t.Fatal(err)
	}
	total, err := strconv.ParseInt(strings.Fields(string(out))[0], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if got := dirSize(state, "images"); got+pictures != total {
		t.Errorf("dirSize %d + the pictures' %d = %d; du -s says %d", got, pictures, got+pictures, total)
	}
}
