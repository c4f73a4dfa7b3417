// Package store keeps the kiosk's small state on disk — each source's last
// good result, moderation decisions, fetch validators — as JSON files that are
// always either the old version or the new one, never half of each, so the
// screen can come back with content after a power cut or a network outage.
package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"time"
)

// formatVersion is written into every file's envelope. Bump it when the
// envelope changes shape; older kiosks then move the file aside instead of
// misreading it.
const formatVersion = 1

// tempMarker is part of every temp file name. Temp files also start with a
// dot, which sanitized keys never do, so a temp file can never be mistaken for
// (or collide with) a key's file.
const tempMarker = ".tmp-"

// File is an open temp file as the store uses it.
type File interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// FS is the file operations the store uses, so tests can inject faults (disk
// full, read-only directory, a crash half way through a save).
type FS interface {
	MkdirAll(path string, perm fs.FileMode) error
	CreateTemp(dir, pattern string) (File, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	ReadFile(name string) ([]byte, error)
	// SyncDir flushes the directory entry itself, so a rename survives a
	// power cut and not just the file's contents.
	SyncDir(dir string) error
}

// dirLister is optionally implemented by an FS; Open uses it to clear temp
// files that a crash left behind.
type dirLister interface {
	ReadDir(name string) ([]fs.DirEntry, error)
}

// OS is the real file system.
var OS FS = osFS{}

type osFS struct{}

func (osFS) MkdirAll(path string, perm fs.FileMode) error { return os.MkdirAll(path, perm) }
func (osFS) CreateTemp(dir, pattern string) (File, error) { return os.CreateTemp(dir, pattern) }
func (osFS) Rename(oldpath, newpath string) error         { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error                     { return os.Remove(name) }
func (osFS) ReadFile(name string) ([]byte, error)         { return os.ReadFile(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error)   { return os.ReadDir(name) }

func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Store is a directory of JSON state files. It is safe for concurrent use.
type Store struct {
	dir string
	fs  FS
	log *slog.Logger
	now func() time.Time

	// mu orders renames into the directory: a Save's rename against a
	// Load that moves a damaged file aside, so a Load never moves away a
	// good file that a Save has just put in place.
	mu sync.Mutex
	// owner is the directory's owner when Open found it; files and folders
	// written as root are given to it (see giveToOwner).
	owner *owner
}

// Option configures a Store.
type Option func(*Store)

// WithFS makes the store use fsys instead of the real file system.
func WithFS(fsys FS) Option { return func(s *Store) { s.fs = fsys } }

// WithLogger sets where the store reports damaged files and cleanup; the
// default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.log = l } }

// Open returns the store kept in dir, creating the directory if needed. Temp
// files left by a save that was cut short (a crash, a power cut) are removed.
// A directory the kiosk cannot write to is not an error here, because the
// last good content can still be read from it; it is logged, and each Save
// then reports it.
func Open(dir string, opts ...Option) (*Store, error) {
	if dir == "" {
		return nil, errors.New("state directory is not set: set state_dir in the config to a directory the kiosk may write to, such as /var/lib/lobbykiosk")
	}
	s := &Store{dir: filepath.Clean(dir), fs: OS, log: slog.Default(), now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if err := s.fs.MkdirAll(s.dir, 0o755); err != nil {
		return nil, fmt.Errorf("state directory %s cannot be created: %s: %w", s.dir, advice(err, s.dir), err)
	}
	if o, ok := ownerOf(s.dir); ok {
		s.owner = &o
	}
	s.removeStaleTemps()
	return s, nil
}

// Dir is the directory the store keeps its files in.
func (s *Store) Dir() string { return s.dir }

func (s *Store) removeStaleTemps() {
	l, ok := s.fs.(dirLister)
	if !ok {
		return
	}
	entries, err := l.ReadDir(s.dir)
	if err != nil {
		s.log.Warn("state directory cannot be listed", "dir", s.dir, "err", err)
		return
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, ".") || !strings.Contains(name, tempMarker) {
			continue
		}
		p := filepath.Join(s.dir, name)
		removed, err := s.removeIfAbandoned(p)
		if err != nil {
			s.log.Warn("leftover temp file cannot be removed", "path", p, "err", err)
			continue
		}
		if removed {
			s.log.Info("removed temp file left by an interrupted save", "path", p)
		}
	}
}

// envelope is the on-disk format of every file.
type envelope struct {
	Version int             `json:"version"`
	SavedAt time.Time       `json:"saved_at"`
	Data    json.RawMessage `json:"data"`
}

// Path is the file that key is stored in.
func (s *Store) Path(key string) string { return filepath.Join(s.dir, SanitizeKey(key)) }

// Save writes v as JSON under key. The file is written to a temp file,
// flushed, renamed over the old one and the directory flushed, so after a
// crash or a power cut the file holds either the old content or the new one.
// On any error the old file is left as it was and the temp file is removed.
func (s *Store) Save(key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("state %q cannot be encoded as JSON: %w", key, err)
	}
	body, err := json.MarshalIndent(envelope{Version: formatVersion, SavedAt: s.now().UTC(), Data: data}, "", "  ")
	if err != nil {
		return fmt.Errorf("state %q cannot be encoded as JSON: %w", key, err)
	}
	body = append(body, '\n')

	path := s.Path(key)
	fail := func(step string, err error) error {
		return fmt.Errorf("state %q not saved to %s (%s): %s: %w", key, path, step, advice(err, s.dir), err)
	}
	// The directory may have been removed under us (a cleanup script, a
	// tmpfs remount); recreating it is cheap and saves the content.
	if err := s.ensureDir(); err != nil {
		return fail("creating the directory", err)
	}
	f, release, err := s.createTemp("." + filepath.Base(path) + tempMarker + "*")
	if err != nil {
		return fail("creating a temp file", err)
	}
	defer release()
	tmp := f.Name()
	closed := false
	cleanup := func() {
		if !closed {
			_ = f.Close()
		}
		if rerr := s.fs.Remove(tmp); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			s.log.Warn("temp file cannot be removed", "path", tmp, "err", rerr)
		}
	}
	if err := s.giveToOwner(f, path); err != nil {
		cleanup()
		return fmt.Errorf("state %q not saved to %s: %w", key, path, err)
	}
	if err := writeAll(f, body); err != nil {
		cleanup()
		return fail("writing", err)
	}
	if err := f.Sync(); err != nil {
		cleanup()
		return fail("flushing to disk", err)
	}
	closed = true
	if err := f.Close(); err != nil {
		cleanup()
		return fail("closing", err)
	}
	s.mu.Lock()
	err = s.fs.Rename(tmp, path)
	s.mu.Unlock()
	if err != nil {
		cleanup()
		return fail("replacing the old file", err)
	}
	// The new content is in place and readable; a failed directory flush
	// only means it might not survive a power cut, which is not worth
	// failing the save for.
	if err := s.fs.SyncDir(s.dir); err != nil {
		s.log.Warn("state directory cannot be flushed; the last save may not survive a power cut", "dir", s.dir, "err", err)
	}
	return nil
}

func writeAll(w io.Writer, b []byte) error {
	n, err := w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	return err
}

// CorruptError reports a state file that could not be read back and was moved
// aside so the kiosk can carry on without it.
type CorruptError struct {
	Path    string // the file as it was
	MovedTo string // where it is now; empty if it could not be moved
	Err     error  // what is wrong with it
}

func (e *CorruptError) Error() string {
	if e.MovedTo == "" {
		return fmt.Sprintf("state file %s is damaged (%v) and could not be moved aside; the kiosk carries on without it", e.Path, e.Err)
	}
	return fmt.Sprintf("state file %s is damaged (%v); moved aside to %s, the kiosk carries on without it", e.Path, e.Err, e.MovedTo)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Load reads key into v, which must be a non-nil pointer. It returns
// found=false and a nil error when nothing is stored under key.
//
// A damaged file — not JSON, truncated, empty, random bytes, a format version
// this kiosk does not read, or data of the wrong shape for v — is moved aside
// to "<file>.corrupt-<UTC time>", logged with the reason, and reported as
// found=false with a *CorruptError, so callers can show the problem but carry
// on as if nothing were stored. v is left untouched unless found is true.
func (s *Store) Load(key string, v any) (found bool, err error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false, fmt.Errorf("state %q: Load needs a non-nil pointer, got %T", key, v)
	}
	path := s.Path(key)
	raw, err := s.fs.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("state file %s cannot be read: %s: %w", path, advice(err, s.dir), err)
	}
	// Decode into a fresh value so that a file of the wrong shape does
	// not leave v half filled.
	fresh := reflect.New(rv.Elem().Type())
	if reason := decode(raw, fresh.Interface()); reason != nil {
		return false, s.moveAside(path, raw, reason)
	}
	rv.Elem().Set(fresh.Elem())
	return true, nil
}

