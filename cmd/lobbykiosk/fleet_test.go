package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
)

// centralHQ serves a central config that the test can change.
type centralHQ struct {
	mu   sync.Mutex
	body string
}

func (c *centralHQ) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	io.WriteString(w, c.body)
}

func (c *centralHQ) set(body string) {
	c.mu.Lock()
	c.body = body
	c.mu.Unlock()
}

const centralTOML = `
[[source]]
name = "company-news"
kind = "posts"
url = "https://news.example.com/feed.xml"

[[site."HQ Lobby".source]]
name = "hq-wins"
kind = "wins"
url = "https://hq.example.com/wins.csv"
`

func kioskFile(t *testing.T, name, url string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	body := fmt.Sprintf("name = %q\nstate_dir = \"state\"\n[fleet]\nconfig_url = %q\n", name, url)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func names(c *config.Config) string {
	var out []string
	for _, s := range c.Sources {
		out = append(out, s.Name)
	}
	return strings.Join(out, " ")
}

func TestEffectiveConfig(t *testing.T) {
	hq := &centralHQ{body: centralTOML}
	srv := httptest.NewServer(hq)
	t.Cleanup(srv.Close)
	url := srv.URL + "/fleet.toml"
	ctx := context.Background()

	var stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr}

	// No [fleet]: the file as it is.
	plain := kioskFile(t, "Lab", "")
	if got, err := effectiveConfig(ctx, e, plain, false); got != plain || err != nil {
		t.Errorf("no fleet: %p %v", got, err)
	}

	hqKiosk := kioskFile(t, "HQ Lobby", url)
	got, err := effectiveConfig(ctx, e, hqKiosk, false)
	if err != nil || names(got) != "company-news hq-wins" {
		t.Fatalf("HQ Lobby: sources %q, err %v", names(got), err)
	}
	if stderr.Len() != 0 {
		t.Errorf("warnings for a good pull: %s", &stderr)
	}

	other := kioskFile(t, "Oslo Lobby", url)
	got, err = effectiveConfig(ctx, e, other, false)
	if err != nil || names(got) != "company-news" {
		t.Fatalf("Oslo Lobby: sources %q, err %v", names(got), err)
	}
	if want := `warning: fleet config ` + url + `: no [site."Oslo Lobby"] section`; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, &stderr)
	}

	// Headquarters breaks the file: offline still gives the kept copy; a
	// pull gives the error (for check) and the kept copy (for run).
	hq.set("<html><body>Maintenance</body></html>")
	stderr.Reset()
	if got, err = effectiveConfig(ctx, e, hqKiosk, true); err != nil || names(got) != "company-news hq-wins" {
		t.Errorf("offline: sources %q, err %v", names(got), err)
	}
	got, err = effectiveConfig(ctx, e, hqKiosk, false)
	var fe *config.FleetError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "HTML page") {
		t.Errorf("broken central: err %v", err)
	}
	if names(got) != "company-news hq-wins" || !strings.Contains(stderr.String(), "keeps running the fleet config fetched") {
		t.Errorf("broken central: sources %q, stderr:\n%s", names(got), &stderr)
	}
}

// adminServer records what is mounted, as the admin server would serve it.
type adminServer struct {
	mux    *http.ServeMux
	mounts []string
}

func (a *adminServer) Mount(pattern string, h http.Handler) {
	a.mounts = append(a.mounts, pattern)
	a.mux.Handle(pattern, h)
}

func (a *adminServer) SignedIn(r *http.Request) bool { return r.Header.Get("Cookie") == "s=1" }
func (a *adminServer) MetricsAllowed(r *http.Request) bool {
	return a.SignedIn(r) || r.Header.Get("Authorization") == "Bearer scrape-token-1234567"
}

func TestMountHealth(t *testing.T) {
	cfg, err := config.Parse("kiosk.toml", []byte(fmt.Sprintf("name = \"Lab\"\nstate_dir = %q\n", t.TempDir())))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(cfg, engine.Options{Version: version, Logger: quietLogger(io.Discard)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if w := startFleet(ctx, quietLogger(io.Discard), cfg, nil, eng); w != nil {
		t.Errorf("a watcher without a config_url")
	}
	m := startHealth(ctx, quietLogger(io.Discard), cfg, eng, nil, nil, nil, nil)
	admin := &adminServer{mux: http.NewServeMux()}
	mountHealth(admin, m)
	if strings.Join(admin.mounts, " ") != "/healthz /metrics" {
		t.Errorf("mounted %q", admin.mounts)
	}
	for _, tc := range []struct {
		cookie, want string
	}{
		{"", "{\n  \"status\": \"ok\"\n}\n"},
		{"s=1", `"name": "Lab"`},
	} {
		req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		if tc.cookie != "" {
			req.Header.Set("Cookie", tc.cookie)
		}
		rec := httptest.NewRecorder()
		admin.mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("cookie %q: %d %s", tc.cookie, rec.Code, rec.Body)
		}
		if tc.cookie == "" && rec.Body.String() != tc.want {
			t.Errorf("without a session: %q", rec.Body)
		}
	}
	// /metrics names the kiosk, its version and its sources: not for
	// anyone on the LAN.
	rec := httptest.NewRecorder()
	admin.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "Lab") || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("metrics without a session or token: %d %q\n%s", rec.Code, rec.Header().Get("WWW-Authenticate"), rec.Body)
	}
	for _, h := range [][2]string{{"Cookie", "s=1"}, {"Authorization", "Bearer scrape-token-1234567"}} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.Header.Set(h[0], h[1])
		rec := httptest.NewRecorder()
		admin.mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `lobbykiosk_info{version="`+version+`",name="Lab"} 1`) {
			t.Errorf("metrics with %s: %d\n%s", h[0], rec.Code, rec.Body)
		}
	}
}
