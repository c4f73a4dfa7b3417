package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/parse"
	"lobbykiosk/kiosk/config"
)

// clock is a settable time for a feedWorld under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var worldStart = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

func testWorld() (*feedWorld, *clock) {
	c := &clock{t: worldStart}
	w := newFeedWorld(worldStart, 12*time.Second, 8, c.now)
	w.base = "http://127.0.0.1:8999"
	return w, c
}

// readPosts parses source i's feed at t with the kiosk's own parser.
func readPosts(t *testing.T, w *feedWorld, i int, at time.Time) []feeds.Post {
	t.Helper()
	body, ctype, _ := w.feed(i, at)
	res, err := parse.Read(parse.Doc{Body: body, ContentType: ctype}, feeds.SourceSpec{Name: soakSources[i].name, Kind: feeds.KindPosts, URL: w.base + soakSources[i].path})
	if err != nil {
		t.Fatalf("%s at %s: %v", soakSources[i].name, at.Format(time.TimeOnly), err)
	}
	if len(res.Warnings) > 0 || res.Reading.Skipped > 0 {
		t.Errorf("%s: warnings %q, %d skipped", soakSources[i].name, res.Warnings, res.Reading.Skipped)
	}
	return res.Posts
}

// Every feed reads with the kiosk's parser as it would on a kiosk: the
// window's posts, each with its person, its text and (most) a photo on the
// world's server; avatars where the format carries them.
func TestWorldFeedsReadAsPosts(t *testing.T) {
	w, _ := testWorld()
	for i, src := range soakSources {
		posts := readPosts(t, w, i, worldStart)
		if len(posts) != 8 {
			t.Fatalf("%s: %d posts, want 8", src.name, len(posts))
		}
		pictures := 0
		for _, p := range posts {
			if p.Author.Name == "" || len(p.Text) < 40 || p.Published.IsZero() || p.DateUnknown {
				t.Errorf("%s: post %+v lacks a person, text or date", src.name, p)
			}
			if p.Image != "" {
				pictures++
				if !strings.HasPrefix(p.Image, w.base+"/media/") {
					t.Errorf("%s: picture %q is not on the world's server", src.name, p.Image)
				}
			}
			wantAvatar := src.format == formatProfile || src.format == formatJSON
			if got := strings.HasPrefix(p.Author.Avatar, w.base+"/avatars/"); got != wantAvatar {
				t.Errorf("%s: avatar %q", src.name, p.Author.Avatar)
			}
		}
		if pictures < 4 {
			t.Errorf("%s: %d of 8 posts have a picture, want most", src.name, pictures)
		}
	}
	// The tag feed is several people's: each post keeps its own.
	people := map[string]bool{}
	for _, p := range readPosts(t, w, 0, worldStart) {
		people[p.Author.Name] = true
	}
	if len(people) < 3 {
		t.Errorf("the tag feed's 8 posts are by %d people, want several", len(people))
	}
}

// Each churn every feed gains one post, with a new photo, and loses its
// oldest; over avatarEvery churns the profile's avatar is a new picture.
func TestWorldFeedsChange(t *testing.T) {
	w, c := testWorld()
	ids := func(ps []feeds.Post) map[string]string {
		m := map[string]string{}
		for _, p := range ps {
			m[p.ID] = p.Image
		}
		return m
	}
	before := make([]map[string]string, len(soakSources))
	for i := range soakSources {
		before[i] = ids(readPosts(t, w, i, c.now()))
	}
	seenPictures := map[string]bool{}
	for _, m := range before {
		for _, img := range m {
			seenPictures[img] = true
		}
	}
	c.add(w.churn)
	for i, src := range soakSources {
		after := ids(readPosts(t, w, i, c.now()))
		var added, kept []string
		for id, img := range after {
			if _, ok := before[i][id]; ok {
				kept = append(kept, id)
				continue
			}
			added = append(added, id)
			if img != "" && seenPictures[img] {
				t.Errorf("%s: new post %s reuses picture %s", src.name, id, img)
			}
		}
		if len(added) != 1 || len(kept) != 7 {
			t.Errorf("%s after one churn: %d new, %d kept; want 1 and 7", src.name, len(added), len(kept))
		}
	}
	avatar := readPosts(t, w, 1, c.now())[0].Author.Avatar
	c.add(avatarEvery * w.churn)
	if now := readPosts(t, w, 1, c.now())[0].Author.Avatar; now == avatar {
		t.Errorf("the profile's avatar is still %s after %d churns", avatar, avatarEvery)
	}
}

