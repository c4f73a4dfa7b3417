package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/playlist"
	"lobbykiosk/kiosk/slide"
)

// kinds is a screen that reports the kind of every slide shown.
type kinds struct{ shown, stop chan slide.Kind }

func (s kinds) Show(sl slide.Slide, _ slide.Chrome) {
	select {
	case s.shown <- sl.Kind:
	case <-s.stop:
	}
}
func (s kinds) SetChrome(slide.Chrome) {}
func (s kinds) Blank(bool)             {}

// A kiosk that starts with nothing to show greets with the Welcome slide,
// and the first posts to arrive replace it at once, not after the Welcome's
// whole slide period (an hour here).
func TestWelcomeGivesWayWhenContentArrives(t *testing.T) {
	dir := t.TempDir()
	feed := filepath.Join(dir, "lobby.rss")
	cfg := parse(t, fmt.Sprintf("name = \"Lab\"\nstate_dir = %q\n[display]\npost_seconds = 3600\n[[source]]\nname = \"lobby\"\nkind = \"posts\"\npath = %q\n",
		filepath.Join(dir, "state"), feed))
	e := open(t, cfg)
	scr := kinds{shown: make(chan slide.Kind), stop: make(chan slide.Kind)}
	p := NewPlayer(e, scr, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	defer func() { close(scr.stop); cancel(); <-done }()

	if k := <-scr.shown; k != slide.KindWelcome {
		t.Fatalf("with no content the first slide is %s, want welcome", k)
	}
	rss, err := os.ReadFile(filepath.Join("testdata", "lobby.rss"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(feed, rss, 0o644); err != nil {
		t.Fatal(err)
	}
	e.RefreshOnce(ctx)
	select {
	case k := <-scr.shown:
		if k != slide.KindPost {
			t.Errorf("after the first posts arrived the screen showed %s, want a post", k)
		}
	case <-time.After(time.Minute):
		t.Fatal("the Welcome slide stayed up although posts had arrived")
	}
}

// A kiosk being set up shows where its admin page is on the welcome slide;
// once there is content, the welcome slide is for visitors again.
func TestSetupNoteOnlyWhileEmpty(t *testing.T) {
	dir := t.TempDir()
	feed := filepath.Join(dir, "lobby.rss")
	cfg := parse(t, fmt.Sprintf("name = \"Lab\"\nstate_dir = %q\n[[source]]\nname = \"lobby\"\nkind = \"posts\"\npath = %q\n", filepath.Join(dir, "state"), feed))
	e := open(t, cfg)
	p := NewPlayer(e, kinds{}, nil)
	p.SetupNote = "Admin page https://192.168.1.20:8443 · certificate SHA-256 AB:CD"
	welcome := playlist.Item{Kind: playlist.Welcome}
	if s := p.Build(context.Background(), welcome, e.Report(time.Now()), time.Now()); s.Welcome == nil || s.Welcome.Note != p.SetupNote {
		t.Errorf("empty kiosk: welcome %+v, want the set-up note", s.Welcome)
	}
	rss, err := os.ReadFile(filepath.Join("testdata", "lobby.rss"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(feed, rss, 0o644); err != nil {
		t.Fatal(err)
	}
	e.RefreshOnce(context.Background())
	if s := p.Build(context.Background(), welcome, e.Report(time.Now()), time.Now()); s.Welcome == nil || s.Welcome.Note != "" {
		t.Errorf("with content: welcome note %q, want none", s.Welcome.Note)
	}
}

// A post whose date is unknown reaches the playlist undated: after every
// dated post, however recently the kiosk first saw it.
func TestEntriesOfUndatedPosts(t *testing.T) {
	seen := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	old := time.Date(2020, 1, 10, 13, 33, 0, 0, time.UTC)
	got := entries([]content.Post{
		{Post: feeds.Post{ID: "a", Author: feeds.Author{Name: "Ana"}, Published: seen, DateUnknown: true}},
		{Post: feeds.Post{ID: "b", Author: feeds.Author{Name: "Jon"}, Published: old}, Pinned: true},
	})
	want := []playlist.Entry{{ID: "a", Author: "Ana"}, {ID: "b", Author: "Jon", Published: old, Pinned: true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries = %+v, want %+v", got, want)
	}
}

// The player times each post by the reading rule and cuts a post longer
// than the longest slide can carry; metrics that need two wins slides show
// on both, in turn.
func TestPlayerReadingTimeAndWinsPages(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("We repaired eleven thousand packs this year, and every one went home. ", 20)
	rss := fmt.Sprintf(`<?xml version="1.0"?>
<rss version="2.0"><channel><title>Ana Lima</title><link>https://social.example/@ana</link>
<item><guid>1</guid><link>https://social.example/@ana/1</link><description>%s</description><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>
<item><guid>2</guid><link>https://social.example/@ana/2</link><description>Short and sweet.</description><pubDate>Tue, 03 Nov 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`, long)
	csv := "label,value,previous\nReach,1200000,948000\nShares,4812,3960\nFollowers,1340,1512\nStaff sharing,61,54\nComments,870,\nNet followers,420,-100\n"
	for name, body := range map[string]string{"lobby.rss": rss, "wins.csv": csv} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := parse(t, fmt.Sprintf("name = \"Lab\"\nstate_dir = %q\n[display]\npost_seconds = 8\npost_max_seconds = 15\nwins_every = 1\nleaderboard_every = -1\n"+
		"[[source]]\nname = \"lobby\"\nkind = \"posts\"\npath = %q\n[[source]]\nname = \"wins\"\nkind = \"wins\"\npath = %q\n",
		filepath.Join(dir, "state"), filepath.Join(dir, "lobby.rss"), filepath.Join(dir, "wins.csv")))
	e := open(t, cfg)
	ctx := context.Background()
	e.RefreshOnce(ctx)
	p := NewPlayer(e, nil, nil)
	now := time.Date(2026, 11, 5, 12, 0, 0, 0, time.UTC)
	labels := map[string]bool{}
	var pages []int
	durations := map[string]time.Duration{}
	for range 8 {
		item, s, _ := p.next(ctx, now)
		switch s.Kind {
		case slide.KindPost:
			durations[s.Post.Text] = item.Duration
			if n := slide.CountWords(s.Post.Text); n > slide.WordsIn(15*time.Second) {
				t.Errorf("a post shows %d words, more than 15 s allow", n)
			}
		case slide.KindWins:
			pages = append(pages, s.Page)
			if s.Pages != 2 || len(s.Wins) != 3 {
				t.Errorf("wins page %d of %d with %d tiles, want 2 pages of 3", s.Page, s.Pages, len(s.Wins))
			}
			for _, w := range s.Wins {
				labels[w.Label] = true
				if w.Label == "Net followers" && w.Change != "+520" {
					t.Errorf("net followers from –100 to 420 show %q, want +520", w.Change)
				}
			}
		}
	}
	if d := durations["Short and sweet."]; d != 8*time.Second {
		t.Errorf("a short post stays %v, want the post time 8s", d)
	}
	cut := 0
	for text, d := range durations {
		if strings.HasSuffix(text, slide.Ellipsis) {
			cut++
			if d != 15*time.Second {
				t.Errorf("the long post stays %v, want the longest 15s", d)
			}
			if !strings.HasSuffix(text, "home…") {
				t.Errorf("the long post is not cut at a sentence: …%q", text[max(0, len(text)-40):])
			}
		}
	}
	if cut != 1 {
		t.Errorf("%d cut posts shown, want the long one: %v", cut, durations)
	}
	if len(labels) != 6 {
		t.Errorf("metrics shown: %v, want all 6", labels)
	}
	if len(pages) < 2 || pages[0] == pages[1] {
		t.Errorf("wins pages shown in order %v, want them in turn", pages)
	}
}

// The fleet hub's leaderboard names its period by kind and first day: each
// kiosk says it in its own language, for the hub's period even when the
// kiosk's own month has already turned.
func TestBoardPeriodFromTheHub(t *testing.T) {
	pt := parse(t, "name = \"Lisboa\"\ntimezone = \"America/New_York\"\nlanguage = \"pt-PT\"\n")
	en := parse(t, "name = \"Leeds\"\ntimezone = \"Asia/Tokyo\"\n")
	hubs := content.Report{Period: "November 2026", PeriodKind: "month", PeriodStart: "2026-11-01"}
	jan := time.Date(2027, 1, 1, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		cfg  *config.Config
		r    content.Report
		want string
	}{
		{pt, hubs, "novembro de 2026"},
		{en, hubs, "November 2026"},
		{en, content.Report{Period: "Q3 2026", PeriodKind: "quarter", PeriodStart: "2026-07-01"}, "Q3 2026"},
		{en, content.Report{Period: "Spring campaign"}, "Spring campaign"},
		{en, content.Report{Period: "broken", PeriodKind: "month", PeriodStart: "soon"}, "broken"},
	} {
		if got := boardPeriod(tc.r, tc.cfg, jan); got != tc.want {
			t.Errorf("%s, %+v: %q, want %q", tc.cfg.Name, tc.r, got, tc.want)
		}
	}
}
