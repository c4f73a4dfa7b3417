package fetch

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"time"
)

const (
	// MinRetryAfter and MaxRetryAfter bound a server's Retry-After: under ten
	// seconds is a busy loop, over a day is a server that forgot us.
	MinRetryAfter = 10 * time.Second
	MaxRetryAfter = 24 * time.Hour
	// FirstBackoff is the wait after the first transient failure; it doubles
	// with each further one, up to the source's refresh interval.
	FirstBackoff = 30 * time.Second
	// ClientErrorCap bounds the wait after client errors (401, 403, 404,
	// 410…) in refresh intervals: a wrong URL or a revoked token does not
	// fix itself in seconds, so each one in a row doubles the wait from one
	// refresh, but the person who just fixed the feed must not wait an hour
	// to see it work (a 404 on a one-minute source waited 55 minutes).
	ClientErrorCap = 4
	// jitterSpread is ±20 %: kiosks that lost the same server together must
	// not come back in lockstep.
	jitterSpread = 0.2
)

// NextTry is the whole backoff policy: when a source should be fetched next.
// failures counts consecutive failures including this one (0 after a
// success); jitter returns a value in [0,1) (rand.Float64 in production; nil
// means that).
//
//   - success: now + refresh
//   - 429 or 503 with Retry-After: now + Retry-After, clamped to [10s, 24h]
//   - other 4xx (401, 403, 404, 410…; not 408/425/429): on the source's own
//     schedule, slowing down: refresh, 2× refresh, then 4× refresh at most
//   - everything else (5xx, timeouts, resets, DNS, too large, a missing
//     file, a parse error the caller passes in): 30s, 60s, 120s… ±20 %,
//     never more than refresh
func NextTry(now time.Time, failures int, err error, refresh time.Duration, jitter func() float64) time.Time {
	if refresh <= 0 {
		// A broken config must not turn into a busy loop.
		refresh = MinRetryAfter
	}
	if err == nil {
		return now.Add(refresh)
	}
	var fe *Error
	if errors.As(err, &fe) {
		switch s := fe.Status; {
		case (s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable) && fe.RetryAfter > 0:
			return now.Add(clampRetryAfter(fe.RetryAfter))
		case s >= 400 && s <= 499 && !temporaryStatus(s):
			return now.Add(clientErrorWait(failures, refresh))
		}
	}
	return now.Add(min(backoff(failures, jitter), refresh))
}

// clientErrorWait is refresh doubled per client error in a row after the
// first, at most ClientErrorCap refreshes. No jitter: the source's own
// refresh has none, and a 404 is no crowd coming back at once.
func clientErrorWait(failures int, refresh time.Duration) time.Duration {
	d := refresh
	for i := 1; i < failures && d < ClientErrorCap*refresh; i++ {
		d *= 2
	}
	return min(d, ClientErrorCap*refresh)
}

// backoff is FirstBackoff doubled per failure after the first, spread by
// ±jitterSpread.
func backoff(failures int, jitter func() float64) time.Duration {
	// 2^20 × 30s is about a year: far beyond any refresh, and no overflow.
	n := min(max(failures, 1)-1, 20)
	d := FirstBackoff << n
	if jitter == nil {
		jitter = rand.Float64
	}
	j := jitter()
	if j < 0 || j >= 1 {
		j = 0.5 // a broken jitter source means no spread, not a wild wait
	}
	f := 1 - jitterSpread + 2*jitterSpread*j
	return time.Duration(float64(d) * f)
}
