package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func heapReleased() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestMemoryGoesBackAfterASlide: the pictures and text a slide was built
// from are garbage once it is on screen; shortly after the screen reports
// a slide, their pages are handed back to the system (not kept mapped
// until the collector next happens to run), and a burst of slides within
// the gap costs one return, not one each.
func TestMemoryGoesBackAfterASlide(t *testing.T) {
	old := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(old) })
	shown := make(chan struct{}, 1)
	go keepMemoryLow(t.Context(), shown, 20*time.Millisecond, time.Hour, time.Hour)

	const size = 64 << 20
	build := func() {
		buf := make([]byte, size)
		for i := range buf {
			buf[i] = byte(i) // touch every page
		}
		runtime.KeepAlive(buf)
	}
	returned := func(from uint64) bool {
		for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			if heapReleased() >= from+size*3/4 {
				return true
			}
		}
		return false
	}

	build()
	before := heapReleased()
	notify(shown)
	if !returned(before) {
		t.Fatalf("64 MiB of a finished slide were not handed back after it was shown (released %d → %d bytes)", before, heapReleased())
	}

	// The next slide within the gap: no second return yet.
	build()
	before = heapReleased()
	notify(shown)
	time.Sleep(300 * time.Millisecond)
	if heapReleased() >= before+size*3/4 {
		t.Error("a second slide within the gap made a second return: each costs a full collection")
	}
}
