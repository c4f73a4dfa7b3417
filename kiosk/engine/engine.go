// Package engine opens what a kiosk config needs (the store, the fetcher,
// the pipeline, moderation, the picture cache) and turns content into slides
// for the screen. It is plain Go: the Fyne layer only draws what it is given.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
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
	"lobbykiosk/kiosk/fleet"
	"lobbykiosk/kiosk/slide"
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
	noPrefetch  bool
	notice      string // guarded by mu; see SetNotice
	keepers     []func() bool
}

// StateCheck is how often the engine looks for its files in state_dir and
// writes back the ones that are gone: a few stats each time.
var StateCheck = 10 * time.Second

// Options tune Open.
type Options struct {
	Version string
	Logger  *slog.Logger
	// ImageSize is the largest size a picture is shown at (the screen size).
	ImageWidth, ImageHeight int
	// NoPrefetch leaves pictures to be fetched when asked for, not with
	// their posts: the fleet's hub fetches them for its media store, and
	// its console asks for the few a moderator looks at.
	NoPrefetch bool
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
	// In a fleet with a hub, everything from the hub (config, content,
	// pictures, revocations) and the heartbeat carry the fleet token.
	client.HTTP.Transport = fleet.HubAuth(client.HTTP.Transport, cfg.Fleet.Hub, cfg.Fleet.Token)
	if o.ImageWidth == 0 {
		o.ImageWidth, o.ImageHeight = 1920, 1080
	}
	e := &Engine{
		Config: cfg, Store: st, Client: client, Log: o.Logger,
		cfg: cfg, version: config.Version(cfg), revWake: make(chan struct{}, 1),
		Pipeline: pipeline.New(cfg.Specs(), pipeline.Options{Store: st, Client: client, Logger: o.Logger,
			MaxDrop: cfg.Fetch.MaxDrop, HoldFor: cfg.Fetch.EmptyGrace.Duration}),
		pictures: newPictureClient(o.Version, cfg), noPrefetch: o.NoPrefetch,
	}
	boxW, boxH := pictureBox(o.ImageWidth, o.ImageHeight)
	e.Images, err = images.New(images.Options{
		Dir:       filepath.Join(cfg.StateDir, "images"),
		BoxWidth:  boxW,
		BoxHeight: boxH,
		Fetch:     e.FetchPicture,
		DiskLimit: int64(cfg.StateDirMaxMB) << 20,
		DiskOther: func() int64 { return dirSize(cfg.StateDir, "images") },
		Logger:    o.Logger,
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

// pictureBox is the largest box a post's picture fills on a w×h screen, in
// pixels: the picture loader keeps every picture large enough to cover it.
func pictureBox(w, h int) (int, int) {
	r := slide.PostLayout(slide.SizesFor(float32(w), float32(h)), true).Picture
	return int(math.Ceil(float64(r.W))), int(math.Ceil(float64(r.H)))
}

// dirSize is what dir takes on disk, as du counts it (the blocks of its
// files and of the folders themselves), leaving out what its subfolder
// skip holds: the state directory besides the pictures, which the picture
// cache counts itself. skip's own blocks (its list of names) count here.
func dirSize(dir, skip string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		fi, ierr := d.Info()
		if ierr == nil && (fi.Mode().IsRegular() || fi.IsDir()) {
			n += images.DiskBytes(fi)
		}
		if d.IsDir() && p == filepath.Join(dir, skip) {
			return filepath.SkipDir
		}
		return nil
	})
	return n
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

// Revocations is the central revocation list in use.
func (e *Engine) Revocations() *moderate.Revocations {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.revocations
}

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

// AlsoKeep adds to what RestoreState writes back: f writes its own state
// file back when it is gone and reports whether it did (the fleet copy, the
// last good config). Call it before Run.
func (e *Engine) AlsoKeep(f func() bool) { e.keepers = append(e.keepers, f) }

// RestoreState writes back every state file the kiosk holds in memory whose
// file is gone — the state directory deleted while it runs (a cleanup
// script, `rm -rf` by hand, a tmpfs remounted) — so that the next start,
// offline perhaps, finds it all: each source's content, editors' decisions,
// the revocation list, and what was added with AlsoKeep. It returns how many
// files it wrote. The store makes the directory again on the first write.
func (e *Engine) RestoreState() int {
	n := e.Pipeline.Restore()
	e.mu.Lock()
	rev := e.revocations
	// Reload writes the decisions back when their file is gone.
	if _, err := e.decisions.Reload(); err != nil {
		var re *moderate.RestoredError
		if errors.As(err, &re) {
			n++
		} else {
			e.Log.Warn("decisions reload", "err", err)
		}
	}
	e.mu.Unlock()
	if ok, err := rev.Restore(); err != nil {
		e.Log.Warn("revocation list", "err", err)
	} else if ok {
		n++
	}
	for _, f := range e.keepers {
		if f() {
			n++
		}
	}
	if n > 0 {
		e.Log.Warn("state files were deleted while the kiosk ran; wrote back what it holds", "files", n, "state_dir", e.Store.Dir())
	}
	return n
}

// Run keeps content fresh until ctx ends: every source on its own schedule,
// and the central revocation list every revocations_refresh. Both follow
// Reconfigure: the list's URL and interval are read afresh each time. Every
// StateCheck it writes back state files that were deleted (RestoreState).
func (e *Engine) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		e.Pipeline.Run(ctx)
	}()
	go func() {
		defer wg.Done()
		if !e.noPrefetch {
			e.prefetchPictures(ctx)
		}
	}()
	go func() {
		defer wg.Done()
		t := time.NewTicker(StateCheck)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				e.RestoreState()
			}
		}
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

