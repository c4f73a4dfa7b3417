package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"lobbykiosk/kiosk/config"
)

// runInput runs a subcommand in-process with stdin.
func runInput(t *testing.T, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = dispatch(context.Background(), &env{stdin: stdin, stdout: &o, stderr: &e}, args)
	return code, o.String(), e.String()
}

const adminConfig = `# Lobby kiosk, Lyon office
name = "Lobby Lyon"
state_dir = "state"

[admin]
listen = "127.0.0.1:8080"   # the LAN reaches it through the reverse tunnel
`

func TestAdminSetPassword(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	// An office upgrading: its config still holds the old hash.
	old := adminConfig + "password_hash = \"$2a$04$dCyuIVS4dpNkDH58FDZU9e/x3oiozvaQY.SeB.hHFQ31Pup9s6Gaa\"\n"
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	// Standard input is a pipe here, as under a script: two lines.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		io.WriteString(w, "lobby screen 2026\r\nlobby screen 2026\n")
		w.Close()
	}()
	code, out, errs := runInput(t, r, "admin", "set-password", "--config", path)
	r.Close()
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	file := filepath.Join(dir, "state", "admin-password")
	for _, want := range []string{"its hash is in " + file, "The old password_hash line was removed from " + path, "Restart the kiosk"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != adminConfig {
		t.Errorf("the config after:\n%s\nwant the old line gone and nothing else changed:\n%s", data, adminConfig)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("config mode %v, want 0644 kept", fi.Mode().Perm())
	}
	hash, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if bcrypt.CompareHashAndPassword([]byte(strings.TrimSpace(string(hash))), []byte("lobby screen 2026")) != nil {
		t.Errorf("the password file %q does not match the password", hash)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("password file mode %v, want 0600", fi.Mode().Perm())
	}
	c, err := config.Load(path)
	if err != nil || c.Admin.PasswordHash != "" || len(c.Warnings) != 0 {
		t.Errorf("the config after: %v, hash %q, warnings %q", err, c.Admin.PasswordHash, c.Warnings)
	}
	// `lobbykiosk admin` says where it is.
	code, out, _ = runInput(t, strings.NewReader(""), "admin", "--config", path)
	if code != 0 || !strings.Contains(out, "Password:    set; its hash is in "+file+" (mode 0600") || !strings.Contains(out, "http://127.0.0.1:8080/") {
		t.Errorf("admin status: %d\n%s", code, out)
	}
}

func TestAdminSetPasswordRefuses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(path, []byte(adminConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		input string
		args  []string
		code  int
		want  string
	}{
		{"different", "lobby screen 2026\nlobby screen 2027\n", nil, 1, "the two passwords differ; nothing was changed"},
		{"too short", "tiny\ntiny\n", nil, 1, "the password has 4 characters; use at least 12"},
		{"common", "Password2026!\nPassword2026!\n", nil, 1, `built on "password", one of the most common passwords`},
		{"the kiosk's name", "Lobby Lyon 2026\nLobby Lyon 2026\n", nil, 1, "the kiosk's name"},
		{"one line", "lobby screen 2026\n", nil, 1, "expected the new password twice, on two lines of standard input"},
		{"nothing", "", nil, 1, "expected the new password twice"},
		{"password as argument", "", []string{"hunter2hunter2"}, 1, "takes no arguments"},
		{"missing config", "lobby screen 2026\nlobby screen 2026\n", []string{"--config", filepath.Join(dir, "none.toml")}, 1, "does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"admin", "set-password", "--config", path}, tc.args...)
			code, _, errs := runInput(t, strings.NewReader(tc.input), args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errs, tc.code, tc.want)
			}
		})
	}
	if data, _ := os.ReadFile(path); string(data) != adminConfig {
		t.Errorf("the config changed:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(dir, "state", "admin-password")); err == nil {
		t.Error("a refused password was written")
	}
	code, _, errs := runInput(t, strings.NewReader(""), "admin", "reset", "--config", path)
	if code == 0 || !strings.Contains(errs, "set-password") {
		t.Errorf("admin reset: exit %d, stderr %q", code, errs)
	}
}
