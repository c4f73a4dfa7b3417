package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

func TestGuardCheck(t *testing.T) {
	own := netip.MustParseAddr("192.168.1.20")
	g := &Guard{OwnAddrs: func() []netip.Addr { return []netip.Addr{own} }}
	lan := Allowance{Networks: []netip.Prefix{netip.MustParsePrefix("10.1.2.0/24")}}
	feedHost := Allowance{Hosts: []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:9000")}}
	for _, tc := range []struct {
		addr  string
		allow Allowance
		want  string // "" allowed, else part of the reason
	}{
		{"93.184.215.14:443", Allowance{}, ""},
		{"[2606:4700::6810:85e5]:443", Allowance{}, ""},
		{"127.0.0.1:8080", Allowance{}, "loopback"},
		{"127.9.9.9:80", Allowance{}, "loopback"},
		{"[::1]:8080", Allowance{}, "loopback"},
		{"[::ffff:127.0.0.1]:8080", Allowance{}, "loopback"},
		{"0.0.0.0:80", Allowance{}, "unspecified"},
		{"0.1.2.3:80", Allowance{}, "unspecified"},
		{"169.254.169.254:80", Allowance{}, "link-local"},
		{"[fe80::1]:80", Allowance{}, "link-local"},
		{"224.0.0.1:80", Allowance{}, "link-local"},
		{"239.1.2.3:80", Allowance{}, "multicast"},
		{"255.255.255.255:80", Allowance{}, "broadcast"},
		{"192.168.1.20:8443", Allowance{}, "the kiosk's own"},
		{"192.168.1.20:8443", Allowance{Networks: []netip.Prefix{netip.MustParsePrefix("192.168.1.0/24")}}, "the kiosk's own"},
		{"10.1.2.3:80", Allowance{}, "private (LAN)"},
		{"172.20.0.5:80", Allowance{}, "private (LAN)"},
		{"100.100.1.1:80", Allowance{}, "private (LAN)"},
		{"[fd12::5]:80", Allowance{}, "private (LAN)"},
		{"10.1.2.3:80", lan, ""},
		{"10.1.3.3:80", lan, "private (LAN)"},
		{"10.1.2.3:80", lan, ""},
		// The feed's own address and port, even on the kiosk itself; not
		// another port there.
		{"127.0.0.1:9000", feedHost, ""},
		{"127.0.0.1:8443", feedHost, "loopback"},
	} {
		err := g.Check(Allow(context.Background(), tc.allow), netip.MustParseAddrPort(tc.addr))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: refused (%v), want allowed", tc.addr, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrRefusedAddress)):
			t.Errorf("%s: %v, want refused as %q", tc.addr, err, tc.want)
		}
	}
	all := &Guard{AllowPrivate: true, OwnAddrs: g.OwnAddrs}
	if err := all.Check(context.Background(), netip.MustParseAddrPort("10.9.9.9:80")); err != nil {
		t.Errorf("allow_private: %v", err)
	}
	if err := all.Check(context.Background(), netip.MustParseAddrPort("127.0.0.1:80")); err == nil {
		t.Error("allow_private opened loopback")
	}
}

// Through a real connection: the picture on the kiosk's own loopback is
// never requested, whether named by address, by a name that resolves to
// it (as a rebound DNS name does), or reached by a redirect.
func TestGuardedClientRefusesLoopback(t *testing.T) {
	var secret atomic.Int64
	kiosk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret.Add(1)
		w.Write([]byte("lobbykiosk_info{name=\"HQ\"} 1"))
	}))
	defer kiosk.Close()
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pic.jpg":
			w.Write([]byte("picture"))
		default:
			http.Redirect(w, r, kiosk.URL+"/metrics", http.StatusFound)
		}
	}))
	defer feed.Close()
	c := NewGuarded("test", &Guard{})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(kiosk.URL, "http://"))
	for _, u := range []string{kiosk.URL + "/metrics", "http://localhost:" + port + "/metrics"} {
		_, err := c.Get(context.Background(), u, Validators{})
		var fe *Error
		if !errors.As(err, &fe) || !errors.Is(err, ErrRefusedAddress) || fe.Temporary || !strings.Contains(err.Error(), "refused to fetch "+u+": 127.0.0.1 is a loopback address") {
			t.Errorf("%s: %v, want refused as loopback", u, err)
		}
	}
	// The feed's own host may serve its pictures; its redirect to the
	// kiosk's port is refused at connect time.
	ctx := Allow(context.Background(), FeedAllowance(context.Background(), feed.URL+"/feed.xml"))
	if r, err := c.Get(ctx, feed.URL+"/pic.jpg", Validators{}); err != nil || string(r.Body) != "picture" {
		t.Errorf("a picture on the feed's own host: %v", err)
	}
	if _, err := c.Get(ctx, feed.URL+"/moved.jpg", Validators{}); !errors.Is(err, ErrRefusedAddress) {
		t.Errorf("redirect to the kiosk: %v, want refused", err)
	}
	if n := secret.Load(); n != 0 {
		t.Errorf("the kiosk's own server was asked %d times", n)
	}
}

func TestFeedAllowance(t *testing.T) {
	for _, tc := range []struct{ url, nets, hosts string }{
		{"http://10.20.30.40/feed.xml", "[10.20.30.0/24]", "[10.20.30.40:80]"},
		{"https://[fd00:1:2:3::9]:8443/f", "[fd00:1:2:3::/64]", "[[fd00:1:2:3::9]:8443]"},
		{"https://93.184.215.14/feed", "[]", "[93.184.215.14:443]"},
		{"not a url", "[]", "[]"},
	} {
		a := FeedAllowance(context.Background(), tc.url)
		if got := fmtList(a.Networks); got != tc.nets {
			t.Errorf("%s: networks %s, want %s", tc.url, got, tc.nets)
		}
		if got := fmtList(a.Hosts); got != tc.hosts {
			t.Errorf("%s: hosts %s, want %s", tc.url, got, tc.hosts)
		}
	}
}

func fmtList[T interface{ String() string }](v []T) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = x.String()
	}
	return "[" + strings.Join(s, " ") + "]"
}
