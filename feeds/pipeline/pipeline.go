// Package pipeline runs the sources: each on its own schedule it fetches,
// parses and normalizes, keeps the last good result on disk, and merges what
// every source holds into one Snapshot. A failing source keeps its last good
// content and records why; it never empties the others.
package pipeline

import (
	"context"

	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/parse"
	"lobbykiosk/feeds/store"
)

// Options are the pipeline's collaborators; zero values get sensible defaults
// except Store and Client, which are required.
type Options struct {
	Store  *store.Store
	Client *fetch.Client
	Logger *slog.Logger
	Now    func() time.Time
	Jitter func() float64
	// MaxDrop is the largest share (0 to 1) of a source's items that may
	// vanish in one fetch before the answer is held as suspicious; 0 or 1
	// holds only an answer with nothing in it.
	MaxDrop float64
	// HoldFor is how long a suspicious answer is held, the last good
	// content shown meanwhile; after it, the answer is taken as it is.
	// Default 72h.
	HoldFor time.Duration
}

// Pipeline holds every source's state and content.
type Pipeline struct {
	opts    Options
	mu      sync.Mutex
	sources []*source
	stats   map[string]*Stats // by source name; kept across SetSources
	changed chan struct{}
	wake    chan struct{}
}

type source struct {
	spec  feeds.SourceSpec
	state feeds.SourceState
	cache entry
}

// entry is what is kept on disk per source: the last good content, the
// validators that let the next fetch be a cheap 304, and when each post was
// first seen (so undated posts keep a stable time across restarts).
type entry struct {
	Origin     string               `json:"origin"` // url or path; a change invalidates the entry
	Validators fetch.Validators     `json:"validators"`
	FetchedAt  time.Time            `json:"fetched_at"`
	Result     feeds.Result         `json:"result"`
	FirstSeen  map[string]time.Time `json:"first_seen,omitempty"`
	// Held is set while the source answers with nothing, or far less, than
	// the Result kept: kept on disk so a restart does not restart the grace.
	Held *held `json:"held,omitempty"`
}

// held is a suspicious answer being held back.
type held struct {
	Since time.Time `json:"since"` // the first such answer
	Items int       `json:"items"` // how many items the last one had
}

// New makes a pipeline for specs. Call LoadCache before anything else to
// show the last good content at once.
func New(specs []feeds.SourceSpec, o Options) *Pipeline {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.HoldFor <= 0 {
		o.HoldFor = 72 * time.Hour
	}
	p := &Pipeline{opts: o, stats: map[string]*Stats{}, changed: make(chan struct{}, 1), wake: make(chan struct{}, 1)}
	p.sources = p.build(specs, nil)
	return p
}

func (p *Pipeline) build(specs []feeds.SourceSpec, old []*source) []*source {
	prev := map[string]*source{}
	for _, s := range old {
		prev[s.spec.Name] = s
	}
	out := make([]*source, 0, len(specs))
	for _, spec := range specs {
		if spec.Refresh <= 0 {
			spec.Refresh = feeds.DefaultRefresh(spec.Kind)
		}
		if s, ok := prev[spec.Name]; ok && s.spec == spec {
			out = append(out, s)
			continue
		}
		out = append(out, &source{spec: spec, state: feeds.SourceState{Name: spec.Name, Kind: spec.Kind, Remote: spec.URL != ""}})
	}
	return out
}

// SetSources replaces the configured sources (a config change from
// headquarters). Unchanged sources keep their content and schedule; new ones
// load their cache and are fetched at once.
func (p *Pipeline) SetSources(specs []feeds.SourceSpec) {
	p.mu.Lock()
	p.sources = p.build(specs, p.sources)
	fresh := []*source{}
	for _, s := range p.sources {
		if s.state.LastAttempt.IsZero() && s.cache.Origin == "" {
			fresh = append(fresh, s)
		}
	}
	p.mu.Unlock()
	for _, s := range fresh {
		p.loadOne(s)
	}
	p.notify()
	p.poke()
}

func cacheKey(name string) string { return "source-" + name + ".json" }

func origin(spec feeds.SourceSpec) string {
	if spec.URL != "" {
		return spec.URL
	}
	return spec.Path
}

// LoadCache reads every source's last good content from disk. A corrupt
// cache file is moved aside by the store and reported on the source; it
// never stops the kiosk.
func (p *Pipeline) LoadCache() {
	p.mu.Lock()
	srcs := append([]*source(nil), p.sources...)
	p.mu.Unlock()
	for _, s := range srcs {
		p.loadOne(s)
	}
	p.notify()
}

