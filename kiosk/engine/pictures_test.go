package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/images"
)

// The blind SSRF of the issue, as it happened: a remote feed names a
// picture on the kiosk's own loopback (its /metrics). The kiosk must never
// ask for it — not for a slide, not for the admin page — and a second look
// must not try again or log again. The feed's own pictures still show.
func TestPictureToLoopbackThroughAFeed(t *testing.T) {
	var asked atomic.Int64
	kiosk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Write([]byte("lobbykiosk_info 1"))
	}))
	defer kiosk.Close()
	var pic bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	png.Encode(&pic, img)
	var feedURL string
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/face.png":
			w.Write(pic.Bytes())
		default:
			fmt.Fprintf(w, `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Partner</title><link>https://partner.example/</link>
<image><url>%[1]s/face.png</url></image>
<item><guid>1</guid><link>https://partner.example/1</link><dc:creator>Mallory</dc:creator>
<description>A perfectly ordinary post about the volunteering day at the river.</description>
<media:content url="%[2]s/metrics" medium="image"/></item>
</channel></rss>`, feedURL, kiosk.URL)
		}
	}))
	defer feed.Close()
	feedURL = feed.URL
	cfg := parse(t, fmt.Sprintf("state_dir = %q\n[[source]]\nname = \"partner\"\nkind = \"posts\"\nurl = %q\n", t.TempDir(), feed.URL+"/feed.xml"))
	e := open(t, cfg)
	e.RefreshOnce(context.Background())
	posts := e.Report(time.Now()).Posts
	if len(posts) != 1 || posts[0].Image != kiosk.URL+"/metrics" {
		t.Fatalf("posts: %+v", posts)
	}
	p := posts[0]
	_, err := e.Picture(context.Background(), p.Image)
	var pe *PictureError
	if !errors.As(err, &pe) || pe.Remembered || !errors.Is(err, fetch.ErrRefusedAddress) || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("picture on the kiosk's loopback: %v, want refused as loopback", err)
	}
	_, err = e.Picture(context.Background(), p.Image)
	if !errors.As(err, &pe) || !pe.Remembered {
		t.Errorf("second look: %v, want the remembered failure", err)
	}
	if f := e.PictureFailure(p.Image); f == nil || !f.Retry.After(f.Since) || !strings.Contains(f.Describe(cfg.Location), "loopback") {
		t.Errorf("PictureFailure = %+v", f)
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("the kiosk's own server was asked %d times", n)
	}
	if p.Author.Avatar != feed.URL+"/face.png" {
		t.Fatalf("avatar %q, want the feed's channel image", p.Author.Avatar)
	}
	if got, err := e.Picture(context.Background(), p.Author.Avatar); err != nil || got.Bounds().Dx() != 40 {
		t.Errorf("the feed's own picture: %v", err)
	}
}

// A post on a feed at a private address leaves its feed while its picture
// waits to be fetched (the prefetch's list is made at the start of a
// round): the picture is not fetched, and that is not a failure — nothing
// to remember, nothing to try again, no "refused" in the log. The post
// that stays still gets its picture from the same host.
func TestPictureOfAPostThatLeftItsFeed(t *testing.T) {
	var pic bytes.Buffer
	png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 40, 30)))
	var dropped atomic.Bool
	var askedA atomic.Int64
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a.png":
			askedA.Add(1)
			w.Write(pic.Bytes())
		case "/b.png":
			w.Write(pic.Bytes())
		default:
			item := func(id, img string) string {
				return fmt.Sprintf(`<item><guid>%s</guid><link>http://%s/%s</link><dc:creator>Ana</dc:creator>
<description>Post %s about the volunteering day at the river.</description>
<media:content url="http://%s/%s" medium="image"/></item>`, id, r.Host, id, id, r.Host, img)
			}
			items := item("b", "b.png")
			if !dropped.Load() {
				items = item("a", "a.png") + items
			}
			fmt.Fprintf(w, `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Team</title><link>http://%s/</link>%s</channel></rss>`, r.Host, items)
		}
	}))
	defer feed.Close()
	cfg := parse(t, fmt.Sprintf("state_dir = %q\n[[source]]\nname = \"team\"\nkind = \"posts\"\nurl = %q\n", t.TempDir(), feed.URL+"/feed.xml"))
	e := open(t, cfg)
	e.RefreshOnce(context.Background())
	if n := len(e.Report(time.Now()).Posts); n != 2 {
		t.Fatalf("%d posts, want 2", n)
	}
	dropped.Store(true)
	e.RefreshOnce(context.Background())
	if n := len(e.Report(time.Now()).Posts); n != 1 {
		t.Fatalf("%d posts after the feed dropped one, want 1", n)
	}

	_, err := e.Picture(context.Background(), feed.URL+"/a.png")
	if !errors.Is(err, images.ErrUnnamed) || errors.Is(err, fetch.ErrRefusedAddress) {
		t.Errorf("the picture of the post that left: %v, want ErrUnnamed", err)
	}
	if f := e.PictureFailure(feed.URL + "/a.png"); f != nil {
		t.Errorf("remembered as failed: %s", f.Describe(cfg.Location))
	}
	if n := askedA.Load(); n != 0 {
		t.Errorf("the picture of the post that left was asked for %d times", n)
	}
	if got, err := e.Picture(context.Background(), feed.URL+"/b.png"); err != nil || got.Bounds().Dx() != 40 {
		t.Errorf("the picture of the post that stayed: %v", err)
	}
}
