package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// feedWorld is the office the feed soak (--soak-feeds) puts the kiosk in:
// feeds that keep changing as real ones do, served over HTTP as a real
// server serves them. Every posts source gains a post every churn (the
// sources staggered), and its oldest post drops out, so it always holds
// window posts; nearly every new post has a new photo of its own (some of
// them phone-sized, a few broken), people keep joining and change their
// avatars now and then, the wins' numbers change, and the leaderboard
// reshuffles. All of it is a pure function of the time since start, so a
// test can ask what any moment looks like, and an ETag can be known
// without making the body.
type feedWorld struct {
	start  time.Time
	churn  time.Duration
	window int
	now    func() time.Time
	// base is the server's address ("http://127.0.0.1:port"): pictures
	// and avatars are named on the feeds' own server, as most are.
	base string

	photos photoCache
	mu     sync.Mutex
	stats  map[string]*classStats // by what was asked for: feed, table, picture, avatar
}

// postsSource is one of the world's posts feeds.
type postsSource struct {
	name, path, format string
}

// The formats, modelled on what offices point a kiosk at (see
// feeds/parse/testdata/world and office for the real ones): a Mastodon
// hashtag feed (several people, media:content, no avatars), a Mastodon
// profile feed (one person, whose avatar is the channel's image), a
// WordPress blog (dc:creator, the picture as an <img> in the HTML) and a
// JSON Feed 1.1 from an advocacy tool (authors with avatars, image).
const (
	formatTag     = "mastodon-tag"
	formatProfile = "mastodon-profile"
	formatBlog    = "blog"
	formatJSON    = "jsonfeed"
)

var soakSources = []postsSource{
	{"team-mastodon", "/feeds/tags/acmelife.rss", formatTag},
	{"ana-mastodon", "/feeds/@ana.rss", formatProfile},
	{"company-blog", "/feeds/blog.rss", formatBlog},
	{"advocacy", "/feeds/advocacy.json", formatJSON},
}

const (
	winsPath  = "/tables/wins.csv"
	boardPath = "/tables/leaderboard.csv"
	boardRows = 10
	// avatarEvery × churn is how often one person changes their avatar.
	avatarEvery = 20
)

func newFeedWorld(start time.Time, churn time.Duration, window int, now func() time.Time) *feedWorld {
	return &feedWorld{start: start, churn: churn, window: window, now: now, stats: map[string]*classStats{},
		photos: photoCache{max: 128 << 20, m: map[string]*photoEntry{}}}
}

// head is the number of the newest post source i holds at t. Posts
// 0…window-1 are there from the start (written before it); the sources
// gain theirs in turn, one every churn/len(sources) across all of them.
func (w *feedWorld) head(i int, t time.Time) int {
	off := w.churn * time.Duration(i) / time.Duration(len(soakSources))
	el := t.Sub(w.start) + off
	if el < 0 {
		el = 0
	}
	return w.window - 1 + int(el/w.churn)
}

// arrived is when post k of source i was published.
func (w *feedWorld) arrived(i, k int) time.Time {
	off := w.churn * time.Duration(i) / time.Duration(len(soakSources))
	return w.start.Add(time.Duration(k-(w.window-1))*w.churn - off).Truncate(time.Second)
}

// soakPost is one post as the world holds it.
type soakPost struct {
	K         int
	ID, Link  string
	Title     string
	Text      string
	Published time.Time
	Person    int
	Picture   string // URL, "" for a post without one
}

// posts are source i's posts at t, newest first.
func (w *feedWorld) posts(i int, t time.Time) []soakPost {
	h := w.head(i, t)
	src := soakSources[i]
	var out []soakPost
	for k := h; k > h-w.window; k-- {
		seed := splitmix(uint64(i)<<32 | uint64(k))
		p := soakPost{K: k, Published: w.arrived(i, k), Text: postText(seed)}
		switch src.format {
		case formatProfile:
			p.Person = 0
		default:
			// New people keep turning up: the pool grows with the posts.
			p.Person = 1 + int(splitmix(seed^1)%uint64(8+k/2))
		}
		handle := people(p.Person).handle
		switch src.format {
		case formatTag, formatProfile:
			p.Link = fmt.Sprintf("https://social.example.org/@%s/%d", handle, 111544891736153000+int64(i)*100000+int64(k))
		case formatBlog:
			p.Title = postTitle(seed)
			p.Link = fmt.Sprintf("https://blog.example.com/%d/%s-%d/", p.Published.Year(), strings.ToLower(strings.Fields(p.Title)[0]), k)
		default:
			p.Link = fmt.Sprintf("https://advocacy.example.com/posts/%d", k)
		}
		p.ID = p.Link
		if splitmix(seed^2)%7 != 0 { // six posts in seven have a photo
			p.Picture = fmt.Sprintf("%s/media/%d/%d.jpg", w.base, i, k)
		}
		out = append(out, p)
	}
	return out
}