// The wins and the leaderboard read back as the numbers the world wrote,
// and change from one period to the next.
func TestWorldTables(t *testing.T) {
	w, c := testWorld()
	read := func(at time.Time) ([]feeds.Metric, []feeds.Standing) {
		wins, notes, err := parse.Wins(w.wins(at))
		if err != nil || len(notes) > 0 {
			t.Fatalf("wins: %v %q\n%s", err, notes, w.wins(at))
		}
		board, notes, err := parse.Leaderboard(w.leaderboard(at))
		if err != nil || len(notes) > 0 {
			t.Fatalf("leaderboard: %v %q\n%s", err, notes, w.leaderboard(at))
		}
		return wins, board
	}
	c.add(10 * 2 * w.churn)
	wins, board := read(c.now())
	if len(wins) != 4 || wins[0].Label != "Post reach" || !wins[0].HasPrevious {
		t.Fatalf("wins %+v", wins)
	}
	// Post reach in period 10: 1,200,000 + 10 × 3,517 + up to 3 × 3,517.
	if v := wins[0].Value; v < 1_235_170 || v >= 1_245_721 || v != float64(int(v)) {
		t.Errorf("post reach read as %v", v)
	}
	if u := wins[3].Unit; u != "%" {
		t.Errorf("staff sharing unit %q, want %%", u)
	}
	if len(board) != boardRows {
		t.Fatalf("%d leaderboard rows, want %d", len(board), boardRows)
	}
	for i, s := range board {
		if s.Rank != i+1 || (i > 0 && s.Points > board[i-1].Points) || !strings.HasPrefix(s.Avatar, w.base+"/avatars/") {
			t.Errorf("row %d: %+v", i+1, s)
		}
	}
	c.add(2 * w.churn)
	wins2, board2 := read(c.now())
	if wins2[0].Value == wins[0].Value || wins2[0].Previous != wins[0].Value {
		t.Errorf("post reach %v → %v (previous %v): want a new value with the old as previous", wins[0].Value, wins2[0].Value, wins2[0].Previous)
	}
	if board2[0].Points == board[0].Points {
		t.Errorf("leaderboard's top points unchanged: %v", board[0].Points)
	}
}

func TestNotModified(t *testing.T) {
	changed := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		headers map[string]string
		want    bool
	}{
		{"no validators", nil, false},
		{"the same tag", map[string]string{"If-None-Match": `"abc"`}, true},
		{"another tag", map[string]string{"If-None-Match": `"abd"`}, false},
		{"weak comparison", map[string]string{"If-None-Match": `W/"abc"`}, true},
		{"one of a list", map[string]string{"If-None-Match": `"x", W/"abc" ,"y"`}, true},
		{"star", map[string]string{"If-None-Match": `*`}, true},
		{"a tag without quotes is another", map[string]string{"If-None-Match": `abc`}, false},
		{"If-None-Match wins over If-Modified-Since", map[string]string{"If-None-Match": `"old"`, "If-Modified-Since": "Sun, 06 Dec 2026 10:00:00 GMT"}, false},
		{"not modified since", map[string]string{"If-Modified-Since": "Sun, 06 Dec 2026 09:00:00 GMT"}, true},
		{"modified since", map[string]string{"If-Modified-Since": "Sun, 06 Dec 2026 08:59:59 GMT"}, false},
		{"a date that cannot be read", map[string]string{"If-Modified-Since": "yesterday"}, false},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		for k, v := range c.headers {
			r.Header.Set(k, v)
		}
		if got := notModified(r, `"abc"`, changed); got != c.want {
			t.Errorf("%s: notModified = %t, want %t", c.name, got, c.want)
		}
	}
}

