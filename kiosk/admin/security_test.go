package admin

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lobbykiosk/kiosk/config"
)

// 200 sign-ins with wrong passwords sent at once from one address: the
// race gains nothing. Only FreeFailures passwords are compared (the rest
// wait their turn and find the address locked), the rest are refused, and
// then the right password from that address is refused too — while a
// browser elsewhere signs in at once.
func TestSignInRaceFromOneAddress(t *testing.T) {
	f := newFixture(t)
	var compared atomic.Int64
	f.srv.limit.compared = func() { compared.Add(1) }
	srv := httptest.NewServer(f.srv.Handler())
	defer srv.Close()

	// One sign-in form, as a script would fetch it once and replay it.
	res, err := http.Get(srv.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := csrfField.FindStringSubmatch(string(body))[1]
	cookie := res.Cookies()[0]
	post := func(password string) int {
		form := url.Values{"csrf": {tok}, "password": {password}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/signin", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}

	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	startLine := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startLine
			c := post(fmt.Sprintf("guess %d", i))
			mu.Lock()
			codes[c]++
			mu.Unlock()
		}()
	}
	close(startLine)
	wg.Wait()
	if got := compared.Load(); got != FreeFailures {
		t.Errorf("%d passwords compared out of %d sent at once, want %d", got, n, FreeFailures)
	}
	if codes[http.StatusUnauthorized] != FreeFailures || codes[http.StatusTooManyRequests] != n-FreeFailures {
		t.Errorf("answers %v, want %d×401 and the rest 429", codes, FreeFailures)
	}
	if c := post(testPassword); c != http.StatusTooManyRequests {
		t.Errorf("right password from the locked address: %d, want 429", c)
	}
	// The manager's phone, elsewhere on the LAN.
	b := f.browser("192.168.1.77")
	if r := b.signIn(testPassword); r.StatusCode != http.StatusSeeOther {
		t.Errorf("right password from another address during the attack: %d\n%s", r.StatusCode, r.body)
	}
}

// Guessing from 60 other addresses, three times each, never locks out the
// admin's address: its right password gets in at once. The neighbours are
// locked one by one, each for its own guesses.
func TestOthersCannotLockOutTheAdmin(t *testing.T) {
	f := newFixture(t)
	f.srv.limit.gate = newGate(1000, 1000) // this test is about locks, not the ration
	for round := range 3 {
		for i := range 60 {
			b := f.browser(fmt.Sprintf("192.168.1.%d", 100+i))
			if r := b.signIn("not it"); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("round %d, address %d: %d, want 401", round, i, r.StatusCode)
			}
		}
		b := f.browser("192.168.1.20")
		if r := b.signIn(testPassword); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("after %d wrong passwords from elsewhere, the right one: %d\n%s", 60*(round+1), r.StatusCode, r.body)
		}
	}
	// IPv6: one machine owns a whole /64, so its addresses share a count.
	for i := range FreeFailures {
		b := f.browser(fmt.Sprintf("2001:db8:1:2::%x", i+1))
		if r := b.signIn("not it"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("IPv6 guess %d: %d", i, r.StatusCode)
		}
	}
	if r := f.browser("2001:db8:1:2::ffff").signIn("not it"); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64 after %d failures: %d, want 429", FreeFailures, r.StatusCode)
	}
	if r := f.browser("2001:db8:1:3::1").signIn(testPassword); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the next /64: %d, want in", r.StatusCode)
	}
}

// The global ration slows comparisons down without refusing an address
// that has no failures, and serves such addresses before those with some.
func TestGateServesCleanAddressesFirst(t *testing.T) {
	g := newGate(20, 1) // a token every 50 ms
	ctx := context.Background()
	if err := g.wait(ctx, true); err != nil { // the burst
		t.Fatal(err)
	}
	order := make(chan string, 10)
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.wait(ctx, false); err == nil {
				order <- fmt.Sprintf("suspect %d", i)
			}
		}()
	}
	// Let the suspects queue, then a clean address arrives.
	for {
		g.mu.Lock()
		n := len(g.queue[1])
		g.mu.Unlock()
		if n == 5 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if err := g.wait(ctx, true); err != nil {
		t.Fatal(err)
	}
	order <- "clean"
	waited := time.Since(start)
	wg.Wait()
	close(order)
	first := <-order
	if first != "clean" {
		t.Errorf("served first: %s, want the clean address ahead of the queue", first)
	}
	if waited > time.Second {
		t.Errorf("the clean address waited %v behind five suspects", waited)
	}
	// A suspect that waits too long is asked to come back, not kept.
	g = newGate(0.001, 1)
	g.maxWait = 20 * time.Millisecond
	g.wait(ctx, true)
	if err := g.wait(ctx, false); err != errBusy {
		t.Errorf("suspect past maxWait: %v, want errBusy", err)
	}
}

