package ui

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"lobbykiosk/kiosk/slide"
)

// TestPictureCornersAreRound checks the pixels a picture is uploaded with:
// its corners are cut to the colour it stands on, the edges between them
// and the middle are the photo's own, the cut is antialiased (some pixels
// on the arc are a mix), and every pixel is opaque, so a renderer may draw
// it without blending.
func TestPictureCornersAreRound(t *testing.T) {
	red := color.NRGBA{0xff, 0, 0, 0xff}
	ground := color.NRGBA{0x0C, 0x0F, 0x18, 0xff}
	src := image.NewRGBA(image.Rect(0, 0, 200, 100))
	draw.Draw(src, src.Rect, image.NewUniform(red), image.Point{}, draw.Src)
	b := &builder{scale: 1}
	pix := b.picture(src, slide.Rect{W: 200, H: 100}, 20, color.NRGBA{0xff, 0xff, 0xff, 0xff}, ground).Generator(200, 100).(*image.RGBA)
	at := func(x, y int) color.NRGBA { c := pix.RGBAAt(x, y); return color.NRGBA{c.R, c.G, c.B, c.A} }
	for _, c := range [][2]int{{0, 0}, {199, 0}, {0, 99}, {199, 99}, {3, 3}, {196, 96}} {
		if got := at(c[0], c[1]); got != ground {
			t.Errorf("corner pixel %v is %v, want the ground %v (outside the rounding)", c, got, ground)
		}
	}
	for _, c := range [][2]int{{100, 0}, {0, 50}, {199, 50}, {100, 99}, {100, 50}, {20, 20}} {
		if got := at(c[0], c[1]); got != red {
			t.Errorf("pixel %v is %v, want the photo's %v", c, got, red)
		}
	}
	soft := 0
	for x := range 20 {
		if c := at(x, 2); c != red && c != ground {
			soft++
			if c.R <= ground.R || c.R == 0xff || c.G > ground.G {
				t.Errorf("edge pixel %d,2 is %v: not a mix of the photo and the ground", x, c)
			}
		}
	}
	if soft == 0 {
		t.Error("the rounded edge is not antialiased")
	}
	if !pix.Opaque() {
		t.Error("the picture's pixels are not all opaque")
	}
}

// TestTransparentPictureShowsItsFill: a PNG with a transparent background
// shows the fill colour through it (the card it was drawn on before it was
// made opaque), half-covered pixels a mix.
func TestTransparentPictureShowsItsFill(t *testing.T) {
	fill := color.NRGBA{0x19, 0x1E, 0x2B, 0xff}
	src := image.NewNRGBA(image.Rect(0, 0, 40, 40))
	src.SetNRGBA(20, 20, color.NRGBA{0xff, 0xff, 0xff, 0xff})
	src.SetNRGBA(21, 20, color.NRGBA{0xff, 0xff, 0xff, 0x80})
	b := &builder{scale: 1}
	pix := b.picture(src, slide.Rect{W: 40, H: 40}, 0, fill, color.NRGBA{A: 0xff}).Generator(40, 40).(*image.RGBA)
	if c := pix.RGBAAt(5, 5); (c != color.RGBA{fill.R, fill.G, fill.B, 0xff}) {
		t.Errorf("a transparent pixel is %v, want the fill %v", c, fill)
	}
	if c := pix.RGBAAt(20, 20); (c != color.RGBA{0xff, 0xff, 0xff, 0xff}) {
		t.Errorf("an opaque pixel is %v, want white", c)
	}
	if c := pix.RGBAAt(21, 20); c.A != 0xff || c.R < 0x80 || c.R > 0x9c {
		t.Errorf("a half-transparent white pixel is %v, want halfway between the fill and white, opaque", c)
	}
}

// TestPictureSnapsToPixels: a picture's box is moved to whole device
// pixels and its pixels are exactly as many as it covers, so the painter
// draws it texel for pixel.
func TestPictureSnapsToPixels(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 300, 300))
	b := &builder{scale: 1.5}
	ra := b.picture(src, slide.Rect{X: 10.3, Y: 20.6, W: 100.2, H: 50.5}, 0, color.NRGBA{A: 0xff}, color.NRGBA{A: 0xff})
	pos, size := ra.Position(), ra.Size()
	for _, v := range []float32{pos.X, pos.Y, pos.X + size.Width, pos.Y + size.Height} {
		if d := v*1.5 - float32(math.Round(float64(v*1.5))); d > 1e-3 || d < -1e-3 {
			t.Errorf("edge at %.3f units is %.3f device pixels: not on a pixel", v, v*1.5)
		}
	}
	got := ra.Generator(0, 0).Bounds()
	if w, h := int(math.Round(float64(size.Width*1.5))), int(math.Round(float64(size.Height*1.5))); got.Dx() != w || got.Dy() != h {
		t.Errorf("picture has %v pixels for a box of %dx%d device pixels", got.Size(), w, h)
	}
	if ra.ScaleMode != canvas.ImageScalePixels {
		t.Errorf("ScaleMode %v, want ImageScalePixels (nearest: texel for pixel)", ra.ScaleMode)
	}
}

// TestMeasurementsFollowTheFont: text measurements are remembered, but a
// new theme with another font (sent by headquarters) must not be measured
// with the old one's widths, or text would overflow its box.
func TestMeasurementsFollowTheFont(t *testing.T) {
	s := fyne.CurrentApp().Settings()
	defer s.SetTheme(DefaultTheme().Fyne())
	const text = "iiiiiiiiii"
	s.SetTheme(DefaultTheme().Fyne())
	narrow := textWidth(text, 40, false)
	mono := DefaultTheme()
	mono.Font = theme.DefaultTheme().Font(fyne.TextStyle{Monospace: true})
	s.SetTheme(mono.Fyne())
	wide := textWidth(text, 40, false)
	if wide < narrow*1.5 {
		t.Errorf("ten i's measure %.0f in a monospace font and %.0f in Noto Sans: the old font's measurement was reused", wide, narrow)
	}
	s.SetTheme(DefaultTheme().Fyne())
	if again := textWidth(text, 40, false); again != narrow {
		t.Errorf("back on the default font the text measures %.0f, before %.0f", again, narrow)
	}
}
