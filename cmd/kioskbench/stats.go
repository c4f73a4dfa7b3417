package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// result is what one run of one side measured.
type result struct {
	Round      int
	Side       string
	FirstFrame time.Duration // process start → first frame with content
	CPU        float64       // % of one core over the window, whole process tree
	PSSMiB     float64       // summed PSS of the tree at the end of the window
	Procs      int
	Threads    int
	XCPU       float64 // the X server's CPU over the same window (drawing costs it too)
	XPSSMiB    float64
	Load       float64 // 1-minute load average at the end: how busy the shared machine was
	// IdleCPU is the same program's CPU over --idle with one slide held on
	// screen (nothing changes but the clock), measured right after the run
	// above in the same round; Idle says it was measured.
	IdleCPU float64
	Idle    bool
	Err     error
}

// slideMS is the CPU one slide change costs beyond the idle screen, in
// milliseconds of one core: the run's CPU above idle, times the mean slide
// length. NaN without an idle measurement.
func (r result) slideMS(meanSlide time.Duration) float64 {
	if !r.Idle {
		return math.NaN()
	}
	return (r.CPU - r.IdleCPU) / 100 * meanSlide.Seconds() * 1000
}

// median of xs; the mean of the middle two for an even count; NaN when empty.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// summary is the median of every figure over one side's good runs.
type summary struct {
	Side                          string
	Runs                          int
	FirstFrame, CPU, PSS, XCPU, X float64 // seconds, %, MiB, %, MiB
	// Idle is the CPU (%) with one slide held; SlideMS the CPU a slide
	// change costs beyond that (ms of one core), the median of each
	// round's own difference. NaN without idle measurements.
	Idle, SlideMS float64
}

func summarize(side string, rs []result, meanSlide time.Duration) summary {
	var ff, cpu, pss, xcpu, xpss, idle, slideMS []float64
	for _, r := range rs {
		if r.Side != side || r.Err != nil {
			continue
		}
		ff = append(ff, r.FirstFrame.Seconds())
		cpu = append(cpu, r.CPU)
		pss = append(pss, r.PSSMiB)
		xcpu = append(xcpu, r.XCPU)
		xpss = append(xpss, r.XPSSMiB)
		if r.Idle {
			idle = append(idle, r.IdleCPU)
			slideMS = append(slideMS, r.slideMS(meanSlide))
		}
	}
	return summary{Side: side, Runs: len(ff), FirstFrame: median(ff), CPU: median(cpu), PSS: median(pss), XCPU: median(xcpu), X: median(xpss),
		Idle: median(idle), SlideMS: median(slideMS)}
}

// ratio is a/b with two decimals, or "n/a" when it cannot be computed.
func ratio(a, b float64) string {
	q := a / b
	if b == 0 || math.IsNaN(q) || math.IsInf(q, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", q)
}

// ratioLine is the benchmark's last line, read by scripts:
// "ratio kiosk/chromium cpu=0.43 pss=0.38 first_frame=0.51 idle_cpu=0.20
// slide_cpu=0.61": the whole CPU, then its two parts, the screen standing
// still and the cost of a slide change.
func ratioLine(kiosk, chromium summary) string {
	return fmt.Sprintf("ratio kiosk/chromium cpu=%s pss=%s first_frame=%s idle_cpu=%s slide_cpu=%s",
		ratio(kiosk.CPU, chromium.CPU), ratio(kiosk.PSS, chromium.PSS), ratio(kiosk.FirstFrame, chromium.FirstFrame),
		ratio(kiosk.Idle, chromium.Idle), ratio(kiosk.SlideMS, chromium.SlideMS))
}

const rowFormat = "%-5s %-10s %11s %8s %9s %8s %8s %5s %7s %9s %9s %5s\n"

func printHeader(w io.Writer) {
	fmt.Fprintf(w, rowFormat, "round", "side", "first_frame", "cpu_%", "idle_cpu%", "slide_ms", "pss_mib", "procs", "threads", "xvfb_cpu%", "xvfb_mib", "load")
}

func printRow(w io.Writer, r result, meanSlide time.Duration) {
	if r.Err != nil {
		fmt.Fprintf(w, "%-5d %-10s failed: %s\n", r.Round, r.Side, strings.SplitN(r.Err.Error(), "\n", 2)[0])
		return
	}
	idle, slideMS := "-", "-"
	if r.Idle {
		idle, slideMS = fmt.Sprintf("%.2f", r.IdleCPU), fmt.Sprintf("%.0f", r.slideMS(meanSlide))
	}
	fmt.Fprintf(w, rowFormat, fmt.Sprint(r.Round), r.Side, fmt.Sprintf("%.2fs", r.FirstFrame.Seconds()),
		fmt.Sprintf("%.1f", r.CPU), idle, slideMS, fmt.Sprintf("%.1f", r.PSSMiB), fmt.Sprint(r.Procs), fmt.Sprint(r.Threads),
		fmt.Sprintf("%.1f", r.XCPU), fmt.Sprintf("%.1f", r.XPSSMiB), fmt.Sprintf("%.2f", r.Load))
}

// printSummary writes the medians per side and the ratios, the ratio line
// last. meanSlide is the mean slide length over the sequence both sides
// play; it turns CPU above idle into a cost per slide.
func printSummary(w io.Writer, rs []result, meanSlide time.Duration) {
	k, c := summarize(sideKiosk, rs, meanSlide), summarize(sideChromium, rs, meanSlide)
	fmt.Fprintln(w, "\nmedians")
	const f = "%-10s %4s %11s %8s %9s %8s %8s %9s %9s\n"
	fmt.Fprintf(w, f, "side", "runs", "first_frame", "cpu_%", "idle_cpu%", "slide_ms", "pss_mib", "xvfb_cpu%", "xvfb_mib")
	for _, s := range []summary{k, c} {
		fmt.Fprintf(w, f, s.Side, fmt.Sprint(s.Runs), fmt.Sprintf("%.2fs", s.FirstFrame), fmt.Sprintf("%.1f", s.CPU),
			fmt.Sprintf("%.2f", s.Idle), fmt.Sprintf("%.0f", s.SlideMS),
			fmt.Sprintf("%.1f", s.PSS), fmt.Sprintf("%.1f", s.XCPU), fmt.Sprintf("%.1f", s.X))
	}
	if !math.IsNaN(k.Idle) || !math.IsNaN(c.Idle) {
		// The two parts of the CPU figure: cpu_% ≈ idle_cpu% +
		// slide_ms / mean slide.
		fmt.Fprintf(w, "idle_cpu%%: one slide held on screen; slide_ms: CPU per slide change above that, at a mean slide of %.1fs\n",
			meanSlide.Seconds())
	}
	// With the X server's share added: under Xvfb a program that draws
	// with the CPU makes the server copy its frames, which its own tree
	// does not show.
	fmt.Fprintf(w, "ratio kiosk/chromium including xvfb: cpu=%s pss=%s\n",
		ratio(k.CPU+k.XCPU, c.CPU+c.XCPU), ratio(k.PSS+k.X, c.PSS+c.X))
	fmt.Fprintln(w, ratioLine(k, c))
}

// soakLine is the soak's last line.
func soakLine(slides int, first, end float64) string {
	change := "n/a"
	if first > 0 {
		change = fmt.Sprintf("%+.1f%%", (end-first)/first*100)
	}
	return fmt.Sprintf("soak slides=%d pss_first100_mib=%.1f pss_end_mib=%.1f change=%s", slides, first, end, change)
}
