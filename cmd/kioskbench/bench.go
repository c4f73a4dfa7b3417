package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"lobbykiosk/assets"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/playlist"
)

const (
	sideKiosk    = "lobbykiosk"
	sideChromium = "chromium"
	screenW      = 1920
	screenH      = 1080
	// firstFrameLimit is how long a program may take to show anything.
	firstFrameLimit = 90 * time.Second
)

// bench holds what every run shares: the binary, the content, the page.
type bench struct {
	o    options
	log  *slog.Logger
	tmp  string
	bin  string
	proc fs.FS
	hz   float64
	rep  content.Report
	cfg  *config.Config // the demo's config, defaults applied
	seq  []playlist.Item
	fade time.Duration
	url  string // the Chromium page
	fyne string // how the kiosk was built, when the benchmark built it
	// still is the page's slide the idle runs hold: the first of the
	// sequence, as the kiosk's first.
	still int
	srv   *http.Server
	shots string
}

func newBench(ctx context.Context, o options, log *slog.Logger) (*bench, error) {
	tmp, err := os.MkdirTemp("", "kioskbench-")
	if err != nil {
		return nil, err
	}
	b := &bench{o: o, log: log, tmp: tmp, bin: o.kiosk, proc: os.DirFS("/proc"), hz: clockTicks(), shots: o.shots}
	if err := b.setup(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *bench) setup(ctx context.Context) error {
	if b.shots != "" {
		if err := os.MkdirAll(b.shots, 0o755); err != nil {
			return fmt.Errorf("--shots: %w", err)
		}
	}
	if b.bin == "" {
		if err := b.build(ctx); err != nil {
			return err
		}
	} else if _, err := os.Stat(b.bin); err != nil {
		return fmt.Errorf("--kiosk: %w", err)
	}
	if b.o.soakFeeds > 0 {
		return nil // its own config and content
	}
	if err := b.loadContent(ctx); err != nil {
		return err
	}
	if b.o.page != "" {
		_, err := b.writeSite(b.o.page)
		return err
	}
	if b.o.soak > 0 {
		return nil
	}
	return b.servePage()
}

// Close stops the page server and removes the temporary folder.
func (b *bench) Close() {
	if b.srv != nil {
		b.srv.Close()
	}
	if b.o.keep {
		b.log.Info("temporary folder kept", "dir", b.tmp)
		return
	}
	os.RemoveAll(b.tmp)
}

// build compiles lobbykiosk with cgo (the real GL driver), from the module
// the benchmark is run in.
func (b *bench) build(ctx context.Context) error {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if strings.TrimSpace(string(gomod)) == "" || root == "." {
		return errors.New("not inside the lobbykiosk module: run kioskbench from the repository (go run ./cmd/kioskbench) or give --kiosk BIN")
	}
	b.bin = filepath.Join(b.tmp, "lobbykiosk")
	start := time.Now()
	args := []string{"build", "-o", b.bin}
	if !b.o.stockFyne {
		// As packaging/build-deb.sh builds the .deb: with Fyne patched
		// (packaging/fynepatch), which refuses a Fyne it was not made for.
		cmd := exec.CommandContext(ctx, "go", "run", "./packaging/fynepatch", "-o", filepath.Join(b.tmp, "fyne"))
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOFLAGS=")
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("go run ./packaging/fynepatch (--stock-fyne builds without it): %w", commandError(err))
		}
		args = append(args, "-modfile", strings.TrimSpace(string(out)))
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "./cmd/lobbykiosk")...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s in %s: %v\n%s", strings.Join(args, " "), root, err, out)
	}
	b.fyne = "Fyne patched (packaging/fynepatch)"
	if b.o.stockFyne {
		b.fyne = "Fyne as it is (--stock-fyne)"
	}
	b.log.Info("built lobbykiosk", "bin", b.bin, "fyne", b.fyne, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// commandError adds what a command wrote on stderr to its error.
func commandError(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(ee.Stderr)))
	}
	return err
}

