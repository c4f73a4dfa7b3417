package main

import (
	"net/http"
	_ "net/http/pprof" // registered on http.DefaultServeMux, served only when asked for below
	"os"
)

// startProfiling serves Go's profiler on LOBBYKIOSK_PPROF (e.g.
// 127.0.0.1:6060) when that is set: performance work on the real screen
// needs profiles of the real program under a real X server. The admin page
// has its own mux, so the profiler is never reachable through it.
func startProfiling(e *env) {
	addr := os.Getenv("LOBBYKIOSK_PPROF")
	if addr == "" {
		return
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			e.errorf("profiler on %s: %v", addr, err)
		}
	}()
}