// get asks the world's server for path with headers, and returns the
// status, the headers and the body.
func get(t *testing.T, url string, h map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, body
}

// Over real HTTP: a conditional GET with the last ETag (or Last-Modified)
// gets 304 and no body until the feed changes, then 200 with a new ETag; a
// picture's 304 costs no photo.
func TestWorldServerConditionalGET(t *testing.T) {
	w, c := testWorld()
	srv := httptest.NewServer(w)
	defer srv.Close()
	w.base = srv.URL
	feed := srv.URL + soakSources[3].path

	code, h, body := get(t, feed, nil)
	etag, lastMod := h.Get("ETag"), h.Get("Last-Modified")
	if code != 200 || etag == "" || lastMod == "" || len(body) == 0 || !strings.HasPrefix(h.Get("Content-Type"), "application/feed+json") {
		t.Fatalf("first GET: %d, ETag %q, Last-Modified %q, %d bytes, %s", code, etag, lastMod, len(body), h.Get("Content-Type"))
	}
	if code, h, body := get(t, feed, map[string]string{"If-None-Match": etag}); code != 304 || len(body) != 0 || h.Get("ETag") != etag {
		t.Errorf("same ETag: %d with %d bytes, ETag %q; want 304, none, %q", code, len(body), h.Get("ETag"), etag)
	}
	if code, _, _ := get(t, feed, map[string]string{"If-Modified-Since": lastMod}); code != 304 {
		t.Errorf("If-Modified-Since its Last-Modified: %d, want 304", code)
	}
	c.add(w.churn)
	code, h, _ = get(t, feed, map[string]string{"If-None-Match": etag})
	if code != 200 || h.Get("ETag") == etag {
		t.Errorf("after a churn with the old ETag: %d, ETag %q; want 200 and a new one", code, h.Get("ETag"))
	}
	if code, _, _ := get(t, feed, map[string]string{"If-Modified-Since": lastMod}); code != 200 {
		t.Errorf("after a churn, If-Modified-Since the old time: %d, want 200", code)
	}

	// A good photo of the smallest size, a missing one, a truncated one and
	// a login page, found by their specs.
	find := func(want func(photoSpec) bool) string {
		for k := 0; k <= w.head(0, c.now()); k++ {
			path := "/media/0/" + strconv.Itoa(k) + ".jpg"
			if sp, _, ok := w.picture(path, c.now()); ok && want(sp) {
				return path
			}
		}
		c.add(200 * w.churn) // more posts, more pictures to choose from
		return ""
	}
	var good, missing, truncated string
	for good == "" || missing == "" || truncated == "" {
		if good == "" {
			good = find(func(sp photoSpec) bool { return sp.Broken == "" && sp.W == 1600 })
		}
		if missing == "" {
			missing = find(func(sp photoSpec) bool { return sp.Broken == brokenMissing })
		}
		if truncated == "" {
			truncated = find(func(sp photoSpec) bool { return sp.Broken == brokenTruncated && sp.W*sp.H <= 3_000_000 })
		}
	}
	code, h, body = get(t, srv.URL+good, nil)
	if code != 200 || h.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("photo: %d %s", code, h.Get("Content-Type"))
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(body))
	if err != nil || cfg.Width != 1600 || cfg.Height != 1000 {
		t.Errorf("photo: %v, %d×%d; want a 1600×1000 JPEG", err, cfg.Width, cfg.Height)
	}
	made, _, _ := w.photos.Made()
	if code, _, body := get(t, srv.URL+good, map[string]string{"If-None-Match": h.Get("ETag")}); code != 304 || len(body) != 0 {
		t.Errorf("photo with its ETag: %d, %d bytes; want 304", code, len(body))
	}
	if again, _, _ := w.photos.Made(); again != made {
		t.Errorf("a 304 made a photo")
	}
	if code, _, _ := get(t, srv.URL+missing, nil); code != 404 {
		t.Errorf("missing photo: %d, want 404", code)
	}
	code, _, body = get(t, srv.URL+truncated, nil)
	if _, err := jpeg.Decode(bytes.NewReader(body)); code != 200 || err == nil {
		t.Errorf("truncated photo: %d, decodes: %v", code, err)
	}
	if code, _, _ := get(t, srv.URL+"/media/0/"+strconv.Itoa(w.head(0, c.now())+1)+".jpg", nil); code != 404 {
		t.Errorf("a photo of a post not yet written: %d, want 404", code)
	}
	// An avatar named by the feed is there; a future one is not.
	posts := readPosts(t, w, 3, c.now())
	avatar := posts[0].Author.Avatar
	if code, h, _ := get(t, avatar, nil); code != 200 || h.Get("Content-Type") != "image/jpeg" {
		t.Errorf("avatar %s: %d %s", avatar, code, h.Get("Content-Type"))
	}
	cut := strings.LastIndexByte(avatar, '-')
	v, err := strconv.Atoi(strings.TrimSuffix(avatar[cut+1:], ".jpg"))
	if err != nil {
		t.Fatalf("avatar %s: %v", avatar, err)
	}
	if code, _, _ := get(t, avatar[:cut+1]+strconv.Itoa(v+1)+".jpg", nil); code != 404 {
		t.Errorf("next avatar before its time: %d, want 404", code)
	}
	st := w.Stats()
	if st["feed"].NotModified != 2 || st["picture"].NotModified != 1 || st["picture"].Missing != 1 || st["other"].Missing != 2 {
		t.Errorf("server counts %+v", st)
	}
}

