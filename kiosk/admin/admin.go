// Package admin is the kiosk's admin web page. The social media manager signs
// in from a laptop or phone on the LAN, approves or rejects waiting posts,
// pins, unpins and revokes shown ones, and sees each source's health and what
// is on screen now.
//
// Decisions go to the same store (feeds/moderate, in state_dir) that
// `lobbykiosk moderate` writes, so the page, the CLI and the screen always
// agree. Pages are rendered on the server with inline CSS and no scripts: the
// LAN may have no internet, and a phone needs nothing but a browser.
//
// The page is off unless [admin] listen is set, and it has no default
// password: New refuses to build a server until `lobbykiosk admin
// set-password` has written a bcrypt hash into the config.
package admin

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
)

// Options are what the admin page reads and acts on.
type Options struct {
	Config *config.Config
	Engine *engine.Engine
	// Current is what is on screen now; nil when the page runs without a
	// screen (the page then says so).
	Current func() engine.Current
	// Screenshot is the current frame; nil when there is no window.
	Screenshot func() (image.Image, error)
	Logger     *slog.Logger
	// Now is the clock for sessions, sign-in limits and post ages (tests
	// inject one); nil means time.Now.
	Now func() time.Time
}

// Server is the admin page. Its handler is safe for concurrent use.
type Server struct {
	o        Options
	cfg      *config.Config
	eng      *engine.Engine
	hash     []byte
	log      *slog.Logger
	now      func() time.Time
	mux      *http.ServeMux
	handler  http.Handler
	sessions *sessions
	limit    *limiter
	pages    *pages
}

// New builds the admin page for o. It is an error when no password hash is
// configured: the page never runs with a default password.
func New(o Options) (*Server, error) {
	if o.Config == nil || o.Engine == nil {
		return nil, errors.New("admin page: needs the kiosk's config and engine")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	file := o.Config.Path
	if file == "" {
		file = config.DefaultPath
	}
	hash := strings.TrimSpace(o.Config.Admin.PasswordHash)
	if hash == "" {
		return nil, fmt.Errorf("admin page: no password is set in %s, and there is no default one; run `lobbykiosk admin set-password --config %s`", file, file)
	}
	if _, err := bcrypt.Cost([]byte(hash)); err != nil {
		return nil, fmt.Errorf("admin page: [admin] password_hash in %s is not a bcrypt hash (%v); write a new one with `lobbykiosk admin set-password --config %s`", file, err, file)
	}
	p, err := newPages()
	if err != nil {
		return nil, fmt.Errorf("admin page: %w", err)
	}
	s := &Server{
		o: o, cfg: o.Config, eng: o.Engine, hash: []byte(hash),
		log: o.Logger.With("component", "admin"), now: o.Now,
		mux:      http.NewServeMux(),
		sessions: newSessions(SessionTTL),
		limit:    newLimiter(),
		pages:    p,
	}
	s.routes()
	s.handler = securityHeaders(s.mux)
	return s, nil
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /signin", s.signinPage)
	m.HandleFunc("POST /signin", s.signin)
	m.Handle("POST /signout", s.action(s.signout))

	m.Handle("GET /{$}", s.page(s.queuePage))
	m.Handle("GET /shown", s.page(s.shownPage))
	m.Handle("GET /hidden", s.page(s.hiddenPage))
	m.Handle("GET /sources", s.page(s.sourcesPage))
	m.Handle("GET /screen", s.page(s.screenPage))
	m.Handle("POST /post", s.action(s.decide))

	m.Handle("GET /image", s.api(s.image))
	m.Handle("GET /screenshot.png", s.api(s.screenshot))
	m.Handle("GET /api/content", s.api(s.apiContent))
	m.Handle("GET /api/screen", s.api(s.apiScreen))
}

// Handler is the whole admin page, for a listener of the caller's choosing.
func (s *Server) Handler() http.Handler { return s.handler }

// Mount lets another package add endpoints (health, metrics) on the same
// listener. h is served as it is, signed in or not: wrap it with SignedIn
// where it must be private. pattern is a net/http ServeMux pattern; one that
// clashes with the page's own routes panics, as ServeMux.Handle does.
func (s *Server) Mount(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// SignedIn reports whether r carries a live session.
func (s *Server) SignedIn(r *http.Request) bool { return s.session(r) != nil }

// ListenAndServe serves the page on Config.Admin.Listen until ctx ends, then
// shuts down gracefully. It returns nil after a shutdown, an error when the
// address cannot be used.
func (s *Server) ListenAndServe(ctx context.Context) error {
	addr := strings.TrimSpace(s.cfg.Admin.Listen)
	if addr == "" {
		return errors.New("admin page: [admin] listen is not set (for example \"127.0.0.1:8080\")")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("admin page: cannot listen on %s: %w", addr, err)
	}
	if !isLoopback(ln.Addr()) {
		s.log.Warn("the admin page is reachable from other machines over plain HTTP; keep it on a trusted LAN", "listen", addr)
	}
	return s.serve(ctx, ln)
}

// serve serves the page on ln until ctx ends.
func (s *Server) serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	s.log.Info("admin page listening", "url", "http://"+ln.Addr().String()+"/")
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("admin page: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-done
	if err != nil {
		return fmt.Errorf("admin page: shutdown: %w", err)
	}
	s.log.Info("admin page stopped")
	return nil
}

func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// securityHeaders keeps every response to the page itself: no scripts at
// all, pictures only from this server, no framing, and no Referer that would
// carry picture addresses to the sites posts link to.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

// clientIP is the peer's address. Forwarded headers are not trusted: the
// page is meant to be reached directly on the LAN, and a header would let
// anyone dodge the sign-in limit.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
