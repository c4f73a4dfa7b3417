package parse

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"lobbykiosk/feeds"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// diffFields names every field where got differs from want, so a failing
// fixture test says "Author.Handle: got … want …" instead of two struct dumps.
func diffFields(prefix string, want, got any) []string {
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	if wv.Kind() != reflect.Struct {
		if !reflect.DeepEqual(want, got) {
			return []string{fmt.Sprintf("%s: got %#v, want %#v", prefix, got, want)}
		}
		return nil
	}
	if tw, ok := want.(time.Time); ok {
		if !tw.Equal(got.(time.Time)) {
			return []string{fmt.Sprintf("%s: got %v, want %v", prefix, got, want)}
		}
		return nil
	}
	var out []string
	for i := range wv.NumField() {
		name := wv.Type().Field(i).Name
		if prefix != "" {
			name = prefix + "." + name
		}
		out = append(out, diffFields(name, wv.Field(i).Interface(), gv.Field(i).Interface())...)
	}
	return out
}

func checkPosts(t *testing.T, got, want []feeds.Post) {
	t.Helper()
	if len(got) != len(want) {
		for _, p := range got {
			t.Logf("got %+v", p)
		}
		t.Fatalf("got %d posts, want %d", len(got), len(want))
	}
	for i := range want {
		for _, d := range diffFields("", want[i], got[i]) {
			t.Errorf("post %d (%s): %s", i, want[i].Link, d)
		}
	}
}