// loadContent reads what the demo shows (`lobbykiosk content --demo
// --json`) and the demo's display settings (its config, with the kiosk's
// defaults applied: the demo has no [display] section).
func (b *bench) loadContent(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, b.bin, "content", "--demo", "--json")
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s content --demo --json: %v: %s", b.bin, err, strings.TrimSpace(errb.String()))
	}
	rep, err := readReport(&out)
	if err != nil {
		return err
	}
	b.rep = rep
	cfgPath, err := assets.ExtractDemo(filepath.Join(b.tmp, "demo"))
	if err != nil {
		return err
	}
	if b.cfg, err = config.Load(cfgPath); err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	if b.cfg.Display.Transition == "fade" {
		b.fade = time.Duration(b.cfg.Display.TransitionSeconds * float64(time.Second))
	}
	b.seq = sequence(rep, settings(b.cfg.Display), time.Now(), 480)
	return nil
}

// writeSite writes the Chromium side's page and its pictures into site.
func (b *bench) writeSite(site string) (pageData, error) {
	if err := os.MkdirAll(site, 0o755); err != nil {
		return pageData{}, err
	}
	pics := &pictures{dir: site, find: finder(filepath.Join(b.tmp, "demo")), urls: map[string]string{},
		warn: func(f string, a ...any) { b.log.Warn(fmt.Sprintf(f, a...)) }}
	logo := ""
	if err := os.WriteFile(filepath.Join(site, "logo.png"), assets.LogoOnDark(), 0o644); err == nil {
		logo = "logo.png"
	}
	tz := b.cfg.Location.String()
	if tz == "Local" || tz == "UTC" {
		tz = ""
	}
	d := buildPage(b.rep, b.seq, b.fade, b.cfg.Name, tz, time.Now(), b.cfg.Location, pics)
	d.Logo = logo
	var page bytes.Buffer
	if err := writePage(&page, d); err != nil {
		return pageData{}, fmt.Errorf("page: %w", err)
	}
	if err := os.WriteFile(filepath.Join(site, "index.html"), page.Bytes(), 0o644); err != nil {
		return pageData{}, err
	}
	return d, nil
}

// servePage writes the Chromium side's page and serves it on 127.0.0.1.
func (b *bench) servePage() error {
	site := filepath.Join(b.tmp, "site")
	d, err := b.writeSite(site)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("page server: %w", err)
	}
	b.srv = &http.Server{Handler: http.FileServer(http.Dir(site)), ReadHeaderTimeout: 10 * time.Second}
	go b.srv.Serve(ln)
	b.url = "http://" + ln.Addr().String() + "/index.html"
	if len(d.Seq) > 0 {
		b.still = d.Seq[0].Slide
	}
	withPic := 0
	for _, s := range d.Slides {
		if s.Post != nil && s.Post.Picture != "" {
			withPic++
		}
	}
	b.log.Info("page ready", "url", b.url, "slides", len(d.Slides), "posts_with_picture", withPic)
	return nil
}

// finder locates a picture named in `content --demo --json`. That command
// extracts the demo into a temporary folder and removes it when it exits,
// so its paths may no longer exist: the same file is then taken from the
// benchmark's own extraction of the demo, by its path below the demo folder.
func finder(demoDir string) func(string) string {
	return func(src string) string {
		if strings.Contains(src, "://") {
			return ""
		}
		if exists(src) {
			return src
		}
		if rel, ok := demoRelative(src); ok {
			if p := filepath.Join(demoDir, filepath.FromSlash(rel)); exists(p) {
				return p
			}
		}
		return ""
	}
}

// demoRelative is p below its "lobbykiosk-demo-*" folder.
func demoRelative(p string) (string, bool) {
	parts := strings.Split(filepath.ToSlash(p), "/")
	for i, s := range parts {
		if strings.HasPrefix(s, "lobbykiosk-demo-") && i+1 < len(parts) {
			return strings.Join(parts[i+1:], "/"), true
		}
	}
	return "", false
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times.
func clockTicks() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64); err == nil && v > 0 {
			return v
		}
	}
	return 100
}

