package hub

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
)

const (
	token1 = "fleet-token-0123456789abcdef"
	token2 = "fleet-token-rotated-9876543210"
)

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// origin is the feeds' own web server: a Mastodon-like RSS feed, a wins
// CSV and the pictures the posts name. It counts what it is asked, and can
// be made to fail.
type origin struct {
	*httptest.Server
	mu      sync.Mutex
	feeds   map[string][]rssItem // by path
	hits    map[string]int
	auth    map[string]int // requests that carried an Authorization header
	failing atomic.Bool
	pics    map[string][]byte
}

type rssItem struct {
	guid, author, text, image string
	at                        time.Time
}

// newOrigin starts the feeds' server. A 4800×3200 photo costs the hub a
// second or more to shrink: only the test about pictures asks for one.
func newOrigin(t *testing.T, photo ...bool) *origin {
	t.Helper()
	picsOnce.Do(func() {
		pics = map[string][]byte{
			"/pics/team.jpg":   testJPEG(t, 1200, 800, color.RGBA{200, 60, 40, 255}),
			"/pics/ada.jpg":    testJPEG(t, 200, 200, color.RGBA{40, 90, 200, 255}),
			"/pics/huge.jpg":   testJPEG(t, 4800, 3200, color.RGBA{30, 160, 90, 255}),
			"/pics/broken.jpg": []byte("<html>not a picture</html>"),
		}
	})
	o := &origin{hits: map[string]int{}, auth: map[string]int{}, pics: pics}
	now := time.Now().UTC().Truncate(time.Second)
	o.feeds = map[string][]rssItem{
		"/feed.rss": {
			{"p1", "Ada Lovelace", "Our lobby screen now shows the whole fleet's posts. I <3 it!", "/pics/team.jpg", now.Add(-time.Hour)},
			{"p2", "Grace Hopper", "The visitor badge printer shipped this week, thanks to the whole team.", "/pics/ada.jpg", now.Add(-2 * time.Hour)},
			{"p3", "Alan Turing", "A broken picture must not keep this post off the screens.", "/pics/broken.jpg", now.Add(-3 * time.Hour)},
		},
		"/manual.rss": {
			{"m1", "Katherine Johnson", "This one waits for an editor at headquarters before any screen shows it.", "", now.Add(-30 * time.Minute)},
			{"m2", "Dorothy Vaughan", "And this one is for the Berlin office only, pinned for the visit.", "/pics/ada.jpg", now.Add(-40 * time.Minute)},
		},
	}
	if len(photo) > 0 && photo[0] {
		o.feeds["/feed.rss"][1].image = "/pics/huge.jpg"
	}
	o.Server = httptest.NewServer(http.HandlerFunc(o.serve))
	t.Cleanup(o.Close)
	return o
}

func (o *origin) serve(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.hits[r.URL.Path]++
	if r.Header.Get("Authorization") != "" {
		o.auth[r.URL.Path]++
	}
	items, isFeed := o.feeds[r.URL.Path]
	items = append([]rssItem(nil), items...)
	o.mu.Unlock()
	if o.failing.Load() {
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
		return
	}
	switch {
	case isFeed:
		body := o.rss(items)
		w.Header().Set("Content-Type", "application/rss+xml")
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(body))
	case r.URL.Path == "/wins.csv":
		w.Header().Set("Content-Type", "text/csv")
		io.WriteString(w, "label,value,previous,unit,period\nReach,\"1,234,567\",\"1,000,000\",people,November\nShares,4812,,,November\n")
	case o.pics[r.URL.Path] != nil:
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(o.pics[r.URL.Path])
	default:
		http.NotFound(w, r)
	}
}

