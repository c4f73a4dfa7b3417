package hub

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"

	"lobbykiosk/kiosk/health"
)

// route is one endpoint. open routes need no token (only /healthz).
type route struct {
	pattern string
	name    string // for the request counts in /metrics
	open    bool
	page    bool // for people: without a session, go and sign in
	metrics bool // also open to [admin] metrics_token (a scraper's)
	fn      http.HandlerFunc
}

func (h *Hub) routeList() []route {
	serveDoc := func(pick func(*edition, *rendered) *doc, kind func(kinds) bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			e, rd, err := h.pub.docs(h.base(r))
			if err != nil {
				http.Error(w, "the hub has not published yet: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
			if kind != nil && !kind(e.kinds) {
				http.Error(w, "the hub has no source of this kind", http.StatusNotFound)
				return
			}
			pick(e, rd).serve(w, r)
		}
	}
	return []route{
		{pattern: "GET /healthz", name: "healthz", open: true, fn: h.healthz},
		{pattern: "GET /" + PostsPath, name: "posts", fn: serveDoc(func(_ *edition, r *rendered) *doc { return r.posts }, func(k kinds) bool { return k.posts })},
		{pattern: "GET /" + WinsPath, name: "wins", fn: serveDoc(func(e *edition, _ *rendered) *doc { return e.wins }, func(k kinds) bool { return k.wins })},
		{pattern: "GET /" + LeaderboardPath, name: "leaderboard", fn: serveDoc(func(_ *edition, r *rendered) *doc { return r.board }, func(k kinds) bool { return k.board })},
		{pattern: "GET /" + RevocationsPath, name: "revocations", fn: serveDoc(func(e *edition, _ *rendered) *doc { return e.revocations }, nil)},
		{pattern: "GET /" + FleetPath, name: "fleet.toml", fn: serveDoc(func(_ *edition, r *rendered) *doc { return r.fleet }, nil)},
		{pattern: "GET /media/{file}", name: "media", fn: h.media.serve},
		{pattern: "POST /beat", name: "beat", fn: h.beat},
		{pattern: "PUT /kiosk/{name}/screen.jpg", name: "thumbnail", fn: h.putThumb},
		{pattern: "GET /kiosk/{name}/screen.jpg", name: "thumbnail-view", fn: h.getThumb},
		{pattern: "GET /fleet", name: "fleet", page: true, fn: h.fleetPage},
		{pattern: "GET /api/fleet", name: "api-fleet", fn: h.apiFleet},
		{pattern: "GET /metrics", name: "metrics", metrics: true, fn: h.metrics},
	}
}

func (h *Hub) routes() {
	h.mux = http.NewServeMux()
	h.Mount(h.mux.Handle)
	h.handler = securityHeaders(h.mux)
}

// securityHeaders: the hub serves data and one read-only page with no
// scripts; nothing of it may be framed or sniffed into something else.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}

// wrap checks the token (or the admin session) and counts the answer.
func (h *Hub) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		defer func() { h.stats.count(rt.name, sw.code) }()
		if !rt.open && !h.authorized(r) && !(rt.metrics && h.metricsToken(r)) {
			if rt.page && h.o.SignedIn != nil {
				http.Redirect(sw, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			sw.Header().Set("WWW-Authenticate", `Bearer realm="lobbykiosk hub"`)
			http.Error(sw, "a fleet token ([fleet] token, sent as Authorization: Bearer …) or an admin session is needed", http.StatusUnauthorized)
			return
		}
		rt.fn(sw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func hashTokens(tokens []string) [][32]byte {
	out := make([][32]byte, len(tokens))
	for i, t := range tokens {
		out[i] = sha256.Sum256([]byte(t))
	}
	return out
}

// authorized: a fleet token or an admin session.
func (h *Hub) authorized(r *http.Request) bool {
	return h.HasToken(r) || h.o.SignedIn != nil && h.o.SignedIn(r)
}

// HasToken reports whether r carries one of the fleet tokens, compared in
// constant time (as hashes, so the comparison takes as long whatever the
// lengths; every token is compared, so which one matched does not show
// either).
func (h *Hub) HasToken(r *http.Request) bool {
	tok, ok := bearerToken(r)
	if !ok {
		return false
	}
	sum := sha256.Sum256([]byte(tok))
	match := 0
	for _, t := range h.tokens {
		match |= subtle.ConstantTimeCompare(sum[:], t[:])
	}
	return match == 1
}

// metricsToken reports whether r carries [admin] metrics_token: a scraper
// that may read /metrics and nothing else.
func (h *Hub) metricsToken(r *http.Request) bool {
	want := h.cfg.Admin.MetricsToken
	tok, ok := bearerToken(r)
	if want == "" || !ok {
		return false
	}
	a, b := sha256.Sum256([]byte(tok)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

func bearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// base is the hub's address as the kiosks use it: [hub] url, else the
// address this request was sent to.
func (h *Hub) base(r *http.Request) string {
	if u := h.cfg.Hub.URL; u != "" {
		return u
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if _, _, err := net.SplitHostPort(host); err != nil && strings.Count(host, ":") > 1 && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host + "/"
}

func (h *Hub) beat(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBeatBytes))
	if err != nil {
		http.Error(w, "heartbeat larger than 16 KiB", http.StatusRequestEntityTooLarge)
		return
	}
	var b health.Beat
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(&b); err != nil || dec.More() {
		http.Error(w, "heartbeat is not one JSON object (health.Beat)", http.StatusBadRequest)
		return
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if err := h.fleet.beat(b, host); err != nil {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeErr(w http.ResponseWriter, err error) {
	var br *badRequest
	switch {
	case errors.As(err, &br):
		http.Error(w, err.Error(), http.StatusBadRequest)
	case errors.Is(err, errFull):
		http.Error(w, err.Error(), http.StatusInsufficientStorage)
	case errors.Is(err, errUnknown):
		http.Error(w, err.Error(), http.StatusNotFound)
	default:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (h *Hub) putThumb(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); ct != "image/jpeg" {
		http.Error(w, "a thumbnail is sent as Content-Type: image/jpeg", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxThumbBytes))
	if err != nil {
		http.Error(w, "thumbnail larger than 256 KiB", http.StatusRequestEntityTooLarge)
		return
	}
	if err := h.fleet.thumbnail(r.PathValue("name"), body); err != nil {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Hub) getThumb(w http.ResponseWriter, r *http.Request) {
	path, at := h.fleet.thumbPath(r.PathValue("name"))
	if path == "" {
		http.Error(w, "no thumbnail from this kiosk yet", http.StatusNotFound)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		http.Error(w, "no thumbnail from this kiosk yet", http.StatusNotFound)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, no-cache")
	http.ServeContent(w, r, "", at, f)
}

// healthz: {"status":"ok"} for anyone while the hub has published; signed
// in (or with a token), what it publishes and from what.
func (h *Hub) healthz(w http.ResponseWriter, r *http.Request) {
	rep := h.health(h.o.Now())
	code := http.StatusOK
	if rep.Status != health.OK {
		code = http.StatusServiceUnavailable
	}
	var body any = rep
	if !h.authorized(r) {
		body = struct {
			Status string `json:"status"`
		}{rep.Status}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(body)
}

// requestStats counts answers by endpoint and status, for /metrics.
type requestStats struct {
	mu sync.Mutex
	n  map[[2]string]int64
}

func newRequestStats() *requestStats { return &requestStats{n: map[[2]string]int64{}} }

func (s *requestStats) count(name string, code int) {
	k := [2]string{name, strconv.Itoa(code)}
	s.mu.Lock()
	s.n[k]++
	s.mu.Unlock()
}

func (s *requestStats) snapshot() map[[2]string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[[2]string]int64, len(s.n))
	for k, v := range s.n {
		out[k] = v
	}
	return out
}
