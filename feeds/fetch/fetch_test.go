package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func fixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// fetchErr asserts that err is an *Error and returns it.
func fetchErr(t *testing.T, err error) *Error {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *fetch.Error", err, err)
	}
	return fe
}

func TestGetConditional(t *testing.T) {
	feed := fixture(t)
	const etag = `"v1"`
	const lastMod = "Mon, 02 Nov 2026 09:15:00 GMT"
	tests := []struct {
		name string
		// header the server sets on 200, and the conditional header it
		// expects back with the same value
		set, expect string
		value       string
		// header the server adds to its 304, if any
		newETag string
		want    Validators // after the 304
	}{
		{name: "etag", set: "ETag", expect: "If-None-Match", value: etag,
			want: Validators{ETag: etag}},
		{name: "last-modified", set: "Last-Modified", expect: "If-Modified-Since", value: lastMod,
			want: Validators{LastModified: lastMod}},
		{name: "304 with a new etag", set: "ETag", expect: "If-None-Match", value: etag, newETag: `"v2"`,
			want: Validators{ETag: `"v2"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var got []string // conditional header of each request
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				cond := r.Header.Get(tt.expect)
				mu.Lock()
				got = append(got, cond)
				mu.Unlock()
				if cond == tt.value {
					if tt.newETag != "" {
						w.Header().Set("ETag", tt.newETag)
					}
					w.WriteHeader(http.StatusNotModified)
					return
				}
				w.Header().Set(tt.set, tt.value)
				w.Header().Set("Content-Type", "application/rss+xml")
				w.Write(feed)
			})
			c := New("test")
			first, err := c.Get(t.Context(), srv.URL+"/feed", Validators{})
			if err != nil {
				t.Fatal(err)
			}
			if first.NotModified || !bytes.Equal(first.Body, feed) || first.Status != 200 {
				t.Fatalf("first fetch: NotModified=%v status=%d body %d bytes, want the feed", first.NotModified, first.Status, len(first.Body))
			}
			if first.ContentType != "application/rss+xml" || first.URL != srv.URL+"/feed" {
				t.Errorf("first fetch: ContentType %q URL %q", first.ContentType, first.URL)
			}
			second, err := c.Get(t.Context(), srv.URL+"/feed", first.Validators)
			if err != nil {
				t.Fatal(err)
			}
			if !second.NotModified || second.Body != nil || second.Status != http.StatusNotModified {
				t.Fatalf("second fetch: NotModified=%v status=%d body %d bytes, want 304 with no body", second.NotModified, second.Status, len(second.Body))
			}
			if second.Validators != tt.want {
				t.Errorf("validators after 304 = %+v, want %+v", second.Validators, tt.want)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 2 || got[0] != "" || got[1] != tt.value {
				t.Errorf("server saw %s = %q, want none then %q", tt.expect, got, tt.value)
			}
		})
	}
}

func TestGetSameETagWithoutConditionalSupport(t *testing.T) {
	// A server that ignores If-None-Match but sends a stable ETag: the body
	// is what the caller holds, so it must not be parsed again.
	feed := fixture(t)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"same"`)
		w.Write(feed)
	})
	c := New("test")
	res, err := c.Get(t.Context(), srv.URL, Validators{ETag: `"same"`, LastModified: "Mon, 02 Nov 2026 09:15:00 GMT"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.NotModified || res.Body != nil {
		t.Fatalf("NotModified=%v body %d bytes, want not modified", res.NotModified, len(res.Body))
	}
	if want := (Validators{ETag: `"same"`, LastModified: "Mon, 02 Nov 2026 09:15:00 GMT"}); res.Validators != want {
		t.Errorf("validators %+v, want %+v", res.Validators, want)
	}
}

func TestGet304ToUnconditionalRequest(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	})
	_, err := New("test").Get(t.Context(), srv.URL+"/feed", Validators{})
	fe := fetchErr(t, err)
	want := srv.URL + "/feed answered 304 Not Modified to a request that asked for the whole feed"
	if err.Error() != want || fe.Status != 304 {
		t.Errorf("got %q (status %d), want %q", err, fe.Status, want)
	}
}

