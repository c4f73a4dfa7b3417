package hub

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/fleet"
)

// front stands between the kiosks and the hub and can make the hub look
// stopped, slow, broken or replaced by something else. It records whether
// each request carried the fleet token.
type front struct {
	*httptest.Server
	hub      http.Handler
	mode     atomic.Value // string
	mu       sync.Mutex
	requests int
	noToken  []string
}

func newFront(t *testing.T, hub http.Handler) *front {
	f := &front{hub: hub}
	f.mode.Store("pass")
	f.Server = httptest.NewServer(f)
	t.Cleanup(f.Close)
	return f
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	if r.Header.Get("Authorization") != "Bearer "+token1 {
		f.noToken = append(f.noToken, r.URL.Path)
	}
	f.mu.Unlock()
	switch f.mode.Load().(string) {
	case "stopped":
		// The hub's machine is gone: the connection drops with no answer.
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
	case "slow":
		select {
		case <-time.After(3 * time.Second): // the kiosks give up after 1 s
		case <-r.Context().Done():
		}
		return
	case "500":
		http.Error(w, "upstream hub is restarting", http.StatusInternalServerError)
		return
	case "portal":
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<!doctype html><html><head><title>Sign in to the guest Wi-Fi</title></head><body>Accept the terms</body></html>")
		return
	case "truncated":
		rec := httptest.NewRecorder()
		r.Header.Del("If-None-Match")
		r.Header.Del("If-Modified-Since")
		f.hub.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
		w.Write(body[:len(body)/2])
		return
	}
	f.hub.ServeHTTP(w, r)
}

// kiosk is a kiosk's engine joined to the hub at hubURL with one line.
type kiosk struct {
	eng     *engine.Engine
	watcher *fleet.Watcher
}

