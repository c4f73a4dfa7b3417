package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Guard keeps fetches of addresses that came from outside (pictures and
// avatars a remote feed names) off the kiosk itself and its LAN: without
// it, a feed could make the kiosk fetch its own /metrics, a router's admin
// page or a printer. The check runs on the address actually connected to
// (a dialer Control hook), after DNS, so a name that resolves to a public
// address when asked and to 127.0.0.1 a moment later (DNS rebinding) is
// caught, and so is every redirect.
//
// Refused: loopback, link-local, unspecified, multicast and broadcast
// addresses, and the kiosk's own — unless it is the very address and port
// of the feed that named the picture (a feed the office serves from the
// kiosk itself). Private ranges (10/8, 172.16/12, 192.168/16, 100.64/10,
// fc00::/7) are refused unless AllowPrivate is set or the request's context
// allows that network (Allow: the feed that named the picture lives there).
type Guard struct {
	AllowPrivate bool
	// OwnAddrs lists the machine's own addresses; nil means the
	// interfaces' addresses, read at most every ownTTL.
	OwnAddrs func() []netip.Addr

	mu      sync.Mutex
	own     []netip.Addr
	ownRead time.Time
}

const ownTTL = time.Minute

// AddressError is a connection the Guard refused.
type AddressError struct {
	Addr   netip.Addr
	Reason string // "a loopback address", "a private (LAN) address", …
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("%s is %s", e.Addr, e.Reason)
}

// ErrRefusedAddress is wrapped by every *AddressError, so callers can
// errors.Is for it.
var ErrRefusedAddress = errors.New("address refused")

func (e *AddressError) Is(target error) bool { return target == ErrRefusedAddress }

// Allowance is what a request may reach besides public addresses: the
// networks and the exact host:port of the feed that named it.
type Allowance struct {
	Networks []netip.Prefix
	Hosts    []netip.AddrPort
}

type allowanceKey struct{}

// Allow returns a context under which a guarded fetch may also connect to
// what a grants.
func Allow(ctx context.Context, a Allowance) context.Context {
	if len(a.Networks) == 0 && len(a.Hosts) == 0 {
		return ctx
	}
	prev, _ := ctx.Value(allowanceKey{}).(Allowance)
	prev.Networks = append(append([]netip.Prefix(nil), prev.Networks...), a.Networks...)
	prev.Hosts = append(append([]netip.AddrPort(nil), prev.Hosts...), a.Hosts...)
	return context.WithValue(ctx, allowanceKey{}, prev)
}

// Check says whether a connection to ap may be made under ctx.
func (g *Guard) Check(ctx context.Context, ap netip.AddrPort) error {
	a := ap.Addr().Unmap()
	allow, _ := ctx.Value(allowanceKey{}).(Allowance)
	for _, h := range allow.Hosts {
		if h.Addr().Unmap() == a && h.Port() == ap.Port() {
			return nil
		}
	}
	switch {
	case !a.IsValid():
		return &AddressError{Addr: a, Reason: "not an address"}
	case a.IsLoopback():
		return &AddressError{Addr: a, Reason: "a loopback address (the kiosk itself)"}
	case a.IsUnspecified() || a.Is4() && a.As4()[0] == 0:
		return &AddressError{Addr: a, Reason: "an unspecified address (the kiosk itself)"}
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		return &AddressError{Addr: a, Reason: "a link-local address"}
	case a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return &AddressError{Addr: a, Reason: "a multicast or broadcast address"}
	}
	for _, o := range g.ownAddrs() {
		if o.Unmap() == a {
			return &AddressError{Addr: a, Reason: "one of the kiosk's own addresses"}
		}
	}
	if !private(a) || g.AllowPrivate {
		return nil
	}
	for _, n := range allow.Networks {
		if n.Contains(a) {
			return nil
		}
	}
	return &AddressError{Addr: a, Reason: "a private (LAN) address, and the feed that named it is not on that network (set [fetch] allow_private = true to allow it)"}
}

// private reports whether a is in a range used inside networks, including
// carrier-grade NAT's shared range.
func private(a netip.Addr) bool {
	return a.IsPrivate() || cgnat.Contains(a)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func (g *Guard) ownAddrs() []netip.Addr {
	if g.OwnAddrs != nil {
		return g.OwnAddrs()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.own != nil && time.Since(g.ownRead) < ownTTL {
		return g.own
	}
	g.own = g.own[:0]
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, ad := range addrs {
			if p, err := netip.ParsePrefix(ad.String()); err == nil {
				g.own = append(g.own, p.Addr().Unmap())
			}
		}
	}
	g.ownRead = time.Now()
	return g.own
}

// control is the dialer's Control hook for one dial under ctx: it sees the
// address the socket is about to connect to.
func (g *Guard) control(ctx context.Context) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &AddressError{Reason: "not an address: " + address}
		}
		return g.Check(ctx, ap)
	}
}

