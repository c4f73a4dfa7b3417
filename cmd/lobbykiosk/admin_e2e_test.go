package main

// End-to-end test of the admin page in a real browser: headless Chromium
// signs in, sees the waiting post with its picture, and approves it; then
// `lobbykiosk content --json` must show that post as shown. The admin server
// runs in-process over an engine opened from the same config the commands
// read (the page is the same handler `lobbykiosk run` serves, without the
// need for an X server). Skips when chromium is missing, unless
// LOBBYKIOSK_E2E=1.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lobbykiosk/assets"
	"lobbykiosk/kiosk/admin"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/slide"
)

const e2eFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>Tern &amp; Timber Journal</title>
    <link>https://journal.example.com/</link>
    <description>Stories from the people who make Tern &amp; Timber</description>
    <item>
      <title>Lyon is open</title>
      <link>https://journal.example.com/2026/11/lyon</link>
      <guid isPermaLink="false">journal-1001</guid>
      <dc:creator>Ada Lovelace</dc:creator>
      <pubDate>%s</pubDate>
      <description>Our new office in Lyon opened today. Come and say hello, there is cake and the view over the river is stunning.</description>
      <media:content url="%s/images/p01.jpg" type="image/jpeg" medium="image"/>
    </item>
    <item>
      <title>Welcome Noor</title>
      <link>https://journal.example.com/2026/11/noor</link>
      <guid isPermaLink="false">journal-1002</guid>
      <dc:creator>Grace Hopper</dc:creator>
      <pubDate>%s</pubDate>
      <description>Please welcome Noor, who joins the design team in Berlin this week. Say hi at the coffee machine!</description>
    </item>
  </channel>
</rss>
`

func TestAdminPageInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	requireTools(t, "chromium")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// Pictures come from a web server, as they do from a social network.
	demo := t.TempDir()
	if _, err := assets.ExtractDemo(demo); err != nil {
		t.Fatal(err)
	}
	// The feed comes from the same server: pictures from a feed may come
	// from the feed's own host, not from elsewhere on the kiosk or its LAN.
	pics := httptest.NewServer(http.FileServer(http.Dir(demo)))
	defer pics.Close()

	dir := t.TempDir()
	now := time.Now()
	feed := fmt.Sprintf(e2eFeed, now.Add(-2*time.Hour).Format(time.RFC1123Z), pics.URL, now.Add(-26*time.Hour).Format(time.RFC1123Z))
	if err := os.WriteFile(filepath.Join(demo, "feed.rss"), []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	cfgPath := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(cfgPath, []byte(`name = "Lobby Lyon"
language = "en"
timezone = "Europe/Paris"
state_dir = "state"

[[source]]
name = "team-journal"
kind = "posts"
url = "`+pics.URL+`/feed.rss"
approval = "manual"

