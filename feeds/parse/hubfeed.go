package parse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"lobbykiosk/feeds"
)

// The fleet's hub publishes the posts it approved as a JSON Feed 1.1
// (/content/posts.json), readable by any feed reader, with what a JSON Feed
// has no field for in a "_lobbykiosk" extension object on each item: the
// network, handle and team, engagement counts, pins and the sites the post
// is for. The hub writes these types; a kiosk reads them back here, for a
// source its config names as the hub's (feeds.SourceSpec.Moderated) only:
// no other feed may pin a post or keep its own ID.

// HubFeedVersion is the JSON Feed version the hub writes.
const HubFeedVersion = "https://jsonfeed.org/version/1.1"

// HubFeed is the hub's /content/posts.json.
type HubFeed struct {
	Version     string    `json:"version"`
	Title       string    `json:"title"`
	HomePageURL string    `json:"home_page_url,omitempty"`
	FeedURL     string    `json:"feed_url,omitempty"`
	Items       []HubItem `json:"items"`
}

// HubItem is one approved post.
type HubItem struct {
	ID            string      `json:"id"`
	URL           string      `json:"url,omitempty"`
	ContentText   string      `json:"content_text"`
	Image         string      `json:"image,omitempty"`
	DatePublished string      `json:"date_published,omitempty"` // RFC 3339
	Authors       []HubAuthor `json:"authors,omitempty"`
	Extension     HubExt      `json:"_lobbykiosk"`
}

// HubAuthor is a JSON Feed author.
type HubAuthor struct {
	Name   string `json:"name"`
	Avatar string `json:"avatar,omitempty"`
}

// HubExt is the "_lobbykiosk" extension object.
type HubExt struct {
	Network  string `json:"network,omitempty"`
	Handle   string `json:"handle,omitempty"`
	Team     string `json:"team,omitempty"`
	Source   string `json:"source,omitempty"` // the hub's source name, for people reading the feed
	Likes    int    `json:"likes,omitempty"`
	Shares   int    `json:"shares,omitempty"`
	Comments int    `json:"comments,omitempty"`
	// DateUnknown: the post's own feed gave no readable date, and
	// date_published is when the hub first saw it; the screen shows no age.
	DateUnknown bool `json:"date_unknown,omitempty"`
	// Sites the post is shown at; absent: every site.
	Sites []string `json:"sites,omitempty"`
	// Pinned posts come first until PinnedUntil (absent: until unpinned),
	// at PinnedSites (absent: wherever the post is shown).
	Pinned      bool     `json:"pinned,omitempty"`
	PinnedUntil string   `json:"pinned_until,omitempty"` // RFC 3339
	PinnedSites []string `json:"pinned_sites,omitempty"`
}

// maxHubText bounds a hub post's text: the hub cut it already, so more is a
// broken or hostile answer, not a post.
const maxHubText = 5000

// hubPosts reads a hub's posts document. The hub normalized and moderated
// every post, so its text is taken as it is (it is plain text, not HTML:
// "I <3 Go" stays), and its ID is kept so that the hub's revocations and
// decisions, a kiosk's own decisions and the heartbeat all name a post
// alike. A broken item is skipped with its reason in rep; a document that is
// not the hub's JSON Feed is an error, so the last good copy stays.
func hubPosts(data []byte, spec feeds.SourceSpec, rep *report) ([]feeds.Post, error) {
	var f HubFeed
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not the hub's posts feed: %w", jsonError(data, err))
	}
	if !strings.HasPrefix(f.Version, "https://jsonfeed.org/version/1") {
		return nil, fmt.Errorf("not the hub's posts feed: version %q is not a JSON Feed", clip(f.Version, 60))
	}
	rep.reading.Read = len(f.Items)
	if len(f.Items) > MaxItems {
		rep.add("feed has %d items; kept the first %d", len(f.Items), MaxItems)
		f.Items = f.Items[:MaxItems]
	}
	seen := map[string]int{}
	posts := make([]feeds.Post, 0, len(f.Items))
	for i, it := range f.Items {
		id := strings.TrimSpace(it.ID)
		switch {
		case id == "" || len(id) > 128 || !utf8.ValidString(id):
			rep.skipItem(i+1, "no usable id")
			continue
		case seen[id] > 0:
			rep.skipItem(i+1, "repeats the id of item %d", seen[id])
			continue
		}
		seen[id] = i + 1
		x := it.Extension
		p := feeds.Post{
			ID:          id,
			Source:      spec.Name,
			Network:     strings.ToLower(clean(x.Network)),
			Text:        cut(strings.ToValidUTF8(strings.Map(keep, it.ContentText), "\uFFFD"), maxHubText),
			Image:       absURL(nil, it.Image),
			Link:        absURL(nil, it.URL),
			Likes:       max(x.Likes, 0),
			Shares:      max(x.Shares, 0),
			Comments:    max(x.Comments, 0),
			DateUnknown: x.DateUnknown,
		}
		if p.Network == "" {
			p.Network = "blog"
		}
		if len(it.Authors) > 0 {
			p.Author.Name = clean(it.Authors[0].Name)
			p.Author.Avatar = absURL(nil, it.Authors[0].Avatar)
		}
		p.Author.Handle, p.Author.Team = clean(x.Handle), clean(x.Team)
		if p.Text == "" && p.Image == "" {
			rep.skipItem(i+1, "no text and no image")
			continue
		}
		var err error
		if p.Published, err = hubTime(it.DatePublished); err != nil {
			rep.skipItem(i+1, "date_published: %v", err)
			continue
		}
		m := &feeds.FleetMark{Sites: names(x.Sites), Pinned: x.Pinned, PinnedSites: names(x.PinnedSites)}
		if m.PinnedUntil, err = hubTime(x.PinnedUntil); err != nil {
			rep.skipItem(i+1, "pinned_until: %v", err)
			continue
		}
		if len(m.Sites) > 0 || m.Pinned {
			p.Fleet = m
		}
		posts = append(posts, p)
	}
	return posts, nil
}

func hubTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errors.New(clip(s, 40) + " is not an RFC 3339 time")
	}
	return t.UTC(), nil
}

func names(in []string) []string {
	var out []string
	for _, s := range in {
		if s = clean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// keep drops what must never reach the screen (dropped), whatever the hub
// sent.
func keep(r rune) rune {
	if dropped(r) {
		return -1
	}
	return r
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// isHubFeed reports whether a document from the hub's address is a JSON
// document (the hub's posts feed, or garbage in its place, which must not
// be read as a feed of some other kind); anything else there is read like
// any other feed.
func isHubFeed(data []byte) bool {
	d := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(d) > 0 && d[0] == '{'
}
