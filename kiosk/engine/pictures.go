package engine

import (
	"context"
	"errors"
	"fmt"
	"image"
	"net/netip"
	"sync"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/images"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/fleet"
)

// Pictures that failed are remembered, with their error, so that a broken
// one costs one fetch and one log line, not one per slide or page view. It
// is tried again after pictureRetry, doubling with each failure in a row up
// to pictureRetryMax: a picture that comes back is shown again the same
// day, one that is gone for good costs four fetches a day.
const (
	pictureRetry    = 10 * time.Minute
	pictureRetryMax = 6 * time.Hour
	// maxPictureFailures bounds the memory; the oldest go first.
	maxPictureFailures = 2048
	// feedNetworksTTL is how long a feed host's looked-up networks are kept.
	feedNetworksTTL = 10 * time.Minute
)

// PictureError is a picture that could not be loaded.
type PictureError struct {
	Src   string
	Err   error
	Since time.Time // the first failure in a row
	Retry time.Time // when it is tried again
	// Remembered is set when this Get did not try again: the failure was
	// already known (and logged).
	Remembered bool
}

func (e *PictureError) Error() string { return e.Err.Error() }
func (e *PictureError) Unwrap() error { return e.Err }

type pictureFailure struct {
	err          error
	since, retry time.Time
	count        int
}

type pictureFailures struct {
	mu sync.Mutex
	m  map[string]*pictureFailure
}

// Picture is the image at src, through the picture cache, unless src failed
// recently: then the remembered *PictureError comes back at once.
func (e *Engine) Picture(ctx context.Context, src string) (image.Image, error) {
	now := time.Now()
	if f := e.PictureFailure(src); f != nil && now.Before(f.Retry) {
		f.Remembered = true
		return nil, f
	}
	img, err := e.Images.Get(ctx, src)
	pf := &e.picFailures
	pf.mu.Lock()
	defer pf.mu.Unlock()
	if err == nil {
		delete(pf.m, src)
		return img, nil
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, images.ErrUnnamed) {
		// The caller gave up, or the post left its feed: that says
		// nothing about the picture.
		return nil, err
	}
	if pf.m == nil {
		pf.m = map[string]*pictureFailure{}
	}
	f := pf.m[src]
	if f == nil {
		if len(pf.m) >= maxPictureFailures {
			pf.pruneLocked()
		}
		f = &pictureFailure{since: now}
		pf.m[src] = f
	}
	f.count++
	f.err = err
	wait := pictureRetry
	for i := 1; i < f.count && wait < pictureRetryMax; i++ {
		wait *= 2
	}
	f.retry = now.Add(min(wait, pictureRetryMax))
	return nil, &PictureError{Src: src, Err: err, Since: f.since, Retry: f.retry}
}

// PictureFailure is the remembered failure of src, or nil.
func (e *Engine) PictureFailure(src string) *PictureError {
	pf := &e.picFailures
	pf.mu.Lock()
	defer pf.mu.Unlock()
	f := pf.m[src]
	if f == nil {
		return nil
	}
	return &PictureError{Src: src, Err: f.err, Since: f.since, Retry: f.retry}
}

// pruneLocked drops the failure that is retried soonest.
func (pf *pictureFailures) pruneLocked() {
	var first string
	var at time.Time
	for k, f := range pf.m {
		if first == "" || f.retry.Before(at) {
			first, at = k, f.retry
		}
	}
	delete(pf.m, first)
}

// allPrivate are the ranges fetch.Guard calls private.
var allPrivate = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("fc00::/7"),
}

// newPictureClient is the client pictures and avatars are fetched with:
// the feeds' client's limits behind a fetch.Guard. In a fleet, the hub's
// /media/ answers to the fleet token only: the guard lets the kiosk reach
// the hub as the address of the feed that named the picture, and the token
// goes to the hub's origin and nowhere else.
func newPictureClient(version string, cfg *config.Config) *fetch.Client {
	c := fetch.NewGuarded(version, &fetch.Guard{})
	c.Timeout = cfg.Fetch.Timeout.Duration
	c.MaxBody = int64(cfg.Fetch.MaxBodyMB) << 20
	c.HTTP.Transport = fleet.HubAuth(c.HTTP.Transport, cfg.Fleet.Hub, cfg.Fleet.Token)
	return c
}

// FetchPicture fetches a picture named by a feed, allowed onto the
// networks of the feeds that name it (or every private one with [fetch]
// allow_private): what the picture cache uses, and the hub for the
// pictures it re-serves.
func (e *Engine) FetchPicture(ctx context.Context, r images.Request) (images.Response, error) {
	allow, named := e.pictureAllowance(ctx, r.URL)
	resp, err := images.ClientFetch(e.pictures)(fetch.Allow(ctx, allow), r)
	if err != nil && !named && errors.Is(err, fetch.ErrRefusedAddress) {
		// A post that named a private address left its feed between the
		// prefetch's list and this fetch: say so, not "refused".
		return resp, fmt.Errorf("%s: %w", r.URL, images.ErrUnnamed)
	}
	return resp, err
}

// pictureAllowance is what url may be fetched from besides public
// addresses: the hosts and networks of the remote feeds that name it; every
// private network for a feed from a local file or folder (the office's
// own) or with [fetch] allow_private. named is false when no post or
// leaderboard names url (any more).
func (e *Engine) pictureAllowance(ctx context.Context, url string) (a fetch.Allowance, named bool) {
	cfg := e.CurrentConfig()
	if cfg.Fetch.AllowPrivate {
		a.Networks = allPrivate
	}
	snap := e.Pipeline.Snapshot()
	by := map[string]bool{} // the sources whose posts name url
	for _, p := range snap.Posts {
		if p.Image == url || p.Author.Avatar == url {
			by[p.Source] = true
		}
	}
	board := false
	for _, s := range snap.Leaderboard {
		board = board || s.Avatar == url
	}
	for _, src := range cfg.Sources {
		if !by[src.Name] && !(board && src.Kind == string(feeds.KindLeaderboard)) {
			continue
		}
		if src.URL == "" {
			a.Networks = append(a.Networks, allPrivate...)
			continue
		}
		f := e.feedAllowance(ctx, src.URL)
		a.Networks = append(a.Networks, f.Networks...)
		a.Hosts = append(a.Hosts, f.Hosts...)
	}
	return a, len(by) > 0 || board
}

type feedNets struct {
	allow fetch.Allowance
	at    time.Time
}

// feedAllowance is fetch.FeedAllowance of a feed URL, kept for a while: a
// slide's pictures should not cost a DNS lookup each.
func (e *Engine) feedAllowance(ctx context.Context, url string) fetch.Allowance {
	e.netMu.Lock()
	if n, ok := e.netCache[url]; ok && time.Since(n.at) < feedNetworksTTL {
		e.netMu.Unlock()
		return n.allow
	}
	e.netMu.Unlock()
	a := fetch.FeedAllowance(ctx, url)
	e.netMu.Lock()
	if e.netCache == nil {
		e.netCache = map[string]feedNets{}
	}
	e.netCache[url] = feedNets{allow: a, at: time.Now()}
	e.netMu.Unlock()
	return a
}

// Describe words a picture failure for a person: the error, and when it
// is tried again.
func (p *PictureError) Describe(loc *time.Location) string {
	return fmt.Sprintf("%v (failing since %s; tried again after %s)", p.Err,
		p.Since.In(loc).Format("Mon 2 Jan 15:04 MST"), p.Retry.In(loc).Format("15:04 MST"))
}
