package main

import (
	"context"
	"os"
	"runtime/debug"
	"time"
)

// keepMemoryLow makes the screen process hand back to the system what it
// no longer uses. A kiosk runs for months next to nothing else, but on a
// 1 GiB board every resident megabyte counts: each slide decodes and scales
// its pictures and rasterizes its text, and Go's runtime by default keeps
// the freed heap mapped for reuse, so between collections the process
// holds tens of megabytes that the screen never touches again (the
// side-by-side benchmark saw the Go part swing between 43 and 73 MiB with
// one return a minute). So the collector runs with half the default
// headroom, and freed pages go back settle after a slide reached the screen
// (its fade is over and the slide before it released), at most once per
// gap, and at least once a minute. Each return is a collection: a few
// milliseconds every ten seconds at production timing.
// GOGC set in the environment wins over the headroom.
func keepMemoryLow(ctx context.Context, shown <-chan struct{}, settle, gap, every time.Duration) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	var (
		last time.Time
		due  <-chan time.Time // set while a return is scheduled
	)
	free := func() {
		debug.FreeOSMemory()
		last = time.Now()
		due = nil
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-shown:
			if due == nil && time.Since(last) >= gap {
				due = time.After(settle)
			}
		case <-due:
			free()
		case <-tick.C:
			if time.Since(last) >= every/2 {
				free()
			}
		}
	}
}

// notify signals c without blocking: one pending signal is as good as many.
func notify(c chan<- struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
