package pipeline

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/store"
)

const rss = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Ana Lima</title><link>https://social.example/@ana</link>
<item><guid>1</guid><link>https://social.example/@ana/1</link><description>First post about the volunteering day</description><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>
<item><guid>2</guid><link>https://social.example/@ana/2</link><description>Second post, no date given here</description></item>
</channel></rss>`

// feedServer serves body with an ETag, answers 304 to a matching
// If-None-Match, and can be told to fail.
type feedServer struct {
	mu          sync.Mutex
	body        string
	status      int
	conditional int
	hits        int
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits++
	if f.status != 0 {
		http.Error(w, "boom", f.status)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(f.body)))
	if r.Header.Get("If-None-Match") == etag {
		f.conditional++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Write([]byte(f.body))
}

func (f *feedServer) set(body string, status int) {
	f.mu.Lock()
	f.body, f.status = body, status
	f.mu.Unlock()
}

func newPipeline(t *testing.T, dir string, specs ...feeds.SourceSpec) *Pipeline {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := New(specs, Options{Store: st, Client: fetch.New("test"), Jitter: func() float64 { return 0.5 }})
	p.LoadCache()
	return p
}

func texts(s feeds.Snapshot) []string {
	var out []string
	for _, p := range s.Posts {
		out = append(out, p.Text)
	}
	return out
}

func TestFailingSourceKeepsLastGoodAndOthers(t *testing.T) {
	a, b := &feedServer{body: rss}, &feedServer{body: strings.ReplaceAll(rss, "social.example/@ana", "other.example/@bo")}
	sa, sb := httptest.NewServer(a), httptest.NewServer(b)
	defer sa.Close()
	defer sb.Close()
	dir := t.TempDir()
	p := newPipeline(t, dir,
		feeds.SourceSpec{Name: "a", Kind: feeds.KindPosts, URL: sa.URL, Refresh: time.Minute},
		feeds.SourceSpec{Name: "b", Kind: feeds.KindPosts, URL: sb.URL, Refresh: time.Minute})
	p.RefreshAll(context.Background())
	if got := len(p.Snapshot().Posts); got != 4 {
		t.Fatalf("posts = %d, want 4", got)
	}

	a.set("", 500)
	b.set("<html><body>maintenance</body></html>", 0)
	p.RefreshAll(context.Background())
	snap := p.Snapshot()
	if got := len(snap.Posts); got != 4 {
		t.Fatalf("after failures posts = %d, want the last good 4: %q", got, texts(snap))
	}
	for _, s := range snap.Sources {
		if s.OK || s.Failures != 1 || !strings.Contains(s.Error, "source "+s.Name+":") {
			t.Errorf("source %s state = %+v", s.Name, s)
		}
		if !s.NextTry.After(s.LastAttempt) {
			t.Errorf("source %s: no backoff: next %v, last %v", s.Name, s.NextTry, s.LastAttempt)
		}
	}
	if !strings.Contains(snap.Sources[0].Error, "500") {
		t.Errorf("a's error does not say 500: %s", snap.Sources[0].Error)
	}
}

func TestNotModifiedAndEmptyFeedKeepContent(t *testing.T) {
	f := &feedServer{body: rss}
	srv := httptest.NewServer(f)
	defer srv.Close()
	p := newPipeline(t, t.TempDir(), feeds.SourceSpec{Name: "a", Kind: feeds.KindPosts, URL: srv.URL})
	p.RefreshAll(context.Background())
	p.RefreshAll(context.Background())
	if f.conditional != 1 {
		t.Errorf("second fetch was not a 304 (conditional=%d hits=%d)", f.conditional, f.hits)
	}
	if n := len(p.Snapshot().Posts); n != 2 {
		t.Fatalf("after 304 posts = %d", n)
	}
	fetched := p.Snapshot().Sources[0].FetchedAt
	f.set(`<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>`, 0)
	p.RefreshAll(context.Background())
	snap := p.Snapshot()
	if n := len(snap.Posts); n != 2 {
		t.Fatalf("an empty feed emptied the source: %d posts", n)
	}
	// Not healthy: degraded with the reason, and the content is as old as
	// it was (an empty answer confirms nothing).
	st := snap.Sources[0]
	if st.OK || st.Error != "" || !strings.Contains(st.Degraded, "source a: answers with nothing") ||
		!strings.Contains(st.Degraded, "showing the last good 2 until") || !st.FetchedAt.Equal(fetched) {
		t.Errorf("empty answer: ok=%v error=%q degraded=%q fetched_at %v (was %v)", st.OK, st.Error, st.Degraded, st.FetchedAt, fetched)
	}
}

// holdPipeline is a pipeline on a feed server with a clock the test moves.
func holdPipeline(t *testing.T, dir, url string, now *time.Time, maxDrop float64) *Pipeline {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := New([]feeds.SourceSpec{{Name: "a", Kind: feeds.KindPosts, URL: url}}, Options{
		Store: st, Client: fetch.New("test"), Jitter: func() float64 { return 0.5 },
		Now: func() time.Time { return *now }, MaxDrop: maxDrop, HoldFor: 48 * time.Hour,
	})
	p.LoadCache()
	return p
}

func rssOf(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Ana Lima</title><link>https://social.example/@ana</link>`)
	for i := range n {
		fmt.Fprintf(&b, "<item><guid>%d</guid><link>https://social.example/@ana/%d</link><description>Post number %d of the team</description><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>", i, i, i)
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// TestSuspiciousAnswerIsHeldForItsGrace: a feed that empties (or loses more
// than max_drop of its items) keeps its last good content and says so; a
// restart does not restart the grace; after it, the answer is taken; a feed
// that comes back clears the state.
func TestSuspiciousAnswerIsHeldForItsGrace(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	f := &feedServer{body: rssOf(10)}
	srv := httptest.NewServer(f)
	defer srv.Close()
	dir := t.TempDir()
	p := holdPipeline(t, dir, srv.URL, &now, 0.8)
	ctx := context.Background()
	p.RefreshAll(ctx)
	posts := func() int { return len(p.Snapshot().Posts) }
	state := func() feeds.SourceState { return p.Snapshot().Sources[0] }

	// Down to 3 of 10: a 70 % drop, within max_drop 0.8: taken.
	f.set(rssOf(3), 0)
	now = now.Add(time.Hour)
	p.RefreshAll(ctx)
	if posts() != 3 || !state().OK || state().Degraded != "" {
		t.Fatalf("a 70%% drop: %d posts, %+v", posts(), state())
	}
	// Back to 10, then 1 of 10: 90 %, held.
	f.set(rssOf(10), 0)
	p.RefreshAll(ctx)
	f.set(rssOf(1), 0)
	now = now.Add(time.Hour)
	p.RefreshAll(ctx)
	if posts() != 10 || state().OK || !strings.Contains(state().Degraded, "answers with 1 item instead of 10 (since") {
		t.Fatalf("a 90%% drop: %d posts, %+v", posts(), state())
	}
	// Then nothing at all, across a restart: still held, same grace.
	f.set(rssOf(0), 0)
	now = now.Add(47 * time.Hour)
	p.RefreshAll(ctx)
	p = holdPipeline(t, dir, srv.URL, &now, 0.8)
	if posts() != 10 || state().OK || !strings.Contains(state().Degraded, "answers with nothing") {
		t.Fatalf("after a restart while held: %d posts, %+v", posts(), state())
	}
	p.RefreshAll(ctx)
	if posts() != 10 || !strings.Contains(state().Degraded, "until 2026-12-03") {
		t.Fatalf("47 h into a 48 h grace: %d posts, %+v", posts(), state())
	}
	// The grace is over: the source empties for real, and says why.
	now = now.Add(2 * time.Hour)
	p.RefreshAll(ctx)
	st := state()
	if posts() != 0 || !st.OK || st.Degraded != "" || st.Items != 0 || !strings.Contains(strings.Join(st.Warnings, ""), "its last good content was dropped after 48h0m0s") {
		t.Fatalf("after the grace: %d posts, %+v", posts(), st)
	}
	// Back with content, then empty again: a new grace starts.
	f.set(rssOf(4), 0)
	p.RefreshAll(ctx)
	f.set(rssOf(0), 0)
	now = now.Add(time.Hour)
	p.RefreshAll(ctx)
	if posts() != 4 || state().OK {
		t.Fatalf("emptied again: %d posts, %+v", posts(), state())
	}
	f.set(rssOf(5), 0)
	p.RefreshAll(ctx)
	if posts() != 5 || !state().OK || state().Degraded != "" {
		t.Fatalf("recovered: %d posts, %+v", posts(), state())
	}
}

// A restart with no network shows the last good content, and undated posts
// keep the time they were first seen.
func TestCacheSurvivesRestart(t *testing.T) {
	f := &feedServer{body: rss}
	srv := httptest.NewServer(f)
	dir := t.TempDir()
	spec := feeds.SourceSpec{Name: "a", Kind: feeds.KindPosts, URL: srv.URL}
	p := newPipeline(t, dir, spec)
	p.RefreshAll(context.Background())
	before := p.Snapshot()
	srv.Close()

	p2 := newPipeline(t, dir, spec)
	after := p2.Snapshot()
	if len(after.Posts) != 2 || !after.Sources[0].FromCache {
		t.Fatalf("after restart: %d posts, state %+v", len(after.Posts), after.Sources[0])
	}
	for i := range before.Posts {
		if !before.Posts[i].Published.Equal(after.Posts[i].Published) {
			t.Errorf("post %s time changed across restart: %v -> %v", before.Posts[i].ID, before.Posts[i].Published, after.Posts[i].Published)
		}
	}
	p2.RefreshAll(context.Background()) // the network is down now
	if n := len(p2.Snapshot().Posts); n != 2 {
		t.Errorf("offline refresh lost content: %d", n)
	}
}

func TestCorruptCacheIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "source-a.json"), []byte("\x00\xffnot json at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newPipeline(t, dir, feeds.SourceSpec{Name: "a", Kind: feeds.KindPosts, URL: "http://127.0.0.1:1/none"})
	s := p.Snapshot()
	if len(s.Posts) != 0 || !strings.Contains(s.Sources[0].Error, "cached content unreadable") {
		t.Errorf("state = %+v", s.Sources[0])
	}
	m, _ := filepath.Glob(filepath.Join(dir, "source-a.json.corrupt-*"))
	if len(m) != 1 {
		t.Errorf("corrupt file not moved aside: %v", m)
	}
}

