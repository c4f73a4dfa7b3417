package admin

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"

	"lobbykiosk/kiosk/config"
)

// door is who may knock and how they are seen: which reverse proxies are
// believed about the client's address and scheme, and which host names the
// page answers to.
type door struct {
	proxies []netip.Prefix
	// names are the host names accepted besides IP literals, lower case.
	names map[string]bool
	// metricsToken opens /metrics without a session; "" means none does.
	metricsToken string
}

func newDoor(c *config.Config) door {
	a := c.Admin
	d := door{names: map[string]bool{"localhost": true}, metricsToken: a.MetricsToken}
	// The hub answers to the name the kiosks are given ([hub] url).
	if u, err := url.Parse(c.Hub.URL); err == nil && u.Hostname() != "" {
		d.names[strings.ToLower(u.Hostname())] = true
	}
	for _, p := range a.TrustedProxies {
		if pp, err := config.ParsePrefix(p); err == nil {
			d.proxies = append(d.proxies, pp)
		}
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		h = strings.ToLower(h)
		d.names[h] = true
		// mDNS: how a phone on the LAN usually finds a Pi.
		d.names[strings.TrimSuffix(h, ".local")+".local"] = true
	}
	for _, h := range a.Hostnames {
		d.names[strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))] = true
	}
	return d
}

func peer(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		a, _ := netip.ParseAddr(r.RemoteAddr)
		return a.Unmap()
	}
	return ap.Addr().Unmap()
}

func (d door) trusted(a netip.Addr) bool {
	for _, p := range d.proxies {
		if a.IsValid() && p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the address of the browser: the peer's, or, when the peer is
// a trusted proxy, the nearest address in X-Forwarded-For that is not one
// of the trusted proxies. Entries further left were written by the client
// itself and are never believed: they would let anyone dodge the sign-in
// limit.
func (s *Server) clientIP(r *http.Request) string {
	p := peer(r)
	if !p.IsValid() {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return r.RemoteAddr
		}
		return host
	}
	if !s.door.trusted(p) {
		return p.String()
	}
	hops := forwardedFor(r.Header.Values("X-Forwarded-For"))
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			break // a garbled header: the proxy is the client we know
		}
		a = a.Unmap()
		if !s.door.trusted(a) {
			return a.String()
		}
		p = a
	}
	return p.String()
}

func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				out = append(out, h)
			}
		}
	}
	return out
}

// secure reports whether the browser speaks HTTPS to us: directly, or to a
// trusted proxy that says so.
func (s *Server) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.door.trusted(peer(r)) {
		return false
	}
	proto := r.Header.Get("X-Forwarded-Proto")
	if i := strings.IndexByte(proto, ','); i >= 0 {
		proto = proto[:i] // the first proxy's view is the browser's
	}
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

func (s *Server) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		// Whenever the browser speaks HTTPS the cookie must never travel
		// over plain HTTP.
		Secure: s.secure(r),
	}
}

// hostOK reports whether the Host header names this kiosk: an IP address
// (the browser went to the address itself), localhost, the machine's name,
// or one of [admin] hostnames. Anything else is a name someone else
// controls pointing at us (DNS rebinding), which must reach neither the
// sign-in nor /metrics.
func (d door) hostOK(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "" {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	return d.names[host]
}

// checkHost refuses requests for names the page does not answer to.
func (s *Server) checkHost(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.door.hostOK(r.Host) && !s.kiosk(r) {
			s.log.Warn("admin request for another host name refused", "host", r.Host, "ip", s.clientIP(r), "path", r.URL.Path)
			http.Error(w, "This kiosk does not answer to the name "+clipHost(r.Host)+". If that is its name on your network, add it to [admin] hostnames in the kiosk's config.", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// kiosk reports whether r is a kiosk's request to the hub, with its fleet
// token: not a browser's, so not one DNS rebinding could make.
func (s *Server) kiosk(r *http.Request) bool {
	return s.o.Console != nil && s.o.Console.Token != nil && s.o.Console.Token(r)
}

func clipHost(h string) string {
	if len(h) > 100 {
		h = h[:100] + "…"
	}
	return "\u201c" + h + "\u201d"
}

// bearerOK reports whether r carries the metrics token.
func (d door) bearerOK(r *http.Request) bool {
	if d.metricsToken == "" {
		return false
	}
	auth := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(auth) <= len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(auth[len(prefix):])), []byte(d.metricsToken)) == 1
}

// MetricsAllowed reports whether r may read /metrics: a signed-in browser,
// or a scraper with [admin] metrics_token as its bearer token.
func (s *Server) MetricsAllowed(r *http.Request) bool {
	return s.door.bearerOK(r) || s.SignedIn(r)
}
