package parse

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

// bigFeed is an RSS document of n Mastodon-like items with HTML content, an
// image and a mention, dated one minute apart.
func bigFeed(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Ana Lima</title>
<description>Public posts from @ana@social.example</description><link>https://social.example/@ana</link>
<image><url>https://files.social.example/avatars/ana.png</url><title>Ana Lima</title><link>https://social.example/@ana</link></image>
<generator>Mastodon v4.2.8</generator>`)
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		fmt.Fprintf(&b, `<item><guid isPermaLink="true">https://social.example/@ana/%[1]d</guid><link>https://social.example/@ana/%[1]d</link>`+
			`<pubDate>%[2]s</pubDate><description>&lt;p&gt;Post %[1]d: our team shipped &lt;strong&gt;another&lt;/strong&gt; release &amp;amp; `+
			`&lt;span class="h-card"&gt;&lt;a href="https://other.example/@bo" class="u-url mention"&gt;@&lt;span&gt;bo&lt;/span&gt;&lt;/a&gt;&lt;/span&gt; `+
			`wrote the notes: &lt;a href="https://blog.example.com/r/%[1]d"&gt;&lt;span class="invisible"&gt;https://&lt;/span&gt;&lt;span class="ellipsis"&gt;blog.example.com/r/&lt;/span&gt;`+
			`&lt;span class="invisible"&gt;%[1]d&lt;/span&gt;&lt;/a&gt;&lt;/p&gt;&lt;p&gt;%[3]s&lt;/p&gt;</description>`+
			`<media:content url="https://files.social.example/media/%[1]d.jpg" type="image/jpeg" medium="image"/></item>`+"\n",
			i, t0.Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z), strings.Repeat("More words about the release. ", 8))
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// BenchmarkPosts10k measures Posts on a 10,000-item RSS feed (about 10 MB):
// gofeed parses every item, Posts sorts all 10,000 by date, and then
// normalizes only the newest MaxItems (500) it keeps. Most of the time is
// gofeed's XML parse; per-item normalization cost is BenchmarkPosts500's.
func BenchmarkPosts10k(b *testing.B) {
	benchPosts(b, 10000)
}

// BenchmarkPosts500 is a feed exactly MaxItems long: every item is parsed
// and normalized, so the difference to BenchmarkPosts10k is the price of
// parsing 9,500 items that are then dropped.
func BenchmarkPosts500(b *testing.B) {
	benchPosts(b, MaxItems)
}

func benchPosts(b *testing.B, n int) {
	doc := bigFeed(n)
	spec := feeds.SourceSpec{Name: "bench"}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	kept := 0
	for b.Loop() {
		posts, _, err := Posts(doc, spec)
		if err != nil {
			b.Fatal(err)
		}
		kept = len(posts)
	}
	b.ReportMetric(float64(kept), "posts/op")
}

func BenchmarkText(b *testing.B) {
	post := `<p><span class="h-card"><a href="https://other.example/@bo" class="u-url mention">@<span>bo</span></a></span> ` +
		`Our Lisbon office just hit 1,000 days without a broken build &amp; we celebrated 🎉</p><p>Write-up: ` +
		`<a href="https://blog.example.com/2024/05/streak"><span class="invisible">https://</span><span class="ellipsis">blog.example.com/2024/05/st</span>` +
		`<span class="invisible">reak</span></a> <a href="https://social.example/tags/LifeAtExample" class="mention hashtag">#<span>LifeAtExample</span></a></p>`
	article := "<article>" + strings.Repeat("<p>A long blog article paragraph with <a href=\"/x\">links</a>, <em>emphasis</em> &amp; entities.</p>\n", 500) + "</article>"
	plainText := strings.Repeat("Plain text from a Bluesky post, no markup at all. ", 4)
	for _, c := range []struct {
		name, in string
	}{{"mastodon-post", post}, {"long-article", article}, {"plain", plainText}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.in)))
			b.ReportAllocs()
			for b.Loop() {
				Text(c.in, MaxText)
			}
		})
	}
}
