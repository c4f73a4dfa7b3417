package admin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"lobbykiosk/kiosk/config"
)

// A real hash (cost 4) of "correct horse battery".
const oldHash = "$2a$04$dCyuIVS4dpNkDH58FDZU9e/x3oiozvaQY.SeB.hHFQ31Pup9s6Gaa"

func TestWithoutPasswordHash(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		found          bool
	}{
		{
			name:  "removes the key, keeps everything else",
			in:    "# my kiosk\nname = \"Lobby\"\n\n[admin]\nlisten = \"127.0.0.1:8080\" # LAN only\n  password_hash = \"" + oldHash + "\"  # old\n\n[fleet]\nrefresh = \"5m\"\n",
			want:  "# my kiosk\nname = \"Lobby\"\n\n[admin]\nlisten = \"127.0.0.1:8080\" # LAN only\n\n[fleet]\nrefresh = \"5m\"\n",
			found: true,
		},
		{
			name:  "a commented example stays",
			in:    "[admin]\n# password_hash = \"\"\nlisten = \"0.0.0.0:8443\"\n",
			want:  "[admin]\n# password_hash = \"\"\nlisten = \"0.0.0.0:8443\"\n",
			found: false,
		},
		{
			name:  "not the one in another table",
			in:    "[[source]]\nname = \"a\"\npassword_hash = \"not this one\"\n[admin.extra]\npassword_hash = \"nor this\"\n[admin]\npassword_hash = \"x\"\n",
			want:  "[[source]]\nname = \"a\"\npassword_hash = \"not this one\"\n[admin.extra]\npassword_hash = \"nor this\"\n[admin]\n",
			found: true,
		},
		{
			name:  "Windows line endings stay",
			in:    "name = \"x\"\r\n[admin]\r\npassword_hash = \"x\"\r\nlisten = \"127.0.0.1:8080\"\r\n",
			want:  "name = \"x\"\r\n[admin]\r\nlisten = \"127.0.0.1:8080\"\r\n",
			found: true,
		},
		{
			name:  "a dotted key at the top level",
			in:    "name = \"x\"\nadmin.password_hash = \"" + oldHash + "\"\n[display]\n",
			want:  "name = \"x\"\n[display]\n",
			found: true,
		},
		{
			name:  "a header inside a multi-line string is not a header",
			in:    "[display]\nwelcome = \"\"\"\n[admin]\npassword_hash = \"x\"\n\"\"\"\n",
			want:  "[display]\nwelcome = \"\"\"\n[admin]\npassword_hash = \"x\"\n\"\"\"\n",
			found: false,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, found := withoutPasswordHash([]byte(tc.in))
			if string(got) != tc.want || found != tc.found {
				t.Errorf("got (found %v):\n%s\nwant (found %v):\n%s", found, got, tc.found, tc.want)
			}
		})
	}
}