func TestGetStatusErrors(t *testing.T) {
	// A fixed server clock, so a Retry-After date is an exact duration.
	serverNow := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		wantMsg    string // %s is the URL
		wantRetry  time.Duration
		wantTemp   bool
	}{
		{"429 seconds", 429, "120", "429 Too Many Requests from %s (retry after 2m0s)", 2 * time.Minute, true},
		{"429 date", 429, serverNow.Add(90 * time.Second).Format(http.TimeFormat), "429 Too Many Requests from %s (retry after 1m30s)", 90 * time.Second, true},
		{"429 zero is clamped", 429, "0", "429 Too Many Requests from %s (retry after 10s)", MinRetryAfter, true},
		{"429 a week is clamped", 429, "604800", "429 Too Many Requests from %s (retry after 24h0m0s)", MaxRetryAfter, true},
		{"429 garbage retry-after", 429, "soon", "429 Too Many Requests from %s", 0, true},
		{"503 seconds", 503, "30", "503 Service Unavailable from %s (retry after 30s)", 30 * time.Second, true},
		{"503 without retry-after", 503, "", "503 Service Unavailable from %s", 0, true},
		{"500", 500, "", "500 Internal Server Error from %s", 0, true},
		{"500 ignores retry-after", 500, "60", "500 Internal Server Error from %s", 0, true},
		{"404", 404, "", "404 Not Found from %s", 0, false},
		{"401", 401, "", "401 Unauthorized from %s", 0, false},
		{"403", 403, "", "403 Forbidden from %s", 0, false},
		{"410", 410, "", "410 Gone from %s", 0, false},
		{"unknown code keeps the server's reason", 599, "", "599 status code 599 from %s", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Date", serverNow.Format(http.TimeFormat))
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, "<html>the server's error page</html>")
			})
			u := srv.URL + "/feed"
			res, err := New("test").Get(t.Context(), u, Validators{})
			if err == nil {
				t.Fatalf("got a response (status %d), want an error", res.Status)
			}
			fe := fetchErr(t, err)
			if want := fmt.Sprintf(tt.wantMsg, u); err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
			if fe.Status != tt.status || fe.RetryAfter != tt.wantRetry || fe.Temporary != tt.wantTemp || fe.URL != u {
				t.Errorf("got Status=%d RetryAfter=%s Temporary=%v URL=%s, want %d %s %v %s",
					fe.Status, fe.RetryAfter, fe.Temporary, fe.URL, tt.status, tt.wantRetry, tt.wantTemp, u)
			}
			if !errors.Is(err, StatusError(tt.status)) {
				t.Errorf("errors.Is(err, StatusError(%d)) is false", tt.status)
			}
		})
	}
}

func TestGetNoAnswer(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"no headers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}},
		{"headers then nothing", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "<rss>")
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			c := New("test")
			c.Timeout = 50 * time.Millisecond
			_, err := c.Get(t.Context(), srv.URL+"/slow", Validators{})
			fe := fetchErr(t, err)
			if want := "no answer from " + srv.URL + "/slow within 50ms"; err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
			if !errors.Is(err, context.DeadlineExceeded) || !fe.Temporary {
				t.Errorf("errors.Is(DeadlineExceeded)=%v Temporary=%v, want both true", errors.Is(err, context.DeadlineExceeded), fe.Temporary)
			}
		})
	}
}

func TestGetCancelled(t *testing.T) {
	started := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-started
		cancel()
	}()
	_, err := New("test").Get(ctx, srv.URL, Validators{})
	fetchErr(t, err)
	if want := "fetching " + srv.URL + " was cancelled"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if !errors.Is(err, context.Canceled) {
		t.Error("errors.Is(err, context.Canceled) is false")
	}
}

