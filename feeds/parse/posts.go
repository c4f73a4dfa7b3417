package parse

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"lobbykiosk/feeds"
)

// MaxItems is how many posts one feed keeps, newest first. A feed with more
// is cut (with a warning): a lobby screen never needs thousands of posts from
// one person, and normalizing them would cost a small kiosk PC dearly.
const MaxItems = 500

// readPosts parses an RSS 2.0, Atom or JSON Feed document (already UTF-8)
// and normalizes every item into a Post: plain text, an absolute image URL,
// the author as a person with handle and avatar, a network mark and a stable
// ID. Posts come newest first, then the posts whose date is unknown
// (DateUnknown, Published zero: the pipeline gives them the time it first
// saw them).
//
// err is for a document that is not a feed at all, worded for the person
// who configured the source ("not a feed: this looks like an HTML page"). A
// feed with no items is not an error. rep gets what did not stop it: items
// skipped and why, dates that could not be read, links that were dropped.
func readPosts(data []byte, spec feeds.SourceSpec, rep *report) ([]feeds.Post, error) {
	if spec.Moderated && isHubFeed(data) {
		return hubPosts(data, spec, rep)
	}
	data = utf8Declaration(dropControls(data))
	f, data, err := parseFeed(data, spec, rep)
	if err != nil {
		return nil, err
	}
	c := newFeedContext(f, spec, data)

	dates := newDateReader(spec.Locale, spec.Timezone)
	dates.inferZone = true
	for _, it := range f.Items {
		if it != nil {
			dates.observe(it.Published)
			dates.observe(it.Updated)
		}
	}
	if w := dates.decide(); w != "" {
		rep.add("%s", w)
	}

	// Order by date before normalizing, so only the items that are kept pay
	// for it. Items whose date is unknown come last: they are not news.
	order := make([]int, 0, len(f.Items))
	times := make([]time.Time, len(f.Items))
	var unreadable, undated int
	var firstBad string
	for i, it := range f.Items {
		if it == nil {
			continue
		}
		rep.reading.Read++
		t, raw, err := itemTime(it, dates)
		switch {
		case err != nil:
			unreadable++
			if firstBad == "" {
				firstBad = fmt.Sprintf("item %d: %v", i+1, err)
			}
		case raw == "":
			undated++
		}
		times[i] = t
		order = append(order, i)
	}
	if unreadable > 0 {
		rep.add("%d %s a date that cannot be read (%s): shown as \"date unknown\", dated by when the kiosk first saw them", unreadable, plural(unreadable, "item has", "items have"), firstBad)
	}
	if undated > 0 {
		rep.add("%d %s no date: shown as \"date unknown\", dated by when the kiosk first saw them", undated, plural(undated, "item has", "items have"))
	}
	if z := dates.unknownZone; z != "" {
		rep.add("dates name the time zone %q, which is not one this kiosk knows: read them as kiosk time", z)
	}
	if ch := dates.choice(); ch != "" {
		rep.choose("%s", ch)
	}
	sort.SliceStable(order, func(a, b int) bool {
		ta, tb := times[order[a]], times[order[b]]
		if ta.IsZero() || tb.IsZero() {
			return !ta.IsZero() && tb.IsZero()
		}
		return ta.After(tb)
	})
	if len(order) > MaxItems {
		rep.add("feed has %d items; kept the newest %d", len(order), MaxItems)
	}

	var posts []feeds.Post
	seen := make(map[string]int)
	for _, i := range order {
		if len(posts) == MaxItems {
			break
		}
		p, why := c.post(f.Items[i], i, times[i])
		switch {
		case why != "":
			rep.skipItem(i+1, "%s", why)
		case seen[p.ID] > 0:
			rep.skipItem(i+1, "repeats the id of item %d", seen[p.ID])
		default:
			seen[p.ID] = i + 1
			posts = append(posts, p)
		}
	}
	if n := len(c.dropped); n > 0 {
		rep.add("%d relative %s (such as %q) dropped: the feed has no <link> or xml:base to resolve %s against", n, plural(n, "link", "links"), c.droppedEx, plural(n, "it", "them"))
	}
	// Skips were recorded in date order; the report lists them as the
	// document has them.
	sort.SliceStable(rep.reading.Skips, func(a, b int) bool { return rep.reading.Skips[a].Item < rep.reading.Skips[b].Item })
	return posts, nil
}

// dropControls drops the C0 control characters that XML forbids and JSON
// allows only escaped: a stray one must not fail a whole feed. In UTF-8
// they never occur inside a multi-byte sequence.
func dropControls(data []byte) []byte {
	if bytes.IndexFunc(data, isControlByte) < 0 {
		return data
	}
	out := make([]byte, 0, len(data))
	for _, c := range data {
		if !isControlByte(rune(c)) {
			out = append(out, c)
		}
	}
	return out
}

