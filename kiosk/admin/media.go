package admin

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"time"

	"golang.org/x/image/draw"

	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/engine"
)

// thumbMax is the largest side of a picture sent to the page: a phone shows
// it a few hundred pixels wide, and the loader holds screen-sized ones.
const thumbMax = 720

// image serves a picture of the current content through the engine's image
// loader. Only addresses that the report names are served, so the page is
// never a way to fetch arbitrary URLs or read arbitrary files.
func (s *Server) image(w http.ResponseWriter, r *http.Request, sess *session) {
	src := r.URL.Query().Get("src")
	rep, _ := s.report()
	if src == "" || !inReport(rep, src) {
		http.Error(w, "No such picture among this kiosk's posts.", http.StatusNotFound)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	img, err := s.eng.Picture(ctx, src)
	if err != nil {
		// A picture that failed is remembered by the engine: logged once,
		// not on every page view.
		var pe *engine.PictureError
		if !errors.As(err, &pe) || !pe.Remembered {
			s.log.Warn("admin picture not loaded", "src", src, "err", err)
		}
		http.Error(w, "The picture could not be loaded: "+err.Error(), http.StatusBadGateway)
		return
	}
	img = shrink(img, thumbMax)
	var b bytes.Buffer
	ctype := "image/jpeg"
	if o, ok := img.(interface{ Opaque() bool }); ok && !o.Opaque() {
		ctype = "image/png"
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 82})
	}
	if err != nil {
		http.Error(w, "The picture could not be encoded: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "private, max-age=600")
	w.Write(b.Bytes())
}

// inReport reports whether src is a picture the current content shows.
func inReport(r content.Report, src string) bool {
	for _, p := range r.Posts {
		if p.Image == src || p.Author.Avatar == src {
			return true
		}
	}
	for _, st := range r.Leaderboard {
		if st.Avatar == src {
			return true
		}
	}
	return false
}

func shrink(img image.Image, maxSide int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= maxSide && h <= maxSide {
		return img
	}
	if w >= h {
		h, w = max(1, h*maxSide/w), maxSide
	} else {
		w, h = max(1, w*maxSide/h), maxSide
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// screenshot is the frame on the kiosk's screen now, as PNG.
func (s *Server) screenshot(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.o.Screenshot == nil {
		http.Error(w, "No screenshot: this kiosk has no window to take one of (it runs without a display).", http.StatusServiceUnavailable)
		return
	}
	img, err := s.o.Screenshot()
	if err != nil || img == nil {
		msg := "No screenshot: the screen gave no frame."
		if err != nil {
			msg = "No screenshot: " + err.Error()
		}
		http.Error(w, msg, http.StatusServiceUnavailable)
		return
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		http.Error(w, "The screenshot could not be encoded: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}
