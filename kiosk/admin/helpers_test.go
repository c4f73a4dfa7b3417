package admin

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/engine"
)

const testPassword = "correct horse battery"

// The fixture's clock starts on the day after the newest post.
var start = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// clock is the injectable time of a test: it moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// logBuffer collects the server's log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

type fixture struct {
	t       *testing.T
	dir     string
	cfgPath string
	cfg     *config.Config
	eng     *engine.Engine
	srv     *Server
	clock   *clock
	logs    *logBuffer
	pics    *httptest.Server
	// picHits counts requests to the picture server, by path.
	picHits sync.Map
}

// newFixture is a kiosk with one manual source (the feed in testdata)
// served with its pictures by a local web server, one source that cannot
// be reached, and the admin page over its engine.
func newFixture(t *testing.T, o ...func(*Options)) *fixture {
	return newFixtureWith(t, "", o...)
}

// newFixtureWith is newFixture with more lines in the config's [admin].
// Its language is pinned to English: the default is the system's locale.
func newFixtureWith(t *testing.T, adminConfig string, o ...func(*Options)) *fixture {
	t.Helper()
	return newFixtureIn(t, "en", adminConfig, o...)
}

// newFixtureIn is newFixtureWith with the config's language set to lang.
func newFixtureIn(t *testing.T, lang, adminConfig string, o ...func(*Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: t.TempDir(), clock: &clock{t: start}, logs: &logBuffer{}}
	feed, err := os.ReadFile("testdata/feed.rss")
	if err != nil {
		t.Fatal(err)
	}
	f.pics = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := f.picHits.LoadOrStore(r.URL.Path, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		switch r.URL.Path {
		case "/feed.rss":
			w.Header().Set("Content-Type", "application/rss+xml")
			io.WriteString(w, strings.ReplaceAll(string(feed), "@BASE@", f.pics.URL))
		case "/photo.jpg", "/avatar.png", "/secret.png":
			http.ServeFile(w, r, filepath.Join("testdata", strings.Replace(r.URL.Path, "secret", "avatar", 1)))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.pics.Close)

	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	f.cfgPath = filepath.Join(f.dir, "kiosk.toml")
	writeFile(t, f.cfgPath, `name = "Lobby Lyon"
language = "`+lang+`"
timezone = "Europe/Paris"
state_dir = "state"

[[source]]
name = "team-journal"
kind = "posts"
url = "`+f.pics.URL+`/feed.rss"
approval = "manual"

[[source]]
name = "partner-news"
kind = "posts"
url = "http://127.0.0.1:1/news.xml"

[moderation]
blocked_words = ["project falcon"]

[admin]
listen = "127.0.0.1:0"
`+adminConfig+`
`)
	f.cfg, err = config.Load(f.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePasswordFile(f.cfg.Admin.PasswordFile, string(hash)); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	f.eng, err = engine.Open(f.cfg, engine.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	f.eng.RefreshOnce(context.Background())
	opts := Options{Config: f.cfg, Engine: f.eng, Logger: slog.New(slog.NewTextHandler(f.logs, nil)), Now: f.clock.Now}
	for _, fn := range o {
		fn(&opts)
	}
	f.srv, err = New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.report().Posts); n != 4 {
		t.Fatalf("the fixture feed gave %d posts, want 4; sources: %+v", n, f.report().Sources)
	}
	return f
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) report() content.Report { return f.eng.Report(f.clock.Now()) }

// post finds a post of the fixture by a word of its text.
func (f *fixture) post(word string) content.Post {
	f.t.Helper()
	for _, p := range f.report().Posts {
		if strings.Contains(p.Text, word) {
			return p
		}
	}
	f.t.Fatalf("no post mentions %q", word)
	return content.Post{}
}

// reopened is what another process (the CLI) sees: a new engine on the same
// config and state dir.
func (f *fixture) reopened(word string) content.Post {
	f.t.Helper()
	eng, err := engine.Open(f.cfg, engine.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, p := range eng.Report(f.clock.Now()).Posts {
		if strings.Contains(p.Text, word) {
			return p
		}
	}
	f.t.Fatalf("a new engine has no post mentioning %q", word)
	return content.Post{}
}

func (f *fixture) decisions() []moderate.Decision {
	f.t.Helper()
	if _, err := f.eng.Decisions().Reload(); err != nil {
		f.t.Fatal(err)
	}
	return f.eng.Decisions().All()
}

// browser is one device talking to the page: it keeps its cookies and comes
// from one address.
type browser struct {
	t       *testing.T
	h       http.Handler
	ip      string
	cookies map[string]*http.Cookie
	// host is the Host header, as a browser sends the address it was
	// given; header holds more headers to send (a proxy's).
	host   string
	header http.Header
}

func (f *fixture) browser(ip string) *browser {
	return &browser{t: f.t, h: f.srv.Handler(), ip: ip, cookies: map[string]*http.Cookie{}, host: "192.168.1.20:8443", header: http.Header{}}
}

type response struct {
	*http.Response
	body string // as sent
	text string // with HTML entities decoded, to compare with sentences
}

func (b *browser) do(method, target string, form url.Values) response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = net.JoinHostPort(b.ip, "50123")
	req.Host = b.host
	for k, v := range b.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	res := rec.Result()
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	data, _ := io.ReadAll(res.Body)
	return response{res, string(data), html.UnescapeString(string(data))}
}

func (b *browser) get(target string) response { return b.do(http.MethodGet, target, nil) }

var (
	csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	imageSrc  = regexp.MustCompile(`src="/image\?src=([^"]+)"`)
)

// pictures lists the addresses of the pictures a page shows.
func (r response) pictures() []string {
	var out []string
	for _, m := range imageSrc.FindAllStringSubmatch(r.body, -1) {
		src, err := url.QueryUnescape(html.UnescapeString(m[1]))
		if err == nil {
			out = append(out, src)
		}
	}
	return out
}

// csrf reads the form token from a page, as a browser submits it.
func (b *browser) csrf(page string) string {
	b.t.Helper()
	r := b.get(page)
	m := csrfField.FindStringSubmatch(r.body)
	if m == nil {
		b.t.Fatalf("GET %s (%d): no CSRF field in\n%s", page, r.StatusCode, r.body)
	}
	return m[1]
}

// signIn fills in the sign-in form with password.
func (b *browser) signIn(password string) response {
	b.t.Helper()
	tok := b.csrf("/signin")
	return b.do(http.MethodPost, "/signin", url.Values{"csrf": {tok}, "password": {password}, "next": {"/"}})
}

func (b *browser) mustSignIn() {
	b.t.Helper()
	if r := b.signIn(testPassword); r.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign-in: %d\n%s", r.StatusCode, r.body)
	}
}

// act submits a post's form as its buttons do.
func (b *browser) act(back, id, action string, extra ...string) response {
	b.t.Helper()
	form := url.Values{"csrf": {b.csrf(back)}, "id": {id}, "action": {action}, "back": {back}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return b.do(http.MethodPost, "/post", form)
}