// isControlByte: C0 controls other than tab and line ends.
func isControlByte(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }

// parseFeed runs gofeed and turns its failures into sentences. It returns
// the document it finally read: a JSON Feed may have lost items on the way.
func parseFeed(data []byte, spec feeds.SourceSpec, rep *report) (*gofeed.Feed, []byte, error) {
	if declaresEntities(data) {
		return nil, data, errors.New(`not a feed: its DOCTYPE declares XML entities (<!ENTITY …>), which are never expanded (nested ones are an "entity bomb"), so its text would show as "&name;"; publish the feed without them`)
	}
	f, err := gofeedParse(data)
	var te *json.UnmarshalTypeError
	var pe readerPanic
	if err != nil && (errors.As(err, &te) || errors.As(err, &pe)) {
		// One JSON item of the wrong shape fails the whole document in
		// gofeed (a null item even panics): drop such items and read the rest.
		if fixed, bad := dropBadJSONItems(data); len(bad) > 0 {
			if f2, err2 := gofeedParse(fixed); err2 == nil {
				f, err, data = f2, nil, fixed
				for _, b := range bad {
					rep.reading.Read++
					rep.skipped(b)
				}
			}
		}
	}
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		f, err := explain(data, spec)
		return f, data, err
	}
	if errors.As(err, &pe) {
		return nil, data, fmt.Errorf("not a feed: the feed reader could not make sense of this document (%v)", pe.v)
	}
	if err != nil {
		return nil, data, feedError(data, err)
	}
	if f.FeedType == "json" && f.FeedVersion == "" && len(f.Items) == 0 && !hasJSONKey(data, "items") {
		return nil, data, errors.New(`not a feed: this JSON has no "version" or "items", so it is not a JSON Feed`)
	}
	return f, data, nil
}

// readable keeps an error's chain but makes its message fit to show: parser
// errors quote the input, and the input may be anything.
func readable(err error) error {
	if err == nil {
		return nil
	}
	return readableError{err}
}

type readableError struct{ err error }

func (e readableError) Error() string { return clean(e.err.Error()) }
func (e readableError) Unwrap() error { return e.err }

// readerPanic is a panic inside gofeed, caught: a feed reader must not take
// the kiosk down with it, whatever the bytes.
type readerPanic struct{ v any }

func (p readerPanic) Error() string { return fmt.Sprint(p.v) }

func gofeedParse(data []byte) (f *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, readerPanic{r}
		}
	}()
	fp := gofeed.NewParser()
	// itemImage scans the HTML itself, skipping emoji and pixels; gofeed's
	// scan builds a DOM per item and would pick them up.
	fp.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	return fp.Parse(bytes.NewReader(data))
}

func feedError(data []byte, err error) error {
	var xe *xml.SyntaxError
	if errors.As(err, &xe) {
		return fmt.Errorf("not a feed: %w", err)
	}
	var je *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &je) || errors.As(err, &te) {
		return fmt.Errorf("not a feed: %w", jsonError(data, err))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("not a feed: the document ends too early (cut off?): %w", err)
	}
	return fmt.Errorf("not a feed: %w", err)
}

// explain says what a document that is not a feed is instead. Feeds whose
// root element comes after gofeed's detection window (a long comment or
// stylesheet first) are parsed here rather than refused.
func explain(data []byte, spec feeds.SourceSpec) (*gofeed.Feed, error) {
	s := bytes.TrimLeft(data, "\xef\xbb\xbf \t\r\n")
	if len(s) == 0 {
		return nil, errors.New("not a feed: the document is empty")
	}
	head := bytes.ToLower(s[:min(len(s), 4096)])
	if bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html")) {
		return nil, htmlError(s, spec)
	}
	switch s[0] {
	case '[':
		return nil, errors.New("not a feed: this is a JSON list, not a JSON Feed (is it a wins or leaderboard file?)")
	case '{':
		var v any
		if err := json.Unmarshal(s, &v); err != nil {
			return nil, fmt.Errorf("not a feed: %w", jsonError(s, err))
		}
		// gofeed v1.4.0 detects JSON only within its first 4 KiB, which a
		// real export rarely fits in (mmcdole/gofeed#344): read it here.
		if hasJSONKey(s, "items") || hasJSONKey(s, "version") {
			jf, err := (&jsonfeed.Parser{}).Parse(bytes.NewReader(s))
			if err != nil {
				return nil, fmt.Errorf("not a feed: %w", jsonError(s, err))
			}
			return (&gofeed.DefaultJSONTranslator{}).Translate(jf)
		}
		return nil, errors.New(`not a feed: this JSON is not a JSON Feed (it needs "version" and "items")`)
	case '<':
		root, err := xmlRoot(s)
		if err != nil {
			return nil, fmt.Errorf("not a feed: %w", err)
		}
		switch root {
		case "rss", "rdf":
			rf, err := (&rss.Parser{}).Parse(bytes.NewReader(s))
			if err != nil {
				return nil, feedError(s, err)
			}
			return (&gofeed.DefaultRSSTranslator{DisableContentImageScan: true}).Translate(rf)
		case "feed":
			af, err := (&atom.Parser{}).Parse(bytes.NewReader(s))
			if err != nil {
				return nil, feedError(s, err)
			}
			return (&gofeed.DefaultAtomTranslator{}).Translate(af)
		case "html":
			return nil, htmlError(s, spec)
		}
		return nil, fmt.Errorf("not a feed: the XML document is a <%s>, not RSS (<rss>) or Atom (<feed>)", root)
	}
	start := clean(string(s[:min(len(s), 40)]))
	return nil, fmt.Errorf("not a feed: the document is neither XML nor JSON (it starts with %q)", start)
}

