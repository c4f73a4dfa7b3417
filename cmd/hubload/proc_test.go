package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// A command name with a space and a parenthesis, as /proc shows it.
	line := "4242 (lobby kiosk (x)) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 75 0 0 20 0 12 0 100 1000 200 18446744073709551615\n"
	got, err := parseStat([]byte(line))
	if err != nil || got != 3250*time.Millisecond {
		t.Errorf("parseStat = %v, %v; want 3.25s", got, err)
	}
	if _, err := parseStat([]byte("4242 (x) S 1")); err == nil {
		t.Error("a short stat line was read")
	}
}

func TestParseStatus(t *testing.T) {
	rss, peak := parseStatus(strings.NewReader("Name:\tlobbykiosk\nVmHWM:\t  81234 kB\nVmRSS:\t   61000 kB\n"))
	if rss != 61000<<10 || peak != 81234<<10 {
		t.Errorf("rss %d peak %d", rss, peak)
	}
}

func TestPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 1000; i++ {
		d = append(d, time.Duration(1001-i)*time.Millisecond)
	}
	p50, p99, most := percentiles(d)
	if p50 != 500*time.Millisecond || p99 != 990*time.Millisecond || most != time.Second {
		t.Errorf("p50 %v p99 %v max %v", p50, p99, most)
	}
	if a, b, c := percentiles(nil); a != 0 || b != 0 || c != 0 {
		t.Error("percentiles of nothing")
	}
}
