package engine

import (
	"image"
	"slices"
	"time"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/playlist"
)

// CurrentConfig is the config in use: the one Open was given, or the last
// one passed to Reconfigure. It is safe to call from any goroutine; treat
// the returned config as read-only.
func (e *Engine) CurrentConfig() *config.Config {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cfg
}

// ConfigVersion fingerprints the config in use (config.Version), for health
// and the heartbeat: kiosks showing the same version run the same settings.
func (e *Engine) ConfigVersion() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.version
}

// Reconfigure switches a running engine to cfg, a config headquarters
// changed, without a restart. Sources change at once (unchanged ones keep
// their content and schedule, new ones start from their cache and are
// fetched now), moderation rules and approval modes apply to the next
// Report, and the player picks up display hours, slide timings and theme at
// its next slide. [fetch] settings and the device's own settings (state_dir,
// admin, fleet) take effect at the next restart.
func (e *Engine) Reconfigure(cfg *config.Config) {
	if cfg == nil {
		return
	}
	e.mu.Lock()
	old := e.cfg
	newList := cfg.Moderation.RevocationsURL != old.Moderation.RevocationsURL
	if newList {
		// The list kept on disk stays in force until the new URL has been
		// fetched: a post headquarters took down stays down.
		rev, err := moderate.OpenRevocations(e.Store, cfg.Moderation.RevocationsURL)
		if err != nil {
			e.Log.Warn("revocation list", "err", err)
		}
		e.revocations = rev
	}
	e.cfg, e.version = cfg, config.Version(cfg)
	e.rebuildModerator()
	version := e.version
	e.mu.Unlock()

	e.Pipeline.SetSources(cfg.Specs())
	if newList || cfg.Moderation.RevocationsRefresh != old.Moderation.RevocationsRefresh {
		select {
		case e.revWake <- struct{}{}:
		default:
		}
	}
	if cfg.Fetch != old.Fetch {
		e.Log.Warn("new [fetch] settings take effect at the next restart")
	}
	e.Log.Info("configuration changed", "version", version, "sources", len(cfg.Sources))
}

// follow brings the player in line with the engine's config before a slide:
// display hours, slide timings, and the look (theme, transition, safe area)
// when the screen can restyle.
func (p *Player) follow() {
	cfg := p.eng.CurrentConfig()
	old := p.applied
	if cfg == old {
		return
	}
	p.applied = cfg
	if !slices.Equal(cfg.Display.Hours, old.Display.Hours) {
		p.schedule = schedule(p.eng, cfg.Display)
	}
	if listSettings(cfg.Display) != listSettings(old.Display) {
		// The playlist cannot change its settings in place; a new one starts
		// a new round, which is all a viewer could notice.
		p.list = playlist.New(listSettings(cfg.Display), time.Now().UnixNano())
	}
	if cfg.Theme == old.Theme && cfg.Display.Transition == old.Display.Transition &&
		cfg.Display.TransitionSeconds == old.Display.TransitionSeconds &&
		cfg.Display.TransitionFPS == old.Display.TransitionFPS &&
		cfg.Display.Safe() == old.Display.Safe() {
		return
	}
	r, ok := p.screen.(Restyler)
	if !ok {
		p.eng.Log.Info("the new theme takes effect at the next restart")
		return
	}
	logo := r.Restyle(cfg)
	p.mu.Lock()
	p.logo = logo
	p.mu.Unlock()
}

func (p *Player) currentLogo() image.Image {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logo
}