// xmlRoot finds the root element's name, or the syntax error before it.
func xmlRoot(s []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(s))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	for range 10000 {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", errors.New("the XML document has no elements")
			}
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return strings.ToLower(se.Name.Local), nil
		}
	}
	return "", errors.New("no XML element in the first 10,000 tokens")
}

// declaresEntities reports whether an XML document's DOCTYPE declares
// entities of its own. Go's XML reader never expands them: that defuses an
// entity bomb, but left alone the feed would put "&lol9;" on the screen.
func declaresEntities(s []byte) bool {
	s = bytes.TrimLeft(s, "\xef\xbb\xbf \t\r\n")
	if !bytes.HasPrefix(s, []byte("<")) {
		return false
	}
	d := xml.NewDecoder(bytes.NewReader(s))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	for range 1000 {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return false
		case xml.Directive:
			if bytes.Contains(t, []byte("<!ENTITY")) {
				return true
			}
		}
	}
	return false
}

// htmlError names the page and, when the page links to its own feed, that
// feed: the usual mistake is configuring a site's address instead of its
// feed's.
func htmlError(s []byte, spec feeds.SourceSpec) error {
	var title, feedURL string
	z := html.NewTokenizer(bytes.NewReader(s[:min(len(s), 512<<10)]))
	inTitle := false
scan:
	for {
		switch z.Next() {
		case html.ErrorToken:
			break scan
		case html.TextToken:
			if inTitle && title == "" {
				title = clean(string(z.Text()))
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "title" {
				inTitle = false
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "title":
				inTitle = true
			case "link":
				attrs := map[string]string{}
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					attrs[string(k)] = string(v)
				}
				t := strings.ToLower(attrs["type"])
				if feedURL == "" && strings.Contains(strings.ToLower(attrs["rel"]), "alternate") &&
					(strings.Contains(t, "rss") || strings.Contains(t, "atom") || strings.Contains(t, "json")) {
					feedURL = absURL(baseOf(spec.URL), attrs["href"])
				}
			case "body":
				break scan
			}
		}
	}
	msg := "not a feed: this looks like an HTML page"
	if title != "" {
		msg += fmt.Sprintf(" (%q)", cut(title, 80))
	}
	if feedURL != "" {
		msg += "; the page names its feed: " + feedURL
	}
	return errors.New(msg)
}

func hasJSONKey(data []byte, key string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return false
	}
	_, ok := m[key]
	return ok
}

// itemTime reads an item's date: published, else updated. raw is the text
// it was read from, "" when the item has none; err says why it could not be
// read.
func itemTime(it *gofeed.Item, dates *dateReader) (t time.Time, raw string, err error) {
	for _, c := range []struct {
		raw    string
		parsed *time.Time
	}{{it.Published, it.PublishedParsed}, {it.Updated, it.UpdatedParsed}} {
		r := strings.TrimSpace(c.raw)
		if r == "" {
			continue
		}
		t, e := dates.parse(r)
		if e == nil {
			return t, r, nil
		}
		// gofeed knows more odd layouts; its reading is trusted only
		// where the zone is written and day and month cannot be swapped
		// (it guesses 05/06 day first, and reads a date without a zone as
		// UTC).
		if c.parsed != nil && !c.parsed.IsZero() && !errors.Is(e, errAmbiguousDate) && namesZone(r) && c.parsed.Year() >= 1971 {
			return c.parsed.UTC(), r, nil
		}
		if err == nil {
			raw, err = r, e
		}
	}
	return time.Time{}, raw, err
}

