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
// its pictures, and Go's runtime by default keeps the freed heap mapped for
// reuse, so a picture-heavy hour would hold tens of megabytes that the
// screen never touches again. A collection with half the default headroom
// and, once a minute, returning freed pages costs milliseconds a minute.
// GOGC set in the environment wins over the headroom.
func keepMemoryLow(ctx context.Context, every time.Duration) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			debug.FreeOSMemory()
		}
	}
}
