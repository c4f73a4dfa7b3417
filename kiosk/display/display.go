// Package display checks, before any window library starts, that the
// display the kiosk was given can be used, and says in one line why not.
//
// GLFW (under Fyne) meets a display it cannot use with a log line and a
// panic, 37 lines of Go stack in the journal on every restart, for causes an
// office IT person can fix in a minute: the X server is not up yet, its
// socket is left over from one that stopped (a display manager restart), the
// X server refuses the kiosk's cookie (a wrong XAUTHORITY), the Wayland
// compositor is gone. So the kiosk opens the connection itself first — the
// X11 connection set-up, with the cookie Xlib would send — and only hands
// over to GLFW a display that said yes.
package display

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// socketDir holds local X displays' sockets (a variable for tests).
var socketDir = "/tmp/.X11-unix"

// Timeout bounds each step of the check: a display that does not answer
// within it is reported as hung.
var Timeout = 3 * time.Second

// Env reads an environment variable (os.Getenv, or a test's map).
type Env func(string) string

// Check reports why the display in env cannot be used, or nil. wayland is
// true for a build that draws natively on Wayland (-tags wayland); the
// packaged build draws through X11, on Wayland desktops through XWayland.
func Check(env Env, wayland bool) error {
	_, err := Open(env, wayland)
	return err
}

// Screen is what the X server says of its first screen, in pixels: the size
// a fullscreen kiosk is drawn at. Zero when unknown (Wayland).
type Screen struct{ Width, Height int }

// Open is Check that also returns the first screen's size, read from the
// X11 set-up reply: the kiosk keeps its pictures at the size they will be
// shown on that screen (a 4K TV needs them twice as large as a 1080p one).
func Open(env Env, wayland bool) (Screen, error) {
	if wayland {
		return Screen{}, checkWayland(env)
	}
	d := env("DISPLAY")
	if d == "" {
		if w := env("WAYLAND_DISPLAY"); w != "" {
			return Screen{}, fmt.Errorf("no X display: WAYLAND_DISPLAY=%s is set, but this build draws through X11; set DISPLAY to the session's XWayland display (usually :0), or use a build made with -tags wayland", w)
		}
		return Screen{}, errors.New("no display: neither DISPLAY nor WAYLAND_DISPLAY is set (set DISPLAY=:0 in the service, or run under a desktop session, cage, or xvfb-run)")
	}
	return checkX11(env, d)
}

// checkWayland checks the compositor's socket: $WAYLAND_DISPLAY (default
// wayland-0, as libwayland does) in $XDG_RUNTIME_DIR, or an absolute path.
func checkWayland(env Env) error {
	name := env("WAYLAND_DISPLAY")
	if name == "" {
		name = "wayland-0"
	}
	path := name
	if !filepath.IsAbs(name) {
		dir := env("XDG_RUNTIME_DIR")
		if dir == "" {
			return fmt.Errorf("no Wayland display: XDG_RUNTIME_DIR is not set, so %s cannot be found (the service sets it to /run/user/UID)", name)
		}
		path = filepath.Join(dir, name)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no Wayland display %s (no %s): the compositor is not running yet, or has stopped; the service will try again", name, path)
	}
	c, err := net.DialTimeout("unix", path, Timeout)
	if err != nil {
		return fmt.Errorf("no Wayland display %s: %s", name, socketProblem(path, err, "a compositor"))
	}
	c.Close()
	return nil
}

// address is a parsed DISPLAY.
type address struct {
	display string // as given
	host    string // "" for a local display
	number  string // "0" in ":0.1"
}

// parseDisplay reads "[host][/unix]:N[.S]" as Xlib does; "unix:N" is local.
func parseDisplay(d string) (address, error) {
	i := strings.LastIndexByte(d, ':')
	if i < 0 {
		return address{}, fmt.Errorf("DISPLAY=%q is not an X display (it looks like :0 or host:0)", d)
	}
	host, rest := d[:i], d[i+1:]
	if j := strings.IndexByte(rest, '.'); j >= 0 {
		rest = rest[:j]
	}
	if _, err := strconv.Atoi(rest); err != nil || rest == "" {
		return address{}, fmt.Errorf("DISPLAY=%q is not an X display (it looks like :0 or host:0)", d)
	}
	host = strings.TrimSuffix(host, "/unix")
	if host == "unix" {
		host = ""
	}
	return address{display: d, host: host, number: rest}, nil
}

// checkX11 connects to the X display d and goes through the connection
// set-up with the cookie Xlib would send.
func checkX11(env Env, d string) (Screen, error) {
	a, err := parseDisplay(d)
	if err != nil {
		return Screen{}, err
	}
	conn, err := dialX(a)
	if err != nil {
		return Screen{}, err
	}
	defer conn.Close()
	cookie := findCookie(env, a)
	return setUp(conn, a, cookie)
}

