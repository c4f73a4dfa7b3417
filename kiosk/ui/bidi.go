package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"lobbykiosk/kiosk/bidi"
	"lobbykiosk/kiosk/typeset"
)

// lineText is a line of right-to-left or mixed-direction text, laid out by
// package typeset: Fyne's canvas.Text would place its font runs left to
// right in logical order. It stands where a canvas.Text would, with the
// same size and baseline, and paints through a Raster at the pixels it
// covers, with room around the line for the marks and descenders of
// scripts taller than Latin.
type lineText struct {
	widget.BaseWidget
	Text     string
	TextSize float32
	Bold     bool
	Color    color.Color

	line   *typeset.Line
	raster *canvas.Raster
}

// needsTypeset reports whether s must be drawn by typeset rather than by a
// canvas.Text.
func needsTypeset(s string) bool { return bidi.Mixed(s) }

func newLineText(s string, size float32, col color.Color, bold bool) *lineText {
	t := &lineText{Text: s, TextSize: size, Bold: bold, Color: col, line: shaped(s, size, bold)}
	t.ExtendBaseWidget(t)
	return t
}

// margin is the room around the line's box that the raster also covers.
func (t *lineText) margin() float32 { return t.TextSize * 0.6 }

func (t *lineText) MinSize() fyne.Size { return fyne.NewSize(t.line.Width, t.line.Height) }

func (t *lineText) CreateRenderer() fyne.WidgetRenderer {
	m := t.margin()
	t.raster = canvas.NewRaster(func(w, h int) image.Image {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		full := t.line.Width + 2*m
		if w <= 0 || full <= 0 {
			return img
		}
		scale := float32(w) / full
		t.line.Draw(img, m*scale, (m+t.line.Ascent)*scale, scale, t.Color)
		return img
	})
	t.raster.ScaleMode = canvas.ImageScaleFastest // painted at its own size
	return &lineRenderer{t: t}
}

// release frees the painted pixels once the line has left the screen.
func (t *lineText) release() {
	if t.raster != nil {
		t.raster.Generator = released
	}
}

type lineRenderer struct{ t *lineText }

func (r *lineRenderer) Layout(size fyne.Size) {
	m := r.t.margin()
	r.t.raster.Move(fyne.NewPos(-m, -m))
	r.t.raster.Resize(fyne.NewSize(r.t.line.Width+2*m, r.t.line.Height+2*m))
}
func (r *lineRenderer) MinSize() fyne.Size           { return r.t.MinSize() }
func (r *lineRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.t.raster} }
func (r *lineRenderer) Refresh()                     { r.t.raster.Refresh() }
func (r *lineRenderer) Destroy()                     {}