// NewGuarded returns a Client like New's whose every connection passes g.
// Through an HTTP proxy (from the environment) the connection is to the
// proxy, which the office chose, so there the target's addresses are
// looked up and checked before the request instead: that misses a DNS
// rebinding between the check and the proxy's own lookup, which only a
// proxy can close.
func NewGuarded(version string, g *Guard) *Client {
	c := New(version)
	tr := c.HTTP.Transport.(*http.Transport)
	// A kept-alive connection would carry a later request to the same
	// host:port without a new check, under another request's allowed
	// networks. Pictures are fetched once and kept on disk: a handshake
	// each costs little.
	tr.DisableKeepAlives = true
	base := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	proxy := tr.Proxy
	proxied := func(req *http.Request) bool {
		if proxy == nil {
			return false
		}
		u, err := proxy(req)
		return err == nil && u != nil
	}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if viaProxy(ctx) {
			return base.DialContext(ctx, network, addr)
		}
		d := *base
		d.Control = g.control(ctx)
		return d.DialContext(ctx, network, addr)
	}
	c.HTTP.Transport = guardedTransport{tr: tr, g: g, proxied: proxied}
	return c
}

type proxyKey struct{}

func viaProxy(ctx context.Context) bool { v, _ := ctx.Value(proxyKey{}).(bool); return v }

// guardedTransport checks a proxied request's target before it leaves.
type guardedTransport struct {
	tr      *http.Transport
	g       *Guard
	proxied func(*http.Request) bool
}

func (t guardedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.proxied(req) {
		return t.tr.RoundTrip(req)
	}
	if err := t.checkHost(req.Context(), req.URL); err != nil {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: err}
	}
	return t.tr.RoundTrip(req.WithContext(context.WithValue(req.Context(), proxyKey{}, true)))
}

func (t guardedTransport) checkHost(ctx context.Context, u *url.URL) error {
	addrs, err := lookup(ctx, u)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if err := t.g.Check(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// lookup resolves u's host to addresses with u's port.
func lookup(ctx context.Context, u *url.URL) ([]netip.AddrPort, error) {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("port %q: %w", port, err)
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(u.Hostname()); err == nil {
		addrs = []netip.Addr{a}
	} else if addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname()); err != nil {
		return nil, err
	}
	out := make([]netip.AddrPort, len(addrs))
	for i, a := range addrs {
		out[i] = netip.AddrPortFrom(a.Unmap(), uint16(p))
	}
	return out, nil
}

// FeedAllowance is what pictures named by the feed at rawURL may reach: the
// feed's own address and port, and, when that is private, its network (its
// /24, or /64 for IPv6): a feed on the intranet may have its pictures on
// the intranet server next to it. A feed on the internet opens no LAN.
func FeedAllowance(ctx context.Context, rawURL string) Allowance {
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return Allowance{}
	}
	addrs, err := lookup(ctx, u)
	if err != nil {
		return Allowance{}
	}
	var a Allowance
	for _, ap := range addrs {
		a.Hosts = append(a.Hosts, ap)
		if !private(ap.Addr()) {
			continue
		}
		bits := 24
		if ap.Addr().Is6() {
			bits = 64
		}
		p, _ := ap.Addr().Prefix(bits)
		a.Networks = append(a.Networks, p)
	}
	return a
}
