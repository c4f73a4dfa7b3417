package hub

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/feeds/parse"
	"lobbykiosk/kiosk/admin"
)

const moderatorPassword = "lantern harbour signal"

// consoleHub is a hub with its moderation console on one listener, as
// `lobbykiosk hub` serves them.
type consoleHub struct {
	*testHub
	web   *httptest.Server
	audit *moderate.Audit
}

func newConsoleHub(t *testing.T, extra string) *consoleHub {
	t.Helper()
	th := newTestHub(t, newOrigin(t), extra)
	th.cfg.Hub.ModeratorsFile = filepath.Join(th.cfg.StateDir, "moderators")
	hash, err := bcrypt.GenerateFromPassword([]byte(moderatorPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.SetModerator(th.cfg.Hub.ModeratorsFile, "Katherine", string(hash)); err != nil {
		t.Fatal(err)
	}
	ch := &consoleHub{testHub: th, audit: moderate.OpenAudit(th.eng.Store)}
	adm, err := admin.New(admin.Options{Config: th.cfg, Engine: th.eng, Logger: quiet(), Now: th.clock.Now,
		Console: &admin.Console{Sites: th.Sites, Audit: ch.audit, Token: th.HasToken, Bound: th.Bound()}})
	if err != nil {
		t.Fatal(err)
	}
	th.o.SignedIn = adm.SignedIn
	th.Mount(adm.Mount)
	ch.web = httptest.NewServer(adm.Handler())
	t.Cleanup(ch.web.Close)
	return ch
}

// browser is a cookie-keeping client that does not follow redirects.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (ch *consoleHub) page(t *testing.T, c *http.Client, path string) (int, string) {
	t.Helper()
	resp, err := c.Get(ch.web.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (ch *consoleHub) post(t *testing.T, c *http.Client, path string, form url.Values) int {
	t.Helper()
	resp, err := c.PostForm(ch.web.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in\n%s", body)
	}
	return m[1]
}

// On the hub's one listener, every endpoint — the kiosks' documents, the
// Fleet page, the console's pages and actions — but /healthz (and the
// sign-in form itself) wants a fleet token or a moderator's session; a
// token opens the kiosks' endpoints, not the console's pages.
func TestConsoleAndHubShareTheDoor(t *testing.T) {
	ch := newConsoleHub(t, "")
	anon := browser(t)
	hubPaths := []string{"/" + PostsPath, "/" + WinsPath, "/" + LeaderboardPath, "/" + RevocationsPath, "/" + FleetPath,
		"/media/00000000000000000000000000000000.jpg", "/api/fleet", "/metrics", "/kiosk/x/screen.jpg"}
	pages := []string{"/", "/shown", "/hidden", "/sources", "/audit", "/fleet"}
	resources := []string{"/audit.jsonl", "/admin.js", "/api/content", "/image?src=x", "/api/screen"}
	for _, p := range append(append(hubPaths, pages...), resources...) {
		resp, err := anon.Get(ch.web.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch {
		case slices.Contains(pages, p):
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
				t.Errorf("GET %s without a session: %s, want a way to the sign-in", p, resp.Status)
			}
		case resp.StatusCode != http.StatusUnauthorized:
			t.Errorf("GET %s with nothing: %s", p, resp.Status)
		}
	}
	for _, p := range []string{"/post", "/posts", "/signout"} {
		if code := ch.post(t, anon, p, url.Values{"id": {"x"}, "action": {"approve"}}); code != http.StatusUnauthorized {
			t.Errorf("POST %s without a session: %d", p, code)
		}
	}
	if code, _ := ch.page(t, anon, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
	if code, body := ch.page(t, anon, "/signin"); code != http.StatusOK || !strings.Contains(body, `id="name"`) {
		t.Errorf("/signin: %d", code)
	}
	// A kiosk's token: the documents, not the console.
	for _, p := range []string{"/" + PostsPath, "/" + FleetPath, "/api/fleet"} {
		req, _ := http.NewRequest(http.MethodGet, ch.web.URL+p, nil)
		req.Header.Set("Authorization", "Bearer "+token2)
		resp, err := anon.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s with the second fleet token: %s", p, resp.Status)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, ch.web.URL+"/audit", nil)
	req.Header.Set("Authorization", "Bearer "+token1)
	if resp, err := anon.Do(req); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the console's audit page with a fleet token: %v %v", resp.Status, err)
	}
}

// A moderator signs in on the hub, approves a waiting post for Berlin only
// through the console's form: at the next publishing tick it is in
// posts.json for Berlin, and the audit log names her; the Fleet page links
// back to the console.
func TestConsoleDecisionIsPublished(t *testing.T) {
	ch := newConsoleHub(t, "\n[site.\"Berlin\"]\n[site.\"Oslo\"]\n")
	c := browser(t)
	_, form := ch.page(t, c, "/signin")
	if code := ch.post(t, c, "/signin", url.Values{"csrf": {csrfOf(t, form)}, "name": {"katherine"}, "password": {moderatorPassword}, "next": {"/"}}); code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", code)
	}
	_, queue := ch.page(t, c, "/")
	var id string
	for _, p := range ch.eng.Report(time.Now()).Posts {
		if strings.Contains(p.Text, "waits for an editor") {
			id = p.ID
		}
	}
	if !strings.Contains(queue, `data-post="`+id+`"`) || !strings.Contains(queue, `value="Oslo">Oslo</label>`) {
		t.Fatalf("the console's queue lacks the waiting post or the sites:\n%s", queue)
	}
	if code := ch.post(t, c, "/post", url.Values{"csrf": {csrfOf(t, queue)}, "id": {id}, "action": {"approve"}, "site": {"Berlin"}, "back": {"/"}}); code != http.StatusSeeOther {
		t.Fatalf("approve for Berlin: %d", code)
	}
	ch.Publish()
	_, body := ch.get(t, "/"+PostsPath, bearer(token1)...)
	var f parse.HubFeed
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range f.Items {
		if it.ID == id {
			found = true
			if !slices.Equal(it.Extension.Sites, []string{"Berlin"}) {
				t.Errorf("the approved post is published for %q, want Berlin", it.Extension.Sites)
			}
		}
	}
	if !found {
		t.Errorf("the post approved on the console is not in posts.json at the next tick:\n%s", body)
	}
	entries, _, err := ch.audit.Recent(5)
	if err != nil || len(entries) != 1 || entries[0].Actor != "Katherine" || entries[0].Action != "approve" || entries[0].ID != id {
		t.Errorf("audit log: %+v %v", entries, err)
	}
	if code, fleet := ch.page(t, c, "/fleet"); code != http.StatusOK || !strings.Contains(fleet, `<a href="/audit">Audit log</a>`) {
		t.Errorf("the Fleet page with a moderator's session: %d", code)
	}
}

// The bound the console states: the publishing tick, [hub] refresh and the
// longest slide at any site.
func TestBound(t *testing.T) {
	th := newTestHub(t, newOrigin(t), "refresh = \"30s\"\n[display]\npost_seconds = 10\n[site.\"Berlin\".display]\nleaderboard_seconds = 25\n")
	if got, want := th.Bound(), th.o.Tick+30*time.Second+25*time.Second; got != want {
		t.Errorf("Bound() = %s, want %s", got, want)
	}
	if got := th.Sites(); !slices.Equal(got, []string{"Berlin"}) {
		t.Errorf("Sites() = %q", got)
	}
}
