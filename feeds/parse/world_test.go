package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

// worldFeed reads a real feed from testdata/world (see its README for where
// each comes from).
func worldFeed(t *testing.T, name, contentType string) feeds.Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "world", name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Read(Doc{Body: b, ContentType: contentType}, feeds.SourceSpec{Name: "w", Kind: feeds.KindPosts})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// A Mastodon hashtag feed (hachyderm.io's #kubernetes, as served): four
// posts by four people, each named by their own account, none by the tag,
// and none wearing the instance's picture.
func TestWorldMastodonHashtag(t *testing.T) {
	r := worldFeed(t, "mastodon-tag-kubernetes.rss", "application/rss+xml; charset=utf-8")
	want := []struct{ name, handle string }{
		{"jon404", "@jon404@ioc.exchange"},
		{"k8s_releases", "@k8s_releases@botsin.space"},
		{"ErikBussink", "@ErikBussink@vmst.io"},
		{"imdciangot", "@imdciangot@fosstodon.org"},
	}
	if len(r.Posts) != len(want) || len(r.Warnings) != 0 {
		t.Fatalf("%d posts, warnings %q", len(r.Posts), r.Warnings)
	}
	for i, w := range want {
		p := r.Posts[i]
		if p.Author.Name != w.name || p.Author.Handle != w.handle || p.Author.Avatar != "" || p.Network != "mastodon" || p.Repost {
			t.Errorf("post %d: %+v (repost %v), want %s %s", i, p.Author, p.Repost, w.name, w.handle)
		}
	}
	if !r.Posts[0].Published.Equal(time.Date(2023, 12, 8, 12, 52, 54, 0, time.UTC)) {
		t.Errorf("first post at %v", r.Posts[0].Published)
	}
	// Mastodon hides the middle of long links in invisible spans.
	if txt := r.Posts[1].Text; !strings.Contains(txt, "github.com/kubernetes/kubernet…") || strings.Contains(txt, "https://") {
		t.Errorf("text %q", txt)
	}
	// A profile feed of the same server keeps its person and face.
	p := worldFeed(t, "mastodon-profile.rss", "").Posts[0]
	if p.Author.Name != "Rico Berger" || p.Author.Handle != "@ricoberger@hachyderm.io" || !strings.HasSuffix(p.Author.Avatar, "bf731ded4166a661.png") {
		t.Errorf("profile post author %+v", p.Author)
	}
}

// Medium's tag feed: each story by its dc:creator, without "Continue
// reading on Medium »".
func TestWorldMedium(t *testing.T) {
	r := worldFeed(t, "medium-tag-kubernetes.rss", "")
	if len(r.Posts) != 2 {
		t.Fatalf("%d posts", len(r.Posts))
	}
	for _, p := range r.Posts {
		if p.Author.Name != "BlackCatDev" || strings.Contains(p.Text, "Continue reading") || p.Image == "" {
			t.Errorf("post %+v", p)
		}
	}
}

// Lemmy's community feed: the author is the address in dc:creator, the
// "submitted by … to … 97 points | 4 comments" line goes, and the text
// Lemmy double-encoded ("doesnâ€™t") reads right.
func TestWorldLemmy(t *testing.T) {
	r := worldFeed(t, "lemmy-community.rss", "")
	if len(r.Posts) != 8 {
		t.Fatalf("%d posts", len(r.Posts))
	}
	p := r.Posts[0]
	if p.Author.Name != "SuperSleuth" || p.Author.Handle != "@SuperSleuth@lemm.ee" {
		t.Errorf("author %+v", p.Author)
	}
	if want := "9/30/23 Don't be this guy: https://i.imgur.com/rGcxspg.mp4 use this link if video doesn’t load"; p.Text != want {
		t.Errorf("text %q\nwant %q", p.Text, want)
	}
	for _, p := range r.Posts {
		if strings.Contains(p.Text, "submitted by") || strings.Contains(p.Text, "â€") || strings.Contains(p.Text, "Å") {
			t.Errorf("text %q", p.Text)
		}
	}
	if !strings.Contains(r.Posts[6].Text, "Honey, I forgot the Keşkek") {
		t.Errorf("text %q", r.Posts[6].Text)
	}
	if len(r.Warnings) != 0 || len(r.Reading.Choices) != 1 || !strings.HasPrefix(r.Reading.Choices[0], "5 runs of text that had been read as windows-1252 before it was served (such as \"â€™\")") {
		t.Errorf("warnings %q, choices %q", r.Warnings, r.Reading.Choices)
	}
	// One letter before a sign is how some words are written: left alone.
	if got, n, _ := repairMojibake([]byte("PÅ… Ä» MANHÃ")); n != 0 || string(got) != "PÅ… Ä» MANHÃ" {
		t.Errorf("repaired %q", got)
	}
}

// YouTube's channel feed (Atom, media:group): the channel is the author,
// the thumbnail the picture, German text intact.
func TestWorldYouTube(t *testing.T) {
	r := worldFeed(t, "youtube-channel.atom", "")
	if len(r.Posts) != 2 || r.Posts[0].Text != "Verhandlungen über Haushalt werden fortgesetzt" ||
		r.Posts[0].Author.Name != "tagesschau" || r.Posts[0].Image != "https://i4.ytimg.com/vi/oiBPyTi7lvM/hqdefault.jpg" {
		t.Errorf("posts %+v", r.Posts)
	}
}

// feedparser's encoding suite: what its files expect, this package reads.
func TestWorldEncodings(t *testing.T) {
	tests := []struct {
		file, contentType, enc, text string
	}{
		// The server's windows-1252 beats the document's iso-8859-1,
		// which matters for the curly quotes (0x93, 0x94).
		{"feedparser-http_text_xml_charset_overrides_encoding_2.xml", "text/xml; charset=windows-1252", "windows-1252", "Foo: This is a £“test.”"},
		{"feedparser-euc-kr.xml", "", "euc-kr", ""},
		{"feedparser-utf-16le-autodetect.xml", "", "UTF-16LE", ""},
		{"feedparser-utf-16be-bom.xml", "", "UTF-16BE", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := worldFeed(t, tt.file, tt.contentType)
			if r.Reading.Encoding != tt.enc {
				t.Errorf("reading %+v", r.Reading)
			}
			for _, w := range r.Warnings {
				if !strings.Contains(w, "no date") { // these test files have no dates
					t.Errorf("warning %q", w)
				}
			}
			if tt.text != "" && (len(r.Posts) != 1 || r.Posts[0].Text != tt.text) {
				t.Errorf("posts %+v", r.Posts)
			}
		})
	}
	// euc-kr.xml's channel title is 년; it names the posts of a feed
	// with no items, so read it through the context the posts would get.
	b, _ := os.ReadFile("testdata/world/feedparser-euc-kr.xml")
	d := toUTF8(b, "")
	if !strings.Contains(string(d.data), "<title>년</title>") {
		t.Errorf("euc-kr read as %q", d.data)
	}
}
