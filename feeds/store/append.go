package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Append adds line (one line of text, without its newline) to the end of
// key's file, a log that is only ever added to: under the key's lock, so
// that writers in other processes (the hub, `lobbykiosk moderate`) never
// interleave, and flushed to disk before it returns. The file is made
// private (0600, like the decisions), owned like the store's other files.
//
// A line torn by a crash part way through an earlier append is closed with
// a newline first, so it stays one unreadable line and never swallows the
// next one.
func (s *Store) Append(key string, line []byte) error {
	if bytes.ContainsAny(line, "\r\n") {
		return fmt.Errorf("state %q: a log line cannot hold a line break", key)
	}
	unlock, err := s.Lock(key, 0)
	if err != nil {
		return err
	}
	defer unlock()
	path := s.Path(key)
	fail := func(step string, err error) error {
		return fmt.Errorf("state %q not written to %s (%s): %s: %w", key, path, step, advice(err, s.dir), err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fail("opening", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fail("opening", err)
	}
	if fi.Size() == 0 {
		if err := s.giveToOwner(f, path); err != nil {
			return err
		}
	}
	buf := make([]byte, 0, len(line)+2)
	if fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err != nil {
			return fail("reading its end", err)
		}
		if last[0] != '\n' {
			buf = append(buf, '\n')
		}
	}
	buf = append(append(buf, line...), '\n')
	if err := writeAll(f, buf); err != nil {
		return fail("writing", err)
	}
	if err := f.Sync(); err != nil {
		return fail("flushing to disk", err)
	}
	return nil
}

// Tail returns up to limit bytes from the end of key's file, starting at a
// line: the newest lines of a log written with Append. found is false when
// there is no such file.
func (s *Store) Tail(key string, limit int64) (data []byte, found bool, err error) {
	f, err := os.Open(s.Path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("state file %s cannot be read: %s: %w", s.Path(key), advice(err, s.dir), err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	start := max(0, fi.Size()-limit)
	data = make([]byte, fi.Size()-start)
	if _, err := f.ReadAt(data, start); err != nil && !errors.Is(err, io.EOF) {
		return nil, false, fmt.Errorf("state file %s cannot be read: %w", s.Path(key), err)
	}
	if start > 0 {
		// The first line is most likely cut: drop it.
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		} else {
			data = nil
		}
	}
	return data, true, nil
}

// TempPrefix starts the name of every temporary file WriteFile makes, so a
// folder's owner can tell a crash's leftovers from its own files.
const TempPrefix = tempMarker

// WriteFile replaces the file at path with body, for files that are not
// state (pictures, thumbnails) in folders of the caller's choosing: through
// a temporary file in the same folder, flushed and renamed over the old
// one, so a crash or a power cut leaves the old file or the new one, never
// part of one.
func WriteFile(path string, body []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), TempPrefix+"*")
	if err != nil {
		return err
	}
	err = writeAll(f, body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
