package main

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// curve makes a soak of n samples 10 s apart: mem(i) gives each sample's
// private memory (MiB; PSS is 30 more, RSS 60 more) and disk(i) what
// state_dir takes on disk (its files' sizes are a little less).
func curve(n int, mem func(i int) float64, disk func(i int) int64) []feedSample {
	var out []feedSample
	for i := range n {
		changed := 1
		if i == 0 {
			changed = -1 // nothing to compare the first screenshot with
		}
		d := disk(i)
		out = append(out, feedSample{At: time.Duration(i) * 10 * time.Second, Slides: int64(5 * i),
			USSMiB: mem(i), PSSMiB: mem(i) + 30, RSSMiB: mem(i) + 60,
			State: dirUse{Files: i, Bytes: max(0, d-int64(i)*1000), Disk: d}, Changed: changed})
	}
	return out
}

func TestSummarizeSoak(t *testing.T) {
	const mib = 1 << 20
	cap := int64(32 * mib)
	// The garbage collector's sawtooth around a level: ±15 MiB.
	saw := func(i int) float64 { return 190 + 15*math.Sin(float64(i)) }
	// state_dir grows 5 MiB a minute to just under the cap, then stays a
	// picture's size below it.
	capped := func(i int) int64 { return min(int64(i)*5*mib/6, cap-int64(i%3)*300_000) }

	t.Run("flat and capped", func(t *testing.T) {
		s := summarizeSoak(curve(121, saw, capped), cap)
		if s.Duration != 20*time.Minute || math.Abs(s.Change.USS) > 2 || math.Abs(s.Change.RSS) > 2 {
			t.Errorf("duration %s, change %+v; want 20m, about 0", s.Duration, s.Change)
		}
		// 90 % of 32 MiB is 28.8 MiB: sample 35 (29.2 MiB) at 5:50.
		if !s.Reached || s.ReachedAt != 350*time.Second || s.Over != 0 || s.After != 121-35 {
			t.Errorf("reached %t at %s, %d over of %d after", s.Reached, s.ReachedAt, s.Over, s.After)
		}
		if s.MaxDisk != cap || s.MaxBytes >= cap || s.PeakPSS < 234 || s.PeakPSS > 235 {
			t.Errorf("max disk %d, bytes %d, peak pss %.1f", s.MaxDisk, s.MaxBytes, s.PeakPSS)
		}
		if s.Looks != 120 || s.Changed != 120 || s.Slides != 600 {
			t.Errorf("screen %d of %d, slides %d", s.Changed, s.Looks, s.Slides)
		}
		if v := s.Verdict(); !strings.Contains(v, "memory_flat=true") || !strings.Contains(v, "disk_capped=true") {
			t.Errorf("verdict %q", v)
		}
	})
	t.Run("a leak", func(t *testing.T) {
		// 0.2 MiB a sample: the thirds' means are 40 samples apart, +8 MiB
		// on ~202 MiB of private memory.
		s := summarizeSoak(curve(121, func(i int) float64 { return saw(i) + 0.2*float64(i) }, capped), cap)
		if s.Change.USS < 3 || s.Change.USS > 5 || s.Change.RSS >= s.Change.USS {
			t.Errorf("change %+v, want about +4%% private and less of the larger RSS", s.Change)
		}
		s = summarizeSoak(curve(121, func(i int) float64 { return 170 + float64(i) }, capped), cap)
		if !strings.Contains(s.Verdict(), "memory_flat=false") {
			t.Errorf("1 MiB a sample called flat: %q", s.Verdict())
		}
	})
	t.Run("over the cap in blocks only", func(t *testing.T) {
		// The files' sizes stay under the cap; their blocks do not.
		s := summarizeSoak(curve(121, saw, func(i int) int64 { return min(int64(i)*mib/2, cap+400_000) }), cap)
		// Sample 58 is 29 MiB; from 65 on (32.5 MiB) each is over.
		if !s.Reached || s.ReachedAt != 580*time.Second || s.Over != 121-65 || s.After != 121-58 {
			t.Errorf("reached %t at %s, %d over of %d", s.Reached, s.ReachedAt, s.Over, s.After)
		}
		if !strings.Contains(s.Verdict(), "disk_capped=false") {
			t.Errorf("verdict %q", s.Verdict())
		}
	})
	t.Run("never reaches the cap", func(t *testing.T) {
		s := summarizeSoak(curve(121, saw, func(i int) int64 { return 10 * mib }), cap)
		if s.Reached || !strings.Contains(s.Verdict(), "disk_capped=false") || !strings.Contains(strings.Join(s.Lines(), "\n"), "never reached 90% of the cap") {
			t.Errorf("%+v: %q", s, s.Lines())
		}
	})
	t.Run("too short to compare", func(t *testing.T) {
		s := summarizeSoak(curve(2, saw, capped), cap)
		if s.Mid.USS != 0 || !strings.Contains(s.Lines()[0], "too few samples") || strings.Contains(s.Verdict(), "memory_flat=true") {
			t.Errorf("%q", s.Lines())
		}
		if s := summarizeSoak(nil, cap); s.Samples != 0 {
			t.Errorf("no samples: %+v", s)
		}
	})
}