func (o *origin) rss(items []rssItem) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Team posts</title><link>https://social.example/</link>` + "\n")
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid isPermaLink=\"false\">%s</guid><link>https://social.example/@team/%s</link><dc:creator>%s</dc:creator><pubDate>%s</pubDate><description>%s</description>",
			it.guid, it.guid, it.author, it.at.Format(time.RFC1123Z), strings.ReplaceAll(it.text, "<", "&amp;lt;"))
		switch {
		case strings.HasPrefix(it.image, "http"):
			fmt.Fprintf(&b, `<media:content url="%s" type="image/jpeg" medium="image"/>`, it.image)
		case it.image != "":
			fmt.Fprintf(&b, `<media:content url="%s%s" type="image/jpeg" medium="image"/>`, o.URL, it.image)
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func (o *origin) count(path string) (hits, withAuth int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hits[path], o.auth[path]
}

// The origin's pictures, made once: a 24-megapixel JPEG takes a while.
var (
	picsOnce sync.Once
	pics     map[string][]byte
)

func testJPEG(t testing.TB, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		x := (i / 4) % w
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, uint8(int(c.B)+x%7), 255
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// testHub is a hub on an httptest server over the origin's feeds.
type testHub struct {
	*Hub
	srv   *httptest.Server
	cfg   *config.Config
	eng   *engine.Engine
	clock *clock
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// hubConfig is a hub's config over the origin; extra is appended. Its
// language is pinned to English: the default is the system's locale.
func hubConfig(o *origin, extra string) string {
	return fmt.Sprintf(`name = "HQ hub"
language = "en"
timezone = "Europe/Berlin"

[[source]]
name = "team"
kind = "posts"
url = "%s/feed.rss"
approval = "auto"

[[source]]
name = "waiting-room"
kind = "posts"
url = "%s/manual.rss"
approval = "manual"

[[source]]
name = "wins"
kind = "wins"
url = "%s/wins.csv"

[hub]
listen = "127.0.0.1:0"
tokens = [%q, %q]
%s`, o.URL, o.URL, o.URL, token1, token2, extra)
}

// newTestHub starts a hub over o: sources fetched once, documents
// published, pictures fetched (or given up on) before it returns.
func newTestHub(t *testing.T, o *origin, extra string) *testHub {
	t.Helper()
	return newTestHubIn(t, o, "en", extra)
}

// newTestHubIn is newTestHub with the hub's language set to lang.
func newTestHubIn(t *testing.T, o *origin, lang, extra string) *testHub {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "hub.toml")
	data := []byte(strings.Replace(hubConfig(o, extra), `language = "en"`, `language = "`+lang+`"`, 1))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	cfg.StateDir = filepath.Join(dir, "state")
	eng, err := engine.Open(cfg, engine.Options{Version: "test", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Now()}
	th := &testHub{cfg: cfg, eng: eng, clock: clk}
	th.srv = httptest.NewUnstartedServer(nil)
	th.Hub, err = New(Options{Config: cfg, Data: data, Engine: eng, Version: "test", Logger: quiet(), Now: clk.Now, Tick: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	th.srv.Config.Handler = th.Handler()
	th.srv.Start()
	t.Cleanup(th.srv.Close)
	eng.RefreshOnce(context.Background())
	th.settle(t)
	return th
}

// settle publishes and waits until no picture is being fetched, so the
// documents hold every post and picture there will be.
func (th *testHub) settle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { th.media.run(ctx, make(chan struct{}, 1)); close(done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		th.Publish()
		_, _, waiting, _ := th.media.state()
		if waiting == 0 && !th.mediaBusy() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("pictures still being fetched after 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	th.Publish()
	cancel()
	<-done
}

func (th *testHub) mediaBusy() bool {
	th.media.mu.Lock()
	defer th.media.mu.Unlock()
	for _, e := range th.media.idx {
		if e.busy || (e.File == "" && e.Failures == 0) {
			return true
		}
	}
	return false
}

// get fetches path from the hub with the given headers.
func (th *testHub) get(t *testing.T, path string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodGet, th.srv.URL+path, nil, headers...)
}

func do(t *testing.T, method, url string, body []byte, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	// No transparent gzip and no redirects: the tests see exactly what
	// the hub sends.
	c := &http.Client{Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func bearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