// person is someone in the world's office.
type person struct {
	name, handle string
}

var (
	firstNames = []string{"Ana", "Jon", "Marta", "Priya", "Kenji", "Fatima", "Lars", "Chloé", "Mateus", "Aisha", "Tomasz", "Ingrid",
		"Diego", "Mei", "Oluwaseun", "Sofia", "Hamid", "Ewa", "Noah", "Zeynep", "Rafael", "Hana", "Björn", "Amara"}
	lastNames = []string{"Lima", "Ruiz", "Okafor", "Raman", "Sato", "Haddad", "Nilsson", "Dubois", "Costa", "Bello", "Nowak", "Berg",
		"Herrera", "Chen", "Adeyemi", "Rossi", "Karimi", "Kowalska", "Fischer", "Yılmaz", "Souza", "Novak", "Larsen", "Mensah"}
)

// people is person p: 576 different names, each with its handle.
func people(p int) person {
	a := p % len(firstNames)
	b := (p/len(firstNames) + 7*a) % len(lastNames)
	first, last := firstNames[a], lastNames[b]
	return person{name: first + " " + last, handle: strings.ToLower(asciiFold(first) + "_" + asciiFold(last))}
}

func asciiFold(s string) string {
	return strings.NewReplacer("é", "e", "ö", "o", "ı", "i").Replace(s)
}

// avatarVersion is the number of person p's avatar at t: a new picture
// (at a new address, as Mastodon and most platforms do) every avatarEvery
// churns, each person on their own beat.
func (w *feedWorld) avatarVersion(p int, t time.Time) int {
	el := max(t.Sub(w.start), 0) + w.churn*time.Duration(p%avatarEvery)
	return int(el / (w.churn * avatarEvery))
}

// avatar is the address of person p's avatar at t.
func (w *feedWorld) avatar(p int, t time.Time) string {
	return fmt.Sprintf("%s/avatars/%s-%d.jpg", w.base, people(p).handle, w.avatarVersion(p, t))
}

// avatarSince is when person p's current avatar at t appeared (the start
// for the first).
func (w *feedWorld) avatarSince(p int, t time.Time) time.Time {
	v := w.avatarVersion(p, t)
	at := w.start.Add(time.Duration(v)*w.churn*avatarEvery - w.churn*time.Duration(p%avatarEvery))
	if at.Before(w.start) {
		at = w.start
	}
	return at.Truncate(time.Second)
}

// lastChange is the later of changed and the time the newest avatar of
// persons appeared: a document naming avatars changes when one does.
func (w *feedWorld) lastChange(changed time.Time, persons []int, t time.Time) time.Time {
	for _, p := range persons {
		if a := w.avatarSince(p, t); a.After(changed) {
			changed = a
		}
	}
	return changed
}

var (
	openers = []string{"Proud of the", "Huge thanks to the", "A big week for the", "Shout-out to the", "So much energy in the",
		"Behind the scenes with the", "Fresh results from the", "Welcome aboard to the newest members of the"}
	teams = []string{"support", "platform", "design", "sales", "data", "people", "security", "logistics", "finance", "mobile"}
	deeds = []string{"shipped the new onboarding flow", "cut response times by a third", "ran the charity bike ride", "hosted forty students for an open day",
		"closed the biggest quarter yet", "planted 300 trees with the city", "won the regional innovation award", "mentored twelve new colleagues",
		"finished the office solar roof", "launched the accessibility review"}
	endings = []string{"Come and see the photos in the lobby!", "Thank you all 🎉", "More next week.", "Drinks on Friday at 5.",
		"We are hiring, ask any of us!", "Read the whole story on the intranet.", "Onwards 🚀", "Couldn't be prouder."}
	tags = []string{"AcmeLife", "TeamWork", "Community", "Careers", "Sustainability", "Innovation"}
)