// Behind a TLS proxy the cookie is Secure, and the limit counts the
// browser's address, not the proxy's. Headers from anyone else are not
// believed.
func TestBehindATrustedProxy(t *testing.T) {
	f := newFixtureWith(t, `trusted_proxies = ["10.0.0.1"]`)
	via := func(peer, proto, xff string) *browser {
		b := f.browser(peer)
		b.header.Set("X-Forwarded-Proto", proto)
		if xff != "" {
			b.header.Set("X-Forwarded-For", xff)
		}
		return b
	}
	b := via("10.0.0.1", "https", "192.0.2.44")
	b.mustSignIn()
	if c := b.cookies[sessionCookie]; c == nil || !c.Secure {
		t.Fatalf("session cookie through the proxy over HTTPS: %+v, want Secure", c)
	}
	if c := b.cookies[signinCookie]; c != nil {
		t.Errorf("the sign-in cookie was not cleared")
	}
	if !strings.Contains(f.logs.String(), "admin signed in\" ip=192.0.2.44") && !strings.Contains(f.logs.String(), "ip=192.0.2.44") {
		t.Errorf("the sign-in is not logged with the browser's address:\n%s", f.logs.String())
	}
	// Not from the proxy: the header is a lie.
	liar := via("192.168.1.66", "https", "")
	liar.mustSignIn()
	if c := liar.cookies[sessionCookie]; c == nil || c.Secure {
		t.Errorf("a browser on plain HTTP claiming https got %+v", c)
	}
	// Plain HTTP through the proxy: no Secure flag the browser would drop.
	if c := via("10.0.0.1", "http", "192.0.2.45"); true {
		c.mustSignIn()
		if ck := c.cookies[sessionCookie]; ck == nil || ck.Secure {
			t.Errorf("plain HTTP through the proxy: %+v", ck)
		}
	}

	// Each browser behind the proxy has its own count; a forged
	// X-Forwarded-For entry to the left of the proxy's is not believed.
	for i := range FreeFailures {
		b := via("10.0.0.1", "https", fmt.Sprintf("203.0.113.%d, 192.0.2.50", i))
		if r := b.signIn("wrong"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, r.StatusCode)
		}
	}
	if r := via("10.0.0.1", "https", "203.0.113.99, 192.0.2.50").signIn(testPassword); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the guesser with a new forged entry: %d, want 429 (its address is 192.0.2.50)", r.StatusCode)
	}
	if r := via("10.0.0.1", "https", "192.0.2.51").signIn(testPassword); r.StatusCode != http.StatusSeeOther {
		t.Errorf("another browser behind the same proxy: %d, want in", r.StatusCode)
	}
	// A client that is not a proxy cannot pick an address to be.
	for i := range FreeFailures {
		b := via("192.168.1.70", "https", fmt.Sprintf("192.0.2.%d", 100+i))
		if r := b.signIn("wrong"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("direct guess %d: %d", i, r.StatusCode)
		}
	}
	if r := via("192.168.1.70", "https", "192.0.2.200").signIn(testPassword); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a direct guesser with X-Forwarded-For: %d, want 429", r.StatusCode)
	}
}

// DNS rebinding: a page on evil.example whose name now points at the kiosk
// reaches neither the sign-in nor /metrics.
func TestHostMustNameTheKiosk(t *testing.T) {
	f := newFixtureWith(t, `hostnames = ["lobby.example.com"]`)
	f.srv.Mount("/metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !f.srv.MetricsAllowed(r) {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "lobbykiosk_info 1")
	}))
	for _, tc := range []struct {
		host string
		code int
	}{
		{"evil.example", http.StatusMisdirectedRequest},
		{"evil.example:8443", http.StatusMisdirectedRequest},
		{"lobby.example.com.evil.example", http.StatusMisdirectedRequest},
		{"", http.StatusMisdirectedRequest},
		{"lobby.example.com", http.StatusOK},
		{"LOBBY.example.com.:8443", http.StatusOK},
		{"192.168.1.20:8443", http.StatusOK},
		{"[fd00::20]:8443", http.StatusOK},
		{"localhost:8080", http.StatusOK},
	} {
		for _, path := range []string{"/signin", "/metrics"} {
			b := f.browser("192.168.1.80")
			b.host = tc.host
			r := b.get(path)
			want := tc.code
			if path == "/metrics" && want == http.StatusOK {
				want = http.StatusUnauthorized
			}
			if r.StatusCode != want {
				t.Errorf("Host %q %s: %d, want %d", tc.host, path, r.StatusCode, want)
			}
			if want == http.StatusMisdirectedRequest && !strings.Contains(r.body, "[admin] hostnames") {
				t.Errorf("Host %q: the refusal does not say what to do: %s", tc.host, r.body)
			}
		}
	}
}

