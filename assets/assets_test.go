package assets_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the config's timezone must load on machines without zoneinfo too
	"unicode"

	"github.com/BurntSushi/toml"
	"github.com/mmcdole/gofeed"
	jsonfeed "github.com/mmcdole/gofeed/json"

	"lobbykiosk/assets"
)

// config mirrors the keys a kiosk.toml may hold so far; anything else the
// demo config says is reported as undecoded.
type config struct {
	Name     string
	Timezone string
	StateDir string `toml:"state_dir"`
	Source   []struct {
		Name     string
		Kind     string
		URL      string
		Path     string
		Refresh  string
		Approval string
		Network  string
	}
}

// demo is what one extraction holds, read back the way a person would check it.
type demo struct {
	dir     string
	cfg     config
	posts   []post
	avatars map[string]string // author name -> avatar file, when a feed gives one
}

type post struct {
	source, author, text, image string
	published                   time.Time
}

func TestExtractDemo(t *testing.T) {
	// Folder names a real temp dir or home folder may have: the placeholder
	// must survive spaces, markup characters and non-ASCII letters.
	for _, name := range []string{"demo", "with space & <angle> 'quote'", "Ελληνικά ünï"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			cfgPath, err := assets.ExtractDemo(dir)
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(dir, "kiosk.toml"); cfgPath != want {
				t.Fatalf("config path = %q, want %q", cfgPath, want)
			}
			d := readDemo(t, dir, cfgPath)
			checkReferences(t, dir)
			checkPosts(t, d)
			checkStories(t, d)
			checkWins(t, d)
			checkLeaderboard(t, d)
		})
	}
}

