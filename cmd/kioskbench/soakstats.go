package main

import (
	"bufio"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// feedSample is one look at the kiosk during the feed soak.
type feedSample struct {
	At      time.Duration // since the first frame
	Slides  int64         // slides shown so far (its /metrics); -1 when unread
	PSSMiB  float64       // the kiosk's process tree
	USSMiB  float64       // of it, private memory
	RSSMiB  float64
	Threads int
	XPSSMiB float64 // the X server: textures and frames live there too
	State   dirUse  // all of state_dir
	Images  dirUse  // state_dir/images
	Posts   int     // posts the feeds have published since the start
	Changed int     // 1: the screen differs from the last sample's; 0: not; -1: no screenshot
	Load    float64 // 1-minute load average
}

// dirUse is what a folder holds: its files, their bytes, and what it takes
// on the disk as du counts it (the blocks of its files and of its folders):
// what fills a card, and what the kiosk's cap counts.
type dirUse struct {
	Files       int
	Bytes, Disk int64
}

// MiB is Bytes in MiB.
func (d dirUse) MiB() float64 { return float64(d.Bytes) / (1 << 20) }

// DiskMiB is Disk in MiB.
func (d dirUse) DiskMiB() float64 { return float64(d.Disk) / (1 << 20) }

// dirUsage walks dir. Files that vanish while it walks (a picture evicted,
// a temp file renamed) are skipped; a missing dir holds nothing.
func dirUsage(dir string) dirUse {
	var u dirUse
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		fi, err := d.Info()
		if err != nil || !(fi.Mode().IsRegular() || fi.IsDir()) {
			return nil
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			u.Disk += st.Blocks * 512
		} else {
			u.Disk += fi.Size()
		}
		if !fi.IsDir() {
			u.Files++
			u.Bytes += fi.Size()
		}
		return nil
	})
	return u
}

const feedCSVHeader = "seconds,slides,pss_mib,uss_mib,rss_mib,threads,xvfb_pss_mib,state_du_mib,state_bytes_mib,images_du_mib,files,image_files,posts_published,screen_changed,load1"

func (s feedSample) csv() string {
	return fmt.Sprintf("%.0f,%d,%.1f,%.1f,%.1f,%d,%.1f,%.2f,%.2f,%.2f,%d,%d,%d,%d,%.2f",
		s.At.Seconds(), s.Slides, s.PSSMiB, s.USSMiB, s.RSSMiB, s.Threads, s.XPSSMiB, s.State.DiskMiB(), s.State.MiB(),
		s.Images.DiskMiB(), s.State.Files, s.Images.Files, s.Posts, s.Changed, s.Load)
}

// soakSummary is what the feed soak concludes.
type soakSummary struct {
	Samples  int
	Duration time.Duration
	// Mean memory over the second and the last third of the run, and the
	// change between them in per cent: the first third is the warm-up
	// (caches filling, the collector finding its size), and single samples
	// land anywhere on the collector's sawtooth. Private memory (USS) is
	// what a leak grows; PSS also falls and rises with other programs
	// mapping the same libraries, which a shared machine has plenty of.
	Mid, Last, Change memTriple
	PeakPSS           float64
	PeakPSSAt         time.Duration

	// state_dir as du counts it (Disk), against the cap.
	Cap       int64
	MaxDisk   int64
	MaxDiskAt time.Duration
	MaxBytes  int64 // the files' own sizes, at most
	// Reached: some sample came within reachShare of the cap, first at
	// ReachedAt. Over counts the samples from then on above the cap, of
	// After; LastDisk is the mean over the last third.
	Reached   bool
	ReachedAt time.Duration
	Over      int
	After     int
	LastDisk  float64

	Looks, Changed int // screenshots compared, and how many differed
	Slides         int64
}

// memTriple is one figure for each way of counting memory.
type memTriple struct{ PSS, USS, RSS float64 }

// reachShare is how close to the cap state_dir must come to count as
// having reached it: the kiosk evicts just enough for the next picture, so
// it runs a picture's size (under 1 MiB) below the cap, not at it.
const reachShare = 0.9

