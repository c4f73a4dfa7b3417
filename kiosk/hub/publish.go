package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/moderate"
	"lobbykiosk/feeds/parse"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/content"
)

// Names of the published documents, as served under the hub's address.
const (
	PostsPath       = "content/posts.json"
	WinsPath        = "content/wins.json"
	LeaderboardPath = "content/leaderboard.json"
	RevocationsPath = config.HubRevocationsPath
	FleetPath       = config.HubFleetPath
)

// The sources /fleet.toml gives every kiosk.
const (
	PostsSource       = "hub-posts"
	WinsSource        = "hub-wins"
	LeaderboardSource = "hub-leaderboard"
)

// holdBack is how long a newly approved post waits for its picture before
// it is published without it: a post should not reach 200 screens without
// its picture for want of a second, nor wait long for a broken one.
const holdBack = 30 * time.Second

// publishedKey is the store file that keeps each document's version and
// first-published time, so an unchanged document keeps its Last-Modified
// across a restart of the hub.
const publishedKey = "hub-published.json"

// edition is the content of one publishing tick, before it is written for
// a particular address of the hub (posts, leaderboard and fleet.toml carry
// absolute links).
type edition struct {
	items       []parse.HubItem // media as paths relative to the hub ("media/…")
	board       []boardRow
	wins        *doc
	revocations *doc
	kinds       kinds
	held        int // posts waiting for their pictures
	shown       int
}

type kinds struct{ posts, wins, board bool }

// stamp is a document's version (a hash of what it says, whatever the
// hub's address) and when that version first appeared.
type stamp struct {
	Key      string    `json:"key"`
	Modified time.Time `json:"modified"`
}

type publisher struct {
	h    *Hub
	wake chan struct{}

	mu     sync.Mutex
	cur    *edition
	stamps map[string]stamp
	byBase map[string]*rendered // the current edition written for each address
	fleets map[string]*doc      // /fleet.toml for each address: the same for every edition
	last   time.Time            // last publish
}

// rendered is an edition written for one address of the hub.
type rendered struct{ posts, board, fleet *doc }

func newPublisher(h *Hub) *publisher {
	p := &publisher{h: h, wake: make(chan struct{}, 1), stamps: map[string]stamp{}, byBase: map[string]*rendered{}, fleets: map[string]*doc{}}
	if _, err := h.o.Engine.Store.Load(publishedKey, &p.stamps); err != nil {
		h.log.Warn("published versions unreadable; documents get a new Last-Modified", "err", err)
	}
	if p.stamps == nil {
		p.stamps = map[string]stamp{}
	}
	return p
}

// run publishes every tick, and at once when a picture became ready.
func (p *publisher) run(ctx context.Context) {
	p.publish(p.h.o.Now())
	t := time.NewTicker(p.h.o.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.wake:
		}
		p.publish(p.h.o.Now())
	}
}

// publish builds an edition from the engine's content now and makes it
// current when anything in it changed.
func (p *publisher) publish(now time.Time) {
	r := p.h.o.Engine.Report(now)
	e := p.build(r, now)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = now
	changed := false
	for name, key := range map[string]string{
		PostsPath: jsonKey(e.items), LeaderboardPath: jsonKey(e.board), WinsPath: e.wins.etag,
		RevocationsPath: e.revocations.etag, FleetPath: jsonKey(e.kinds) + config.Version(p.h.cfg),
	} {
		if p.stamps[name].Key != key {
			p.stamps[name] = stamp{Key: key, Modified: now.UTC().Truncate(time.Second)}
			changed = true
		}
	}
	if changed || p.cur == nil {
		e.wins = newDoc(e.wins.body, e.wins.ctype, p.stamps[WinsPath].Modified)
		e.revocations = newDoc(e.revocations.body, e.revocations.ctype, p.stamps[RevocationsPath].Modified)
		p.cur = e
		p.byBase = map[string]*rendered{}
	} else {
		// Same documents: keep the ones already written, only the counts move.
		p.cur.held, p.cur.shown = e.held, e.shown
	}
	if changed {
		if err := p.h.o.Engine.Store.Save(publishedKey, p.stamps); err != nil {
			p.h.log.Warn("published versions not saved", "err", err)
		}
	}
}