func readDemo(t *testing.T, dir, cfgPath string) *demo {
	t.Helper()
	d := &demo{dir: dir, avatars: map[string]string{}}
	md, err := toml.DecodeFile(cfgPath, &d.cfg)
	if err != nil {
		t.Fatalf("kiosk.toml: %v", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		t.Errorf("kiosk.toml has keys the config does not know: %v", und)
	}
	if d.cfg.Name != "Tern & Timber Lobby" {
		t.Errorf("name = %q", d.cfg.Name)
	}
	if _, err := time.LoadLocation(d.cfg.Timezone); err != nil || d.cfg.Timezone != "Europe/Berlin" {
		t.Errorf("timezone %q: %v", d.cfg.Timezone, err)
	}
	// Paths in the config are relative to it, as the kiosk reads them.
	d.cfg.StateDir = rel(dir, d.cfg.StateDir)
	for i := range d.cfg.Source {
		d.cfg.Source[i].Path = rel(dir, d.cfg.Source[i].Path)
	}
	if d.cfg.StateDir != filepath.Join(dir, "state") {
		t.Errorf("state_dir = %q, want %q", d.cfg.StateDir, filepath.Join(dir, "state"))
	}
	if st, err := os.Stat(d.cfg.StateDir); err != nil || !st.IsDir() {
		t.Errorf("state_dir is not a folder: %v", err)
	}

	wantKinds := map[string]int{"posts": 4, "folder": 1, "wins": 1, "leaderboard": 1}
	gotKinds := map[string]int{}
	names := map[string]bool{}
	for _, s := range d.cfg.Source {
		gotKinds[s.Kind]++
		if names[s.Name] || s.Name == "" {
			t.Errorf("source name %q is empty or used twice", s.Name)
		}
		names[s.Name] = true
		if s.URL != "" {
			t.Errorf("source %s: the demo must not use the network (url = %q)", s.Name, s.URL)
		}
		if !within(dir, s.Path) {
			t.Errorf("source %s: path %q is outside %s", s.Name, s.Path, dir)
		}
		if _, err := os.Stat(s.Path); err != nil {
			t.Errorf("source %s: %v", s.Name, err)
		}
		if s.Refresh != "" {
			if _, err := time.ParseDuration(s.Refresh); err != nil {
				t.Errorf("source %s: refresh: %v", s.Name, err)
			}
		}
		if !slices.Contains([]string{"", "auto", "trusted", "manual"}, s.Approval) {
			t.Errorf("source %s: approval %q", s.Name, s.Approval)
		}
		if s.Kind == "posts" {
			d.readFeed(t, s.Name, s.Path)
		}
	}
	for k, n := range wantKinds {
		if gotKinds[k] != n {
			t.Errorf("%d sources of kind %s, want %d", gotKinds[k], k, n)
		}
	}
	return d
}

func (d *demo) readFeed(t *testing.T, source, file string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var feed *gofeed.Feed
	var jf *jsonfeed.Feed
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		// gofeed v1.4.0's Parse cannot detect a JSON Feed larger than its
		// 4 KiB sniffing window (mmcdole/gofeed#344), and its universal
		// model drops author avatars: use the JSON Feed parser itself.
		if jf, err = new(jsonfeed.Parser).Parse(bytes.NewReader(raw)); err == nil {
			feed, err = new(gofeed.DefaultJSONTranslator).Translate(jf)
		}
	} else {
		feed, err = gofeed.NewParser().Parse(bytes.NewReader(raw))
	}
	if err != nil {
		t.Fatalf("source %s: %v", source, err)
	}
	if len(feed.Items) == 0 {
		t.Fatalf("source %s: no items", source)
	}
	for i, it := range feed.Items {
		p := post{source: source, text: it.Content}
		if p.text == "" {
			p.text = it.Description
		}
		switch {
		case len(it.Authors) > 0:
			p.author = it.Authors[0].Name
		case feed.FeedType == "rss" && strings.Contains(feed.Title, " - "):
			// Bluesky: "@handle - Display Name"
			p.author = feed.Title[strings.Index(feed.Title, " - ")+3:]
		default:
			// Mastodon: the channel is the person
			p.author = feed.Title
		}
		if it.PublishedParsed == nil {
			t.Errorf("source %s item %d: date %q does not parse", source, i, it.Published)
			continue
		}
		p.published = *it.PublishedParsed
		if it.Image != nil {
			p.image = it.Image.URL
			d.decode(t, source, filepath.Dir(file), it.Image.URL, 1200, 700)
		}
		if p.author == "" || strings.TrimSpace(p.text) == "" {
			t.Errorf("source %s item %d: no author or text", source, i)
		}
		d.posts = append(d.posts, p)
	}
	switch source {
	case "maja-mastodon":
		// A Mastodon profile feed: person as channel title, avatar as
		// channel image, no item titles.
		if feed.Image == nil {
			t.Fatalf("mastodon feed has no channel image")
		}
		d.avatars[feed.Title] = d.decode(t, source, filepath.Dir(file), feed.Image.URL, 256, 256)
		for _, it := range feed.Items {
			if it.Title != "" {
				t.Errorf("mastodon item has a title %q", it.Title)
			}
		}
	case "linkedin-advocacy":
		if jf == nil {
			t.Fatal("the LinkedIn stand-in is not a JSON Feed")
		}
		if jf.Version != "https://jsonfeed.org/version/1.1" {
			t.Errorf("JSON Feed version %q", jf.Version)
		}
		for _, it := range jf.Items {
			for _, a := range it.Authors {
				if a.Avatar != "" {
					d.avatars[a.Name] = d.decode(t, source, filepath.Dir(file), a.Avatar, 256, 256)
				}
			}
		}
	}
}

// rel resolves p against base when it is relative.
func rel(base, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, filepath.FromSlash(p))
}

// decode resolves a picture reference from the demo (relative to the folder
// base of the file that names it, as the kiosk resolves it), checks it stays
// inside the extraction folder and decodes the picture; it returns the path.
func (d *demo) decode(t *testing.T, where, base, ref string, minW, minH int) string {
	t.Helper()
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" {
		t.Errorf("%s: %q is not a relative path: %v", where, ref, err)
		return ""
	}
	p := rel(base, u.Path)
	if !within(d.dir, p) {
		t.Errorf("%s: %q points outside %s", where, ref, d.dir)
		return ""
	}
	f, err := os.Open(p)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return ""
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		t.Errorf("%s: %s: %v", where, p, err)
		return ""
	}
	if cfg.Width < minW || cfg.Height < minH {
		t.Errorf("%s: %s is %d×%d %s, want at least %d×%d", where, p, cfg.Width, cfg.Height, format, minW, minH)
	}
	return p
}

