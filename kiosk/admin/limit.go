package admin

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"time"
)

// Sign-in limits, in two parts that do different jobs.
//
// Per address: one sign-in is checked at a time (the others from that
// address wait their turn), and the turn is taken before the password is
// compared, so a burst of parallel guesses gets no more comparisons than
// the same guesses one after another. FreeFailures wrong passwords cost
// nothing; each one after that locks the address out for twice as long as
// the last (1 s, 2 s, 4 s …, at most MaxLockout). A lock holds one address
// only: wrong passwords from elsewhere never lock out the manager's phone.
//
// For everyone together: bcrypt comparisons are rationed (GlobalRate a
// second, GlobalBurst at once), which slows a guesser on many addresses
// down to a handful of guesses a second without refusing anyone. An
// address without failures goes ahead of those with some, and is never
// refused for being slow; an address with failures that waits longer than
// suspectMaxWait is asked to come back.
const (
	FreeFailures = 5
	FirstLockout = time.Second
	MaxLockout   = 15 * time.Minute
	// GlobalRate and GlobalBurst ration bcrypt comparisons for all
	// addresses together. A person signs in a few times a day; a
	// comparison costs 50–300 ms of a core (bcrypt cost 10, PC to Pi), so
	// this also keeps a flood from taking the screen's CPU.
	GlobalRate  = 4.0
	GlobalBurst = 8
	// forgetAfter clears a count that has seen no failure for this long.
	// It is longer than MaxLockout, so waiting out a lock does not reset it.
	forgetAfter = time.Hour
	// maxTracked bounds the per-address table.
	maxTracked = 4096
	// turnMaxWait is how long a sign-in waits for the one before it from
	// the same address; suspectMaxWait how long an address with failures
	// waits for the global ration.
	turnMaxWait    = 30 * time.Second
	suspectMaxWait = 10 * time.Second
)

// errBusy is a sign-in that waited too long for its turn.
var errBusy = errors.New("too many sign-ins at once")

type strikes struct {
	failures int
	last     time.Time     // last failure
	until    time.Time     // locked until
	told     bool          // the lockout was logged once already
	turn     chan struct{} // held (a value in it) while a sign-in is checked
	users    int           // sign-ins holding or waiting for turn: not pruned
}

// add counts a failure and returns the lockout it starts (0 for none).
func (k *strikes) add(now time.Time) time.Duration {
	if now.Sub(k.last) > forgetAfter {
		k.failures = 0
	}
	k.failures++
	k.last = now
	if k.failures < FreeFailures {
		return 0
	}
	d := FirstLockout
	for i := FreeFailures; i < k.failures && d < MaxLockout; i++ {
		d *= 2
	}
	d = min(d, MaxLockout)
	k.until = now.Add(d)
	k.told = false
	return d
}

type limiter struct {
	mu    sync.Mutex
	byKey map[string]*strikes
	gate  *gate
	// compared, when set by a test, is told of each comparison let
	// through.
	compared func()
}

func newLimiter() *limiter {
	return &limiter{byKey: map[string]*strikes{}, gate: newGate(GlobalRate, GlobalBurst)}
}

// limitKey is what a limit is kept per: the address, or for IPv6 its /64,
// which one machine can fill with addresses of its own.
func limitKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// attempt is one sign-in that holds its address's turn: the caller
// compares the password and then calls done, exactly once.
type attempt struct {
	l *limiter
	k *strikes
}

// refusal says why a sign-in was not let through to the comparison.
type refusal struct {
	wait  time.Duration // locked out for this long still; 0 when busy
	first bool          // the first refusal of this lockout (worth a log line)
	busy  bool          // the address or the kiosk had too many sign-ins waiting
}

// begin takes ip's turn and a share of the global ration, or says why not.
// now is read after the wait: a turn may come seconds later.
func (l *limiter) begin(ctx context.Context, ip string, now func() time.Time) (*attempt, *refusal) {
	key := limitKey(ip)
	l.mu.Lock()
	k := l.byKey[key]
	if k == nil {
		if len(l.byKey) >= maxTracked {
			l.pruneLocked(now())
		}
		k = &strikes{turn: make(chan struct{}, 1)}
		l.byKey[key] = k
	}
	k.users++
	l.mu.Unlock()

	t := time.NewTimer(turnMaxWait)
	defer t.Stop()
	select {
	case k.turn <- struct{}{}:
	case <-ctx.Done():
		l.leave(k, false)
		return nil, &refusal{busy: true}
	case <-t.C:
		l.leave(k, false)
		return nil, &refusal{busy: true}
	}
	l.mu.Lock()
	if n := now(); n.Before(k.until) {
		r := &refusal{wait: k.until.Sub(n), first: !k.told}
		k.told = true
		l.mu.Unlock()
		l.leave(k, true)
		return nil, r
	}
	clean := k.failures == 0 || now().Sub(k.last) > forgetAfter
	l.mu.Unlock()
	if err := l.gate.wait(ctx, clean); err != nil {
		l.leave(k, true)
		return nil, &refusal{busy: true}
	}
	if l.compared != nil {
		l.compared()
	}
	return &attempt{l: l, k: k}, nil
}