func (p *Pipeline) loadOne(s *source) {
	var e entry
	found, err := p.opts.Store.Load(cacheKey(s.spec.Name), &e)
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case err != nil:
		s.state.Error = fmt.Sprintf("source %s: cached content unreadable, starting empty: %v", s.spec.Name, err)
		p.opts.Logger.Warn("cache unreadable", "source", s.spec.Name, "err", err)
	case !found:
	case e.Origin != origin(s.spec):
		// The source now points elsewhere: old content is not its content.
	default:
		s.cache = e
		s.state.FetchedAt = e.FetchedAt
		s.state.Items = e.Result.Items()
		s.state.Warnings = e.Result.Warnings
		s.state.Reading = e.Result.Reading
		s.state.FromCache = true
		s.state.OK = true
		if e.Held != nil {
			s.state.OK = false
			s.state.Degraded = p.heldReason(s)
		}
	}
}

// Changes is signalled (without blocking) whenever content may have changed.
func (p *Pipeline) Changes() <-chan struct{} { return p.changed }

func (p *Pipeline) notify() {
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

func (p *Pipeline) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// RefreshAll fetches every source once, concurrently, and waits.
func (p *Pipeline) RefreshAll(ctx context.Context) {
	p.mu.Lock()
	srcs := append([]*source(nil), p.sources...)
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.refresh(ctx, s)
		}()
	}
	wg.Wait()
}