func joinKiosk(t *testing.T, name, site, hubURL string) *kiosk {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	data := fmt.Appendf(nil, "name = %q\nstate_dir = %q\n[fetch]\ntimeout = \"1s\"\n[fleet]\nhub = %q\ntoken = %q\nsite = %q\n",
		name, filepath.Join(dir, "state"), hubURL, token1, site)
	local, err := config.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	if local.Fleet.ConfigURL != hubURL+"fleet.toml" || local.Fleet.HeartbeatURL != hubURL+"beat" || local.Moderation.RevocationsURL != hubURL+"revocations.json" {
		t.Fatalf("one line did not give the hub's URLs: %+v %s", local.Fleet, local.Moderation.RevocationsURL)
	}
	eng, err := engine.Open(local, engine.Options{Version: "test", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	k := &kiosk{eng: eng}
	k.watcher = fleet.NewWatcher(local, data, local, fleet.Options{Store: eng.Store, Client: eng.Client, Logger: quiet(), Apply: eng.Reconfigure})
	k.refresh(t)
	return k
}

// refresh is one round of what a running kiosk does on its own schedule:
// pull the central config, then every source and the revocation list.
func (k *kiosk) refresh(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	k.watcher.Pull(ctx)
	k.eng.RefreshOnce(ctx)
}

// shown is what the kiosk's screen may show now: ID → pinned.
func (k *kiosk) shown() map[string]bool {
	out := map[string]bool{}
	for _, p := range k.eng.Report(time.Now()).Shown() {
		out[p.ID] = p.Pinned
	}
	return out
}

func sameShown(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// A kiosk joins with one line, gets the hub's content (its IDs, its
// pictures, its pins for the kiosk's site), sends the token to the hub and
// nowhere else, adds its site's own source, and keeps its last good content
// and decisions whatever happens to the hub.
func TestKioskInAFleet(t *testing.T) {
	o := newOrigin(t)
	var intranetAuth atomic.Int32
	intranet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			intranetAuth.Add(1)
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Berlin news</title><link>https://berlin.example/</link>
<item><guid>b1</guid><link>https://berlin.example/b1</link><description>Berlin's own news: the canteen reopens on Monday with a new menu.</description></item></channel></rss>`)
	}))
	t.Cleanup(intranet.Close)
	th := newTestHub(t, o, fmt.Sprintf("\n[site.\"Berlin\"]\n[[site.\"Berlin\".source]]\nname = \"berlin-intranet\"\nkind = \"posts\"\nurl = %q\n", intranet.URL+"/news.rss"))
	f := newFront(t, th.Handler())
	hubURL := f.URL + "/"
	th.cfg.Hub.URL = hubURL // as [hub] url would say: the address kiosks use
	th.pub.byBase, th.pub.fleets = map[string]*rendered{}, map[string]*doc{}

	// Decisions on the hub: approve a waiting post, pin one for Berlin only.
	rep := th.eng.Report(time.Now())
	find := func(s string) (string, string) {
		for _, p := range rep.Posts {
			if strings.Contains(p.Text, s) {
				return p.ID, p.Link
			}
		}
		t.Fatalf("no post %q on the hub", s)
		return "", ""
	}
	approved, _ := find("waits for an editor")
	pinned, pinnedLink := find("Berlin office only")
	revoked, revokedLink := find("badge printer")
	if err := th.eng.Decisions().Approve(approved, ""); err != nil {
		t.Fatal(err)
	}
	if err := th.eng.Decisions().Pin(pinned, pinnedLink, time.Time{}, "Berlin"); err != nil {
		t.Fatal(err)
	}
	th.settle(t)

	berlin := joinKiosk(t, "Berlin Lobby", "Berlin", hubURL)
	oslo := joinKiosk(t, "Oslo Lobby", "Oslo", hubURL)
	b, os := berlin.shown(), oslo.shown()
	if len(b) == 0 || len(os) == 0 {
		t.Fatalf("nothing to show: Berlin %v, Oslo %v\n%+v", b, os, berlin.eng.Report(time.Now()).Sources)
	}
	for _, id := range []string{approved, revoked} {
		if _, ok := b[id]; !ok {
			t.Errorf("Berlin lacks hub post %s (the hub's ID is kept)", id)
		}
		if _, ok := os[id]; !ok {
			t.Errorf("Oslo lacks hub post %s", id)
		}
	}
	if !b[pinned] {
		t.Errorf("Berlin does not show the post pinned for it, pinned: %v", b)
	}
	if _, ok := os[pinned]; ok {
		t.Error("Oslo shows the post pinned for Berlin only")
	}
	var local int
	for _, p := range berlin.eng.Report(time.Now()).Shown() {
		if p.Source == "berlin-intranet" {
			local++
		}
		if p.Source == "hub-posts" && p.Image != "" && !strings.HasPrefix(p.Image, hubURL+"media/") {
			t.Errorf("a hub post's picture comes from elsewhere: %s", p.Image)
		}
	}
	if local != 1 {
		t.Errorf("Berlin shows %d posts of its own source, want 1", local)
	}
	// The leaderboard's label is the hub's: the kiosks get the standings
	// the hub computed, and what period they are for.
	hubRep, osloRep := th.eng.Report(time.Now()), oslo.eng.Report(time.Now())
	if hubRep.Period == "" || hubRep.PeriodKind != "month" || osloRep.Period != hubRep.Period || osloRep.PeriodKind != hubRep.PeriodKind || osloRep.PeriodStart != hubRep.PeriodStart {
		t.Errorf("the kiosk's leaderboard is for %q (%s from %s), the hub's for %q (%s from %s)",
			osloRep.Period, osloRep.PeriodKind, osloRep.PeriodStart, hubRep.Period, hubRep.PeriodKind, hubRep.PeriodStart)
	}
	for _, p := range oslo.eng.Report(time.Now()).Posts {
		if p.Source == "berlin-intranet" {
			t.Error("Oslo has Berlin's own source")
		}
	}
	// The pictures come from the hub, with the token, and show.
	for _, p := range berlin.eng.Report(time.Now()).Shown() {
		if p.Image == "" || p.Source != "hub-posts" {
			continue
		}
		if _, err := berlin.eng.Images.Get(t.Context(), p.Image); err != nil {
			t.Errorf("picture %s: %v", p.Image, err)
		}
	}

	// Revoke on the hub: gone from both at the next refresh.
	if err := th.eng.Decisions().Revoke(revoked, revokedLink); err != nil {
		t.Fatal(err)
	}
	th.Publish()
	for _, k := range []*kiosk{berlin, oslo} {
		k.refresh(t)
		if _, ok := k.shown()[revoked]; ok {
			t.Errorf("%s still shows the post revoked on the hub after one refresh", k.eng.Config.Name)
		}
		for _, p := range k.eng.Report(time.Now()).Posts {
			if p.ID == revoked && p.Status != moderate.Revoked {
				t.Errorf("%s: the revoked post is %s (%s), want revoked", k.eng.Config.Name, p.Status, p.Reason)
			}
		}
	}

	// The hub goes away in every way it can; the screens keep what they had.
	before := []map[string]bool{berlin.shown(), oslo.shown()}
	for _, mode := range []string{"stopped", "slow", "500", "portal", "truncated"} {
		f.mode.Store(mode)
		start := time.Now()
		for i, k := range []*kiosk{berlin, oslo} {
			k.refresh(t)
			if got := k.shown(); !sameShown(got, before[i]) {
				t.Errorf("hub %s: %s shows %v, had %v", mode, k.eng.Config.Name, got, before[i])
			}
			failing := 0
			for _, s := range k.eng.Report(time.Now()).Sources {
				if s.Name == PostsSource && !s.OK {
					failing++
				}
			}
			if failing != 1 {
				t.Errorf("hub %s: %s does not report the hub's posts as failing", mode, k.eng.Config.Name)
			}
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("hub %s: a refresh round took %s (the kiosks' timeout is 1 s)", mode, d)
		}
	}
	// Restarted offline, a kiosk shows its last good content and decisions.
	again, err := engine.Open(berlin.eng.CurrentConfig(), engine.Options{Version: "test", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	after := map[string]bool{}
	for _, p := range again.Report(time.Now()).Shown() {
		after[p.ID] = p.Pinned
	}
	if !sameShown(after, before[0]) {
		t.Errorf("restarted with the hub down, Berlin shows %v, had %v", after, before[0])
	}
	f.mode.Store("pass")

	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.noToken) > 0 || f.requests == 0 {
		t.Errorf("%d requests reached the hub, %d without the fleet token: %v", f.requests, len(f.noToken), f.noToken)
	}
	if n := intranetAuth.Load(); n > 0 {
		t.Errorf("the site's own source was sent an Authorization header %d times", n)
	}
	for _, p := range []string{"/feed.rss", "/pics/team.jpg"} {
		if _, withAuth := o.count(p); withAuth > 0 {
			t.Errorf("the feeds' origin saw an Authorization header on %s", p)
		}
	}
}

// A redirect from the hub to another host does not carry the token there.
func TestTokenStaysWithTheHub(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(other.Close)
	hubSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token1 {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	}))
	t.Cleanup(hubSrv.Close)
	// The same host on another port is another origin too.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(other.URL, "http://"))
	c := &http.Client{Transport: fleet.HubAuth(nil, hubSrv.URL+"/", token1)}
	for _, u := range []string{hubSrv.URL + "/media/x.jpg", other.URL + "/feed", "http://127.0.0.1:" + port + "/x"} {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(body, []byte("ok")) {
			t.Errorf("%s: %s %s", u, resp.Status, body)
		}
	}
	if n := leaked.Load(); n > 0 {
		t.Errorf("the fleet token reached another host %d times", n)
	}
}

// The hub's list is what it approved: when it takes every post down, the
// kiosks show none of them (an ordinary source's empty answer would be
// taken for a broken export and the last posts kept).
func TestEmptyHubFeedEmptiesTheKiosk(t *testing.T) {
	o := newOrigin(t)
	th := newTestHub(t, o, "")
	f := newFront(t, th.Handler())
	th.cfg.Hub.URL = f.URL + "/"
	th.pub.byBase, th.pub.fleets = map[string]*rendered{}, map[string]*doc{}
	k := joinKiosk(t, "Lobby", "", f.URL+"/")
	if len(k.shown()) == 0 {
		t.Fatal("the kiosk shows nothing to begin with")
	}
	for _, p := range th.eng.Report(time.Now()).Shown() {
		if err := th.eng.Decisions().Reject(p.ID, p.Link); err != nil {
			t.Fatal(err)
		}
	}
	th.Publish()
	k.refresh(t)
	if got := k.shown(); len(got) != 0 {
		t.Errorf("every post was rejected on the hub, yet the kiosk shows %v", got)
	}
}