// namesZone reports whether a date ends in a zone this package knows.
func namesZone(s string) bool {
	_, off, ok := splitZone(normDate(s))
	return ok && off != nil
}

// feedContext is what every item of one feed shares: the person the feed is
// about (Mastodon and Bluesky put them in the channel, not the items), the
// network and the base for relative links.
type feedContext struct {
	source  string
	base    *url.URL
	network string // the configured override, or the feed-level guess ("" if none)
	forced  bool
	name    string
	handle  string
	avatar  string
	json    *jsonFeedExtra
	// group is set for a feed of many people's posts (a hashtag, a
	// community): the channel's title and picture are then nobody's.
	group bool
	// dir is the folder of a feed read from a file ("" for the web).
	dir string
	// dropped holds the relative links that had nothing to resolve against.
	dropped   map[string]bool
	droppedEx string
}

var (
	// "@ana.bsky.social - Ana Lima": Bluesky's profile feed title.
	blueskyTitle = regexp.MustCompile(`^@(\S+)\s+[-–—]\s+(.+)$`)
	// "Ana Lima (@ana@social.example)": Mastodon's newer title, and a
	// common "Name (@handle)" elsewhere.
	nameHandleTitle = regexp.MustCompile(`^(.+?)\s*\((@[^\s()]+)\)$`)
	// "Public posts from @ana@social.example": Mastodon's channel description.
	fediHandle = regexp.MustCompile(`@[\p{L}\p{N}_.-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`)
)

func newFeedContext(f *gofeed.Feed, spec feeds.SourceSpec, data []byte) *feedContext {
	c := &feedContext{source: spec.Name}
	if spec.Path != "" && spec.URL == "" {
		if abs, err := filepath.Abs(spec.Path); err == nil {
			c.dir = filepath.Dir(abs)
		}
	}
	for _, l := range []string{f.Link, f.FeedLink, spec.URL} {
		if b := baseOf(l); b != nil {
			c.base = b
			break
		}
	}
	if n := strings.ToLower(strings.TrimSpace(spec.Network)); n != "" {
		c.network, c.forced = n, true
	} else if strings.HasPrefix(strings.ToLower(f.Generator), "mastodon") {
		c.network = "mastodon"
	} else if c.base != nil {
		c.network = guessNetwork(c.base)
	}

	title := clean(f.Title)
	var titleName string
	if m := blueskyTitle.FindStringSubmatch(title); m != nil {
		titleName, c.handle = m[2], "@"+m[1]
	} else if m := nameHandleTitle.FindStringSubmatch(title); m != nil {
		titleName, c.handle = m[1], m[2]
	} else if strings.HasPrefix(title, "@") && !strings.ContainsAny(title, " \t") {
		c.handle = title
	} else {
		titleName = title
	}
	for _, a := range f.Authors {
		if a != nil && clean(a.Name) != "" {
			c.name = clean(a.Name)
			break
		}
	}
	if c.name == "" {
		c.name = titleName
	}
	if c.handle == "" && c.network == "mastodon" {
		c.handle = fediHandle.FindString(clean(f.Description))
	}
	if c.handle == "" && c.base != nil {
		c.handle = handleFromURL(c.base)
	}
	c.handle = strings.ReplaceAll(c.handle, " ", "")

	if f.FeedType == "json" {
		c.json = decodeJSONExtra(data)
		if c.json != nil && c.json.avatar != "" {
			c.avatar = c.picture(c.base, c.json.avatar)
		}
	}
	if c.avatar == "" && f.Image != nil {
		c.avatar = c.picture(c.base, f.Image.URL)
	}
	if groupFeed(f, c.base, c.handle) {
		c.group, c.name, c.handle, c.avatar = true, "", "", ""
	}
	return c
}

// localFile is ref as a file beside a feed read from a share, or "".
func (c *feedContext) localFile(ref string) string {
	ref = strings.TrimSpace(clean(ref))
	if c.dir == "" || ref == "" || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "\\") {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" || filepath.IsAbs(u.Path) {
		return ""
	}
	p := filepath.Join(c.dir, filepath.FromSlash(u.Path))
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return p
}

// groupPaths begin the addresses of feeds that collect many people's posts:
// Mastodon and Pixelfed hashtags, Lemmy communities, kbin magazines, groups.
var groupPaths = []string{"/tags/", "/tag/", "/discover/tags/", "/hashtag/", "/c/", "/m/", "/g/", "/groups/"}

