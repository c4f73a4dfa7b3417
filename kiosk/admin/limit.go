package admin

import (
	"sync"
	"time"
)

// Sign-in limits. One address gets FreeFailures wrong passwords; each one
// after that locks it out for twice as long as the last (1 s, 2 s, 4 s …,
// at most MaxLockout). All addresses together get GlobalFreeFailures, so
// guessing from many machines at once is slowed down the same way.
const (
	FreeFailures       = 5
	GlobalFreeFailures = 4 * FreeFailures
	FirstLockout       = time.Second
	MaxLockout         = 15 * time.Minute
	// forgetAfter clears a count that has seen no failure for this long.
	// It is longer than MaxLockout, so waiting out a lock does not reset it.
	forgetAfter = time.Hour
	// maxTracked bounds the per-address table.
	maxTracked = 4096
)

type strikes struct {
	failures int
	last     time.Time // last failure
	until    time.Time // locked until
	told     bool      // the lockout was logged once already
}

// add counts a failure and returns the lockout it starts (0 for none).
func (k *strikes) add(now time.Time, free int) time.Duration {
	if now.Sub(k.last) > forgetAfter {
		k.failures = 0
	}
	k.failures++
	k.last = now
	if k.failures < free {
		return 0
	}
	d := FirstLockout
	for i := free; i < k.failures && d < MaxLockout; i++ {
		d *= 2
	}
	d = min(d, MaxLockout)
	k.until = now.Add(d)
	k.told = false
	return d
}

type limiter struct {
	mu     sync.Mutex
	byIP   map[string]*strikes
	global strikes
}

func newLimiter() *limiter { return &limiter{byIP: map[string]*strikes{}} }

// locked returns how long ip must still wait (0: it may try), and whether
// this is the first refusal of this lockout (worth a log line; the rest are
// not, so a script hammering the page does not flood the journal).
func (l *limiter) locked(ip string, now time.Time) (wait time.Duration, first bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range []*strikes{l.byIP[ip], &l.global} {
		if k == nil || !now.Before(k.until) {
			continue
		}
		if w := k.until.Sub(now); w > wait {
			wait = w
		}
		if !k.told {
			k.told, first = true, true
		}
	}
	return wait, first
}

// fail counts a wrong password from ip and returns ip's failures in a row
// and the lockout that now applies.
func (l *limiter) fail(ip string, now time.Time) (int, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := l.byIP[ip]
	if k == nil {
		if len(l.byIP) >= maxTracked {
			l.pruneLocked(now)
		}
		k = &strikes{}
		l.byIP[ip] = k
	}
	lock := max(k.add(now, FreeFailures), l.global.add(now, GlobalFreeFailures))
	return k.failures, lock
}

// succeed clears ip's count. The global count is left to expire: one right
// password says nothing about guesses from elsewhere.
func (l *limiter) succeed(ip string) {
	l.mu.Lock()
	delete(l.byIP, ip)
	l.mu.Unlock()
}

func (l *limiter) pruneLocked(now time.Time) {
	for ip, k := range l.byIP {
		if now.Sub(k.last) > forgetAfter || !now.Before(k.until) {
			delete(l.byIP, ip)
		}
	}
}
