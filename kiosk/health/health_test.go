package health_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/fleet"
	"lobbykiosk/kiosk/health"
)

// feedServer serves testdata files with an ETag (a second fetch is a 304);
// paths listed in failing answer 500.
type feedServer struct {
	mu      sync.Mutex
	failing map[string]bool
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	fail := f.failing[r.URL.Path]
	f.mu.Unlock()
	if fail {
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	}
	b, err := os.ReadFile(filepath.Join("testdata", filepath.Base(r.URL.Path)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(b))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Write(b)
}

func (f *feedServer) fail(path string, on bool) {
	f.mu.Lock()
	f.failing[path] = on
	f.mu.Unlock()
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// newEngine opens a kiosk with sources "news" (a good feed) and "team" (a
// feed that fails while failing says so).
func newEngine(t *testing.T, extra string) (*engine.Engine, *feedServer) {
	t.Helper()
	fs := &feedServer{failing: map[string]bool{"/team.rss": true}}
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	body := fmt.Sprintf(`name = "HQ Lobby"
state_dir = %q
[[source]]
name = "news"
kind = "posts"
url = "%s/news.rss"
[[source]]
name = "team"
kind = "posts"
url = "%s/team.rss"
[moderation]
blocked_words = ["Project Falcon"]
%s`, t.TempDir(), srv.URL, srv.URL, extra)
	cfg, err := config.Parse("kiosk.toml", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(cfg, engine.Options{Version: "1.2.3", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	return e, fs
}

// screen is a player as health sees it.
type screen struct{ c engine.Current }

func (s screen) Current() engine.Current { return s.c }

func signedIn(r *http.Request) bool { return r.Header.Get("Cookie") == "session=editor" }

func get(t *testing.T, h http.Handler, path string, session bool) (int, map[string]any, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if session {
		req.Header.Set("Cookie", "session=editor")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var body map[string]any
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, rec.Body)
		}
	}
	return rec.Code, body, rec.Body.String()
}

func TestHealthzShowsAFailingSource(t *testing.T) {
	e, _ := newEngine(t, "")
	e.RefreshOnce(context.Background())
	m := health.New(health.Options{Version: "1.2.3", Engine: e})
	h := m.Healthz(signedIn)

	code, body, raw := get(t, h, "/healthz", true)
	if code != http.StatusOK || body["status"] != "ok" {
		t.Fatalf("one source failing, one good: %d %s", code, raw)
	}
	var rep health.Report
	if err := json.Unmarshal([]byte(raw), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Sources) != 2 {
		t.Fatalf("sources = %+v", rep.Sources)
	}
	news, team := rep.Sources[0], rep.Sources[1]
	if !news.OK || news.Items != 2 || news.Failures != 0 {
		t.Errorf("news = %+v, want ok with 2 items", news)
	}
	if team.OK || team.Failures != 1 || !strings.Contains(team.Error, "500 Internal Server Error") || team.NextTry.IsZero() {
		t.Errorf("team = %+v, want failing once with the 500 and a next try", team)
	}
	if rep.Content.Posts[moderate.Shown] != 1 || rep.Content.Posts[moderate.Rejected] != 1 {
		t.Errorf("content = %+v, want 1 shown and 1 rejected (blocked word)", rep.Content)
	}
	if rep.Name != "HQ Lobby" || rep.Version != "1.2.3" || rep.ConfigVersion != e.ConfigVersion() || rep.ConfigVersion == "" {
		t.Errorf("identity = %q %q %q", rep.Name, rep.Version, rep.ConfigVersion)
	}
}

// Without a session /healthz says ok or error and nothing else: no source
// names, no URLs, no error texts from the feeds.
func TestHealthzWithoutSession(t *testing.T) {
	e, _ := newEngine(t, "")
	e.RefreshOnce(context.Background())
	h := health.New(health.Options{Version: "1.2.3", Engine: e}).Healthz(signedIn)

	code, body, raw := get(t, h, "/healthz", false)
	if code != http.StatusOK || len(body) != 1 || body["status"] != "ok" {
		t.Errorf("healthy, no session: %d %s", code, raw)
	}

	// Every source failing with nothing cached: a fresh state dir.
	e2, fs2 := newEngine(t, "")
	fs2.fail("/news.rss", true)
	e2.RefreshOnce(context.Background())
	h2 := health.New(health.Options{Version: "1.2.3", Engine: e2}).Healthz(signedIn)
	code, body, raw = get(t, h2, "/healthz", false)
	if code != http.StatusServiceUnavailable || body["status"] != "error" || len(body) != 2 {
		t.Errorf("nothing to show, no session: %d %s", code, raw)
	}
	if body["error"] != "no content: every source is failing and nothing is cached" {
		t.Errorf("public error = %q", body["error"])
	}
	for _, secret := range []string{"127.0.0.1", "news", "team", "500"} {
		if strings.Contains(raw, secret) {
			t.Errorf("unauthenticated /healthz reveals %q: %s", secret, raw)
		}
	}
	// Signed in, the same state carries the detail.
	code, body, _ = get(t, h2, "/healthz", true)
	if code != http.StatusServiceUnavailable || !strings.Contains(fmt.Sprint(body["error"]), "500 Internal Server Error") {
		t.Errorf("signed in: %d %v", code, body["error"])
	}
}

func TestHealthzFrozenScreen(t *testing.T) {
	e, _ := newEngine(t, "[display]\npost_seconds = 10\nwins_seconds = 20\nleaderboard_seconds = 15\n")
	e.RefreshOnce(context.Background())
	started := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	other := started.AddDate(0, 0, 2).Format("Mon")
	cases := []struct {
		name    string
		hours   []string
		current engine.Current
		now     time.Time
		status  string
	}{
		{"slides changing", nil, engine.Current{On: true, Count: 9, Updated: started.Add(9 * time.Minute)}, started.Add(9*time.Minute + 30*time.Second), "ok"},
		{"stuck for long", nil, engine.Current{On: true, Count: 9, Updated: started.Add(2 * time.Minute)}, started.Add(9 * time.Minute), "error"},
		{"just under 3x the longest", nil, engine.Current{On: true, Count: 9, Updated: started.Add(time.Minute)}, started.Add(time.Minute + 59*time.Second), "ok"},
		{"no slide since start", nil, engine.Current{}, started.Add(5 * time.Minute), "error"},
		{"outside display hours", []string{other + " 10:00-11:00"}, engine.Current{Updated: started}, started.Add(5 * time.Hour), "ok"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := *e.CurrentConfig()
			cfg.Display.Hours = tc.hours
			cfg.Location = time.UTC
			e.Reconfigure(&cfg)
			m := health.New(health.Options{Engine: e, Player: screen{tc.current}, Started: started, Now: func() time.Time { return tc.now }})
			r := m.Report(tc.now)
			if r.Status != tc.status {
				t.Errorf("status = %s (%s), want %s", r.Status, r.Error, tc.status)
			}
			if tc.status == "error" && !strings.Contains(r.Error, "screen frozen") {
				t.Errorf("error = %q", r.Error)
			}
		})
	}
}

// A broken central config is visible in health while the kiosk runs on the
// last good one.
func TestHealthzShowsFleetError(t *testing.T) {
	var mu sync.Mutex
	central := "[[source]]\nname = \"news\"\nkind = \"posts\"\nurl = \"http://127.0.0.1:9/news.rss\"\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		io.WriteString(w, central)
	}))
	t.Cleanup(srv.Close)
	localData := []byte(fmt.Sprintf("name = \"Oslo Lobby\"\nstate_dir = %q\n[fleet]\nconfig_url = %q\n", t.TempDir(), srv.URL+"/fleet.toml"))
	local, err := config.Parse("kiosk.toml", localData)
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(local, engine.Options{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	w := fleet.NewWatcher(local, localData, nil, fleet.Options{Store: e.Store, Client: e.Client, Logger: quiet(), Apply: e.Reconfigure})
	if _, err := w.Pull(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	central = "<html><body>502 Bad Gateway</body></html>"
	mu.Unlock()
	if _, err := w.Pull(context.Background()); err == nil {
		t.Fatal("HTML accepted as the fleet config")
	}
	h := health.New(health.Options{Engine: e, Fleet: w}).Healthz(signedIn)
	code, _, raw := get(t, h, "/healthz", true)
	var rep health.Report
	if err := json.Unmarshal([]byte(raw), &rep); err != nil {
		t.Fatal(err)
	}
	if code != http.StatusOK || rep.Fleet == nil {
		t.Fatalf("%d %s", code, raw)
	}
	if !strings.Contains(rep.Fleet.LastError, "this is an HTML page") || rep.Fleet.Failures != 1 || rep.Fleet.LastSuccess.IsZero() {
		t.Errorf("fleet = %+v", rep.Fleet)
	}
	if len(rep.Sources) != 1 || rep.Sources[0].Name != "news" || rep.ConfigVersion != w.State().Version {
		t.Errorf("not on the last good config: sources %+v, version %s", rep.Sources, rep.ConfigVersion)
	}
	if len(rep.Fleet.Warnings) != 0 {
		t.Errorf("a file without site sections warns: %q", rep.Fleet.Warnings)
	}
}