func TestGetConnectionReset(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		// Linger 0 makes Close send a RST instead of a FIN.
		if err := conn.(*net.TCPConn).SetLinger(0); err != nil {
			t.Error(err)
		}
		conn.Close()
	})
	_, err := New("test").Get(t.Context(), srv.URL+"/feed", Validators{})
	fe := fetchErr(t, err)
	if want := "connection reset by " + srv.URL + "/feed"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if !errors.Is(err, syscall.ECONNRESET) || !fe.Temporary {
		t.Errorf("errors.Is(ECONNRESET)=%v Temporary=%v, want both true", errors.Is(err, syscall.ECONNRESET), fe.Temporary)
	}
}

func TestGetConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String() + "/feed"
	ln.Close()
	_, err = New("test").Get(t.Context(), u, Validators{})
	fetchErr(t, err)
	if want := "connection refused by " + u + " (is the server running?)"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Error("errors.Is(err, ECONNREFUSED) is false")
	}
}

// gzipped compresses b once per call.
func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// serveGzip answers with body gzip-encoded, and fails the test unless the
// client offered gzip: the transport must negotiate it on its own.
func serveGzip(t *testing.T, body []byte) *httptest.Server {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("client sent Accept-Encoding %q, want gzip", r.Header.Get("Accept-Encoding"))
			http.Error(w, "gzip only", http.StatusNotAcceptable)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
}

func TestGetGzip(t *testing.T) {
	feed := fixture(t)
	srv := serveGzip(t, gzipped(t, feed))
	res, err := New("test").Get(t.Context(), srv.URL, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Body, feed) {
		t.Errorf("body is %d bytes, want the %d-byte decompressed feed", len(res.Body), len(feed))
	}
}

// streamZeros writes n zero bytes in chunks without a Content-Length (so
// chunked), stopping early when the client goes away.
func streamZeros(w http.ResponseWriter, n int64) {
	chunk := make([]byte, 32<<10)
	for n > 0 {
		k := min(n, int64(len(chunk)))
		if _, err := w.Write(chunk[:k]); err != nil {
			return
		}
		n -= k
	}
}

func TestGetTooLarge(t *testing.T) {
	const fifty = 50 << 20
	// 20 KiB on the wire, 20 MiB of zeros once inflated.
	bomb, err := os.ReadFile(filepath.Join("testdata", "zeros-20MiB.gz"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		maxBody int64 // 0: the default 10 MiB
		handler http.HandlerFunc
		wantCap string
	}{
		{name: "50 MiB streamed", wantCap: "10 MiB", handler: func(w http.ResponseWriter, r *http.Request) {
			w.(http.Flusher).Flush() // commit to chunked: no Content-Length
			streamZeros(w, fifty)
		}},
		{name: "50 MiB declared", wantCap: "10 MiB", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(fifty))
			streamZeros(w, fifty)
		}},
		{name: "gzip that inflates past the cap", wantCap: "10 MiB", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		}},
		{name: "one byte over a small cap", maxBody: 1024, wantCap: "1 KiB", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Write(make([]byte, 1025))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			c := New("test")
			if tt.maxBody > 0 {
				c.MaxBody = tt.maxBody
			}
			u := srv.URL + "/big.xml"
			_, err := c.Get(t.Context(), u, Validators{})
			fe := fetchErr(t, err)
			want := u + " sent more than " + tt.wantCap + " (after decompression); raise max_body or fix the feed"
			if err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
			if !errors.Is(err, ErrTooLarge) || fe.Temporary {
				t.Errorf("errors.Is(ErrTooLarge)=%v Temporary=%v, want true, false", errors.Is(err, ErrTooLarge), fe.Temporary)
			}
		})
	}
}