// groupFeed reports whether a feed collects many people's posts rather
// than one person's: a title that is a hashtag, a group address, or (when
// the channel names no one) items from more than one account.
func groupFeed(f *gofeed.Feed, base *url.URL, handle string) bool {
	if strings.HasPrefix(clean(f.Title), "#") {
		return true
	}
	if base != nil {
		p := strings.ToLower(base.Path)
		for _, g := range groupPaths {
			if strings.HasPrefix(p, g) {
				return true
			}
		}
	}
	if handle != "" {
		return false
	}
	accounts := map[string]bool{}
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		if u := baseOf(it.Link); u != nil {
			if h := handleFromURL(u); h != "" {
				accounts[strings.ToLower(h)] = true
			}
		}
		if len(accounts) > 1 {
			return true
		}
	}
	return false
}

// picture is resolve for a picture. A feed read from a share may keep its
// pictures beside it ("images/p1.jpg", "../images/p1.jpg"): such a relative
// path is the file when the file is there. Nothing else becomes a path on
// the kiosk's disk: not a path to nothing ("skins/…" of a CMS export, which
// is a web path), not an absolute path, and nothing from the web.
func (c *feedContext) picture(base *url.URL, ref string) string {
	if p := c.localFile(ref); p != "" {
		return p
	}
	return c.resolve(base, ref)
}

// resolve makes a link absolute against base (the item's link or the
// feed's), and drops it, counted, when it cannot be.
func (c *feedContext) resolve(base *url.URL, ref string) string {
	abs := absURL(base, ref)
	if abs == "" && base == nil {
		if r := strings.TrimSpace(clean(ref)); r != "" && !strings.Contains(r, ":") && !c.dropped[r] {
			if c.dropped == nil {
				c.dropped, c.droppedEx = map[string]bool{}, cut(r, 60)
			}
			c.dropped[r] = true
		}
	}
	return abs
}

// post normalizes one item; why says what made it show nothing, "" when
// it is a post.
func (c *feedContext) post(it *gofeed.Item, index int, published time.Time) (p feeds.Post, why string) {
	p = feeds.Post{Source: c.source, Published: published, DateUnknown: published.IsZero()}
	p.Link = c.resolve(c.base, it.Link)
	if p.Link == "" && len(it.Links) > 0 {
		p.Link = absURL(c.base, it.Links[0])
	}
	if p.Link == "" && (strings.HasPrefix(it.GUID, "http://") || strings.HasPrefix(it.GUID, "https://")) {
		p.Link = absURL(c.base, it.GUID)
	}
	link := baseOf(p.Link)
	base := c.base
	if link != nil {
		base = link
	}

	p.Network = c.network
	if !c.forced && link != nil {
		if n := guessNetwork(link); n != "" {
			p.Network = n
		}
	}
	if p.Network == "" {
		p.Network = "blog"
	}
	social := socialNetworks[p.Network]

	var extra jsonItemExtra
	if c.json != nil {
		extra = c.json.item(index)
	}

	// The person: the item's own author (dc:creator, author, JSON Feed
	// authors), else the account its link names; the channel's only for a
	// feed of one person's posts.
	itemHandle, actor := "", ""
	if link != nil {
		itemHandle = handleFromURL(link)
	}
	for _, a := range it.Authors {
		if a == nil {
			continue
		}
		name := clean(a.Name)
		if u := baseOf(name); u != nil {
			// Lemmy's dc:creator is the author's address, not a name.
			actor = actorHandle(u)
			continue
		}
		if name != "" {
			p.Author.Name = name
			break
		}
	}
	if p.Author.Name == "" {
		p.Author.Name = c.name
	}
	switch {
	case social && c.handle != "":
		p.Author.Handle = c.handle
	case social || c.group:
		p.Author.Handle = itemHandle
	}
	if actor != "" && p.Author.Handle == "" {
		p.Author.Handle = actor
	}
	if p.Author.Name == "" {
		p.Author.Name = handleUser(p.Author.Handle)
	}
	if p.Author.Name == "" {
		p.Author.Name = c.source
	}
	p.Author.Avatar = c.avatar
	if extra.avatar != "" {
		p.Author.Avatar = c.picture(base, extra.avatar)
	}

	var repost bool
	// Bluesky's feed carries the post as typed, not as HTML: "<blink>" in
	// it is text to show.
	var cleaned string
	p.Text, repost, cleaned = composeText(it, social, p.Network == "bluesky")
	p.Image = c.itemImage(it, base)
	if p.Text == "" && p.Image == "" {
		if cleaned != "" {
			return p, "nothing left once " + cleaned + " was taken out"
		}
		return p, "no text and no picture"
	}

	// Replies and reposts, where the feed lets them show. On Mastodon and X
	// a reply starts with the mention of who it answers; Bluesky's feed
	// leaves replies out, so a mention there opens an ordinary post.
	p.Reply = extra.reply || hasItemExt(it, "thr", "in-reply-to") ||
		((p.Network == "mastodon" || p.Network == "x") && len(p.Text) > 1 && p.Text[0] == '@' && isWordRune(p.Text[1:]))
	p.Repost = repost || extra.repost || strings.HasPrefix(p.Text, "RT @") ||
		(social && c.handle != "" && itemHandle != "" && !sameAccount(c.handle, itemHandle))

	p.Likes, p.Shares, p.Comments = extra.likes, extra.shares, extra.comments
	if p.Comments == 0 {
		p.Comments = max(extInt(it, "slash", "comments"), extInt(it, "thr", "total"))
	}

	key := strings.TrimSpace(it.GUID)
	if key == "" {
		key = p.Link
	}
	if key == "" {
		key = p.Text + "\x00" + p.Image
	}
	p.ID = PostID(c.source, key)
	return p, ""
}

