package main

// The busy week, in a real browser: 40 posts wait in the queue, and the
// social media manager works through them on a phone and on a laptop —
// approving one in the middle, a few at once, filtering by author, pinning
// and revoking — without the page jumping back to the top. Screenshots of
// each step are kept (LOBBYKIOSK_SHOTS) for a person to look at.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lobbykiosk/assets"
	"lobbykiosk/kiosk/admin"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
)

var busyAuthors = []string{"Ada Lovelace", "Grace Hopper", "Hannah Schulz", "Mateo García", "Priya Raman"}

var busyTexts = []string{
	"Our new office in Lyon opened today. Come and say hello, there is cake and the view over the river is stunning.",
	"Please welcome Noor, who joins the design team in Berlin this week. Say hi at the coffee machine!",
	"Proud of the team: 1,000 visitors came to the open day at the workshop.",
	"Volunteering day at the river: forty bags of litter and a lot of laughs.",
	"Design sprint wall, day three: forty swatches and one decision.",
	"The night shift packed 1,900 orders without a single mix-up. Pizza on Friday.",
	"Language lunch on Thursday: Portuguese table by the window, Greek one by the plants.",
	"Repair day in Thessaloniki: 63 things fixed instead of thrown away.",
}

// busyFeed is an RSS feed of n posts by the busy authors, an hour apart,
// every third with a picture on the same server.
func busyFeed(name, base string, n, offset int, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>%s</title><link>https://%s.example.com/</link><description>Busy week</description>`, name, name)
	for i := range n {
		k := offset + i
		fmt.Fprintf(&b, `<item><title>Post %d</title><link>https://%s.example.com/p/%d</link><guid isPermaLink="false">%s-%d</guid>
<dc:creator>%s</dc:creator><pubDate>%s</pubDate><description>%s (#%d)</description>`,
			k, name, k, name, k, busyAuthors[k%len(busyAuthors)], now.Add(-time.Duration(k+1)*time.Hour).Format(time.RFC1123Z), busyTexts[k%len(busyTexts)], k+1)
		if k%3 == 0 {
			fmt.Fprintf(&b, `<media:content url="%s/images/p%02d.jpg" type="image/jpeg" medium="image"/>`, base, k%13+1)
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func TestBusyQueueInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	requireTools(t, "chromium")
	for _, vp := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{
		{"phone", 390, 844, true},
		{"desktop", 1280, 800, false},
	} {
		t.Run(vp.name, func(t *testing.T) {
			busyQueue(t, vp.name, vp.width, vp.height, vp.mobile)
		})
	}
}

func busyQueue(t *testing.T, name string, width, height int64, mobile bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, password, eng, served := busyKiosk(t, ctx, "en", 25, 15)
	bctx := chromiumFor(t, ctx, width, height, mobile)
	tctx, tcancel := context.WithTimeout(bctx, 120*time.Second)
	defer tcancel()
	base := "http://" + addr
	signInChromium(t, tctx, base, password)
	eval := func(js string) float64 {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	cards := func() int { return int(eval(`document.querySelectorAll("article.post").length`)) }
	if n := cards(); n != 40 {
		t.Fatalf("the queue lists %d posts, want 40", n)
	}
	pageHeight := eval(`document.documentElement.scrollHeight`)
	t.Logf("%s: 40 waiting posts make a page %.0f px high (%.1f screens)", name, pageHeight, pageHeight/float64(height))
	shot(t, tctx, name, "queue-top")

	// The 15th card, brought to the middle of the screen, approved.
	id := func(i int) string {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelectorAll("article.post")[%d].dataset.post`, i)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// aim scrolls a button to the middle of the screen, as a person
	// scrolls until they see what they will press: the click then does not
	// scroll the page itself (Chromium would, for a button out of view —
	// how far depends on the fonts the machine has).
	aim := func(sel string) float64 {
		eval(`document.querySelector("` + sel + `").scrollIntoView({block: "center"}); 0`)
		if top := eval(`document.querySelector("` + sel + `").getBoundingClientRect().top`); top < 0 || top > float64(height) {
			t.Fatalf("%s is at %.0f px, off a screen %d px high", sel, top, height)
		}
		return eval(`window.scrollY`)
	}
	target := id(14)
	next := id(15)
	eval(`document.getElementById("post-` + target + `").scrollIntoView({block: "center"}); 0`)
	y0 := eval(`window.scrollY`)
	top0 := eval(`document.getElementById("post-` + target + `").getBoundingClientRect().top`)
	if y0 < float64(height) {
		t.Fatalf("scrolled only to %.0f px: the test needs the middle of the queue", y0)
	}
	if err := chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`#post-`+target+` button[value=approve]`))); err != nil {
		t.Fatalf("approve in the middle: click: %v", err)
	}
	if err := chromedp.Do(tctx, chromedp.WaitNotPresent(chromedp.CSS(`#post-`+target))); err != nil {
		st, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("toast").className + " | " + document.getElementById("toast").textContent + " | " + location.href`))
		t.Fatalf("approve in the middle: the card stays: %v (%s)", err, st)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`document.getElementById("toast").classList.contains("show")`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		st, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`location.href + " | " + document.querySelectorAll("article.post").length + " | " + document.body.innerText.slice(0, 300)`))
		t.Fatalf("approve in the middle: no message: %v (%s)", err, st)
	}
	keptPlace(t, eval, "after Approve", y0)
	if top := eval(`document.getElementById("post-` + next + `").getBoundingClientRect().top`); math.Abs(top-top0) > 2 {
		t.Errorf("after Approve the next card is at %.0f px on screen, the approved one was at %.0f", top, top0)
	}
	if msg, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("#toast"))); !strings.Contains(msg, "Approved") {
		t.Errorf("after Approve the page says %q", msg)
	}
	if got := eval(`+document.querySelector('[data-count="pending"]').textContent`); got != 39 {
		t.Errorf("the queue's badge says %v, want 39", got)
	}
	shot(t, tctx, name, "approved-one")

	// Five at once: the cards after it, ticked, then Approve selected.
	var picks []string
	for i := 14; i < 19; i++ {
		picks = append(picks, id(i))
	}
	y1 := eval(`window.scrollY`)
	for _, p := range picks {
		eval(`(function(){var c=document.querySelector('#post-` + p + ` input.pick'); c.click(); return 0})()`)
	}
	if got, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("#picked"))); got != "5 selected" {
		t.Errorf("the bulk bar says %q, want 5 selected", got)
	}
	keptPlace(t, eval, "after ticking", y1)
	shot(t, tctx, name, "five-selected")
	if err := chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`form.bulk button[value=approve]`))); err != nil {
		t.Fatal(err)
	}
	for _, p := range picks {
		if err := chromedp.Do(tctx, chromedp.WaitNotPresent(chromedp.CSS(`#post-`+p))); err != nil {
			t.Fatalf("bulk approve: %v", err)
		}
	}
	if msg, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("#toast"))); !strings.Contains(msg, "Approved 5 posts") {
		t.Errorf("after Approve selected the page says %q", msg)
	}
	keptPlace(t, eval, "after Approve selected", y1)
	if n := cards(); n != 34 {
		t.Errorf("%d cards left, want 34", n)
	}
	shot(t, tctx, name, "bulk-approved")

	// Reject one from the list as it is now.
	rej := id(20)
	aim(`#post-` + rej + ` button[value=reject]`)
	before2 := places(t, tctx, eval, rej)
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`#post-`+rej+` button[value=reject]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#post-`+rej)),
	); err != nil {
		t.Fatalf("reject: %v", err)
	}
	keptNext(t, eval, "after Reject", before2, float64(height))

	// Filter by author: the list reloads with hers only.
	eval(`(function(){var s=document.querySelector('select[name=author]'); s.value='Grace Hopper'; s.dispatchEvent(new Event('change', {bubbles: true})); return 0})()`)
	if err := chromedp.Do(tctx, chromedp.WaitVisible(chromedp.CSS(`a.button[href="/"]`))); err != nil {
		t.Fatalf("filter: %v", err)
	}
	texts, _ := chromedp.Run(tctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("article.post .name")).map(e => e.textContent.trim())`))
	if len(texts) == 0 || len(texts) >= 33 {
		t.Errorf("filtered by author: %d cards", len(texts))
	}
	for _, n := range texts {
		if n != "Grace Hopper" {
			t.Errorf("filtered by Grace Hopper, the list shows %q", n)
		}
	}
	shot(t, tctx, name, "filtered")

	// Pin and revoke on the rotation: six shown posts.
	if err := chromedp.Do(tctx, chromedp.Navigate(base+"/shown"), chromedp.WaitVisible(chromedp.CSS("article.post"))); err != nil {
		t.Fatal(err)
	}
	shownIDs, _ := chromedp.Run(tctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("article.post")).map(a => a.dataset.post)`))
	if len(shownIDs) != 6 {
		t.Fatalf("%d posts on /shown, want the 6 approved", len(shownIDs))
	}
	pin := shownIDs[3]
	y3 := aim(`#post-` + pin + ` button[value=pin]`)
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`#post-`+pin+` button[value=pin]`)),
		chromedp.WaitVisible(chromedp.CSS(`#post-`+pin+` button[value=unpin]`)),
	); err != nil {
		t.Fatalf("pin: %v", err)
	}
	keptPlace(t, eval, "after Pin", y3)
	if txt, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(`#post-`+pin))); !strings.Contains(txt, "Pinned, with no end") {
		t.Errorf("the pinned card says:\n%s", txt)
	}
	shot(t, tctx, name, "pinned")

	rev := shownIDs[1]
	eval(`window.__asked = []; window.confirm = function (m) { window.__asked.push(m); return true }; 0`)
	aim(`#post-` + rev + ` button[value=revoke]`)
	before4 := places(t, tctx, eval, rev)
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`#post-`+rev+` button[value=revoke]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#post-`+rev)),
	); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	asked, _ := chromedp.Run(tctx, chromedp.Evaluate[[]string](`window.__asked`))
	if len(asked) != 1 || !strings.Contains(asked[0], "Revoke this post?") {
		t.Errorf("revoke asked %q, want one question", asked)
	}
	keptNext(t, eval, "after Revoke", before4, float64(height))
	shot(t, tctx, name, "revoked")

	// Nothing came from anywhere but the kiosk.
	foreign, _ := chromedp.Run(tctx, chromedp.Evaluate[[]string](`performance.getEntriesByType("resource").map(e => e.name).filter(n => !n.startsWith(location.origin))`))
	if len(foreign) > 0 {
		t.Errorf("the page loaded %q from elsewhere", foreign)
	}

	// What the CLI sees.
	rep := eng.Report(time.Now())
	count := map[string]int{}
	for _, p := range rep.Posts {
		count[string(p.Status)]++
	}
	if count["shown"] != 5 || count["rejected"] != 1 || count["revoked"] != 1 || count["pending"] != 33 {
		t.Errorf("after the session: %v, want 5 shown, 1 rejected, 1 revoked, 33 pending", count)
	}
	cancel()
	<-served
}

