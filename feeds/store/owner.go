package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// owner is a file's user and group.
type owner struct{ uid, gid int }

// chowner is a File that can change its owner (*os.File can).
type chowner interface{ Chown(uid, gid int) error }

// The state directory belongs to the kiosk's user (the package creates
// /var/lib/lobbykiosk for it). Whoever else writes into it — root, through
// `sudo lobbykiosk moderate` or `sudo lobbykiosk content` — writes files the
// kiosk must still read and replace: a decisions file left to root, mode
// 0600, was ignored by the running kiosk with a warning every few seconds.
// So a process running as root gives what it writes to the owner of the file
// it replaces, or else of the directory. Anyone else can only write files of
// their own, which is what the directory's permissions already allow.

// giveToOwner gives f, about to become the file at path, the owner that file
// has now, or the store directory's. Only root does anything here.
func (s *Store) giveToOwner(f any, path string) error {
	if !isRoot() {
		return nil
	}
	want, ok := ownerOf(path)
	if !ok {
		want, ok = s.dirOwner()
	}
	if !ok {
		return nil
	}
	return giveTo(f, path, want)
}

// giveToDirOwner gives f, the file at path, the store directory's owner
// (for files that are never replaced, such as lock files). Only root does
// anything here.
func (s *Store) giveToDirOwner(f any, path string) error {
	if !isRoot() {
		return nil
	}
	if want, ok := s.dirOwner(); ok {
		return giveTo(f, path, want)
	}
	return nil
}

func giveTo(f any, path string, want owner) error {
	c, ok := f.(chowner)
	if want.uid == 0 || !ok {
		return nil
	}
	if err := c.Chown(want.uid, want.gid); err != nil {
		return fmt.Errorf("cannot give %s to the state directory's owner (uid %d), whom the kiosk runs as: %w", path, want.uid, err)
	}
	return nil
}

// dirOwner is the owner of the store's directory: as found at Open, which
// still holds when the directory was deleted and created again since.
func (s *Store) dirOwner() (owner, bool) {
	if s.owner != nil {
		return *s.owner, true
	}
	return ownerOf(s.dir)
}

// ensureDir creates the store's directory again when it has gone (a cleanup
// script, `rm -rf` by hand, a tmpfs remounted), owned as it was.
func (s *Store) ensureDir() error {
	return s.mkdir(s.dir)
}

func (s *Store) mkdir(dir string) error {
	_, there := os.Stat(dir)
	if err := s.fs.MkdirAll(dir, 0o755); err != nil || there == nil {
		return err
	}
	if o, ok := s.dirOwner(); ok && isRoot() && o.uid != 0 {
		// Every level this call created, up to the store's directory.
		for d := dir; ; d = filepath.Dir(d) {
			_ = os.Lchown(d, o.uid, o.gid)
			if d == s.dir || filepath.Dir(d) == d {
				break
			}
		}
	}
	return nil
}

// Subdir is the folder name inside the store's directory (pictures keep
// theirs in "images"), created — again, if it was deleted while the kiosk
// runs — with the directory's owner. Call it before writing into the folder:
// it costs one stat when the folder is there.
func (s *Store) Subdir(name string) (string, error) {
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return "", fmt.Errorf("state folder %q: a plain folder name is needed", name)
	}
	dir := filepath.Join(s.dir, name)
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return "", fmt.Errorf("state folder %s cannot be created: a file of that name is in the way", dir)
	}
	if err := s.mkdir(dir); err != nil {
		return "", fmt.Errorf("state folder %s cannot be created: %s: %w", dir, advice(err, s.dir), err)
	}
	return dir, nil
}

// Missing reports whether key's file is gone (deleted, or its whole
// directory with it), as opposed to merely unreadable: what a kiosk holds in
// memory can then be written back.
func (s *Store) Missing(key string) bool {
	_, err := os.Stat(s.Path(key))
	return errors.Is(err, fs.ErrNotExist)
}
