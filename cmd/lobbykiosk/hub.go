package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/admin"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/hub"
)

// DefaultHubConfig is where the packaged hub looks for its config.
const DefaultHubConfig = "/etc/lobbykiosk/hub.toml"

func init() {
	register(command{name: "hub", usage: "hub [--config FILE]   the fleet's head: no display needed", run: runHub})
}

// runHub runs the fleet's hub: the kiosk's engine without a screen (no
// Fyne, no display, no GPU), its content published over HTTP for the
// kiosks. With moderators (or an admin password), its moderation console —
// the admin page with sites and an audit log — and the Fleet page share one
// sign-in on the hub's listener.
func runHub(ctx context.Context, e *env, args []string) int {
	fs := newFlags("hub", e)
	path := fs.String("config", DefaultHubConfig, "the hub's config file")
	if fs.Parse(args) != nil {
		return 2
	}
	cfg, err := e.loadConfig(*path)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return 1
	}
	data, err := os.ReadFile(*path)
	if err != nil {
		return e.errorf("config %s: %v", *path, err)
	}
	if cfg.Hub.Listen == "" {
		return e.errorf("%s has no [hub] listen: the hub needs an address to serve the kiosks on (listen = \"0.0.0.0:8443\")", *path)
	}
	log := serviceLogger(e.stderr)
	eng, err := engine.Open(cfg, engine.Options{Version: version, Logger: log, NoPrefetch: true})
	if err != nil {
		return e.errorf("%v", err)
	}
	for _, p := range eng.Problems {
		log.Warn(p)
	}
	o := hub.Options{Config: cfg, Data: data, Engine: eng, Version: version, Logger: log}
	// The moderation console: the admin page with the hub's moderators,
	// sites and audit log. It needs the hub (its sites, its tokens), and
	// the hub needs its sign-in: h is set before any request comes.
	var h *hub.Hub
	console := &admin.Console{
		Sites: func() []string { return h.Sites() },
		Audit: moderate.OpenAudit(eng.Store),
		Token: func(r *http.Request) bool { return h.HasToken(r) },
	}
	adm, err := admin.New(admin.Options{Config: cfg, Engine: eng, Logger: log, Console: console})
	switch {
	case err != nil:
		// The kiosks are served all the same; the Fleet page and /metrics
		// then answer to a fleet token only.
		log.Error("moderation console not started", "err", err)
	default:
		o.SignedIn = adm.SignedIn
		if !adm.CanSignIn() {
			log.Warn("no moderator can sign in to the console yet: add one with `sudo lobbykiosk admin set-password --moderator NAME --config " + *path + "` (no restart needed)")
		}
	}
	if h, err = hub.New(o); err != nil {
		fmt.Fprintln(e.stderr, err)
		return 1
	}
	console.Bound = h.Bound()
	handler := h.Handler()
	if adm != nil {
		h.Mount(adm.Mount)
		handler = adm.Handler()
	}
	if cfg.Admin.Listen != "" {
		log.Warn("[admin] listen is not used by the hub: its pages are on [hub] listen", "listen", cfg.Hub.Listen)
	}

	ln, err := net.Listen("tcp", cfg.Hub.Listen)
	if err != nil {
		return e.errorf("hub: cannot listen on %s: %v", cfg.Hub.Listen, err)
	}
	if !strings.HasPrefix(cfg.Hub.URL, "https://") {
		log.Warn("the hub speaks plain HTTP: put a TLS proxy in front (README: the hub) and set [hub] url, so fleet tokens do not cross the network in clear text")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go eng.Run(ctx)
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	log.Info("hub started", "name", cfg.Name, "listen", ln.Addr().String(), "url", cfg.Hub.URL, "sources", len(cfg.Sources),
		"sites", len(cfg.Sites), "state_dir", cfg.StateDir)
	err = serveHub(ctx, ln, handler, log)
	cancel()
	<-done
	if err != nil {
		return e.errorf("%v", err)
	}
	log.Info("hub stopped")
	return 0
}

// serveHub serves handler on ln until ctx ends. Timeouts keep a slow or
// stuck client from holding a connection: a kiosk's requests are small.
func serveHub(ctx context.Context, ln net.Listener, handler http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       5 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("hub: %w", err)
	case <-ctx.Done():
	}
	sctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	err := srv.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