// The photos are of the sizes posts carry, a few are broken, and each is
// a JPEG of a real photo's weight.
func TestPhotos(t *testing.T) {
	sizes := map[[2]int]int{}
	broken := 0
	const n = 3600
	for s := uint64(0); s < n; s++ {
		sp := specFor(s)
		sizes[[2]int{sp.W, sp.H}]++
		if sp.Broken != "" {
			broken++
		}
	}
	for _, s := range photoSizes {
		if sizes[[2]int{s.w, s.h}] == 0 {
			t.Errorf("no %d×%d photo in %d", s.w, s.h, n)
		}
	}
	if len(sizes) != len(photoSizes) {
		t.Errorf("sizes %v", sizes)
	}
	if broken < n/20 || broken > n/8 {
		t.Errorf("%d of %d broken, want about one in twelve", broken, n)
	}
	data := makePhoto(photoSpec{W: 1600, H: 1000, Seed: 7}, 88)
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds() != image.Rect(0, 0, 1600, 1000) {
		t.Fatalf("photo: %v, %v", err, img.Bounds())
	}
	// A phone's 12 MP JPEG is 3–4 MB, about 0.3 bytes a pixel.
	if bpp := float64(len(data)) / 1.6e6; bpp < 0.15 || bpp > 0.5 {
		t.Errorf("%.2f bytes a pixel", bpp)
	}
	if !bytes.Equal(makePhoto(photoSpec{W: 64, H: 48, Seed: 7}, 88), makePhoto(photoSpec{W: 64, H: 48, Seed: 7}, 88)) {
		t.Error("the same spec made two different photos: its ETag would lie")
	}
}

// The soak's config is one the kiosk accepts as it is.
func TestSoakConfigLoads(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/kiosk.toml"
	text := soakConfig("http://127.0.0.1:8999", dir+"/state", 32, "127.0.0.1:8998", strings.Repeat("ab", 16), -1)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if cfg.StateDirMaxMB != 32 || len(cfg.Sources) != len(soakSources)+2 || cfg.Admin.Listen != "127.0.0.1:8998" || cfg.Display.Transition != "fade" {
		t.Errorf("loaded %+v", cfg)
	}
	for _, s := range cfg.Sources {
		if !strings.HasPrefix(s.URL, "http://127.0.0.1:8999/") {
			t.Errorf("source %s at %s", s.Name, s.URL)
		}
	}
	text = soakConfig("http://127.0.0.1:8999", dir+"/state", 32, "127.0.0.1:8998", strings.Repeat("ab", 16), 0)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if cfg, err := config.Load(path); err != nil || cfg.Display.Transition != "none" {
		t.Errorf("with --soak-fade 0: %v, transition %q", err, cfg.Display.Transition)
	}
}