func TestMarkdownTable(t *testing.T) {
	ss := curve(121, func(i int) float64 { return float64(200 + i) }, func(i int) int64 { return int64(i) << 20 })
	ss[12].At += 3 * time.Second // samples drift on a busy machine
	got := markdownTable(ss, 2*time.Minute)
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 2+11 {
		t.Fatalf("%d lines, want a header and 11 rows:\n%s", len(lines), got)
	}
	for i, want := range map[int]string{2: "| 0:00 | 0 |", 3: "| 2:03 | 60 |", 4: "| 4:00 | 120 |", 12: "| 20:00 | 600 |"} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d %q, want it to start %q", i, lines[i], want)
		}
	}
	if !strings.Contains(lines[12], "| 320 | 350 | 380 | 120.0 |") {
		t.Errorf("last row %q: private 320, PSS 350, RSS 380, state_dir 120.0", lines[12])
	}
	ss[5].Slides = -1
	if got := markdownTable(ss[:6], time.Minute); !strings.Contains(got, "| 0:50 | ? |") {
		t.Errorf("an unread slide count:\n%s", got)
	}
}

func TestCountLog(t *testing.T) {
	log := `2026/12/06 03:09:30 Fyne error:  Unable to connect to session D-Bus
2026/12/06 03:09:30   Cause: exec: "dbus-launch": executable file not found in $PATH
time=2026-12-06T03:09:31.000Z level=INFO msg="kiosk started" name="Soak lobby" sources=6
time=2026-12-06T03:09:44.640Z level=WARN msg="picture not fetched ahead; the slide will try again when it shows" err="image http://127.0.0.1:1/media/3/5.jpg: truncated JPEG"
time=2026-12-06T03:09:48.714Z level=WARN msg="picture not shown" err="image …: unsupported format"
time=2026-12-06T03:09:49.714Z level=WARN msg="picture not shown" err="image …: 404 Not Found"
time=2026-12-06T03:09:50.000Z level=ERROR msg="admin page stopped" err="listen tcp: address in use"
time=2026-12-06T03:09:51.000Z level=WARN msg=bare err=x
time=2026-12-06T03:09:52.000Z level=WARN msg="a \"quoted\" word"
`
	c := countLog(log)
	if c.Lines != 9 {
		t.Errorf("%d lines, want 9", c.Lines)
	}
	want := map[string]int{"picture not fetched ahead; the slide will try again when it shows": 1, "picture not shown": 2, "bare": 1, `a "quoted" word`: 1}
	if len(c.Warn) != len(want) {
		t.Errorf("warnings %v", c.Warn)
	}
	for msg, n := range want {
		if c.Warn[msg] != n {
			t.Errorf("warning %q counted %d, want %d", msg, c.Warn[msg], n)
		}
	}
	if c.Error["admin page stopped"] != 1 || c.Error["Fyne error:  Unable to connect to session D-Bus"] != 1 || len(c.Error) != 2 {
		t.Errorf("errors %v", c.Error)
	}
	rep := c.Report()
	if rep[0] != "kiosk log: 9 lines, 5 warnings, 2 errors" || !strings.Contains(rep[3], "2 warning: picture not shown") {
		t.Errorf("report %q", rep)
	}
}

func TestMetricSum(t *testing.T) {
	text := `# HELP lobbykiosk_slides_shown_total Slides shown since start, by kind.
# TYPE lobbykiosk_slides_shown_total counter
lobbykiosk_slides_shown_total{kind="leaderboard"} 7
lobbykiosk_slides_shown_total{kind="post"} 412
lobbykiosk_slides_shown_total{kind="welcome"} 1
lobbykiosk_slides_shown_total{kind="wins"} 10
lobbykiosk_slides_shown_total_extra 1000
lobbykiosk_image_cache_bytes 8.3886e+06
`
	if n, ok := metricSum(text, "lobbykiosk_slides_shown_total"); !ok || n != 430 {
		t.Errorf("slides %v %t, want 430", n, ok)
	}
	if n, ok := metricSum(text, "lobbykiosk_image_cache_bytes"); !ok || n != 8388600 {
		t.Errorf("image cache %v %t", n, ok)
	}
	if _, ok := metricSum(text, "lobbykiosk_up"); ok {
		t.Error("a metric that is not there was found")
	}
}

func TestDirUsage(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, size := range map[string]int{"source-a.json": 1000, "images/a.jpg": 250_000, "images/b.jpg": 5000} {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	u := dirUsage(dir)
	if u.Files != 3 || u.Bytes != 256_000 {
		t.Errorf("%+v, want 3 files, 256000 bytes", u)
	}
	// What du says, folders included.
	if out, err := exec.Command("du", "-s", "-B1", dir).Output(); err == nil {
		if du, _ := strconv.ParseInt(strings.Fields(string(out))[0], 10, 64); du != u.Disk {
			t.Errorf("on disk %d, du says %d", u.Disk, du)
		}
	}
	if img := dirUsage(filepath.Join(dir, "images")); img.Files != 2 || img.Bytes != 255_000 {
		t.Errorf("images %+v", img)
	}
	if none := dirUsage(filepath.Join(dir, "gone")); none != (dirUse{}) {
		t.Errorf("a missing folder: %+v", none)
	}
}

func TestPeakRSS(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "42"), 0o755); err != nil {
		t.Fatal(err)
	}
	status := "Name:\tlobbykiosk\nVmPeak:\t 2000000 kB\nVmHWM:\t  288768 kB\nVmRSS:\t  250000 kB\n"
	if err := os.WriteFile(filepath.Join(dir, "42", "status"), []byte(status), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := peakRSS(os.DirFS(dir), 42); got != 282 {
		t.Errorf("VmHWM %.1f MiB, want 282", got)
	}
	if got := peakRSS(os.DirFS(dir), 43); got != 0 {
		t.Errorf("a gone process: %.1f", got)
	}
}
