package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// origin is the feeds' own server: one posts feed (every post with a
// picture) and a wins CSV, served with conditional GET like a real web
// server. It counts fetches of the feed and the wins: with a hub in front
// they stay at one per source refresh, however many kiosks there are.
type origin struct {
	*httptest.Server
	mu    sync.Mutex
	feeds int
	pics  [][]byte
	posts int // the newest post's number + 1
	keep  int // how many posts the feed shows
	start time.Time
}

func newOrigin(posts int) *origin {
	o := &origin{posts: posts, keep: posts, start: time.Now()}
	for i := 0; i < posts; i++ {
		o.pics = append(o.pics, picture(i))
	}
	o.Server = httptest.NewServer(http.HandlerFunc(o.serve))
	return o
}

// publish adds a post to the feed, as a colleague would: the hub picks it
// up at its next refresh, and every kiosk fetches the changed documents.
func (o *origin) publish() {
	o.mu.Lock()
	o.posts++
	o.mu.Unlock()
}

func (o *origin) rss() string {
	o.mu.Lock()
	n, keep := o.posts, o.keep
	o.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Team</title><link>https://social.example/</link>` + "\n")
	for i := n - 1; i >= n-keep; i-- {
		fmt.Fprintf(&b, `<item><guid>post-%d</guid><link>https://social.example/@team/%d</link><dc:creator>Person %d</dc:creator><pubDate>%s</pubDate><description>Post number %d of the load test: a few sentences, as long as a real post from a colleague about the week's work, the team, a customer visit and the new office plants.</description><media:content url="%s/pics/%d.jpg" medium="image" type="image/jpeg"/></item>`+"\n",
			i, i, i%17, o.start.Add(-time.Duration(keep-i)*time.Hour).Format(time.RFC1123Z), i, o.URL, i%len(o.pics))
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func (o *origin) serve(w http.ResponseWriter, r *http.Request) {
	i := -1
	if strings.HasPrefix(r.URL.Path, "/pics/") {
		fmt.Sscanf(r.URL.Path, "/pics/%d.jpg", &i)
	}
	switch {
	case r.URL.Path == "/feed.rss":
		o.count()
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, o.rss())
	case r.URL.Path == "/wins.csv":
		o.count()
		w.Header().Set("Content-Type", "text/csv")
		io.WriteString(w, "label,value,previous,unit,period\nReach,1234567,1000000,people,November\nShares,4812,3960,,November\n")
	case i >= 0 && i < len(o.pics):
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(o.pics[i])
	default:
		http.NotFound(w, r)
	}
}

func (o *origin) count() {
	o.mu.Lock()
	o.feeds++
	o.mu.Unlock()
}

func (o *origin) fetches() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.feeds
}

// picture is post i's picture: 1200×800, its own colour.
func picture(i int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1200, 800))
	c := color.RGBA{uint8(i * 37), uint8(i * 91), uint8(i * 53), 255}
	for p := 0; p < len(img.Pix); p += 4 {
		x := (p / 4) % 1200
		img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = c.R+uint8(x/10), c.G, c.B, 255
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	return b.Bytes()
}
