package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/template"

	"github.com/kardianos/service"

	"lobbykiosk/kiosk/config"
)

func init() {
	register(command{
		name: "service",
		usage: "service install [--config FILE] [--user NAME] [--display :0 | --wayland | --cage [--rotate DEG]] [--print]" +
			" | uninstall | start | stop | restart | status",
		run: runService,
	})
}

// The service runs as this account unless install is told otherwise; the
// package creates it.
const defaultServiceUser = "lobbykiosk"

// Exit codes of `service status`, as LSB init scripts use them, so
// monitoring that already understands those needs nothing new.
const (
	statusRunning      = 0
	statusStopped      = 3
	statusNotInstalled = 4
)

// serviceHost is what the service command touches of the machine. Tests
// replace parts of it: they run as root here but must still see the
// non-root path, and must not install units on the machine they run on.
type serviceHost struct {
	name       string // the unit is name + ".service"
	isRoot     func() bool
	lookupUser func(name string) (*user.User, error)
	executable func() (string, error)
	lookPath   func(file string) (string, error)
	// initName is PID 1's name; systemd is running when it has created
	// /run/systemd/system (what sd_booted checks), not merely installed.
	initName       func() string
	systemdRunning func() bool
	// installDir is where install writes the unit (kardianos/service's
	// choice); vendorDirs hold units that packages install.
	installDir string
	vendorDirs []string
	// newService builds the kardianos service that installs and controls
	// the unit.
	newService func(c *service.Config) (service.Service, error)
}

var host = &serviceHost{
	name:       "lobbykiosk",
	isRoot:     func() bool { return os.Geteuid() == 0 },
	lookupUser: user.Lookup,
	executable: func() (string, error) {
		p, err := os.Executable()
		if err != nil {
			return "", err
		}
		return filepath.EvalSymlinks(p)
	},
	lookPath: exec.LookPath,
	initName: func() string {
		b, err := os.ReadFile("/proc/1/comm")
		if err != nil {
			return "unknown"
		}
		return strings.TrimSpace(string(b))
	},
	systemdRunning: func() bool {
		fi, err := os.Stat("/run/systemd/system")
		return err == nil && fi.IsDir()
	},
	installDir: "/etc/systemd/system",
	vendorDirs: []string{"/lib/systemd/system", "/usr/lib/systemd/system"},
	newService: func(c *service.Config) (service.Service, error) { return service.New(program{}, c) },
}

// program satisfies kardianos/service; the unit runs `lobbykiosk run`, so
// the library never runs the kiosk itself.
type program struct{}

func (program) Start(service.Service) error { return nil }
func (program) Stop(service.Service) error  { return nil }

func runService(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintf(e.stderr, "Usage: lobbykiosk %s\n", commands["service"].usage)
		return 2
	}
	switch args[0] {
	case "install":
		return host.install(e, args[1:])
	case "uninstall", "start", "stop", "restart":
		return host.control(e, args[0], args[1:])
	case "status":
		return host.status(e, args[1:])
	}
	fmt.Fprintf(e.stderr, "lobbykiosk: unknown service action %q\nUsage: lobbykiosk %s\n", args[0], commands["service"].usage)
	return 2
}

func (h *serviceHost) unitName() string { return h.name + ".service" }

// installedUnits lists the unit files for the kiosk, the one install
// writes first: it overrides a packaged one.
func (h *serviceHost) installedUnits() []string {
	var found []string
	for _, dir := range append([]string{h.installDir}, h.vendorDirs...) {
		p := filepath.Join(dir, h.unitName())
		if _, err := os.Stat(p); err == nil && !slices.ContainsFunc(found, func(f string) bool { return sameFile(f, p) }) {
			found = append(found, p)
		}
	}
	return found
}

// sameFile is true for /lib/... and /usr/lib/... on merged-/usr systems.
func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func (h *serviceHost) noSystemd(what string) string {
	return fmt.Sprintf("systemd is not running on this machine (PID 1 is %q), so there is no service to %s: "+
		"run the kiosk by hand with `lobbykiosk run --config FILE`", h.initName(), what)
}

