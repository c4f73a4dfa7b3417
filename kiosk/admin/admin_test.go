package admin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg"
	"image/png"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/locale"
	"lobbykiosk/kiosk/slide"
)

func TestNewRefusesWithoutPassword(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ name, file, hash, want string }{
		{"no file, no hash", "", "", "no admin password is set (there is no default one): run `sudo lobbykiosk admin set-password --config " + f.cfgPath + "`"},
		{"file not bcrypt", "hunter2\n", "", "does not hold a bcrypt hash"},
		{"old hash not bcrypt", "", "hunter2", "[admin] password_hash in " + f.cfgPath + " is not a bcrypt hash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := *f.cfg
			cfg.Admin.PasswordFile = filepath.Join(t.TempDir(), "admin-password")
			if tc.file != "" {
				writeFile(t, cfg.Admin.PasswordFile, tc.file)
			}
			cfg.Admin.PasswordHash = tc.hash
			_, err := New(Options{Config: &cfg, Engine: f.eng})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// Without a session, pages send the browser to sign in and come back;
// everything else is refused outright.
func TestSignedOutRequests(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.10")
	id := f.post("Lyon").ID
	for _, tc := range []struct {
		method, target string
		form           url.Values
		code           int
		location       string
	}{
		{"GET", "/", nil, http.StatusSeeOther, "/signin?next=%2F"},
		{"GET", "/shown", nil, http.StatusSeeOther, "/signin?next=%2Fshown"},
		{"GET", "/hidden", nil, http.StatusSeeOther, "/signin?next=%2Fhidden"},
		{"GET", "/sources", nil, http.StatusSeeOther, "/signin?next=%2Fsources"},
		{"GET", "/screen", nil, http.StatusSeeOther, "/signin?next=%2Fscreen"},
		{"POST", "/post", url.Values{"id": {id}, "action": {"approve"}}, http.StatusUnauthorized, ""},
		{"POST", "/signout", url.Values{}, http.StatusUnauthorized, ""},
		{"GET", "/api/content", nil, http.StatusUnauthorized, ""},
		{"GET", "/api/screen", nil, http.StatusUnauthorized, ""},
		{"GET", "/image?src=" + url.QueryEscape(f.post("Lyon").Image), nil, http.StatusUnauthorized, ""},
		{"GET", "/screenshot.png", nil, http.StatusUnauthorized, ""},
	} {
		r := b.do(tc.method, tc.target, tc.form)
		if r.StatusCode != tc.code || r.Header.Get("Location") != tc.location {
			t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.target, r.StatusCode, r.Header.Get("Location"), tc.code, tc.location)
		}
		if strings.Contains(r.body, "Lyon") {
			t.Errorf("%s %s shows content without a session:\n%s", tc.method, tc.target, r.body)
		}
	}
	if d := f.decisions(); len(d) != 0 {
		t.Errorf("decisions were made without a session: %+v", d)
	}
	if p := f.post("Lyon"); p.Status != moderate.Pending {
		t.Errorf("post is %s, want still pending", p.Status)
	}
}

func TestSignInCookieAndRedirect(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.11")
	tok := b.csrf("/signin?next=/sources")
	r := b.do("POST", "/signin", url.Values{"csrf": {tok}, "password": {testPassword}, "next": {"/sources"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sources" {
		t.Fatalf("sign-in: %d to %q, want 303 to /sources", r.StatusCode, r.Header.Get("Location"))
	}
	c := b.cookies[sessionCookie]
	if c == nil {
		t.Fatal("no session cookie")
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/", c)
	}
	if n := len(c.Value); n < 43 { // 32 random bytes in base64
		t.Errorf("session token has %d characters, want 32 random bytes' worth", n)
	}
	if c.MaxAge != int(SessionTTL/time.Second) {
		t.Errorf("cookie MaxAge %d, want %d", c.MaxAge, int(SessionTTL/time.Second))
	}
	if !strings.Contains(f.logs.String(), "admin signed in") {
		t.Errorf("sign-in not logged:\n%s", f.logs.String())
	}
	// A redirect target on another site is dropped.
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		b2 := f.browser("192.0.2.12")
		tok := b2.csrf("/signin")
		r := b2.do("POST", "/signin", url.Values{"csrf": {tok}, "password": {testPassword}, "next": {next}})
		if loc := r.Header.Get("Location"); loc != "/" {
			t.Errorf("next=%q: redirected to %q, want /", next, loc)
		}
	}
}

// The sign-in form carries its own token: a form posted from another site
// (no cookie, or another token) does not sign the browser in.
func TestSignInFormNeedsItsToken(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.13")
	r := b.do("POST", "/signin", url.Values{"password": {testPassword}})
	if r.StatusCode != http.StatusForbidden || b.cookies[sessionCookie] != nil {
		t.Fatalf("sign-in without the form's token: %d, cookie %v; want 403 and no session", r.StatusCode, b.cookies[sessionCookie])
	}
	b.csrf("/signin")
	r = b.do("POST", "/signin", url.Values{"csrf": {"forged"}, "password": {testPassword}})
	if r.StatusCode != http.StatusForbidden || b.cookies[sessionCookie] != nil {
		t.Fatalf("sign-in with a wrong token: %d; want 403 and no session", r.StatusCode)
	}
	if !strings.Contains(r.body, "expired or did not come from this page") {
		t.Errorf("the page does not say why:\n%s", r.body)
	}
}

func TestWrongPassword(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.14")
	r := b.signIn("correct horse battery staple")
	if r.StatusCode != http.StatusUnauthorized || b.cookies[sessionCookie] != nil {
		t.Fatalf("wrong password: %d, want 401 and no session", r.StatusCode)
	}
	if !strings.Contains(r.body, "Wrong password.") {
		t.Errorf("the page does not say the password was wrong:\n%s", r.body)
	}
}

// 100 wrong passwords in a row from one address: after FreeFailures the
// address is locked out (429 with Retry-After), the right password is refused
// too while the lock lasts, it is logged, and each new failure after a lock
// doubles the wait.
func TestSignInRateLimit(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.20")
	codes := map[int]int{}
	var firstLimited int
	for i := 1; i <= 100; i++ {
		r := b.signIn(fmt.Sprintf("guess number %d", i))
		codes[r.StatusCode]++
		if r.StatusCode == http.StatusTooManyRequests && firstLimited == 0 {
			firstLimited = i
			if ra := r.Header.Get("Retry-After"); ra != "1" {
				t.Errorf("first lockout Retry-After %q, want 1", ra)
			}
			if !strings.Contains(r.body, "Too many wrong passwords") {
				t.Errorf("the 429 page does not say why:\n%s", r.body)
			}
		}
	}
	if firstLimited != FreeFailures+1 || codes[http.StatusUnauthorized] != FreeFailures || codes[http.StatusTooManyRequests] != 100-FreeFailures {
		t.Fatalf("status counts %v, first 429 at attempt %d; want %d×401 then 429s", codes, firstLimited, FreeFailures)
	}
	if r := b.signIn(testPassword); r.StatusCode != http.StatusTooManyRequests || b.cookies[sessionCookie] != nil {
		t.Fatalf("right password while locked out: %d, want 429 and no session", r.StatusCode)
	}
	logs := f.logs.String()
	if n := strings.Count(logs, "admin sign-in failed"); n != FreeFailures {
		t.Errorf("%d failed sign-ins logged, want %d:\n%s", n, FreeFailures, logs)
	}
	if !strings.Contains(logs, "too many wrong passwords") || !strings.Contains(logs, "ip=192.0.2.20") {
		t.Errorf("lockout not logged with the address:\n%s", logs)
	}
	// A script hammering a locked page gets one log line per lockout.
	if n := strings.Count(logs, "admin sign-in refused"); n != 1 {
		t.Errorf("lockout logged %d times, want once", n)
	}

	// Each failure after a lock doubles it.
	for _, want := range []string{"2", "4", "8"} {
		f.clock.Add(time.Minute)
		r := b.signIn("still guessing")
		if r.StatusCode != http.StatusUnauthorized || r.Header.Get("Retry-After") != want {
			t.Fatalf("failure after the lock: %d Retry-After %q, want 401 and %s", r.StatusCode, r.Header.Get("Retry-After"), want)
		}
	}
	// Once the wait is over the right password works and clears the count.
	f.clock.Add(8 * time.Second)
	if r := b.signIn(testPassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("right password after the lock: %d\n%s", r.StatusCode, r.body)
	}
	b2 := f.browser("192.0.2.20")
	if r := b2.signIn("one typo"); r.StatusCode != http.StatusUnauthorized || r.Header.Get("Retry-After") != "" {
		t.Errorf("after a good sign-in the count starts again, but a typo gave %d Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
}

func TestQueuePage(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.30")
	b.mustSignIn()
	r := b.get("/")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /: %d", r.StatusCode)
	}
	lyon := f.post("Lyon")
	for _, want := range []string{
		"Waiting for approval",
		"Our new office in Lyon opened today.",
		"Ada Lovelace", "team-journal", "3 h ago", // published 09:00, the clock says 12:00
		"Please welcome Noor", "Grace Hopper", "Proud of the team",
		`value="approve">Approve</button>`, `value="reject">Reject</button>`,
		`data-post="` + lyon.ID + `"`,
		`Queue <span class="badge" data-count="pending">3</span>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	if strings.Contains(r.body, "Project Falcon") {
		t.Error("the queue shows a post a blocked word rejected")
	}
	if pics := r.pictures(); !slices.Contains(pics, lyon.Image) || !slices.Contains(pics, lyon.Author.Avatar) {
		t.Errorf("the queue shows pictures %q, want the post's %s and its author's %s", pics, lyon.Image, lyon.Author.Avatar)
	}
	// One script, the page's own: nothing from elsewhere, nothing inline.
	body := strings.Replace(r.body, `<script src="/admin.js" defer></script>`, "", 1)
	for _, bad := range []string{"<script", "<link", `src="http`, `src="//`, "url(", "@import", " on"} {
		if strings.Contains(body, bad+"click") || bad != " on" && strings.Contains(body, bad) {
			t.Errorf("the page loads something from elsewhere or inline (%s)", bad)
		}
	}
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-eval") || strings.Count(csp, "unsafe-inline") != 1 {
		t.Errorf("Content-Security-Policy %q lets other scripts in", csp)
	}
	if js := b.get("/admin.js"); js.StatusCode != http.StatusOK || !strings.HasPrefix(js.Header.Get("Content-Type"), "text/javascript") || strings.Contains(js.body, "http") {
		t.Errorf("/admin.js: %d %s", js.StatusCode, js.Header.Get("Content-Type"))
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q: a signed-in page must not be cached", r.Header.Get("Cache-Control"))
	}

	h := b.get("/hidden")
	for _, want := range []string{"A sneak peek at Project Falcon", `rejected</span><bdi>blocked word "project falcon"</bdi>`, "Approve anyway"} {
		if !strings.Contains(h.text, want) {
			t.Errorf("hidden page lacks %q:\n%s", want, h.body)
		}
	}
}

// Decisions on the page land in the same store as the CLI's: a new engine on
// the same state dir (what `lobbykiosk content` opens) sees them.
func TestDecisions(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.40")
	b.mustSignIn()
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, tc := range []struct {
		name, back, word, action string
		extra                    []string
		status                   moderate.Status
		pinned                   bool
		until                    time.Time
		flash                    string
	}{
		{"approve", "/", "Lyon", "approve", nil, moderate.Shown, false, time.Time{}, "Approved “Lyon is open: Our new office in Lyon"},
		{"reject", "/", "Noor", "reject", nil, moderate.Rejected, false, time.Time{}, "Rejected “Welcome Noor: Please welcome Noor"},
		{"pin until", "/shown", "Lyon", "pin", []string{"until", "2026-11-24T18:30"}, moderate.Shown, true,
			time.Date(2026, 11, 24, 18, 30, 0, 0, paris), "until Tue 24 Nov, 18:30 CET: it comes first"},
		{"unpin", "/shown", "Lyon", "unpin", nil, moderate.Shown, false, time.Time{}, "Unpinned"},
		{"pin without end", "/shown", "Lyon", "pin", []string{"until", ""}, moderate.Shown, true, time.Time{}, "it comes first"},
		{"revoke", "/shown", "Lyon", "revoke", []string{"confirm", "yes"}, moderate.Revoked, false, time.Time{}, "Revoked"},
		{"put back", "/hidden", "Lyon", "approve", nil, moderate.Shown, false, time.Time{}, "Approved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := f.post(tc.word)
			r := b.act(tc.back, p.ID, tc.action, tc.extra...)
			// Back to the page, at the card acted on (or the one that
			// took its place).
			if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || loc != tc.back && !strings.HasPrefix(loc, tc.back+"#post-") {
				t.Fatalf("%s: %d to %q, want 303 to %s#post-…\n%s", tc.action, r.StatusCode, r.Header.Get("Location"), tc.back, r.body)
			}
			page := b.get(tc.back)
			if !strings.Contains(page.body, tc.flash) {
				t.Errorf("no flash %q on %s:\n%s", tc.flash, tc.back, page.body)
			}
			if again := b.get(tc.back); strings.Contains(again.body, `class="flash`) {
				t.Error("the flash shows twice")
			}
			for where, got := range map[string]func(string) struct {
				status moderate.Status
				pinned bool
				until  *time.Time
			}{
				"this engine": func(w string) struct {
					status moderate.Status
					pinned bool
					until  *time.Time
				} {
					q := f.post(w)
					return struct {
						status moderate.Status
						pinned bool
						until  *time.Time
					}{q.Status, q.Pinned, q.PinnedUntil}
				},
				"a new engine (the CLI)": func(w string) struct {
					status moderate.Status
					pinned bool
					until  *time.Time
				} {
					q := f.reopened(w)
					return struct {
						status moderate.Status
						pinned bool
						until  *time.Time
					}{q.Status, q.Pinned, q.PinnedUntil}
				},
			} {
				g := got(tc.word)
				if g.status != tc.status || g.pinned != tc.pinned {
					t.Errorf("%s: %s pinned=%v, want %s pinned=%v", where, g.status, g.pinned, tc.status, tc.pinned)
				}
				if !tc.until.IsZero() && (g.until == nil || !g.until.Equal(tc.until)) {
					t.Errorf("%s: pinned until %v, want %v", where, g.until, tc.until)
				}
			}
		})
	}
	if !strings.Contains(f.logs.String(), "admin decision") {
		t.Errorf("decisions not logged:\n%s", f.logs.String())
	}
}

// A policy rule beats an approval, and the page says so instead of
// pretending the post is now on screen.
func TestApprovalBlockedByPolicy(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.41")
	b.mustSignIn()
	p := f.post("Falcon")
	if r := b.act("/hidden", p.ID, "approve"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	page := b.get("/hidden")
	if !strings.Contains(page.body, `class="flash error"`) || !strings.Contains(page.body, "It is still not shown") {
		t.Errorf("the page does not warn that policy keeps the post off screen:\n%s", page.body)
	}
	if got := f.post("Falcon").Status; got != moderate.Rejected {
		t.Errorf("status %s, want rejected", got)
	}
}

// A forged form, without the session's CSRF token or with a wrong one, is
// refused and changes nothing.
func TestForgedForms(t *testing.T) {
	f := newFixture(t)
	victim := f.browser("192.0.2.50")
	victim.mustSignIn()
	other := f.browser("192.0.2.51")
	other.mustSignIn()
	id := f.post("Lyon").ID
	for _, tc := range []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{"id": {id}, "action": {"approve"}}},
		{"empty token", url.Values{"csrf": {""}, "id": {id}, "action": {"approve"}}},
		{"wrong token", url.Values{"csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "id": {id}, "action": {"approve"}}},
		{"another session's token", url.Values{"csrf": {other.csrf("/")}, "id": {id}, "action": {"approve"}}},
		{"token in the query only", url.Values{"id": {id}, "action": {"revoke"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := "/post"
			if tc.name == "token in the query only" {
				target += "?csrf=" + url.QueryEscape(victim.csrf("/"))
			}
			r := victim.do("POST", target, tc.form)
			if r.StatusCode != http.StatusForbidden {
				t.Fatalf("%d, want 403", r.StatusCode)
			}
			if !strings.Contains(r.body, "Nothing was changed") {
				t.Errorf("the page does not say nothing changed:\n%s", r.body)
			}
		})
	}
	// Sign-out is a form too.
	if r := victim.do("POST", "/signout", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("sign-out without the token: %d, want 403", r.StatusCode)
	}
	if d := f.decisions(); len(d) != 0 {
		t.Errorf("forged forms made decisions: %+v", d)
	}
	if _, err := os.Stat(filepath.Join(f.cfg.StateDir, moderate.DecisionsKey)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the decisions file was written: %v", err)
	}
	if p := f.reopened("Lyon"); p.Status != moderate.Pending {
		t.Errorf("post is %s, want still pending", p.Status)
	}
	if r := victim.get("/"); r.StatusCode != http.StatusOK {
		t.Errorf("the victim's session did not survive: %d", r.StatusCode)
	}
}

func TestBadActions(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.60")
	b.mustSignIn()
	lyon := f.post("Lyon").ID
	for _, tc := range []struct {
		name, id, action string
		extra            []string
		code             int
		want             string
	}{
		{"unknown post", "0123456789abcdef", "approve", nil, http.StatusNotFound, "There is no post with ID 0123456789abcdef among this kiosk's posts"},
		{"no post", "", "approve", nil, http.StatusBadRequest, "The form named no post"},
		{"unknown action", lyon, "delete", nil, http.StatusBadRequest, `"delete" is not an action`},
		{"unpin a post that is not pinned", lyon, "unpin", nil, http.StatusConflict, "is not pinned (it is pending"},
		{"pin until the past", lyon, "pin", []string{"until", "2026-11-20T10:00"}, http.StatusBadRequest, "is in the past (it is now Sat 21 Nov, 13:00 CET, kiosk time)"},
		{"pin until nonsense", lyon, "pin", []string{"until", "next friday"}, http.StatusBadRequest, `Pin until "next friday" is not a date and time`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.act("/", tc.id, tc.action, tc.extra...)
			if r.StatusCode != tc.code {
				t.Fatalf("%d, want %d\n%s", r.StatusCode, tc.code, r.body)
			}
			if !strings.Contains(r.text, tc.want) || !strings.Contains(r.text, "Nothing was changed") {
				t.Errorf("page lacks %q and \"Nothing was changed\":\n%s", tc.want, r.body)
			}
		})
	}
	if d := f.decisions(); len(d) != 0 {
		t.Errorf("bad actions made decisions: %+v", d)
	}
}

func TestImage(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.70")
	b.mustSignIn()
	lyon := f.post("Lyon")
	for _, src := range []string{lyon.Image, lyon.Author.Avatar} {
		r := b.get("/image?src=" + url.QueryEscape(src))
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", src, r.StatusCode, r.body)
		}
		img, format, err := image.Decode(strings.NewReader(r.body))
		if err != nil {
			t.Fatalf("%s: not a picture: %v", src, err)
		}
		if ct := r.Header.Get("Content-Type"); ct != "image/"+format {
			t.Errorf("%s: Content-Type %q for a %s", src, ct, format)
		}
		if bd := img.Bounds(); bd.Dx() < 32 || bd.Dx() > thumbMax || bd.Dy() > thumbMax {
			t.Errorf("%s: %v, want a picture at most %d wide", src, bd, thumbMax)
		}
	}
	abs, _ := filepath.Abs("testdata/photo.jpg")
	for _, src := range []string{
		f.pics.URL + "/secret.png", // reachable, but not in the report
		"/etc/passwd",
		abs,
		"file://" + abs,
		"http://127.0.0.1:1/",
		lyon.Image + "?x=1",
		"",
	} {
		r := b.get("/image?src=" + url.QueryEscape(src))
		if r.StatusCode != http.StatusNotFound || strings.Contains(r.Header.Get("Content-Type"), "image") {
			t.Errorf("src %q: %d %s, want 404", src, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}
	if n, ok := f.picHits.Load("/secret.png"); ok && n.(*atomic.Int64).Load() > 0 {
		t.Error("the page fetched a picture that is not in the report")
	}
}

func TestScreenshot(t *testing.T) {
	frame := image.NewRGBA(image.Rect(0, 0, 64, 36))
	frame.Set(3, 4, color.RGBA{200, 10, 10, 255})
	for _, tc := range []struct {
		name string
		shot func() (image.Image, error)
		code int
		want string
	}{
		{"no window", nil, http.StatusServiceUnavailable, "no window"},
		{"error", func() (image.Image, error) { return nil, errors.New("the window is minimised") }, http.StatusServiceUnavailable, "the window is minimised"},
		{"frame", func() (image.Image, error) { return frame, nil }, http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(o *Options) { o.Screenshot = tc.shot })
			b := f.browser("192.0.2.80")
			b.mustSignIn()
			r := b.get("/screenshot.png")
			if r.StatusCode != tc.code || !strings.Contains(r.body, tc.want) {
				t.Fatalf("%d %q, want %d with %q", r.StatusCode, r.body, tc.code, tc.want)
			}
			if tc.code != http.StatusOK {
				return
			}
			img, err := png.Decode(strings.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != frame.Bounds() || img.At(3, 4) != (color.NRGBA{200, 10, 10, 255}) && img.At(3, 4) != (color.RGBA{200, 10, 10, 255}) {
				t.Errorf("the PNG is not the frame: %v %v", img.Bounds(), img.At(3, 4))
			}
		})
	}
}

func TestScreenAndSources(t *testing.T) {
	var current atomic.Value
	f := newFixture(t, func(o *Options) { o.Current = func() engine.Current { return current.Load().(engine.Current) } })
	lyon := f.post("Lyon")
	current.Store(engine.Current{Kind: slide.KindPost, PostID: lyon.ID, Since: start.Add(-2 * time.Minute), On: true, Count: 42})
	b := f.browser("192.0.2.90")
	b.mustSignIn()
	r := b.get("/screen")
	for _, want := range []string{"a post by Ada Lovelace", "12:58:00", "2 min ago", "<dd>42</dd>", "<dd>on</dd>", "Our new office in Lyon"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("/screen lacks %q:\n%s", want, r.body)
		}
	}
	if q := b.get("/"); !strings.Contains(q.body, "Screen on, showing a post by Ada Lovelace since 12:58:00") {
		t.Errorf("the queue does not say what is on screen:\n%s", q.body)
	}
	current.Store(engine.Current{Kind: slide.KindWins, On: false})
	if r := b.get("/screen"); !strings.Contains(r.body, "off (outside display hours") || !strings.Contains(r.body, "the wins") {
		t.Errorf("/screen with the display off:\n%s", r.body)
	}

	s := b.get("/sources")
	for _, want := range []string{
		"team-journal", `<span class="pill ok">ok</span>`, "<dt>Items</dt><dd>4</dd>",
		`<dt>Read</dt><dd dir="auto">4 items read, 0 skipped</dd>`, `<dt>Encoding</dt><dd>UTF-8 (XML declaration &#34;UTF-8&#34;)</dd>`,
		"partner-news", `<span class="pill bad">failing</span>`, "127.0.0.1:1", "<dt>Failures in a row</dt><dd>1</dd>", "<dt>Next try</dt>",
		`Sources <span class="badge bad">1 failing</span>`,
	} {
		if !strings.Contains(s.body, want) {
			t.Errorf("/sources lacks %q", want)
		}
	}
	// The failing source comes first although it is second in the config,
	// and every time says its zone.
	if i, j := strings.Index(s.body, "<h2>partner-news"), strings.Index(s.body, "<h2>team-journal"); i < 0 || j < 0 || i > j {
		t.Errorf("the failing source is not listed first (%d, %d)", i, j)
	}
	// The sources were fetched at the real time: the page's clock goes
	// there.
	f.clock.mu.Lock()
	f.clock.t = time.Now()
	f.clock.mu.Unlock()
	b.mustSignIn() // a session from November has ended
	s = b.get("/sources")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`<dt>Last try</dt><dd>\w{3} \d+ \w{3}, \d\d:\d\d CES?T \(just now\)</dd>`),
		regexp.MustCompile(`<dt>Next try</dt><dd>\d\d:\d\d CES?T \(in (less than a minute|1 min)\)</dd>`),
	} {
		if !want.MatchString(s.body) {
			t.Errorf("/sources lacks %s", want)
		}
	}
	f.clock.Add(time.Hour)
	if s := b.get("/sources"); !regexp.MustCompile(`CES?T \(due now\)</dd>`).MatchString(s.body) || strings.Contains(s.body, "in just now") {
		t.Errorf("a try that is due says:\n%s", s.body)
	}
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{-time.Second, "due now"}, {0, "due now"}, {30 * time.Second, "in less than a minute"}, {61 * time.Second, "in 2 min"}, {3 * time.Hour, "in 3 h"}, {72 * time.Hour, "in 3 days"}} {
		if got := ahead(locale.English(), tc.d); got != tc.want {
			t.Errorf("ahead(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	if t.Failed() {
		t.Log(s.body)
	}
}

func TestSessionLifetime(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.100")
	b.mustSignIn()
	f.clock.Add(SessionTTL - time.Second)
	if r := b.get("/"); r.StatusCode != http.StatusOK {
		t.Fatalf("just before expiry: %d", r.StatusCode)
	}
	f.clock.Add(time.Second)
	if r := b.get("/"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("after %s: %d, want a redirect to sign in", SessionTTL, r.StatusCode)
	}

	b.mustSignIn()
	stolen := *b.cookies[sessionCookie]
	tok := b.csrf("/")
	if r := b.do("POST", "/signout", url.Values{"csrf": {tok}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/signin?out=1" {
		t.Fatalf("sign-out: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if b.cookies[sessionCookie] != nil {
		t.Error("sign-out left the cookie")
	}
	if r := b.get("/signin?out=1"); !strings.Contains(r.body, "You are signed out.") {
		t.Errorf("no sign-out message:\n%s", r.body)
	}
	b.cookies[sessionCookie] = &stolen
	if r := b.get("/"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the old cookie still works after sign-out: %d", r.StatusCode)
	}
}

func TestAPIContent(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.110")
	b.mustSignIn()
	r := b.get("/api/content")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	for _, want := range []string{`"status": "pending"`, `"source": "team-journal"`, `"reason":`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("/api/content lacks %s", want)
		}
	}
	if r := b.get("/api/screen"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/api/screen without a screen: %d, want 503", r.StatusCode)
	}
}

func TestMount(t *testing.T) {
	f := newFixture(t)
	f.srv.Mount("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	f.srv.Mount("GET /private", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !f.srv.SignedIn(r) {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, "secret")
	}))
	b := f.browser("192.0.2.120")
	if r := b.get("/healthz"); r.StatusCode != http.StatusOK || r.body != "ok" {
		t.Errorf("mounted /healthz: %d %q", r.StatusCode, r.body)
	}
	if r := b.get("/private"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("/private signed out: %d", r.StatusCode)
	}
	b.mustSignIn()
	if r := b.get("/private"); r.body != "secret" {
		t.Errorf("/private signed in: %d %q", r.StatusCode, r.body)
	}
}

func TestListenAndServe(t *testing.T) {
	f := newFixture(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := *f.cfg
	cfg.Admin.Listen = busy.Addr().String()
	s, err := New(Options{Config: &cfg, Engine: f.eng, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	err = s.ListenAndServe(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cannot listen on "+busy.Addr().String()) {
		t.Errorf("listen on a busy port: %v", err)
	}
	cfg.Admin.Listen = ""
	if err := s.ListenAndServe(context.Background()); err == nil || !strings.Contains(err.Error(), "listen is not set") {
		t.Errorf("no listen address: %v", err)
	}

	// Served until the context ends, then shut down cleanly.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.serve(ctx, ln, nil) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(body.String(), "Lobby Lyon") {
		t.Errorf("GET /signin: %d", res.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("after the context ended: %v, want nil", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/signin"); err == nil {
		t.Error("still serving after the context ended")
	}
}