var pictureRef = regexp.MustCompile(`(?:\.\./)?(?:images|avatars)/[\w.-]+\.(?:jpg|png)`)

// checkReferences reads every extracted text file: no placeholder is left,
// and every picture path in it names a picture inside the extraction folder.
func checkReferences(t *testing.T, dir string) {
	t.Helper()
	d := &demo{dir: dir}
	n := 0
	used := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		switch filepath.Ext(p) {
		case ".jpg", ".png":
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte("@DEMO@")) {
			t.Errorf("%s still holds the @DEMO@ placeholder", p)
		}
		for _, ref := range pictureRef.FindAllString(string(data), -1) {
			used[d.decode(t, p, filepath.Dir(p), ref, 1, 1)] = true
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Errorf("only %d file references in the demo, the feeds should carry more pictures", n)
	}
	// Every post picture and avatar is shown somewhere.
	pics, _ := filepath.Glob(filepath.Join(dir, "images", "*"))
	avs, _ := filepath.Glob(filepath.Join(dir, "avatars", "*"))
	for _, p := range append(pics, avs...) {
		if !used[p] {
			t.Errorf("%s is not referenced by any feed or the leaderboard", p)
		}
	}
}

func checkPosts(t *testing.T, d *demo) {
	t.Helper()
	// Stories are posts too; their authors come from front matter.
	for _, s := range stories(t, d.dir) {
		d.posts = append(d.posts, post{source: "staff-stories", author: s.meta["author"], text: s.body})
	}
	if n := len(d.posts); n < 25 || n > 35 {
		t.Errorf("%d posts, want 25–35", n)
	}
	authors := map[string]int{}
	nonLatin, long, emoji, withImage := 0, 0, 0, 0
	var first, last time.Time
	for _, p := range d.posts {
		authors[p.author]++
		if strings.IndexFunc(p.author, func(r rune) bool { return unicode.In(r, unicode.Greek, unicode.Cyrillic) }) >= 0 {
			nonLatin++
		}
		if n := len([]rune(p.text)); n >= 450 && n <= 520 {
			long++
		}
		if strings.IndexFunc(p.text, func(r rune) bool { return r >= 0x1F300 || (r >= 0x2600 && r <= 0x27BF) }) >= 0 {
			emoji++
		}
		if p.image != "" {
			withImage++
		}
		if p.published.IsZero() {
			continue
		}
		if first.IsZero() || p.published.Before(first) {
			first = p.published
		}
		if p.published.After(last) {
			last = p.published
		}
	}
	if n := len(authors); n < 12 || n > 20 {
		t.Errorf("%d distinct authors, want 12–20: %v", n, authors)
	}
	if nonLatin == 0 {
		t.Error("no author with a Greek or Cyrillic name")
	}
	if long == 0 {
		t.Error("no post near 500 characters")
	}
	if emoji < 2 {
		t.Errorf("%d posts with emoji, want a couple", emoji)
	}
	if withImage < 10 {
		t.Errorf("%d posts with a picture, want at least 10", withImage)
	}
	lo := time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)
	hi := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	if first.Before(lo) || last.After(hi) || last.Sub(first) < 14*24*time.Hour {
		t.Errorf("posts run from %v to %v, want about three weeks in November 2026", first, last)
	}
	// Some people have no avatar in any feed on purpose, so the screen
	// shows initials.
	without := 0
	for a := range authors {
		if d.avatars[a] == "" {
			without++
		}
	}
	if without < 2 || without > 4 {
		t.Errorf("%d authors without an avatar, want 2–3", without)
	}
}

type story struct {
	file string
	meta map[string]string
	body string
}

func stories(t *testing.T, dir string) []story {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "stories", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []story
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := story{file: f, meta: map[string]string{}}
		sc := bufio.NewScanner(bytes.NewReader(data))
		state := 0 // 0 before front matter, 1 inside, 2 body
		var body []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case state < 2 && line == "---":
				state++
			case state == 1:
				k, v, ok := strings.Cut(line, ":")
				if !ok {
					t.Errorf("%s: front matter line %q has no key", f, line)
				}
				s.meta[strings.TrimSpace(k)] = strings.TrimSpace(v)
			case state == 2:
				body = append(body, line)
			}
		}
		s.body = strings.TrimSpace(strings.Join(body, "\n"))
		out = append(out, s)
	}
	return out
}

