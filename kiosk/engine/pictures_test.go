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
