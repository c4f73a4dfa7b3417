package store

import (
	"errors"
	"os"
)

// Temp files and other processes. Several processes open the same store at
// once — the kiosk, `lobbykiosk moderate`, `lobbykiosk content` — and each
// Open clears the temp files a crash left behind. A temp file that another
// process is writing at that moment is not left behind: removing it made
// that process's save fail at its rename (seen with 20 concurrent
// `moderate` runs). So a writer holds an flock on its temp file from the
// moment it creates it, and Open removes only temp files it can lock. A
// killed writer's lock goes with its process, so what a crash leaves is still
// cleared at once.

// createTemp creates the temp file for path and locks it until release is
// called (after the rename: the lock is on a descriptor of its own, so
// closing the written file does not drop it). The cleaner of another
// process may have removed the file between its creation and the lock: then
// it is made again.
func (s *Store) createTemp(pattern string) (f File, release func(), err error) {
	for try := 1; ; try++ {
		f, err := s.fs.CreateTemp(s.dir, pattern)
		if err != nil {
			return nil, nil, err
		}
		if release, ok := claimTemp(f); ok {
			return f, release, nil
		}
		_ = f.Close()
		_ = s.fs.Remove(f.Name())
		if try == 3 {
			return nil, nil, errors.New("temp files keep disappearing from the directory (is something cleaning it?)")
		}
	}
}

// claimTemp locks a new temp file and reports whether it is still in the
// directory. Files that are not real OS files (tests' fault injection)
// cannot be locked and count as claimed.
func claimTemp(f File) (release func(), ok bool) {
	osf, isOS := f.(*os.File)
	if !isOS {
		return func() {}, true
	}
	lk, err := os.Open(osf.Name())
	if err != nil {
		return nil, false
	}
	if lockFile(lk) != nil {
		// No locks here (an odd file system): carry on as before.
		return func() { lk.Close() }, true
	}
	held, err1 := osf.Stat()
	now, err2 := os.Stat(osf.Name())
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		lk.Close()
		return nil, false
	}
	return func() { lk.Close() }, true
}

// removeIfAbandoned removes the temp file at p unless a live writer holds
// its lock. It reports whether it removed it.
func (s *Store) removeIfAbandoned(p string) (bool, error) {
	if s.fs != OS {
		return true, s.fs.Remove(p)
	}
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, nil // renamed into place meanwhile
		}
		return false, err
	}
	defer f.Close()
	if ok, err := tryLock(f); err == nil && !ok {
		return false, nil // being written
	}
	// Removed while the lock is held, so a writer that locks next finds it
	// gone and makes another.
	return true, s.fs.Remove(p)
}
