package parse

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
	for _, w := range []string{"item 3: no usable id", `item 4: date_published: yesterday is not an RFC 3339 time`, "item 5: repeats the id of item 1"} {
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

// FuzzHubPosts: whatever a hub (or something in its place) sends, the
// posts that come out have a usable ID, text fit for the screen, and only
// web addresses.
func FuzzHubPosts(f *testing.F) {
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"hub","items":[{"id":"3f2a","url":"https://social.example/1","content_text":"I <3 Go","image":"https://hub.example/media/ab.jpg","date_published":"2026-11-20T09:30:00Z","authors":[{"name":"Ada","avatar":"https://hub.example/media/cd.png"}],"_lobbykiosk":{"network":"mastodon","sites":["Berlin"],"pinned":true,"pinned_until":"2026-11-21T18:00:00Z","pinned_sites":["Berlin"],"likes":3}}]}`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":"a","content_text":"\u202eevil\u0000","image":"file:///etc/passwd","url":"javascript:alert(1)"},{"id":"a"}]}`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"x","content_text":"t","_lobbykiosk":{"pinned_until":"soon","likes":-5}}]}`))
	spec := feeds.SourceSpec{Name: "hub-posts", Kind: feeds.KindPosts, URL: "https://hub.example/content/posts.json", Moderated: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		posts, _, err := Posts(data, spec)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, p := range posts {
			if p.ID == "" || len(p.ID) > 128 || seen[p.ID] || !utf8.ValidString(p.ID) {
				t.Fatalf("bad or repeated ID %q", p.ID)
			}
			seen[p.ID] = true
			if !utf8.ValidString(p.Text) || strings.ContainsFunc(p.Text, dropped) || utf8.RuneCountInString(p.Text) > maxHubText+1 {
				t.Fatalf("text not fit for the screen: %q", p.Text)
			}
			for _, u := range []string{p.Image, p.Link, p.Author.Avatar} {
				if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
					t.Fatalf("not a web address: %q", u)
				}
			}
			if p.Likes < 0 || p.Shares < 0 || p.Comments < 0 {
				t.Fatalf("negative counts: %+v", p)
			}
		}
	})
}
