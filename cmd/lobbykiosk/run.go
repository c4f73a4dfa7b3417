package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/driver/desktop"

	"lobbykiosk/assets"
	"lobbykiosk/kiosk/admin"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/display"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/fonts"
	"lobbykiosk/kiosk/localconfig"
	"lobbykiosk/kiosk/locale"
	"lobbykiosk/kiosk/ui"
	"lobbykiosk/kiosk/xcapture"
)

func init() {
	register(command{name: "run", usage: "run [--config FILE] [--windowed]", run: runKiosk})
	register(command{name: "demo", usage: "demo [--windowed]", run: runDemo})
}

type runFlags struct {
	windowed   bool
	slideScale float64
}

func runKiosk(ctx context.Context, e *env, args []string) int {
	fs := newFlags("run", e)
	path := fs.String("config", config.DefaultPath, "config file")
	var rf runFlags
	fs.BoolVar(&rf.windowed, "windowed", false, "a window instead of fullscreen (for a desktop)")
	fs.Float64Var(&rf.slideScale, "slide-scale", 1, "multiply every slide duration (benchmarks run at 0.01)")
	if fs.Parse(args) != nil {
		return 2
	}
	return kiosk(ctx, e, *path, rf)
}

// runDemo is `run` on the embedded demo: extracted to a temp dir (the only
// place it writes), through the real pipeline from files, no network.
func runDemo(ctx context.Context, e *env, args []string) int {
	fs := newFlags("demo", e)
	var rf runFlags
	fs.BoolVar(&rf.windowed, "windowed", false, "a window instead of fullscreen")
	fs.Float64Var(&rf.slideScale, "slide-scale", 1, "multiply every slide duration")
	if fs.Parse(args) != nil {
		return 2
	}
	dir, err := os.MkdirTemp("", "lobbykiosk-demo-")
	if err != nil {
		return e.errorf("demo: %v", err)
	}
	defer os.RemoveAll(dir)
	path, err := assets.ExtractDemoIn(dir, locale.System().Lang())
	if err != nil {
		return e.errorf("demo: %v", err)
	}
	return kiosk(ctx, e, path, rf)
}

// displayProblem says in one line why no window can be opened, instead of
// letting GLFW panic: a service that starts before the X server, or after a
// display manager restart left a stale socket or a new cookie, would
// otherwise crash-loop with a stack trace in the journal.
func displayProblem() (display.Screen, string) {
	scr, err := display.Open(os.Getenv, nativeWayland)
	if err != nil {
		return scr, err.Error()
	}
	return scr, ""
}