// An office upgrading from a version that kept the hash in the config: the
// page still signs in with it and says how to move it; set-password's file
// then wins, and the line goes from the config with nothing else touched.
func TestPasswordMovesOutOfTheConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	old := "# Lyon\nname = \"Lobby Lyon\"\nstate_dir = \"state\"\n\n[admin]\nlisten = \"127.0.0.1:8080\"\npassword_hash = \"" + oldHash + "\"\n"
	if err := os.WriteFile(path, []byte(old), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "current.toml")
	if err := os.Symlink("kiosk.toml", link); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(link)
	if err != nil {
		t.Fatal(err)
	}
	src, err := LoadPassword(cfg)
	if err != nil || src.Hash != oldHash || src.File != "" || !strings.Contains(src.Warning, "move it to "+filepath.Join(dir, "state", "admin-password")) {
		t.Fatalf("before: %+v, %v", src, err)
	}

	h, err := HashPassword("a new admin password for Lyon")
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePasswordFile(cfg.Admin.PasswordFile, h); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(cfg.Admin.PasswordFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file: %v, %v; want mode 0600", fi, err)
	}
	src, err = LoadPassword(cfg)
	if err != nil || src.Hash != h || src.File != cfg.Admin.PasswordFile || !strings.Contains(src.Warning, "still holds [admin] password_hash, which is ignored") {
		t.Fatalf("with the file: %+v, %v", src, err)
	}
	removed, err := RemovePasswordHash(link)
	if err != nil || !removed {
		t.Fatalf("remove: %v %v", removed, err)
	}
	got, _ := os.ReadFile(path)
	if want := strings.Replace(old, "password_hash = \""+oldHash+"\"\n", "", 1); string(got) != want {
		t.Errorf("config after:\n%s\nwant:\n%s", got, want)
	}
	if fi, _ := os.Lstat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("config mode %v, want 0640 kept", fi.Mode().Perm())
	}
	if li, err := os.Lstat(link); err != nil || li.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced by a file")
	}
	if removed, err := RemovePasswordHash(link); removed || err != nil {
		t.Errorf("second removal: %v %v, want nothing to do", removed, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp"))
	left2, _ := filepath.Glob(filepath.Join(dir, "state", ".*tmp"))
	if len(left)+len(left2) > 0 {
		t.Errorf("temporary files left: %v %v", left, left2)
	}

	// A password file others may read is made private at start.
	if err := os.Chmod(cfg.Admin.PasswordFile, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Admin.PasswordHash = ""
	src, err = LoadPassword(cfg)
	if err != nil || !strings.Contains(src.Warning, "could be read by others (mode 0644); it is private now") {
		t.Errorf("world-readable file: %+v, %v", src, err)
	}
	if fi, _ := os.Stat(cfg.Admin.PasswordFile); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after start %v, want 0600", fi.Mode().Perm())
	}
}

func TestRemovePasswordHashRefuses(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	broken := "name = \"x\"\n[admin\npassword_hash = 1\n"
	if err := os.WriteFile(bad, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path, want string }{
		{"missing file", filepath.Join(dir, "none.toml"), "no such file"},
		{"not TOML", bad, "is not valid TOML, so it was left alone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RemovePasswordHash(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
	if got, _ := os.ReadFile(bad); string(got) != broken {
		t.Errorf("the broken file was changed:\n%s", got)
	}
	if err := WritePasswordFile(filepath.Join(dir, "p"), "secret"); err == nil || !strings.Contains(err.Error(), "not a bcrypt hash") {
		t.Errorf("a password file without a hash: %v", err)
	}
}

// The policy: long enough, and not a common password in disguise.
func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct{ pw, want string }{
		{"short", "has 5 characters; use at least 12"},
		{"password12", "has 10 characters; use at least 12"},
		{"ünïcödé€€€", "has 10 characters"},
		{strings.Repeat("long", 19), "bcrypt uses at most 72"},
		{"password1234", `built on "password"`},
		{"Password2026!", `built on "password"`},
		{"P@ssw0rd2026", `built on "password"`},
		{"passwordpassword", `built on "password"`},
		{"iloveyou12345", `built on "iloveyou"`},
		{"qwertyuiop123", `built on "qwertyuiop"`},
		{"123456789012", "mostly digits"},
		{"aaaaaaaaaaaa", "mostly digits"},
		{"!!!!2026????", "mostly digits"},
		{"Lobby-Lyon-2026", "the kiosk's name"},
		{"lobbykiosk2026", `built on "lobbykiosk"`},
	} {
		if err := CheckPassword(tc.pw, "Lobby Lyon"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.pw, err, tc.want)
		}
	}
	for _, pw := range []string{"correct horse battery", "tern lobby window 42", "ünïcödé€€€€€", "Lyon opens in spring"} {
		if err := CheckPassword(pw, "Lobby Lyon"); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
	h, err := HashPassword("ünïcödé€€€ büro")
	if err != nil {
		t.Fatal(err)
	}
	if bcrypt.CompareHashAndPassword([]byte(h), []byte("ünïcödé€€€ büro")) != nil {
		t.Error("the hash does not match its password")
	}
	if c, _ := bcrypt.Cost([]byte(h)); c < bcrypt.DefaultCost {
		t.Errorf("cost %d, want at least %d", c, bcrypt.DefaultCost)
	}
	if len(common) < 3000 {
		t.Errorf("the common-password list has %d entries", len(common))
	}
}
