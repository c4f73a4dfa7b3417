package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lobbykiosk/feeds"
)

// Relative references resolve against the feed's own <link>, and are dropped
// with a warning when it has none. A feed on a share may keep its pictures
// beside it, and then its relative paths are those files; no other path on
// the kiosk's disk comes out of a feed.
func TestRelativeReferences(t *testing.T) {
	share := t.TempDir()
	if err := os.MkdirAll(filepath.Join(share, "posts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(share, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(share, "images", "p1.jpg"), []byte("jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	items := `<image><url>../avatars/ana.png</url><title>Ana</title></image>
<item><guid>1</guid><pubDate>Tue, 14 May 2024 09:12:33 +0000</pubDate><description>Relative picture</description>
<media:content url="../images/p1.jpg" type="image/jpeg" medium="image"/></item>
<item><guid>2</guid><pubDate>Tue, 14 May 2024 09:12:33 +0000</pubDate><description>Absolute path picture</description>
<media:content url="/etc/passwd.jpg" type="image/jpeg" medium="image"/></item>
<item><guid>3</guid><pubDate>Tue, 14 May 2024 09:12:33 +0000</pubDate><description>&lt;p&gt;Skin &lt;img src="skins/logo.png" width="400"&gt;&lt;/p&gt;</description></item>
</channel></rss>`
	head := `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Ana</title>`
	withLink := head + `<link>https://social.example/news/</link>` + items
	cases := []struct {
		name, doc        string
		spec             feeds.SourceSpec
		img1, img2, img3 string
		avatar           string
		warn             string
	}{
		{"local file with a link", withLink, feeds.SourceSpec{Name: "f", Path: "/srv/share/feed.rss"},
			"https://social.example/images/p1.jpg", "https://social.example/etc/passwd.jpg", "https://social.example/news/skins/logo.png",
			"https://social.example/avatars/ana.png", ""},
		{"from the web", withLink, feeds.SourceSpec{Name: "w", URL: "https://social.example/@ana.rss"},
			"https://social.example/images/p1.jpg", "https://social.example/etc/passwd.jpg", "https://social.example/news/skins/logo.png",
			"https://social.example/avatars/ana.png", ""},
		{"local file with its pictures beside it", withLink, feeds.SourceSpec{Name: "f", Path: filepath.Join(share, "posts", "feed.rss")},
			filepath.Join(share, "images", "p1.jpg"), "https://social.example/etc/passwd.jpg", "https://social.example/news/skins/logo.png",
			"https://social.example/avatars/ana.png", ""},
		{"local file without a link", head + items, feeds.SourceSpec{Name: "f", Path: "/srv/share/feed.rss"},
			"", "", "", "",
			`4 relative links (such as "../avatars/ana.png") dropped: the feed has no <link> or xml:base to resolve them against`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			posts, warns, err := Posts([]byte(tc.doc), tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, p := range posts {
				got[p.Text] = p.Image
				if p.Author.Avatar != tc.avatar {
					t.Errorf("avatar = %q, want %q", p.Author.Avatar, tc.avatar)
				}
			}
			if got["Relative picture"] != tc.img1 || got["Absolute path picture"] != tc.img2 || got["Skin"] != tc.img3 {
				t.Errorf("images = %q", got)
			}
			if tc.warn == "" && len(warns) > 0 || tc.warn != "" && (len(warns) != 1 || warns[0] != tc.warn) {
				t.Errorf("warnings %q, want %q", warns, tc.warn)
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