func TestPostsFixtures(t *testing.T) {
	const src = "team"
	ana := feeds.Author{
		Name:   "Ana Lima",
		Handle: "@ana@social.example",
		Avatar: "https://files.social.example/accounts/avatars/109/412/000/original/4f2a9c1e.png",
	}
	anaSky := feeds.Author{Name: "Ana Lima", Handle: "@ana.bsky.social"}
	blogIcon := "https://blog.example.com/wp-content/uploads/2023/01/cropped-site-icon-32x32.png"
	tests := []struct {
		file string
		want []feeds.Post
	}{
		{"mastodon.rss", []feeds.Post{
			{
				ID: PostID(src, "https://social.example/@ana/112441200000000001"), Source: src, Network: "mastodon", Author: ana,
				// Mastodon hides "https://" and the tail of long links in
				// invisible spans; the screen shows what Mastodon shows.
				Text:      "Our Lisbon office just hit 1,000 days without a broken build & we celebrated with pastéis de nata 🎉 Write-up: blog.example.com/2024/05/st… #LifeAtExample",
				Image:     "https://files.social.example/media_attachments/files/112/441/200/original/9b1d2c3e4f5a6b7c.jpg",
				Link:      "https://social.example/@ana/112441200000000001",
				Published: at("2024-05-14T09:12:33Z"),
			},
			{
				ID: PostID(src, "https://social.example/@ana/112440900000000002"), Source: src, Network: "mastodon", Author: ana,
				Text:      "@bob thanks, the slides are up now!",
				Link:      "https://social.example/@ana/112440900000000002",
				Published: at("2024-05-13T17:40:02Z"),
				Reply:     true,
			},
			{
				ID: PostID(src, "https://social.example/@ana/112430000000000003"), Source: src, Network: "mastodon", Author: ana,
				Text: "Demo day recap, in one loop: the robot arm finally stacks the cups. <3 to the hardware team",
				// The attachment is a video (a "gifv"): its thumbnail is the picture.
				Image:     "https://files.social.example/media_attachments/files/112/430/000/original/a1b2c3d4-thumb.png",
				Link:      "https://social.example/@ana/112430000000000003",
				Published: at("2024-05-11T20:05:47Z"),
			},
			{
				ID: PostID(src, "https://social.example/@ana/112420000000000004"), Source: src, Network: "mastodon", Author: ana,
				Text:      "Good morning from the 7:58 train. Reading the accessibility guidelines before today's review.",
				Link:      "https://social.example/@ana/112420000000000004",
				Published: at("2024-05-09T07:58:10Z"),
			},
		}},
		{"bluesky.rss", []feeds.Post{
			{
				ID: PostID(src, "at://did:plc:4xq7zm2fvbnlk3jde5hqa6tr/app.bsky.feed.post/3kskq2wlyxs2a"), Source: src, Network: "bluesky", Author: anaSky,
				Text:      "We just opened the new Porto office 🎉 Come say hi at the launch on Friday & bring your questions.",
				Link:      "https://bsky.app/profile/ana.bsky.social/post/3kskq2wlyxs2a",
				Published: at("2024-05-14T08:01:00Z"),
			},
			{
				ID: PostID(src, "at://did:plc:4xq7zm2fvbnlk3jde5hqa6tr/app.bsky.feed.post/3ksjn6x2b4c2d"), Source: src, Network: "bluesky", Author: anaSky,
				Text:      "Three things I learned shipping our first accessibility audit: test with real screen readers, fix focus order first, and write down every decision.",
				Link:      "https://bsky.app/profile/ana.bsky.social/post/3ksjn6x2b4c2d",
				Published: at("2024-05-13T15:27:00Z"),
			},
			{
				ID: PostID(src, "at://did:plc:4xq7zm2fvbnlk3jde5hqa6tr/app.bsky.feed.post/3ksd3n3w7kb2z"), Source: src, Network: "bluesky", Author: anaSky,
				// Bluesky sends the text as typed: <blink> is words, not a tag.
				Text:      "Is <blink> coming back? Asking for a friend. https://example.org/blink-is-back",
				Link:      "https://bsky.app/profile/ana.bsky.social/post/3ksd3n3w7kb2z",
				Published: at("2024-05-10T11:09:00Z"),
			},
		}},
		{"wordpress.rss", []feeds.Post{
			{
				ID: PostID(src, "https://blog.example.com/?p=1234"), Source: src, Network: "blog",
				Author: feeds.Author{Name: "Marta Okafor", Avatar: blogIcon},
				// Title, then the excerpt; WordPress's "[…]" and the
				// "appeared first on" footer are gone.
				Text:      "How we cut our build times in half: Our CI pipeline took 40 minutes on a good day. Here’s what we changed, what we measured and the one cache setting that did most of the work…",
				Image:     "https://blog.example.com/wp-content/uploads/2024/05/pipeline-1024x576.jpg",
				Link:      "https://blog.example.com/2024/05/13/build-times/",
				Published: at("2024-05-13T14:02:11Z"),
				Comments:  7,
			},
			{
				ID: PostID(src, "https://blog.example.com/?p=1201"), Source: src, Network: "blog",
				Author:    feeds.Author{Name: "Jon Ruiz", Avatar: blogIcon},
				Text:      "Q&A with our new Head of Design: Leila joined us from a design studio in Rotterdam. We asked her about type, teams and the best coffee near the office.",
				Image:     "https://cdn.example.com/blog/2024/05/leila-portrait.jpg",
				Link:      "https://blog.example.com/2024/05/08/qa-head-of-design/",
				Published: at("2024-05-08T09:30:00Z"),
			},
			{
				ID: PostID(src, "https://blog.example.com/?p=1188"), Source: src, Network: "blog",
				Author: feeds.Author{Name: "Marta Okafor", Avatar: blogIcon},
				// No excerpt: the summary is the start of the content. The
				// emoji <img> is neither text nor the picture.
				Text:      "Volunteering day: 42 trees later: We planted 42 trees along the river with the city parks team.",
				Image:     "https://blog.example.com/wp-content/uploads/2024/04/trees.jpg",
				Link:      "https://blog.example.com/2024/04/29/volunteering-day/",
				Published: at("2024-04-29T16:45:00Z"),
			},
		}},
		{"atom.xml", []feeds.Post{
			{
				ID: PostID(src, "tag:priya.example.org,2024-05-12:/posts/fast-dashboards/"), Source: src, Network: "blog",
				Author:    feeds.Author{Name: "Priya Raman", Avatar: "https://priya.example.org/img/priya.jpg"},
				Text:      "Why our dashboards now load in <1s: Precomputed rollups, one index and a lot of deleting.",
				Image:     "https://priya.example.org/posts/fast-dashboards/charts/before-after.png",
				Link:      "https://priya.example.org/posts/fast-dashboards/",
				Published: at("2024-05-12T16:20:00Z"),
			},
			{
				ID: PostID(src, "tag:priya.example.org,2024-04-30:/posts/hackathon/"), Source: src, Network: "blog",
				Author:    feeds.Author{Name: "Lee Chen", Avatar: "https://priya.example.org/img/priya.jpg"},
				Text:      "Guest post: running the spring hackathon: Forty people, eleven teams, one rule: ship something by 5pm.",
				Image:     "https://cdn.example.org/hackathon/team-photo.webp",
				Link:      "https://priya.example.org/posts/hackathon/",
				Published: at("2024-04-30T09:00:00Z"), // only <updated>
			},
		}},
		{"feed.json", []feeds.Post{
			{
				ID: PostID(src, "https://sam.example.net/2024/05/12/app-store"), Source: src, Network: "blog",
				Author:    feeds.Author{Name: "Sam Okoro", Avatar: "https://sam.example.net/avatar.jpg"},
				Text:      "Version 5 of our app is live in 14 countries today. Huge thanks to the whole team!",
				Image:     "https://sam.example.net/uploads/2024/v5-launch.png",
				Link:      "https://sam.example.net/2024/05/12/app-store",
				Published: at("2024-05-12T08:30:00Z"),
				Likes:     42, Shares: 7, Comments: 3,
			},
			{
				ID: PostID(src, "https://sam.example.net/2024/05/10/offsite"), Source: src, Network: "blog",
				Author:    feeds.Author{Name: "Dana Whit", Avatar: "https://sam.example.net/guests/dana.jpg"},
				Text:      "Notes from the offsite: What we decided about the roadmap, and what we left for later.",
				Image:     "https://sam.example.net/uploads/2024/offsite-whiteboard.jpg",
				Link:      "https://sam.example.net/2024/05/10/offsite",
				Published: at("2024-05-10T16:00:00Z"),
			},
			{
				// Undated: last, with its date unknown (the pipeline dates it
				// "first seen"), never "now" and never first.
				ID: PostID(src, "3"), Source: src, Network: "blog",
				Author:      feeds.Author{Name: "Sam Okoro", Avatar: "https://sam.example.net/avatar.jpg"},
				Text:        "Plain text post with no date: tabs and spaces fold into one.",
				DateUnknown: true,
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, warns, err := Posts(fixture(t, tt.file), feeds.SourceSpec{Name: src, Kind: feeds.KindPosts})
			if err != nil {
				t.Fatal(err)
			}
			if tt.file == "feed.json" {
				// One item has no date: a person should know why it shows none.
				if want := []string{`1 item has no date: shown as "date unknown", dated by when the kiosk first saw them`}; !reflect.DeepEqual(warns, want) {
					t.Errorf("warnings %q, want %q", warns, want)
				}
			} else if len(warns) > 0 {
				t.Errorf("unexpected warnings: %q", warns)
			}
			checkPosts(t, got, tt.want)
		})
	}
}

func TestPostsNetworkOverride(t *testing.T) {
	posts, _, err := Posts(fixture(t, "wordpress.rss"), feeds.SourceSpec{Name: "li", Network: " LinkedIn "})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range posts {
		if p.Network != "linkedin" {
			t.Errorf("%s: network %q, want the configured linkedin", p.Link, p.Network)
		}
	}
}

// rssDoc wraps items in a minimal RSS channel.
func rssDoc(channel string, items ...string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:thr="http://purl.org/syndication/thread/1.0"><channel>` +
		channel + strings.Join(items, "") + `</channel></rss>`)
}

func TestPostsNetworkAndHandleGuess(t *testing.T) {
	tests := []struct {
		name, channel, link       string
		network, handle, nameWant string
	}{
		{"mastodon by path", `<title>Ana Lima</title><link>https://social.example/@ana</link>`,
			"https://social.example/@ana/1", "mastodon", "@ana@social.example", "Ana Lima"},
		{"mastodon newer title", `<title>Ana Lima (@ana@social.example)</title><link>https://social.example/@ana</link>`,
			"https://social.example/@ana/1", "mastodon", "@ana@social.example", "Ana Lima"},
		{"mastodon host", `<title>Bo</title><link>https://mastodon.example/users/bo</link>`,
			"https://mastodon.example/users/bo/statuses/1", "mastodon", "", "Bo"},
		{"bluesky", `<title>@bo.example.com - Bo Ek</title><link>https://bsky.app/profile/bo.example.com</link>`,
			"https://bsky.app/profile/bo.example.com/post/3k", "bluesky", "@bo.example.com", "Bo Ek"},
		{"bluesky title without name", `<title>@bo.example.com</title><link>https://bsky.app/profile/bo.example.com</link>`,
			"https://bsky.app/profile/bo.example.com/post/3k", "bluesky", "@bo.example.com", "bo.example.com"},
		{"linkedin", `<title>Cy Dee</title><link>https://www.linkedin.com/in/cydee</link>`,
			"https://www.linkedin.com/posts/cydee_activity-1", "linkedin", "", "Cy Dee"},
		{"x", `<title>Cy on X</title><link>https://x.com/cy</link>`,
			"https://x.com/cy/status/1", "x", "@cy", "Cy on X"},
		{"medium is a blog", `<title>Stories by Di</title><link>https://medium.com/@di</link>`,
			"https://medium.com/@di/a-post-1", "blog", "", "Stories by Di"},
		{"blog", `<title>Team blog</title><link>https://blog.example.com/</link>`,
			"https://blog.example.com/a-post", "blog", "", "Team blog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := rssDoc(tt.channel, `<item><link>`+tt.link+`</link><description>Hello there</description></item>`)
			posts, _, err := Posts(doc, feeds.SourceSpec{Name: "s"})
			if err != nil {
				t.Fatal(err)
			}
			if len(posts) != 1 {
				t.Fatalf("got %d posts", len(posts))
			}
			p := posts[0]
			if p.Network != tt.network || p.Author.Handle != tt.handle || p.Author.Name != tt.nameWant {
				t.Errorf("got network %q handle %q name %q, want %q %q %q",
					p.Network, p.Author.Handle, p.Author.Name, tt.network, tt.handle, tt.nameWant)
			}
		})
	}
}