func decode(raw []byte, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return errors.New("the file is empty")
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	switch {
	case env.Version == 0:
		return errors.New("not a lobbykiosk state file (no format version)")
	case env.Version != formatVersion:
		return fmt.Errorf("format version %d, this kiosk reads version %d", env.Version, formatVersion)
	case len(env.Data) == 0 || string(env.Data) == "null":
		return errors.New("the file holds no data")
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		return fmt.Errorf("data does not have the expected shape: %w", err)
	}
	return nil
}

func (s *Store) moveAside(path string, raw []byte, reason error) error {
	ce := &CorruptError{Path: path, Err: reason}
	s.mu.Lock()
	defer s.mu.Unlock()
	// A Save may have replaced the damaged file since it was read; only
	// move aside what was actually judged damaged.
	if now, err := s.fs.ReadFile(path); err != nil || !bytes.Equal(now, raw) {
		s.log.Warn("damaged state file was replaced or moved since it was read", "path", path, "reason", reason)
		return ce
	}
	to := path + ".corrupt-" + s.now().UTC().Format("20060102T150405.000Z")
	if err := s.fs.Rename(path, to); err != nil {
		s.log.Error("damaged state file cannot be moved aside", "path", path, "reason", reason, "err", err)
		return ce
	}
	ce.MovedTo = to
	s.log.Warn("damaged state file moved aside", "path", path, "moved_to", to, "reason", reason)
	return ce
}

