package parse

import (
	"strings"
	"testing"

	"lobbykiosk/feeds"
)

// A feed read from a file may name its pictures by path; the same feed
// fetched from the web must not make the kiosk read local files.
func TestLocalPictureReferences(t *testing.T) {
	feed := `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Ana</title><link>https://social.example/@ana</link>
<image><url>../avatars/ana.png</url><title>Ana</title><link>https://social.example/@ana</link></image>
<item><guid>1</guid><link>https://social.example/@ana/1</link><description>Relative picture</description>
<media:content url="../images/p1.jpg" type="image/jpeg" medium="image"/></item>
<item><guid>2</guid><link>https://social.example/@ana/2</link><description>Absolute path picture</description>
<media:content url="/etc/passwd.jpg" type="image/jpeg" medium="image"/></item>
</channel></rss>`
	cases := []struct {
		name             string
		spec             feeds.SourceSpec
		img1, img2, avat string
	}{
		{"local file", feeds.SourceSpec{Name: "f", Kind: feeds.KindPosts, Path: "/srv/share/feed.rss"},
			"../images/p1.jpg", "/etc/passwd.jpg", "../avatars/ana.png"},
		{"from the web", feeds.SourceSpec{Name: "w", Kind: feeds.KindPosts, URL: "https://social.example/@ana.rss"},
			"https://social.example/images/p1.jpg", "https://social.example/etc/passwd.jpg", "https://social.example/avatars/ana.png"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			posts, _, err := Posts([]byte(feed), tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, p := range posts {
				got[p.Text] = p.Image
				if p.Author.Avatar != tc.avat {
					t.Errorf("avatar = %q, want %q", p.Author.Avatar, tc.avat)
				}
			}
			if got["Relative picture"] != tc.img1 || got["Absolute path picture"] != tc.img2 {
				t.Errorf("images = %q", got)
			}
			for _, img := range got {
				if tc.spec.URL != "" && !strings.HasPrefix(img, "https://") {
					t.Errorf("a web feed produced a local path %q", img)
				}
			}
		})
	}
}

// gofeed v1.4.0 detects JSON Feeds only within their first 4 KiB; a real
// export is larger and must still be read.
func TestLargeJSONFeed(t *testing.T) {
	var items []string
	for i := 0; i < 40; i++ {
		items = append(items, `{"id":"`+strings.Repeat("x", 10)+string(rune('a'+i%26))+`-`+strings.Repeat("y", i)+`","url":"https://example.org/p/`+strings.Repeat("z", i+1)+`","content_text":"Post number with enough text to make the feed long, `+strings.Repeat("words ", 20)+`","date_published":"2026-11-20T10:00:00Z","authors":[{"name":"Ana Lima"}]}`)
	}
	doc := `{"version":"https://jsonfeed.org/version/1.1","title":"Export","items":[` + strings.Join(items, ",") + `]}`
	if len(doc) < 8192 {
		t.Fatalf("fixture too small: %d bytes", len(doc))
	}
	posts, _, err := Posts([]byte(doc), feeds.SourceSpec{Name: "export", Kind: feeds.KindPosts, URL: "https://example.org/feed.json"})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 40 || posts[0].Author.Name != "Ana Lima" {
		t.Errorf("%d posts, first author %q", len(posts), posts[0].Author.Name)
	}
}
