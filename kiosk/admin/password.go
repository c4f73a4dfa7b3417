package admin

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLength is the shortest admin password accepted, in characters.
const MinPasswordLength = 10

// HashPassword checks pw against the policy and returns its bcrypt hash, as
// [admin] password_hash holds it.
func HashPassword(pw string) (string, error) {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLength {
		return "", fmt.Errorf("the password has %d characters; use at least %d", n, MinPasswordLength)
	}
	if len(pw) > 72 {
		// bcrypt reads only 72 bytes; refusing is better than silently
		// ignoring the end of a passphrase.
		return "", fmt.Errorf("the password is %d bytes long; bcrypt uses at most 72, so choose a shorter one", len(pw))
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hashing the password: %w", err)
	}
	return string(h), nil
}

// SetPasswordHash writes hash as [admin] password_hash into the config file
// at path: it replaces the key where it is, or adds it under [admin] (after
// a commented-out example of it when there is one), or adds an [admin]
// table at the end. Every other line, comment and blank stays as it was, and
// the file keeps its mode and owner. The file is replaced atomically, so a
// kiosk reading it meanwhile sees the old or the new file, never half.
func SetPasswordHash(path, hash string) error {
	if _, err := bcrypt.Cost([]byte(hash)); err != nil {
		return fmt.Errorf("not a bcrypt hash: %w", err)
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("config %s does not exist (copy packaging/kiosk.example.toml there first)", path)
		}
		return fmt.Errorf("config %s: %w", path, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	data, err := os.ReadFile(real)
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	var before adminOnly
	if _, err := toml.Decode(string(data), &before); err != nil {
		return fmt.Errorf("config %s is not valid TOML, so it was left alone: %v (see `lobbykiosk check --config %s`)", path, err, path)
	}
	out := withPasswordHash(data, hash)
	var after adminOnly
	if _, err := toml.Decode(string(out), &after); err != nil || after.Admin.PasswordHash != hash {
		return fmt.Errorf("config %s: could not place password_hash under [admin] automatically, so the file was left alone; add this line under [admin] by hand:\npassword_hash = %q", path, hash)
	}
	if err := writeAtomic(real, out, fi); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

type adminOnly struct {
	Admin struct {
		PasswordHash string `toml:"password_hash"`
	} `toml:"admin"`
}

var (
	tableHeader = regexp.MustCompile(`^\s*\[\s*([^\[\]]*?)\s*\]\s*(#.*)?$`)
	arrayHeader = regexp.MustCompile(`^\s*\[\[`)
	hashKey     = regexp.MustCompile(`^(\s*)password_hash\s*=`)
	dottedKey   = regexp.MustCompile(`^(\s*)admin\s*\.\s*password_hash\s*=`)
	hashExample = regexp.MustCompile(`^\s*#\s*password_hash\s*=`)
)

// withPasswordHash returns data with the hash set, changing only the one
// line it concerns (or adding one).
func withPasswordHash(data []byte, hash string) []byte {
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	set := func(indent string) string { return indent + `password_hash = "` + hash + `"` }

	table := "" // the table the current line is in; "" = top level
	header, example, lastKey, replace := -1, -1, -1, -1
	replaceWith := ""
	inString := "" // inside a multi-line string opened with this delimiter
	for i, raw := range lines {
		line := strings.TrimRight(raw, "\r\n")
		if inString != "" {
			if strings.Count(line, inString)%2 == 1 {
				inString = ""
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case arrayHeader.MatchString(line):
			table = "[[array]]"
		case tableHeader.MatchString(line):
			name := tableHeader.FindStringSubmatch(line)[1]
			table = strings.Trim(strings.ReplaceAll(name, " ", ""), `"'`)
			if table == "admin" {
				header = i
			}
		case table == "admin" && hashKey.MatchString(line):
			replace, replaceWith = i, set(hashKey.FindStringSubmatch(line)[1])
		case table == "" && dottedKey.MatchString(line):
			replace, replaceWith = i, dottedKey.FindStringSubmatch(line)[1]+"admin."+set("")
		case table == "admin" && hashExample.MatchString(line):
			example = i
		case table == "admin" && trimmed != "" && !strings.HasPrefix(trimmed, "#"):
			lastKey = i
		}
		for _, q := range []string{`"""`, `'''`} {
			if strings.Count(line, q)%2 == 1 {
				inString = q
			}
		}
	}
	switch {
	case replace >= 0:
		lines[replace] = replaceWith + lineEnd(lines[replace])
	case header >= 0:
		at := header
		if lastKey > at {
			at = lastKey
		}
		if example > at {
			at = example
		}
		lines = insertAfter(lines, at, set("")+nl, nl)
	default:
		if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
			lines[n-1] += nl
		}
		if len(lines) > 0 {
			lines = append(lines, nl)
		}
		lines = append(lines, "[admin]"+nl, set("")+nl)
	}
	return []byte(strings.Join(lines, ""))
}

func lineEnd(raw string) string {
	switch {
	case strings.HasSuffix(raw, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(raw, "\n"):
		return "\n"
	}
	return ""
}

func insertAfter(lines []string, at int, line, nl string) []string {
	if !strings.HasSuffix(lines[at], "\n") {
		lines[at] += nl
	}
	out := make([]string, 0, len(lines)+1)
	out = append(out, lines[:at+1]...)
	out = append(out, line)
	return append(out, lines[at+1:]...)
}

// writeAtomic replaces path with data through a temporary file in the same
// folder, keeping the old file's mode and, where allowed, its owner: the
// kiosk's service user must still be able to read it.
func writeAtomic(path string, data []byte, old os.FileInfo) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write next to it: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(old.Mode().Perm()); err != nil {
		return err
	}
	if err = keepOwner(tmp, old); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is durable only once the folder is synced; a power cut
	// right after would otherwise bring back the old password.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
