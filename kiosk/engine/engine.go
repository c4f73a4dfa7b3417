// Package engine opens what a kiosk config needs (the store, the fetcher,
// the pipeline, moderation, the picture cache) and turns content into slides
// for the screen. It is plain Go: the Fyne layer only draws what it is given.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/images"
	"lobbykiosk/feeds/moderate"
	"lobbykiosk/feeds/pipeline"
	"lobbykiosk/feeds/store"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/content"
)

// Engine is one kiosk's content side.
type Engine struct {
	// Config is the config the engine was opened with. A config from
	// headquarters can replace it while running (Reconfigure): whatever
	// reads content settings after start-up uses CurrentConfig.
	Config   *config.Config
	Store    *store.Store
	Client   *fetch.Client
	Pipeline *pipeline.Pipeline
	Images   *images.Loader
	Log      *slog.Logger

	mu          sync.Mutex
	cfg         *config.Config // in use; guarded by mu
	version     string         // config.Version(cfg)
	revWake     chan struct{}  // a new revocation list URL: fetch it now
	decisions   *moderate.Decisions
	revocations *moderate.Revocations
	moderator   *moderate.Moderator
	// Problems opening state (a corrupt decisions file) are kept for health.
	Problems []string

	// pictures fetches what feeds name (pictures, avatars) behind a
	// fetch.Guard: never the kiosk itself, its LAN only where a feed
	// lives. Feeds themselves use Client, which may reach the intranet.
	pictures    *fetch.Client
	picFailures pictureFailures
	netMu       sync.Mutex
	netCache    map[string]feedNets
}

// Options tune Open.
type Options struct {
	Version string
	Logger  *slog.Logger
	// ImageSize is the largest size a picture is shown at (the screen size).
	ImageWidth, ImageHeight int
}

// Open prepares everything for cfg. A state dir that cannot be created is an
// error: the kiosk would lose its last-good content on every restart.
func Open(cfg *config.Config, o Options) (*Engine, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	st, err := store.Open(cfg.StateDir, store.WithLogger(o.Logger))
	if err != nil {
		return nil, err
	}
	client := fetch.New(o.Version)
	client.Timeout = cfg.Fetch.Timeout.Duration
	client.MaxBody = int64(cfg.Fetch.MaxBodyMB) << 20
	if o.ImageWidth == 0 {
		o.ImageWidth, o.ImageHeight = 1920, 1080
	}
	e := &Engine{
		Config: cfg, Store: st, Client: client, Log: o.Logger,
		cfg: cfg, version: config.Version(cfg), revWake: make(chan struct{}, 1),
		Pipeline: pipeline.New(cfg.Specs(), pipeline.Options{Store: st, Client: client, Logger: o.Logger}),
		pictures: newPictureClient(o.Version, cfg),
	}
	e.Images, err = images.New(images.Options{
		Dir:       filepath.Join(cfg.StateDir, "images"),
		MaxWidth:  o.ImageWidth,
		MaxHeight: o.ImageHeight,
		Fetch:     e.fetchPicture,
	})
	if err != nil {
		return nil, err
	}
	e.decisions, err = moderate.OpenDecisions(st)
	if err != nil {
		e.Problems = append(e.Problems, fmt.Sprintf("moderation decisions: %v (falling back to rules only)", err))
		o.Logger.Warn("decisions unreadable", "err", err)
	}
	e.revocations, err = moderate.OpenRevocations(st, cfg.Moderation.RevocationsURL)
	if err != nil {
		e.Problems = append(e.Problems, fmt.Sprintf("revocation list: %v", err))
		o.Logger.Warn("revocations unreadable", "err", err)
	}
	e.rebuildModerator()
	e.Pipeline.LoadCache()
	return e, nil
}

// OpenScratch is Open with a throwaway state dir when the configured one
// cannot be used (a user running `content` against the packaged config
// without write access to /var/lib/lobbykiosk): the command still works,
// without the cache, and says so.
func OpenScratch(cfg *config.Config, o Options, warn func(string)) (*Engine, func(), error) {
	e, err := Open(cfg, o)
	if err == nil {
		return e, func() {}, nil
	}
	dir, terr := os.MkdirTemp("", "lobbykiosk-state-")
	if terr != nil {
		return nil, nil, errors.Join(err, terr)
	}
	warn(fmt.Sprintf("%v; using a temporary state dir instead (no cached content)", err))
	c := *cfg
	c.StateDir = dir
	e, err = Open(&c, o)
	return e, func() { os.RemoveAll(dir) }, err
}

// rebuildModerator must be called with e.mu held (or before the engine is
// shared).
func (e *Engine) rebuildModerator() {
	rules, modes := content.Rules(e.cfg)
	e.moderator = moderate.New(rules, modes, e.decisions, e.revocations)
}

// Decisions is the moderation decision store.
func (e *Engine) Decisions() *moderate.Decisions { return e.decisions }

// RefreshOnce fetches every source and the revocation list once.
func (e *Engine) RefreshOnce(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.refreshRevocations(ctx)
	}()
	e.Pipeline.RefreshAll(ctx)
	wg.Wait()
}

func (e *Engine) refreshRevocations(ctx context.Context) {
	e.mu.Lock()
	url, rev := e.cfg.Moderation.RevocationsURL, e.revocations
	e.mu.Unlock()
	if url == "" {
		return
	}
	if err := rev.RefreshWith(ctx, e.Client); err != nil {
		e.Log.Warn("revocation list", "err", err)
	}
}

// Report is what the screen may show now. It re-reads decisions written by
// another process (the CLI) when they changed, so it is cheap per slide.
func (e *Engine) Report(now time.Time) content.Report {
	e.mu.Lock()
	if _, err := e.decisions.Reload(); err != nil {
		e.Log.Warn("decisions reload", "err", err)
	}
	m, cfg := e.moderator, e.cfg
	e.mu.Unlock()
	return content.Build(cfg, e.Pipeline.Snapshot(), m, now)
}

// Run keeps content fresh until ctx ends: every source on its own schedule,
// and the central revocation list every revocations_refresh. Both follow
// Reconfigure: the list's URL and interval are read afresh each time.
func (e *Engine) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.Pipeline.Run(ctx)
	}()
	defer wg.Wait()
	for {
		e.refreshRevocations(ctx)
		every := e.CurrentConfig().Moderation.RevocationsRefresh.Duration
		if every <= 0 {
			every = time.Minute
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-e.revWake:
			t.Stop()
		}
	}
}