func postText(seed uint64) string {
	r := splitmix(seed ^ 3)
	pick := func(xs []string) string { r = splitmix(r); return xs[r%uint64(len(xs))] }
	return fmt.Sprintf("%s %s team: this week we %s. %s #%s", pick(openers), pick(teams), pick(deeds), pick(endings), pick(tags))
}

func postTitle(seed uint64) string {
	r := splitmix(seed ^ 4)
	pick := func(xs []string) string { r = splitmix(r); return xs[r%uint64(len(xs))] }
	return fmt.Sprintf("%s %s", strings.ToUpper(pick(teams)[:1])+pick(teams)[1:], pick([]string{"news", "update", "story", "milestone"}))
}

// feed is source i's document at t, its content type, and when it last
// changed (its newest post).
func (w *feedWorld) feed(i int, t time.Time) ([]byte, string, time.Time) {
	src := soakSources[i]
	posts := w.posts(i, t)
	changed := posts[0].Published
	switch src.format {
	case formatProfile: // the channel's image is the person's avatar
		changed = w.lastChange(changed, []int{0}, t)
	case formatJSON: // each item names its author's avatar
		var who []int
		for _, p := range posts {
			who = append(who, p.Person)
		}
		changed = w.lastChange(changed, who, t)
	}
	if src.format == formatJSON {
		return w.jsonFeed(posts, t), "application/feed+json", changed
	}
	var b bytes.Buffer
	esc := html.EscapeString
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">` + "\n<channel>\n")
	switch src.format {
	case formatTag:
		b.WriteString("<title>#acmelife</title>\n<description>Public posts tagged #acmelife</description>\n<link>https://social.example.org/tags/acmelife</link>\n")
	case formatProfile:
		fmt.Fprintf(&b, "<title>%s</title>\n<description>Public posts from @%s@social.example.org</description>\n<link>https://social.example.org/@%s</link>\n",
			esc(people(0).name), people(0).handle, people(0).handle)
		fmt.Fprintf(&b, "<image><url>%s</url><title>%s</title><link>https://social.example.org/@%s</link></image>\n",
			esc(w.avatar(0, t)), esc(people(0).name), people(0).handle)
	case formatBlog:
		b.WriteString("<title>Acme Blog</title>\n<link>https://blog.example.com/</link>\n<description>News from Acme</description>\n")
	}
	fmt.Fprintf(&b, "<lastBuildDate>%s</lastBuildDate>\n<generator>kioskbench</generator>\n", changed.UTC().Format(time.RFC1123Z))
	for _, p := range posts {
		b.WriteString("<item>\n")
		fmt.Fprintf(&b, "<guid isPermaLink=\"true\">%s</guid>\n<link>%s</link>\n<pubDate>%s</pubDate>\n", esc(p.Link), esc(p.Link), p.Published.UTC().Format(time.RFC1123Z))
		switch src.format {
		case formatBlog:
			fmt.Fprintf(&b, "<title>%s</title>\n<dc:creator><![CDATA[%s]]></dc:creator>\n", esc(p.Title), people(p.Person).name)
			body := "<p>" + esc(p.Text) + "</p>"
			if p.Picture != "" {
				body = fmt.Sprintf(`<p><img src="%s" alt="" width="1600" class="wp-image"/></p>`, esc(p.Picture)) + body
			}
			fmt.Fprintf(&b, "<description>%s</description>\n<content:encoded><![CDATA[%s]]></content:encoded>\n", esc(p.Text), body)
		default:
			fmt.Fprintf(&b, "<description>%s</description>\n", esc("<p>"+esc(p.Text)+"</p>"))
			if p.Picture != "" {
				fmt.Fprintf(&b, "<media:content url=\"%s\" type=\"image/jpeg\" medium=\"image\"><media:rating scheme=\"urn:simple\">nonadult</media:rating></media:content>\n", esc(p.Picture))
			}
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel>\n</rss>\n")
	return b.Bytes(), "application/rss+xml; charset=utf-8", changed
}

func (w *feedWorld) jsonFeed(posts []soakPost, t time.Time) []byte {
	type author struct {
		Name   string `json:"name"`
		URL    string `json:"url,omitempty"`
		Avatar string `json:"avatar,omitempty"`
	}
	type item struct {
		ID            string   `json:"id"`
		URL           string   `json:"url"`
		ContentText   string   `json:"content_text"`
		Image         string   `json:"image,omitempty"`
		DatePublished string   `json:"date_published"`
		Authors       []author `json:"authors"`
	}
	f := struct {
		Version string `json:"version"`
		Title   string `json:"title"`
		Home    string `json:"home_page_url"`
		Items   []item `json:"items"`
	}{"https://jsonfeed.org/version/1.1", "Acme advocacy: approved shares", "https://advocacy.example.com/", []item{}}
	for _, p := range posts {
		who := people(p.Person)
		f.Items = append(f.Items, item{ID: p.ID, URL: p.Link, ContentText: p.Text, Image: p.Picture,
			DatePublished: p.Published.UTC().Format(time.RFC3339),
			Authors:       []author{{Name: who.name, URL: "https://advocacy.example.com/people/" + who.handle, Avatar: w.avatar(p.Person, t)}}})
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		panic(err) // plain strings and slices always marshal
	}
	return data
}

// tableEpoch is the wins' and leaderboard's period: they change every two
// churns, as a dashboard export refreshed by a job does.
func (w *feedWorld) tableEpoch(t time.Time) int { return int(t.Sub(w.start) / (2 * w.churn)) }

func (w *feedWorld) epochStart(e int) time.Time {
	return w.start.Add(time.Duration(e) * 2 * w.churn).Truncate(time.Second)
}

// wins is the wins CSV at t, as Google Sheets downloads it: quoted
// thousands, a per-cent sign, dates written the ISO way.
func (w *feedWorld) wins(t time.Time) []byte {
	e := w.tableEpoch(t)
	val := func(metric, e int) int64 {
		base := []int64{1_200_000, 4_800, 2_300, 0}[metric]
		step := []int64{3_517, 29, 11, 7}[metric]
		return base + step*int64(e) + int64(splitmix(uint64(metric)<<32|uint64(e))%uint64(step*3))
	}
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	asOf := w.epochStart(e).UTC().Format("2006-01-02")
	cw.Write([]string{"Metric", "This period", "Last period", "Unit", "Period", "As of"})
	for m, label := range []string{"Post reach", "Shares", "New followers", "Staff sharing"} {
		cur, prev := val(m, e), val(m, e-1)
		if m == 3 { // a share of the staff: it goes up and down
			cw.Write([]string{label, fmt.Sprintf("%d%%", 40+cur%50), fmt.Sprintf("%d%%", 40+prev%50), "", "this week", asOf})
			continue
		}
		cw.Write([]string{label, thousands(cur), thousands(prev), "", "this week", asOf})
	}
	cw.Flush()
	return b.Bytes()
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// standing is one person's place on the leaderboard in one epoch.
type standing struct {
	person, points int
}

// standings are the leaderboard's top rows in epoch e: everyone who has
// posted so far, points growing at each person's own pace.
func (w *feedWorld) standings(e int) []standing {
	if e < 0 {
		e = 0
	}
	n := 9 + e/2 // the people who have joined by then
	var all []standing
	for p := 1; p < n && p < 576; p++ {
		rate := int(splitmix(uint64(p)) % 40)
		jitter := int(splitmix(uint64(p)<<20|uint64(e)) % 25)
		all = append(all, standing{p, 50 + rate*e + jitter})
	}
	sort.Slice(all, func(a, b int) bool {
		if all[a].points != all[b].points {
			return all[a].points > all[b].points
		}
		return all[a].person < all[b].person
	})
	return all[:min(boardRows, len(all))]
}

// leaderboard is the leaderboard CSV at t: rank, name, handle, points,
// avatar, change since the last epoch ("new" for a newcomer to the top).
func (w *feedWorld) leaderboard(t time.Time) []byte {
	e := w.tableEpoch(t)
	prev := map[int]int{}
	for r, s := range w.standings(e - 1) {
		prev[s.person] = r + 1
	}
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write([]string{"Rank", "Name", "Handle", "Points", "Avatar", "Change"})
	for r, s := range w.standings(e) {
		change := "new"
		if was, ok := prev[s.person]; ok && e > 0 {
			switch d := was - (r + 1); {
			case d > 0:
				change = fmt.Sprintf("+%d", d)
			case d < 0:
				change = strconv.Itoa(d)
			default:
				change = "="
			}
		}
		who := people(s.person)
		cw.Write([]string{strconv.Itoa(r + 1), who.name, "@" + who.handle, strconv.Itoa(s.points), w.avatar(s.person, t), change})
	}
	cw.Flush()
	return b.Bytes()
}

// boardChanged is when the leaderboard at t last changed: its epoch's
// start, or a later new avatar of someone on it.
func (w *feedWorld) boardChanged(t time.Time) time.Time {
	e := w.tableEpoch(t)
	var who []int
	for _, s := range w.standings(e) {
		who = append(who, s.person)
	}
	return w.lastChange(w.epochStart(e), who, t)
}

// classStats counts the answers to one kind of request.
type classStats struct {
	OK, NotModified, Missing int
	Bytes                    int64
}

func (w *feedWorld) count(class string, code, n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.stats[class]
	if c == nil {
		c = &classStats{}
		w.stats[class] = c
	}
	switch code {
	case http.StatusOK:
		c.OK++
	case http.StatusNotModified:
		c.NotModified++
	default:
		c.Missing++
	}
	c.Bytes += int64(n)
}

// Stats is a copy of the counts so far, by class.
func (w *feedWorld) Stats() map[string]classStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]classStats{}
	for k, v := range w.stats {
		out[k] = *v
	}
	return out
}

// ServeHTTP answers as a web server does: every answer carries an ETag and
// a Last-Modified, and a conditional GET that matches gets 304 with no
// body (a picture's ETag is known without making it).
func (w *feedWorld) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rw.Header().Set("Allow", "GET, HEAD")
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	t := w.now()
	p := r.URL.Path
	for i, s := range soakSources {
		if p == s.path {
			body, ctype, changed := w.feed(i, t)
			w.serveBody(rw, r, "feed", body, ctype, changed)
			return
		}
	}
	switch {
	case p == winsPath:
		w.serveBody(rw, r, "table", w.wins(t), "text/csv; charset=utf-8", w.epochStart(w.tableEpoch(t)))
		return
	case p == boardPath:
		w.serveBody(rw, r, "table", w.leaderboard(t), "text/csv; charset=utf-8", w.boardChanged(t))
		return
	}
	if sp, changed, ok := w.picture(p, t); ok {
		w.servePicture(rw, r, "picture", p, sp, changed)
		return
	}
	if sp, changed, ok := w.avatarPicture(p, t); ok {
		w.servePicture(rw, r, "avatar", p, sp, changed)
		return
	}
	w.count("other", http.StatusNotFound, 0)
	http.NotFound(rw, r)
}

