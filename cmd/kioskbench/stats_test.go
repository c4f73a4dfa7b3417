package main

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"io"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{9, 1, 5}, 5},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{7, 7, 100}, 7}, // one noisy round does not move it
	} {
		in := append([]float64(nil), c.in...)
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %g, want %g", in, got, c.want)
		}
		if !slicesEqual(in, c.in) {
			t.Errorf("median reordered its input: %v", c.in)
		}
	}
	if got := median(nil); !math.IsNaN(got) {
		t.Errorf("median of nothing = %g, want NaN", got)
	}
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRatioLine(t *testing.T) {
	for _, c := range []struct {
		name     string
		kiosk    summary
		chromium summary
		want     string
	}{
		{"the README's example", summary{CPU: 4.3, PSS: 160.3, FirstFrame: 1.02}, summary{CPU: 10, PSS: 421.8, FirstFrame: 2},
			"ratio kiosk/chromium cpu=0.43 pss=0.38 first_frame=0.51 idle_cpu=n/a slide_cpu=n/a"},
		{"kiosk worse", summary{CPU: 16.7, PSS: 181, FirstFrame: 3}, summary{CPU: 4.1, PSS: 415, FirstFrame: 2},
			"ratio kiosk/chromium cpu=4.07 pss=0.44 first_frame=1.50 idle_cpu=n/a slide_cpu=n/a"},
		{"chromium idle", summary{CPU: 1, PSS: 100, FirstFrame: 1}, summary{CPU: 0, PSS: 400, FirstFrame: 2},
			"ratio kiosk/chromium cpu=n/a pss=0.25 first_frame=0.50 idle_cpu=n/a slide_cpu=n/a"},
		{"a side without good runs", summary{CPU: 1, PSS: 100, FirstFrame: 1}, summarize(sideChromium, nil, 10*time.Second),
			"ratio kiosk/chromium cpu=n/a pss=n/a first_frame=n/a idle_cpu=n/a slide_cpu=n/a"},
		{"with idle runs", summary{CPU: 4, PSS: 160, FirstFrame: 0.4, Idle: 0.5, SlideMS: 350}, summary{CPU: 8, PSS: 400, FirstFrame: 1, Idle: 2, SlideMS: 600},
			"ratio kiosk/chromium cpu=0.50 pss=0.40 first_frame=0.40 idle_cpu=0.25 slide_cpu=0.58"},
	} {
		if got := ratioLine(c.kiosk, c.chromium); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// The summary uses the medians of the good runs, and its last line is the
// ratio line a script reads.
func TestSummaryEndsWithTheRatioLine(t *testing.T) {
	rs := []result{
		{Round: 1, Side: sideKiosk, FirstFrame: 1000 * time.Millisecond, CPU: 5, PSSMiB: 180},
		{Round: 1, Side: sideChromium, FirstFrame: 2000 * time.Millisecond, CPU: 10, PSSMiB: 400},
		{Round: 2, Side: sideChromium, FirstFrame: 3000 * time.Millisecond, CPU: 12, PSSMiB: 420},
		{Round: 2, Side: sideKiosk, FirstFrame: 1200 * time.Millisecond, CPU: 6, PSSMiB: 190},
		{Round: 3, Side: sideKiosk, FirstFrame: 1100 * time.Millisecond, CPU: 50, PSSMiB: 185},
		{Round: 3, Side: sideChromium, Err: errors.New("no content on screen after 1m30s")},
	}
	out, lines := report(rs, 10*time.Second)
	last := lines[len(lines)-1]
	// kiosk medians 6 % / 185 MiB / 1.1 s; chromium (two good runs) 11 % / 410 MiB / 2.5 s.
	if want := "ratio kiosk/chromium cpu=0.55 pss=0.45 first_frame=0.44 idle_cpu=n/a slide_cpu=n/a"; last != want {
		t.Errorf("last line %q, want %q\n%s", last, want, out)
	}
	if !regexp.MustCompile(`^ratio kiosk/chromium cpu=\d+\.\d\d pss=\d+\.\d\d first_frame=\d+\.\d\d idle_cpu=n/a slide_cpu=n/a$`).MatchString(last) {
		t.Errorf("last line %q does not have the scripted form", last)
	}
	if !strings.Contains(out, "chromium   failed: no content on screen after 1m30s") {
		t.Errorf("the failed run is not in the table:\n%s", out)
	}
}

// With idle runs, the CPU splits into the screen standing still and the
// cost of each slide change: each round's run minus that round's idle run,
// times the mean slide length, then the median over the rounds.
func TestSummarySplitsIdleAndSlideCost(t *testing.T) {
	rs := []result{
		// kiosk: (5.0-1.0) % of 10 s = 400 ms; (6.0-1.5) → 450; (4.4-0.4) → 400.
		{Round: 1, Side: sideKiosk, FirstFrame: time.Second, CPU: 5.0, PSSMiB: 180, Idle: true, IdleCPU: 1.0},
		{Round: 2, Side: sideKiosk, FirstFrame: time.Second, CPU: 6.0, PSSMiB: 180, Idle: true, IdleCPU: 1.5},
		{Round: 3, Side: sideKiosk, FirstFrame: time.Second, CPU: 4.4, PSSMiB: 180, Idle: true, IdleCPU: 0.4},
		// chromium: (8-2) → 600 ms; (10-2.5) → 750; a failed round left out.
		{Round: 1, Side: sideChromium, FirstFrame: 2 * time.Second, CPU: 8, PSSMiB: 400, Idle: true, IdleCPU: 2},
		{Round: 2, Side: sideChromium, FirstFrame: 2 * time.Second, CPU: 10, PSSMiB: 400, Idle: true, IdleCPU: 2.5},
		{Round: 3, Side: sideChromium, Err: errors.New("idle run: the program exited while being measured")},
	}
	k := summarize(sideKiosk, rs, 10*time.Second)
	if math.Abs(k.Idle-1.0) > 1e-9 || math.Abs(k.SlideMS-400) > 1e-6 {
		t.Errorf("kiosk idle %.2f %% and %.1f ms per slide, want 1.00 %% and 400 ms", k.Idle, k.SlideMS)
	}
	c := summarize(sideChromium, rs, 10*time.Second)
	if math.Abs(c.Idle-2.25) > 1e-9 || math.Abs(c.SlideMS-675) > 1e-6 {
		t.Errorf("chromium idle %.2f %% and %.1f ms per slide, want 2.25 %% and 675 ms", c.Idle, c.SlideMS)
	}
	out, lines := report(rs, 10*time.Second)
	// cpu 5/9, idle 1/2.25, slide 400/675.
	if want := "ratio kiosk/chromium cpu=0.56 pss=0.45 first_frame=0.50 idle_cpu=0.44 slide_cpu=0.59"; lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q\n%s", lines[len(lines)-1], want, out)
	}
	for _, want := range []string{
		"1     lobbykiosk       1.00s      5.0      1.00      400",
		"2     chromium         2.00s     10.0      2.50      750",
		"lobbykiosk    3       1.00s      5.0      1.00      400",
		"at a mean slide of 10.0s",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// report is what the benchmark prints for rs: the table and the summary,
// whole and as lines.
func report(rs []result, meanSlide time.Duration) (string, []string) {
	var out bytes.Buffer
	printHeader(&out)
	for _, r := range rs {
		printRow(&out, r, meanSlide)
	}
	printSummary(&out, rs, meanSlide)
	return out.String(), strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
}

func TestSoakLine(t *testing.T) {
	for _, c := range []struct {
		slides     int
		first, end float64
		want       string
	}{
		{5000, 180, 182.16, "soak slides=5000 pss_first100_mib=180.0 pss_end_mib=182.2 change=+1.2%"},
		{5000, 200, 190, "soak slides=5000 pss_first100_mib=200.0 pss_end_mib=190.0 change=-5.0%"},
		{10, 0, 190, "soak slides=10 pss_first100_mib=0.0 pss_end_mib=190.0 change=n/a"},
	} {
		if got := soakLine(c.slides, c.first, c.end); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

func TestSteadyLine(t *testing.T) {
	// Warm-up to slide 1000, then a sawtooth around 300 MiB: no leak.
	var flat, leak []curvePoint
	for s := 0; s <= 5000; s += 250 {
		p := 300.0 + float64((s/250)%2)*20
		if s < 1000 {
			p = 150 + float64(s)/10
		}
		flat = append(flat, curvePoint{s, p})
		leak = append(leak, curvePoint{s, 200 + float64(s)/50})
	}
	for _, c := range []struct {
		curve []curvePoint
		want  string
	}{
		{flat, "steady state: mean pss_mib 310.0 over slides 1000–3000, 308.9 over slides 3000–5000 (-0.4%)"},
		{leak, "steady state: mean pss_mib 237.5 over slides 1000–3000, 280.0 over slides 3000–5000 (+17.9%)"},
		{flat[:2], "steady state: too few samples to compare"},
	} {
		if got := steadyLine(c.curve, 5000); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

func TestMissingTools(t *testing.T) {
	installed := map[string]bool{"import": true}
	look := func(bin string) (string, error) {
		if installed[bin] {
			return "/usr/bin/" + bin, nil
		}
		return "", errors.New("not found")
	}
	need := []tool{{"chromium", "chromium"}, {"Xvfb", "xvfb"}, {"import", "imagemagick"}}
	missing := missingTools(need, look)
	want := "kioskbench: missing chromium (Debian package chromium), Xvfb (Debian package xvfb); install with: apt-get install -y chromium xvfb"
	if got := missingMessage(missing); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	installed["chromium"], installed["Xvfb"] = true, true
	if m := missingTools(need, look); len(m) != 0 {
		t.Errorf("all installed, still missing %v", m)
	}
}

func TestMissingToolsExitTwo(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // nothing on it
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"--quick"}, &out, &errb)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	msg := errb.String()
	for _, want := range []string{"chromium (Debian package chromium)", "Xvfb (Debian package xvfb)", "apt-get install -y chromium xvfb imagemagick"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
}

func TestOptions(t *testing.T) {
	for _, c := range []struct {
		args           []string
		rounds         int
		settle, window time.Duration
		err            string
	}{
		{nil, 3, 15 * time.Second, 120 * time.Second, ""},
		{[]string{"--quick"}, 1, 5 * time.Second, 20 * time.Second, ""},
		{[]string{"--quick", "--window", "45s"}, 1, 5 * time.Second, 45 * time.Second, ""},
		{[]string{"--rounds", "5", "--settle", "1s"}, 5, time.Second, 120 * time.Second, ""},
		{[]string{"--rounds", "0"}, 0, 0, 0, "--rounds 0"},
		{[]string{"--soak-fade", "4"}, 0, 0, 0, "0 to 3 seconds"},
		{[]string{"extra"}, 0, 0, 0, `unexpected argument "extra"`},
	} {
		o, err := parseOptions(c.args, io.Discard)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		if o.rounds != c.rounds || o.settle != c.settle || o.window != c.window {
			t.Errorf("%v: rounds %d settle %s window %s; want %d %s %s", c.args, o.rounds, o.settle, o.window, c.rounds, c.settle, c.window)
		}
	}
}

func TestVarianceTellsContentFromBlank(t *testing.T) {
	r := image.Rect(0, 0, 320, 180)
	plain := image.NewRGBA(r)
	gradient := image.NewRGBA(r) // the kiosk's empty background
	text := image.NewRGBA(r)     // light strokes on dark
	for y := 0; y < 180; y++ {
		for x := 0; x < 320; x++ {
			plain.Set(x, y, color.RGBA{0x12, 0x16, 0x22, 0xff})
			g := uint8(0x12 - y*0x0a/180)
			gradient.Set(x, y, color.RGBA{g, g, g + 8, 0xff})
			c := color.RGBA{0x10, 0x10, 0x18, 0xff}
			if (x/8+y/8)%3 == 0 {
				c = color.RGBA{0xf5, 0xf7, 0xfb, 0xff}
			}
			text.Set(x, y, c)
		}
	}
	const threshold = 200
	if v := variance(plain); math.Abs(v) > 1e-6 {
		t.Errorf("plain screen: variance %g, want 0", v)
	}
	if v := variance(gradient); v > threshold {
		t.Errorf("empty gradient background: variance %g counts as content", v)
	}
	if v := variance(text); v < threshold {
		t.Errorf("text on dark: variance %g does not count as content", v)
	}
	if d := difference(plain, text); d < 0.2 {
		t.Errorf("difference between blank and text %g, want a large share", d)
	}
	if d := difference(text, text); d != 0 {
		t.Errorf("difference of a frame with itself %g", d)
	}
}