// Run fetches each source when it is due, until ctx ends. Sources are fetched
// at once on start (content from the cache is already showing).
func (p *Pipeline) Run(ctx context.Context) {
	running := map[*source]bool{}
	done := make(chan *source)
	for {
		now := p.opts.Now()
		next := now.Add(time.Hour)
		p.mu.Lock()
		srcs := append([]*source(nil), p.sources...)
		p.mu.Unlock()
		for _, s := range srcs {
			if running[s] {
				continue
			}
			p.mu.Lock()
			due := s.state.NextTry
			p.mu.Unlock()
			if !due.After(now) {
				running[s] = true
				go func() {
					p.refresh(ctx, s)
					select {
					case done <- s:
					case <-ctx.Done():
					}
				}()
				continue
			}
			if due.Before(next) {
				next = due
			}
		}
		t := time.NewTimer(next.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case s := <-done:
			delete(running, s)
		case <-p.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// refresh fetches one source once and records the outcome.
func (p *Pipeline) refresh(ctx context.Context, s *source) {
	p.mu.Lock()
	spec, val := s.spec, s.cache.Validators
	if s.cache.Origin != origin(spec) {
		val = fetch.Validators{}
	}
	p.mu.Unlock()

	now := p.opts.Now()
	res, newVal, notModified, err := p.fetchParse(ctx, spec, val)

	p.mu.Lock()
	defer p.mu.Unlock()
	p.count(spec.Name, err, notModified)
	st := &s.state
	st.LastAttempt = now
	st.Unreachable = err != nil && spec.URL != "" && fetch.Unreachable(err)
	if err != nil {
		st.Failures++
		st.OK = false
		st.Error = fmt.Sprintf("source %s: %v", spec.Name, err)
		st.NextTry = fetch.NextTry(now, st.Failures, err, spec.Refresh, p.opts.Jitter)
		p.opts.Logger.Warn("source failed", "source", spec.Name, "failures", st.Failures, "next_try", st.NextTry.Format(time.RFC3339), "err", err)
		return
	}
	st.Failures = 0
	st.Error = ""
	st.FromCache = false
	st.NextTry = fetch.NextTry(now, 0, nil, spec.Refresh, p.opts.Jitter)
	var note string
	if !notModified {
		var held bool
		if held, note = p.hold(s, res, now); held {
			return
		}
	}
	st.OK = true
	st.Degraded = ""
	st.FetchedAt = now
	s.cache.FetchedAt = now
	if notModified {
		p.save(s)
		return
	}
	s.cache.FirstSeen = stamp(&res, s.cache.FirstSeen, now)
	s.cache.Origin = origin(spec)
	s.cache.Validators = newVal
	s.cache.Result = res
	st.Items = res.Items()
	st.Warnings = res.Warnings
	if note != "" {
		st.Warnings = append(st.Warnings, note)
	}
	st.Reading = res.Reading
	p.save(s)
	p.notify()
}

// hold decides whether res, a good answer from s, is suspicious: nothing
// where the kept content had items, or a fall by more than MaxDrop. An
// emptied feed is more often a broken export, a CMS bug or an unmounted
// share than a real "nothing to show", so the last good content stays on
// screen and the source is reported degraded, with the reason, for HoldFor;
// after that the answer is taken as it is, with a note saying so. It reports
// whether res was held back (and has then recorded it). p.mu must be held.
//
// Not so for the fleet's hub (spec.Moderated): what it publishes is what its
// moderators approved, and a shorter or empty list means posts were taken
// down everywhere, at once.
func (p *Pipeline) hold(s *source, res feeds.Result, now time.Time) (bool, string) {
	st := &s.state
	kept, got := s.cache.Result.Items(), res.Items()
	if s.spec.Moderated || s.cache.Origin != origin(s.spec) || kept == 0 || !p.suspicious(kept, got) {
		if s.cache.Held != nil {
			p.opts.Logger.Info("source recovered", "source", s.spec.Name, "items", got)
			s.cache.Held = nil
		}
		return false, ""
	}
	if s.cache.Held == nil {
		s.cache.Held = &held{Since: now}
		p.opts.Logger.Warn("source answered with much less; keeping its last good content", "source", s.spec.Name, "items", got, "kept", kept)
	}
	h := s.cache.Held
	h.Items = got
	if now.Sub(h.Since) >= p.opts.HoldFor {
		s.cache.Held = nil
		p.opts.Logger.Warn("source still answers with much less after the grace; its last good content goes", "source", s.spec.Name, "items", got, "since", h.Since)
		return false, fmt.Sprintf("source %s: has answered with %d of its %d items since %s; its last good content was dropped after %s",
			s.spec.Name, got, kept, h.Since.Local().Format("2006-01-02 15:04"), p.opts.HoldFor)
	}
	st.OK = false
	st.Degraded = p.heldReason(s)
	st.Warnings = res.Warnings
	// No validators while held: every fetch is a full one, so the answer
	// is judged again each time (a 304 would say nothing).
	s.cache.Validators = fetch.Validators{}
	p.save(s)
	return true, ""
}

// suspicious reports whether a source that had kept items answering with
// got is suspicious.
func (p *Pipeline) suspicious(kept, got int) bool {
	if got == 0 {
		return true
	}
	if p.opts.MaxDrop <= 0 || p.opts.MaxDrop >= 1 || got >= kept {
		return false
	}
	return float64(kept-got)/float64(kept) > p.opts.MaxDrop
}

// heldReason words a held answer for health and `content`. p.mu must be held.
func (p *Pipeline) heldReason(s *source) string {
	h := s.cache.Held
	kept := s.cache.Result.Items()
	what := "nothing"
	switch h.Items {
	case 0:
	case 1:
		what = fmt.Sprintf("1 item instead of %d", kept)
	default:
		what = fmt.Sprintf("%d items instead of %d", h.Items, kept)
	}
	return fmt.Sprintf("source %s: answers with %s (since %s); showing the last good %d until %s unless it recovers",
		s.spec.Name, what, h.Since.Local().Format("2006-01-02 15:04"), kept, h.Since.Add(p.opts.HoldFor).Local().Format("2006-01-02 15:04"))
}

// Restore writes back the cache file of every source that holds content
// and whose file is gone (the state directory deleted while the kiosk runs),
// and returns how many it wrote.
func (p *Pipeline) Restore() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, s := range p.sources {
		if s.cache.Origin != "" && p.opts.Store.Missing(cacheKey(s.spec.Name)) {
			p.save(s)
			n++
		}
	}
	return n
}

// save writes the source's cache; a failure (disk full, read-only) is
// recorded on the source but costs nothing on screen.
func (p *Pipeline) save(s *source) {
	if s.cache.Origin == "" {
		return
	}
	if err := p.opts.Store.Save(cacheKey(s.spec.Name), s.cache); err != nil {
		msg := fmt.Sprintf("source %s: could not save the cache: %v", s.spec.Name, err)
		s.state.Warnings = append(s.state.Warnings, msg)
		p.opts.Logger.Warn("cache not saved", "source", s.spec.Name, "err", err)
	}
}

// fetchParse gets the source's bytes and turns them into a Result.
func (p *Pipeline) fetchParse(ctx context.Context, spec feeds.SourceSpec, val fetch.Validators) (feeds.Result, fetch.Validators, bool, error) {
	var res feeds.Result
	if spec.Kind == feeds.KindFolder {
		res, err := parse.ReadFolder(spec.Path, spec)
		return res, val, false, err
	}
	var resp *fetch.Response
	var err error
	if spec.URL != "" {
		resp, err = p.opts.Client.Get(ctx, spec.URL, val)
	} else {
		resp, err = p.opts.Client.Open(ctx, spec.Path, val)
	}
	if err != nil {
		return res, val, false, err
	}
	p.mu.Lock()
	p.stat(spec.Name).Bytes += int64(len(resp.Body))
	p.mu.Unlock()
	if resp.NotModified {
		return res, resp.Validators, true, nil
	}
	doc := parse.Doc{Body: resp.Body}
	if spec.URL != "" {
		// A file's type is guessed from its name ("text/xml;
		// charset=utf-8" for any .xml): only a server's charset is news.
		doc.ContentType = resp.ContentType
	}
	res, err = parse.Read(doc, spec)
	if err != nil {
		return res, val, false, err
	}
	if spec.Path != "" {
		resolveFiles(&res, filepath.Dir(spec.Path))
	}
	return res, resp.Validators, false, nil
}

// resolveFiles makes a local leaderboard's relative avatar paths relative to
// that file's folder, so an export and its photos can sit side by side on a
// share. (A feed's pictures beside it are resolved by parse, which only
// takes a file that is there.)
func resolveFiles(res *feeds.Result, dir string) {
	abs := func(ref string) string {
		if ref == "" || filepath.IsAbs(ref) {
			return ref
		}
		if u, err := url.Parse(ref); err == nil && u.Scheme != "" {
			return ref
		}
		return filepath.Join(dir, filepath.FromSlash(ref))
	}
	for i := range res.Leaderboard {
		res.Leaderboard[i].Avatar = abs(res.Leaderboard[i].Avatar)
	}
}

// stamp dates the posts whose date is unknown with the time they were first
// seen, kept in the source's cache across refreshes and restarts (so such a
// post never becomes "just now" again, and max_age counts from when it
// came), and returns the updated first-seen map, pruned to the posts still
// present.
func stamp(res *feeds.Result, seen map[string]time.Time, now time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	for i := range res.Posts {
		p := &res.Posts[i]
		if !p.DateUnknown && !p.Published.IsZero() {
			continue
		}
		p.DateUnknown = true
		t, ok := seen[p.ID]
		if !ok {
			t = now.UTC().Truncate(time.Second)
		}
		out[p.ID] = t
		p.Published = t
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Snapshot merges every source's current content. The same post arriving
// from two sources (same link) is kept once, from the first source listed.
func (p *Pipeline) Snapshot() feeds.Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	var snap feeds.Snapshot
	seen := map[string]bool{}
	for _, s := range p.sources {
		r := s.cache.Result
		for _, post := range r.Posts {
			k := dedupeKey(post)
			if seen[k] {
				continue
			}
			seen[k] = true
			snap.Posts = append(snap.Posts, post)
		}
		snap.Wins = append(snap.Wins, r.Wins...)
		if len(snap.Leaderboard) == 0 {
			snap.Leaderboard = append(snap.Leaderboard, r.Leaderboard...)
		}
		st := s.state
		st.Warnings = append([]string(nil), st.Warnings...)
		snap.Sources = append(snap.Sources, st)
	}
	sort.SliceStable(snap.Posts, func(i, j int) bool { return newer(snap.Posts[i], snap.Posts[j]) })
	return snap
}

// newer orders posts newest first, those with an unknown date after every
// dated one (by when they were first seen).
func newer(a, b feeds.Post) bool {
	if a.DateUnknown != b.DateUnknown {
		return b.DateUnknown
	}
	return a.Published.After(b.Published)
}

func dedupeKey(p feeds.Post) string {
	if p.Link == "" {
		return "id:" + p.ID
	}
	u, err := url.Parse(p.Link)
	if err != nil {
		return "link:" + p.Link
	}
	return "link:" + strings.ToLower(u.Host) + strings.TrimSuffix(u.EscapedPath(), "/") + "?" + u.RawQuery
}

// Stats counts one source's fetches since the process started, for metrics.
type Stats struct {
	Name                    string
	OK, NotModified, Errors int64
	Bytes                   int64 // bodies received, after decompression
}

// Stats returns the counts of the configured sources, in config order.
func (p *Pipeline) Stats() []Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Stats, len(p.sources))
	for i, s := range p.sources {
		out[i] = *p.stat(s.spec.Name)
	}
	return out
}

// stat must be called with p.mu held.
func (p *Pipeline) stat(name string) *Stats {
	st := p.stats[name]
	if st == nil {
		st = &Stats{Name: name}
		p.stats[name] = st
	}
	return st
}

// count must be called with p.mu held.
func (p *Pipeline) count(name string, err error, notModified bool) {
	st := p.stat(name)
	switch {
	case err != nil:
		st.Errors++
	case notModified:
		st.NotModified++
	default:
		st.OK++
	}
}