func TestGetAtTheCap(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 1024)
	tests := []struct {
		name string
		srv  func(t *testing.T) *httptest.Server
	}{
		{"plain", func(t *testing.T) *httptest.Server {
			return serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
		}},
		{"gzip", func(t *testing.T) *httptest.Server { return serveGzip(t, gzipped(t, body)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New("test")
			c.MaxBody = int64(len(body))
			res, err := c.Get(t.Context(), tt.srv(t).URL, Validators{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(res.Body, body) {
				t.Errorf("body is %d bytes, want exactly the %d-byte cap", len(res.Body), len(body))
			}
		})
	}
}

func TestGetUserAgent(t *testing.T) {
	tests := []struct {
		name   string
		client *Client
		want   string
	}{
		{"New", New("1.4.2"), "lobbykiosk/1.4.2 (+office lobby display)"},
		{"New without version", New(""), "lobbykiosk/dev (+office lobby display)"},
		{"zero Client", &Client{}, "lobbykiosk/dev (+office lobby display)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				got = r.Header.Get("User-Agent")
			})
			if _, err := tt.client.Get(t.Context(), srv.URL, Validators{}); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("server saw User-Agent %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGetRedirects(t *testing.T) {
	feed := fixture(t)
	// /hop/N redirects to /hop/N-1; /hop/0 serves the feed.
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ftp" {
			http.Redirect(w, r, "ftp://files.example.com/feed.xml", http.StatusFound)
			return
		}
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if n > 0 {
			http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusMovedPermanently)
			return
		}
		w.Write(feed)
	})
	t.Run("five hops", func(t *testing.T) {
		res, err := New("test").Get(t.Context(), srv.URL+"/hop/5", Validators{})
		if err != nil {
			t.Fatal(err)
		}
		if res.URL != srv.URL+"/hop/0" || !bytes.Equal(res.Body, feed) {
			t.Errorf("final URL %q with %d bytes, want %s/hop/0 and the feed", res.URL, len(res.Body), srv.URL)
		}
	})
	t.Run("six hops", func(t *testing.T) {
		u := srv.URL + "/hop/6"
		_, err := New("test").Get(t.Context(), u, Validators{})
		fe := fetchErr(t, err)
		if want := u + " redirected more than 5 times; point the source at the final address"; err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
		if fe.Temporary {
			t.Error("a redirect loop is marked temporary")
		}
	})
	t.Run("to ftp", func(t *testing.T) {
		u := srv.URL + "/ftp"
		_, err := New("test").Get(t.Context(), u, Validators{})
		fetchErr(t, err)
		if want := u + " redirected to ftp://files.example.com/feed.xml; only http and https are fetched"; err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	})
	t.Run("error after a redirect names both", func(t *testing.T) {
		srv404 := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/old" {
				http.Redirect(w, r, "/new", http.StatusFound)
				return
			}
			http.NotFound(w, r)
		})
		_, err := New("test").Get(t.Context(), srv404.URL+"/old", Validators{})
		fe := fetchErr(t, err)
		want := "404 Not Found from " + srv404.URL + "/new (redirected from " + srv404.URL + "/old)"
		if err.Error() != want || fe.URL != srv404.URL+"/new" {
			t.Errorf("message %q URL %q, want %q", err, fe.URL, want)
		}
	})
}

func TestGetRejectsNonHTTP(t *testing.T) {
	tests := []struct{ url, want string }{
		{"ftp://files.example.com/feed.xml", `only http and https URLs can be fetched, not "ftp://files.example.com/feed.xml" (for a local file give a path instead)`},
		{"file:///srv/feed.xml", `only http and https URLs can be fetched, not "file:///srv/feed.xml" (for a local file give a path instead)`},
		{"/srv/feed.xml", `only http and https URLs can be fetched, not "/srv/feed.xml" (for a local file give a path instead)`},
		{"", `only http and https URLs can be fetched, not "" (for a local file give a path instead)`},
		{"http://", `only http and https URLs can be fetched, not "http://" (for a local file give a path instead)`},
		{"http://exa mple.com/", `"http://exa mple.com/" is not a URL: invalid character " " in host name`},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := New("test").Get(t.Context(), tt.url, Validators{})
			fe := fetchErr(t, err)
			if err.Error() != tt.want || fe.Temporary {
				t.Errorf("message %q (temporary %v), want %q", err, fe.Temporary, tt.want)
			}
		})
	}
}

