package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"lobbykiosk/feeds"
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