// done records the comparison's outcome and gives the turn to the next
// sign-in from the address. For a failure it returns the address's failures
// in a row and the lockout that now applies.
func (a *attempt) done(ok bool, now time.Time) (failures int, lock time.Duration) {
	a.l.mu.Lock()
	if ok {
		a.k.failures, a.k.until = 0, time.Time{}
	} else {
		lock = a.k.add(now)
		failures = a.k.failures
	}
	a.l.mu.Unlock()
	a.l.leave(a.k, true)
	return failures, lock
}

// leave gives back k's turn (when held) and k's use.
func (l *limiter) leave(k *strikes, held bool) {
	if held {
		<-k.turn
	}
	l.mu.Lock()
	k.users--
	l.mu.Unlock()
}

func (l *limiter) pruneLocked(now time.Time) {
	for key, k := range l.byKey {
		if k.users == 0 && (now.Sub(k.last) > forgetAfter || !now.Before(k.until)) {
			delete(l.byKey, key)
		}
	}
}

// gate rations comparisons: a token bucket whose waiters are served in
// order, those without failures before any with.
type gate struct {
	mu     sync.Mutex
	rate   float64 // tokens a second
	burst  float64
	tokens float64
	last   time.Time
	queue  [2][]*waiter  // [0] clean addresses, [1] addresses with failures
	wake   chan struct{} // closed and replaced when the queue moves
	// maxWait is how long a waiter with failures may wait (tests shorten
	// it).
	maxWait time.Duration
}

// waiter is one caller in the queue; it has a size so that two are never
// the same pointer.
type waiter struct{ _ byte }

func newGate(rate float64, burst int) *gate {
	return &gate{rate: rate, burst: float64(burst), tokens: float64(burst), last: time.Now(),
		wake: make(chan struct{}), maxWait: suspectMaxWait}
}

// wait returns when the caller may compare, or an error when ctx ends or a
// caller with failures has waited more than maxWait. A clean caller waits
// as long as its request lives.
func (g *gate) wait(ctx context.Context, clean bool) error {
	class := 1
	if clean {
		class = 0
	}
	me := &waiter{}
	var deadline <-chan time.Time
	if !clean {
		t := time.NewTimer(g.maxWait)
		defer t.Stop()
		deadline = t.C
	}
	g.mu.Lock()
	g.queue[class] = append(g.queue[class], me)
	for {
		now := time.Now()
		g.tokens = min(g.burst, g.tokens+now.Sub(g.last).Seconds()*g.rate)
		g.last = now
		if g.tokens >= 1 && g.head() == me {
			g.tokens--
			g.remove(class, me)
			g.mu.Unlock()
			return nil
		}
		// Sleep until the next token, or until the queue moves.
		next := time.Duration((1 - g.tokens) / g.rate * float64(time.Second))
		next = max(next, time.Millisecond)
		wake := g.wake
		g.mu.Unlock()
		t := time.NewTimer(next)
		select {
		case <-t.C:
		case <-wake:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			g.leave(class, me)
			return ctx.Err()
		case <-deadline:
			t.Stop()
			g.leave(class, me)
			return errBusy
		}
		g.mu.Lock()
	}
}

// head is the waiter served next; g.mu is held.
func (g *gate) head() *waiter {
	for _, q := range g.queue {
		if len(q) > 0 {
			return q[0]
		}
	}
	return nil
}

func (g *gate) leave(class int, me *waiter) {
	g.mu.Lock()
	g.remove(class, me)
	g.mu.Unlock()
}

// remove takes me out of its queue and wakes the others; g.mu is held.
func (g *gate) remove(class int, me *waiter) {
	q := g.queue[class]
	for i, w := range q {
		if w == me {
			g.queue[class] = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	close(g.wake)
	g.wake = make(chan struct{})
}