// program is a measured program, started as the leader of its own process
// group so the whole tree can be stopped at once.
type program struct {
	cmd     *exec.Cmd
	started time.Time
	exited  chan struct{}
	logFile *os.File
}

func startProgram(name string, args, env []string, logPath string) (*program, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &program{cmd: cmd, exited: make(chan struct{}), logFile: f}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { cmd.Wait(); close(p.exited) }()
	return p, nil
}

// PID is the program's root process.
func (p *program) PID() int { return p.cmd.Process.Pid }

// Stop ends the program's process group: SIGTERM, and SIGKILL for whatever
// is left after 5 s.
func (p *program) Stop() {
	pgid := p.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
	}
	syscall.Kill(-pgid, syscall.SIGKILL) // helpers that outlived the leader
	<-p.exited
	p.logFile.Close()
}

// tail is the end of the program's log, for an error message.
func (p *program) tail() string {
	data, err := os.ReadFile(p.logFile.Name())
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.Join(lines, "\n")
}

func sleepCtx(ctx context.Context, d time.Duration, exited <-chan struct{}) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-exited:
		return errors.New("the program exited while being measured")
	}
}

func (b *bench) env(display string) []string {
	return append(os.Environ(), "DISPLAY="+display, "LANG=C.UTF-8", "FYNE_DISABLE_DPI_DETECTION=1")
}

// stillScale stretches the demo's slides for an idle run: its first slide
// stays for days.
const stillScale = 100000

// start launches one side on display; still holds its first slide.
func (b *bench) start(side, display, logPath string, still bool) (*program, error) {
	switch side {
	case sideKiosk:
		args := []string{"demo"}
		if still {
			args = append(args, "--slide-scale", fmt.Sprint(stillScale))
		}
		return startProgram(b.bin, args, b.env(display), logPath)
	case sideChromium:
		profile, err := os.MkdirTemp(b.tmp, "chromium-profile-")
		if err != nil {
			return nil, err
		}
		url := b.url
		if still {
			url += fmt.Sprintf("#%d", b.still) // the page shows that slide alone
		}
		return startProgram("chromium", chromiumArgs(profile, url), b.env(display), logPath)
	}
	return nil, fmt.Errorf("unknown side %q", side)
}

// chromiumArgs are shared/bench/README.md's flags plus a fresh profile and
// no network chatter of its own.
func chromiumArgs(profile, url string) []string {
	return []string{"--kiosk", fmt.Sprintf("--window-size=%d,%d", screenW, screenH), "--window-position=0,0",
		"--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-quic", "--user-data-dir=" + profile, url}
}

// compare runs both sides for the rounds asked and prints the tables and
// the ratio line.
func (b *bench) compare(ctx context.Context, w io.Writer) error {
	b.header(w)
	printHeader(w)
	var results []result
	for round := 1; round <= b.o.rounds; round++ {
		sides := []string{sideKiosk, sideChromium}
		if round%2 == 0 { // alternate, so drift in the machine's load hits both sides alike
			sides[0], sides[1] = sides[1], sides[0]
		}
		for _, side := range sides {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r := b.runOne(ctx, round, side)
			if r.Err != nil && ctx.Err() != nil {
				return ctx.Err()
			}
			if r.Err != nil {
				b.log.Error("run failed", "side", side, "round", round, "err", r.Err)
			}
			printRow(w, r, meanDuration(b.seq))
			results = append(results, r)
		}
	}
	printSummary(w, results, meanDuration(b.seq))
	for _, r := range results {
		if r.Err != nil {
			return errors.New("some runs failed; their figures are left out of the medians")
		}
	}
	return nil
}

