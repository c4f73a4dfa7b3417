package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kardianos/service"
)

// serviceCLI runs `lobbykiosk service ...` in-process against h.
func serviceCLI(t *testing.T, h *serviceHost, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	saved := host
	host = h
	t.Cleanup(func() { host = saved })
	var o, e bytes.Buffer
	code = dispatch(context.Background(), &env{stdin: strings.NewReader(""), stdout: &o, stderr: &e}, append([]string{"service"}, args...))
	return code, o.String(), e.String()
}

// testHost is the real machine except: unit directories are temporary,
// the binary is this test binary, systemd runs, we are root, and
// installing anything fails the test.
func testHost(t *testing.T) *serviceHost {
	t.Helper()
	// The test binary lives under /tmp, where install refuses to point a
	// unit; any real executable elsewhere does, and verify needs one.
	exe, err := exec.LookPath("true")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return &serviceHost{
		name:           "lobbykiosk",
		isRoot:         func() bool { return true },
		lookupUser:     user.Lookup,
		executable:     func() (string, error) { return exe, nil },
		lookPath:       exec.LookPath,
		initName:       func() string { return "init" },
		systemdRunning: func() bool { return true },
		installDir:     filepath.Join(dir, "etc"),
		vendorDirs:     []string{filepath.Join(dir, "lib")},
		newService: func(*service.Config) (service.Service, error) {
			t.Error("the command reached kardianos/service: something would have been installed or controlled")
			return nil, errors.New("not in tests")
		},
	}
}

