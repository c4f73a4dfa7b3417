package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

// faultFS is the real file system with faults switched on per operation.
type faultFS struct {
	osFS
	mkdirErr  error
	createErr error
	writeErr  error // returned by Write after writing half the bytes
	syncErr   error
	closeErr  error
	renameErr error
	removeErr error
	readErr   error
	syncDir   error
}

func (f *faultFS) MkdirAll(p string, perm fs.FileMode) error {
	if f.mkdirErr != nil {
		return &fs.PathError{Op: "mkdir", Path: p, Err: f.mkdirErr}
	}
	return f.osFS.MkdirAll(p, perm)
}

func (f *faultFS) CreateTemp(dir, pattern string) (File, error) {
	if f.createErr != nil {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: f.createErr}
	}
	file, err := f.osFS.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f}, nil
}

func (f *faultFS) Rename(o, n string) error {
	if f.renameErr != nil {
		return &os.LinkError{Op: "rename", Old: o, New: n, Err: f.renameErr}
	}
	return f.osFS.Rename(o, n)
}

func (f *faultFS) Remove(name string) error {
	if f.removeErr != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: f.removeErr}
	}
	return f.osFS.Remove(name)
}

func (f *faultFS) ReadFile(name string) ([]byte, error) {
	if f.readErr != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: f.readErr}
	}
	return f.osFS.ReadFile(name)
}

func (f *faultFS) SyncDir(dir string) error {
	if f.syncDir != nil {
		return f.syncDir
	}
	return f.osFS.SyncDir(dir)
}

type faultFile struct {
	File
	fs *faultFS
}

func (f *faultFile) Write(b []byte) (int, error) {
	if f.fs.writeErr != nil {
		n, _ := f.File.Write(b[:len(b)/2])
		return n, &fs.PathError{Op: "write", Path: f.Name(), Err: f.fs.writeErr}
	}
	return f.File.Write(b)
}

func (f *faultFile) Sync() error {
	if f.fs.syncErr != nil {
		return f.fs.syncErr
	}
	return f.File.Sync()
}

func (f *faultFile) Close() error {
	err := f.File.Close()
	if f.fs.closeErr != nil {
		return f.fs.closeErr
	}
	return err
}

func testLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// dirNames lists the files in dir, for asserting what a user would find there.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func sampleResult() feeds.Result {
	return feeds.Result{
		Posts: []feeds.Post{{
			ID: "p1", Source: "team-blog", Network: "blog",
			Author:    feeds.Author{Name: "Ada Lovelace", Handle: "@ada"},
			Text:      "We shipped the analytical engine 🎉",
			Published: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
			Likes:     12,
		}},
		Wins:        []feeds.Metric{{Label: "Reach", Value: 120000, Previous: 98000, HasPrevious: true, Unit: "people", Period: "March"}},
		Leaderboard: []feeds.Standing{{Rank: 1, Name: "Grace Hopper", Points: 42.5, Change: 2}},
		Warnings:    []string{"row 7: value is not a number"},
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Run("result", func(t *testing.T) {
		want := sampleResult()
		if err := st.Save("source-team-blog.json", want); err != nil {
			t.Fatal(err)
		}
		var got feeds.Result
		found, err := st.Load("source-team-blog.json", &got)
		if err != nil || !found {
			t.Fatalf("Load = %v, %v; want found", found, err)
		}
		if got.Posts[0].Text != want.Posts[0].Text || !got.Posts[0].Published.Equal(want.Posts[0].Published) ||
			got.Wins[0] != want.Wins[0] || got.Leaderboard[0] != want.Leaderboard[0] || got.Warnings[0] != want.Warnings[0] {
			t.Fatalf("round trip changed the result:\n got %+v\nwant %+v", got, want)
		}
	})
	t.Run("overwrite keeps only the newest", func(t *testing.T) {
		for _, v := range []map[string]int{{"a": 1}, {"b": 2}} {
			if err := st.Save("decisions.json", v); err != nil {
				t.Fatal(err)
			}
		}
		var got map[string]int
		if found, err := st.Load("decisions.json", &got); !found || err != nil {
			t.Fatalf("Load = %v, %v", found, err)
		}
		if len(got) != 1 || got["b"] != 2 {
			t.Fatalf("got %v, want map[b:2]", got)
		}
	})
	t.Run("absent key", func(t *testing.T) {
		var got feeds.Result
		found, err := st.Load("source-never-saved.json", &got)
		if found || err != nil {
			t.Fatalf("Load of an absent key = %v, %v; want false, nil", found, err)
		}
	})
	t.Run("file is a versioned envelope", func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(st.Dir(), "source-team-blog.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"version": 1`, `"saved_at": "`, `"data": {`} {
			if !bytes.Contains(raw, []byte(want)) {
				t.Errorf("file lacks %s:\n%s", want, raw)
			}
		}
	})
	if names := dirNames(t, st.Dir()); len(names) != 2 {
		t.Errorf("directory holds %v, want only the two saved files", names)
	}
}

func TestKeysAreSanitized(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"source-team blog.json", "source-team-blog.json", "../../etc/passwd", ".hidden", "", "sourcé/ü.json"}
	for i, k := range keys {
		if err := st.Save(k, i); err != nil {
			t.Fatalf("Save(%q): %v", k, err)
		}
	}
	for i, k := range keys {
		var got int
		found, err := st.Load(k, &got)
		if !found || err != nil || got != i {
			t.Errorf("Load(%q) = %d, %v, %v; want %d (keys must not share a file)", k, got, found, err, i)
		}
		p := st.Path(k)
		if filepath.Dir(p) != dir || strings.HasPrefix(filepath.Base(p), ".") {
			t.Errorf("key %q is stored at %s, outside %s or hidden", k, p, dir)
		}
	}
	if got := SanitizeKey("source-team-blog.json"); got != "source-team-blog.json" {
		t.Errorf("a safe key was changed to %q", got)
	}
	if names := dirNames(t, dir); len(names) != len(keys) {
		t.Errorf("directory holds %v, want %d files", names, len(keys))
	}
}

func TestLoadMovesDamagedFilesAside(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "source-team-blog.json"))
	if err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 512)
	for i := range random {
		// A fixed, irregular byte pattern: never valid JSON.
		random[i] = byte(i*151 + i*i*7 + 3)
	}
	tests := []struct {
		name    string
		content []byte
		reason  string
	}{
		{"random bytes", random, "not valid JSON"},
		{"truncated", good[:len(good)/2], "not valid JSON"},
		{"empty file", nil, "the file is empty"},
		{"only whitespace", []byte("\n  \n"), "the file is empty"},
		{"newer format version", []byte(`{"version":2,"saved_at":"2026-01-01T00:00:00Z","data":{"posts":[]}}`), "format version 2"},
		{"not a state file", []byte(`{"posts":[{"id":"x"}]}`), "no format version"},
		{"no data", []byte(`{"version":1,"saved_at":"2026-01-01T00:00:00Z"}`), "holds no data"},
		{"wrong shape", []byte(`{"version":1,"saved_at":"2026-01-01T00:00:00Z","data":{"posts":"not a list"}}`), "expected shape"},
	}
	movedName := regexp.MustCompile(`^source-team-blog\.json\.corrupt-\d{8}T\d{6}\.\d{3}Z$`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var logs bytes.Buffer
			st, err := Open(dir, WithLogger(testLogger(&logs)))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "source-team-blog.json")
			if err := os.WriteFile(path, tc.content, 0o644); err != nil {
				t.Fatal(err)
			}
			got := feeds.Result{Warnings: []string{"untouched"}}
			found, err := st.Load("source-team-blog.json", &got)
			if found {
				t.Fatal("a damaged file was reported as found")
			}
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Load error = %v, want a *CorruptError", err)
			}
			if ce.Path != path || !movedName.MatchString(filepath.Base(ce.MovedTo)) || filepath.Dir(ce.MovedTo) != dir {
				t.Errorf("CorruptError = %+v, want Path %s moved to %s/source-team-blog.json.corrupt-<UTC time>", ce, path, dir)
			}
			if !strings.Contains(err.Error(), tc.reason) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file and the reason %q", err, tc.reason)
			}
			if !strings.Contains(logs.String(), tc.reason) || !strings.Contains(logs.String(), "moved aside") {
				t.Errorf("log does not report the move and the reason %q:\n%s", tc.reason, logs.String())
			}
			if moved, err := os.ReadFile(ce.MovedTo); err != nil || !bytes.Equal(moved, tc.content) {
				t.Errorf("the moved-aside file does not hold the original bytes (err %v)", err)
			}
			if len(got.Warnings) != 1 || got.Warnings[0] != "untouched" || got.Posts != nil {
				t.Errorf("Load filled the value from a damaged file: %+v", got)
			}
			found, err = st.Load("source-team-blog.json", &got)
			if found || err != nil {
				t.Errorf("second Load = %v, %v; want not found and no error", found, err)
			}
		})
	}
}

func TestTestdataFixtureLoads(t *testing.T) {
	// The fixture used for the truncation case must itself be a good file,
	// or truncating it would prove nothing.
	dir := t.TempDir()
	raw, err := os.ReadFile(filepath.Join("testdata", "source-team-blog.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "source-team-blog.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got feeds.Result
	if found, err := st.Load("source-team-blog.json", &got); !found || err != nil || len(got.Posts) != 2 {
		t.Fatalf("fixture Load = %v, %v, %d posts; want found with 2 posts", found, err, len(got.Posts))
	}
}

func TestSaveFailureKeepsOldFile(t *testing.T) {
	tests := []struct {
		name   string
		fault  func(*faultFS)
		advice string
	}{
		{"disk full while writing", func(f *faultFS) { f.writeErr = syscall.ENOSPC }, "the disk is full"},
		{"disk full while flushing", func(f *faultFS) { f.syncErr = syscall.ENOSPC }, "the disk is full"},
		{"close fails", func(f *faultFS) { f.closeErr = syscall.EIO }, "check the disk"},
		{"read-only directory", func(f *faultFS) { f.createErr = syscall.EACCES }, "permission denied"},
		{"read-only file system", func(f *faultFS) { f.createErr = syscall.EROFS }, "read-only"},
		{"rename refused", func(f *faultFS) { f.renameErr = syscall.EACCES }, "permission denied"},
		{"directory cannot be recreated", func(f *faultFS) { f.mkdirErr = syscall.EACCES }, "permission denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ffs := &faultFS{}
			st, err := Open(dir, WithFS(ffs))
			if err != nil {
				t.Fatal(err)
			}
			old := sampleResult()
			if err := st.Save("source-team-blog.json", old); err != nil {
				t.Fatal(err)
			}
			tc.fault(ffs)
			newer := feeds.Result{Posts: []feeds.Post{{ID: "new", Text: "must not appear"}}}
			err = st.Save("source-team-blog.json", newer)
			if err == nil {
				t.Fatal("Save succeeded despite the fault")
			}
			if !strings.Contains(err.Error(), tc.advice) || !strings.Contains(err.Error(), st.Path("source-team-blog.json")) {
				t.Errorf("error %q does not name the file and say %q", err, tc.advice)
			}
			if names := dirNames(t, dir); len(names) != 1 || names[0] != "source-team-blog.json" {
				t.Errorf("directory holds %v, want only the old file (no temp files)", names)
			}
			*ffs = faultFS{}
			var got feeds.Result
			if found, err := st.Load("source-team-blog.json", &got); !found || err != nil {
				t.Fatalf("Load after failed save = %v, %v", found, err)
			}
			if len(got.Posts) != 1 || got.Posts[0].ID != "p1" {
				t.Errorf("old content lost: %+v", got.Posts)
			}
		})
	}
}

func TestSaveSucceedsWhenDirectoryFlushFails(t *testing.T) {
	var logs bytes.Buffer
	ffs := &faultFS{syncDir: syscall.EIO}
	st, err := Open(t.TempDir(), WithFS(ffs), WithLogger(testLogger(&logs)))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save("k.json", 7); err != nil {
		t.Fatalf("Save = %v; the file is in place, a failed directory flush should only be logged", err)
	}
	var got int
	if found, err := st.Load("k.json", &got); !found || err != nil || got != 7 {
		t.Fatalf("Load = %d, %v, %v", got, found, err)
	}
	if !strings.Contains(logs.String(), "may not survive a power cut") {
		t.Errorf("failed directory flush not logged:\n%s", logs.String())
	}
}

func TestCrashBeforeRenameLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save("source-team-blog.json", sampleResult()); err != nil {
		t.Fatal(err)
	}
	// The process dies after the temp file is written and before the
	// rename: nothing gets cleaned up, the temp file stays behind.
	crashed := &faultFS{renameErr: errors.New("killed"), removeErr: errors.New("killed")}
	crashedStore, err := Open(dir, WithFS(crashed), WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if err := crashedStore.Save("source-team-blog.json", feeds.Result{Posts: []feeds.Post{{ID: "half"}}}); err == nil {
		t.Fatal("Save succeeded despite the crash")
	}
	if names := dirNames(t, dir); len(names) != 2 {
		t.Fatalf("directory holds %v, want the old file and the leftover temp file", names)
	}

	// The kiosk restarts.
	var logs bytes.Buffer
	st, err = Open(dir, WithLogger(testLogger(&logs)))
	if err != nil {
		t.Fatal(err)
	}
	var got feeds.Result
	if found, err := st.Load("source-team-blog.json", &got); !found || err != nil || got.Posts[0].ID != "p1" {
		t.Fatalf("after the crash Load = %v, %v, %+v; want the old content", found, err, got.Posts)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("after restart the directory holds %v, want the leftover temp file removed", names)
	}
	if !strings.Contains(logs.String(), "interrupted save") {
		t.Errorf("removal of the leftover temp file not logged:\n%s", logs.String())
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("path under a regular file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "state")
		if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(file, "cache")
		_, err := Open(dir)
		if err == nil {
			t.Fatal("Open succeeded under a regular file")
		}
		for _, want := range []string{dir, "not a directory", "choose another state_dir"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	})
	t.Run("permission denied", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "lobbykiosk")
		_, err := Open(dir, WithFS(&faultFS{mkdirErr: syscall.EACCES}))
		if err == nil {
			t.Fatal("Open succeeded without permission")
		}
		for _, want := range []string{dir, "permission denied", "let the kiosk's user write to " + dir} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	})
	t.Run("not set", func(t *testing.T) {
		if _, err := Open(""); err == nil || !strings.Contains(err.Error(), "state_dir") {
			t.Errorf("Open(\"\") = %v, want an error that says to set state_dir", err)
		}
	})
}

func TestLoadReadErrorIsNotCorruption(t *testing.T) {
	dir := t.TempDir()
	ffs := &faultFS{}
	st, err := Open(dir, WithFS(ffs))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save("k.json", 1); err != nil {
		t.Fatal(err)
	}
	ffs.readErr = syscall.EACCES
	var got int
	found, err := st.Load("k.json", &got)
	var ce *CorruptError
	if found || err == nil || errors.As(err, &ce) {
		t.Fatalf("Load = %v, %v; want a plain read error", found, err)
	}
	if !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("error %q does not say what is wrong", err)
	}
	if names := dirNames(t, dir); len(names) != 1 || names[0] != "k.json" {
		t.Errorf("an unreadable file was moved: directory holds %v", names)
	}
}

func TestSaveRejectsUnencodableValue(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save("k.json", map[string]any{"ch": make(chan int)}); err == nil || !strings.Contains(err.Error(), `"k.json" cannot be encoded`) {
		t.Errorf("Save = %v, want an encoding error naming the key", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("directory holds %v after a failed encode", names)
	}
}

func TestConcurrentSavesAndLoadsNeverSeeHalfAFile(t *testing.T) {
	var logs bytes.Buffer
	st, err := Open(t.TempDir(), WithLogger(testLogger(&logs)))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save("shared.json", sampleResult()); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for w := range 4 {
		go func() {
			for range 25 {
				r := sampleResult()
				r.Posts[0].Likes = w
				if err := st.Save("shared.json", r); err != nil {
					done <- err
					return
				}
				var got feeds.Result
				if found, err := st.Load("shared.json", &got); !found || err != nil {
					done <- fmt.Errorf("Load = %v, %v", found, err)
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if names := dirNames(t, st.Dir()); len(names) != 1 {
		t.Errorf("directory holds %v, want one file", names)
	}
}
