package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPatchIsForThisFyne fails when a Fyne upgrade makes the patch stale:
// go.mod requires another version, or a file it replaces is not the one it
// was made from. A patched copy replaces a whole file, so applied to
// another version it would silently bring back old code. Port the patch
// (README, "Fyne patch") and update fyneVersion and the hashes.
func TestPatchIsForThisFyne(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	version, dir, err := fyneDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := check(filepath.Join(root, "packaging", "fynepatch", "_fyne"), version, dir); err != nil {
		t.Fatal(err)
	}
}

// TestCheckRefusesStalePatches: another version, an upstream file that
// changed, or a copy that is not patched are each refused, naming what.
func TestCheckRefusesStalePatches(t *testing.T) {
	up, mine := t.TempDir(), t.TempDir()
	for _, f := range patched {
		write(t, filepath.Join(up, f.path), "upstream "+f.path)
		write(t, filepath.Join(mine, f.path), "// "+marker+"\n")
	}
	if err := check(mine, "v2.8.0", up); err == nil || !strings.Contains(err.Error(), "v2.8.0") {
		t.Errorf("another Fyne version: %v", err)
	}
	if err := check(mine, fyneVersion, up); err == nil || !strings.Contains(err.Error(), patched[0].path) || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("upstream files that are not the patched ones': %v", err)
	}
}

// TestWriteReplacesFyne: the written go.mod is the module's plus a replace
// directive for a copy of Fyne holding the patched files, and the module's
// own go.mod and go.sum are left as they were.
func TestWriteReplacesFyne(t *testing.T) {
	root, fyne, patches, out := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example\n\nrequire fyne.io/fyne/v2 v2.7.2\n")
	write(t, filepath.Join(root, "go.sum"), "fyne.io/fyne/v2 v2.7.2 h1:x\n")
	write(t, filepath.Join(fyne, "go.mod"), "module fyne.io/fyne/v2\n")
	write(t, filepath.Join(fyne, "canvas", "text.go"), "package canvas\n")
	for _, f := range patched {
		write(t, filepath.Join(fyne, f.path), "upstream\n")
		write(t, filepath.Join(patches, f.path), "patched "+f.path+"\n")
	}
	modfile, err := writePatched(root, patches, fyne, out)
	if err != nil {
		t.Fatal(err)
	}
	mod := read(t, modfile)
	copyDir := filepath.Join(out, "fyne-"+fyneVersion)
	if !strings.HasPrefix(mod, "module example\n") || !strings.HasSuffix(mod, "replace fyne.io/fyne/v2 => "+copyDir+"\n") {
		t.Errorf("go.mod written:\n%s", mod)
	}
	if got := read(t, filepath.Join(out, "go.sum")); got != read(t, filepath.Join(root, "go.sum")) {
		t.Errorf("go.sum written: %q", got)
	}
	if got := read(t, filepath.Join(copyDir, "canvas", "text.go")); got != "package canvas\n" {
		t.Errorf("an unpatched file of the copy: %q", got)
	}
	for _, f := range patched {
		if got := read(t, filepath.Join(copyDir, f.path)); got != "patched "+f.path+"\n" {
			t.Errorf("%s in the copy: %q, want the patched one", f.path, got)
		}
	}
	if got := read(t, filepath.Join(root, "go.mod")); strings.Contains(got, "replace") {
		t.Errorf("the module's own go.mod was changed:\n%s", got)
	}
	// Written again over the first: the same result, no stale files.
	write(t, filepath.Join(copyDir, "stale.go"), "package stale\n")
	if _, err := writePatched(root, patches, fyne, out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(copyDir, "stale.go")); !os.IsNotExist(err) {
		t.Errorf("a file left from an earlier copy survives: %v", err)
	}
}

// write2 is the command's write (the test's own write helper has the name).
var write2 = writePatched

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")))
}