// writeConfig writes a kiosk config whose state directory is in the same
// temporary folder, and returns its path.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kiosk.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodConfig = `name = "Service Test"
state_dir = "state"
`

func currentUser(t *testing.T) *user.User {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// systemdAnalyze returns the systemd-analyze binary, skipping the test
// when it is missing unless LOBBYKIOSK_E2E demands every tool.
func systemdAnalyze(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("LOBBYKIOSK_E2E") != "" {
			t.Fatal("systemd-analyze is missing (Debian package systemd): packaging/dev.sh deps test installs it")
		}
		t.Skip("systemd-analyze is missing; set LOBBYKIOSK_E2E=1 to make this a failure")
	}
	return p
}

// verifyUnit runs `systemd-analyze verify` on unit, written where systemd
// would look for it, and fails with what systemd said about it.
func verifyUnit(t *testing.T, unit string) {
	t.Helper()
	bin := systemdAnalyze(t)
	p := filepath.Join(t.TempDir(), "lobbykiosk.service")
	if err := os.WriteFile(p, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "verify", "--man=no", p)
	out, err := cmd.CombinedOutput()
	// verify also reports on units it loads as dependencies (the
	// machine's own); only what it says about ours counts.
	var ours []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "lobbykiosk") {
			ours = append(ours, line)
		}
	}
	if err != nil || len(ours) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s\nunit:\n%s", p, err, strings.Join(ours, "\n"), unit)
	}
}

func TestUnitFileVerifies(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	tests := []struct {
		name string
		opts unitOptions
		want []string // lines the unit must have
		not  []string // lines it must not have
	}{
		{
			name: "x11 as packaged",
			opts: func() unitOptions { o := packagedUnitOptions(); o.Exec = exe; return o }(),
			want: []string{
				"ExecStart=" + exe + " run --config /etc/lobbykiosk/kiosk.toml",
				"ConditionFileIsExecutable=" + exe,
				"ExecStartPre=+/bin/chown -R lobbykiosk: /var/lib/lobbykiosk",
				"User=lobbykiosk",
				"After=graphical.target systemd-user-sessions.service",
				"Environment=DISPLAY=:0",
				"Environment=XAUTHORITY=/var/lib/lobbykiosk/.Xauthority",
				"StateDirectory=lobbykiosk",
				"ReadWritePaths=/var/lib/lobbykiosk",
				"ProtectSystem=strict",
				"ProtectHome=read-only",
				"BindReadOnlyPaths=-/tmp/.X11-unix",
			},
			not: []string{"Environment=WAYLAND_DISPLAY=wayland-0", "PAMName=login"},
		},
		{
			name: "wayland session, state outside /var/lib",
			opts: unitOptions{Exec: exe, Config: "/srv/lobby/kiosk.toml", User: "pi", StateDir: state,
				Session: sessionWayland, RuntimeDir: "/run/user/1000"},
			want: []string{
				"ExecStart=" + exe + " run --config /srv/lobby/kiosk.toml",
				"User=pi",
				"Environment=WAYLAND_DISPLAY=wayland-0",
				"Environment=XDG_RUNTIME_DIR=/run/user/1000",
				"ReadWritePaths=" + state,
				"ProtectHome=read-only",
			},
			not: []string{"Environment=DISPLAY=:0", "StateDirectory=lobbykiosk", "BindReadOnlyPaths=-/tmp/.X11-unix"},
		},
		{
			name: "cage on tty1, turned 270 degrees",
			opts: unitOptions{Exec: exe, Config: "/etc/lobbykiosk/kiosk.toml", User: "kiosk", StateDir: "/var/lib/lobbykiosk",
				Session: sessionCage, Cage: exe, TTY: "tty1", Rotate: 270},
			want: []string{
				"ExecStart=" + exe + " -d -s -r -r -r -- " + exe + " run --config /etc/lobbykiosk/kiosk.toml",
				"PAMName=login",
				"TTYPath=/dev/tty1",
				"Conflicts=getty@tty1.service",
				"ProtectSystem=full",
			},
			not: []string{"ProtectHome=read-only", "Environment=DISPLAY=:0"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			unit, err := unitFile(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(unit, "\n")
			// What the issue asks of every unit: back within seconds,
			// forever, in the graphical session, logged, UTF-8.
			common := []string{"Restart=always", "RestartSec=3", "StartLimitIntervalSec=0", "WantedBy=graphical.target",
				"StandardOutput=journal", "StandardError=journal", "Environment=LANG=C.UTF-8", "EnvironmentFile=-/etc/default/locale", "NoNewPrivileges=yes", "PrivateTmp=yes"}
			for _, w := range append(common, tc.want...) {
				if !contains(lines, w) {
					t.Errorf("unit lacks the line %q:\n%s", w, unit)
				}
			}
			for _, n := range tc.not {
				if contains(lines, n) {
					t.Errorf("unit has the line %q:\n%s", n, unit)
				}
			}
			verifyUnit(t, unit)
		})
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

// verify itself must catch a broken unit, or the test above proves nothing.
func TestVerifyCatchesABrokenUnit(t *testing.T) {
	bin := systemdAnalyze(t)
	o := packagedUnitOptions()
	o.Exec = filepath.Join(t.TempDir(), "no-such-binary")
	unit, err := unitFile(o)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "lobbykiosk.service")
	if err := os.WriteFile(p, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "verify", "--man=no", p).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no-such-binary") {
		t.Errorf("systemd-analyze verify passed a unit whose ExecStart does not exist (%v):\n%s", err, out)
	}
}

func TestUnitFileRejects(t *testing.T) {
	good := packagedUnitOptions()
	tests := []struct {
		name   string
		change func(*unitOptions)
		want   string
	}{
		{"relative binary", func(o *unitOptions) { o.Exec = "lobbykiosk" }, `the lobbykiosk binary "lobbykiosk" must be an absolute`},
		{"space in config path", func(o *unitOptions) { o.Config = "/etc/my kiosk.toml" }, `config "/etc/my kiosk.toml" must be`},
		{"percent specifier", func(o *unitOptions) { o.StateDir = "/var/lib/%n" }, `state_dir "/var/lib/%n"`},
		{"unclean path", func(o *unitOptions) { o.Config = "/etc/lobbykiosk/../kiosk.toml" }, `config "/etc/lobbykiosk/../kiosk.toml"`},
		{"display", func(o *unitOptions) { o.Display = "0" }, `display "0" is not an X11 display like :0`},
		{"user with newline", func(o *unitOptions) { o.User = "pi\nExecStartPre=/bin/sh" }, "user name"},
		{"session", func(o *unitOptions) { o.Session = "mir" }, `session "mir" is not one of x11, wayland, cage`},
		{"cage tty", func(o *unitOptions) { o.Session, o.Cage, o.TTY = sessionCage, "/usr/bin/cage", "/dev/tty1" }, `tty "/dev/tty1"`},
		{"cage rotation", func(o *unitOptions) { o.Session, o.Cage, o.TTY, o.Rotate = sessionCage, "/usr/bin/cage", "tty1", 45 }, "rotate 45 is not 0, 90, 180 or 270"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.change(&o)
			unit, err := unitFile(o)
			if err == nil {
				t.Fatalf("unitFile accepted it:\n%s", unit)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

// The .deb ships packaging/lobbykiosk.service; it must be what unitFile
// renders with the package's defaults, so the tests above cover it.
func TestPackagedUnitIsCurrent(t *testing.T) {
	const path = "../../packaging/lobbykiosk.service"
	want, err := unitFile(packagedUnitOptions())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if os.Getenv("LOBBYKIOSK_UPDATE_UNIT") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err != nil || string(got) != want {
		t.Errorf("%s is not the unit the code renders (%v): regenerate it with\n"+
			"  LOBBYKIOSK_UPDATE_UNIT=1 go test ./cmd/lobbykiosk -run TestPackagedUnitIsCurrent", path, err)
	}
}

func TestServiceInstallBadInput(t *testing.T) {
	me := currentUser(t)
	good := func(t *testing.T) string { return writeConfig(t, goodConfig) }
	tests := []struct {
		name   string
		config func(t *testing.T) string
		args   []string
		host   func(h *serviceHost)
		code   int
		want   []string // in stderr
	}{
		{
			name: "not root", config: good, args: []string{"--user", me.Username},
			host: func(h *serviceHost) { h.isRoot = func() bool { return false } },
			code: 1, want: []string{"run it as root: sudo lobbykiosk service install --config", "--user " + me.Username},
		},
		{
			name: "no systemd", config: good, args: []string{"--user", me.Username},
			host: func(h *serviceHost) { h.systemdRunning = func() bool { return false } },
			code: 1, want: []string{`systemd is not running on this machine (PID 1 is "init"), so there is no service to install`},
		},
		{
			name: "config fails check",
			config: func(t *testing.T) string {
				return writeConfig(t, "name = \"x\"\nstate_dir = \"state\"\ntimezone = \"Mars/Olympus\"\n")
			},
			args: []string{"--user", me.Username},
			code: 1, want: []string{`kiosk.toml:3: timezone: "Mars/Olympus" is not an IANA time zone`, "nothing was installed"},
		},
		{
			name:   "config missing",
			config: func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope.toml") },
			args:   []string{"--user", me.Username},
			code:   1, want: []string{"nope.toml does not exist", "nothing was installed"},
		},
		{
			name: "user missing", config: good, args: []string{"--user", "lobbykiosk-no-such-user"},
			code: 1, want: []string{"user lobbykiosk-no-such-user does not exist: create it with " +
				"`sudo adduser --system --group lobbykiosk-no-such-user` or pass --user NAME"},
		},
		{
			name: "default user missing", config: good,
			host: func(h *serviceHost) {
				h.lookupUser = func(name string) (*user.User, error) { return nil, user.UnknownUserError(name) }
			},
			code: 1, want: []string{"user lobbykiosk does not exist: create it with `sudo adduser --system --group lobbykiosk`"},
		},
		{
			name: "config unreadable by the user",
			config: func(t *testing.T) string {
				p := writeConfig(t, goodConfig)
				if err := os.Chmod(p, 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			},
			args: []string{"--user", "nobody"},
			code: 1, want: []string{"(mode 0600) is not readable by user nobody", "nothing was installed"},
		},
		{
			name: "binary in a temporary folder", config: good, args: []string{"--user", me.Username},
			host: func(h *serviceHost) {
				h.executable = func() (string, error) { return filepath.Join(os.TempDir(), "go-build1/b001/exe/lobbykiosk"), nil }
			},
			code: 1, want: []string{"which does not survive a reboot: install the package, or copy the binary to /usr/local/bin"},
		},
		{
			name: "cage not installed", config: good, args: []string{"--user", me.Username, "--cage"},
			host: func(h *serviceHost) {
				h.lookPath = func(string) (string, error) { return "", exec.ErrNotFound }
			},
			code: 1, want: []string{"the cage compositor is not installed: sudo apt install cage xwayland"},
		},
		{
			name: "already installed", config: good, args: []string{"--user", me.Username},
			host: func(h *serviceHost) {
				if err := os.MkdirAll(h.installDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(h.installDir, "lobbykiosk.service"), []byte("[Unit]\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			code: 1, want: []string{"lobbykiosk.service already exists: remove it first with `sudo lobbykiosk service uninstall`"},
		},
		{
			name: "wayland and cage", config: good, args: []string{"--wayland", "--cage"},
			code: 1, want: []string{"choose --wayland or --cage, not both"},
		},
		{
			name: "display with wayland", config: good, args: []string{"--wayland", "--display", ":1"},
			code: 1, want: []string{"--display and --xauthority are for X11"},
		},
		{
			name: "bad display", config: good, args: []string{"--user", me.Username, "--display", "tv"},
			code: 1, want: []string{`display "tv" is not an X11 display like :0`, "nothing was installed"},
		},
		{
			name: "rotate without cage", config: good, args: []string{"--rotate", "90"},
			code: 1, want: []string{"--rotate is for --cage"},
		},
		{
			name: "rotate by 45", config: good, args: []string{"--cage", "--rotate", "45"},
			code: 1, want: []string{"--rotate 45: use 90, 180 or 270"},
		},
		{
			name: "stray argument", config: good, args: []string{"now"},
			code: 1, want: []string{`unexpected argument "now"`},
		},
		{
			name: "unknown flag", config: good, args: []string{"--usr", "pi"},
			code: 2, want: []string{"flag provided but not defined: -usr", "Usage: lobbykiosk service install"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := testHost(t)
			if tc.host != nil {
				tc.host(h)
			}
			cfg := tc.config(t)
			before := listDir(t, h.installDir)
			code, out, errs := serviceCLI(t, h, append([]string{"install", "--config", cfg}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr does not say %q:\n%s", w, errs)
				}
			}
			if out != "" {
				t.Errorf("stdout should be empty on failure, got:\n%s", out)
			}
			if after := listDir(t, h.installDir); after != before {
				t.Errorf("the unit directory changed from [%s] to [%s]", before, after)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "state")); err == nil {
				t.Error("the state directory was created although nothing was installed")
			}
		})
	}
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

// --print shows exactly the unit install would write, without root.
func TestServiceInstallPrint(t *testing.T) {
	me := currentUser(t)
	h := testHost(t)
	h.isRoot = func() bool { return false }
	h.systemdRunning = func() bool { return false }
	exe, _ := h.executable()
	// Whether or not cage is installed here, the unit must name an
	// executable for systemd-analyze verify.
	cage := exe
	h.lookPath = func(string) (string, error) { return cage, nil }
	cfg := writeConfig(t, goodConfig)
	state := filepath.Join(filepath.Dir(cfg), "state")

	tests := []struct {
		args []string
		want []string
	}{
		{nil, []string{
			"ExecStart=" + exe + " run --config " + cfg,
			"User=" + me.Username,
			"Environment=DISPLAY=:0",
			"Environment=XAUTHORITY=" + filepath.Join(me.HomeDir, ".Xauthority"),
			"ReadWritePaths=" + state,
			"# Written by: lobbykiosk service install --print --user " + me.Username + " --config " + cfg,
		}},
		{[]string{"--display", ":1", "--xauthority", "/run/lightdm/root/:1"}, []string{
			"Environment=DISPLAY=:1",
			"Environment=XAUTHORITY=/run/lightdm/root/:1",
		}},
		{[]string{"--wayland"}, []string{
			"Environment=WAYLAND_DISPLAY=wayland-0",
			"Environment=XDG_RUNTIME_DIR=/run/user/" + me.Uid,
		}},
		{[]string{"--cage", "--rotate", "90"}, []string{
			"ExecStart=" + cage + " -d -s -r -- " + exe + " run --config " + cfg,
			"TTYPath=/dev/tty1",
		}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := serviceCLI(t, h, append([]string{"install", "--print", "--user", me.Username, "--config", cfg}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit code %d: %s", code, errs)
			}
			lines := strings.Split(out, "\n")
			for _, w := range tc.want {
				if !contains(lines, w) {
					t.Errorf("printed unit lacks %q:\n%s", w, out)
				}
			}
			verifyUnit(t, out)
		})
	}
}

func TestServiceControlBadInput(t *testing.T) {
	tests := []struct {
		name   string
		action string
		host   func(t *testing.T, h *serviceHost)
		want   string
	}{
		{"start without root", "start", func(t *testing.T, h *serviceHost) { h.isRoot = func() bool { return false } },
			"run it as root: sudo lobbykiosk service start"},
		{"stop without systemd", "stop", func(t *testing.T, h *serviceHost) { h.systemdRunning = func() bool { return false } },
			`systemd is not running on this machine (PID 1 is "init"), so there is no service to stop: run the kiosk by hand`},
		{"restart when not installed", "restart", nil,
			"lobbykiosk is not installed as a service: install it with `sudo lobbykiosk service install` or the lobbykiosk package"},
		{"uninstall what the package installed", "uninstall", func(t *testing.T, h *serviceHost) { writeUnit(t, h.vendorDirs[0]) },
			"comes from the package (" + "%VENDOR%" + "): remove it with `sudo apt remove lobbykiosk`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := testHost(t)
			if tc.host != nil {
				tc.host(t, h)
			}
			code, out, errs := serviceCLI(t, h, tc.action)
			want := strings.ReplaceAll(tc.want, "%VENDOR%", filepath.Join(h.vendorDirs[0], "lobbykiosk.service"))
			if code != 1 || !strings.Contains(errs, want) || out != "" {
				t.Errorf("exit code %d, stdout %q, stderr:\n%s\nwant exit 1 and %q", code, out, errs, want)
			}
		})
	}
}

func writeUnit(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "lobbykiosk.service")
	if err := os.WriteFile(p, []byte("[Unit]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Without systemd (containers, this test machine) status still answers in
// words, from the unit files alone.
func TestServiceStatusWithoutSystemd(t *testing.T) {
	tests := []struct {
		name string
		unit func(h *serviceHost) string // where a unit is put, "" for none
		code int
		want string
	}{
		{"nothing installed", func(*serviceHost) string { return "" }, statusNotInstalled,
			`lobbykiosk is not installed: there is no lobbykiosk.service unit, and systemd is not running on this machine (PID 1 is "init") to start one.`},
		{"packaged unit", func(h *serviceHost) string { return h.vendorDirs[0] }, statusStopped,
			"lobbykiosk is stopped: its unit %UNIT% is installed, but systemd is not running on this machine"},
		{"installed unit", func(h *serviceHost) string { return h.installDir }, statusStopped,
			"lobbykiosk is stopped: its unit %UNIT% is installed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := testHost(t)
			h.systemdRunning = func() bool { return false }
			want := tc.want
			if dir := tc.unit(h); dir != "" {
				want = strings.ReplaceAll(want, "%UNIT%", writeUnit(t, dir))
			}
			code, out, errs := serviceCLI(t, h, "status")
			if code != tc.code || !strings.HasPrefix(out, want) || errs != "" {
				t.Errorf("exit code %d, stdout %q, stderr %q\nwant exit %d and %q", code, out, errs, tc.code, want)
			}
		})
	}
}

// On the machine the tests run on, whatever it is, status is one sentence
// whose words match its exit code.
func TestServiceStatusHere(t *testing.T) {
	code, out, errs := serviceCLI(t, host, "status")
	words := map[int]string{statusRunning: "lobbykiosk is running", statusStopped: "lobbykiosk is stopped",
		statusNotInstalled: "lobbykiosk is not installed"}[code]
	if words == "" {
		t.Fatalf("exit code %d is not 0, 3 or 4: stdout %q stderr %q", code, out, errs)
	}
	if !strings.HasPrefix(out, words) || strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, ".\n") {
		t.Errorf("exit code %d but status said %q (want one sentence starting %q)", code, out, words)
	}
	t.Logf("here: %s", strings.TrimSpace(out))
}