func TestSamePostFromTwoSourcesShownOnce(t *testing.T) {
	dir := t.TempDir()
	feed := filepath.Join(dir, "a.rss")
	if err := os.WriteFile(feed, []byte(rss), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&feedServer{body: rss})
	defer srv.Close()
	p := newPipeline(t, filepath.Join(dir, "state"),
		feeds.SourceSpec{Name: "file", Kind: feeds.KindPosts, Path: feed},
		feeds.SourceSpec{Name: "web", Kind: feeds.KindPosts, URL: srv.URL})
	p.RefreshAll(context.Background())
	snap := p.Snapshot()
	if len(snap.Posts) != 2 {
		t.Fatalf("posts = %d, want 2 (deduplicated by link): %q", len(snap.Posts), texts(snap))
	}
	for _, post := range snap.Posts {
		if post.Source != "file" {
			t.Errorf("kept the copy from %s, want the first source listed", post.Source)
		}
	}
}

// A feed on a share names no file on the kiosk's disk: its relative
// pictures resolve against its own <link>. A leaderboard export's photos
// may sit beside it.
func TestRelativeReferencesInLocalFiles(t *testing.T) {
	dir := t.TempDir()
	body := strings.Replace(rss, "<description>First", `<enclosure url="images/p1.jpg" type="image/jpeg" length="1"/><description>First`, 1)
	feed := filepath.Join(dir, "a.rss")
	board := filepath.Join(dir, "board.csv")
	if err := os.WriteFile(feed, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(board, []byte("name,points,photo\nAna,10,photos/ana.jpg\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newPipeline(t, filepath.Join(dir, "state"),
		feeds.SourceSpec{Name: "file", Kind: feeds.KindPosts, Path: feed},
		feeds.SourceSpec{Name: "board", Kind: feeds.KindLeaderboard, Path: board})
	p.RefreshAll(context.Background())
	snap := p.Snapshot()
	var img string
	for _, post := range snap.Posts {
		if post.Image != "" {
			img = post.Image
		}
	}
	if want := "https://social.example/@ana/images/p1.jpg"; img != want {
		t.Errorf("image = %q, want %q", img, want)
	}
	if len(snap.Leaderboard) != 1 || snap.Leaderboard[0].Avatar != filepath.Join(dir, "photos", "ana.jpg") {
		t.Errorf("leaderboard = %+v", snap.Leaderboard)
	}
}

// A post whose date is unknown is dated by when the kiosk first saw it,
// that time survives refreshes and restarts, and it sorts after every dated
// post however recent it is.
func TestDateUnknownIsFirstSeen(t *testing.T) {
	f := &feedServer{body: rss}
	srv := httptest.NewServer(f)
	defer srv.Close()
	dir := t.TempDir()
	spec := feeds.SourceSpec{Name: "a", Kind: feeds.KindPosts, URL: srv.URL}
	clock := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	open := func() *Pipeline {
		st, err := store.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		p := New([]feeds.SourceSpec{spec}, Options{Store: st, Client: fetch.New("test"), Now: func() time.Time { return clock }})
		p.LoadCache()
		return p
	}
	check := func(p *Pipeline, when string) {
		t.Helper()
		posts := p.Snapshot().Posts
		if len(posts) != 2 {
			t.Fatalf("%s: %d posts", when, len(posts))
		}
		last := posts[1]
		if posts[0].DateUnknown || !last.DateUnknown || !last.Published.Equal(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: dated %v (unknown %v), then %v (unknown %v)", when, posts[0].Published, posts[0].DateUnknown, last.Published, last.DateUnknown)
		}
	}
	p := open()
	p.RefreshAll(context.Background())
	check(p, "first fetch")
	clock = clock.Add(3 * time.Hour)
	f.set(rss+" ", 0) // a changed document: parsed again
	p.RefreshAll(context.Background())
	check(p, "a refresh 3 h later")
	clock = clock.Add(24 * time.Hour)
	p2 := open()
	check(p2, "after a restart, from the cache")
	p2.RefreshAll(context.Background())
	check(p2, "after a restart and a refresh")
}

// The server's charset reaches the parser; a file's guessed type does not.
func TestContentTypeCharset(t *testing.T) {
	csv := "Kennzahl;Wert\r\nM\xe4rz;1.234\r\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=windows-1252")
		w.Write([]byte(csv))
	}))
	defer srv.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "wins.csv")
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newPipeline(t, filepath.Join(dir, "state"),
		feeds.SourceSpec{Name: "web", Kind: feeds.KindWins, URL: srv.URL},
		feeds.SourceSpec{Name: "file", Kind: feeds.KindWins, Path: file})
	p.RefreshAll(context.Background())
	snap := p.Snapshot()
	if len(snap.Wins) != 2 || snap.Wins[0].Label != "März" || snap.Wins[1].Label != "März" || snap.Wins[0].Value != 1234 {
		t.Fatalf("wins = %+v", snap.Wins)
	}
	web, file2 := snap.Sources[0].Reading, snap.Sources[1].Reading
	if web.Encoding != "windows-1252" || web.EncodingFrom != `HTTP charset "windows-1252"` || web.Read != 1 {
		t.Errorf("web reading %+v", web)
	}
	if file2.Encoding != "windows-1252" || file2.EncodingFrom != "assumed" || len(snap.Sources[1].Warnings) != 1 {
		t.Errorf("file reading %+v, warnings %q", file2, snap.Sources[1].Warnings)
	}
}