func TestDescribeNetworkErrors(t *testing.T) {
	// DNS and unreachable networks cannot be produced on a loopback-only
	// test machine, so their errors are built the way net/http returns them.
	const u = "http://feeds.example.com/team.rss"
	urlErr := func(err error) error { return &url.Error{Op: "Get", URL: u, Err: err} }
	tests := []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"dns not found", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "feeds.example.com", IsNotFound: true}}),
			"no such host feeds.example.com (DNS) for " + u, nil},
		{"dns server down", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "feeds.example.com", IsTemporary: true}}),
			"cannot look up host feeds.example.com (DNS) for " + u + ": server misbehaving", nil},
		{"unreachable", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}),
			"cannot reach " + u + ": the network is unreachable (is the kiosk offline?)", syscall.ENETUNREACH},
		{"cut mid-body", io.ErrUnexpectedEOF,
			u + " closed the connection before the answer was complete", io.ErrUnexpectedEOF},
	}
	c := New("test")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := c.describe(t.Context(), t.Context(), u, tt.err)
			if e.Error() != tt.want {
				t.Errorf("message %q, want %q", e, tt.want)
			}
			if !e.Temporary {
				t.Error("not marked temporary")
			}
			if tt.is != nil && !errors.Is(e, tt.is) {
				t.Errorf("errors.Is(%v) is false", tt.is)
			}
			var dns *net.DNSError
			if strings.HasPrefix(tt.name, "dns") && !errors.As(e, &dns) {
				t.Error("errors.As(*net.DNSError) is false")
			}
		})
	}
}

