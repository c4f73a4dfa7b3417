package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// procStat is what kioskbench reads of one /proc/PID/stat line.
type procStat struct {
	PID, PPID, PGID int
	// Ticks is utime+stime+cutime+cstime: the process's own CPU plus that of
	// its children that exited and were waited for, so a helper process
	// that comes and goes during the window is not lost from the sum.
	Ticks   uint64
	Threads int
}

// parseStat reads one /proc/PID/stat line. The command name is in
// parentheses and may itself hold spaces and parentheses, so the fields are
// counted from the last ')'.
func parseStat(line string) (procStat, error) {
	open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || end < open {
		return procStat{}, fmt.Errorf("stat line %.40q: no (command) field", line)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line[:open]))
	if err != nil {
		return procStat{}, fmt.Errorf("stat line %.40q: pid: %w", line, err)
	}
	// After ')': field 3 (state) is rest[0], so field N is rest[N-3].
	rest := strings.Fields(line[end+1:])
	if len(rest) < 18 {
		return procStat{}, fmt.Errorf("stat of pid %d: %d fields after the command, want at least 18", pid, len(rest))
	}
	num := func(field int) (uint64, error) {
		v, err := strconv.ParseUint(rest[field-3], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat of pid %d: field %d: %w", pid, field, err)
		}
		return v, nil
	}
	st := procStat{PID: pid}
	var vals [21]uint64
	for _, f := range []int{4, 5, 14, 15, 16, 17, 20} {
		if vals[f], err = num(f); err != nil {
			return procStat{}, err
		}
	}
	st.PPID, st.PGID = int(vals[4]), int(vals[5])
	st.Ticks = vals[14] + vals[15] + vals[16] + vals[17]
	st.Threads = int(vals[20])
	return st, nil
}

// parsePSS returns the Pss of a /proc/PID/smaps_rollup text, in KiB. An empty
// text (a kernel thread, a zombie) is 0.
func parsePSS(text string) (uint64, error) { return rollupKiB(text, "Pss:") }

// rollupKiB returns the field (e.g. "Rss:") of a /proc/PID/smaps_rollup
// text, in KiB; 0 when it is not there.
func rollupKiB(text, field string) (uint64, error) {
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == field {
			v, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("smaps_rollup %s %q: %w", strings.TrimSuffix(field, ":"), f[1], err)
			}
			return v, nil
		}
	}
	return 0, nil
}

// treeSample is one look at a program: its root process, every descendant
// (by parent pid) and every process still in its process group (a helper
// that double-forked away from its parent, like a crash handler).
type treeSample struct {
	PIDs    []int
	Threads int
	Ticks   uint64 // summed procStat.Ticks
	PSSKiB  uint64
	// RSSKiB is the summed resident memory; pages shared between the
	// tree's processes count once per process.
	RSSKiB uint64
	// USSKiB is the summed private memory (Private_Clean+Private_Dirty):
	// what no other process shares, so unlike PSS it does not fall when
	// other programs load the same libraries.
	USSKiB uint64
}

// Procs is how many processes the program is made of.
func (t treeSample) Procs() int { return len(t.PIDs) }

// PSSMiB is the summed PSS in MiB.
func (t treeSample) PSSMiB() float64 { return float64(t.PSSKiB) / 1024 }

// RSSMiB is the summed RSS in MiB.
func (t treeSample) RSSMiB() float64 { return float64(t.RSSKiB) / 1024 }

// USSMiB is the summed private memory in MiB.
func (t treeSample) USSMiB() float64 { return float64(t.USSKiB) / 1024 }

// errGone is returned when the root process no longer exists.
var errGone = errors.New("the process is gone")

// sampleTree reads proc (a /proc tree: os.DirFS("/proc"), or a fake one in
// tests) for the process root and its tree. Processes that vanish while
// being read are skipped.
func sampleTree(proc fs.FS, root int) (treeSample, error) {
	entries, err := fs.ReadDir(proc, ".")
	if err != nil {
		return treeSample{}, fmt.Errorf("read /proc: %w", err)
	}
	stats := map[int]procStat{}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := fs.ReadFile(proc, e.Name()+"/stat")
		if err != nil {
			continue // exited meanwhile
		}
		st, err := parseStat(string(data))
		if err != nil {
			return treeSample{}, err
		}
		if st.PID != pid {
			return treeSample{}, fmt.Errorf("/proc/%d/stat names pid %d", pid, st.PID)
		}
		stats[pid] = st
		children[st.PPID] = append(children[st.PPID], pid)
	}
	r, ok := stats[root]
	if !ok {
		return treeSample{}, fmt.Errorf("pid %d: %w", root, errGone)
	}
	member := map[int]bool{root: true}
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			if !member[c] {
				member[c] = true
				queue = append(queue, c)
			}
		}
	}
	if r.PGID == root { // the program leads its own group (we started it so)
		for pid, st := range stats {
			if st.PGID == root {
				member[pid] = true
			}
		}
	}
	var t treeSample
	for pid := range member {
		st := stats[pid]
		t.PIDs = append(t.PIDs, pid)
		t.Threads += st.Threads
		t.Ticks += st.Ticks
		data, err := fs.ReadFile(proc, strconv.Itoa(pid)+"/smaps_rollup")
		if err != nil {
			continue // exited meanwhile, or a kernel without smaps_rollup
		}
		kib, err := parsePSS(string(data))
		if err != nil {
			return treeSample{}, fmt.Errorf("/proc/%d/smaps_rollup: %w", pid, err)
		}
		t.PSSKiB += kib
		for _, f := range []struct {
			name string
			to   *uint64
		}{{"Rss:", &t.RSSKiB}, {"Private_Clean:", &t.USSKiB}, {"Private_Dirty:", &t.USSKiB}} {
			v, err := rollupKiB(string(data), f.name)
			if err != nil {
				return treeSample{}, fmt.Errorf("/proc/%d/smaps_rollup: %w", pid, err)
			}
			*f.to += v
		}
	}
	sort.Ints(t.PIDs)
	return t, nil
}

// cpuPercent is the CPU used between two samples as a percentage of one
// core: 100 means one core busy all the time.
func cpuPercent(before, after uint64, hz float64, d time.Duration) float64 {
	if d <= 0 || hz <= 0 || after < before {
		return 0
	}
	return float64(after-before) / hz / d.Seconds() * 100
}