[admin]
listen = "`+addr+`"
`), 0o640); err != nil {
		t.Fatal(err)
	}

	// The password, set as a script would: two lines on a pipe.
	const password = "lobby screen 2026"
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { io.WriteString(w, password+"\n"+password+"\n"); w.Close() }()
	code, out, errs := runInput(t, r, "admin", "set-password", "--config", cfgPath)
	r.Close()
	if code != 0 {
		t.Fatalf("set-password: exit %d\n%s%s", code, out, errs)
	}

	// The kiosk's side: engine, player (on a screen that only records) and
	// the admin page on the configured address.
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logw := &syncWriter{w: &logs}
	log := slog.New(slog.NewTextHandler(logw, nil))
	eng, err := engine.Open(cfg, engine.Options{Version: version, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	eng.RefreshOnce(ctx)
	var lyon, noor string
	for _, p := range eng.Report(time.Now()).Posts {
		if p.Status != "pending" {
			t.Fatalf("post %q starts %s, want pending", p.Text, p.Status)
		}
		switch {
		case strings.Contains(p.Text, "Lyon"):
			lyon = p.ID
		case strings.Contains(p.Text, "Noor"):
			noor = p.ID
		}
	}
	if lyon == "" || noor == "" {
		t.Fatalf("the feed did not give both posts: %+v", eng.Report(time.Now()))
	}
	player := engine.NewPlayer(eng, recordingScreen{}, nil)
	player.SlideScale = 0.05 // half-second slides: the approved post is on screen soon
	go player.Run(ctx)
	srv, err := admin.New(admin.Options{Config: cfg, Engine: eng, Current: player.Current, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe(ctx) }()
	waitListening(t, addr, served)
	t.Cleanup(func() {
		if t.Failed() {
			logw.mu.Lock()
			t.Logf("kiosk log:\n%s", logs.String())
			logw.mu.Unlock()
		}
	})

	// The browser, a phone's.
	bctx := chromiumFor(t, ctx, 390, 844, true)
	tctx, tcancel := context.WithTimeout(bctx, 90*time.Second)
	defer tcancel()
	base := "http://" + addr

	// Signed out, the page asks for the password.
	if err := chromedp.Do(tctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#password")),
	); err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(tctx, chromedp.Location())
	if !strings.Contains(loc, "/signin?next=") {
		t.Errorf("signed out, / went to %s, want the sign-in page", loc)
	}
	saveShot(t, tctx, "admin-signin-390.png")

	// Sign in; the queue shows the waiting post with its picture.
	post := chromedp.CSS(`article[data-post="` + lyon + `"]`)
	if err := chromedp.Do(tctx,
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type=submit]`)),
		chromedp.WaitVisible(post),
	); err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	text, err := chromedp.Run(tctx, chromedp.Text(post))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ada Lovelace", "Our new office in Lyon opened today", "team-journal", "2 h ago", "Approve", "Reject", "original"} {
		if !strings.Contains(text, want) {
			t.Errorf("the queue's post lacks %q:\n%s", want, text)
		}
	}
	// Every picture on the page has loaded (through /image).
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](
		`document.images.length > 0 && Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Errorf("pictures did not load: %v", err)
	}
	saveShot(t, tctx, "admin-queue-390.png")
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	saveShot(t, tctx, "admin-queue-1280.png")
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}

	// Approve it: the post leaves the queue where it was, with a message.
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`article[data-post="`+lyon+`"] button[value=approve]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`article[data-post="`+lyon+`"]`)),
	); err != nil {
		t.Fatalf("approve: %v", err)
	}
	flash, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("#toast")))
	if !strings.Contains(flash, "Approved") || !strings.Contains(flash, "Lyon") {
		t.Errorf("after Approve the page says %q", flash)
	}
	if n, _ := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll('article[data-post="`+lyon+`"]').length`)); n != 0 {
		t.Error("the approved post is still in the queue")
	}
	saveShot(t, tctx, "admin-approved-390.png")

	// Reject the other one: it moves to Hidden, with the reason.
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`article[data-post="`+noor+`"] button[value=reject]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`article[data-post="`+noor+`"]`)),
		chromedp.Navigate(base+"/hidden"),
		chromedp.WaitVisible(chromedp.CSS(`article[data-post="`+noor+`"]`)),
	); err != nil {
		t.Fatalf("reject: %v", err)
	}
	if text, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(`article[data-post="`+noor+`"]`))); !strings.Contains(text, "rejected by an editor") {
		t.Errorf("the hidden post does not say why:\n%s", text)
	}
	saveShot(t, tctx, "admin-hidden-390.png")
	if err := chromedp.Do(tctx, chromedp.Navigate(base+"/shown"), chromedp.WaitVisible(post)); err != nil {
		t.Fatalf("the approved post is not on /shown: %v", err)
	}
	saveShot(t, tctx, "admin-shown-390.png")
	if err := chromedp.Do(tctx, chromedp.Navigate(base+"/sources"), chromedp.WaitVisible(chromedp.CSS(".source"))); err != nil {
		t.Fatal(err)
	}
	saveShot(t, tctx, "admin-sources-390.png")
	// What is on screen: the approved post comes round within a few slides.
	var facts string
	for i := 0; i < 50 && !strings.Contains(facts, "a post by Ada Lovelace"); i++ {
		if i > 0 {
			time.Sleep(200 * time.Millisecond)
		}
		if err := chromedp.Do(tctx, chromedp.Navigate(base+"/screen"), chromedp.WaitVisible(chromedp.CSS(".facts"))); err != nil {
			t.Fatal(err)
		}
		facts, _ = chromedp.Run(tctx, chromedp.Text(chromedp.CSS(".facts")))
	}
	if !strings.Contains(facts, "a post by Ada Lovelace") {
		t.Errorf("/screen never showed the approved post on screen:\n%s", facts)
	}
	saveShot(t, tctx, "admin-screen-390.png")

	// The CLI sees the page's decision.
	code, out, errs = run(t, "content", "--config", cfgPath, "--json")
	if code != 0 {
		t.Fatalf("content: exit %d\n%s", code, errs)
	}
	var rep struct {
		Posts []struct{ ID, Status, Reason string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("content --json: %v\n%s", err, out)
	}
	want := map[string]string{lyon: "shown", noor: "rejected"}
	for _, p := range rep.Posts {
		if w, ok := want[p.ID]; ok {
			if p.Status != w {
				t.Errorf("content --json: post %s is %s (%s), want %s", p.ID, p.Status, p.Reason, w)
			}
			delete(want, p.ID)
		}
	}
	if len(want) > 0 {
		t.Errorf("content --json lacks posts %v:\n%s", want, out)
	}

	cancel()
	if err := <-served; err != nil {
		t.Errorf("admin server: %v", err)
	}
}

// freeAddr finds a loopback port nobody listens on, for the config.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func waitListening(t *testing.T, addr string, served <-chan error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-served:
			t.Fatalf("the admin page stopped: %v", err)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the admin page did not listen on %s", addr)
}

// saveShot takes a full-page screenshot and keeps it where
// LOBBYKIOSK_SHOTS points (else in the test's temp dir), so a person can
// look at it.
func saveShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if v := variance(img); v < 50 {
		t.Errorf("screenshot %s looks blank (variance %.0f)", name, v)
	}
	t.Logf("%s: %s (%v)", name, savePNG(t, img, name), img.Bounds().Size())
}

// recordingScreen is the player's screen without a window.
type recordingScreen struct{}

func (recordingScreen) Show(slide.Slide, slide.Chrome) {}
func (recordingScreen) SetChrome(slide.Chrome)         {}
func (recordingScreen) Blank(bool)                     {}

// syncWriter lets the kiosk's goroutines share one log buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
