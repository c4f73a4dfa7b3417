package store

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestLockIsOneWriterAtATime: read-modify-write under Lock from many
// goroutines, each with its own lock file descriptor as separate processes
// have, loses no update.
func TestLockIsOneWriterAtATime(t *testing.T) {
	s := open(t, t.TempDir())
	if err := s.Save("counter.json", 0); err != nil {
		t.Fatal(err)
	}
	const writers = 20
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := s.Lock("counter.json", 0)
			if err != nil {
				errs <- err
				return
			}
			defer unlock()
			var n int
			if _, err := s.Load("counter.json", &n); err != nil {
				errs <- err
				return
			}
			time.Sleep(time.Millisecond) // widen the window a lost update needs
			errs <- s.Save("counter.json", n+1)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var n int
	if _, err := s.Load("counter.json", &n); err != nil || n != writers {
		t.Errorf("counter is %d (%v) after %d locked increments", n, err, writers)
	}
}

// TestLockGivesUpWithAReason: a writer that cannot get the lock within its
// wait fails, naming the lock file and who holds it.
func TestLockGivesUpWithAReason(t *testing.T) {
	s := open(t, t.TempDir())
	unlock, err := s.Lock("decisions.json", 0)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.Lock("decisions.json", 150*time.Millisecond)
	waited := time.Since(start)
	var le *LockError
	if !errors.As(err, &le) {
		t.Fatalf("second lock: %v, want a *LockError", err)
	}
	if waited < 150*time.Millisecond {
		t.Errorf("gave up after %v, before its wait", waited)
	}
	msg := err.Error()
	for _, w := range []string{filepath.Join(s.Dir(), "decisions.json.lock"), "pid " + strconv.Itoa(os.Getpid()), "did not let go within 150ms", "nothing was changed"} {
		if !strings.Contains(msg, w) {
			t.Errorf("%q does not say %q", msg, w)
		}
	}
	unlock()
	unlock2, err := s.Lock("decisions.json", 0)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLockAndSubdirComeBackAfterTheDirectoryIsDeleted: the state directory
// is removed while the kiosk runs; the next lock, save and sub-folder
// create it again.
func TestLockAndSubdirComeBackAfterTheDirectoryIsDeleted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s := open(t, dir)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	unlock, err := s.Lock("decisions.json", 0)
	if err != nil {
		t.Fatalf("lock in a deleted directory: %v", err)
	}
	unlock()
	os.RemoveAll(dir)
	sub, err := s.Subdir("images")
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(sub); err != nil || !fi.IsDir() || sub != filepath.Join(dir, "images") {
		t.Fatalf("Subdir(images) = %s, %v", sub, err)
	}
	for _, bad := range []string{"", "..", "a/b", "."} {
		if _, err := s.Subdir(bad); err == nil {
			t.Errorf("Subdir(%q) accepted", bad)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Subdir("file"); err == nil || !strings.Contains(err.Error(), "in the way") {
		t.Errorf("Subdir over a file: %v", err)
	}
}

// TestRootWritesForTheDirectorysOwner: what root writes into a state
// directory owned by the kiosk's user — saves, the lock file, folders made
// again after a deletion — belongs to that user, so the kiosk can read and
// replace it.
func TestRootWritesForTheDirectorysOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give files away (run as root, as CI does)")
	}
	const uid, gid = 65534, 65534 // nobody
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	if err := s.Save("decisions.json", []string{"a"}); err != nil {
		t.Fatal(err)
	}
	unlock, err := s.Lock("decisions.json", 0)
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	checkOwner(t, filepath.Join(dir, "decisions.json"), uid, gid)
	checkOwner(t, filepath.Join(dir, "decisions.json.lock"), uid, gid)

	// Deleted while running: made again, for the same owner.
	os.RemoveAll(dir)
	if _, err := s.Subdir("images"); err != nil {
		t.Fatal(err)
	}
	if err := s.Save("decisions.json", []string{"b"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "images", "decisions.json"} {
		checkOwner(t, filepath.Join(dir, p), uid, gid)
	}
}

func checkOwner(t *testing.T, path string, uid, gid uint32) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != uid || st.Gid != gid {
		t.Errorf("%s belongs to %d:%d, want %d:%d", path, st.Uid, st.Gid, uid, gid)
	}
}

// TestOpenLeavesALiveWritersTempFile: another process opening the store
// (each `lobbykiosk moderate` does) clears temp files a crash left, but not
// the one a live writer is filling: removing it made that writer's save
// fail at its rename.
func TestOpenLeavesALiveWritersTempFile(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	f, release, err := s.createTemp(".decisions.json" + tempMarker + "*")
	if err != nil {
		t.Fatal(err)
	}
	open(t, dir) // another process starting up
	if _, err := os.Stat(f.Name()); err != nil {
		t.Fatalf("the live writer's temp file was removed: %v", err)
	}
	f.Close()
	release() // the writer dies before its rename
	open(t, dir)
	if _, err := os.Stat(f.Name()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an abandoned temp file survived Open: %v", err)
	}
}
