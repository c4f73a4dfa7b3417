package admin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// Real hashes (cost 4) of "correct horse battery" and "a new admin
// password", so the rewritten files can be compared exactly.
const (
	oldHash = "$2a$04$dCyuIVS4dpNkDH58FDZU9e/x3oiozvaQY.SeB.hHFQ31Pup9s6Gaa"
	newHash = "$2a$04$i39phnem0FlvvwkZXAq5vO.crB/GGhmPzd1QXtVEeBF319.3ubq7u"
)

func TestWithPasswordHash(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{
			name: "replaces the key, keeps its indent and everything else",
			in:   "# my kiosk\nname = \"Lobby\"\n\n[admin]\nlisten = \"127.0.0.1:8080\" # LAN only\n  password_hash = \"" + oldHash + "\"  # old\n\n[fleet]\nrefresh = \"5m\"\n",
			want: "# my kiosk\nname = \"Lobby\"\n\n[admin]\nlisten = \"127.0.0.1:8080\" # LAN only\n  password_hash = \"" + newHash + "\"\n\n[fleet]\nrefresh = \"5m\"\n",
		},
		{
			name: "after the commented example, as in kiosk.example.toml",
			in:   "[admin]\n# listen = \"127.0.0.1:8080\"   # off unless set\n# password_hash = \"\"          # written by: lobbykiosk admin set-password\n\n# ----- fleet\n[fleet]\n",
			want: "[admin]\n# listen = \"127.0.0.1:8080\"   # off unless set\n# password_hash = \"\"          # written by: lobbykiosk admin set-password\npassword_hash = \"" + newHash + "\"\n\n# ----- fleet\n[fleet]\n",
		},
		{
			name: "after the table's last key",
			in:   "[admin] # the web page\nlisten = \"0.0.0.0:8080\"\n\n# comment about fleet\n[fleet]\n",
			want: "[admin] # the web page\nlisten = \"0.0.0.0:8080\"\npassword_hash = \"" + newHash + "\"\n\n# comment about fleet\n[fleet]\n",
		},
		{
			name: "an empty [admin] at the end without a newline",
			in:   "name = \"x\"\n[ admin ]",
			want: "name = \"x\"\n[ admin ]\npassword_hash = \"" + newHash + "\"\n",
		},
		{
			name: "no [admin] table: one is added at the end",
			in:   "name = \"x\"\n\n[[source]]\nname = \"a\"\npassword_hash = \"not this one\"\n",
			want: "name = \"x\"\n\n[[source]]\nname = \"a\"\npassword_hash = \"not this one\"\n\n[admin]\npassword_hash = \"" + newHash + "\"\n",
		},
		{
			name: "no trailing newline and no [admin]",
			in:   "name = \"x\"",
			want: "name = \"x\"\n\n[admin]\npassword_hash = \"" + newHash + "\"\n",
		},
		{
			name: "[admin.extra] is another table",
			in:   "[admin]\nlisten = \"127.0.0.1:8080\"\n[admin.extra]\npassword_hash = \"other\"\n",
			want: "[admin]\nlisten = \"127.0.0.1:8080\"\npassword_hash = \"" + newHash + "\"\n[admin.extra]\npassword_hash = \"other\"\n",
		},
		{
			name: "Windows line endings stay",
			in:   "name = \"x\"\r\n[admin]\r\nlisten = \"127.0.0.1:8080\"\r\n",
			want: "name = \"x\"\r\n[admin]\r\nlisten = \"127.0.0.1:8080\"\r\npassword_hash = \"" + newHash + "\"\r\n",
		},
		{
			name: "a dotted key at the top level",
			in:   "name = \"x\"\nadmin.password_hash = \"" + oldHash + "\"\n[display]\n",
			want: "name = \"x\"\nadmin.password_hash = \"" + newHash + "\"\n[display]\n",
		},
		{
			name: "a header inside a multi-line string is not a header",
			in:   "[display]\nwelcome = \"\"\"\n[admin]\npassword_hash = \"x\"\n\"\"\"\n",
			want: "[display]\nwelcome = \"\"\"\n[admin]\npassword_hash = \"x\"\n\"\"\"\n\n[admin]\npassword_hash = \"" + newHash + "\"\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(withPasswordHash([]byte(tc.in), newHash))
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestSetPasswordHash(t *testing.T) {
	example, err := os.ReadFile("../../packaging/kiosk.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(path, example, 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "current.toml")
	if err := os.Symlink("kiosk.toml", link); err != nil {
		t.Fatal(err)
	}
	for _, hash := range []string{oldHash, newHash} {
		if err := SetPasswordHash(link, hash); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Exactly one line more than the example: the hash, under [admin].
	wantLines := strings.Split(string(example), "\n")
	gotLines := strings.Split(string(got), "\n")
	if len(gotLines) != len(wantLines)+1 {
		t.Fatalf("%d lines, want %d:\n%s", len(gotLines), len(wantLines)+1, got)
	}
	var added []string
	for i, j := 0, 0; i < len(gotLines); i++ {
		if j < len(wantLines) && gotLines[i] == wantLines[j] {
			j++
			continue
		}
		added = append(added, gotLines[i])
	}
	if len(added) != 1 || added[0] != `password_hash = "`+newHash+`"` {
		t.Errorf("lines added or changed: %q", added)
	}
	if i := strings.Index(string(got), added[0]); i < strings.Index(string(got), "[admin]") || i > strings.Index(string(got), "[fleet]") {
		t.Errorf("the hash is not under [admin]:\n%s", got)
	}
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != 0o640 {
		t.Errorf("mode %v, want -rw-r-----", fi.Mode())
	}
	if li, err := os.Lstat(link); err != nil || li.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced by a file")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestSetPasswordHashRefuses(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	broken := "name = \"x\"\n[admin\nlisten = 1\n"
	if err := os.WriteFile(bad, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path, hash, want string }{
		{"missing file", filepath.Join(dir, "none.toml"), newHash, "does not exist"},
		{"not TOML", bad, newHash, "is not valid TOML, so it was left alone"},
		{"not a hash", bad, "secret", "not a bcrypt hash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := SetPasswordHash(tc.path, tc.hash)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
	if got, _ := os.ReadFile(bad); string(got) != broken {
		t.Errorf("the broken file was changed:\n%s", got)
	}
}

func TestHashPassword(t *testing.T) {
	for _, tc := range []struct{ pw, want string }{
		{"short", "has 5 characters; use at least 10"},
		{"ünïcödé€€", "has 9 characters"},
		{strings.Repeat("long", 19), "bcrypt uses at most 72"},
	} {
		if _, err := HashPassword(tc.pw); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.pw, err, tc.want)
		}
	}
	h, err := HashPassword("ünïcödé€€€")
	if err != nil {
		t.Fatal(err)
	}
	if bcrypt.CompareHashAndPassword([]byte(h), []byte("ünïcödé€€€")) != nil {
		t.Error("the hash does not match its password")
	}
	if c, _ := bcrypt.Cost([]byte(h)); c < bcrypt.DefaultCost {
		t.Errorf("cost %d, want at least %d", c, bcrypt.DefaultCost)
	}
}
