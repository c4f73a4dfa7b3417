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

[admin]
listen = "127.0.0.1:8080"   # the LAN reaches it through the reverse tunnel
`

func TestAdminSetPassword(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.toml")
	if err := os.WriteFile(path, []byte(adminConfig), 0o640); err != nil {
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
	if !strings.Contains(out, "Admin password set in "+path) || !strings.Contains(out, "Restart the kiosk") {
		t.Errorf("stdout: %q", out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), adminConfig) {
		t.Errorf("the rest of the file changed:\n%s", data)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatalf("the new config does not load: %v", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(c.Admin.PasswordHash), []byte("lobby screen 2026")) != nil {
		t.Errorf("password_hash %q does not match the password", c.Admin.PasswordHash)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
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
		{"too short", "tiny\ntiny\n", nil, 1, "the password has 4 characters; use at least 10; nothing was changed"},
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
	for _, args := range [][]string{{"admin"}, {"admin", "reset"}} {
		code, _, errs := runInput(t, strings.NewReader(""), args...)
		if code == 0 || !strings.Contains(errs, "admin set-password") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
