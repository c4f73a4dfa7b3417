package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"image"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// soakWindow is how many posts each feed holds at a time.
const soakWindow = 8

// screenChange is the share of sampled pixels that must differ for two
// screenshots to show different slides. Two posts without a picture differ
// only where their words are, a few per cent of the screen; the clock's
// minute changes well under 1 %.
const screenChange = 0.01

// soakFeeds runs the real kiosk for d against the changing feeds of a
// feedWorld served on 127.0.0.1, with a small state_dir cap, and prints a
// sample every soakEvery (memory of its process tree, state_dir on disk,
// slides shown, whether the screen changed), then the summary: whether
// memory stays flat and the disk stops at its cap.
func (b *bench) soakFeeds(ctx context.Context, w io.Writer, d time.Duration) error {
	world := newFeedWorld(time.Now(), b.o.soakChurn, soakWindow, time.Now)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("feed server: %w", err)
	}
	world.base = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: world, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	stateDir := filepath.Join(b.tmp, "state")
	admin, err := freeAddr()
	if err != nil {
		return err
	}
	token, err := writeAdminPassword(stateDir)
	if err != nil {
		return err
	}
	cfgText := soakConfig(world.base, stateDir, b.o.soakCapMB, admin, token, b.o.soakFade)
	cfgPath := filepath.Join(b.tmp, "kiosk.toml")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o600); err != nil {
		return err
	}
	scale := strconv.FormatFloat(b.o.soakScale, 'g', -1, 64)
	args := []string{"run", "--config", cfgPath, "--slide-scale", scale}

	fmt.Fprintf(w, "kioskbench soak-feeds %s\n", time.Now().Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(w, "machine: %d cores, load average %s at the start (shared with other work)\n", runtime.NumCPU(), loadavg())
	fmt.Fprintf(w, "kiosk: %s %s\n", b.bin, strings.Join(args, " "))
	fmt.Fprintf(w, "feeds at %s: %d posts feeds (%d posts each; a new post every %s in each, with a new photo 1600×1000 to 4032×3024 "+
		"in six of seven, one photo in twelve broken), wins and leaderboard changing every %s, avatars renewed every %s; "+
		"refresh 10s posts, 20s tables; state_dir_max_mb = %d; slides ×%s; a sample every %s for %s\n\n",
		world.base, len(soakSources), soakWindow, b.o.soakChurn, 2*b.o.soakChurn, avatarEvery*b.o.soakChurn,
		b.o.soakCapMB, scale, b.o.soakEvery, d)

	x, err := startX(ctx, screenW, screenH)
	if err != nil {
		return err
	}
	defer x.Stop()
	logPath := filepath.Join(b.tmp, "kiosk.log")
	// A home of its own, as the service user has: Fyne keeps its
	// preferences there, and on a shared machine other kiosks (tests)
	// writing the same file make it log load errors that are not its own.
	home := filepath.Join(b.tmp, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	env := append(b.env(x.Display), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
	p, err := startProgram(b.bin, args, env, logPath)
	if err != nil {
		return err
	}
	defer p.Stop()
	ff, first, err := firstFrame(ctx, x.Display, p.started, b.o.threshold, firstFrameLimit, p.exited)
	if err != nil {
		return fmt.Errorf("soak: %w; its output ends:\n%s", err, p.tail())
	}
	t0 := time.Now()
	fmt.Fprintf(w, "first frame after %.2fs\n\n%s\n", ff.Seconds(), feedCSVHeader)
	savePNG(b.shots, "soak-feeds-first.png", first)

	metrics := &http.Client{Timeout: 5 * time.Second}
	start, err := sampleTree(b.proc, p.PID())
	if err != nil {
		return err
	}
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	var (
		samples []feedSample
		prev    image.Image
		last    treeSample
		loads   []float64
	)
	end := t0.Add(d)
	for i := 0; ; i++ {
		now := time.Now()
		s := feedSample{At: now.Sub(t0), Slides: -1, Changed: -1}
		tree, err := sampleTree(b.proc, p.PID())
		if err != nil {
			return fmt.Errorf("soak: %w; its output ends:\n%s", err, p.tail())
		}
		last = tree
		s.PSSMiB, s.USSMiB, s.RSSMiB, s.Threads = tree.PSSMiB(), tree.USSMiB(), tree.RSSMiB(), tree.Threads
		if xs, err := sampleTree(b.proc, x.PID()); err == nil {
			s.XPSSMiB = xs.PSSMiB()
		}
		s.State = dirUsage(stateDir)
		s.Images = dirUsage(filepath.Join(stateDir, "images"))
		for i := range soakSources {
			s.Posts += world.head(i, now) - (soakWindow - 1)
		}
		if n, ok := scrapeSlides(ctx, metrics, "http://"+admin+"/metrics", token); ok {
			s.Slides = n
		}
		if img, err := screenshot(ctx, x.Display); err == nil {
			if prev != nil {
				s.Changed = 0
				if difference(prev, img) > screenChange {
					s.Changed = 1
				} else {
					// Kept to look at: a frozen screen, or two slides
					// alike?
					savePNG(b.shots, fmt.Sprintf("soak-feeds-same-%04.0f-a.png", s.At.Seconds()), prev)
					savePNG(b.shots, fmt.Sprintf("soak-feeds-same-%04.0f-b.png", s.At.Seconds()), img)
				}
			}
			prev = img
		}
		s.Load, _ = strconv.ParseFloat(loadavg(), 64)
		loads = append(loads, s.Load)
		samples = append(samples, s)
		fmt.Fprintln(w, s.csv())
		if !time.Now().Before(end) {
			break
		}
		next := t0.Add(time.Duration(i+1) * b.o.soakEvery)
		if next.After(end) {
			next = end
		}
		if err := sleepCtx(ctx, time.Until(next), p.exited); err != nil {
			return fmt.Errorf("soak: %w; its output ends:\n%s", err, p.tail())
		}
	}
	el := time.Since(t0)
	var after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	hwm := peakRSS(b.proc, p.PID())
	savePNG(b.shots, "soak-feeds-last.png", prev)

	fmt.Fprintf(w, "\nevery %s:\n\n%s\n", b.o.soakTable, markdownTable(samples, b.o.soakTable))
	sum := summarizeSoak(samples, int64(b.o.soakCapMB)<<20)
	fmt.Fprintf(w, "cpu over the soak: kiosk %.1f%% of one core; kioskbench (serving, making photos, screenshots) %.1f%%\n",
		cpuPercent(start.Ticks, last.Ticks, b.hz, el), rusageSeconds(before, after)/el.Seconds()*100)
	fmt.Fprintf(w, "load average: %s (min, mean, max of the samples; %d cores, shared)\n", loadRange(loads), runtime.NumCPU())
	fmt.Fprintf(w, "kiosk peak resident memory (VmHWM): %.1f MiB\n", hwm)
	made, madeBytes, spent := world.photos.Made()
	fmt.Fprintf(w, "feed server: %s; %d photos made (%.1f MiB, %.1fs)\n", serverLine(world.Stats()), made, float64(madeBytes)/(1<<20), spent.Seconds())
	if data, err := os.ReadFile(logPath); err == nil {
		for _, l := range countLog(string(data)).Report() {
			fmt.Fprintln(w, l)
		}
	}
	for _, l := range sum.Lines() {
		fmt.Fprintln(w, l)
	}
	return nil
}

// soakConfig is the kiosk's config for the feed soak: every source on the
// world's server at the shortest refresh the kiosk allows, a small cap on
// state_dir, /metrics open to the token. fade < 0 keeps the kiosk's
// default transition.
func soakConfig(base, stateDir string, capMB int, admin, token string, fade float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by kioskbench --soak-feeds.\nname = \"Soak lobby\"\ntimezone = \"UTC\"\nlanguage = \"en\"\n")
	fmt.Fprintf(&b, "state_dir = %q\nstate_dir_max_mb = %d\n", stateDir, capMB)
	for _, s := range soakSources {
		fmt.Fprintf(&b, "\n[[source]]\nname = %q\nkind = \"posts\"\nurl = %q\nrefresh = \"10s\"\napproval = \"auto\"\n", s.name, base+s.path)
	}
	fmt.Fprintf(&b, "\n[[source]]\nname = \"wins\"\nkind = \"wins\"\nurl = %q\nrefresh = \"20s\"\n", base+winsPath)
	fmt.Fprintf(&b, "\n[[source]]\nname = \"advocates\"\nkind = \"leaderboard\"\nurl = %q\nrefresh = \"20s\"\n", base+boardPath)
	switch {
	case fade == 0:
		b.WriteString("\n[display]\ntransition = \"none\"\n")
	case fade > 0:
		fmt.Fprintf(&b, "\n[display]\ntransition = \"fade\"\ntransition_seconds = %g\n", fade)
	}
	fmt.Fprintf(&b, "\n[admin]\nlisten = %q\nmetrics_token = %q\n", admin, token)
	return b.String()
}

// writeAdminPassword writes a bcrypt hash of a random password where the
// kiosk looks for it (the admin page, which serves /metrics, runs only with
// one) and returns a random metrics token.
func writeAdminPassword(stateDir string) (string, error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return "", err
	}
	pw := make([]byte, 16)
	tok := make([]byte, 16)
	rand.Read(pw)
	rand.Read(tok)
	hash, err := bcrypt.GenerateFromPassword([]byte(hex.EncodeToString(pw)), bcrypt.DefaultCost)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(stateDir, "admin-password"), append(hash, '\n'), 0o600); err != nil {
		return "", err
	}
	return hex.EncodeToString(tok), nil
}

