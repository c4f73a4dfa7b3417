package parse

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

func hubDoc(t *testing.T, items ...HubItem) []byte {
	t.Helper()
	b, err := json.Marshal(HubFeed{Version: HubFeedVersion, Title: "hub", Items: items})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHubFeedKeepsWhatTheHubDecided(t *testing.T) {
	doc := hubDoc(t,
		HubItem{ID: "3f2a9c01", URL: "https://social.example/@ada/1", ContentText: "I <3 Go & <b>plain</b> text",
			Image: "https://hub.example/media/ab.jpg", DatePublished: "2026-11-20T09:30:00+01:00",
			Authors:   []HubAuthor{{Name: "Ada Lovelace", Avatar: "https://hub.example/media/cd.png"}},
			Extension: HubExt{Network: "mastodon", Handle: "@ada@social.example", Team: "R&D", Likes: 4, Shares: 2, Comments: 1}},
		HubItem{ID: "pinned", ContentText: "Visit today", Extension: HubExt{Sites: []string{"Berlin"}, Pinned: true,
			PinnedUntil: "2026-11-21T18:00:00Z", PinnedSites: []string{"Berlin"}}},
		HubItem{ID: "", ContentText: "no id"},
		HubItem{ID: "bad-date", ContentText: "x", DatePublished: "yesterday"},
		HubItem{ID: "3f2a9c01", ContentText: "again"},
	)
	spec := feeds.SourceSpec{Name: "hub-posts", Kind: feeds.KindPosts, URL: "https://hub.example/content/posts.json", Moderated: true}
	posts, warns, err := Posts(doc, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 2 {
		t.Fatalf("got %d posts, want 2: %+v", len(posts), posts)
	}
	p := posts[0]
	want := feeds.Post{ID: "3f2a9c01", Source: "hub-posts", Network: "mastodon",
		Author: feeds.Author{Name: "Ada Lovelace", Handle: "@ada@social.example", Avatar: "https://hub.example/media/cd.png", Team: "R&D"},
		Text:   "I <3 Go & <b>plain</b> text", Image: "https://hub.example/media/ab.jpg", Link: "https://social.example/@ada/1",
		Published: time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC), Likes: 4, Shares: 2, Comments: 1}
	if p.Fleet != nil || p.ID != want.ID || p.Text != want.Text || p.Author != want.Author || p.Image != want.Image ||
		p.Link != want.Link || !p.Published.Equal(want.Published) || p.Likes != 4 || p.Shares != 2 || p.Comments != 1 || p.Network != "mastodon" {
		t.Errorf("post:\n got %+v\nwant %+v", p, want)
	}
	m := posts[1].Fleet
	if m == nil || !m.Pinned || !slices.Equal(m.Sites, []string{"Berlin"}) || !slices.Equal(m.PinnedSites, []string{"Berlin"}) ||
		!m.PinnedUntil.Equal(time.Date(2026, 11, 21, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("pin and sites not kept: %+v", m)
	}
	joined := strings.Join(warns, "\n")
	for _, w := range []string{"item 3: no usable id; skipped", `item 4: date_published: yesterday is not an RFC 3339 time; skipped`, "item 5: repeats the id 3f2a9c01; skipped"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings lack %q:\n%s", w, joined)
		}
	}

	// The same document from any other source is an ordinary JSON Feed:
	// its own IDs, no pins.
	spec.Moderated = false
	posts, _, err = Posts(doc, spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range posts {
		if p.Fleet != nil || p.ID == "3f2a9c01" || p.ID == "pinned" {
			t.Errorf("an ordinary source kept the hub's ID or pin: %+v", p)
		}
	}
}

func TestHubFeedGarbageIsAnError(t *testing.T) {
	spec := feeds.SourceSpec{Name: "hub-posts", Kind: feeds.KindPosts, URL: "https://hub.example/content/posts.json", Moderated: true}
	for _, body := range []string{`{"version": "x", "items": []}`, `{"items": [`, `{"version": "https://jsonfeed.org/version/1.1", "items": 5}`} {
		if _, _, err := Posts([]byte(body), spec); err == nil || !strings.Contains(err.Error(), "not the hub's posts feed") {
			t.Errorf("%s: err %v", body, err)
		}
	}
	// Empty is a real answer from the hub: nothing approved.
	posts, _, err := Posts([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"hub","items":[]}`), spec)
	if err != nil || len(posts) != 0 {
		t.Errorf("empty hub feed: %v %v", posts, err)
	}
}
