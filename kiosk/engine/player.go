package engine

import (
	"context"
	"errors"
	"image"
	"os"
	"os/exec"
	"sync"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/hours"
	"lobbykiosk/kiosk/playlist"
	"lobbykiosk/kiosk/slide"
)

// Screen is what the player draws on. The Fyne layer implements it and is the
// only place that crosses onto the UI thread; tests use a recording fake.
type Screen interface {
	Show(s slide.Slide, c slide.Chrome)
	SetChrome(c slide.Chrome)
	Blank(on bool)
}

// Restyler is a Screen that can change its look while running. When the
// screen implements it, a new theme or transition from headquarters reaches
// the screen at the next slide; a screen that does not keeps its look until
// the kiosk restarts.
type Restyler interface {
	// Restyle applies cfg's [theme], transition and safe area. It returns
	// the logo for the chrome and the welcome slide (nil: the screen's
	// theme logo).
	Restyle(cfg *config.Config) (logo image.Image)
}

// Player decides, slide after slide, what the screen shows. Content is read
// afresh for every slide, so new posts join and removed posts leave at the
// next slide and never as a jump in the middle of one.
type Player struct {
	eng      *Engine
	screen   Screen
	list     *playlist.Playlist
	schedule hours.Schedule
	logo     image.Image    // guarded by mu: Restyle replaces it
	applied  *config.Config // the config schedule and list were built from
	now      func() time.Time
	// SlideScale multiplies every slide duration (the soak benchmark runs
	// thousands of slides at accelerated timing).
	SlideScale float64
	// SetupNote is shown on the welcome slide while there is no content
	// at all (a kiosk being set up): the admin page's address and its
	// certificate's fingerprint. Set it before Run.
	SetupNote string

	mu      sync.Mutex
	current Current
}

// Current describes what is on screen, for health and the admin page.
type Current struct {
	Kind    slide.Kind `json:"kind"`
	PostID  string     `json:"post_id,omitempty"`
	Since   time.Time  `json:"since"`
	On      bool       `json:"display_on"`
	Count   int64      `json:"slides_shown"`
	ByKind  map[string]int64
	Offline bool `json:"offline"`
	// Updated is when the screen last changed: a slide shown, or the
	// display turned on or off. Health tells a frozen screen by it.
	Updated time.Time `json:"updated"`
}