// freeAddr is a loopback address with a port free just now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// scrapeSlides reads the slides shown so far from the kiosk's /metrics.
func scrapeSlides(ctx context.Context, c *http.Client, url, token string) (int64, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		return 0, false
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil || res.StatusCode != http.StatusOK {
		return 0, false
	}
	n, ok := metricSum(string(body), "lobbykiosk_slides_shown_total")
	return int64(n), ok
}

func rusageSeconds(a, b syscall.Rusage) float64 {
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(b.Utime) - tv(a.Utime) + tv(b.Stime) - tv(a.Stime)
}

func loadRange(ls []float64) string {
	if len(ls) == 0 {
		return "?"
	}
	lo, hi := ls[0], ls[0]
	for _, l := range ls {
		lo, hi = min(lo, l), max(hi, l)
	}
	return fmt.Sprintf("%.2f, %.2f, %.2f", lo, mean(ls), hi)
}

// serverLine is the feed server's answers, by class.
func serverLine(st map[string]classStats) string {
	var parts []string
	for _, class := range []string{"feed", "table", "picture", "avatar", "other"} {
		c, ok := st[class]
		if !ok {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d×200 %d×304 %d×404 (%.1f MiB)", class, c.OK, c.NotModified, c.Missing, float64(c.Bytes)/(1<<20)))
	}
	if len(parts) == 0 {
		return "no requests"
	}
	return strings.Join(parts, ", ")
}
