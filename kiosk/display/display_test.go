package display

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) Env { return func(k string) string { return m[k] } }

func TestParseDisplay(t *testing.T) {
	for _, tc := range []struct {
		in, host, number string
	}{
		{":0", "", "0"}, {":1.0", "", "1"}, {"unix:2", "", "2"}, {"/unix:3", "", "3"},
		{"kiosk.lan:10.0", "kiosk.lan", "10"}, {"[::1]:0", "[::1]", "0"},
	} {
		a, err := parseDisplay(tc.in)
		if err != nil || a.host != tc.host || a.number != tc.number {
			t.Errorf("parseDisplay(%q) = %+v, %v; want host %q number %q", tc.in, a, err, tc.host, tc.number)
		}
	}
	for _, bad := range []string{"0", ":", ":x", "host:"} {
		if _, err := parseDisplay(bad); err == nil {
			t.Errorf("parseDisplay(%q) accepted", bad)
		}
	}
}

// fakeX is an X server's front door on a unix socket: it reads the
// connection set-up and says yes to the right cookie, no to anything else.
type fakeX struct {
	cookie []byte // nil: anyone may connect
	got    chan []byte
}

func (f *fakeX) serve(t *testing.T, ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			head := make([]byte, 12)
			if _, err := io.ReadFull(c, head); err != nil {
				return
			}
			le := binary.LittleEndian
			nameLen, dataLen := int(le.Uint16(head[6:])), int(le.Uint16(head[8:]))
			rest := make([]byte, nameLen+pad(nameLen)+dataLen+pad(dataLen))
			io.ReadFull(c, rest)
			data := rest[nameLen+pad(nameLen):][:dataLen]
			f.got <- data
			if f.cookie == nil || bytes.Equal(data, f.cookie) {
				c.Write([]byte{1, 0, 11, 0, 0, 0, 0, 0})
				return
			}
			reason := "Invalid MIT-MAGIC-COOKIE-1 key"
			var b bytes.Buffer
			b.Write([]byte{0, byte(len(reason))})
			binary.Write(&b, le, [3]uint16{11, 0, uint16((len(reason) + pad(len(reason))) / 4)})
			b.WriteString(reason)
			b.Write(make([]byte, pad(len(reason))))
			c.Write(b.Bytes())
		}()
	}
}

