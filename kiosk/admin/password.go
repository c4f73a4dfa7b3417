package admin

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"golang.org/x/crypto/bcrypt"

	"lobbykiosk/kiosk/config"
)

// MinPasswordLength is the shortest admin password accepted, in characters.
const MinPasswordLength = 12

//go:embed common-passwords.txt
var commonPasswordList string

// common holds the list, lower case.
var common = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordList))
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#!comment:") {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// leet undoes the usual letter swaps, so "P@ssw0rd" reads "password".
var leet = strings.NewReplacer("0", "o", "1", "i", "!", "i", "3", "e", "4", "a", "@", "a", "5", "s", "$", "s", "7", "t", "+", "t", "8", "b", "9", "g")

// CheckPassword says why pw is too weak for the admin page, or nil. Beyond
// its length, a common password does not become safe with digits or signs
// around it or letters swapped for look-alikes ("Password2026!",
// "P@ssw0rd1234"), nor repeated ("passwordpassword"); names is what else a
// guesser would try first (the kiosk's name).
func CheckPassword(pw string, names ...string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLength {
		return fmt.Errorf("the password has %d characters; use at least %d (a few words make a good one: \"tern lobby window 42\")", n, MinPasswordLength)
	}
	if len(pw) > 72 {
		// bcrypt reads only 72 bytes; refusing is better than silently
		// ignoring the end of a passphrase.
		return fmt.Errorf("the password is %d bytes long; bcrypt uses at most 72, so choose a shorter one", len(pw))
	}
	lower := strings.ToLower(pw)
	core := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	if distinct(core) < 4 {
		return errors.New("the password is mostly digits, signs or one letter repeated; use words or a mix that a guesser would not try first")
	}
	for _, c := range []string{lower, core, leet.Replace(lower), leet.Replace(core), strings.Trim(leet.Replace(lower), " -_.")} {
		for _, cand := range []string{c, unit(c), strings.Join(strings.FieldsFunc(c, notLetter), "")} {
			if common[cand] {
				return fmt.Errorf("the password is built on %q, one of the most common passwords, which guessers try first; choose another", cand)
			}
		}
	}
	for _, n := range append(names, "lobbykiosk") {
		n = strings.ToLower(strings.Join(strings.FieldsFunc(n, notLetter), ""))
		if len(n) >= 4 && strings.Join(strings.FieldsFunc(leet.Replace(core), notLetter), "") == n {
			return fmt.Errorf("the password is the kiosk's name with a few characters around it; choose one a guesser would not try first")
		}
	}
	return nil
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }

func distinct(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// unit is the shortest string that s repeats ("abcabcabc" → "abc"); s
// itself when it is no repetition.
func unit(s string) string {
	for n := 1; n <= len(s)/2; n++ {
		if len(s)%n == 0 && strings.Repeat(s[:n], len(s)/n) == s {
			return s[:n]
		}
	}
	return s
}

// HashPassword checks pw against the policy and returns its bcrypt hash.
func HashPassword(pw string, names ...string) (string, error) {
	if err := CheckPassword(pw, names...); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hashing the password: %w", err)
	}
	return string(h), nil
}

// PasswordSource says where the admin page's password hash comes from.
type PasswordSource struct {
	Hash string
	// File is the password file it was read from; "" when it came from
	// the config's password_hash.
	File string
	// Warning is what the person should fix (a hash still in the
	// config, a file others may read); "" when all is well.
	Warning string
}

// LoadPassword finds the admin password hash for cfg: the password file
// ([admin] password_file, by default in state_dir), else the hash an older
// version wrote into the config. A file that others may read is made
// private when the kiosk owns it.
func LoadPassword(cfg *config.Config) (PasswordSource, error) {
	file := cfg.Admin.PasswordFile
	if file == "" {
		file = cfg.DefaultPasswordFile()
	}
	cfgFile := cfg.Path
	if cfgFile == "" {
		cfgFile = config.DefaultPath
	}
	inConfig := strings.TrimSpace(cfg.Admin.PasswordHash)
	data, err := os.ReadFile(file)
	switch {
	case err == nil:
		hash := strings.TrimSpace(string(data))
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return PasswordSource{}, fmt.Errorf("admin password file %s does not hold a bcrypt hash (%v); write a new one with `sudo lobbykiosk admin set-password --config %s`", file, err, cfgFile)
		}
		src := PasswordSource{Hash: hash, File: file}
		if inConfig != "" {
			src.Warning = fmt.Sprintf("%s still holds [admin] password_hash, which is ignored now that %s exists; delete that line", cfgFile, file)
		}
		if w := tighten(file); w != "" {
			src.Warning = strings.TrimPrefix(src.Warning+"; "+w, "; ")
		}
		return src, nil
	case !errors.Is(err, fs.ErrNotExist):
		return PasswordSource{}, fmt.Errorf("admin password file %s cannot be read: %w (it must belong to the kiosk's user; `sudo lobbykiosk admin set-password --config %s` writes it so)", file, err, cfgFile)
	case inConfig != "":
		if _, err := bcrypt.Cost([]byte(inConfig)); err != nil {
			return PasswordSource{}, fmt.Errorf("[admin] password_hash in %s is not a bcrypt hash (%v); write a new password with `sudo lobbykiosk admin set-password --config %s`", cfgFile, err, cfgFile)
		}
		return PasswordSource{Hash: inConfig, Warning: fmt.Sprintf(
			"the admin password's hash is in %s, which other users of this machine may read; move it to %s with `sudo lobbykiosk admin set-password --config %s`",
			cfgFile, file, cfgFile)}, nil
	}
	return PasswordSource{}, fmt.Errorf("no admin password is set (there is no default one): run `sudo lobbykiosk admin set-password --config %s`, which writes its hash to %s", cfgFile, file)
}

