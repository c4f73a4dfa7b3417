// Package hub is the fleet's head (`lobbykiosk hub`): the kiosk's engine
// without a screen. It fetches and moderates once for every office, and
// publishes what may be shown as plain, cacheable HTTP resources that the
// kiosks pull with conditional GETs:
//
//	/content/posts.json        JSON Feed 1.1 of approved posts (parse.HubFeed)
//	/content/wins.json         the wins, in the format a wins source reads
//	/content/leaderboard.json  the leaderboard, privacy rules applied
//	/media/HASH.jpg|png        pictures and avatars, content-addressed, ≤ 4K
//	/revocations.json          posts to take off every screen
//	/fleet.toml                the central config, pointing at the above
//
// It takes the kiosks' heartbeats and screen thumbnails (POST /beat, PUT
// /kiosk/NAME/screen.jpg), keeps each kiosk's state in state_dir, and shows
// them on the Fleet page and in /metrics. Every endpoint but /healthz needs a
// fleet token ([hub] tokens, as "Authorization: Bearer …") or an admin
// session.
//
// Data flows one way: the engine's Report (sources, rules, decisions made
// on the hub) is turned into documents every Tick; a document is replaced
// only when its bytes change, so an unchanged one keeps its ETag and every
// kiosk's next check costs a 304.
package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/images"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
)

// DefaultTick is how often the hub rebuilds its documents from the engine:
// a decision made on the hub is published within it.
const DefaultTick = 2 * time.Second

// Options are the hub's collaborators. Config, Data and Engine are required.
type Options struct {
	Config *config.Config
	// Data is the config file's text: /fleet.toml passes its site sections
	// on as written.
	Data    []byte
	Engine  *engine.Engine
	Version string
	Logger  *slog.Logger
	// SignedIn reports whether a request carries an admin session (the
	// admin page's sign-in); nil: fleet tokens only.
	SignedIn func(*http.Request) bool
	// Tick is how often documents are rebuilt; default DefaultTick.
	Tick time.Duration
	Now  func() time.Time
	// Fetch gets a picture's bytes; nil: the engine's client (files are
	// read from disk).
	Fetch func(ctx context.Context, src string) ([]byte, error)
}

// Hub serves one fleet. Its handler is safe for concurrent use.
type Hub struct {
	o      Options
	cfg    *config.Config
	log    *slog.Logger
	tokens [][32]byte
	media  *mediaStore
	pub    *publisher
	fleet  *registry
	stats  *requestStats

	mux     *http.ServeMux
	handler http.Handler
	started time.Time
	bound   time.Duration
}

// New prepares a hub for o. The config's site sections are checked as the
// kiosks will merge them, and /fleet.toml is built once, so a config the
// kiosks would refuse stops the hub at start, not the fleet later.
func New(o Options) (*Hub, error) {
	if o.Config == nil || o.Engine == nil {
		return nil, errors.New("hub: needs its config and engine")
	}
	cfg := o.Config
	if len(cfg.Hub.Tokens) == 0 {
		return nil, fmt.Errorf("hub: %s has no [hub] tokens; the hub has no default one", cfg.Path)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tick <= 0 {
		o.Tick = DefaultTick
	}
	if err := config.CheckHubSites(cfg, o.Data); err != nil {
		return nil, err
	}
	h := &Hub{o: o, cfg: cfg, log: o.Logger.With("component", "hub"), started: o.Now(), stats: newRequestStats()}
	h.tokens = hashTokens(cfg.Hub.Tokens)
	st := o.Engine.Store
	var err error
	if h.media, err = newMediaStore(filepath.Join(cfg.StateDir, "media"), st, h.fetcher(), h.log, o.Now); err != nil {
		return nil, err
	}
	if h.fleet, err = newRegistry(filepath.Join(cfg.StateDir, "thumbnails"), st, h.log, o.Now); err != nil {
		return nil, err
	}
	h.pub = newPublisher(h)
	if _, err := h.pub.fleetTOML("http://hub.invalid/"); err != nil {
		return nil, err
	}
	h.bound = h.computeBound()
	h.routes()
	return h, nil
}

// fetcher gets a picture's bytes: from the web behind the engine's address
// guard (a feed must not make the hub fetch its own /metrics or a LAN
// printer and serve the answer to the fleet), or from the hub's disk for a
// folder source's picture.
func (h *Hub) fetcher() func(ctx context.Context, src string) ([]byte, error) {
	if h.o.Fetch != nil {
		return h.o.Fetch
	}
	eng := h.o.Engine
	return func(ctx context.Context, src string) ([]byte, error) {
		if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
			r, err := eng.FetchPicture(ctx, images.Request{URL: src})
			if err != nil {
				return nil, err
			}
			return r.Body, nil
		}
		r, err := eng.Client.Open(ctx, src, fetch.Validators{})
		if err != nil {
			return nil, err
		}
		return r.Body, nil
	}
}

// Handler serves every hub endpoint, for a listener of the caller's choosing.
func (h *Hub) Handler() http.Handler { return h.handler }

// Mount adds the hub's endpoints to another server's mux (the admin page's,
// so that the Fleet page shares its sign-in).
func (h *Hub) Mount(mount func(pattern string, handler http.Handler)) {
	for _, r := range h.routeList() {
		mount(r.pattern, h.wrap(r))
	}
}

// Run publishes, fetches pictures and keeps the kiosks' state until ctx
// ends. The engine's own Run (the sources) is the caller's to start.
func (h *Hub) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); h.media.run(ctx, h.pub.wake) }()
	go func() { defer wg.Done(); h.fleet.run(ctx) }()
	h.pub.run(ctx)
	wg.Wait()
	h.fleet.save()
}

// Sites are the fleet's sites: the config's site sections, the sites its
// sources are for, and those the kiosks said they are at.
func (h *Hub) Sites() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range h.cfg.SiteNames() {
		add(s)
	}
	for _, src := range h.cfg.Sources {
		for _, s := range src.Sites {
			add(s)
		}
	}
	for _, k := range h.fleet.list() {
		add(k.Site)
	}
	sort.Strings(out)
	return out
}

// Bound is how long a decision made on the hub takes, at most, to be on
// every screen: the publishing tick, the kiosks' [hub] refresh (their check
// of the posts and the revocation list), and the longest slide a screen may
// be in the middle of, at any site (a site section may make slides longer).
// A kiosk's own file could make them longer still; the hub cannot see it.
func (h *Hub) Bound() time.Duration { return h.bound }

func (h *Hub) computeBound() time.Duration {
	slides := func(c *config.Config) float64 {
		d := c.Display
		return max(d.PostSeconds, d.PostMaxSeconds, d.WinsSeconds, d.LeaderboardSeconds)
	}
	longest := slides(h.cfg)
	if body, err := h.pub.fleetTOML("http://hub.invalid/"); err == nil {
		for _, site := range h.cfg.SiteNames() {
			local, err := config.Parse("bound", fmt.Appendf(nil, "name = %q\n[fleet]\nsite = %q\n", site+" kiosk", site))
			if err != nil {
				continue
			}
			if merged, err := config.Merge(local, nil, "fleet.toml", body); err == nil {
				longest = max(longest, slides(merged))
			}
		}
	}
	return h.o.Tick + h.cfg.Hub.Refresh.Duration + time.Duration(longest*float64(time.Second))
}

// Publish rebuilds the documents once from the engine's content now.
func (h *Hub) Publish() { h.pub.publish(h.o.Now()) }

// SaveKiosks writes the kiosks' state now (Run does it every 10 s and at
// the end).
func (h *Hub) SaveKiosks() { h.fleet.save() }