// xauthFile writes an X authority file with one entry per cookie: this
// host's display number, MIT-MAGIC-COOKIE-1.
func xauthFile(t *testing.T, entries map[string][]byte) string {
	t.Helper()
	host, _ := os.Hostname()
	var b bytes.Buffer
	field := func(s []byte) {
		binary.Write(&b, binary.BigEndian, uint16(len(s)))
		b.Write(s)
	}
	for number, data := range entries {
		binary.Write(&b, binary.BigEndian, uint16(familyLocal))
		field([]byte(host))
		field([]byte(number))
		field([]byte("MIT-MAGIC-COOKIE-1"))
		field(data)
	}
	p := filepath.Join(t.TempDir(), "Xauthority")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestX11 runs the check against a fake X server on a socket in a temp
// dir: the cookie handshake, a stale socket, no socket at all.
func TestX11(t *testing.T) {
	dir, err := os.MkdirTemp("", "x11-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	old := socketDir
	socketDir = dir
	defer func() { socketDir = old }()

	good := []byte("0123456789abcdef")
	srv := &fakeX{cookie: good, got: make(chan []byte, 10)}
	ln, err := net.Listen("unix", filepath.Join(dir, "X5"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go srv.serve(t, ln)

	right := xauthFile(t, map[string][]byte{"5": good})
	wrong := xauthFile(t, map[string][]byte{"5": []byte("fedcba9876543210")})
	other := xauthFile(t, map[string][]byte{"6": good})
	home := t.TempDir()
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string // "" : the check passes
	}{
		{"the right cookie", map[string]string{"DISPLAY": ":5", "XAUTHORITY": right}, nil},
		{"a wrong cookie", map[string]string{"DISPLAY": ":5.0", "XAUTHORITY": wrong},
			[]string{`X display :5.0 refused the kiosk: "Invalid MIT-MAGIC-COOKIE-1 key"`, "XAUTHORITY=" + wrong + ": its MIT-MAGIC-COOKIE-1 for display :5 was sent", "point XAUTHORITY at"}},
		{"no such XAUTHORITY", map[string]string{"DISPLAY": ":5", "XAUTHORITY": "/nowhere/.Xauthority"},
			[]string{"refused the kiosk", "XAUTHORITY=/nowhere/.Xauthority does not exist, so no cookie was sent"}},
		{"a cookie for another display", map[string]string{"DISPLAY": ":5", "XAUTHORITY": other},
			[]string{"refused the kiosk", "holds no cookie for display :5"}},
		{"no XAUTHORITY, none in HOME", map[string]string{"DISPLAY": ":5", "HOME": home},
			[]string{"no XAUTHORITY, so " + filepath.Join(home, ".Xauthority") + " does not exist"}},
		{"not up yet", map[string]string{"DISPLAY": ":6"},
			[]string{"X display :6 is not up yet (no " + filepath.Join(dir, "X6") + "); the service will try again"}},
		{"no display at all", map[string]string{},
			[]string{"no display: neither DISPLAY nor WAYLAND_DISPLAY is set"}},
		{"Wayland only, X11 build", map[string]string{"WAYLAND_DISPLAY": "wayland-1"},
			[]string{"WAYLAND_DISPLAY=wayland-1 is set, but this build draws through X11"}},
	} {
		err := Check(envOf(tc.env), false)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: the check passed", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", tc.name, err, w)
			}
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: more than one line: %q", tc.name, err)
		}
	}

	// A stale socket: the file is there, nobody listens.
	stale := filepath.Join(dir, "X7")
	l2, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	l2.(*net.UnixListener).SetUnlinkOnClose(false)
	l2.Close()
	err = Check(envOf(map[string]string{"DISPLAY": ":7"}), false)
	if err == nil || !strings.Contains(err.Error(), stale+" is left over from an X server that has stopped (connection refused)") {
		t.Errorf("stale socket: %v", err)
	}

	// A server that accepts and never answers.
	hung, err := net.Listen("unix", filepath.Join(dir, "X8"))
	if err != nil {
		t.Fatal(err)
	}
	defer hung.Close()
	go func() {
		for {
			c, err := hung.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	Timeout = 200 * time.Millisecond
	defer func() { Timeout = 3 * time.Second }()
	if err := Check(envOf(map[string]string{"DISPLAY": ":8"}), false); err == nil || !strings.Contains(err.Error(), "does not answer within 200ms") {
		t.Errorf("hung server: %v", err)
	}
}

func TestWayland(t *testing.T) {
	dir := t.TempDir()
	live, err := net.Listen("unix", filepath.Join(dir, "wayland-0"))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	stale, err := net.Listen("unix", filepath.Join(dir, "wayland-1"))
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	for _, tc := range []struct {
		env  map[string]string
		want string // "": passes
	}{
		{map[string]string{"XDG_RUNTIME_DIR": dir}, ""}, // wayland-0 by default
		{map[string]string{"XDG_RUNTIME_DIR": dir, "WAYLAND_DISPLAY": filepath.Join(dir, "wayland-0")}, ""},
		{map[string]string{"XDG_RUNTIME_DIR": dir, "WAYLAND_DISPLAY": "wayland-1"}, "wayland-1 is left over from a compositor that has stopped (connection refused)"},
		{map[string]string{"XDG_RUNTIME_DIR": dir, "WAYLAND_DISPLAY": "wayland-2"}, "no Wayland display wayland-2 (no " + filepath.Join(dir, "wayland-2") + "): the compositor is not running yet"},
		{map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, "XDG_RUNTIME_DIR is not set"},
	} {
		err := Check(envOf(tc.env), true)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.env, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: %v, want %q", tc.env, err, tc.want)
		}
	}
}

// TestScreenOfARealXServer: the size a real X server gives its first screen
// comes back from the set-up, the size the kiosk keeps its pictures at.
func TestScreenOfARealXServer(t *testing.T) {
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		if os.Getenv("LOBBYKIOSK_E2E") != "" {
			t.Fatal("Xvfb is missing")
		}
		t.Skip("Xvfb is missing")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// -displayfd: the server picks a free display and writes its number.
	cmd := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", "1366x768x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	number, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb did not say its display: %v", err)
	}
	env := envOf(map[string]string{"DISPLAY": ":" + strings.TrimSpace(number), "HOME": t.TempDir()})
	got, err := Open(env, false)
	if err != nil {
		t.Fatal(err)
	}
	if got != (Screen{1366, 768}) {
		t.Errorf("screen %+v, want 1366×768", got)
	}
}