func (b *bench) header(w io.Writer) {
	ver, _ := exec.Command("chromium", "--version").Output()
	fmt.Fprintf(w, "kioskbench %s\n", time.Now().Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(w, "machine: %d cores, load average %s (shared: compare only within this run)\n", runtime.NumCPU(), loadavg())
	fyne := ""
	if b.fyne != "" {
		fyne = ", " + b.fyne
	}
	fmt.Fprintf(w, "kiosk: %s demo%s; chromium: %s\n", b.bin, fyne, strings.TrimSpace(string(ver)))
	d := b.cfg.Display
	fmt.Fprintf(w, "slides: post %gs, wins %gs every %d posts, leaderboard %gs every %d posts, fade %s (both sides)\n",
		d.PostSeconds, d.WinsSeconds, orDefault(d.WinsEvery, 4), d.LeaderboardSeconds, orDefault(d.LeaderboardEvery, 6), b.fade)
	fmt.Fprintf(w, "rounds %d, settle %s, window %s, idle %s, screen %dx%dx24 (Xvfb, a fresh one per run)\n\n",
		b.o.rounds, b.o.settle, b.o.window, b.o.idle, screenW, screenH)
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// loadavg is the 1-minute load average, "?" when unreadable.
func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(data))[0]
}

// runOne measures side in round: the demo as it plays, then, with --idle,
// the same side again holding one slide.
func (b *bench) runOne(ctx context.Context, round int, side string) result {
	r := b.measure(ctx, round, side, false, b.o.window)
	if r.Err != nil || b.o.idle <= 0 {
		return r
	}
	idle := b.measure(ctx, round, side, true, b.o.idle)
	if idle.Err != nil {
		r.Err = fmt.Errorf("idle run: %w", idle.Err)
		return r
	}
	r.IdleCPU, r.Idle = idle.CPU, true
	return r
}

// measure runs side under a fresh X server for window after it settled;
// still holds the first slide.
func (b *bench) measure(ctx context.Context, round int, side string, still bool, window time.Duration) (r result) {
	r = result{Round: round, Side: side}
	b.log.Info("run", "round", round, "side", side, "still", still)
	x, err := startX(ctx, screenW, screenH)
	if err != nil {
		r.Err = err
		return r
	}
	defer x.Stop()
	name := fmt.Sprintf("%d-%s", round, side)
	if still {
		name += "-still"
	}
	p, err := b.start(side, x.Display, filepath.Join(b.tmp, name+".log"), still)
	if err != nil {
		r.Err = err
		return r
	}
	defer p.Stop()
	defer func() {
		if r.Err != nil {
			if t := p.tail(); t != "" {
				r.Err = fmt.Errorf("%w; its output ends:\n%s", r.Err, t)
			}
		}
	}()

	ff, img, err := firstFrame(ctx, x.Display, p.started, b.o.threshold, firstFrameLimit, p.exited)
	if err != nil {
		r.Err = err
		return r
	}
	r.FirstFrame = ff
	if err := savePNG(b.shots, name+"-first.png", img); err != nil {
		b.log.Warn("screenshot not saved", "err", err)
	}
	if r.Err = sleepCtx(ctx, b.o.settle, p.exited); r.Err != nil {
		return r
	}
	s0, err := sampleTree(b.proc, p.PID())
	if err != nil {
		r.Err = err
		return r
	}
	x0, err := sampleTree(b.proc, x.PID())
	if err != nil {
		r.Err = err
		return r
	}
	t0 := time.Now()
	if r.Err = sleepCtx(ctx, window, p.exited); r.Err != nil {
		return r
	}
	s1, err := sampleTree(b.proc, p.PID())
	if err != nil {
		r.Err = err
		return r
	}
	x1, err := sampleTree(b.proc, x.PID())
	if err != nil {
		r.Err = err
		return r
	}
	dt := time.Since(t0)
	r.CPU = cpuPercent(s0.Ticks, s1.Ticks, b.hz, dt)
	r.PSSMiB = s1.PSSMiB()
	r.Procs, r.Threads = s1.Procs(), s1.Threads
	r.XCPU = cpuPercent(x0.Ticks, x1.Ticks, b.hz, dt)
	r.XPSSMiB = x1.PSSMiB()
	r.Load, _ = strconv.ParseFloat(loadavg(), 64)
	if b.shots != "" {
		if img, err := screenshot(ctx, x.Display); err == nil {
			savePNG(b.shots, name+"-end.png", img)
		}
	}
	return r
}