// NewPlayer prepares a player; logo may be nil.
func NewPlayer(eng *Engine, screen Screen, logo image.Image) *Player {
	cfg := eng.CurrentConfig()
	return &Player{
		eng:        eng,
		screen:     screen,
		list:       playlist.New(listSettings(cfg.Display), time.Now().UnixNano()),
		schedule:   schedule(eng, cfg.Display),
		logo:       logo,
		applied:    cfg,
		now:        time.Now,
		SlideScale: 1,
		current:    Current{ByKind: map[string]int64{}},
	}
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

func listSettings(d config.Display) playlist.Settings {
	return playlist.Settings{
		PostSeconds:        seconds(d.PostSeconds),
		MaxPostSeconds:     seconds(d.PostMaxSeconds),
		WinsSeconds:        seconds(d.WinsSeconds),
		LeaderboardSeconds: seconds(d.LeaderboardSeconds),
		WinsEvery:          d.WinsEvery,
		LeaderboardEvery:   d.LeaderboardEvery,
	}
}

func schedule(eng *Engine, d config.Display) hours.Schedule {
	sched, err := hours.Parse(d.Hours)
	if err != nil { // config validation checked it; be safe anyway
		eng.Log.Warn("display hours ignored", "err", err)
	}
	return sched
}

// Current returns what is on screen now.
func (p *Player) Current() Current {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.current
	c.ByKind = map[string]int64{}
	for k, v := range p.current.ByKind {
		c.ByKind[k] = v
	}
	return c
}

// Run shows slides until ctx ends. Within display hours at least one slide
// change happens per slide period, whatever the feeds do; outside them the
// screen is black and nothing animates.
func (p *Player) Run(ctx context.Context) {
	on := true
	first := true
	clock := time.NewTicker(15 * time.Second)
	defer clock.Stop()
	for ctx.Err() == nil {
		p.follow()
		now := p.now()
		if !p.schedule.On(now.In(p.eng.CurrentConfig().Location)) {
			if on || first {
				p.setDisplay(ctx, false)
				on = false
			}
			first = false
			p.sleepUntilOn(ctx, clock)
			continue
		}
		if !on {
			p.setDisplay(ctx, true)
			on = true
		}
		first = false
		item, s, chrome := p.next(ctx, now)
		p.screen.Show(s, chrome)
		p.record(item, now)
		p.wait(ctx, time.Duration(float64(item.Duration)*p.SlideScale), clock, item.Kind == playlist.Welcome)
	}
}

// next picks the next slide from fresh content and builds it, pictures
// loaded (from memory, disk, or the network with a short deadline).
func (p *Player) next(ctx context.Context, now time.Time) (playlist.Item, slide.Slide, slide.Chrome) {
	r := p.eng.Report(now)
	shown := r.Shown()
	entries := entries(shown)
	longest := p.maxPost()
	for i, s := range shown {
		// The reading rule: a post stays as long as its text (as cut for
		// the screen) takes to read.
		entries[i].Read = slide.TextReadingTime(s.Text, longest)
	}
	p.list.SetWinsPages(slide.WinsPages(len(r.Wins)))
	p.list.Update(entries, len(r.Wins) > 0, len(r.Leaderboard) > 0)
	item := p.list.Next(now)
	return item, p.Build(ctx, item, r, now), p.Chrome(r, now)
}

// entries are the shown posts as the playlist sees them. A post whose date
// is unknown carries the time the kiosk first saw it, which is not news: it
// goes in undated, so it comes after dated posts and is not shown more
// often for being "recent".
func entries(shown []content.Post) []playlist.Entry {
	out := make([]playlist.Entry, len(shown))
	for i, s := range shown {
		out[i] = playlist.Entry{ID: s.ID, Author: s.Author.Name, Published: s.Published, Pinned: s.Pinned}
		if s.DateUnknown {
			out[i].Published = time.Time{}
		}
	}
	return out
}

// Build turns a playlist item into a slide. It is also what `render` uses.
func (p *Player) Build(ctx context.Context, item playlist.Item, r content.Report, now time.Time) slide.Slide {
	cfg := p.eng.CurrentConfig()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	switch item.Kind {
	case playlist.Post:
		for _, post := range r.Posts {
			if post.ID == item.PostID {
				s := slide.FromPost(post.Post, p.image(ctx, post.Author.Avatar), p.image(ctx, post.Image), now, cfg.Location, cfg.Locale)
				// No more than can be read in the longest time a post stays.
				s.Post.Text = slide.Glance(s.Post.Text, slide.WordsIn(p.maxPost()))
				return s
			}
		}
	case playlist.Wins:
		ms := make([]feeds.Metric, len(r.Wins))
		for i, w := range r.Wins {
			ms[i] = feeds.Metric{Label: w.Label, Value: w.Value, Previous: w.Previous, HasPrevious: w.HasPrevious, Unit: w.Unit, Period: w.Period}
		}
		return slide.FromWins(ms, item.Page, cfg.Locale)
	case playlist.Leaderboard:
		avatars := map[string]image.Image{}
		for i, s := range r.Leaderboard {
			if i >= slide.MaxRest+3 {
				break
			}
			if img := p.image(ctx, s.Avatar); img != nil {
				avatars[s.Avatar] = img
			}
		}
		return slide.FromLeaderboard(r.Leaderboard, avatars, boardPeriod(r, cfg, now), cfg.Locale)
	}
	w := slide.WelcomeSlide(cfg.Name, cfg.Display.Welcome, p.currentLogo(), cfg.Locale)
	// At set-up (nothing to show yet) the welcome slide says where the
	// admin page is and how to recognise its certificate.
	if p.SetupNote != "" && len(r.Shown()) == 0 && len(r.Wins) == 0 && len(r.Leaderboard) == 0 {
		w.Welcome.Note = p.SetupNote
	}
	return w
}

// maxPost is the longest a post stays on screen.
func (p *Player) maxPost() time.Duration {
	return listSettings(p.eng.CurrentConfig().Display).WithDefaults().MaxPostSeconds
}

func (p *Player) image(ctx context.Context, src string) image.Image {
	if src == "" {
		return nil
	}
	img, err := p.eng.Picture(ctx, src)
	if err != nil {
		// One broken picture costs its slide the picture, nothing more,
		// and one log line until it is tried again.
		var pe *PictureError
		if !errors.As(err, &pe) || !pe.Remembered {
			p.eng.Log.Warn("picture not shown", "err", err)
		}
		return nil
	}
	return img
}

// Chrome is the clock and the freshness mark.
func (p *Player) Chrome(r content.Report, now time.Time) slide.Chrome {
	cfg := p.eng.CurrentConfig()
	var last time.Time
	remote, unreachable := 0, 0
	for _, s := range r.Sources {
		if s.FetchedAt.After(last) {
			last = s.FetchedAt
		}
		if s.Remote {
			remote++
			if s.Unreachable {
				unreachable++
			}
		}
	}
	// Offline only when no remote source could be reached at all: one
	// feed answering 500, or flapping, is that source's problem (health
	// names it), not the kiosk's network.
	offline := remote > 0 && unreachable == remote
	p.mu.Lock()
	p.current.Offline = offline
	p.mu.Unlock()
	stale := ""
	if len(r.Sources) > 0 {
		stale = slide.StaleMark(cfg.Locale, last, now, offline, cfg.Display.StaleAfter.Duration, cfg.Location)
	}
	return slide.Chrome{Clock: slide.Clock(cfg.Locale, now, cfg.Location), Stale: stale, Logo: p.currentLogo(), Notice: p.eng.Notice()}
}

func (p *Player) record(item playlist.Item, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current.Kind = slide.Kind(item.Kind)
	p.current.PostID = item.PostID
	p.current.Since = now
	p.current.On = true
	p.current.Updated = now
	p.current.Count++
	p.current.ByKind[string(item.Kind)]++
}

// wait lets the slide stand for d, updating the clock meanwhile.
//
// A Welcome slide means there was nothing else to show: at first start with
// an empty cache, or after every source failed. Then the wait ends as soon
// as content arrives, so the screen does not greet an empty lobby for a
// whole slide period while the first posts are already in.
func (p *Player) wait(ctx context.Context, d time.Duration, clock *time.Ticker, welcome bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	var poll <-chan time.Time
	if welcome {
		tk := time.NewTicker(time.Second)
		defer tk.Stop()
		poll = tk.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			return
		case <-poll:
			if r := p.eng.Report(p.now()); len(r.Shown()) > 0 || len(r.Wins) > 0 || len(r.Leaderboard) > 0 {
				return
			}
		case <-clock.C:
			now := p.now()
			p.screen.SetChrome(p.Chrome(p.eng.Report(now), now))
		}
	}
}