func (h *serviceHost) install(e *env, args []string) int {
	fs := newFlags("service", e)
	cfgPath := fs.String("config", config.DefaultPath, "config file the kiosk runs with")
	userName := fs.String("user", defaultServiceUser, "account the kiosk runs as")
	display := fs.String("display", ":0", "X11 display the kiosk draws on")
	xauth := fs.String("xauthority", "", "X authority file (default: the user's ~/.Xauthority)")
	wayland := fs.Bool("wayland", false, "draw on the user's Wayland session (wayland-0) instead of X11")
	cage := fs.Bool("cage", false, "start the cage compositor on tty1 and run the kiosk in it (no desktop needed)")
	rotate := fs.Int("rotate", 0, "with --cage: turn the picture 90, 180 or 270 degrees clockwise (a TV on its side)")
	printOnly := fs.Bool("print", false, "print the unit instead of installing it")
	if fs.Parse(args) != nil {
		return 2
	}
	if fs.NArg() > 0 {
		return e.errorf("service install: unexpected argument %q (flags only; see lobbykiosk help)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *wayland && *cage:
		return e.errorf("service install: choose --wayland or --cage, not both")
	case (*wayland || *cage) && (set["display"] || set["xauthority"]):
		return e.errorf("service install: --display and --xauthority are for X11; --wayland and --cage do without them")
	case set["rotate"] && !*cage:
		return e.errorf("service install: --rotate is for --cage; on a desktop, turn the screen in its display settings (xrandr, wlr-randr)")
	case *rotate%90 != 0 || *rotate < 0 || *rotate > 270:
		return e.errorf("service install: --rotate %d: use 90, 180 or 270 (degrees clockwise)", *rotate)
	}

	if !*printOnly {
		if !h.isRoot() {
			return e.errorf("installing a service needs root: run it as root: sudo lobbykiosk service install %s", strings.Join(args, " "))
		}
		if !h.systemdRunning() {
			return e.errorf("%s", h.noSystemd("install"))
		}
	}

	abs, err := filepath.Abs(*cfgPath)
	if err != nil {
		return e.errorf("config %s: %v", *cfgPath, err)
	}
	cfg, err := e.loadConfig(abs)
	if err != nil {
		fmt.Fprintf(e.stderr, "%v\nlobbykiosk: the config has problems, so nothing was installed: fix them and check with `lobbykiosk check --config %s`\n", err, abs)
		return 1
	}

	u, err := h.lookupUser(*userName)
	if err != nil {
		var unknown user.UnknownUserError
		if errors.As(err, &unknown) {
			return e.errorf("user %s does not exist: create it with `sudo adduser --system --group %s` or pass --user NAME", *userName, *userName)
		}
		return e.errorf("user %s: %v", *userName, err)
	}
	if err := readableBy(abs, u); err != nil {
		return e.errorf("%v, so the kiosk could not read it: nothing was installed", err)
	}

	exe, err := h.executable()
	if err != nil {
		return e.errorf("cannot tell where this lobbykiosk binary is: %v", err)
	}
	if tmp := os.TempDir(); isUnder(exe, tmp) {
		return e.errorf("this lobbykiosk runs from %s, under %s, which does not survive a reboot: "+
			"install the package, or copy the binary to /usr/local/bin and run the install from there", exe, tmp)
	}

	o := unitOptions{
		Exec:     exe,
		Config:   abs,
		User:     u.Username,
		StateDir: cfg.StateDir,
		Origin:   strings.TrimSpace("Written by: lobbykiosk service install " + strings.Join(args, " ")),
	}
	switch {
	case *cage:
		o.Session = sessionCage
		o.TTY = "tty1"
		o.Rotate = *rotate
		if o.Cage, err = h.lookPath("cage"); err != nil {
			if !*printOnly {
				return e.errorf("the cage compositor is not installed: sudo apt install cage xwayland")
			}
			o.Cage = "/usr/bin/cage"
		}
	case *wayland:
		o.Session = sessionWayland
		o.RuntimeDir = "/run/user/" + u.Uid
	default:
		o.Session = sessionX11
		o.Display = *display
		o.XAuthority = *xauth
		if o.XAuthority == "" {
			o.XAuthority = filepath.Join(u.HomeDir, ".Xauthority")
		}
	}
	unit, err := unitFile(o)
	if err != nil {
		return e.errorf("%v: nothing was installed", err)
	}
	if *printOnly {
		fmt.Fprint(e.stdout, unit)
		return 0
	}

	target := filepath.Join(h.installDir, h.unitName())
	if _, err := os.Stat(target); err == nil {
		return e.errorf("%s already exists: remove it first with `sudo lobbykiosk service uninstall`, then install again", target)
	}
	if err := ownStateDir(cfg.StateDir, u); err != nil {
		return e.errorf("state directory %s: %v: nothing was installed", cfg.StateDir, err)
	}
	s, err := h.newService(&service.Config{
		Name:        h.name,
		DisplayName: "lobbykiosk",
		Description: "lobbykiosk lobby display",
		UserName:    u.Username,
		Executable:  exe,
		Arguments:   []string{"run", "--config", abs},
		// The unit is rendered already (and verified by the tests as
		// rendered); with no template actions left the library writes it as is.
		Option: service.KeyValue{"SystemdScript": unit},
	})
	if err == nil {
		err = s.Install()
	}
	if err != nil {
		// Install enables the unit after writing it: undo both so a
		// second attempt starts from nothing.
		if _, statErr := os.Stat(target); statErr == nil {
			_ = exec.Command("systemctl", "disable", h.unitName()).Run()
			_ = os.Remove(target)
		}
		return e.errorf("could not install %s: %v: nothing was installed", target, err)
	}

	var where string
	switch o.Session {
	case sessionCage:
		where = "in the cage compositor on " + o.TTY
	case sessionWayland:
		where = "on the Wayland session of " + u.Username
	default:
		where = "on X11 display " + o.Display
	}
	fmt.Fprintf(e.stdout, "installed %s: the kiosk runs as %s %s with %s and starts at every boot.\n", target, u.Username, where, abs)
	for _, p := range h.installedUnits() {
		if p != target {
			fmt.Fprintf(e.stdout, "It takes the place of the packaged %s (which stays, unused, until you uninstall this one).\n", p)
		}
	}
	if out, err := exec.Command("systemctl", "get-default").Output(); err == nil {
		if def := strings.TrimSpace(string(out)); def != "graphical.target" {
			fmt.Fprintf(e.stdout, "Note: this machine boots to %s, where the kiosk never starts: sudo systemctl set-default graphical.target\n", def)
		}
	}
	// restart also starts a stopped unit, and moves a running packaged one
	// over to this unit.
	fmt.Fprintln(e.stdout, "Start it now with: sudo lobbykiosk service restart")
	return 0
}

// control runs uninstall, start, stop or restart.
func (h *serviceHost) control(e *env, action string, args []string) int {
	if len(args) > 0 {
		return e.errorf("service %s takes no arguments (got %q)", action, strings.Join(args, " "))
	}
	if !h.isRoot() {
		return e.errorf("controlling a service needs root: run it as root: sudo lobbykiosk service %s", action)
	}
	if !h.systemdRunning() {
		return e.errorf("%s", h.noSystemd(action))
	}
	units := h.installedUnits()
	if len(units) == 0 {
		return e.errorf("lobbykiosk is not installed as a service: install it with `sudo lobbykiosk service install` or the lobbykiosk package")
	}
	written := filepath.Join(h.installDir, h.unitName())
	if action == "uninstall" && !slices.Contains(units, written) {
		return e.errorf("the lobbykiosk service comes from the package (%s): remove it with `sudo apt remove lobbykiosk`, "+
			"or keep it from starting with `sudo systemctl disable --now lobbykiosk`", units[0])
	}
	s, err := h.newService(&service.Config{Name: h.name})
	if err != nil {
		return e.errorf("%s: %v", h.unitName(), err)
	}
	if action == "uninstall" {
		if st, _ := s.Status(); st == service.StatusRunning {
			_ = s.Stop()
		}
		if err := s.Uninstall(); err != nil {
			return e.errorf("could not uninstall %s: %v", written, err)
		}
		fmt.Fprintf(e.stdout, "uninstalled: removed %s; the kiosk no longer starts at boot.\n", written)
		if len(units) > 1 {
			fmt.Fprintf(e.stdout, "The packaged %s remains but is disabled: `sudo systemctl enable --now lobbykiosk` brings it back.\n", units[1])
		}
		return 0
	}
	act := map[string]func() error{"start": s.Start, "stop": s.Stop, "restart": s.Restart}[action]
	if err := act(); err != nil {
		return e.errorf("systemctl %s %s failed (%v): see `systemctl status %s` and `journalctl -u %s -n 50`",
			action, h.unitName(), err, h.name, h.name)
	}
	past := map[string]string{"start": "started", "stop": "stopped", "restart": "restarted"}[action]
	fmt.Fprintf(e.stdout, "lobbykiosk %s.\n", past)
	return 0
}

// status prints one sentence saying running, stopped or not installed, and
// exits 0, 3 or 4.
func (h *serviceHost) status(e *env, args []string) int {
	if len(args) > 0 {
		return e.errorf("service status takes no arguments (got %q)", strings.Join(args, " "))
	}
	msg, code := h.state()
	fmt.Fprintln(e.stdout, msg)
	return code
}

func (h *serviceHost) state() (string, int) {
	units := h.installedUnits()
	if !h.systemdRunning() {
		if len(units) > 0 {
			return fmt.Sprintf("lobbykiosk is stopped: its unit %s is installed, but systemd is not running on this machine "+
				"(PID 1 is %q), so nothing starts it.", units[0], h.initName()), statusStopped
		}
		return fmt.Sprintf("lobbykiosk is not installed: there is no %s unit, and systemd is not running on this machine "+
			"(PID 1 is %q) to start one.", h.unitName(), h.initName()), statusNotInstalled
	}
	s, err := h.newService(&service.Config{Name: h.name})
	if err != nil {
		return fmt.Sprintf("lobbykiosk is not installed: %v.", err), statusNotInstalled
	}
	// systemd also reads units from places not listed here (/run, /usr/local).
	unit := h.unitName()
	if len(units) > 0 {
		unit = units[0]
	}
	st, err := s.Status()
	logs := fmt.Sprintf("journalctl -u %s -n 50", h.name)
	switch {
	case errors.Is(err, service.ErrNotInstalled):
		return fmt.Sprintf("lobbykiosk is not installed: systemd knows no %s unit.", h.unitName()), statusNotInstalled
	case err != nil && strings.Contains(err.Error(), "failed"):
		// kardianos reports a unit that gave up as an error.
		return fmt.Sprintf("lobbykiosk is stopped: %v (see `%s`).", err, logs), statusStopped
	case err != nil:
		return fmt.Sprintf("lobbykiosk is not installed: %v.", err), statusNotInstalled
	case st == service.StatusRunning:
		// Restart=always keeps a crashing kiosk "activating": that is not
		// a picture on the screen.
		if sub := systemctlShow(h.unitName(), "SubState"); sub == "auto-restart" {
			return fmt.Sprintf("lobbykiosk is stopped: it exited and systemd restarts it in a few seconds (see `%s`).", logs), statusStopped
		}
		return fmt.Sprintf("lobbykiosk is running (%s).", unit), statusRunning
	case st == service.StatusStopped:
		return fmt.Sprintf("lobbykiosk is stopped: start it with `sudo lobbykiosk service start` (unit %s).", unit), statusStopped
	}
	return fmt.Sprintf("lobbykiosk is not installed: systemd could not say what state %s is in.", h.unitName()), statusNotInstalled
}

func systemctlShow(unit, property string) string {
	out, err := exec.Command("systemctl", "show", "--property="+property, "--value", unit).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func isUnder(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// readableBy says why u cannot read path, judged from the mode bits as
// the kernel would (root's bypass aside).
func readableBy(path string, u *user.User) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || u.Uid == "0" {
		return nil
	}
	mode := fi.Mode().Perm()
	owner := fmt.Sprint(st.Uid)
	switch {
	case owner == u.Uid:
		if mode&0o400 != 0 {
			return nil
		}
	case inGroup(u, fmt.Sprint(st.Gid)):
		if mode&0o040 != 0 {
			return nil
		}
	case mode&0o004 != 0:
		return nil
	}
	// Readable by the kiosk's group, not by everyone: the config may hold
	// [admin] metrics_token.
	group := u.Gid
	if g, err := user.LookupGroupId(u.Gid); err == nil {
		group = g.Name
	}
	return fmt.Errorf("config %s (mode %04o) is not readable by user %s: `sudo chgrp %s %s && sudo chmod g+r %s`", path, mode, u.Username, group, path, path)
}

func inGroup(u *user.User, gid string) bool {
	if u.Gid == gid {
		return true
	}
	ids, err := u.GroupIds()
	return err == nil && slices.Contains(ids, gid)
}

// ownStateDir creates the state directory and hands it to the kiosk's
// user: the sandbox only lets the service write there.
func ownStateDir(dir string, u *user.User) error {
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	return filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// Sessions: where the kiosk draws.
const (
	sessionX11     = "x11"     // an X server already running (a desktop with autologin)
	sessionWayland = "wayland" // a Wayland compositor already running as the same user
	sessionCage    = "cage"    // the unit starts the cage compositor itself, on a VT
)

// unitOptions is one rendering of the systemd unit.
type unitOptions struct {
	Exec     string // the lobbykiosk binary
	Config   string // the config file it runs with
	User     string // the account it runs as
	StateDir string // the only place it may write
	Session  string // sessionX11 (default), sessionWayland or sessionCage
	Origin   string // one comment line saying where the unit came from

	Display    string // x11: DISPLAY
	XAuthority string // x11: XAUTHORITY
	RuntimeDir string // wayland: XDG_RUNTIME_DIR, /run/user/UID
	Cage       string // cage: the compositor binary
	TTY        string // cage: the virtual terminal, "tty1"
	Rotate     int    // cage: degrees clockwise, 0, 90, 180 or 270
}

// packagedUnitOptions are the defaults the .deb ships in
// packaging/lobbykiosk.service.
func packagedUnitOptions() unitOptions {
	return unitOptions{
		Exec:       "/usr/bin/lobbykiosk",
		Config:     config.DefaultPath,
		User:       defaultServiceUser,
		StateDir:   config.DefaultStateDir,
		Session:    sessionX11,
		Origin:     "Installed by the lobbykiosk package. To run it differently, `sudo lobbykiosk service install --help`.",
		Display:    ":0",
		XAuthority: config.DefaultStateDir + "/.Xauthority",
	}
}

var (
	// Paths go into the unit unquoted, so only characters that need no
	// quoting or escaping there (no spaces, quotes, '%' specifiers, braces).
	safePath = regexp.MustCompile(`^/[A-Za-z0-9._+@,=/-]*$`)
	// X authority files are often named after the display (/run/lightdm/root/:0).
	safeXAuth   = regexp.MustCompile(`^/[A-Za-z0-9._+@,=/:-]*$`)
	safeName    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)
	safeDisplay = regexp.MustCompile(`^[A-Za-z0-9.-]*:[0-9]+(\.[0-9]+)?$`)
	safeTTY     = regexp.MustCompile(`^tty[0-9]+$`)
)

// unitFile renders the systemd unit for o, or says which option cannot go
// into a unit file.
func unitFile(o unitOptions) (string, error) {
	if o.Session == "" {
		o.Session = sessionX11
	}
	var errs []error
	path := func(name, v string) {
		if !safePath.MatchString(v) || filepath.Clean(v) != v {
			errs = append(errs, fmt.Errorf("%s %q must be an absolute, clean path of letters, digits and ._+@,=/- only", name, v))
		}
	}
	xauthPath := func(v string) {
		if !safeXAuth.MatchString(v) || filepath.Clean(v) != v {
			errs = append(errs, fmt.Errorf("xauthority %q must be an absolute, clean path of letters, digits and ._+@,=/:- only", v))
		}
	}
	path("the lobbykiosk binary", o.Exec)
	path("config", o.Config)
	path("state_dir", o.StateDir)
	if !safeName.MatchString(o.User) {
		errs = append(errs, fmt.Errorf("user name %q cannot go into a unit file", o.User))
	}
	if strings.ContainsAny(o.Origin, "\n\r") || strings.Contains(o.Origin, "{{") {
		errs = append(errs, fmt.Errorf("origin comment %q must be one line", o.Origin))
	}
	switch o.Session {
	case sessionX11:
		if !safeDisplay.MatchString(o.Display) {
			errs = append(errs, fmt.Errorf("display %q is not an X11 display like :0", o.Display))
		}
		xauthPath(o.XAuthority)
	case sessionWayland:
		path("XDG_RUNTIME_DIR", o.RuntimeDir)
	case sessionCage:
		path("cage", o.Cage)
		if !safeTTY.MatchString(o.TTY) {
			errs = append(errs, fmt.Errorf("tty %q is not a virtual terminal like tty1", o.TTY))
		}
		if o.Rotate%90 != 0 || o.Rotate < 0 || o.Rotate > 270 {
			errs = append(errs, fmt.Errorf("rotate %d is not 0, 90, 180 or 270", o.Rotate))
		}
	default:
		errs = append(errs, fmt.Errorf("session %q is not one of x11, wayland, cage", o.Session))
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	data := struct {
		unitOptions
		StateDirectory string // StateDir relative to /var/lib, when it is there
		CageFlags      string
	}{unitOptions: o, CageFlags: "-d -s" + strings.Repeat(" -r", o.Rotate/90)}
	if rel, err := filepath.Rel("/var/lib", o.StateDir); err == nil && !strings.HasPrefix(rel, "..") && rel != "." {
		data.StateDirectory = rel
	}
	var b bytes.Buffer
	if err := unitTemplate.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

var unitTemplate = template.Must(template.New("unit").Parse(`# lobbykiosk.service: the office lobby display.
{{- if .Origin}}
# {{.Origin}}
{{- end}}
# Logs: journalctl -u lobbykiosk. State: lobbykiosk service status.

[Unit]
Description=lobbykiosk lobby display
Documentation=file:/usr/share/doc/lobbykiosk/README.md
{{- if eq .Session "cage"}}
# cage is the display server here: it takes {{.TTY}} (instead of a login
# prompt) once logins are allowed, and needs logind for the screen and input.
After=systemd-user-sessions.service plymouth-quit-wait.service getty@{{.TTY}}.service
Wants=dbus.socket systemd-logind.service
After=dbus.socket systemd-logind.service
Conflicts=getty@{{.TTY}}.service
ConditionPathExists=/dev/tty0
{{- else}}
# The display manager starts the session's display server on the way to
# graphical.target; until that display accepts the kiosk, it exits and is
# started again.
After=graphical.target systemd-user-sessions.service
{{- end}}
# No wait for network-online.target: the kiosk shows its cached content
# without a network, and waiting would only delay the picture.
# Never give up restarting: a display that comes up late must not leave the
# screen dead until someone logs in.
StartLimitIntervalSec=0
# But a unit left behind when the program is gone does not start at all.
ConditionFileIsExecutable={{.Exec}}
{{- if eq .Session "cage"}}
ConditionFileIsExecutable={{.Cage}}
{{- end}}

[Service]
Type=simple
User={{.User}}
{{- if eq .Session "cage"}}
PAMName=login
TTYPath=/dev/{{.TTY}}
TTYReset=yes
TTYVHangup=yes
TTYVTDisallocate=yes
StandardInput=tty-fail
UtmpIdentifier={{.TTY}}
UtmpMode=user
Environment=XDG_SESSION_TYPE=wayland
# cage exits when the kiosk does, so the whole session restarts.
# -d: no window decorations, -s: VT switching stays possible, -r: each
# turns the picture 90 degrees clockwise.
ExecStart={{.Cage}} {{.CageFlags}} -- {{.Exec}} run --config {{.Config}}
{{- else}}
ExecStart={{.Exec}} run --config {{.Config}}
# "systemctl reload lobbykiosk" reads the config file again; the kiosk also
# notices a saved edit by itself. A good file applies at the next slide, a
# bad one is refused and the running settings stay.
ExecReload=/bin/kill -HUP $MAINPID
{{- end}}
# "+": as root. Anyone who ran "sudo lobbykiosk content" or "moderate" wrote
# root-owned files into the state directory, which the kiosk could not read.
ExecStartPre=+/bin/chown -R {{.User}}: {{.StateDir}}
WorkingDirectory={{.StateDir}}
Restart=always
RestartSec=3
TimeoutStopSec=10
{{- if eq .Session "x11"}}
Environment=DISPLAY={{.Display}}
Environment=XAUTHORITY={{.XAuthority}}
{{- else if eq .Session "wayland"}}
Environment=WAYLAND_DISPLAY=wayland-0
Environment=XDG_RUNTIME_DIR={{.RuntimeDir}}
{{- end}}
# A UTF-8 locale every Debian has, unless the system names its own in
# /etc/default/locale (which then wins): with no "language" in kiosk.toml,
# the screen speaks the system's language.
# Caches and settings go to the state directory, the one place the sandbox
# lets the kiosk write.
Environment=LANG=C.UTF-8
EnvironmentFile=-/etc/default/locale
Environment=XDG_CACHE_HOME={{.StateDir}}/.cache
Environment=XDG_CONFIG_HOME={{.StateDir}}/.config
StandardOutput=journal
StandardError=journal
SyslogIdentifier=lobbykiosk

# Sandbox. Not used, because a GUI needs them: PrivateDevices (GPU in
# /dev/dri, input, /dev/cec0), ProtectClock (it restricts device access),
# MemoryDenyWriteExecute (Mesa compiles shaders at run time).
NoNewPrivileges=yes
PrivateTmp=yes
{{- if eq .Session "cage"}}
# cage writes its Wayland socket under /run/user, which ProtectHome and
# ProtectSystem=strict would make read-only.
ProtectSystem=full
{{- else}}
ProtectSystem=strict
# Read-only, not hidden: an X authority file in a home must stay readable.
ProtectHome=read-only
{{- end}}
{{- if eq .Session "x11"}}
# The X server's socket lives in the real /tmp.
BindReadOnlyPaths=-/tmp/.X11-unix
{{- end}}
{{- if .StateDirectory}}
StateDirectory={{.StateDirectory}}
StateDirectoryMode=0750
{{- end}}
ReadWritePaths={{.StateDir}}
{{- if ne .Session "cage"}}
# It runs as a plain user and needs no capability at all.
CapabilityBoundingSet=
{{- end}}
UMask=0027
# X11 and D-Bus over local sockets, feeds over IP, interface lists over netlink.
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
SystemCallArchitectures=native
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes

[Install]
WantedBy=graphical.target
`))