// prefetchPictures fetches the pictures of everything the screen may show
// whenever content changes (and once at start, for what the cache holds):
// each post's picture and its author's avatar, and the leaderboard's
// avatars. A picture fetched only when its slide comes up is missing the day
// the network goes; fetched with its post, every cached post shows whole.
// A round also runs every prefetchEvery, for what changes without the feeds
// changing: a picture due to be checked again, a cache folder someone
// deleted, a picture that failed while the network was down.
func (e *Engine) prefetchPictures(ctx context.Context) {
	changes := e.Pipeline.Changes()
	// The screen comes first: at boot the first slides decode their own
	// pictures, and on a small board a round of fetching ahead beside them
	// would hold up the first frame. Changes meanwhile wait in the channel.
	select {
	case <-ctx.Done():
		return
	case <-time.After(prefetchDelay):
	}
	tick := time.NewTicker(prefetchEvery)
	defer tick.Stop()
	for {
		srcs := PictureSources(e.Report(time.Now()))
		if rep := e.Images.Prefetch(ctx, srcs); rep.Fetched+rep.Unchanged+rep.Failed+rep.Full > 0 {
			e.Log.Info("pictures fetched ahead", "pictures", len(srcs), "result", rep.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-changes:
		case <-tick.C:
		}
	}
}

// prefetchEvery is how often pictures are fetched ahead when no feed
// changed; a round that finds everything kept costs a few file reads.
// prefetchDelay is how long after start the first round waits.
const (
	prefetchEvery = 10 * time.Minute
	prefetchDelay = 10 * time.Second
)

// PictureSources lists the pictures r's slides show: every shown post's
// picture and avatar, and the avatars of the leaderboard's places on screen.
func PictureSources(r content.Report) []string {
	var out []string
	for _, p := range r.Shown() {
		out = append(out, p.Image, p.Author.Avatar)
	}
	for i, s := range r.Leaderboard {
		if i >= slide.MaxRest+3 {
			break
		}
		out = append(out, s.Avatar)
	}
	return out
}

// SetNotice sets a line for the person who looks after the kiosk, shown in
// the screen's corner from the next slide ("" removes it): a config file
// with mistakes, say.
func (e *Engine) SetNotice(s string) {
	e.mu.Lock()
	e.notice = s
	e.mu.Unlock()
}

// Notice is the line SetNotice set.
func (e *Engine) Notice() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.notice
}
