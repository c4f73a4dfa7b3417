// Command fynepatch prepares the build of lobbykiosk with its patch of
// Fyne: patched copies of three Fyne files, kept in _fyne/ here (the
// leading underscore keeps the go tool from taking them for a package of
// this module). The patch slows Fyne's event loop to 4 Hz while nothing
// changes on screen; the README's "Fyne patch" says why and what it saves.
//
//	go run ./packaging/fynepatch -o packaging/dist/fyne   # prints packaging/dist/fyne/go.mod
//	go build -modfile packaging/dist/fyne/go.mod ./cmd/lobbykiosk
//
// It copies Fyne, at the version go.mod requires, from the module cache
// into DIR/fyne-VERSION with the patched files in place, and writes
// DIR/go.mod (and go.sum): the repository's, plus a replace directive for
// that copy. The repository's own go.mod and go.sum are not touched, so a
// plain `go build` uses Fyne as it is, and with GOFLAGS=-modfile=DIR/go.mod
// every go command (the end-to-end tests' builds too) uses the patched one.
// (`go build -overlay` would have been lighter, but it refuses to replace
// files inside the module cache.)
//
// A patched copy replaces the whole upstream file, so it is only right for
// the exact file it was made from: the command refuses (and its test
// fails) when go.mod asks for another Fyne version or a file in the module
// cache differs from the one the patch was made against.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// fyneModule and fyneVersion are the module and the version the patch was
// made against.
const (
	fyneModule  = "fyne.io/fyne/v2"
	fyneVersion = "v2.7.2"
)

// patched are the files the patch replaces, below the Fyne module's root,
// with the SHA-256 of the upstream file each copy in _fyne/ was made from.
var patched = []struct{ path, upstream string }{
	{"internal/animation/runner.go", "055de4f3d62a7dd36dd63f1746d93867cda28e933f152dd5790266f0fe62561d"},
	{"internal/driver/glfw/animation.go", "e639b5e2b39cef501e49a6a258bdf3268fb70ac19416b1d3972b894d5784082e"},
	{"internal/driver/glfw/loop.go", "d15914b9536c96cfdb7627b6b78b7ca3ad31b56428b2061f8421e93bbe859e45"},
}

// marker is in every patched copy, next to each change.
const marker = "lobbykiosk patch"

func main() {
	out := flag.String("o", "packaging/dist/fyne", "folder to write the patched Fyne and the go.mod using it into")
	flag.Parse()
	modfile, err := run(*out)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fynepatch: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(modfile)
}

// run writes the patched Fyne and the go.mod using it into out and
// returns that go.mod's path.
func run(out string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	version, dir, err := fyneDir(root)
	if err != nil {
		return "", err
	}
	patches := filepath.Join(root, "packaging", "fynepatch", "_fyne")
	if err := check(patches, version, dir); err != nil {
		return "", err
	}
	out, err = filepath.Abs(out)
	if err != nil {
		return "", err
	}
	return writePatched(root, patches, dir, out)
}

// check makes sure the patch in patches was made for Fyne at version,
// whose files are in dir.
func check(patches, version, dir string) error {
	if version != fyneVersion {
		return fmt.Errorf("go.mod requires %s %s, but the patch in packaging/fynepatch was made for %s: "+
			"port it to the new files (README, \"Fyne patch\") and update its hashes, or build without it",
			fyneModule, version, fyneVersion)
	}
	for _, f := range patched {
		up := filepath.Join(dir, filepath.FromSlash(f.path))
		data, err := os.ReadFile(up)
		if err != nil {
			return fmt.Errorf("%s %s: %w", fyneModule, f.path, err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != f.upstream {
			return fmt.Errorf("%s: SHA-256 %s, but the patch was made against %s: the module cache holds another file than %s %s did",
				up, got, f.upstream, fyneModule, fyneVersion)
		}
		mine := filepath.Join(patches, filepath.FromSlash(f.path))
		patch, err := os.ReadFile(mine)
		if err != nil {
			return err
		}
		if bytes.Equal(patch, data) || !bytes.Contains(patch, []byte(marker)) {
			return fmt.Errorf("%s: not a patched copy (it is upstream's, or lacks the %q comments)", mine, marker)
		}
	}
	return nil
}

// writePatched copies Fyne from dir into out/fyne-VERSION with the patched files
// from patches, and writes out/go.mod and out/go.sum: the module's at
// root, plus the replace directive.
func writePatched(root, patches, dir, out string) (string, error) {
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	if bytes.Contains(gomod, []byte("replace "+fyneModule)) {
		return "", fmt.Errorf("%s: already replaces %s", filepath.Join(root, "go.mod"), fyneModule)
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return "", err
	}
	copyDir := filepath.Join(out, "fyne-"+fyneVersion)
	if err := os.RemoveAll(copyDir); err != nil {
		return "", err
	}
	if err := copyTree(dir, copyDir); err != nil {
		return "", fmt.Errorf("copy %s: %w", dir, err)
	}
	for _, f := range patched {
		if err := copyFile(filepath.Join(patches, filepath.FromSlash(f.path)), filepath.Join(copyDir, filepath.FromSlash(f.path))); err != nil {
			return "", err
		}
	}
	mod := fmt.Sprintf("%s\n// Written by packaging/fynepatch: Fyne with lobbykiosk's patch.\nreplace %s => %s\n",
		bytes.TrimRight(gomod, "\n"), fyneModule, copyDir)
	modfile := filepath.Join(out, "go.mod")
	if err := os.WriteFile(modfile, []byte(mod), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(out, "go.sum"), gosum, 0o644); err != nil {
		return "", err
	}
	return modfile, nil
}

// copyTree copies the regular files and folders below from to to, writable
// (the module cache's are read-only).
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, 0o755)
		case d.Type().IsRegular():
			return copyFile(p, dst)
		}
		return nil
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// moduleRoot is the folder of the go.mod the go command uses here.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the lobbykiosk module: run it from the repository")
	}
	return filepath.Dir(gomod), nil
}

// fyneDir is the Fyne version the module at root requires and its folder
// in the module cache (downloaded if needed).
func fyneDir(root string) (version, dir string, err error) {
	cmd := exec.Command("go", "mod", "download", "-json", fyneModule)
	cmd.Dir = root
	// The repository's own go.mod, whatever GOFLAGS says: a -modfile
	// written by this command replaces Fyne by a folder.
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("go mod download %s: %v: %s", fyneModule, err, strings.TrimSpace(stderr.String()))
	}
	var m struct{ Version, Dir, Error string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", "", fmt.Errorf("go mod download %s: %w", fyneModule, err)
	}
	if m.Error != "" || m.Dir == "" {
		return "", "", fmt.Errorf("go mod download %s: %s", fyneModule, m.Error)
	}
	return m.Version, m.Dir, nil
}
