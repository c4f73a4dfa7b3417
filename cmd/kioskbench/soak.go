package main

import (
	"context"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"lobbykiosk/assets"
)

// soak runs the kiosk at accelerated timing until about n slides have
// passed and prints its memory curve. Slides are counted by time: the
// playlist's mean slide length times the scale. That is an upper bound:
// building each slide takes a little time on top, which at 0.1 s slides is
// not negligible, so fewer slides may really have been built.
func (b *bench) soak(ctx context.Context, w io.Writer, n int) error {
	scale := b.o.soakScale
	per := time.Duration(float64(meanDuration(b.seq)) * scale)
	if per <= 0 {
		return fmt.Errorf("the demo's playlist has no slides")
	}
	args, what, err := b.soakArgs(scale)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "kioskbench soak %s\n", time.Now().Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(w, "kiosk: %s %v (%s)\n", b.bin, args, what)
	fmt.Fprintf(w, "slides counted by time: mean slide %s × %g = %s; %d slides ≈ %s\n",
		meanDuration(b.seq), scale, per, n, (time.Duration(n) * per).Round(time.Second))
	fmt.Fprintf(w, "load average at start %s\n", loadavg())

	x, err := startX(ctx, screenW, screenH)
	if err != nil {
		return err
	}
	defer x.Stop()
	p, err := startProgram(b.bin, args, b.env(x.Display), filepath.Join(b.tmp, "soak.log"))
	if err != nil {
		return err
	}
	defer p.Stop()
	ff, _, err := firstFrame(ctx, x.Display, p.started, b.o.threshold, firstFrameLimit, p.exited)
	if err != nil {
		return fmt.Errorf("soak: %w; its output ends:\n%s", err, p.tail())
	}
	t0 := time.Now()
	fmt.Fprintf(w, "first frame after %.2fs\n\nslides,seconds,pss_mib,threads\n", ff.Seconds())

	start, err := sampleTree(b.proc, p.PID())
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "0,0.0,%.1f,%d\n", start.PSSMiB(), start.Threads)
	at100 := t0.Add(100 * per)
	end := t0.Add(time.Duration(n) * per)
	var first100, last treeSample
	var curve []curvePoint
	have100 := n < 100
	next := t0.Add(b.o.soakEvery)
	for {
		// Sample on the interval, and exactly at slide 100 and at the end.
		when := next
		if !have100 && at100.Before(when) {
			when = at100
		}
		if end.Before(when) {
			when = end
		}
		if err := sleepCtx(ctx, time.Until(when), p.exited); err != nil {
			return fmt.Errorf("soak: %w; its output ends:\n%s", err, p.tail())
		}
		s, err := sampleTree(b.proc, p.PID())
		if err != nil {
			return err
		}
		el := time.Since(t0)
		slides := int(el / per)
		if slides > n {
			slides = n
		}
		fmt.Fprintf(w, "%d,%.1f,%.1f,%d\n", slides, el.Seconds(), s.PSSMiB(), s.Threads)
		if !have100 && !time.Now().Before(at100) {
			first100, have100 = s, true
		}
		last = s
		curve = append(curve, curvePoint{slides, s.PSSMiB()})
		if !time.Now().Before(end) {
			break
		}
		if !next.After(when) {
			next = next.Add(b.o.soakEvery)
		}
	}
	if n < 100 {
		first100 = start
	}
	el := time.Since(t0)
	fmt.Fprintf(w, "\ncpu over the soak: %.1f%% of one core\n", cpuPercent(start.Ticks, last.Ticks, b.hz, el))
	changed, looks := screenCheck(ctx, x.Display)
	fmt.Fprintf(w, "screen check: %d of %d consecutive screenshots differed (%s)\n", changed, looks, soakVerdict(changed, looks))
	fmt.Fprintln(w, steadyLine(curve, n))
	fmt.Fprintln(w, soakLine(n, first100.PSSMiB(), last.PSSMiB()))
	return nil
}

// soakArgs is the kiosk's command line for the soak. With --soak-fade < 0
// it is the demo as it is; otherwise the demo's own config with the fade
// set, because a 0.6 s fade cannot finish inside a 0.1 s slide: each Show
// stops the running fade before its midpoint, where the new slide would be
// swapped in, so most accelerated slides are never drawn.
func (b *bench) soakArgs(scale float64) (args []string, what string, err error) {
	s := strconv.FormatFloat(scale, 'g', -1, 64)
	if b.o.soakFade < 0 {
		return []string{"demo", "--slide-scale", s}, fmt.Sprintf("the demo as it is: fade %s", b.fade), nil
	}
	cfg, err := assets.ExtractDemo(filepath.Join(b.tmp, "soak-demo"))
	if err != nil {
		return nil, "", err
	}
	display := "\n[display]\ntransition = \"none\"\n"
	what = "the demo's config with no transition"
	if b.o.soakFade > 0 {
		display = fmt.Sprintf("\n[display]\ntransition = \"fade\"\ntransition_seconds = %g\n", b.o.soakFade)
		what = fmt.Sprintf("the demo's config with a %gs fade", b.o.soakFade)
	}
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, "", err
	}
	if _, err := f.WriteString(display); err != nil {
		f.Close()
		return nil, "", err
	}
	if err := f.Close(); err != nil {
		return nil, "", err
	}
	return []string{"run", "--config", cfg, "--slide-scale", s}, what, nil
}

// screenCheck takes a dozen screenshots in a row and counts how many differ
// from the one before: whether the accelerated slides really reach the
// screen.
func screenCheck(ctx context.Context, display string) (changed, looks int) {
	var prev image.Image
	for i := 0; i < 12; i++ {
		img, err := screenshot(ctx, display)
		if err != nil {
			break
		}
		if prev != nil {
			looks++
			if difference(prev, img) > 0.05 {
				changed++
			}
		}
		prev = img
	}
	return changed, looks
}

func soakVerdict(changed, looks int) string {
	switch {
	case looks == 0:
		return "no screenshots"
	case changed*2 >= looks:
		return "slides do reach the screen"
	case changed > 0:
		return "only some slides reach the screen"
	}
	return "the screen is not changing: slides are built but not drawn"
}

// curvePoint is one sample of the soak's memory curve.
type curvePoint struct {
	slides int
	pss    float64
}

// steadyLine compares the mean PSS of the two halves of the run after its
// first fifth: slide 100 is often still warming up (caches filling, the
// garbage collector not yet at its working size), and a single end sample
// lands anywhere on the collector's sawtooth. A leak shows as a second half
// above the first.
func steadyLine(curve []curvePoint, n int) string {
	from, mid := n/5, n/5+(n-n/5)/2
	var a, b []float64
	for _, p := range curve {
		switch {
		case p.slides < from:
		case p.slides < mid:
			a = append(a, p.pss)
		default:
			b = append(b, p.pss)
		}
	}
	if len(a) == 0 || len(b) == 0 {
		return "steady state: too few samples to compare"
	}
	ma, mb := mean(a), mean(b)
	return fmt.Sprintf("steady state: mean pss_mib %.1f over slides %d–%d, %.1f over slides %d–%d (%+.1f%%)", ma, from, mid, mb, mid, n, (mb-ma)/ma*100)
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
