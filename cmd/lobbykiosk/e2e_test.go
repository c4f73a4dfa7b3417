package main

// End-to-end tests: the real binary, a real X server (Xvfb), real
// screenshots. They skip when Xvfb is missing, unless LOBBYKIOSK_E2E=1 (as
// `packaging/dev.sh test` and CI set), where a missing tool is a failure.

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("LOBBYKIOSK_E2E") != "" {
				t.Fatalf("%s is missing (install it: packaging/dev.sh deps test)", tool)
			}
			t.Skipf("%s is missing; set LOBBYKIOSK_E2E=1 to make this a failure", tool)
		}
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the binary the end-to-end tests built (40 MB a run).
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// binary builds lobbykiosk once per test run (with cgo: the real GL driver).
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lobbykiosk-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "lobbykiosk")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// xvfb starts an X server of the given size and returns its DISPLAY.
func xvfb(t *testing.T, w, h int) string {
	t.Helper()
	return xvfbWith(t, w, h)
}

// xvfbWith is xvfb with more Xvfb arguments ("-auth", FILE).
func xvfbWith(t *testing.T, w, h int, extra ...string) string {
	t.Helper()
	requireTools(t, "Xvfb", "import", "xwininfo")
	// Start at a different number in each test process: several test runs
	// share this machine, and fewer of them try the same number at once.
	first := 90 + os.Getpid()%100
	for i := 0; i < 100; i++ {
		n := 90 + (first-90+i)%100
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		if _, err := os.Stat(sock); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		cmd := exec.Command("Xvfb", append([]string{fmt.Sprintf(":%d", n), "-screen", "0", fmt.Sprintf("%dx%dx24", w, h), "-nolisten", "tcp"}, extra...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		t.Cleanup(func() {
			// SIGTERM lets Xvfb remove its socket and lock file; a killed
			// one leaves them behind and takes the display number with it.
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-done
			}
		})
		// Wait for the socket: Xvfb creates it when it accepts clients. The
		// machine is shared: another test run may have taken the same
		// number a moment before, and then this Xvfb exits ("server already
		// active") while the socket that appears is the other one's. Only a
		// display whose lock file names this Xvfb is ours.
		ours, exited := false, false
		for i := 0; i < 100 && !ours && !exited; i++ {
			select {
			case <-done:
				exited = true
				continue
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := os.Stat(sock); err == nil {
				b, _ := os.ReadFile(fmt.Sprintf("/tmp/.X%d-lock", n))
				ours = strings.TrimSpace(string(b)) == strconv.Itoa(cmd.Process.Pid)
			}
		}
		switch {
		case ours:
			return fmt.Sprintf(":%d", n)
		case !exited:
			t.Fatalf("Xvfb :%d did not come up", n)
		}
		// The number was taken: try the next.
	}
	t.Fatal("no free X display number")
	return ""
}

func screenshot(t *testing.T, display string) image.Image {
	t.Helper()
	cmd := exec.Command("import", "-display", display, "-window", "root", "png:-")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("screenshot: %v: %s", err, errb.String())
	}
	img, err := png.Decode(&out)
	if err != nil {
		t.Fatalf("screenshot decode: %v", err)
	}
	return img
}

// variance of luminance over a sample grid: a blank or single-colour screen
// is near 0, a slide with text and pictures is far above.
func variance(img image.Image) float64 {
	b := img.Bounds()
	var sum, sq, n float64
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bb, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bb)) / 257
			sum += l
			sq += l * l
			n++
		}
	}
	m := sum / n
	return sq/n - m*m
}

// difference is the share of sampled pixels that changed noticeably.
func difference(a, b image.Image) float64 {
	bd := a.Bounds()
	var changed, n float64
	for y := bd.Min.Y; y < bd.Max.Y; y += 6 {
		for x := bd.Min.X; x < bd.Max.X; x += 6 {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			d := absDiff(r1, r2) + absDiff(g1, g2) + absDiff(b1, b2)
			if d > 3*20*257 {
				changed++
			}
			n++
		}
	}
	return changed / n
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func savePNG(t *testing.T, img image.Image, name string) string {
	dir := os.Getenv("LOBBYKIOSK_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, img)
	return p
}

// TestDemoUnderXvfb starts `lobbykiosk demo` fullscreen on a 1920×1080 X
// server and checks what a person in the lobby would see: a full-screen
// window, a slide that is not blank, and slides that change.
func TestDemoUnderXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := binary(t)
	display := xvfb(t, 1920, 1080)
	cmd := exec.Command(bin, "demo", "--slide-scale", "0.3") // 3 s posts: the test sees several
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=C.UTF-8", "FYNE_DISABLE_DPI_DETECTION=1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("kiosk output:\n%s", logs.String())
		}
	})

	// First content frame: poll until the screen is not blank.
	var first image.Image
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("kiosk exited early: %v", err)
		default:
		}
		img := screenshot(t, display)
		if variance(img) > 200 {
			first = img
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if first == nil {
		t.Fatal("the screen stayed blank for 60 s")
	}
	t.Logf("first frame: %s (variance %.0f)", savePNG(t, first, "demo-first.png"), variance(first))

	// The window covers the screen.
	out, err := exec.Command("xwininfo", "-display", display, "-root", "-tree").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "1920x1080+0+0") {
		t.Errorf("no 1920x1080+0+0 window on the screen:\n%s", out)
	}

	// Slides change at least twice: three frames, each different from the one before.
	frames := []image.Image{first}
	last := first
	deadline = time.Now().Add(45 * time.Second)
	for len(frames) < 3 && time.Now().Before(deadline) {
		time.Sleep(700 * time.Millisecond)
		img := screenshot(t, display)
		// A frame mid-fade is neither slide: once the screen changed, wait
		// until it holds still before taking it as the next slide.
		if variance(img) > 200 && difference(last, img) > 0.15 {
			img = settled(t, display, img)
			frames = append(frames, img)
			last = img
		}
	}
	if len(frames) < 3 {
		t.Fatalf("saw %d distinct slides in 45 s, want 3", len(frames))
	}
	for i, f := range frames {
		savePNG(t, f, fmt.Sprintf("demo-slide-%d.png", i+1))
		if v := variance(f); v < 200 {
			t.Errorf("slide %d looks blank (variance %.0f)", i+1, v)
		}
	}
}

// settled takes screenshots until two in a row agree (a transition ended).
func settled(t *testing.T, display string, img image.Image) image.Image {
	t.Helper()
	for i := 0; i < 30; i++ {
		time.Sleep(250 * time.Millisecond)
		next := screenshot(t, display)
		if difference(img, next) < 0.002 {
			return next
		}
		img = next
	}
	return img
}

// TestNoDisplayIsOneLine: started before the X server (a service at boot),
// the kiosk says what is missing in one line and exits non-zero, so systemd
// restarts it, instead of a GLFW panic.
func TestNoDisplayIsOneLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	for _, d := range []string{"", ":87"} {
		cmd := exec.Command(bin, "demo")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "DISPLAY=" + d}
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("DISPLAY=%q: exit 0", d)
		}
		msg := strings.TrimSpace(string(out))
		if strings.Count(msg, "\n") > 0 || strings.Contains(msg, "panic") || !strings.Contains(msg, "display") {
			t.Errorf("DISPLAY=%q: want one line about the display, got:\n%s", d, msg)
		}
	}
}
