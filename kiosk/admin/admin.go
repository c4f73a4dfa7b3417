// Package admin is the kiosk's admin web page. The social media manager signs
// in from a laptop or phone on the LAN, approves or rejects waiting posts,
// pins, unpins and revokes shown ones, and sees each source's health and what
// is on screen now.
//
// Decisions go to the same store (feeds/moderate, in state_dir) that
// `lobbykiosk moderate` writes, so the page, the CLI and the screen always
// agree. Pages are rendered on the server with inline CSS and one small
// inline script (that keeps the queue where it was after an action; every
// form works without it): the LAN may have no internet, and a phone needs
// nothing but a browser.
//
// The page is off unless [admin] listen is set, and it has no default
// password: New refuses to build a server until `lobbykiosk admin
// set-password` has written a bcrypt hash into the password file (0600, in
// state_dir). Reachable from the LAN it speaks HTTPS, with a certificate
// it makes itself unless the admin gives one.
package admin

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"lobbykiosk/feeds/moderate"
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
	// Certificate is the page's TLS certificate when it serves HTTPS; nil
	// makes LoadCertificate's when [admin] tls asks for HTTPS.
	Certificate *Certificate
	// Now is the clock for sessions, sign-in limits and post ages (tests
	// inject one); nil means time.Now.
	Now func() time.Time
	// Console makes the page the fleet hub's moderation console; nil on a
	// kiosk.
	Console *Console
}

// Console is what the page needs to be the fleet hub's moderation console:
// moderators sign in by name (the moderators file, [hub] moderators_file,
// besides the admin password as "admin"), approvals and pins may name
// sites, every decision goes to the audit log (shown on /audit), and the
// navigation leads to the Fleet page instead of a screen.
type Console struct {
	// Sites lists the fleet's sites, for decisions that name some.
	Sites func() []string
	// Audit is where every decision is recorded.
	Audit *moderate.Audit
	// Bound is how long a decision takes to reach every screen, at most
	// (the hub's tick, [hub] refresh and one slide): the page says so.
	Bound time.Duration
	// Token reports whether a request carries a fleet token: a kiosk's
	// request, which the Host check (against DNS rebinding, a browser's
	// problem) lets through whatever name the kiosk knows the hub by.
	Token func(*http.Request) bool
}

// Server is the admin page. Its handler is safe for concurrent use.
type Server struct {
	o        Options
	cfg      *config.Config
	eng      *engine.Engine
	log      *slog.Logger
	now      func() time.Time
	mux      *http.ServeMux
	handler  http.Handler
	sessions *sessions
	limit    *limiter
	pages    *pages
	door     door
	accounts *accounts
}

// New builds the admin page for o. On a kiosk it is an error when no
// password hash is configured: the page never runs with a default password.
// The hub's console runs without anyone to sign in until a moderator is
// added (its sign-in page says how).
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
	acc := &accounts{}
	pw, err := LoadPassword(o.Config)
	switch {
	case err == nil:
		acc.admin = []byte(pw.Hash)
		if pw.Warning != "" {
			o.Logger.Warn("admin password: " + pw.Warning)
		}
	case o.Console == nil:
		return nil, fmt.Errorf("admin page: %w", err)
	}
	if o.Console != nil {
		acc.file = o.Config.Hub.ModeratorsFile
		if _, rerr := readModerators(acc.file); rerr != nil {
			return nil, fmt.Errorf("moderation console: %w", rerr)
		}
	}
	p, err := newPages()
	if err != nil {
		return nil, fmt.Errorf("admin page: %w", err)
	}
	s := &Server{
		o: o, cfg: o.Config, eng: o.Engine,
		door: newDoor(o.Config),
		log:  o.Logger.With("component", "admin"), now: o.Now,
		mux:      http.NewServeMux(),
		sessions: newSessions(SessionTTL),
		limit:    newLimiter(),
		pages:    p,
		accounts: acc,
	}
	s.routes()
	s.handler = s.checkHost(securityHeaders(s.mux))
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
	m.Handle("POST /posts", s.action(s.bulk))
	m.Handle("GET /admin.js", s.api(serveScript))
	if s.o.Console != nil {
		m.Handle("GET /audit", s.page(s.auditPage))
		m.Handle("GET /audit.jsonl", s.api(s.auditFile))
	}

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

// CanSignIn reports whether anyone can sign in now: on the hub's console, a
// moderator or the admin password (a moderator added later is read from
// the moderators file without a restart).
func (s *Server) CanSignIn() bool { return s.accounts.any(s.now()) }

// SignedIn reports whether r carries a live session.
func (s *Server) SignedIn(r *http.Request) bool { return s.session(r) != nil }

// ListenAndServe serves the page on Config.Admin.Listen until ctx ends, then
// shuts down gracefully: over HTTPS when UsesTLS says so (a browser that
// comes over plain HTTP is sent to the https:// address on the same port).
// It returns nil after a shutdown, an error when the address or the
// certificate cannot be used.
func (s *Server) ListenAndServe(ctx context.Context) error {
	addr := strings.TrimSpace(s.cfg.Admin.Listen)
	if addr == "" {
		return errors.New("admin page: [admin] listen is not set (for example \"127.0.0.1:8080\")")
	}
	var cert *Certificate
	if UsesTLS(s.cfg.Admin) {
		cert = s.o.Certificate
		if cert == nil {
			var err error
			if cert, err = LoadCertificate(s.cfg); err != nil {
				return fmt.Errorf("admin page: %w", err)
			}
		}
		if cert.Created {
			s.log.Info("admin page certificate made", "file", cert.File, "sha256", cert.Fingerprint)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("admin page: cannot listen on %s: %w", addr, err)
	}
	if cert == nil && !isLoopback(ln.Addr()) {
		s.log.Warn("the admin page is reachable from other machines over plain HTTP ([admin] tls = \"off\"): passwords and cookies cross the LAN readable; keep it behind a TLS proxy", "listen", addr)
	}
	return s.serve(ctx, ln, cert)
}

// serve serves the page on ln until ctx ends, over TLS with cert when it
// is not nil.
func (s *Server) serve(ctx context.Context, ln net.Listener, cert *Certificate) error {
	srv := s.httpServer(ctx, s.handler)
	if cert == nil {
		s.log.Info("admin page listening", "url", "http://"+ln.Addr().String()+"/")
		return s.run(ctx, ln, srv)
	}
	split := newSplitListener(ln)
	go split.run()
	redirect := s.httpServer(ctx, s.checkHost(toHTTPS(ln.Addr())))
	go redirect.Serve(split.plain)
	defer redirect.Close()
	tlsLn := tls.NewListener(split.tls, &tls.Config{
		Certificates: []tls.Certificate{cert.TLS},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
	})
	s.log.Info("admin page listening", "url", "https://"+ln.Addr().String()+"/", "certificate_sha256", cert.Fingerprint)
	err := s.run(ctx, tlsLn, srv)
	ln.Close()
	return err
}

func (s *Server) httpServer(ctx context.Context, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
}

// run serves srv on ln until ctx ends.
func (s *Server) run(ctx context.Context, ln net.Listener, srv *http.Server) error {
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

// securityHeaders keeps every response to the page itself: its own script
// only (no inline or foreign ones), pictures only from this server, no framing, and no Referer that would
// carry picture addresses to the sites posts link to.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}