// handleUser is the name part of a handle: "@ana@social.example" -> "ana".
func handleUser(h string) string {
	h = strings.TrimPrefix(h, "@")
	if i := strings.IndexByte(h, '@'); i >= 0 {
		h = h[:i]
	}
	return h
}

// actorHandle reads a handle from an account's address as the fediverse
// writes them: /u/ana (Lemmy), /users/ana (ActivityPub), /@ana (Mastodon).
func actorHandle(u *url.URL) string {
	if h := handleFromURL(u); h != "" {
		return h
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) == 2 && (parts[0] == "u" || parts[0] == "users") && parts[1] != "" {
		return "@" + parts[1] + "@" + strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	}
	return ""
}

// sameAccount compares handles by user name only: a Mastodon server may
// name its accounts @ana@example.com while serving them from
// social.example.com, so the feed's handle and its links differ in domain.
func sameAccount(a, b string) bool {
	user := func(h string) string {
		h = strings.TrimPrefix(h, "@")
		if i := strings.IndexByte(h, '@'); i >= 0 {
			h = h[:i]
		}
		return strings.ToLower(h)
	}
	return user(a) == user(b)
}

var socialNetworks = map[string]bool{"mastodon": true, "bluesky": true, "x": true, "threads": true}

var (
	// Titles that feeds invent for posts that have none.
	placeholderTitle = regexp.MustCompile(`^(?:New status by \S+|@\S+ post|Post by .+|Untitled)$`)
	// Old Mastodon titled a boost "ana shared a status by bob".
	boostTitle = regexp.MustCompile(`^\S+ (?:shared a status by|boosted) \S+`)
	moreMark   = regexp.MustCompile(`\s*\[(?:…|\.\.\.|&hellip;)\]\s*$`)
)

// boilerplate is what platforms add to a post that its author did not
// write, each with a word that must be there for the pattern to be tried.
var boilerplate = []struct {
	name, marker string
	re           *regexp.Regexp
}{
	{"Bluesky's embed placeholder", "[contains quote post",
		regexp.MustCompile(`\s*\[contains quote post or other embedded content\]`)},
	// WordPress and Yoast tails on summaries.
	{`the "The post … appeared first on …" footer`, "appeared first on",
		regexp.MustCompile(`\s*The post .{1,300} appeared first on .{1,200}$`)},
	{`Medium's "Continue reading on Medium"`, "on Medium",
		regexp.MustCompile(`\s*Continue reading on Medium\s*»?\s*$`)},
	// WordPress's more-link, Blogger's "Read more »", and the same in the
	// other languages.
	// It follows the end of a sentence, so "Read more books this winter"
	// stays.
	{`the "Continue reading" link`, "",
		regexp.MustCompile(`(?i)([.!?…»"”)\]])\s*(?:continue reading|read more|read the full (?:post|article|story)|weiterlesen|lire la suite|leer más|seguir leyendo|continuar lendo|ler mais)(?:[\s:»→›…]|$)[^.!?]{0,160}$`)},
	// Lemmy's "submitted by ana to community<br>12 points | 3 comments".
	{`Lemmy's "submitted by …" line`, "submitted by",
		regexp.MustCompile(`^submitted by \S.{0,100}? to \S.{0,100}? -?\d+ points? \| \d+ comments?\s*`)},
}

