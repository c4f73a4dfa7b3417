package main

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"net/http"
	"os"
	"time"

	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/store"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/fleet"
	"lobbykiosk/kiosk/health"
	"lobbykiosk/kiosk/localconfig"
)

// effectiveConfig is the config a command works on: the kiosk's own file
// (cfg, as loadConfig returned it) merged with headquarters' central config
// when [fleet] config_url is set — pulled once, or the copy kept on disk
// when offline or when headquarters cannot be reached. Warnings go to
// stderr. The returned config is always usable; the error is set only when
// the central file is broken, and then the config is what the kiosk falls
// back to (the kept copy, or its own file): `check` should fail on it, `run`,
// `content` and `render` print it and carry on.
func effectiveConfig(ctx context.Context, e *env, cfg *config.Config, offline bool) (*config.Config, error) {
	if cfg.Fleet.ConfigURL == "" {
		return cfg, nil
	}
	data, err := os.ReadFile(cfg.Path)
	if err != nil {
		return cfg, fmt.Errorf("config %s: %w", cfg.Path, err)
	}
	return effectiveWith(ctx, e, cfg, data, offline)
}

// effectiveWith is effectiveConfig for cfg read from data (the kiosk's file,
// or the last good copy of it).
func effectiveWith(ctx context.Context, e *env, cfg *config.Config, data []byte, offline bool) (*config.Config, error) {
	if cfg.Fleet.ConfigURL == "" {
		return cfg, nil
	}
	// The kept copy lives in the state dir; a user who may not open it
	// (content run against the packaged config) still gets a fresh pull.
	st, err := store.Open(cfg.StateDir, store.WithLogger(quietLogger(e.stderr)))
	if err != nil {
		fmt.Fprintf(e.stderr, "warning: fleet config: %v; the kept copy cannot be used\n", err)
		st = nil
	}
	client := fetch.New(version)
	client.Timeout = cfg.Fetch.Timeout.Duration
	client.HTTP.Transport = fleet.HubAuth(client.HTTP.Transport, cfg.Fleet.Hub, cfg.Fleet.Token)
	merged, warnings, err := fleet.Effective(ctx, cfg, data, st, client, offline)
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	return merged, err
}

// startFleet keeps a running kiosk on headquarters' latest central config:
// every [fleet] refresh it pulls the file and hands a changed merged config
// to the engine, which applies it at the next slide. local is the kiosk's
// own config (before merging), read from data. It returns nil when there is
// no config_url.
func startFleet(ctx context.Context, log *slog.Logger, local *config.Config, data []byte, eng *engine.Engine) *fleet.Watcher {
	if local.Fleet.ConfigURL == "" {
		return nil
	}
	w := fleet.NewWatcher(local, data, eng.CurrentConfig(), fleet.Options{
		Store: eng.Store, Client: eng.Client, Logger: log, Apply: eng.Reconfigure,
	})
	go w.Run(ctx)
	return w
}

// startHealth builds the kiosk's health monitor (for /healthz and /metrics)
// and, when [fleet] heartbeat_url is set, starts the heartbeat (every
// [fleet] heartbeat_every). In a fleet with a hub, a thumbnail of the screen
// (capture, nil without a screen) goes to the hub every fifth beat.
// player, w, own and capture may be nil.
func startHealth(ctx context.Context, log *slog.Logger, local *config.Config, eng *engine.Engine, player *engine.Player, w *fleet.Watcher, own *localconfig.Watcher, capture func() (image.Image, error)) *health.Monitor {
	o := health.Options{Version: version, Engine: eng, Fleet: w, Local: own, HTTP: eng.Client.HTTP}
	if player != nil {
		o.Player, o.SlideScale = player, player.SlideScale
	}
	m := health.New(o)
	every := local.Fleet.HeartbeatEvery.Duration
	if url := local.Fleet.HeartbeatURL; url != "" {
		go m.RunHeartbeat(ctx, url, every, log.Warn)
	}
	if hub := local.Fleet.Hub; hub != "" && capture != nil {
		go m.RunThumbnails(ctx, hub, min(every, 10*time.Second), 5*every, capture, log.Warn)
	}
	return m
}

// mounter is what health needs of the admin web server.
type mounter interface {
	Mount(pattern string, h http.Handler)
	SignedIn(r *http.Request) bool
	MetricsAllowed(r *http.Request) bool
}

// mountHealth serves /healthz (details for a signed-in user, the bare status
// for anyone else) and /metrics (for a signed-in user or a scraper with
// [admin] metrics_token: it names the kiosk, its version and its sources)
// on the admin server.
func mountHealth(srv mounter, m *health.Monitor) {
	srv.Mount("/healthz", m.Healthz(srv.SignedIn))
	metrics := m.Metrics()
	srv.Mount("/metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !srv.MetricsAllowed(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lobbykiosk"`)
			http.Error(w, "Sign in, or send [admin] metrics_token as \"Authorization: Bearer TOKEN\".", http.StatusUnauthorized)
			return
		}
		metrics.ServeHTTP(w, r)
	}))
}