func summarizeSoak(ss []feedSample, capBytes int64) soakSummary {
	sum := soakSummary{Samples: len(ss), Cap: capBytes}
	if len(ss) == 0 {
		return sum
	}
	sum.Duration = ss[len(ss)-1].At
	third := sum.Duration / 3
	var mid, last [3][]float64
	var lastDisk []float64
	for _, s := range ss {
		m := [3]float64{s.PSSMiB, s.USSMiB, s.RSSMiB}
		switch {
		case s.At >= 2*third:
			for i := range m {
				last[i] = append(last[i], m[i])
			}
			lastDisk = append(lastDisk, float64(s.State.Disk))
		case s.At >= third:
			for i := range m {
				mid[i] = append(mid[i], m[i])
			}
		}
		if s.PSSMiB > sum.PeakPSS {
			sum.PeakPSS, sum.PeakPSSAt = s.PSSMiB, s.At
		}
		if s.State.Disk > sum.MaxDisk {
			sum.MaxDisk, sum.MaxDiskAt = s.State.Disk, s.At
		}
		sum.MaxBytes = max(sum.MaxBytes, s.State.Bytes)
		if !sum.Reached && capBytes > 0 && float64(s.State.Disk) >= reachShare*float64(capBytes) {
			sum.Reached, sum.ReachedAt = true, s.At
		}
		if sum.Reached {
			sum.After++
			if s.State.Disk > capBytes {
				sum.Over++
			}
		}
		if s.Changed >= 0 {
			sum.Looks++
			sum.Changed += s.Changed
		}
		sum.Slides = max(sum.Slides, s.Slides)
	}
	if len(mid[0]) > 0 && len(last[0]) > 0 {
		sum.Mid = memTriple{mean(mid[0]), mean(mid[1]), mean(mid[2])}
		sum.Last = memTriple{mean(last[0]), mean(last[1]), mean(last[2])}
		sum.Change = memTriple{percent(sum.Mid.PSS, sum.Last.PSS), percent(sum.Mid.USS, sum.Last.USS), percent(sum.Mid.RSS, sum.Last.RSS)}
	}
	if len(lastDisk) > 0 {
		sum.LastDisk = mean(lastDisk)
	}
	return sum
}

func percent(from, to float64) float64 {
	if from == 0 {
		return 0
	}
	return (to - from) / from * 100
}

// flatWithin is the change of private memory between the middle and last
// thirds under which memory counts as flat: run-to-run noise at one sample
// per 10 s is a few per cent (see "Memory over 5,000 slides").
const flatWithin = 5.0