// composeText picks what a post says. Social posts have no real title, so
// their text is the content (or the description). A blog item shows its
// title, then its summary: "Title: summary…", the summary being the
// description (an excerpt) when there is one, else the start of the content.
// A title that only repeats the start of the text is dropped. cleaned names
// the boilerplate taken out, for a post it leaves empty.
func composeText(it *gofeed.Item, social, plainText bool) (text string, repost bool, cleaned string) {
	bound := 2 * MaxText
	content, c1 := tidy(Text(it.Content, bound))
	var desc, c2 string
	if plainText {
		desc, c2 = tidy(plain(it.Description, bound))
	} else {
		desc, c2 = tidy(Text(it.Description, bound))
	}
	cleaned = c1
	if cleaned == "" {
		cleaned = c2
	}
	body := content
	if body == "" {
		body = desc
	}
	title := Text(it.Title, MaxText)
	repost = boostTitle.MatchString(title)
	if repost || placeholderTitle.MatchString(title) {
		title = ""
	}
	switch {
	case body == "":
		return cut(title, MaxText), repost, cleaned // some bridges put a post in its title
	case social || title == "" || repeats(title, body):
		return cut(body, MaxText), repost, cleaned
	}
	summary := desc
	if summary == "" {
		summary = content
	}
	if repeats(summary, title) {
		return cut(title, MaxText), repost, cleaned
	}
	if repeats(title, summary) {
		return cut(summary, MaxText), repost, cleaned
	}
	sep := ": "
	if strings.ContainsRune(".!?:…", lastRune(title)) {
		sep = " "
	}
	return cut(title+sep+summary, MaxText), repost, cleaned
}

// tidy takes the boilerplate out of a post's text and turns WordPress's
// "[…]" into "…". cleaned names what was taken out ("" for nothing).
func tidy(s string) (text, cleaned string) {
	for _, b := range boilerplate {
		if b.marker != "" && !strings.Contains(s, b.marker) {
			continue
		}
		if t := b.re.ReplaceAllString(s, "$1"); t != s {
			s = t
			if cleaned == "" {
				cleaned = b.name
			}
		}
	}
	if strings.Contains(s, "]") {
		s = moreMark.ReplaceAllString(s, "…")
	}
	return strings.TrimSpace(s), cleaned
}

// repeats reports whether text starts with head, ignoring case and a
// trailing ellipsis on head ("Big news…" repeats "Big news from the team").
func repeats(head, text string) bool {
	h := strings.ToLower(strings.TrimRight(head, "…. "))
	return h != "" && strings.HasPrefix(strings.ToLower(text), h)
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func isWordRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}

// itemImage picks the picture of an item: a media:content image, a
// media:thumbnail, an image enclosure (or JSON Feed attachment), the item's
// image (JSON Feed image/banner_image), else the first real <img> of its
// HTML. URLs are made absolute against the item's link.
func (c *feedContext) itemImage(it *gofeed.Item, base *url.URL) string {
	var cands []string
	media := it.Extensions["media"]
	contents := media["content"]
	for _, g := range media["group"] {
		contents = append(contents, g.Children["content"]...)
	}
	for _, m := range contents {
		if isImageMedia(m.Attrs["type"], m.Attrs["medium"], m.Attrs["url"]) {
			cands = append(cands, m.Attrs["url"])
		}
	}
	for _, t := range media["thumbnail"] {
		cands = append(cands, t.Attrs["url"])
	}
	for _, m := range contents {
		for _, t := range m.Children["thumbnail"] {
			cands = append(cands, t.Attrs["url"])
		}
	}
	for _, g := range media["group"] {
		for _, t := range g.Children["thumbnail"] {
			cands = append(cands, t.Attrs["url"])
		}
	}
	for _, e := range it.Enclosures {
		if e != nil && isImageMedia(e.Type, "", e.URL) {
			cands = append(cands, e.URL)
		}
	}
	for _, u := range cands {
		if a := c.picture(base, u); a != "" && !hasExt(a, ".svg") {
			return a
		}
	}
	// gofeed fills Image from a scan of the HTML too, and takes emoji and
	// tracking pixels along: only trust it when the scan below would.
	first, rejected := "", map[string]bool{}
	for _, h := range []string{it.Content, it.Description} {
		if f := imgScan(h, rejected); first == "" {
			first = f
		}
	}
	if it.Image != nil && !rejected[strings.TrimSpace(it.Image.URL)] {
		if a := c.picture(base, it.Image.URL); a != "" && !hasExt(a, ".svg") {
			return a
		}
	}
	if a := c.picture(base, first); a != "" && !hasExt(a, ".svg") {
		return a
	}
	return ""
}

// isImageMedia: a declared type decides (Mastodon marks a silent video
// "medium=image" but gives it type video/mp4, which no image decoder reads);
// without one, medium or the file extension does.
func isImageMedia(typ, medium, u string) bool {
	typ = strings.ToLower(strings.TrimSpace(typ))
	if typ != "" {
		return strings.HasPrefix(typ, "image/")
	}
	return strings.EqualFold(medium, "image") || hasImageExt(u)
}

func hasImageExt(u string) bool { return hasExt(u, ".jpg", ".jpeg", ".png", ".gif", ".webp") }

