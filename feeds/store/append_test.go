package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Writers in several processes append to one log at once (each store here
// opens the lock file on its own, as another process would): every line
// arrives whole, none is lost, and the file is private.
func TestAppendFromManyWriters(t *testing.T) {
	dir := t.TempDir()
	const writers, each = 6, 40
	var wg sync.WaitGroup
	for w := range writers {
		s := open(t, dir)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				line := fmt.Sprintf(`{"writer":%d,"n":%d,"pad":%q}`, w, i, strings.Repeat("x", 200))
				if err := s.Append("audit.jsonl", []byte(line)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	data, err := os.ReadFile(filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != writers*each {
		t.Fatalf("%d lines, want %d", len(lines), writers*each)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var w, n int
		if _, err := fmt.Sscanf(l, `{"writer":%d,"n":%d,`, &w, &n); err != nil || !strings.HasSuffix(l, `x"}`) {
			t.Fatalf("a torn or mixed line: %q", l)
		}
		seen[fmt.Sprint(w, "-", n)] = true
	}
	if len(seen) != writers*each {
		t.Errorf("%d different lines of %d: some were written twice", len(seen), writers*each)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "audit.jsonl")); fi.Mode().Perm() != 0o600 {
		t.Errorf("the log is mode %04o, want 0600", fi.Mode().Perm())
	}
}

// A crash in the middle of an append left half a line: the next line starts
// on a line of its own, and Tail gives whole lines from the end.
func TestAppendAfterATornLineAndTail(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	path := filepath.Join(dir, "audit.jsonl")
	if err := os.WriteFile(path, []byte("{\"a\":1}\n{\"torn\":"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Append("audit.jsonl", []byte(`{"b":2}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Append("audit.jsonl", []byte("two\nlines")); err == nil {
		t.Error("a line with a line break was appended")
	}
	data, _ := os.ReadFile(path)
	if string(data) != "{\"a\":1}\n{\"torn\":\n{\"b\":2}\n" {
		t.Fatalf("log after a torn line:\n%s", data)
	}
	tail, found, err := s.Tail("audit.jsonl", 12)
	if err != nil || !found || string(tail) != "{\"b\":2}\n" {
		t.Errorf("Tail(12) = %q, %v, %v; want the last whole line", tail, found, err)
	}
	all, _, _ := s.Tail("audit.jsonl", 1<<20)
	if !bytes.Equal(all, data) {
		t.Errorf("Tail of the whole file = %q", all)
	}
	if _, found, err := s.Tail("none.jsonl", 100); found || err != nil {
		t.Errorf("Tail of a missing log: %v, %v", found, err)
	}
	// The state directory deleted: the next line starts a new log.
	os.RemoveAll(dir)
	if err := s.Append("audit.jsonl", []byte(`{"c":3}`)); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "{\"c\":3}\n" {
		t.Errorf("log after the directory was deleted: %q", data)
	}
}

// WriteFile replaces a file whole and leaves no temporary file behind, also
// when it cannot write.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pic.jpg")
	for _, body := range []string{"first", "second, longer"} {
		if err := WriteFile(path, []byte(body)); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != body {
			t.Errorf("file holds %q, want %q", got, body)
		}
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x"), []byte("x")); err == nil {
		t.Error("WriteFile into a missing folder succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the file: %v", len(entries), entries)
	}
}