// busyKiosk serves the admin page of a kiosk in lang whose two manual
// sources have journal and social posts waiting (the busy week's feeds),
// until ctx ends; eng is its engine, served says when it stopped.
func busyKiosk(t *testing.T, ctx context.Context, lang string, journal, social int) (addr, password string, eng *engine.Engine, served chan error) {
	t.Helper()
	demo := t.TempDir()
	if _, err := assets.ExtractDemo(demo); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var srvURL string
	mux := http.NewServeMux()
	mux.Handle("/images/", http.FileServer(http.Dir(demo)))
	mux.HandleFunc("/journal.rss", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, busyFeed("journal", srvURL, journal, 0, now))
	})
	mux.HandleFunc("/social.rss", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, busyFeed("social", srvURL, social, journal, now))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	srvURL = srv.URL

	dir := t.TempDir()
	addr = freeAddr(t)
	cfgPath := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(cfgPath, []byte(fmt.Sprintf(`name = "Lobby Lyon"
language = "%s"
timezone = "Europe/Paris"
state_dir = "state"

[[source]]
name = "team-journal"
kind = "posts"
url = "%s/journal.rss"
approval = "manual"

[[source]]
name = "team-social"
kind = "posts"
url = "%s/social.rss"
approval = "manual"

[moderation]
min_text = 10

[admin]
listen = "%s"
`, lang, srv.URL, srv.URL, addr)), 0o640); err != nil {
		t.Fatal(err)
	}
	password = "tern lobby window 42"
	if code, out, errs := runInput(t, strings.NewReader(password+"\n"+password+"\n"), "admin", "set-password", "--config", cfgPath); code != 0 {
		t.Fatalf("set-password: %d\n%s%s", code, out, errs)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng, err = engine.Open(cfg, engine.Options{Version: version, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	eng.RefreshOnce(ctx)
	if n := len(eng.Report(time.Now()).Posts); n != journal+social {
		t.Fatalf("%d posts, want %d: %+v", n, journal+social, eng.Report(time.Now()).Sources)
	}
	s, err := admin.New(admin.Options{Config: cfg, Engine: eng, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	served = make(chan error, 1)
	go func() { served <- s.ListenAndServe(ctx) }()
	waitListening(t, addr, served)
	return addr, password, eng, served
}

// chromiumFor is a headless Chromium with a viewport of width × height
// (a phone's, touch and all, when mobile), until ctx ends.
func chromiumFor(t *testing.T, ctx context.Context, width, height int64, mobile bool) context.Context {
	t.Helper()
	chromium, _ := exec.LookPath("chromium")
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	// The first action starts the browser, so it runs without a deadline.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		t.Fatalf("chromium did not start: %v", err)
	}
	return bctx
}

// signInChromium signs in at base with password, as a person types it.
func signInChromium(t *testing.T, ctx context.Context, base, password string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("article.post")),
	); err != nil {
		t.Fatalf("sign-in: %v", err)
	}
}

// keptPlace fails when the page scrolled away from y: by more than a few
// pixels, a person would have to find their place again.
func keptPlace(t *testing.T, eval func(string) float64, when string, y float64) {
	t.Helper()
	got := eval(`window.scrollY`)
	// A page that got shorter than where it was ends at its bottom.
	bottom := eval(`document.documentElement.scrollHeight - window.innerHeight`)
	if math.Abs(got-y) > 4 && !(y > bottom && math.Abs(got-bottom) <= 2) {
		t.Errorf("%s the page scrolled from %.0f to %.0f px (it can scroll to %.0f)", when, y, got, bottom)
	}
}

// cardPlaces is where a card about to go and the card after it are on
// screen.
type cardPlaces struct {
	next          string // the id of the card after it, "" for the last
	gone, nextTop float64
}

func places(t *testing.T, ctx context.Context, eval func(string) float64, id string) cardPlaces {
	t.Helper()
	var p cardPlaces
	p.gone = eval(`document.getElementById("post-` + id + `").getBoundingClientRect().top`)
	next, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var n=document.getElementById("post-`+id+`").nextElementSibling; while (n && !n.matches("article.post")) n = n.nextElementSibling; return n ? n.dataset.post : ""})()`))
	if err != nil {
		t.Fatal(err)
	}
	p.next = next
	if next != "" {
		p.nextTop = eval(`document.getElementById("post-` + next + `").getBoundingClientRect().top`)
	}
	return p
}

// keptNext fails when removing a card moved the rest of the list under
// the person's eyes: the card after it must either take its place or stay
// where it was (Chromium's scroll anchoring keeps it still when the gone
// card began above the screen), and be on screen.
func keptNext(t *testing.T, eval func(string) float64, when string, p cardPlaces, height float64) {
	t.Helper()
	if p.next == "" {
		return
	}
	top := eval(`document.getElementById("post-` + p.next + `").getBoundingClientRect().top`)
	if !(math.Abs(top-p.gone) <= 4 || math.Abs(top-p.nextTop) <= 4) || top < 0 || top > height {
		t.Errorf("%s the next card is at %.0f px on screen; it was at %.0f px and the gone card at %.0f", when, top, p.nextTop, p.gone)
	}
}

// shot keeps a screenshot of what is on screen (the viewport, as the
// person sees it).
func shot(t *testing.T, ctx context.Context, viewport, step string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", step, err)
		return
	}
	dir := os.Getenv("LOBBYKIOSK_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	p := filepath.Join(dir, "busy-"+viewport+"-"+step+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Error(err)
	}
	t.Logf("%s", p)
}