func TestPostsRepliesAndReposts(t *testing.T) {
	mastodon := `<title>Ana Lima</title><link>https://social.example/@ana</link><generator>Mastodon v4.2.8</generator>`
	tests := []struct {
		name, channel, item string
		reply, repost       bool
	}{
		{"plain post", mastodon,
			`<item><link>https://social.example/@ana/1</link><description>&lt;p&gt;Hello&lt;/p&gt;</description></item>`, false, false},
		{"reply by mention", mastodon,
			`<item><link>https://social.example/@ana/2</link><description>&lt;p&gt;@bo sure!&lt;/p&gt;</description></item>`, true, false},
		{"server domain differs from account domain", `<title>Ana Lima</title><description>Public posts from @ana@example.com</description><link>https://social.example.com/@ana</link><generator>Mastodon v4.2.8</generator>`,
			`<item><link>https://social.example.com/@ana/9</link><description>&lt;p&gt;Mine&lt;/p&gt;</description></item>`, false, false},
		{"bluesky post opening with a mention", `<title>@ana.bsky.social - Ana</title><link>https://bsky.app/profile/ana.bsky.social</link>`,
			`<item><link>https://bsky.app/profile/ana.bsky.social/post/3k</link><description>@bo.bsky.social joined the team!</description></item>`, false, false},
		{"boost links to another account", mastodon,
			`<item><link>https://other.example/@bo/3</link><description>&lt;p&gt;Bo's news&lt;/p&gt;</description></item>`, false, true},
		{"old mastodon boost title", mastodon,
			`<item><title>ana shared a status by bo@other.example</title><link>https://social.example/@ana/4</link><description>Bo's news</description></item>`, false, true},
		{"retweet", `<title>Cy</title><link>https://x.com/cy</link>`,
			`<item><link>https://x.com/cy/status/5</link><description>RT @bo: big news</description></item>`, false, true},
		{"threading in-reply-to", `<title>Blog</title><link>https://blog.example.com/</link>`,
			`<item><title>Re: plans</title><link>https://blog.example.com/re</link><description>Agreed.</description><thr:in-reply-to ref="https://blog.example.com/plans"/></item>`, true, false},
		{"a blog post starting with @ is not a reply", `<title>Blog</title><link>https://blog.example.com/</link>`,
			`<item><link>https://blog.example.com/at</link><description>@home: our remote work guide</description></item>`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posts, _, err := Posts(rssDoc(tt.channel, tt.item), feeds.SourceSpec{Name: "s"})
			if err != nil {
				t.Fatal(err)
			}
			if len(posts) != 1 {
				t.Fatalf("got %d posts", len(posts))
			}
			if posts[0].Reply != tt.reply || posts[0].Repost != tt.repost {
				t.Errorf("reply=%v repost=%v, want reply=%v repost=%v (text %q)",
					posts[0].Reply, posts[0].Repost, tt.reply, tt.repost, posts[0].Text)
			}
		})
	}
}