// dialX opens the connection as xcb does: for a local display the abstract
// socket first (Linux), then the one in /tmp/.X11-unix; else TCP 6000+N.
func dialX(a address) (net.Conn, error) {
	if a.host != "" {
		n, _ := strconv.Atoi(a.number)
		addr := net.JoinHostPort(a.host, strconv.Itoa(6000+n))
		c, err := net.DialTimeout("tcp", addr, Timeout)
		if err != nil {
			return nil, fmt.Errorf("X display %s cannot be reached at %s: %v", a.display, addr, unwrapOp(err))
		}
		return c, nil
	}
	path := filepath.Join(socketDir, "X"+a.number)
	if c, err := net.DialTimeout("unix", "@"+path, Timeout); err == nil {
		return c, nil
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("X display %s is not up yet (no %s); the service will try again", a.display, path)
	}
	c, err := net.DialTimeout("unix", path, Timeout)
	if err != nil {
		return nil, fmt.Errorf("X display %s: %s", a.display, socketProblem(path, err, "an X server"))
	}
	return c, nil
}

// socketProblem words a failed connection to a local display's socket.
// server is "an X server" or "a compositor".
func socketProblem(path string, err error, server string) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("%s is left over from %s that has stopped (connection refused); the service will try again once it is back", path, server)
	case errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("permission denied on %s: the kiosk's user may not connect (run it as the session's user)", path)
	case os.IsTimeout(err):
		return fmt.Sprintf("%s does not answer within %s (hung?)", path, Timeout)
	}
	return fmt.Sprintf("cannot connect to %s: %v", path, unwrapOp(err))
}

func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		var sc *os.SyscallError
		if errors.As(op.Err, &sc) {
			return sc.Err
		}
		return op.Err
	}
	return err
}

// setUp sends the X11 connection set-up and reads the server's verdict.
func setUp(conn net.Conn, a address, ck cookie) (Screen, error) {
	conn.SetDeadline(time.Now().Add(Timeout))
	var req bytes.Buffer
	le := binary.LittleEndian
	req.WriteByte('l') // little-endian
	req.WriteByte(0)
	binary.Write(&req, le, [5]uint16{11, 0, uint16(len(ck.name)), uint16(len(ck.data)), 0})
	req.WriteString(ck.name)
	req.Write(make([]byte, pad(len(ck.name))))
	req.Write(ck.data)
	req.Write(make([]byte, pad(len(ck.data))))
	if _, err := conn.Write(req.Bytes()); err != nil {
		return Screen{}, fmt.Errorf("X display %s closed the connection at once: %v", a.display, unwrapOp(err))
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(conn, head); err != nil {
		if os.IsTimeout(err) {
			return Screen{}, fmt.Errorf("X display %s does not answer within %s (a hung X server?)", a.display, Timeout)
		}
		return Screen{}, fmt.Errorf("X display %s closed the connection without an answer (%v); it may be shutting down", a.display, unwrapOp(err))
	}
	if head[0] == 1 {
		// Success: the server's set-up follows; only the first screen's
		// size is wanted from it, and a set-up too odd to read leaves it
		// unknown rather than failing a display that said yes.
		body := make([]byte, int(le.Uint16(head[6:8]))*4)
		if _, err := io.ReadFull(conn, body); err != nil {
			return Screen{}, nil
		}
		return firstScreen(body), nil
	}
	// Failed (0): head[1] is the reason's length; Authenticate (2): the
	// reason fills the additional data. Either way the words follow.
	extra := int(le.Uint16(head[6:8])) * 4
	reason := make([]byte, min(extra, 4096))
	n, _ := io.ReadFull(conn, reason)
	reason = reason[:n]
	if head[0] == 0 && int(head[1]) < len(reason) {
		reason = reason[:head[1]]
	}
	msg := strings.TrimSpace(strings.ToValidUTF8(string(bytes.TrimRight(reason, "\x00")), "?"))
	if msg == "" {
		msg = "no reason given"
	}
	return Screen{}, fmt.Errorf("X display %s refused the kiosk: %q (%s); point XAUTHORITY at the cookie of the display's session (the display manager's, e.g. /var/run/lightdm/root/%s or /run/user/UID/gdm/Xauthority), or let the kiosk's user in with `xhost +si:localuser:USER`",
		a.display, msg, ck.about, ":"+a.number)
}

func pad(n int) int { return (4 - n%4) % 4 }

// firstScreen reads the first SCREEN of an X11 set-up reply's body (what
// follows its 8-byte head, little-endian as requested): after 32 bytes of
// fixed fields come the vendor string and the pixmap formats, then the
// screens, whose width and height in pixels sit at offsets 20 and 22.
func firstScreen(b []byte) Screen {
	le := binary.LittleEndian
	if len(b) < 32 || b[20] == 0 {
		return Screen{}
	}
	vendor, formats := int(le.Uint16(b[16:18])), int(b[21])
	at := 32 + vendor + pad(vendor) + 8*formats
	if len(b) < at+24 {
		return Screen{}
	}
	return Screen{Width: int(le.Uint16(b[at+20:])), Height: int(le.Uint16(b[at+22:]))}
}