func TestMetricsToken(t *testing.T) {
	f := newFixtureWith(t, `metrics_token = "3f1c0a9d5e7b2468"`)
	for _, tc := range []struct {
		auth string
		want bool
	}{
		{"", false},
		{"Bearer 3f1c0a9d5e7b2468", true},
		{"bearer 3f1c0a9d5e7b2468", true},
		{"Bearer 3f1c0a9d5e7b246", false},
		{"Bearer 3f1c0a9d5e7b24689", false},
		{"Basic M2YxYzBhOWQ1ZTdiMjQ2OA==", false},
		{"Bearer ", false},
	} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		if got := f.srv.MetricsAllowed(req); got != tc.want {
			t.Errorf("Authorization %q: allowed %v, want %v", tc.auth, got, tc.want)
		}
	}
	// Without a token configured no bearer opens it.
	g := newFixture(t)
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer ")
	if g.srv.MetricsAllowed(req) {
		t.Error("an empty bearer token opened /metrics")
	}
}

// On the LAN the page speaks HTTPS with a certificate it makes once and
// keeps; a browser that comes over plain HTTP on the same port is sent to
// https://; the session cookie is Secure.
func TestHTTPSOnTheLAN(t *testing.T) {
	f := newFixtureWith(t, `tls = "on"`)
	if !UsesTLS(f.cfg.Admin) {
		t.Fatal("tls = on, but UsesTLS is false")
	}
	for listen, want := range map[string]bool{"127.0.0.1:8080": false, "localhost:8080": false, "[::1]:8080": false, "0.0.0.0:8443": true, ":8443": true, "192.168.1.20:8443": true} {
		if got := UsesTLS(configAdmin(listen, "auto")); got != want {
			t.Errorf("tls auto, listen %s: HTTPS %v, want %v", listen, got, want)
		}
	}
	if UsesTLS(configAdmin("0.0.0.0:8080", "off")) {
		t.Error("tls = off still serves HTTPS")
	}
	cert, err := LoadCertificate(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !cert.Created || !cert.SelfSigned {
		t.Errorf("first start: %+v, want a new self-signed certificate", cert)
	}
	again, err := LoadCertificate(f.cfg)
	if err != nil || again.Fingerprint != cert.Fingerprint || again.Created {
		t.Errorf("second start: %v %+v, want the same certificate (%s)", err, again, cert.Fingerprint)
	}
	if fp, _, err := ReadFingerprint(f.cfg); err != nil || fp != cert.Fingerprint {
		t.Errorf("ReadFingerprint = %q, %v; want %s", fp, err, cert.Fingerprint)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.srv.serve(ctx, ln, cert) }()
	addr := ln.Addr().String()

	var seen string
	client := &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{
			InsecureSkipVerify: true, // self-signed: checked by fingerprint below
			VerifyConnection: func(cs tls.ConnectionState) error {
				sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
				seen = strings.ToUpper(hex.EncodeToString(sum[:]))
				return nil
			},
		}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Get("https://" + addr + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || strings.ReplaceAll(cert.Fingerprint, ":", "") != seen {
		t.Errorf("GET https://…/signin: %d, certificate %s, want 200 and %s", res.StatusCode, seen, cert.Fingerprint)
	}
	if c := res.Cookies(); len(c) == 0 || !c[0].Secure {
		t.Errorf("cookies over HTTPS: %v, want Secure", c)
	}
	res, err = client.Get("http://" + addr + "/sources?x=1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusPermanentRedirect || res.Header.Get("Location") != "https://"+addr+"/sources?x=1" {
		t.Errorf("plain HTTP: %d to %q, want 308 to https://%s/sources?x=1", res.StatusCode, res.Header.Get("Location"), addr)
	}
	// The redirect answers only names the kiosk has, too.
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	req.Host = "evil.example"
	if res, err := client.Do(req); err != nil || res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("plain HTTP for evil.example: %v %v", res.StatusCode, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("after the context ended: %v", err)
	}
	if _, err := client.Get("https://" + addr + "/signin"); err == nil {
		t.Error("still serving after the context ended")
	}
}

func configAdmin(listen, mode string) (a config.Admin) {
	a.Listen, a.TLS = listen, mode
	return a
}

// A broken picture is fetched once: the next page views show why it is
// missing instead of asking its server again, and the log says it once.
func TestBrokenPictureIsRemembered(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.168.1.90")
	b.mustSignIn()
	noor := f.post("Noor")
	for range 3 {
		if r := b.get("/image?src=" + url.QueryEscape(noor.Image)); r.StatusCode != http.StatusBadGateway || !strings.Contains(r.body, "404 Not Found") {
			t.Fatalf("broken picture: %d %s", r.StatusCode, r.body)
		}
	}
	if n, _ := f.picHits.Load("/gone.jpg"); n == nil || n.(*atomic.Int64).Load() != 1 {
		t.Errorf("the broken picture was fetched %v times, want once", n)
	}
	if n := strings.Count(f.logs.String(), "admin picture not loaded"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, f.logs.String())
	}
	q := b.get("/")
	if !strings.Contains(q.text, "Picture not shown: image "+noor.Image+": 404 Not Found from "+noor.Image) || !strings.Contains(q.text, "tried again after") {
		t.Errorf("the queue does not say why the picture is missing:\n%s", q.body)
	}
	if slicesContains(q.pictures(), noor.Image) {
		t.Error("the queue still asks for the broken picture")
	}
}

func slicesContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
