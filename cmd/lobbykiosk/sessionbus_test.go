package main

import (
	"net"
	"path/filepath"
	"testing"
)

// The kiosk asks the desktop not to blank the screen only where a session
// bus is there to answer; under cage or a bare X server (no bus) it does
// not ask, so Fyne logs no "Unable to connect to session D-Bus".
func TestHasSessionBus(t *testing.T) {
	withBus := t.TempDir()
	l, err := net.Listen("unix", filepath.Join(withBus, "bus"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, c := range []struct {
		name string
		env  map[string]string
		want bool
	}{
		{"a desktop session's address", map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}, true},
		{"the per-user socket of a logind session", map[string]string{"XDG_RUNTIME_DIR": withBus}, true},
		{"a runtime folder without a bus", map[string]string{"XDG_RUNTIME_DIR": t.TempDir()}, false},
		{"a system service: nothing", map[string]string{}, false},
		{"autolaunch only", map[string]string{"DBUS_SESSION_BUS_ADDRESS": "autolaunch:"}, false},
	} {
		if got := hasSessionBus(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("%s: hasSessionBus = %v, want %v", c.name, got, c.want)
		}
	}
}
