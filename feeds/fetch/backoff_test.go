package fetch

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestNextTry(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	mid := func() float64 { return 0.5 } // no spread: the base delay
	status := func(code int, retry time.Duration) error {
		return &Error{URL: "http://x/feed", Status: code, RetryAfter: retry}
	}
	timeout := &Error{URL: "http://x/feed", Temporary: true, Err: errors.New("deadline")}
	tests := []struct {
		name     string
		failures int
		err      error
		refresh  time.Duration
		jitter   func() float64
		want     time.Duration
	}{
		{"success", 0, nil, 10 * time.Minute, mid, 10 * time.Minute},
		{"success with no refresh set", 0, nil, 0, mid, MinRetryAfter},

		{"429 retry-after", 1, status(429, 2*time.Minute), 10 * time.Minute, mid, 2 * time.Minute},
		{"503 retry-after beyond refresh", 3, status(503, time.Hour), 10 * time.Minute, mid, time.Hour},
		{"503 retry-after below the floor", 1, status(503, time.Second), 10 * time.Minute, mid, 10 * time.Second},
		{"429 retry-after above the ceiling", 1, status(429, 72*time.Hour), 10 * time.Minute, mid, 24 * time.Hour},
		{"retry-after ignores jitter", 1, status(429, 2*time.Minute), 10 * time.Minute, func() float64 { return 0 }, 2 * time.Minute},
		{"429 without retry-after backs off", 2, status(429, 0), 10 * time.Minute, mid, time.Minute},
		{"503 without retry-after backs off", 1, status(503, 0), 10 * time.Minute, mid, 30 * time.Second},

		{"500 first", 1, status(500, 0), 10 * time.Minute, mid, 30 * time.Second},
		{"500 second", 2, status(500, 0), 10 * time.Minute, mid, time.Minute},
		{"500 third", 3, status(500, 0), 10 * time.Minute, mid, 2 * time.Minute},
		{"500 capped at refresh", 6, status(500, 0), 10 * time.Minute, mid, 10 * time.Minute},
		{"refresh shorter than the first backoff", 1, status(502, 0), 20 * time.Second, mid, 20 * time.Second},
		{"timeout", 2, timeout, 10 * time.Minute, mid, time.Minute},
		{"too large", 1, &Error{Err: ErrTooLarge}, 10 * time.Minute, mid, 30 * time.Second},
		{"wrapped by the caller", 3, fmt.Errorf("source team-blog: %w", status(500, 0)), 10 * time.Minute, mid, 2 * time.Minute},
		{"not a fetch error (parse)", 2, errors.New("line 3: not RSS"), 10 * time.Minute, mid, time.Minute},
		{"failures 0 counts as the first", 0, status(500, 0), 10 * time.Minute, mid, 30 * time.Second},
		{"many failures do not overflow", 1 << 30, status(500, 0), 10 * time.Minute, mid, 10 * time.Minute},
		{"408 is transient", 1, status(408, 0), 10 * time.Minute, mid, 30 * time.Second},

		{"jitter low end", 1, status(500, 0), 10 * time.Minute, func() float64 { return 0 }, 24 * time.Second},
		{"jitter high end", 2, status(500, 0), 10 * time.Minute, func() float64 { return 0.75 }, 66 * time.Second},
		{"jitter out of range means none", 1, status(500, 0), 10 * time.Minute, func() float64 { return 7 }, 30 * time.Second},
		{"jitter never exceeds refresh", 5, status(500, 0), 8 * time.Minute, func() float64 { return 0.99 }, 8 * time.Minute},

		{"401", 1, status(401, 0), 10 * time.Minute, mid, 10 * time.Minute},
		{"403 fourth in a row is capped", 4, status(403, 0), 10 * time.Minute, mid, 40 * time.Minute},
		{"404 on a one-minute source", 1, status(404, 0), time.Minute, mid, time.Minute},
		{"404 second in a row", 2, status(404, 0), time.Minute, mid, 2 * time.Minute},
		{"404 third in a row", 3, status(404, 0), time.Minute, mid, 4 * time.Minute},
		{"404 many in a row never past 4x refresh", 1 << 30, status(404, 0), time.Minute, mid, 4 * time.Minute},
		{"410", 1, status(410, 0), 10 * time.Minute, mid, 10 * time.Minute},
		{"404 ignores jitter", 2, status(404, 0), 10 * time.Minute, func() float64 { return 0.99 }, 20 * time.Minute},
		{"404 with a refresh over an hour", 1, status(404, 0), 3 * time.Hour, mid, 3 * time.Hour},
		{"404 with no refresh set", 3, status(404, 0), 0, mid, 4 * MinRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextTry(now, tt.failures, tt.err, tt.refresh, tt.jitter)
			if d := got.Sub(now); d != tt.want {
				t.Errorf("NextTry waits %s, want %s", d, tt.want)
			}
		})
	}
}

func TestNextTryJitterBounds(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	err := &Error{URL: "http://x/feed", Status: 500}
	for failures := 1; failures <= 4; failures++ {
		base := FirstBackoff << (failures - 1)
		lo, hi := base*8/10, base*12/10
		for _, j := range []float64{0, 0.1, 0.25, 0.5, 0.9, 0.999999} {
			d := NextTry(now, failures, err, 24*time.Hour, func() float64 { return j }).Sub(now)
			if d < lo || d >= hi {
				t.Errorf("failures %d, jitter %v: waits %s, want within [%s, %s)", failures, j, d, lo, hi)
			}
		}
		// The production source of jitter, too.
		for range 100 {
			d := NextTry(now, failures, err, 24*time.Hour, nil).Sub(now)
			if d < lo || d >= hi {
				t.Fatalf("failures %d, random jitter: waits %s, want within [%s, %s)", failures, d, lo, hi)
			}
		}
	}
}