// picture is the photo at path /media/I/K.jpg, if it has been posted by t.
func (w *feedWorld) picture(path string, t time.Time) (photoSpec, time.Time, bool) {
	var i, k int
	if n, err := fmt.Sscanf(path, "/media/%d/%d.jpg", &i, &k); n != 2 || err != nil || i < 0 || i >= len(soakSources) || k < 0 || k > w.head(i, t) {
		return photoSpec{}, time.Time{}, false
	}
	if path != fmt.Sprintf("/media/%d/%d.jpg", i, k) {
		return photoSpec{}, time.Time{}, false
	}
	return specFor(splitmix(uint64(i)<<32|uint64(k)) ^ 5), w.arrived(i, k), true
}

// avatarPicture is the avatar at /avatars/HANDLE-V.jpg: a 400×400 portrait
// (one in five an 800×800), never broken.
func (w *feedWorld) avatarPicture(path string, t time.Time) (photoSpec, time.Time, bool) {
	rest, ok := strings.CutPrefix(path, "/avatars/")
	if !ok {
		return photoSpec{}, time.Time{}, false
	}
	rest, ok = strings.CutSuffix(rest, ".jpg")
	cut := strings.LastIndexByte(rest, '-')
	if !ok || cut < 0 {
		return photoSpec{}, time.Time{}, false
	}
	v, err := strconv.Atoi(rest[cut+1:])
	if err != nil || v < 0 {
		return photoSpec{}, time.Time{}, false
	}
	handle := rest[:cut]
	for p := 0; p < 576; p++ {
		// Only the current avatar and those before it exist.
		if people(p).handle != handle || v > w.avatarVersion(p, t) {
			continue
		}
		sp := photoSpec{W: 400, H: 400, Seed: splitmix(uint64(p)<<32 | uint64(v))}
		if sp.Seed%5 == 0 {
			sp.W, sp.H = 800, 800
		}
		return sp, w.avatarSince(p, t), true
	}
	return photoSpec{}, time.Time{}, false
}