func checkStories(t *testing.T, d *demo) {
	t.Helper()
	ss := stories(t, d.dir)
	if len(ss) != 3 {
		t.Fatalf("%d stories, want 3", len(ss))
	}
	pictures := 0
	for _, s := range ss {
		for _, k := range []string{"author", "date", "team"} {
			if s.meta[k] == "" {
				t.Errorf("%s: front matter has no %s", s.file, k)
			}
		}
		if _, err := time.Parse(time.DateOnly, s.meta["date"]); err != nil {
			t.Errorf("%s: date: %v", s.file, err)
		}
		if s.body == "" {
			t.Errorf("%s: no text", s.file)
		}
		jpg := strings.TrimSuffix(s.file, ".md") + ".jpg"
		if _, err := os.Stat(jpg); err == nil {
			pictures++
			d.decode(t, s.file, d.dir, jpg, 1200, 700)
		}
	}
	if pictures != 1 {
		t.Errorf("%d stories with a picture, want 1", pictures)
	}
}

// number reads a figure the way people type it into a sheet: "4,812",
// "61%", "1.2M", "948k", "€12k".
func number(s string) (float64, bool) {
	s = strings.TrimSpace(strings.NewReplacer(",", "", "%", "", "€", "", "$", "").Replace(s))
	mul := 1.0
	switch {
	case strings.HasSuffix(s, "k"):
		mul, s = 1e3, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "M"):
		mul, s = 1e6, strings.TrimSuffix(s, "M")
	}
	f, err := strconv.ParseFloat(s, 64)
	return f * mul, err == nil
}

func checkWins(t *testing.T, d *demo) {
	t.Helper()
	f, err := os.Open(filepath.Join(d.dir, "wins.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("wins.csv: %v", err)
	}
	if want := []string{"label", "value", "previous", "unit", "period", "as_of"}; !slices.Equal(rows[0], want) {
		t.Fatalf("wins.csv header = %v, want %v", rows[0], want)
	}
	if len(rows) != 5 {
		t.Fatalf("wins.csv has %d wins, want 4", len(rows)-1)
	}
	fell := 0
	for i, r := range rows[1:] {
		v, ok1 := number(r[1])
		p, ok2 := number(r[2])
		if !ok1 || !ok2 {
			t.Errorf("wins.csv row %d (%s): value %q or previous %q is not a number", i+2, r[0], r[1], r[2])
		}
		if v < p {
			fell++
		}
		if _, err := time.Parse(time.DateOnly, r[5]); err != nil {
			t.Errorf("wins.csv row %d: as_of: %v", i+2, err)
		}
	}
	if fell != 1 {
		t.Errorf("%d wins fell against the previous period, want exactly one", fell)
	}
}

func checkLeaderboard(t *testing.T, d *demo) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(d.dir, "leaderboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Rank   int
		Name   string
		Handle string
		Points float64
		Avatar string
		Change int
	}
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatalf("leaderboard.json: %v", err)
	}
	if len(rows) != 10 {
		t.Fatalf("%d leaderboard rows, want 10", len(rows))
	}
	posters := map[string]bool{}
	for _, p := range d.posts {
		posters[p.author] = true
	}
	noAvatar, up, down := 0, 0, 0
	for i, r := range rows {
		if r.Rank != i+1 || r.Name == "" || r.Handle == "" {
			t.Errorf("leaderboard row %d: %+v", i+1, r)
		}
		if i > 0 && r.Points > rows[i-1].Points {
			t.Errorf("leaderboard row %d has more points than the row above", i+1)
		}
		if !posters[r.Name] {
			t.Errorf("leaderboard: %s never posts in the demo", r.Name)
		}
		if r.Avatar == "" {
			noAvatar++
		} else {
			d.decode(t, "leaderboard.json", d.dir, r.Avatar, 256, 256)
		}
		if r.Change > 0 {
			up++
		} else if r.Change < 0 {
			down++
		}
	}
	if noAvatar == 0 || up == 0 || down == 0 {
		t.Errorf("leaderboard should have people without avatar (%d), movers up (%d) and down (%d)", noAvatar, up, down)
	}
}