// hasExt reports whether a URL's path ends in one of exts. SVG is refused as
// a picture: it is mostly icons and emoji, and the kiosk draws bitmaps.
func hasExt(u string, exts ...string) bool {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return false
	}
	path := strings.ToLower(p.Path)
	for _, ext := range exts {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}

// imgScan finds the first <img> worth showing in HTML: not an emoji, not a
// tracking pixel, not inline data. The sources it passes over go in rejected.
func imgScan(s string, rejected map[string]bool) string {
	if !strings.Contains(s, "<img") && !strings.Contains(s, "<IMG") {
		return ""
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return ""
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if string(name) != "img" {
			continue
		}
		var src string
		ok := true
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			val := string(v)
			switch string(k) {
			case "src":
				if src == "" {
					src = val
				}
			case "data-src":
				src = val // lazy loading: src is a placeholder
			case "class":
				l := strings.ToLower(val)
				if strings.Contains(l, "emoji") || strings.Contains(l, "smiley") {
					ok = false
				}
			case "width", "height":
				if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(val), "px")); err == nil && n < 48 {
					ok = false
				}
			}
		}
		src = strings.TrimSpace(src)
		if ok && src != "" && !strings.HasPrefix(strings.ToLower(src), "data:") && !tracker(src) {
			return src
		}
		if src != "" {
			rejected[src] = true
		}
	}
}

// trackers are the addresses of the counting pixels feed services put in
// posts, often without a size to give them away.
var trackers = []string{"feeds.feedburner.com/~r/", "feeds.feedburner.com/~ff/", "feedburner.com/~r/",
	"pixel.wp.com/", "stats.wordpress.com/", "medium.com/_/stat", "/pixel.gif", "/pixel.png",
	"/1x1.gif", "/1x1.png", "/beacon.gif", "/tracking/", "/track/open", "/open.gif", "feedads."}

func tracker(src string) bool {
	l := strings.ToLower(src)
	for _, t := range trackers {
		if strings.Contains(l, t) {
			return true
		}
	}
	return false
}

// baseOf parses an absolute http(s) URL, or returns nil.
func baseOf(s string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(clean(s)))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	return u
}

// absURL resolves ref against base and keeps it only if the result is an
// http(s) URL: a kiosk has no use for javascript:, data: or file: links.
func absURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(clean(ref))
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	} else if u.Scheme == "" && strings.HasPrefix(ref, "//") {
		u.Scheme = "https"
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// guessNetwork names the network a link belongs to, or "" for the open web.
func guessNetwork(u *url.URL) string {
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	first := firstSegment(u.Path)
	switch {
	case host == "bsky.app" || strings.HasSuffix(host, ".bsky.app"):
		return "bluesky"
	case host == "linkedin.com" || strings.HasSuffix(host, ".linkedin.com"):
		return "linkedin"
	case host == "x.com" || host == "twitter.com" || strings.HasSuffix(host, ".twitter.com"):
		return "x"
	case host == "threads.net" || host == "threads.com":
		return "threads"
	case host == "medium.com" || strings.HasSuffix(host, ".medium.com"):
		return "" // Medium's "/@user" paths are blog posts
	case strings.Contains(host, "mastodon") || (strings.HasPrefix(first, "@") && len(first) > 1):
		return "mastodon"
	}
	return ""
}

// handleFromURL derives a handle from a profile or post link:
// https://social.example/@ana/123 -> @ana@social.example,
// https://bsky.app/profile/ana.bsky.social/post/x -> @ana.bsky.social.
func handleFromURL(u *url.URL) string {
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	first := firstSegment(u.Path)
	switch guessNetwork(u) {
	case "bluesky":
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if len(parts) >= 2 && parts[0] == "profile" && parts[1] != "" && !strings.HasPrefix(parts[1], "did:") {
			return "@" + parts[1]
		}
	case "mastodon":
		if strings.HasPrefix(first, "@") && len(first) > 1 {
			if strings.Contains(first[1:], "@") {
				return first // a remote account: "@bob@other.example"
			}
			return first + "@" + host
		}
	case "threads":
		if strings.HasPrefix(first, "@") && len(first) > 1 {
			return first
		}
	case "x":
		switch first {
		case "", "i", "home", "search", "hashtag", "intent", "share", "explore", "settings":
		default:
			return "@" + first
		}
	}
	return ""
}

func firstSegment(path string) string {
	p := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[:i]
	}
	return p
}

func hasItemExt(it *gofeed.Item, ns, name string) bool {
	return len(it.Extensions[ns][name]) > 0
}

func extInt(it *gofeed.Item, ns, name string) int {
	for _, e := range it.Extensions[ns][name] {
		if n, err := strconv.Atoi(strings.TrimSpace(e.Value)); err == nil && n > 0 {
			return n
		}
	}
	return 0
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