// sleepUntilOn waits for the next display-hours change. It re-checks every
// clock tick as well, so a system clock that jumps (NTP after a power cut)
// is followed within seconds instead of sleeping through the morning.
func (p *Player) sleepUntilOn(ctx context.Context, clock *time.Ticker) {
	now := p.now()
	next := p.schedule.Next(now.In(p.eng.CurrentConfig().Location))
	d := time.Hour
	if !next.IsZero() && next.Sub(now) < d {
		d = next.Sub(now)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-clock.C:
	}
}

// setDisplay blanks or wakes the screen and runs the configured command.
func (p *Player) setDisplay(ctx context.Context, on bool) {
	p.screen.Blank(!on)
	p.mu.Lock()
	p.current.On = on
	p.current.Updated = p.now()
	p.mu.Unlock()
	d := p.eng.CurrentConfig().Display
	cmd := d.OffCommand
	if on {
		cmd = d.OnCommand
	}
	if cmd == "" {
		return
	}
	c := exec.CommandContext(ctx, "/bin/sh", "-c", cmd)
	c.Stdout, c.Stderr = os.Stderr, os.Stderr
	go func() {
		if err := c.Run(); err != nil {
			p.eng.Log.Warn("display command failed", "command", cmd, "err", err)
		}
	}()
}

// boardPeriod is the leaderboard slide's period label, in the kiosk's
// language: a computed leaderboard's, the fleet hub's (by its kind and
// first day), else what an export wrote.
func boardPeriod(r content.Report, cfg *config.Config, now time.Time) string {
	switch {
	case r.Computed:
		return slide.PeriodLabel(cfg.Locale, cfg.Leaderboard.Period, now, cfg.Location)
	case r.PeriodKind != "":
		if d, err := time.ParseInLocation(time.DateOnly, r.PeriodStart, cfg.Location); err == nil {
			// Noon of its first day, here: inside the period whatever the zone.
			return slide.PeriodLabel(cfg.Locale, r.PeriodKind, d.Add(12*time.Hour), cfg.Location)
		}
	}
	return r.Period
}