func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && filepath.IsAbs(p) && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func TestExtractDemoIntoAFile(t *testing.T) {
	// A path that is a file cannot hold the demo; the error names it.
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := assets.ExtractDemo(file)
	if err == nil || !strings.Contains(err.Error(), file) {
		t.Fatalf("ExtractDemo(%s) = %v, want an error naming the path", file, err)
	}
}

func TestExtractDemoTwice(t *testing.T) {
	// Extracting over an earlier extraction (a restarted demo) keeps the
	// state folder and rewrites the content.
	dir := t.TempDir()
	if _, err := assets.ExtractDemo(dir); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "state", "cache.json")
	if err := os.WriteFile(marker, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	feed := filepath.Join(dir, "posts", "mastodon.rss")
	if err := os.WriteFile(feed, []byte("broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := assets.ExtractDemo(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("state was lost: %v", err)
	}
	if data, _ := os.ReadFile(feed); !bytes.HasPrefix(data, []byte("<?xml")) {
		t.Errorf("the feed was not rewritten: %.20q", data)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*", ".extract-*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestDemoFiles(t *testing.T) {
	var total int64
	var jpgs, avatars int
	err := fs.WalkDir(assets.Demo, "demo", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		switch {
		case strings.HasSuffix(p, ".jpg"):
			jpgs++
			if info.Size() > 250<<10 {
				t.Errorf("%s is %d KiB, keep pictures under 250 KiB", p, info.Size()>>10)
			}
			checkImage(t, p, 1600, 1000)
		case strings.HasPrefix(p, "demo/avatars/"):
			avatars++
			checkImage(t, p, 256, 256)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > 4<<20 {
		t.Errorf("the embedded demo is %.1f MiB, keep it under 4 MiB", float64(total)/(1<<20))
	}
	if jpgs < 11 || jpgs > 15 {
		t.Errorf("%d pictures, want 10–14 post pictures plus the story picture", jpgs)
	}
	if avatars < 12 || avatars > 20 {
		t.Errorf("%d avatars, want 12–20", avatars)
	}
}

func checkImage(t *testing.T, p string, w, h int) {
	t.Helper()
	f, err := assets.Demo.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		t.Errorf("%s: %v", p, err)
		return
	}
	if cfg.Width != w || cfg.Height != h {
		t.Errorf("%s is %d×%d, want %d×%d", p, cfg.Width, cfg.Height, w, h)
	}
}

func TestBrand(t *testing.T) {
	for _, tc := range []struct {
		name        string
		png         []byte
		w, h        int
		transparent bool
	}{
		{"logo", assets.Logo(), 800, 200, true},
		{"logo on dark", assets.LogoOnDark(), 800, 200, true},
		{"icon", assets.Icon(), 512, 512, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, format, err := image.Decode(bytes.NewReader(tc.png))
			if err != nil || format != "png" {
				t.Fatalf("decode: %v (format %q)", err, format)
			}
			if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
				t.Errorf("size %v, want %d×%d", b.Size(), tc.w, tc.h)
			}
			if _, _, _, a := img.At(0, 0).RGBA(); tc.transparent && a != 0 {
				t.Errorf("corner is not transparent (alpha %d)", a)
			}
			// Something must be drawn: count opaque pixels.
			opaque := 0
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y += 4 {
				for x := b.Min.X; x < b.Max.X; x += 4 {
					if _, _, _, a := img.At(x, y).RGBA(); a == 0xffff {
						opaque++
					}
				}
			}
			if opaque < b.Dx()*b.Dy()/16/10 {
				t.Errorf("only %d opaque samples: the image is nearly empty", opaque)
			}
		})
	}
	// Callers may scribble on what they get without changing the next call.
	a := assets.Logo()
	a[0] ^= 0xff
	if b := assets.Logo(); b[0] == a[0] {
		t.Error("Logo returns shared bytes")
	}
}