// Lines are the summary as printed, the verdict line last.
func (s soakSummary) Lines() []string {
	mib := func(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
	var out []string
	if s.Mid.PSS == 0 {
		out = append(out, "memory: too few samples to compare thirds")
	} else {
		out = append(out, "memory: mean over the 2nd third → over the last third:")
		for _, m := range []struct {
			what            string
			from, to, delta float64
		}{{"private (uss)", s.Mid.USS, s.Last.USS, s.Change.USS}, {"pss", s.Mid.PSS, s.Last.PSS, s.Change.PSS}, {"rss", s.Mid.RSS, s.Last.RSS, s.Change.RSS}} {
			out = append(out, fmt.Sprintf("  %-13s %6.1f → %6.1f MiB (%+.1f%%)", m.what, m.from, m.to, m.delta))
		}
		out = append(out, fmt.Sprintf("memory: peak pss %.1f MiB at %s", s.PeakPSS, minSec(s.PeakPSSAt)))
	}
	out = append(out, fmt.Sprintf("disk: state_dir at most %s on disk (du) at %s, its files' sizes at most %s; cap %s",
		mib(s.MaxDisk), minSec(s.MaxDiskAt), mib(s.MaxBytes), mib(s.Cap)))
	if s.Reached {
		out = append(out, fmt.Sprintf("disk: reached %.0f%% of the cap at %s; above the cap in %d of the %d samples since; mean over the last third %s",
			reachShare*100, minSec(s.ReachedAt), s.Over, s.After, mib(int64(s.LastDisk))))
	} else {
		out = append(out, fmt.Sprintf("disk: never reached %.0f%% of the cap", reachShare*100))
	}
	out = append(out, fmt.Sprintf("screen: %d of %d samples differed from the one before; %d slides shown", s.Changed, s.Looks, s.Slides))
	out = append(out, s.Verdict())
	return out
}

// Verdict is the soak's last line, read by scripts.
func (s soakSummary) Verdict() string {
	flat := s.Mid.USS > 0 && s.Change.USS < flatWithin && s.Change.USS > -flatWithin
	capped := s.Reached && s.Over == 0
	return fmt.Sprintf("soak-feeds minutes=%.0f memory_flat=%t uss_change=%+.1f%% pss_change=%+.1f%% peak_pss_mib=%.1f disk_capped=%t max_state_du_mib=%.1f cap_mib=%.0f",
		s.Duration.Minutes(), flat, s.Change.USS, s.Change.PSS, s.PeakPSS, capped, float64(s.MaxDisk)/(1<<20), float64(s.Cap)/(1<<20))
}

func minSec(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// markdownTable is every step-th sample (the first at or after each
// multiple of step, and the last) as a README table.
func markdownTable(ss []feedSample, step time.Duration) string {
	var pick []feedSample
	next := time.Duration(0)
	for i, s := range ss {
		if s.At >= next || i == len(ss)-1 {
			pick = append(pick, s)
			for next <= s.At {
				next += step
			}
		}
	}
	var b strings.Builder
	row := func(cells ...string) { b.WriteString("| " + strings.Join(cells, " | ") + " |\n") }
	row("minute", "slides", "posts published", "private MiB", "PSS MiB", "RSS MiB", "state_dir MiB (du)", "of it images/", "files", "load")
	row("---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:")
	for _, s := range pick {
		slides := "?"
		if s.Slides >= 0 {
			slides = strconv.FormatInt(s.Slides, 10)
		}
		row(minSec(s.At), slides, strconv.Itoa(s.Posts), fmt.Sprintf("%.0f", s.USSMiB), fmt.Sprintf("%.0f", s.PSSMiB), fmt.Sprintf("%.0f", s.RSSMiB),
			fmt.Sprintf("%.1f", s.State.DiskMiB()), fmt.Sprintf("%.1f", s.Images.DiskMiB()), strconv.Itoa(s.State.Files), fmt.Sprintf("%.1f", s.Load))
	}
	return b.String()
}

// logCounts are the kiosk's warnings and errors by message.
type logCounts struct {
	Warn, Error map[string]int
	Lines       int
}

// countLog reads a kiosk log (slog's text format: level=WARN msg="…")
// and counts its warnings and errors by message. Fyne's own complaints
// ("Fyne error: …") count as errors.
func countLog(text string) logCounts {
	c := logCounts{Warn: map[string]int{}, Error: map[string]int{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		c.Lines++
		if i := strings.Index(line, "Fyne error: "); i >= 0 {
			c.Error[strings.TrimSpace(line[i:])]++
			continue
		}
		level := field(line, "level")
		if level != "WARN" && level != "ERROR" {
			continue
		}
		msg := field(line, "msg")
		if level == "WARN" {
			c.Warn[msg]++
		} else {
			c.Error[msg]++
		}
	}
	return c
}

// field is the value of key=value in a slog text line, unquoted.
func field(line, key string) string {
	i := strings.Index(" "+line, " "+key+"=")
	if i < 0 {
		return ""
	}
	rest := line[i+len(key)+1:]
	if strings.HasPrefix(rest, `"`) {
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			if v, err := strconv.Unquote(q); err == nil {
				return v
			}
		}
	}
	v, _, _ := strings.Cut(rest, " ")
	return v
}

// Report is the counts, most frequent first.
func (c logCounts) Report() []string {
	total := func(m map[string]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}
	out := []string{fmt.Sprintf("kiosk log: %d lines, %d warnings, %d errors", c.Lines, total(c.Warn), total(c.Error))}
	for _, part := range []struct {
		what string
		m    map[string]int
	}{{"error", c.Error}, {"warning", c.Warn}} {
		type kv struct {
			msg string
			n   int
		}
		var all []kv
		for k, v := range part.m {
			all = append(all, kv{k, v})
		}
		sort.Slice(all, func(i, j int) bool {
			if all[i].n != all[j].n {
				return all[i].n > all[j].n
			}
			return all[i].msg < all[j].msg
		})
		for _, e := range all {
			out = append(out, fmt.Sprintf("  %5d %s: %s", e.n, part.what, e.msg))
		}
	}
	return out
}

// metricSum is the sum of every sample of the metric name in a Prometheus
// text exposition (all its label sets), and whether there was any.
func metricSum(text, name string) (float64, bool) {
	var sum float64
	found := false
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, name) {
			continue
		}
		rest := line[len(name):]
		if !strings.HasPrefix(rest, "{") && !strings.HasPrefix(rest, " ") {
			continue // another metric whose name starts the same
		}
		if j := strings.LastIndexByte(rest, '}'); j >= 0 {
			rest = rest[j+1:]
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			continue
		}
		sum += v
		found = true
	}
	return sum, found
}

// peakRSS is VmHWM of a process, in MiB: its resident memory at its
// highest, which samples every few seconds can miss.
func peakRSS(proc fs.FS, pid int) float64 {
	data, err := fs.ReadFile(proc, strconv.Itoa(pid)+"/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}
