package engine

import (
	"context"
	"fmt"
	"image"
	"image/color"
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
	"lobbykiosk/kiosk/slide"
)

// feeds serves testdata/*.rss and counts the requests per path.
type feedServer struct {
	mu   sync.Mutex
	hits map[string]int
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.hits[r.URL.Path]++
	f.mu.Unlock()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.Base(r.URL.Path)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write(b)
}

func (f *feedServer) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func serveFeeds(t *testing.T) (*feedServer, string) {
	f := &feedServer{hits: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func parse(t *testing.T, body string) *config.Config {
	t.Helper()
	c, err := config.Parse("kiosk.toml", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func open(t *testing.T, cfg *config.Config) *Engine {
	t.Helper()
	e, err := Open(cfg, Options{Version: "test", Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// statusOf maps a post's text (its first words) to its status.
func statusOf(e *Engine) map[string]string {
	out := map[string]string{}
	for _, p := range e.Report(time.Now()).Posts {
		words := strings.Fields(p.Text)
		out[strings.Join(words[:min(3, len(words))], " ")] = string(p.Status)
	}
	return out
}

func sourceList(e *Engine) string {
	var names []string
	for _, s := range e.Report(time.Now()).Sources {
		names = append(names, s.Name)
	}
	return strings.Join(names, " ")
}

func TestReconfigureSourcesAndRules(t *testing.T) {
	feeds, base := serveFeeds(t)
	state := t.TempDir()
	cfg := func(extra string) *config.Config {
		return parse(t, fmt.Sprintf("name = \"HQ Lobby\"\nstate_dir = %q\n[[source]]\nname = \"lobby\"\nkind = \"posts\"\nurl = \"%s/lobby.rss\"\n%s", state, base, extra))
	}
	e := open(t, cfg(""))
	ctx := context.Background()
	e.RefreshOnce(ctx)
	v1 := e.ConfigVersion()
	if got := statusOf(e); got["Sneak peek: Project"] != string(moderate.Shown) || len(got) != 2 {
		t.Fatalf("before: %v", got)
	}

	next := cfg("[[source]]\nname = \"oslo\"\nkind = \"posts\"\nurl = \"" + base + "/oslo.rss\"\n[moderation]\nblocked_words = [\"Project Falcon\"]\n")
	e.Reconfigure(next)

	if e.CurrentConfig() != next || e.ConfigVersion() == v1 || e.ConfigVersion() != config.Version(next) {
		t.Errorf("config in use not switched: version %q (was %q)", e.ConfigVersion(), v1)
	}
	if got := sourceList(e); got != "lobby oslo" {
		t.Errorf("sources after reconfigure = %q, want lobby oslo", got)
	}
	// The rule applies to content already held, without fetching it again.
	got := statusOf(e)
	if got["Sneak peek: Project"] != string(moderate.Rejected) || got["Our volunteering day"] != string(moderate.Shown) {
		t.Errorf("after: %v", got)
	}
	if n := feeds.count("/lobby.rss"); n != 1 {
		t.Errorf("unchanged source fetched %d times, want 1 (its content is kept)", n)
	}
	e.RefreshOnce(ctx)
	if got := statusOf(e); got["The Oslo office"] != string(moderate.Shown) {
		t.Errorf("new source's post: %v", got)
	}

	// A source taken out of the config leaves the screen.
	e.Reconfigure(cfg("[moderation]\nblocked_words = [\"Project Falcon\"]\n"))
	if got := statusOf(e); got["The Oslo office"] != "" || sourceList(e) != "lobby" {
		t.Errorf("removed source still present: %v, sources %q", got, sourceList(e))
	}
}

// screenEvent is one call the player made on the screen.
type screenEvent struct {
	kind   string // show, blank, restyle
	on     bool
	accent string
	safe   float64
	logo   image.Image
}

// restyler records what the player asks of the screen, and can restyle.
type restyler struct {
	events chan screenEvent
	stop   chan struct{} // closed when the test no longer listens
	logo   image.Image
}

func (s *restyler) send(ev screenEvent) {
	select {
	case s.events <- ev:
	case <-s.stop:
	}
}

func (s *restyler) Show(_ slide.Slide, c slide.Chrome) {
	s.send(screenEvent{kind: "show", logo: c.Logo})
}
func (s *restyler) SetChrome(slide.Chrome) {}
func (s *restyler) Blank(on bool)          { s.send(screenEvent{kind: "blank", on: on}) }
func (s *restyler) Restyle(cfg *config.Config) image.Image {
	s.send(screenEvent{kind: "restyle", accent: cfg.Theme.Accent, safe: cfg.Display.Safe()})
	return s.logo
}

// next returns the next event, skipping shows when skipShows is set.
func (s *restyler) next(t *testing.T, skipShows bool) screenEvent {
	t.Helper()
	for {
		select {
		case ev := <-s.events:
			if skipShows && ev.kind == "show" {
				continue
			}
			return ev
		case <-time.After(30 * time.Second):
			t.Fatal("the player stopped calling the screen")
		}
	}
}

// The running player picks up a new theme and new display hours at the
// next slide, without a restart.
func TestPlayerFollowsReconfigure(t *testing.T) {
	state := t.TempDir()
	now := time.Now().UTC()
	other := now.AddDate(0, 0, 2).Format("Mon") // a day that is not today
	cfg := func(accent, hours string) *config.Config {
		return parse(t, fmt.Sprintf("name = \"HQ Lobby\"\ntimezone = \"UTC\"\nstate_dir = %q\n[theme]\naccent = %q\n[display]\nhours = [%s]\n", state, accent, hours))
	}
	e := open(t, cfg("#1e88e5", ""))
	newLogo := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	newLogo.Set(0, 0, color.NRGBA{R: 0xff, A: 0xff})
	scr := &restyler{events: make(chan screenEvent), stop: make(chan struct{}), logo: newLogo}
	p := NewPlayer(e, scr, nil)
	p.SlideScale = 0.001

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	defer func() { close(scr.stop); cancel(); <-done }()

	if ev := scr.next(t, false); ev.kind != "show" || ev.logo != nil {
		t.Fatalf("first event %+v, want a slide with no logo", ev)
	}
	e.Reconfigure(cfg("#e53935", ""))
	ev := scr.next(t, true)
	if ev.kind != "restyle" || ev.accent != "#e53935" {
		t.Fatalf("after a theme change: %+v, want restyle to #e53935", ev)
	}
	if ev := scr.next(t, false); ev.kind != "show" || ev.logo != image.Image(newLogo) {
		t.Errorf("next slide after restyle: %+v, want the restyled logo in the chrome", ev)
	}
	// A TV switched to "Just Scan" needs no safe area: that is a new look too.
	justScan := cfg("#e53935", "")
	zero := 0.0
	justScan.Display.SafeArea = &zero
	e.Reconfigure(justScan)
	if ev := scr.next(t, true); ev.kind != "restyle" || ev.safe != 0 {
		t.Fatalf("after safe_area = 0: %+v, want a restyle with no safe area", ev)
	}

	hours := cfg("#e53935", fmt.Sprintf("%q", other+" 10:00-11:00"))
	hours.Display.SafeArea = &zero
	e.Reconfigure(hours)
	if ev := scr.next(t, true); ev.kind != "blank" || !ev.on {
		t.Errorf("hours that exclude now: %+v, want the screen blanked", ev)
	}
	// The screen is told first, then the player records it: wait for the
	// record (a busy machine may run the test between the two).
	c := p.Current()
	for end := time.Now().Add(2 * time.Second); (c.On || c.Updated.IsZero()) && time.Now().Before(end); c = p.Current() {
		time.Sleep(time.Millisecond)
	}
	if c.On || c.Updated.IsZero() {
		t.Errorf("current = %+v, want display off and a change time", c)
	}
}

// plain is a screen that cannot restyle: a theme change waits for a restart
// and nothing else is disturbed.
type plain struct{ shows, stop chan slide.Chrome }

func (s plain) Show(_ slide.Slide, c slide.Chrome) {
	select {
	case s.shows <- c:
	case <-s.stop:
	}
}
func (s plain) SetChrome(slide.Chrome) {}
func (s plain) Blank(bool)             {}

func TestPlayerWithoutRestyle(t *testing.T) {
	state := t.TempDir()
	cfg := func(accent string) *config.Config {
		return parse(t, fmt.Sprintf("name = \"Lab\"\nstate_dir = %q\n[theme]\naccent = %q\n", state, accent))
	}
	e := open(t, cfg("#1e88e5"))
	logo := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	scr := plain{shows: make(chan slide.Chrome), stop: make(chan slide.Chrome)}
	p := NewPlayer(e, scr, logo)
	p.SlideScale = 0.001
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	defer func() { close(scr.stop); cancel(); <-done }()
	<-scr.shows
	e.Reconfigure(cfg("#e53935"))
	for range 2 {
		if c := <-scr.shows; c.Logo != image.Image(logo) {
			t.Fatalf("chrome logo changed to %v on a screen that cannot restyle", c.Logo)
		}
	}
}