func (w *feedWorld) serveBody(rw http.ResponseWriter, r *http.Request, class string, body []byte, ctype string, changed time.Time) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	h := rw.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", changed.UTC().Format(http.TimeFormat))
	if notModified(r, etag, changed) {
		rw.WriteHeader(http.StatusNotModified)
		w.count(class, http.StatusNotModified, 0)
		return
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		body = nil
	}
	n, _ := rw.Write(body)
	w.count(class, http.StatusOK, n)
}

func (w *feedWorld) servePicture(rw http.ResponseWriter, r *http.Request, class, path string, sp photoSpec, changed time.Time) {
	if sp.Broken == brokenMissing {
		w.count(class, http.StatusNotFound, 0)
		http.NotFound(rw, r)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sp.Seed)
	h := rw.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", changed.UTC().Format(http.TimeFormat))
	if notModified(r, etag, changed) {
		rw.WriteHeader(http.StatusNotModified)
		w.count(class, http.StatusNotModified, 0)
		return
	}
	body := w.photos.get(path, sp)
	ctype := "image/jpeg"
	if sp.Broken == brokenHTML {
		ctype = "text/html; charset=utf-8" // a login page, with 200: what a proxy in the way sends
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		body = nil
	}
	n, _ := rw.Write(body)
	w.count(class, http.StatusOK, n)
}