// tighten makes a password file that others may read private, and says
// so; it says what to do when it cannot.
func tighten(file string) string {
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return ""
	}
	if err := os.Chmod(file, 0o600); err != nil {
		return fmt.Sprintf("%s may be read by others (mode %04o): `sudo chmod 600 %s`", file, fi.Mode().Perm(), file)
	}
	return fmt.Sprintf("%s could be read by others (mode %04o); it is private now", file, fi.Mode().Perm())
}

// WritePasswordFile writes hash to path, mode 0600, owned by whoever owns
// the folder it is in (the kiosk's user owns state_dir), atomically: a
// kiosk starting meanwhile reads the old hash or the new one. The folder
// is made (0750) when it does not exist yet.
func WritePasswordFile(path, hash string) error {
	if _, err := bcrypt.Cost([]byte(hash)); err != nil {
		return fmt.Errorf("not a bcrypt hash: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("admin password file %s: %w", path, err)
	}
	di, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("admin password file %s: %w", path, err)
	}
	if err := writeAtomic(path, []byte(hash+"\n"), 0o600, di); err != nil {
		return fmt.Errorf("admin password file %s: %w", path, err)
	}
	return nil
}

// RemovePasswordHash deletes [admin] password_hash from the config file at
// path, once the hash lives in the password file. Every other line stays as
// it was, and the file keeps its mode and owner. removed is false when
// there was no such line.
func RemovePasswordHash(path string) (removed bool, err error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false, fmt.Errorf("config %s: %w", path, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return false, fmt.Errorf("config %s: %w", path, err)
	}
	data, err := os.ReadFile(real)
	if err != nil {
		return false, fmt.Errorf("config %s: %w", path, err)
	}
	var before adminOnly
	if _, err := toml.Decode(string(data), &before); err != nil {
		return false, fmt.Errorf("config %s is not valid TOML, so it was left alone: %v (see `lobbykiosk check --config %s`)", path, err, path)
	}
	if before.Admin.PasswordHash == "" {
		return false, nil
	}
	out, found := withoutPasswordHash(data)
	var after adminOnly
	if _, err := toml.Decode(string(out), &after); !found || err != nil || after.Admin.PasswordHash != "" {
		return false, fmt.Errorf("config %s: could not find the password_hash line under [admin], so the file was left alone; delete it by hand", path)
	}
	if err := writeAtomic(real, out, fi.Mode().Perm(), fi); err != nil {
		return false, fmt.Errorf("config %s: %w", path, err)
	}
	return true, nil
}

type adminOnly struct {
	Admin struct {
		PasswordHash string `toml:"password_hash"`
	} `toml:"admin"`
}

var (
	tableHeader = regexp.MustCompile(`^\s*\[\s*([^\[\]]*?)\s*\]\s*(#.*)?$`)
	arrayHeader = regexp.MustCompile(`^\s*\[\[`)
	hashKey     = regexp.MustCompile(`^\s*password_hash\s*=`)
	dottedKey   = regexp.MustCompile(`^\s*admin\s*\.\s*password_hash\s*=`)
)

// withoutPasswordHash returns data without the line that sets
// [admin] password_hash (or admin.password_hash at the top level).
func withoutPasswordHash(data []byte) ([]byte, bool) {
	lines := strings.SplitAfter(string(data), "\n")
	table := "" // the table the current line is in; "" = top level
	inString := ""
	for i, raw := range lines {
		line := strings.TrimRight(raw, "\r\n")
		if inString != "" {
			if strings.Count(line, inString)%2 == 1 {
				inString = ""
			}
			continue
		}
		switch {
		case arrayHeader.MatchString(line):
			table = "[[array]]"
		case tableHeader.MatchString(line):
			name := tableHeader.FindStringSubmatch(line)[1]
			table = strings.Trim(strings.ReplaceAll(name, " ", ""), `"'`)
		case table == "admin" && hashKey.MatchString(line), table == "" && dottedKey.MatchString(line):
			return []byte(strings.Join(append(lines[:i:i], lines[i+1:]...), "")), true
		}
		for _, q := range []string{`"""`, `'''`} {
			if strings.Count(line, q)%2 == 1 {
				inString = q
			}
		}
	}
	return data, false
}

// writeAtomic replaces path with data through a temporary file in the same
// folder, with mode perm and, where allowed, the owner of like (the file
// it replaces, or the folder it goes in): the kiosk's service user must
// still be able to read it.
func writeAtomic(path string, data []byte, perm os.FileMode, like os.FileInfo) (err error) {
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
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = keepOwner(tmp, like); err != nil {
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