// Run fetches on each source's own schedule and signals changes.
func TestRunSignalsChanges(t *testing.T) {
	srv := httptest.NewServer(&feedServer{body: rss})
	defer srv.Close()
	p := newPipeline(t, t.TempDir(), feeds.SourceSpec{Name: "a", Kind: feeds.KindPosts, URL: srv.URL})
	<-p.Changes() // LoadCache's signal
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	select {
	case <-p.Changes():
	case <-time.After(10 * time.Second):
		t.Fatal("no change signalled after the first fetch")
	}
	if n := len(p.Snapshot().Posts); n != 2 {
		t.Errorf("posts = %d", n)
	}
	cancel()
	<-done
}

// A 404 is tried again on the source's own schedule, slowing down to at
// most four refreshes: a one-minute source whose URL was wrong for a while
// is back within minutes of the fix, not an hour later.
func TestNotFoundRetriedOnTheSourcesSchedule(t *testing.T) {
	f := &feedServer{}
	f.set("", http.StatusNotFound)
	srv := httptest.NewServer(f)
	defer srv.Close()
	p := newPipeline(t, t.TempDir(), feeds.SourceSpec{Name: "team", Kind: feeds.KindPosts, URL: srv.URL, Refresh: time.Minute})
	var waits []time.Duration
	for range 5 {
		p.RefreshAll(context.Background())
		s := p.Snapshot().Sources[0]
		if s.OK || !strings.Contains(s.Error, "404") {
			t.Fatalf("source state after a 404: %+v", s)
		}
		waits = append(waits, s.NextTry.Sub(s.LastAttempt).Round(time.Second))
	}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 4 * time.Minute, 4 * time.Minute}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("waits after 404s in a row = %v, want %v", waits, want)
	}
}