// notModified evaluates a GET's preconditions as RFC 9110 §13.2.2 orders
// them: If-None-Match when present (weak comparison, a list of tags, or
// "*"), else If-Modified-Since against the resource's time.
func notModified(r *http.Request, etag string, changed time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil {
			return !changed.Truncate(time.Second).After(t)
		}
	}
	return false
}

// photoCache keeps the photos made, by path, up to max bytes (oldest out
// first): the kiosk asks for a picture again when its copy on disk was
// evicted, and making a 12 MP photo costs half a second of CPU.
type photoCache struct {
	max int64

	mu    sync.Mutex
	m     map[string]*photoEntry
	order []string
	bytes int64
	made  int
	spent time.Duration
	sent  int64 // bytes of photos made
}

type photoEntry struct {
	once sync.Once
	data []byte
	size int64 // set, under photoCache.mu, once data is made
}

func (c *photoCache) get(path string, sp photoSpec) []byte {
	c.mu.Lock()
	e := c.m[path]
	if e == nil {
		e = &photoEntry{}
		c.m[path] = e
		c.order = append(c.order, path)
	}
	c.mu.Unlock()
	made := false
	var took time.Duration
	e.once.Do(func() {
		t0 := time.Now()
		e.data = photoBody(sp)
		took, made = time.Since(t0), true
	})
	if !made {
		return e.data
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e.size = int64(len(e.data))
	c.made++
	c.spent += took
	c.sent += e.size
	c.bytes += e.size
	// Out with the oldest made; one still being made stays.
	keep := c.order[:0]
	for _, p := range c.order {
		if oe := c.m[p]; c.bytes > c.max && oe != e && oe.size > 0 {
			c.bytes -= oe.size
			delete(c.m, p)
			continue
		}
		keep = append(keep, p)
	}
	c.order = keep
	return e.data
}

// Made is how many photos were made, their bytes, and the time it took.
func (c *photoCache) Made() (int, int64, time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.made, c.sent, c.spent
}
