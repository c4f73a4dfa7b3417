package hub

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	_ "image/png"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/parse"
	"lobbykiosk/kiosk/config"
)

// What the hub publishes reads back, through the kiosk's own parsers, as
// what the hub shows: the same IDs, people, text (plain, "<3" and all),
// pictures from the hub, figures.
func TestPublishedDocumentsReadBack(t *testing.T) {
	o := newOrigin(t, true)
	th := newTestHub(t, o, "")
	want := map[string]string{} // id → text
	for _, p := range th.eng.Report(time.Now()).Shown() {
		want[p.ID] = p.Text
	}
	if len(want) != 3 {
		t.Fatalf("the hub shows %d posts, want the 3 of the auto source", len(want))
	}

	resp, body := th.get(t, "/"+PostsPath, bearer(token1)...)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/feed+json" {
		t.Fatalf("posts.json: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	spec := feeds.SourceSpec{Name: PostsSource, Kind: feeds.KindPosts, URL: th.srv.URL + "/" + PostsPath, Moderated: true}
	posts, warns, err := parse.Posts(body, spec)
	if err != nil || len(warns) > 0 {
		t.Fatalf("the kiosk's parser on posts.json: %v %v", err, warns)
	}
	got := map[string]feeds.Post{}
	for _, p := range posts {
		got[p.ID] = p
		if want[p.ID] != p.Text {
			t.Errorf("post %s: text %q, the hub shows %q", p.ID, p.Text, want[p.ID])
		}
	}
	if len(got) != len(want) {
		t.Fatalf("posts.json has %d posts, want %d:\n%s", len(got), len(want), body)
	}
	var withPicture, without int
	for _, p := range posts {
		if strings.Contains(p.Text, "broken picture") {
			if p.Image != "" {
				t.Errorf("the post whose picture is broken names a picture: %s", p.Image)
			}
			without++
			continue
		}
		if !strings.HasPrefix(p.Image, th.srv.URL+"/media/") {
			t.Errorf("post %s: picture %q is not served by the hub", p.ID, p.Image)
			continue
		}
		withPicture++
		resp, img := th.get(t, strings.TrimPrefix(p.Image, th.srv.URL), bearer(token2)...)
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Fatalf("%s: %s %q", p.Image, resp.Status, resp.Header.Get("Cache-Control"))
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(img))
		if err != nil {
			t.Fatalf("%s: %v", p.Image, err)
		}
		if cfg.Width > MediaMaxWidth || cfg.Height > MediaMaxHeight {
			t.Errorf("%s is %d×%d, more than 4K", p.Image, cfg.Width, cfg.Height)
		}
		if strings.Contains(p.Text, "badge printer") && (cfg.Width != 3240 || cfg.Height != 2160) {
			t.Errorf("the 4800×3200 picture is served at %d×%d, want 3240×2160", cfg.Width, cfg.Height)
		}
	}
	if withPicture != 2 || without != 1 {
		t.Errorf("%d posts with a picture from the hub, %d without; want 2 and 1", withPicture, without)
	}
	if p := got["ffffffffffffffff"]; p.ID != "" {
		t.Error("unexpected post")
	}

	_, body = th.get(t, "/"+WinsPath, bearer(token1)...)
	wins, warns, err := parse.Wins(body)
	if err != nil || len(warns) > 0 || len(wins) != 2 {
		t.Fatalf("wins.json read back: %v %v %+v\n%s", err, warns, wins, body)
	}
	if wins[0].Label != "Reach" || wins[0].Value != 1234567 || !wins[0].HasPrevious || wins[0].Previous != 1e6 || wins[0].Unit != "people" ||
		wins[1].Label != "Shares" || wins[1].Value != 4812 || wins[1].HasPrevious {
		t.Errorf("wins read back as %+v", wins)
	}

	_, body = th.get(t, "/"+LeaderboardPath, bearer(token1)...)
	board, _, err := parse.Leaderboard(body)
	if err != nil || len(board) == 0 || board[0].Name == "" || board[0].Rank != 1 {
		t.Fatalf("leaderboard.json read back: %v %+v\n%s", err, board, body)
	}
	if want := th.eng.Report(time.Now()).Period; want == "" || board[0].Period != want {
		t.Errorf("leaderboard.json's period %q, the hub's %q", board[0].Period, want)
	}

	// fleet.toml merges for a kiosk of any site, and its sources are the
	// hub's: the kiosk trusts their moderation and sends them the token.
	_, body = th.get(t, "/"+FleetPath, bearer(token1)...)
	local, err := config.Parse("kiosk.toml", []byte("name = \"Lobby 1\"\n[fleet]\nhub = \""+th.srv.URL+"/\"\ntoken = \""+token1+"\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	merged, err := config.Merge(local, nil, th.srv.URL+"/fleet.toml", body)
	if err != nil {
		t.Fatalf("fleet.toml does not merge: %v\n%s", err, body)
	}
	var names []string
	for _, s := range merged.Sources {
		names = append(names, s.Name)
		if !merged.FromHub(s) {
			t.Errorf("source %s (%s) is not recognised as the hub's", s.Name, s.URL)
		}
	}
	if !slices.Equal(names, []string{PostsSource, WinsSource, LeaderboardSource}) {
		t.Errorf("fleet.toml sources: %v", names)
	}
	if merged.Moderation.RevocationsURL != th.srv.URL+"/revocations.json" || merged.Moderation.RevocationsRefresh.Duration != config.DefaultHubRefresh {
		t.Errorf("revocations: %s every %s", merged.Moderation.RevocationsURL, merged.Moderation.RevocationsRefresh)
	}
	if merged.Timezone != "Europe/Berlin" {
		t.Errorf("the hub's timezone is not the fleet's default: %q", merged.Timezone)
	}
}

// Conditional GET: an unchanged document answers 304 to its ETag (either
// form) or its Last-Modified, costs the hub no rebuild, and keeps its
// version across publishing ticks; a decision changes it at the next tick.
func TestConditionalGet(t *testing.T) {
	o := newOrigin(t)
	th := newTestHub(t, o, "")
	for _, path := range []string{"/" + PostsPath, "/" + WinsPath, "/" + LeaderboardPath, "/" + RevocationsPath, "/" + FleetPath} {
		resp, body := th.get(t, path, bearer(token1)...)
		etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if resp.StatusCode != 200 || etag == "" || lm == "" || len(body) == 0 {
			t.Fatalf("%s: %s etag %q last-modified %q", path, resp.Status, etag, lm)
		}
		if r, b := th.get(t, path, append(bearer(token1), "If-None-Match", etag)...); r.StatusCode != http.StatusNotModified || len(b) != 0 {
			t.Errorf("%s with If-None-Match: %s, %d bytes", path, r.Status, len(b))
		}
		if r, _ := th.get(t, path, append(bearer(token1), "If-Modified-Since", lm)...); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-Modified-Since: %s", path, r.Status)
		}
		if r, _ := th.get(t, path, append(bearer(token1), "If-None-Match", `"something-else"`, "If-Modified-Since", lm)...); r.StatusCode != http.StatusOK {
			t.Errorf("%s: a stale ETag must win over a current date: %s", path, r.Status)
		}
		gz, _ := th.get(t, path, append(bearer(token1), "Accept-Encoding", "gzip")...)
		if gz.Header.Get("Content-Encoding") == "gzip" {
			if gz.Header.Get("ETag") == etag {
				t.Errorf("%s: the gzip form has the same strong ETag", path)
			}
			if r, _ := th.get(t, path, append(bearer(token1), "If-None-Match", gz.Header.Get("ETag"))...); r.StatusCode != http.StatusNotModified {
				t.Errorf("%s: the gzip form's ETag is not current: %s", path, r.Status)
			}
		}
	}

	resp, _ := th.get(t, "/"+PostsPath, bearer(token1)...)
	etag := resp.Header.Get("ETag")
	th.clock.Add(time.Minute)
	th.Publish()
	if r, _ := th.get(t, "/"+PostsPath, append(bearer(token1), "If-None-Match", etag)...); r.StatusCode != http.StatusNotModified {
		t.Fatalf("nothing changed, yet the next tick gave posts.json a new version: %s", r.Status)
	}
	shown := th.eng.Report(time.Now()).Shown()
	if err := th.eng.Decisions().Reject(shown[0].ID, shown[0].Link); err != nil {
		t.Fatal(err)
	}
	th.Publish()
	r, body := th.get(t, "/"+PostsPath, append(bearer(token1), "If-None-Match", etag)...)
	if r.StatusCode != http.StatusOK || bytes.Contains(body, []byte(shown[0].ID)) {
		t.Errorf("after a rejection on the hub, posts.json: %s, still holds %s: %v", r.Status, shown[0].ID, bytes.Contains(body, []byte(shown[0].ID)))
	}
}

// Decisions made on the hub (here as `lobbykiosk moderate` makes them, in
// the hub's state_dir) reach the published documents at the next tick.
func TestHubDecisionsArePublished(t *testing.T) {
	o := newOrigin(t)
	th := newTestHub(t, o, "")
	r := th.eng.Report(time.Now())
	byText := func(s string) (id, link string) {
		for _, p := range r.Posts {
			if strings.Contains(p.Text, s) {
				return p.ID, p.Link
			}
		}
		t.Fatalf("no post %q", s)
		return "", ""
	}
	waiting, _ := byText("waits for an editor")
	berlin, berlinLink := byText("Berlin office only")
	shown, shownLink := byText("badge printer")
	dec := th.eng.Decisions()
	until := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	for _, err := range []error{dec.Approve(waiting, ""), dec.Pin(berlin, berlinLink, until, "Berlin"), dec.Revoke(shown, shownLink)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	th.settle(t)

	_, body := th.get(t, "/"+PostsPath, bearer(token1)...)
	var feed parse.HubFeed
	if err := json.Unmarshal(body, &feed); err != nil {
		t.Fatal(err)
	}
	items := map[string]parse.HubItem{}
	for _, it := range feed.Items {
		items[it.ID] = it
	}
	if _, ok := items[waiting]; !ok {
		t.Error("the approved post is not published")
	}
	if _, ok := items[shown]; ok {
		t.Error("the revoked post is still published")
	}
	x, ok := items[berlin]
	if !ok || !x.Extension.Pinned || !slices.Equal(x.Extension.Sites, []string{"Berlin"}) ||
		!slices.Equal(x.Extension.PinnedSites, []string{"Berlin"}) || x.Extension.PinnedUntil != until.Format(time.RFC3339) {
		t.Errorf("the post pinned for Berlin: %+v (published %v)", x.Extension, ok)
	}

	_, body = th.get(t, "/"+RevocationsPath, bearer(token1)...)
	if !bytes.Contains(body, []byte(`{"id":"`+shown+`"}`)) || !bytes.Contains(body, []byte(`{"link":"`+shownLink+`"}`)) {
		t.Errorf("revocations.json lacks the revoked post's id or link:\n%s", body)
	}
}

// A feed that fails leaves the hub publishing its last good copy, byte for
// byte: the kiosks see a 304, not an empty screen.
func TestFeedDownKeepsLastGoodCopy(t *testing.T) {
	o := newOrigin(t)
	th := newTestHub(t, o, "")
	resp, before := th.get(t, "/"+PostsPath, bearer(token1)...)
	o.failing.Store(true)
	th.eng.RefreshOnce(t.Context())
	th.Publish()
	for _, s := range th.eng.Report(time.Now()).Sources {
		if s.OK {
			t.Errorf("source %s still OK with the origin answering 500", s.Name)
		}
	}
	r, after := th.get(t, "/"+PostsPath, bearer(token1)...)
	if r.Header.Get("ETag") != resp.Header.Get("ETag") || !bytes.Equal(before, after) {
		t.Error("posts.json changed while the feed was down")
	}
	if r, _ := th.get(t, "/"+PostsPath, append(bearer(token1), "If-None-Match", resp.Header.Get("ETag"))...); r.StatusCode != http.StatusNotModified {
		t.Errorf("a kiosk's check while the feed is down: %s, want 304", r.Status)
	}
	// However many kiosks ask, the origin was asked once per refresh.
	for i := 0; i < 50; i++ {
		th.get(t, "/"+PostsPath, bearer(token1)...)
	}
	if hits, _ := o.count("/feed.rss"); hits != 2 {
		t.Errorf("the origin saw %d fetches of the feed for 2 refreshes and 52 kiosk requests", hits)
	}
}

// Every endpoint but /healthz wants a fleet token (either of two during a
// rotation) or an admin session; /healthz tells details only to them.
func TestAuthorization(t *testing.T) {
	o := newOrigin(t)
	th := newTestHub(t, o, "")
	signedIn := false
	th.o.SignedIn = func(*http.Request) bool { return signedIn }
	paths := []string{"/" + PostsPath, "/" + WinsPath, "/" + LeaderboardPath, "/" + RevocationsPath, "/" + FleetPath,
		"/media/00000000000000000000000000000000.jpg", "/fleet", "/api/fleet", "/metrics", "/kiosk/x/screen.jpg"}
	for _, p := range paths {
		for _, hd := range [][]string{nil, bearer("not-the-token-at-all-1234"), bearer(token1 + "x"), {"Authorization", token1}, {"Authorization", "Basic " + token1}} {
			if r, body := th.get(t, p, hd...); r.StatusCode != http.StatusUnauthorized && !(p == "/fleet" && r.StatusCode == http.StatusSeeOther) {
				t.Errorf("GET %s with %q: %s %s", p, hd, r.Status, body)
			}
		}
		for _, tok := range []string{token1, token2} {
			if r, _ := th.get(t, p, bearer(tok)...); r.StatusCode == http.StatusUnauthorized {
				t.Errorf("GET %s with a fleet token: %s", p, r.Status)
			}
		}
	}
	if r, _ := do(t, http.MethodPost, th.srv.URL+"/beat", []byte(`{"name":"x"}`)); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a heartbeat without a token: %s", r.Status)
	}
	signedIn = true
	if r, _ := th.get(t, "/fleet"); r.StatusCode != http.StatusOK {
		t.Errorf("the Fleet page with an admin session: %s", r.Status)
	}
	signedIn = false
	_, public := th.get(t, "/healthz")
	_, private := th.get(t, "/healthz", bearer(token1)...)
	if strings.TrimSpace(string(public)) != "{\n  \"status\": \"ok\"\n}" || !bytes.Contains(private, []byte(`"sources"`)) {
		t.Errorf("healthz for anyone:\n%s\nwith a token:\n%s", public, private)
	}
}

// A feed that names a picture on another address of the hub's machine (its
// /metrics, an admin page on loopback) gets nothing from there: the hub
// fetches pictures behind the same address guard as a kiosk, and the post
// goes out without its picture.
func TestPicturesBehindTheGuard(t *testing.T) {
	var asked atomic.Int32
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(testJPEG(t, 64, 64, color.RGBA{255, 0, 0, 255}))
	}))
	defer inside.Close()
	o := newOrigin(t)
	o.feeds["/feed.rss"][0].image = inside.URL + "/metrics.jpg"
	th := newTestHub(t, o, "")
	if n := asked.Load(); n != 0 {
		t.Errorf("the hub connected to another loopback server %d times for a feed's picture", n)
	}
	_, body := th.get(t, "/"+PostsPath, bearer(token1)...)
	var f parse.HubFeed
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range f.Items {
		if strings.Contains(it.ContentText, "whole fleet's posts") {
			found = true
			if it.Image != "" {
				t.Errorf("the post is published with picture %q", it.Image)
			}
		}
	}
	if !found {
		t.Errorf("the post whose picture was refused is not published: %s", body)
	}
	th.media.mu.Lock()
	e := th.media.idx[inside.URL+"/metrics.jpg"]
	th.media.mu.Unlock()
	if e == nil || !strings.Contains(e.Err, "loopback") {
		t.Errorf("the refused picture's error: %+v", e)
	}
}
