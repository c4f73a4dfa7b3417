package health

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/image/draw"
)

// Thumbnail sizes: small enough that a fleet's page loads quickly and a
// thumbnail every few minutes costs the network nothing, large enough to
// tell a post from the wins and a dark screen from a working one.
const (
	ThumbWidth   = 480
	ThumbHeight  = 270
	ThumbQuality = 70
)

// Thumbnail shrinks a frame to fit ThumbWidth×ThumbHeight (turned for a
// portrait frame) and encodes it as JPEG.
func Thumbnail(frame image.Image) ([]byte, error) {
	b := frame.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, errors.New("thumbnail: the frame is empty")
	}
	maxW, maxH := ThumbWidth, ThumbHeight
	if b.Dy() > b.Dx() {
		maxW, maxH = maxH, maxW
	}
	w, h := maxW, b.Dy()*maxW/b.Dx()
	if h > maxH {
		w, h = b.Dx()*maxH/b.Dy(), maxH
	}
	dst := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), frame, b, draw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: ThumbQuality}); err != nil {
		return nil, fmt.Errorf("thumbnail: %w", err)
	}
	return buf.Bytes(), nil
}

// ThumbnailURL is where a kiosk named name PUTs its screen's thumbnail on
// the hub at hub (ending in "/").
func ThumbnailURL(hub, name string) string {
	return hub + "kiosk/" + url.PathEscape(name) + "/screen.jpg"
}

// RunThumbnails sends a thumbnail of the screen (capture) to the hub at hub
// after first, then every `every`, until ctx ends. A failure is logged once
// per distinct problem and never stops the kiosk. The first one waits for
// the first heartbeat, which introduces the kiosk to the hub.
func (m *Monitor) RunThumbnails(ctx context.Context, hub string, first, every time.Duration, capture func() (image.Image, error), logf func(msg string, args ...any)) {
	if hub == "" || capture == nil {
		return
	}
	if every <= 0 {
		every = 5 * time.Minute
	}
	t := time.NewTimer(first)
	defer t.Stop()
	last := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := m.SendThumbnail(ctx, hub, capture)
		switch {
		case err != nil && ctx.Err() == nil && logf != nil && err.Error() != last:
			logf("screen thumbnail not delivered", "err", err)
			last = err.Error()
		case err == nil:
			last = ""
		}
		t.Reset(every)
	}
}

// SendThumbnail captures the screen and PUTs its thumbnail to the hub.
func (m *Monitor) SendThumbnail(ctx context.Context, hub string, capture func() (image.Image, error)) error {
	frame, err := capture()
	if err != nil {
		return fmt.Errorf("screen thumbnail: %w", err)
	}
	body, err := Thumbnail(frame)
	if err != nil {
		return err
	}
	u := ThumbnailURL(hub, m.o.Engine.CurrentConfig().Name)
	ctx, cancel := context.WithTimeout(ctx, m.o.HeartbeatTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("screen thumbnail %s: %w", u, err)
	}
	req.Header.Set("Content-Type", "image/jpeg")
	req.Header.Set("User-Agent", "lobbykiosk/"+m.o.Version+" (+office lobby display)")
	resp, err := m.client().Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("screen thumbnail %s: no answer within %s", u, m.o.HeartbeatTimeout)
		}
		return fmt.Errorf("screen thumbnail %s: %w", u, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("screen thumbnail %s: %s %s", u, resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}
