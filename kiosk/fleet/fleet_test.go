package fleet_test

import (
	"context"
	"crypto/sha256"
	"errors"
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

	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/store"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/fleet"
)

// hq serves the central config with an ETag, answers 304 to a matching
// If-None-Match, and counts what it was asked.
type hq struct {
	mu          sync.Mutex
	body        string
	status      int
	hits        int
	notModified int
}

func (h *hq) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hits++
	if h.status != 0 {
		http.Error(w, "down for maintenance", h.status)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(h.body)))
	if r.Header.Get("If-None-Match") == etag {
		h.notModified++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/toml")
	io.WriteString(w, h.body)
}

func (h *hq) set(body string) {
	h.mu.Lock()
	h.body, h.status = body, 0
	h.mu.Unlock()
}

func (h *hq) counts() (hits, notModified int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits, h.notModified
}

func serveHQ(t *testing.T, body string) (*hq, string) {
	h := &hq{body: body}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv.URL + "/fleet.toml"
}

// centralConfig is headquarters' file; feeds is where the sources live.
func centralConfig(feeds, extraCommon, hqAccent string) string {
	return fmt.Sprintf(`
[[source]]
name = "company-news"
kind = "posts"
url = "%[1]s/news.rss"
%[2]s
[moderation]
blocked_words = ["Project Falcon"]

[theme]
accent = "#1e88e5"

[[site."HQ Lobby".source]]
name = "hq-mastodon"
kind = "posts"
url = "%[1]s/hq.rss"

[site."HQ Lobby".theme]
accent = %[3]q

[[site."Oslo Lobby".source]]
name = "oslo-blog"
kind = "posts"
url = "%[1]s/oslo.rss"

[site."Oslo Lobby".theme]
accent = "#43a047"
mode = "light"
`, feeds, extraCommon, hqAccent)
}