func TestPostsNotAFeed(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		spec feeds.SourceSpec
		want []string // all must appear in the error
	}{
		{"html page naming its feed", `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Example Co — Blog</title>
<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">
</head><body><p>Hello</p></body></html>`,
			feeds.SourceSpec{URL: "https://blog.example.com/"},
			[]string{"not a feed: this looks like an HTML page", `"Example Co — Blog"`, "https://blog.example.com/feed/"}},
		{"xhtml page", `<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Home</title></head><body/></html>`,
			feeds.SourceSpec{}, []string{"not a feed: this looks like an HTML page", `"Home"`}},
		{"xml syntax error", `<?xml version="1.0"?>
<rss version="2.0">
<channel><title>x</title><item><title>a & b < c</title></item></channel></rss>`,
			feeds.SourceSpec{}, []string{"not a feed: XML syntax error on line 3"}},
		{"cut off", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel><title>x</title><item><title>a",
			feeds.SourceSpec{}, []string{"not a feed:", "line 3"}},
		{"empty", " \n\t", feeds.SourceSpec{}, []string{"not a feed: the document is empty"}},
		{"json list", `[{"label":"Reach","value":1}]`, feeds.SourceSpec{}, []string{"not a feed: this is a JSON list"}},
		{"json object", `{"status":"ok","data":[]}`, feeds.SourceSpec{}, []string{"not a feed:", "JSON Feed"}},
		{"broken json", "{\n\"version\": \"https://jsonfeed.org/version/1.1\",\n\"items\": [}", feeds.SourceSpec{},
			[]string{"not a feed: JSON syntax error on line 3"}},
		{"other xml", `<?xml version="1.0"?><opml version="2.0"><body/></opml>`, feeds.SourceSpec{},
			[]string{"not a feed: the XML document is a <opml>"}},
		{"plain text", "Service Unavailable", feeds.SourceSpec{}, []string{"not a feed:", `"Service Unavailable"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posts, _, err := Posts([]byte(tt.doc), tt.spec)
			if err == nil {
				t.Fatalf("no error; got %d posts", len(posts))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestPostsEmptyFeedIsNotAnError(t *testing.T) {
	for name, doc := range map[string]string{
		"rss":  `<rss version="2.0"><channel><title>Quiet</title></channel></rss>`,
		"atom": `<feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet</title></feed>`,
		"json": `{"version":"https://jsonfeed.org/version/1.1","title":"Quiet","items":[]}`,
	} {
		posts, warns, err := Posts([]byte(doc), feeds.SourceSpec{Name: "q"})
		if err != nil || len(posts) != 0 || len(warns) != 0 {
			t.Errorf("%s: got %d posts, warnings %q, err %v; want nothing at all", name, len(posts), warns, err)
		}
	}
}

// The classic "billion laughs": Go's XML decoder does not expand entities
// declared in a DTD, so the document parses to a few bytes instead of
// gigabytes, and an external entity is never fetched or read.
func TestPostsEntityBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">`)
	prev := "lol"
	for i := 1; i <= 9; i++ {
		name := fmt.Sprintf("lol%d", i)
		fmt.Fprintf(&b, "\n <!ENTITY %s \"%s\">", name, strings.Repeat("&"+prev+";", 10))
		prev = name
	}
	b.WriteString("\n]>\n<rss version=\"2.0\"><channel><title>&lol9;</title>")
	b.WriteString("<item><link>https://blog.example.com/a</link><description>&lol9; &xxe;</description></item></channel></rss>")
	doc := []byte(b.String())

	posts, _, err := Posts(doc, feeds.SourceSpec{Name: "bomb"})
	if err != nil {
		return // refusing the document is as good as not expanding it
	}
	size := 0
	for _, p := range posts {
		size += len(p.Text) + len(p.Author.Name)
		if strings.Contains(p.Text, "root:") {
			t.Errorf("external entity was read: %q", p.Text)
		}
	}
	if size > len(doc) {
		t.Errorf("output is %d bytes from a %d-byte document: entities were expanded", size, len(doc))
	}
}

// A UTF-8 feed with a few stray bytes keeps its accents; the stray bytes
// show as � and a person hears of it.
func TestPostsRepairsBadBytes(t *testing.T) {
	doc := rssDoc(`<title>Équipe café</title><link>https://blog.example.com/</link>`,
		`<item><link>https://blog.example.com/a</link><pubDate>Tue, 14 May 2024 09:12:33 +0000</pubDate><description>Bad `+"\xff\xfe"+` bytes, a bell`+"\x07"+` and déjà vu</description></item>`)
	posts, warns, err := Posts(doc, feeds.SourceSpec{Name: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 1 {
		t.Fatalf("got %d posts", len(posts))
	}
	p := posts[0]
	if p.Text != "Bad � bytes, a bell and déjà vu" { // a run of bad bytes is one �
		t.Errorf("text %q", p.Text)
	}
	if p.Author.Name != "Équipe café" {
		t.Errorf("author %q", p.Author.Name)
	}
	if want := []string{"source s is UTF-8 with 2 bytes that are not; showed them as �"}; !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings %q, want %q", warns, want)
	}
}

// A feed that says it is Latin-1 is decoded, not "repaired".
func TestPostsDeclaredCharset(t *testing.T) {
	doc := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Caf\xe9</title>" +
		"<item><link>https://blog.example.com/a</link><pubDate>Tue, 14 May 2024 09:12:33 +0000</pubDate><description>Cr\xe8me br\xfbl\xe9e day</description></item></channel></rss>")
	posts, warns, err := Posts(doc, feeds.SourceSpec{Name: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 1 || posts[0].Text != "Crème brûlée day" || posts[0].Author.Name != "Café" || len(warns) != 0 {
		t.Errorf("got %+v, warnings %q", posts, warns)
	}
}

func TestPostsKeepsNewest(t *testing.T) {
	const n = 100000
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>Firehose</title><link>https://blog.example.com/</link>`)
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		// Shuffled dates (37 is coprime with n): newest is not first in the file.
		k := (i * 37) % n
		fmt.Fprintf(&b, "<item><guid>g%d</guid><pubDate>%s</pubDate><description>post %d</description></item>",
			k, base.Add(time.Duration(k)*time.Minute).Format(time.RFC1123Z), k)
	}
	b.WriteString(`</channel></rss>`)
	posts, warns, err := Posts([]byte(b.String()), feeds.SourceSpec{Name: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != MaxItems {
		t.Fatalf("got %d posts, want %d", len(posts), MaxItems)
	}
	want := fmt.Sprintf("feed has %d items; kept the newest %d", n, MaxItems)
	if len(warns) != 1 || warns[0] != want {
		t.Errorf("warnings %q, want [%q]", warns, want)
	}
	for i, p := range posts {
		k := n - 1 - i
		if p.Text != fmt.Sprintf("post %d", k) || !p.Published.Equal(base.Add(time.Duration(k)*time.Minute)) {
			t.Fatalf("post %d is %q at %v, want post %d", i, p.Text, p.Published, k)
		}
	}
}

func TestPostsSkipsEmptyAndRepeatedItems(t *testing.T) {
	doc := rssDoc(`<title>Blog</title><link>https://blog.example.com/</link>`,
		`<item><guid>a</guid><description>First</description></item>`,
		`<item><guid>a</guid><description>First again</description></item>`,
		`<item><guid>b</guid><description>   </description></item>`,
		`<item><guid>c</guid><description>&lt;p&gt;&lt;/p&gt;</description><enclosure url="/pic.png" type="image/png" length="1"/></item>`)
	posts, warns, err := Posts(doc, feeds.SourceSpec{Name: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 2 || posts[0].Text != "First" || posts[1].Image != "https://blog.example.com/pic.png" || posts[1].Text != "" {
		t.Errorf("got %+v", posts)
	}
	want := []string{`4 items have no date: shown as "date unknown", dated by when the kiosk first saw them`,
		"item 2: repeats the id of item 1", "item 3: no text and no picture"}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings %q, want %q", warns, want)
	}
}

func TestPostsUnsafeURLs(t *testing.T) {
	doc := rssDoc(`<title>Blog</title><link>https://blog.example.com/</link><image><url>javascript:alert(1)</url></image>`,
		`<item><link>javascript:alert(1)</link><description>&lt;img src="data:image/png;base64,AAAA"&gt;Hi</description></item>`,
		`<item><link>file:///etc/passwd</link><description>Ho</description><enclosure url="ftp://x.example/a.jpg" type="image/jpeg" length="1"/></item>`)
	posts, _, err := Posts(doc, feeds.SourceSpec{Name: "s"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range posts {
		if p.Link != "" || p.Image != "" || p.Author.Avatar != "" {
			t.Errorf("%q kept an unsafe URL: link %q image %q avatar %q", p.Text, p.Link, p.Image, p.Author.Avatar)
		}
	}
}

// A long comment or stylesheet before the root element pushes it past
// gofeed's 4 KB detection window; the feed must still be read.
func TestPostsRootAfterLongPrologue(t *testing.T) {
	doc := `<?xml version="1.0"?><!-- ` + strings.Repeat("licence text ", 800) + ` -->` +
		`<rss version="2.0"><channel><title>Late</title><item><guid>1</guid><description>Still here</description></item></channel></rss>`
	posts, _, err := Posts([]byte(doc), feeds.SourceSpec{Name: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 1 || posts[0].Text != "Still here" {
		t.Errorf("got %+v", posts)
	}
}

func TestPostsLongTextIsCut(t *testing.T) {
	long := strings.Repeat("word ", 400)
	doc := rssDoc(`<title>Blog</title>`, `<item><guid>1</guid><description>`+long+`</description></item>`)
	posts, _, err := Posts(doc, feeds.SourceSpec{Name: "s"})
	if err != nil {
		t.Fatal(err)
	}
	got := posts[0].Text
	if n := utf8.RuneCountInString(got); n > MaxText+1 || !strings.HasSuffix(got, "word…") {
		t.Errorf("text of %d runes ending %q", n, got[len(got)-12:])
	}
}

func TestPostID(t *testing.T) {
	a := PostID("team", "https://social.example/@ana/1")
	if len(a) != 16 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("id %q is not 16 hex digits", a)
	}
	if PostID("team", "https://social.example/@ana/1") != a {
		t.Error("same source and key gave a different id")
	}
	if PostID("other", "https://social.example/@ana/1") == a || PostID("team", "https://social.example/@ana/2") == a {
		t.Error("a different source or key gave the same id")
	}
	// The separator keeps ("ab","c") and ("a","bc") apart.
	if PostID("ab", "c") == PostID("a", "bc") {
		t.Error("source and key run together")
	}
}

// gofeed fails a whole JSON Feed for one item of the wrong shape (and panics
// on a null one); the other items must still reach the screen.
func TestPostsJSONFeedBadItems(t *testing.T) {
	doc := `{"version":"https://jsonfeed.org/version/1.1","title":"Sam","home_page_url":"https://sam.example.net/","items":[
		null,
		{"id":"a","title":5,"content_text":"bad title"},
		{"id":"b","content_text":"Still shown","date_published":"2024-05-01T10:00:00Z","_stats":{"likes":"1,2k","shares":"3"}}
	]}`
	posts, warns, err := Posts([]byte(doc), feeds.SourceSpec{Name: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 1 || posts[0].Text != "Still shown" || posts[0].Likes != 1200 || posts[0].Shares != 3 ||
		posts[0].ID != PostID("s", "b") || !posts[0].Published.Equal(at("2024-05-01T10:00:00Z")) {
		t.Errorf("got %+v", posts)
	}
	want := []string{"item 1: wrong shape: it is null",
		"item 2: wrong shape: json: cannot unmarshal number into Go struct field .alias.title of type string"}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings %q, want %q", warns, want)
	}
}

func TestPostsTextChoice(t *testing.T) {
	blog := `<title>Blog</title><link>https://blog.example.com/</link>`
	masto := `<title>Ana</title><link>https://social.example/@ana</link>`
	tests := []struct{ name, channel, item, want string }{
		{"blog: title then summary", blog,
			`<title>Big day</title><description>We moved offices.</description>`, "Big day: We moved offices."},
		{"blog: a title ending a sentence needs no colon", blog,
			`<title>We did it!</title><description>Launch went fine.</description>`, "We did it! Launch went fine."},
		{"blog: excerpt preferred to full content", blog,
			`<title>Big day</title><description>Short excerpt.</description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">&lt;p&gt;The long article.&lt;/p&gt;</content:encoded>`,
			"Big day: Short excerpt."},
		{"title that repeats the text is dropped", blog,
			`<title>We moved offices...</title><description>We moved offices today, come visit.</description>`, "We moved offices today, come visit."},
		{"title alone", blog, `<title>Only a title</title>`, "Only a title"},
		{"social posts ignore titles", masto,
			`<title>Some title</title><link>https://social.example/@ana/1</link><description>&lt;p&gt;The toot&lt;/p&gt;</description>`, "The toot"},
		{"placeholder title is not text", masto,
			`<title>New status by ana</title><link>https://social.example/@ana/1</link><description>&lt;p&gt;Hello&lt;/p&gt;</description>`, "Hello"},
		{"a bridge that puts the post in the title", `<title>Cy</title><link>https://x.com/cy</link>`,
			`<title>Shipping day at Example Co</title><link>https://x.com/cy/status/7</link>`, "Shipping day at Example Co"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posts, _, err := Posts(rssDoc(tt.channel, "<item>"+tt.item+"</item>"), feeds.SourceSpec{Name: "s"})
			if err != nil {
				t.Fatal(err)
			}
			if len(posts) != 1 || posts[0].Text != tt.want {
				t.Errorf("got %+v, want text %q", posts, tt.want)
			}
		})
	}
}