// advice says in a few words what the person reading the error can do.
func advice(err error, dir string) string {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return "the disk is full; free some space on it"
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only; check the disk (an SD card goes read-only when it fails)"
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("permission denied; let the kiosk's user write to %s", dir)
	case errors.Is(err, syscall.ENOTDIR):
		return "part of the path is a file, not a directory; choose another state_dir"
	case errors.Is(err, syscall.EDQUOT):
		return "the disk quota is exceeded; free some space"
	default:
		return "check the disk and the path"
	}
}

// SanitizeKey turns key into a safe file name inside the store's directory:
// letters, digits, '.', '_' and '-' are kept, everything else becomes '-',
// and the name never starts with a dot. When anything had to change, a short
// hash of the original key is added before the extension, so that keys such
// as "team blog" and "team-blog" do not share a file.
func SanitizeKey(key string) string {
	var b strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	name := b.String()
	name = strings.TrimLeft(name, ".")
	const maxLen = 160
	if name == key && name != "" && len(name) <= maxLen {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > 16 || ext == "." {
		ext = ""
	}
	stem := strings.TrimSuffix(name, ext)
	if len(stem) > maxLen {
		stem = stem[:maxLen]
	}
	if stem == "" {
		stem = "key"
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return fmt.Sprintf("%s-%08x%s", stem, h.Sum32(), ext)
}