func jsonKey(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// build turns a report into an edition. Pictures and avatars are replaced
// by the hub's copies; a post whose picture is still being fetched waits
// (holdBack) so that screens do not get it without its picture.
func (p *publisher) build(r content.Report, now time.Time) *edition {
	cfg := p.h.cfg
	e := &edition{kinds: sourceKinds(cfg)}
	m := p.h.media
	shown := r.Shown()
	e.shown = len(shown)
	for _, post := range shown {
		img, imgWait := m.get(post.Image, now)
		avatar, avWait := m.get(post.Author.Avatar, now)
		if imgWait || avWait {
			e.held++
			continue
		}
		e.items = append(e.items, hubItem(post, img, avatar))
	}
	if e.items == nil {
		e.items = []parse.HubItem{}
	}
	for _, s := range r.Leaderboard {
		avatar, _ := m.get(s.Avatar, now)
		e.board = append(e.board, boardRow{Rank: s.Rank, Name: s.Name, Handle: s.Handle, Points: s.Points,
			Avatar: avatar, Change: s.Change, Badge: s.Badge, Period: r.Period, PeriodKind: r.PeriodKind, PeriodStart: r.PeriodStart})
	}
	if e.board == nil {
		e.board = []boardRow{}
	}
	e.wins = newDoc(winsJSON(r.Wins), "application/json", now)
	e.revocations = newDoc(p.revocationsJSON(r), "application/json", now)
	return e
}

func hubItem(post content.Post, img, avatar string) parse.HubItem {
	it := parse.HubItem{
		ID: post.ID, URL: post.Link, ContentText: post.Text, Image: img,
		Authors: []parse.HubAuthor{{Name: post.Author.Name, Avatar: avatar}},
		Extension: parse.HubExt{Network: post.Network, Handle: post.Author.Handle, Team: post.Author.Team, Source: post.Source,
			Likes: post.Likes, Shares: post.Shares, Comments: post.Comments, Sites: post.Sites, DateUnknown: post.DateUnknown},
	}
	if !post.Published.IsZero() {
		it.DatePublished = post.Published.UTC().Format(time.RFC3339)
	}
	if post.Pinned {
		it.Extension.Pinned, it.Extension.PinnedSites = true, post.PinnedSites
		if post.PinnedUntil != nil {
			it.Extension.PinnedUntil = post.PinnedUntil.UTC().Format(time.RFC3339)
		}
	}
	return it
}

// sourceKinds says which documents the hub's sources make: a wins document
// only with a wins source, a leaderboard with a leaderboard source or posts
// to compute it from.
func sourceKinds(c *config.Config) kinds {
	var k kinds
	for _, s := range c.Sources {
		switch feeds.Kind(s.Kind) {
		case feeds.KindPosts, feeds.KindFolder:
			k.posts, k.board = true, true
		case feeds.KindWins:
			k.wins = true
		case feeds.KindLeaderboard:
			k.board = true
		}
	}
	return k
}

// winRow is a win as a wins source reads it (parse.Wins).
type winRow struct {
	Label    string   `json:"label"`
	Value    float64  `json:"value"`
	Previous *float64 `json:"previous,omitempty"`
	Unit     string   `json:"unit,omitempty"`
	Period   string   `json:"period,omitempty"`
	AsOf     string   `json:"as_of,omitempty"`
}

// boardRow is a leaderboard row as a leaderboard source reads it.
type boardRow struct {
	Rank   int     `json:"rank"`
	Name   string  `json:"name"`
	Handle string  `json:"handle,omitempty"`
	Points float64 `json:"points"`
	Avatar string  `json:"avatar,omitempty"`
	Change int     `json:"change"`
	Badge  string  `json:"badge,omitempty"`
	// Period labels the standings ("November 2026", in English for any
	// reader); PeriodKind and PeriodStart let each kiosk name the same
	// period in its own language.
	Period      string `json:"period,omitempty"`
	PeriodKind  string `json:"period_kind,omitempty"`
	PeriodStart string `json:"period_start,omitempty"`
}

func winsJSON(ws []content.Win) []byte {
	rows := make([]winRow, len(ws))
	for i, w := range ws {
		rows[i] = winRow{Label: w.Label, Value: w.Value, Unit: w.Unit, Period: w.Period, AsOf: w.AsOf}
		if w.HasPrevious {
			prev := w.Previous
			rows[i].Previous = &prev
		}
	}
	return mustJSON(rows)
}

// revocationsJSON is the hub's list in the form kiosks pull
// (moderate.parseRevocations): what its editors revoked, the posts its own
// central list took down, and that list's entries, which may name posts a
// site fetches itself.
func (p *publisher) revocationsJSON(r content.Report) []byte {
	ids, links := map[string]bool{}, map[string]bool{}
	upIDs, upLinks := p.h.o.Engine.Revocations().Entries()
	for _, id := range upIDs {
		ids[id] = true
	}
	for _, l := range upLinks {
		links[l] = true
	}
	for _, d := range p.h.o.Engine.Decisions().All() {
		if d.Action == moderate.ActionRevoke {
			if d.ID != "" {
				ids[d.ID] = true
			}
			if d.Link != "" {
				links[d.Link] = true
			}
		}
	}
	for _, post := range r.Posts {
		if post.Status == moderate.Revoked {
			ids[post.ID] = true
			if post.Link != "" {
				links[post.Link] = true
			}
		}
	}
	type entry struct {
		ID   string `json:"id,omitempty"`
		Link string `json:"link,omitempty"`
	}
	out := struct {
		Revoked []entry `json:"revoked"`
	}{Revoked: []entry{}}
	for _, id := range sorted(ids) {
		out.Revoked = append(out.Revoked, entry{ID: id})
	}
	for _, l := range sorted(links) {
		out.Revoked = append(out.Revoked, entry{Link: l})
	}
	return mustJSON(out)
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil { // plain structs of strings and numbers always encode
		panic(fmt.Sprintf("hub: %v", err))
	}
	return b
}

// docs returns the current edition written for the hub at base (ending in
// "/"), building it once per address.
func (p *publisher) docs(base string) (*edition, *rendered, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.cur
	if e == nil {
		return nil, nil, fmt.Errorf("nothing published yet")
	}
	if r, ok := p.byBase[base]; ok {
		return e, r, nil
	}
	abs := func(path string) string {
		if path == "" {
			return ""
		}
		return base + path
	}
	items := make([]parse.HubItem, len(e.items))
	for i, it := range e.items {
		it.Image = abs(it.Image)
		it.Authors = []parse.HubAuthor{{Name: it.Authors[0].Name, Avatar: abs(it.Authors[0].Avatar)}}
		items[i] = it
	}
	feed := parse.HubFeed{Version: parse.HubFeedVersion, Title: p.h.cfg.Name + ": approved posts",
		HomePageURL: base, FeedURL: base + PostsPath, Items: items}
	board := make([]boardRow, len(e.board))
	for i, b := range e.board {
		b.Avatar = abs(b.Avatar)
		board[i] = b
	}
	fleet := p.fleets[base]
	if fleet == nil {
		body, err := p.fleetTOMLLocked(base, e.kinds)
		if err != nil {
			return nil, nil, err
		}
		fleet = newDoc(body, "application/toml", p.stamps[FleetPath].Modified)
	}
	r := &rendered{
		posts: newDoc(mustJSON(feed), "application/feed+json", p.stamps[PostsPath].Modified),
		board: newDoc(mustJSON(board), "application/json", p.stamps[LeaderboardPath].Modified),
		fleet: fleet,
	}
	// Addresses come from requests when [hub] url is not set: keep a few.
	if len(p.byBase) >= 16 {
		p.byBase = map[string]*rendered{}
	}
	if len(p.fleets) >= 16 {
		p.fleets = map[string]*doc{}
	}
	p.fleets[base] = fleet
	p.byBase[base] = r
	return e, r, nil
}

// fleetTOML is /fleet.toml for the hub at base.
func (p *publisher) fleetTOML(base string) ([]byte, error) {
	return p.fleetTOMLLocked(base, sourceKinds(p.h.cfg))
}

func (p *publisher) fleetTOMLLocked(base string, k kinds) ([]byte, error) {
	cfg := p.h.cfg
	every := cfg.Hub.Refresh.Duration
	var srcs []config.HubSource
	if k.posts {
		srcs = append(srcs, config.HubSource{Name: PostsSource, Kind: string(feeds.KindPosts), URL: base + PostsPath, Refresh: every})
	}
	if k.wins {
		srcs = append(srcs, config.HubSource{Name: WinsSource, Kind: string(feeds.KindWins), URL: base + WinsPath, Refresh: 5 * every})
	}
	if k.board {
		srcs = append(srcs, config.HubSource{Name: LeaderboardSource, Kind: string(feeds.KindLeaderboard), URL: base + LeaderboardPath, Refresh: 5 * every})
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("hub: %s has no [[source]]; the hub has nothing to publish", cfg.Path)
	}
	out, err := config.FleetTOML(cfg, p.h.o.Data, srcs, base+RevocationsPath)
	if err != nil {
		return nil, err
	}
	// What every kiosk will merge must merge: checked here, for a kiosk of
	// each site and one of none, before any kiosk gets it.
	for _, site := range append(cfg.SiteNames(), "") {
		local, err := config.Parse("check", fmt.Appendf(nil, "name = %q\n", site+"check-kiosk"))
		if err != nil {
			return nil, err
		}
		local.Fleet.Site = site
		if _, err := config.Merge(local, nil, base+FleetPath, out); err != nil {
			return nil, fmt.Errorf("hub: the fleet config it would publish is not valid (a bug; please report it): %w", err)
		}
	}
	return out, nil
}
