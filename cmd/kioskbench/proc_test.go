package main

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestParseStat(t *testing.T) {
	tail := " 20 0 7 0 401739 3133440 361 18446744073709551615 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
	for _, c := range []struct {
		name, line string
		want       procStat
		err        string
	}{
		{"plain", "5035 (cat) R 5033 5033 2801 0 -1 4194304 98 0 0 0 12 3 4 1" + tail,
			procStat{PID: 5035, PPID: 5033, PGID: 5033, Ticks: 20, Threads: 7}, ""},
		{"name with spaces and parentheses", "77 (Web Content (2) ) x) S 1 77 2801 0 -1 4194304 98 0 0 0 100 50 0 0" + tail,
			procStat{PID: 77, PPID: 1, PGID: 77, Ticks: 150, Threads: 7}, ""},
		{"cut short", "5035 (cat) R 5033 5033 2801", procStat{}, "fields after the command"},
		{"no name", "5035 cat R 5033", procStat{}, "no (command) field"},
		{"bad number", "5035 (cat) R 5033 5033 2801 0 -1 4194304 98 0 0 0 x 3 4 1" + tail, procStat{}, "field 14"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseStat(c.line)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one about %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestParsePSS(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       uint64
		bad        bool
	}{
		{"rollup", "56-7f ---p 00000000 00:00 0 [rollup]\nRss:   1688 kB\nPss:    304 kB\nPss_Anon:   112 kB\n", 304, false},
		{"Pss_ lines are not Pss", "Pss_Anon:   112 kB\nPss_File:  192 kB\nPss:  9 kB\n", 9, false},
		{"empty (zombie)", "", 0, false},
		{"garbled", "Pss: lots kB\n", 0, true},
	} {
		got, err := parsePSS(c.text)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("%s: got %d, %v; want %d, error %v", c.name, got, err, c.want, c.bad)
		}
	}
}

// testdata/proc is a /proc with a Chromium-like tree under 100 (a zygote
// 101 with a renderer 102, a crash handler 103 that left its parent but
// not the process group, a zombie 104, a helper 105 in a group of its own)
// and two unrelated processes, 200 and 201.
func TestSampleTree(t *testing.T) {
	proc := os.DirFS("testdata/proc")
	for _, c := range []struct {
		name    string
		root    int
		pids    []int
		ticks   uint64
		pssKiB  uint64
		threads int
	}{
		{"whole program", 100, []int{100, 101, 102, 103, 104, 105}, 655 + 15 + 340 + 2 + 10 + 4, 200000 + 40000 + 60000 + 2048 + 0 + 1024, 67},
		{"a subtree: its group is not its own", 101, []int{101, 102}, 15 + 340, 100000, 22},
		{"a lone process", 200, []int{200}, 9900, 50000, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := sampleTree(proc, c.root)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.PIDs, c.pids) {
				t.Errorf("processes %v, want %v", s.PIDs, c.pids)
			}
			if s.Ticks != c.ticks || s.PSSKiB != c.pssKiB || s.Threads != c.threads {
				t.Errorf("ticks %d, pss %d KiB, threads %d; want %d, %d, %d", s.Ticks, s.PSSKiB, s.Threads, c.ticks, c.pssKiB, c.threads)
			}
		})
	}
	if _, err := sampleTree(proc, 999); !errors.Is(err, errGone) {
		t.Errorf("a pid not in /proc: %v, want errGone", err)
	}
}

func TestSampleTreeCountsAProcessThatExitedMeanwhile(t *testing.T) {
	// A process listed but already gone when its files are read is skipped,
	// not an error.
	proc := fstest.MapFS{
		"10/stat":         {Data: []byte("10 (k) S 1 10 0 0 -1 0 0 0 0 0 50 50 0 0 20 0 3 0 1 1 1 1\n")},
		"10/smaps_rollup": {Data: []byte("Rss: 3072 kB\nPss: 2048 kB\nPrivate_Clean: 512 kB\nPrivate_Dirty: 1024 kB\n")},
		"11":              {Mode: os.ModeDir},
	}
	s, err := sampleTree(proc, 10)
	if err != nil {
		t.Fatal(err)
	}
	if s.Procs() != 1 || s.Ticks != 100 || s.PSSMiB() != 2 || s.RSSMiB() != 3 || s.USSMiB() != 1.5 {
		t.Errorf("got %d procs, %d ticks, pss %.1f MiB, rss %.1f MiB, uss %.1f MiB; want 1, 100, 2, 3, 1.5", s.Procs(), s.Ticks, s.PSSMiB(), s.RSSMiB(), s.USSMiB())
	}
}

func TestCPUPercent(t *testing.T) {
	for _, c := range []struct {
		before, after uint64
		hz            float64
		d             time.Duration
		want          float64
	}{
		{1000, 1250, 100, 10 * time.Second, 25}, // a quarter of a core
		{0, 2400, 100, 12 * time.Second, 200},   // both cores busy
		{500, 500, 100, time.Minute, 0},         // idle
		{500, 400, 100, time.Minute, 0},         // a reaped helper's time lost: not negative
		{0, 100, 100, 0, 0},                     // no window
	} {
		if got := cpuPercent(c.before, c.after, c.hz, c.d); got != c.want {
			t.Errorf("cpuPercent(%d, %d, %g, %s) = %g, want %g", c.before, c.after, c.hz, c.d, got, c.want)
		}
	}
}