func TestErrorBuiltByHand(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{URL: "http://x/feed", Status: 429, RetryAfter: 2 * time.Minute}, "429 Too Many Requests from http://x/feed (retry after 2m0s)"},
		{&Error{URL: "http://x/feed", Err: errors.New("boom")}, "cannot fetch http://x/feed: boom"},
	}
	for _, tt := range tests {
		if tt.err.Error() != tt.want {
			t.Errorf("got %q, want %q", tt.err, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	date := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	tests := []struct {
		name, value, date string
		want              time.Duration
	}{
		{"seconds", "120", "", 2 * time.Minute},
		{"date against local clock", date(5 * time.Minute), "", 5 * time.Minute},
		// The kiosk's clock says 09:00 but the server's says 12:00: the
		// wait is measured on the server's clock.
		{"date against server clock", date(3*time.Hour + time.Minute), date(3 * time.Hour), time.Minute},
		{"date in the past", date(-time.Hour), "", MinRetryAfter},
		{"below the floor", "3", "", MinRetryAfter},
		{"above the ceiling", "999999999999", "", MaxRetryAfter},
		{"negative", "-5", "", 0},
		{"garbage", "tomorrow", "", 0},
		{"empty", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRetryAfter(tt.value, tt.date, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q, %q) = %s, want %s", tt.value, tt.date, got, tt.want)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	feed := fixture(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "team.xml")
	if err := os.WriteFile(path, feed, 0o644); err != nil {
		t.Fatal(err)
	}
	c := New("test")

	first, err := c.Open(t.Context(), path, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || !bytes.Equal(first.Body, feed) || first.URL != path || first.ContentType != "text/xml; charset=utf-8" {
		t.Fatalf("first open: NotModified=%v %d bytes URL %q type %q", first.NotModified, len(first.Body), first.URL, first.ContentType)
	}

	same, err := c.Open(t.Context(), path, first.Validators)
	if err != nil {
		t.Fatal(err)
	}
	if !same.NotModified || same.Body != nil || same.Validators != first.Validators {
		t.Fatalf("unchanged file: NotModified=%v body %d bytes, validators %+v; want not modified", same.NotModified, len(same.Body), same.Validators)
	}

	// Same length, new content and a new mtime, as when someone saves over it.
	changed := bytes.Replace(feed, []byte("Team blog"), []byte("Team news"), 1)
	if err := os.WriteFile(path, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	again, err := c.Open(t.Context(), path, first.Validators)
	if err != nil {
		t.Fatal(err)
	}
	if again.NotModified || !bytes.Equal(again.Body, changed) || again.Validators == first.Validators {
		t.Fatalf("changed file: NotModified=%v body changed=%v; want the new content and new validators",
			again.NotModified, bytes.Equal(again.Body, changed))
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, make([]byte, 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "x.rss")
	tests := []struct {
		name, path, want string
		is               error
	}{
		{"missing", missing, "file " + missing + ": no such file", fs.ErrNotExist},
		{"folder", dir, "file " + dir + ": is a folder, not a file", nil},
		{"too large", big, "file " + big + " holds more than 1 KiB; raise max_body or trim the file", ErrTooLarge},
		{"no path", "", "no file path given", nil},
	}
	c := New("test")
	c.MaxBody = 1024
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Open(t.Context(), tt.path, Validators{})
			fe := fetchErr(t, err)
			if err.Error() != tt.want || fe.URL != tt.path {
				t.Errorf("message %q URL %q, want %q", err, fe.URL, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v) is false", tt.is)
			}
		})
	}
}

func BenchmarkGet304(b *testing.B) {
	const etag = `"v1"`
	srv := serve(b, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") != etag {
			b.Error("benchmark request without If-None-Match")
		}
		w.WriteHeader(http.StatusNotModified)
	})
	c := New("bench")
	ctx := context.Background()
	v := Validators{ETag: etag}
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.Get(ctx, srv.URL, v)
		if err != nil || !res.NotModified {
			b.Fatalf("got %v, %+v; want 304", err, res)
		}
	}
}

func BenchmarkGet200(b *testing.B) {
	body := bytes.Repeat([]byte("<item>lobby</item>\n"), (1<<20)/19+1)[:1<<20]
	srv := serve(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	c := New("bench")
	ctx := context.Background()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.Get(ctx, srv.URL, Validators{})
		if err != nil || len(res.Body) != len(body) {
			b.Fatalf("got %v; want the 1 MiB body", err)
		}
	}
}

// TestUnreachable tells "no answer at all" (what a kiosk without network
// meets) from a server that answered badly: only the first may make the
// screen say offline.
func TestUnreachable(t *testing.T) {
	const u = "http://feeds.example.com/team.rss"
	urlErr := func(err error) error { return &url.Error{Op: "Get", URL: u, Err: err} }
	c := New("test")
	built := func(err error) error { return c.describe(t.Context(), t.Context(), u, err) }

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/feed"
	ln.Close()
	_, refusedErr := c.Get(t.Context(), refused, Validators{})

	silent := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	slow := New("test")
	slow.Timeout = 50 * time.Millisecond
	_, timeoutErr := slow.Get(t.Context(), silent.URL, Validators{})

	status := serve(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusBadGateway) })
	_, statusErr := c.Get(t.Context(), status.URL, Validators{})
	reset := serve(t, func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	})
	_, resetErr := c.Get(t.Context(), reset.URL, Validators{})

	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", refusedErr, true},
		{"no answer in time", timeoutErr, true},
		{"dns", built(urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "feeds.example.com", IsNotFound: true}})), true},
		{"network unreachable", built(urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)})), true},
		{"502", statusErr, false},
		{"reset by the server", resetErr, false},
		{"cut mid-body", built(io.ErrUnexpectedEOF), false},
		{"not a fetch error", errors.New("parse: not a feed"), false},
		{"nil", nil, false},
	} {
		if got := Unreachable(tt.err); got != tt.want {
			t.Errorf("%s (%v): Unreachable = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
