package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultLockWait is how long Lock waits for another writer by default:
// far longer than a read-modify-write of a small state file takes, even on
// a slow SD card with twenty writers queued, and short enough that a person
// at the command line gets an answer.
const DefaultLockWait = 10 * time.Second

// LockError is a lock another writer held for longer than the wait.
type LockError struct {
	Path   string        // the lock file
	Holder string        // who holds it, as it wrote itself into the file ("" if unknown)
	Waited time.Duration //
}

func (e *LockError) Error() string {
	who := "another writer"
	if e.Holder != "" {
		who = e.Holder
	}
	return fmt.Sprintf("%s holds the lock %s and did not let go within %s; nothing was changed, try again", who, e.Path, e.Waited)
}

// Lock takes the store's lock for key: an OS file lock (flock) on
// "<file>.lock" next to key's file, so every process that changes key by
// read-modify-write — the kiosk's admin page, `lobbykiosk moderate`, a hub —
// does so one at a time and none overwrites what another just saved. The
// lock is on a file of its own because the key's file is replaced by rename
// at every Save: a lock on it would guard a file that is no longer there.
//
// Lock waits up to wait (DefaultLockWait when 0), then fails with a
// *LockError naming the holder. The lock goes when unlock is called or the
// process ends, however it ends, so a killed writer never leaves it held.
func (s *Store) Lock(key string, wait time.Duration) (unlock func(), err error) {
	if wait <= 0 {
		wait = DefaultLockWait
	}
	path := s.Path(key) + ".lock"
	// The directory may have gone since Open (see Save).
	if err := s.ensureDir(); err != nil {
		return nil, fmt.Errorf("lock %s cannot be taken: %s: %w", path, advice(err, s.dir), err)
	}
	f, err := openLockFile(path)
	if err != nil {
		return nil, fmt.Errorf("lock %s cannot be opened: %s: %w", path, advice(err, s.dir), err)
	}
	_ = s.giveToDirOwner(f, path) // best effort: the lock works either way
	start := time.Now()
	pause := time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s cannot be taken: %w", path, err)
		}
		if ok {
			break
		}
		if time.Since(start) >= wait {
			holder := readHolder(path)
			f.Close()
			return nil, &LockError{Path: path, Holder: holder, Waited: wait}
		}
		time.Sleep(pause)
		pause = min(pause*2, 20*time.Millisecond)
	}
	// Say who holds it, for the message of a writer that gives up waiting.
	// Best effort: a lock file this user may only read still locks.
	if f.Truncate(0) == nil {
		fmt.Fprintf(f, "%s (pid %d)\n", processName(), os.Getpid())
	}
	return func() {
		_ = unlockFile(f)
		f.Close()
	}, nil
}

// openLockFile opens (creating) the lock file for writing, or only for
// reading when the file belongs to someone else: flock works on either.
func openLockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, os.ErrPermission) {
		return os.Open(path)
	}
	return f, err
}

func readHolder(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
}

// processName is "lobbykiosk moderate", "lobbykiosk run": the program and
// its subcommand, which is what tells one writer from another.
func processName() string {
	if len(os.Args) == 0 {
		return "a process"
	}
	name := filepath.Base(os.Args[0])
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-") {
		name += " " + os.Args[1]
	}
	return name
}