// kiosk is one screen: its own file, its engine, its watcher.
type kiosk struct {
	local   *config.Config
	data    []byte
	eng     *engine.Engine
	watcher *fleet.Watcher
	applied chan *config.Config
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func writeLocal(t *testing.T, name, url string) (*config.Config, []byte) {
	t.Helper()
	dir := t.TempDir()
	body := fmt.Sprintf("name = %q\nstate_dir = \"state\"\n\n[fleet]\nconfig_url = %q\n", name, url)
	path := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	local, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return local, []byte(body)
}

// boot starts a kiosk as `run` does: the effective config first, then the
// engine on it, then a watcher that reconfigures the engine.
func boot(t *testing.T, name, url string) *kiosk {
	t.Helper()
	local, data := writeLocal(t, name, url)
	st, err := store.Open(local.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, warnings, err := fleet.Effective(context.Background(), local, data, st, fetch.New("test"), false)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(warnings) > 0 {
		t.Logf("%s warnings: %q", name, warnings)
	}
	eng, err := engine.Open(cfg, engine.Options{Version: "test", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	k := &kiosk{local: local, data: data, eng: eng, applied: make(chan *config.Config, 4)}
	k.watcher = fleet.NewWatcher(local, data, cfg, fleet.Options{
		Store: eng.Store, Client: eng.Client, Logger: quiet(),
		Apply: func(c *config.Config) {
			eng.Reconfigure(c)
			k.applied <- c
		},
	})
	return k
}

func (k *kiosk) sources() string {
	var names []string
	for _, s := range k.eng.Report(time.Now()).Sources {
		names = append(names, s.Name)
	}
	return strings.Join(names, " ")
}

func TestTwoKiosksFollowOneCentralConfig(t *testing.T) {
	feeds := "http://127.0.0.1:9" // sources are only listed here, never fetched
	h, url := serveHQ(t, centralConfig(feeds, "", "#e53935"))
	kiosks := map[string]*kiosk{"HQ Lobby": boot(t, "HQ Lobby", url), "Oslo Lobby": boot(t, "Oslo Lobby", url)}

	want := map[string]struct{ sources, accent, mode string }{
		"HQ Lobby":   {"company-news hq-mastodon", "#e53935", "dark"},
		"Oslo Lobby": {"company-news oslo-blog", "#43a047", "light"},
	}
	for name, k := range kiosks {
		cfg := k.eng.CurrentConfig()
		if got := k.sources(); got != want[name].sources {
			t.Errorf("%s sources = %q, want %q", name, got, want[name].sources)
		}
		if cfg.Theme.Accent != want[name].accent || cfg.Theme.Mode != want[name].mode {
			t.Errorf("%s theme = %+v", name, cfg.Theme)
		}
		if cfg.Name != name || !strings.HasSuffix(cfg.StateDir, "state") {
			t.Errorf("%s device settings: name %q state %q", name, cfg.Name, cfg.StateDir)
		}
	}

	// Headquarters adds a source for everyone and recolours HQ; both
	// running kiosks pick it up without a restart.
	h.set(centralConfig(feeds, "[[source]]\nname = \"all-hands\"\nkind = \"wins\"\nurl = \""+feeds+"/wins.csv\"\n", "#8e24aa"))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, k := range kiosks {
		wg.Add(1)
		go func() { defer wg.Done(); k.watcher.Run(ctx) }()
	}
	for name, k := range kiosks {
		select {
		case c := <-k.applied:
			if c != k.eng.CurrentConfig() {
				t.Errorf("%s: the applied config is not the one in use", name)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: the change never reached the kiosk", name)
		}
	}
	cancel()
	wg.Wait()
	want["HQ Lobby"] = struct{ sources, accent, mode string }{"company-news all-hands hq-mastodon", "#8e24aa", "dark"}
	want["Oslo Lobby"] = struct{ sources, accent, mode string }{"company-news all-hands oslo-blog", "#43a047", "light"}
	for name, k := range kiosks {
		if got := k.sources(); got != want[name].sources {
			t.Errorf("after the change, %s sources = %q, want %q", name, got, want[name].sources)
		}
		if got := k.eng.CurrentConfig().Theme.Accent; got != want[name].accent {
			t.Errorf("after the change, %s accent = %s, want %s", name, got, want[name].accent)
		}
		if s := k.watcher.State(); s.LastError != "" || s.Version != k.eng.ConfigVersion() || s.LastSuccess.IsZero() {
			t.Errorf("%s state = %+v", name, s)
		}
	}

	// Unchanged: a 304, and nothing is applied.
	_, before := h.counts()
	for name, k := range kiosks {
		if _, err := k.watcher.Pull(context.Background()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		select {
		case <-k.applied:
			t.Errorf("%s: an unchanged central config was applied again", name)
		default:
		}
	}
	if _, after := h.counts(); after-before != 2 {
		t.Errorf("unchanged central config: %d answers were 304, want 2", after-before)
	}

	// A broken central file leaves both on the last good one, and says why.
	good := want
	broken := []struct{ name, body, msg string }{
		{"html", "<!DOCTYPE html><html><body>Please sign in</body></html>", "this is an HTML page, not a TOML file"},
		{"syntax", "[[source]\nname = \"x\"\n", "expected end of table array name delimiter"},
		{"no sources", "[theme]\naccent = \"#000000\"\n", "removes every source"},
	}
	for _, b := range broken {
		h.set(b.body)
		for name, k := range kiosks {
			version := k.eng.ConfigVersion()
			cfg, err := k.watcher.Pull(context.Background())
			var fe *config.FleetError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), b.msg) {
				t.Errorf("%s, %s: error %v, want a fleet config error with %q", b.name, name, err, b.msg)
			}
			if cfg != k.eng.CurrentConfig() || k.eng.ConfigVersion() != version || k.sources() != good[name].sources {
				t.Errorf("%s, %s: the kiosk left its last good config: sources %q", b.name, name, k.sources())
			}
			s := k.watcher.State()
			if !strings.Contains(s.LastError, b.msg) || !strings.Contains(s.LastError, "keeping the fleet config fetched") || s.Failures == 0 {
				t.Errorf("%s, %s: state = %+v", b.name, name, s)
			}
		}
	}
}

// A kiosk that boots without network runs the copy it kept; one that never
// got a copy runs its own file and says so.
func TestBootOffline(t *testing.T) {
	h, url := serveHQ(t, centralConfig("http://127.0.0.1:9", "", "#e53935"))
	k := boot(t, "HQ Lobby", url)
	hits, _ := h.counts()

	for _, offline := range []bool{true, false} {
		st, err := store.Open(k.local.StateDir)
		if err != nil {
			t.Fatal(err)
		}
		if !offline {
			h.mu.Lock()
			h.status = http.StatusServiceUnavailable
			h.mu.Unlock()
		}
		cfg, warnings, err := fleet.Effective(context.Background(), k.local, k.data, st, fetch.New("test"), offline)
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Sources) != 2 || cfg.Sources[1].Name != "hq-mastodon" || cfg.Theme.Accent != "#e53935" {
			t.Errorf("offline=%v: sources %+v theme %+v, want the kept copy's", offline, cfg.Sources, cfg.Theme)
		}
		if config.Version(cfg) != k.eng.ConfigVersion() {
			t.Errorf("offline=%v: version %s, want %s as at boot", offline, config.Version(cfg), k.eng.ConfigVersion())
		}
		joined := strings.Join(warnings, "\n")
		if offline && joined != "" {
			t.Errorf("offline with a copy: warnings %q", warnings)
		}
		if !offline && (!strings.Contains(joined, "503 Service Unavailable") || !strings.Contains(joined, "running the fleet config fetched")) {
			t.Errorf("HQ down: warnings %q", warnings)
		}
	}
	if got, _ := h.counts(); got != hits+1 {
		t.Errorf("HQ asked %d times, want %d (offline must not ask)", got, hits+1)
	}

	// A new kiosk that never reached headquarters.
	local, data := writeLocal(t, "HQ Lobby", url)
	st, err := store.Open(local.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, warnings, err := fleet.Effective(context.Background(), local, data, st, fetch.New("test"), true)
	if err != nil || cfg != local {
		t.Fatalf("no copy, offline: cfg %p (local %p), err %v", cfg, local, err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "no copy kept yet") {
		t.Errorf("warnings = %q", warnings)
	}
}

// The central file is broken when a kiosk starts: it starts on its kept copy
// and the error is returned for `check` to report.
func TestEffectiveBrokenCentral(t *testing.T) {
	h, url := serveHQ(t, centralConfig("http://127.0.0.1:9", "", "#e53935"))
	k := boot(t, "HQ Lobby", url)
	h.set("[[source]]\nname = \"x\"\nkind = \"tweets\"\nurl = \"https://x.example.com/\"\n")
	st, err := store.Open(k.local.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, warnings, err := fleet.Effective(context.Background(), k.local, k.data, st, fetch.New("test"), false)
	want := "fleet config " + url + `: line 3: source "x": kind: "tweets" is not a kind`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if cfg == nil || config.Version(cfg) != k.eng.ConfigVersion() {
		t.Errorf("cfg = %+v, want the kept copy", cfg)
	}
	if len(warnings) == 0 || !strings.Contains(warnings[0], "keeps running the fleet config fetched") {
		t.Errorf("warnings = %q", warnings)
	}
}

// A kiosk whose name has no site section runs the common settings and the
// health state says why.
func TestUnknownSite(t *testing.T) {
	_, url := serveHQ(t, centralConfig("http://127.0.0.1:9", "", "#e53935"))
	k := boot(t, "Lisbon Lobby", url)
	if got := k.sources(); got != "company-news" {
		t.Errorf("sources = %q, want the common ones", got)
	}
	if _, err := k.watcher.Pull(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := k.watcher.State()
	want := `no [site."Lisbon Lobby"] section; using the common settings (sections: "HQ Lobby", "Oslo Lobby")`
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], want) || s.LastError != "" {
		t.Errorf("state = %+v, want the warning %q", s, want)
	}
}

// TestSetLocalRemergesTheCentralCopy: the kiosk's own file is edited while it
// runs a central config: the central copy is merged under the new file (its
// device settings and timezone count; its own content stays ignored), and
// the engine gets the result. A kiosk with no central copy yet runs the
// edited file itself.
func TestSetLocalRemergesTheCentralCopy(t *testing.T) {
	_, url := serveHQ(t, centralConfig("http://127.0.0.1:9", "", "#e53935"))
	k := boot(t, "HQ Lobby", url)
	if _, err := k.watcher.Pull(context.Background()); err != nil {
		t.Fatal(err)
	}
	drain := func() {
		for len(k.applied) > 0 {
			<-k.applied
		}
	}
	drain()
	edited := append([]byte("timezone = \"Europe/Oslo\"\n"), k.data...)
	edited = append(edited, "[display]\noff_command = \"cec-ctl --standby\"\npost_seconds = 99\n"...)
	local, err := config.Parse(k.local.Path, edited)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.watcher.SetLocal(local, edited); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-k.applied:
		if c.Display.OffCommand != "cec-ctl --standby" || c.Location.String() != "Europe/Oslo" {
			t.Errorf("the edit's own settings are not in the merged config: off %q zone %s", c.Display.OffCommand, c.Location)
		}
		if c.Display.PostSeconds == 99 || c.Theme.Accent != "#e53935" || len(c.Sources) != 2 {
			t.Errorf("the central config no longer rules the content: post_seconds %v accent %s sources %d", c.Display.PostSeconds, c.Theme.Accent, len(c.Sources))
		}
	default:
		t.Fatal("the edit was not applied")
	}

	// No central copy ever fetched: the edited file alone.
	k2 := boot(t, "Oslo Lobby", "http://127.0.0.1:9/fleet.toml") // nothing listens there
	data2 := append(append([]byte{}, k2.data...), "[display]\npost_seconds = 42\n"...)
	local2, err := config.Parse(k2.local.Path, data2)
	if err != nil {
		t.Fatal(err)
	}
	if err := k2.watcher.SetLocal(local2, data2); err != nil {
		t.Fatal(err)
	}
	if c := k2.watcher.Current(); c.Display.PostSeconds != 42 {
		t.Errorf("without a central copy the edit is not in use: post_seconds %v", c.Display.PostSeconds)
	}
}