func kiosk(ctx context.Context, e *env, path string, rf runFlags) (code int) {
	startProfiling(e)
	screen, p := displayProblem()
	if p != "" {
		return e.errorf("%s", p)
	}
	// The check above catches what an office meets; a display that fails
	// between it and GLFW's start (the X server dying that very second)
	// still ends in one line, not a stack trace.
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprint(r)
			if !strings.Contains(msg, "GLFW") && !strings.Contains(msg, "X11") && !strings.Contains(msg, "Wayland") {
				panic(r)
			}
			code = e.errorf("the display failed: %s; the service will try again", msg)
		}
	}()
	// SIGHUP reads the config file again (`systemctl reload`), as daemons
	// do; by default it would end the kiosk with nothing in the log.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	// A config file with mistakes does not leave the screen dark: the last
	// copy of it that started well runs instead, and says so.
	local, localData, onCopy, loadErr := ownConfig(e, path)
	if local == nil {
		fmt.Fprintln(e.stderr, loadErr)
		return 1
	}
	log := serviceLogger(e.stderr)
	// The system fonts' index, before Fyne's first text: Fyne gives up
	// every fallback font when it cannot write that index's cache, and a
	// service user's home may be read-only; the state folder is not.
	fonts.LogLoad(log, local.StateDir)
	// Headquarters' central config (when [fleet] config_url is set) is merged
	// over the local file before anything starts: the copy kept on disk, so
	// start-up never waits on the network. The fleet watcher pulls a fresh
	// one right after start and applies it at the next slide.
	cfg, err := effectiveWith(ctx, e, local, localData, true)
	if err != nil {
		log.Warn("central config not used", "err", err)
	}
	if err := fonts.UseFile(cfg.Theme.Font); err != nil {
		log.Warn("theme font not used for other scripts", "err", err)
	}
	// Pictures are kept at least as large as a 1080p screen shows them (what
	// `render` draws by default, also offline), and larger for a larger
	// screen: a 4K TV's twice a 1080p one's. Unknown (Wayland): 1080p.
	o := engine.Options{Version: version, Logger: log}
	if max(screen.Width, screen.Height) > 1920 || min(screen.Width, screen.Height) > 1080 {
		o.ImageWidth, o.ImageHeight = screen.Width, screen.Height
	}
	eng, cleanup, err := engine.OpenScratch(cfg, o,
		func(w string) { log.Warn(w) })
	if err != nil {
		return e.errorf("%v", err)
	}
	defer cleanup()
	for _, p := range eng.Problems {
		log.Warn(p)
	}

	th, logo := theme(cfg, log.Warn)
	// Every UI change from another goroutine goes through fyne.Do (see
	// screen.go), so Fyne's legacy thread shim is off.
	app.SetMetadata(fyne.AppMetadata{ID: "io.lobbykiosk", Name: "lobbykiosk", Version: version, Migrations: map[string]bool{"fyneDo": true}})
	a := app.NewWithID("io.lobbykiosk")
	a.Settings().SetTheme(th.Fyne())
	// Fyne asks the desktop's screen saver over the session D-Bus not to
	// blank the screen. A kiosk under cage or a bare X server has no
	// session bus: asking would only log a "Fyne error" at every start,
	// and blanking there is the display server's setting (packaging/README.md).
	if hasSessionBus(os.Getenv) {
		a.Driver().SetDisableScreenBlanking(true)
	}
	w := a.NewWindow(cfg.Name)
	view := ui.NewView(th)
	applyTransition(view, cfg)
	w.SetContent(view.Object())
	w.SetPadded(false)
	if rf.windowed {
		w.Resize(fyne.NewSize(1280, 720))
		if dc, ok := w.Canvas().(desktop.Canvas); ok {
			dc.SetOnKeyDown(func(k *fyne.KeyEvent) {
				if k.Name == fyne.KeyEscape {
					a.Quit()
				}
			})
		}
	} else {
		w.SetFullScreen(true)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watcher := startFleet(ctx, log, local, localData, eng)
	own := localconfig.New(path, local, localData, localconfig.Options{
		Store: eng.Store, Logger: log, Notice: eng.SetNotice,
		Apply: func(l *config.Config, data []byte) error {
			if watcher != nil {
				return watcher.SetLocal(l, data)
			}
			eng.Reconfigure(l)
			return nil
		},
	})
	if onCopy != nil {
		own.StartedOnCopy(*onCopy, loadErr)
	}
	// What the kiosk keeps in state_dir comes back if the folder is deleted.
	eng.AlsoKeep(own.Restore)
	if watcher != nil {
		eng.AlsoKeep(watcher.Restore)
	}
	shown := make(chan struct{}, 1)
	player := engine.NewPlayer(eng, fyneScreen{app: a, view: view, log: log, shown: shown, started: sync.OnceFunc(own.Started)}, logo)
	if rf.slideScale > 0 {
		player.SlideScale = rf.slideScale
	}
	// The admin page's certificate is made before the first slide, so the
	// welcome slide of a kiosk being set up can show its fingerprint.
	var cert *admin.Certificate
	if cfg.Admin.Listen != "" && admin.UsesTLS(cfg.Admin) {
		if cert, err = admin.LoadCertificate(cfg); err != nil {
			log.Error("admin page certificate", "err", err)
		} else {
			player.SetupNote = setupNote(cfg, cert)
		}
	}
	go eng.Run(ctx)
	go player.Run(ctx)
	go own.Run(ctx, hup)
	go keepMemoryLow(ctx, shown, 2*time.Second, 5*time.Second, time.Minute)
	monitor := startHealth(ctx, log, local, eng, player, watcher, own, func() (image.Image, error) { return capture(w) })
	if cfg.Admin.Listen != "" {
		adm, err := admin.New(admin.Options{Config: cfg, Engine: eng, Current: player.Current, Logger: log,
			Certificate: cert, Screenshot: func() (image.Image, error) { return capture(w) }})
		if err != nil {
			log.Error("admin page not started", "err", err) // the screen keeps running
		} else {
			mountHealth(adm, monitor)
			go func() {
				if err := adm.ListenAndServe(ctx); err != nil {
					log.Error("admin page stopped", "err", err)
				}
			}()
		}
	}
	go func() {
		// SIGTERM from systemd (or Ctrl+C) ends the Fyne loop cleanly.
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	log.Info("kiosk started", "name", cfg.Name, "sources", len(cfg.Sources), "state_dir", eng.Config.StateDir)
	w.ShowAndRun()
	cancel()
	log.Info("kiosk stopped")
	return 0
}

// setupNote is the welcome slide's line for whoever sets the kiosk up:
// where the admin page is, and the fingerprint their browser will show.
func setupNote(cfg *config.Config, cert *admin.Certificate) string {
	urls := adminURLs("https", cfg.Admin.Listen)
	u := ""
	for _, x := range urls {
		if u == "" || !strings.Contains(x, ".local:") && strings.Contains(u, ".local:") {
			u = x
		}
	}
	return cfg.Locale.T("setup.note", map[string]any{"URL": strings.TrimSuffix(u, "/"), "Fingerprint": cert.Fingerprint})
}

// ownConfig reads the kiosk's own config file. When it cannot be used, it
// returns the last good copy of it kept in state_dir (cp set, err saying what
// is wrong with the file); with no copy, cfg is nil and err says why.
func ownConfig(e *env, path string) (cfg *config.Config, data []byte, cp *localconfig.Copy, err error) {
	data, err = os.ReadFile(path)
	if err == nil {
		cfg, err = config.Parse(path, data)
	} else {
		cfg, err = config.Load(path) // its wording for a missing file
	}
	if err == nil {
		for _, w := range cfg.Warnings {
			fmt.Fprintf(e.stderr, "warning: %s\n", w)
		}
		return cfg, data, nil, nil
	}
	fcfg, fdata, c, ferr := localconfig.Fallback(path, err)
	if ferr != nil {
		return nil, nil, nil, err
	}
	return fcfg, fdata, &c, err
}

// applyTransition sets the view's transition from [display].
func applyTransition(view *ui.View, cfg *config.Config) {
	d := cfg.Display
	if d.Transition != "fade" {
		view.SetTransition(0, 0)
		return
	}
	view.SetTransition(time.Duration(d.TransitionSeconds*float64(time.Second)), d.TransitionFPS)
}

// theme builds the UI theme from config ([theme] and the display's safe
// area); a logo or font that cannot be read is logged and the default used,
// never fatal.
func theme(cfg *config.Config, warn func(msg string, args ...any)) (ui.Theme, image.Image) {
	th := ui.DefaultTheme()
	t := cfg.Theme
	th.Dark = t.Mode != "light"
	th.SafeArea = float32(cfg.Display.Safe())
	if c, err := config.ParseColor(t.Accent); err == nil && t.Accent != "" {
		th.Accent = c
	}
	if c, err := config.ParseColor(t.Background); err == nil && t.Background != "" {
		th.Background = c
	}
	builtin := assets.LogoOnDark()
	if !th.Dark {
		builtin = assets.Logo()
	}
	logo, err := decodeImage(builtin)
	if err != nil {
		warn("built-in logo unreadable", "err", err)
	}
	if t.Logo != "" {
		if l, err := readImage(t.Logo); err != nil {
			warn("theme logo not used", "file", t.Logo, "err", err)
		} else {
			logo = l
		}
	}
	th.Logo = logo
	if t.Font != "" {
		if res, err := fyne.LoadResourceFromPath(t.Font); err != nil {
			warn("theme font not used", "file", t.Font, "err", err)
		} else {
			th.Font = res
		}
	}
	return th, logo
}

// capture is what the kiosk's window shows now, read from the X server
// (as `import -window` reads it). Fyne's own Canvas.Capture is the
// fallback where there is no X11 window (Wayland): it reads the GL front
// buffer, which under Mesa is empty once a frame has been swapped to the
// screen, so an empty frame is an error, never a black PNG.
func capture(w fyne.Window) (image.Image, error) {
	var id uintptr
	fyne.DoAndWait(func() {
		if nw, ok := w.(driver.NativeWindow); ok {
			nw.RunNative(func(ctx any) {
				if x, ok := ctx.(driver.X11WindowContext); ok {
					id = x.WindowHandle
				}
			})
		}
	})
	var xerr error
	if id != 0 {
		img, err := xcapture.Window(uint64(id))
		if err == nil {
			return img, nil
		}
		xerr = err
	}
	var img image.Image
	fyne.DoAndWait(func() { img = w.Canvas().Capture() })
	if img == nil || transparent(img) {
		if xerr != nil {
			return nil, fmt.Errorf("the screen could not be read: %v; the window's own capture gave an empty frame", xerr)
		}
		return nil, errors.New("the window's capture gave an empty frame (no X11 window to read instead)")
	}
	return img, nil
}

// transparent reports whether every pixel of a sample grid is fully
// transparent: what a GL read of an empty buffer gives. A black screen
// (display hours over) is opaque.
func transparent(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += max(1, b.Dy()/64) {
		for x := b.Min.X; x < b.Max.X; x += max(1, b.Dx()/64) {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0 {
				return false
			}
		}
	}
	return true
}

// hasSessionBus reports whether a D-Bus session bus is there to ask: its
// address in the environment, or the per-user socket systemd-logind's
// sessions have ($XDG_RUNTIME_DIR/bus), as godbus looks for it.
func hasSessionBus(getenv func(string) string) bool {
	if a := getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return true
	}
	dir := getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, "bus"))
	return err == nil && fi.Mode()&os.ModeSocket != 0
}
