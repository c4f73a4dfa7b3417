package ui

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"lobbykiosk/kiosk/slide"
)

// TestPictureCornersAreRound checks the pixels a picture is uploaded with:
// its corners are cut to the background, the edges between them and the
// middle are the photo's own, and the cut is antialiased (some pixels on
// the arc are partly covered).
func TestPictureCornersAreRound(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 200, 100))
	for i := range src.Pix {
		src.Pix[i] = 0xff
	}
	b := &builder{scale: 1}
	pix := b.picture(src, slide.Rect{W: 200, H: 100}, 20).Generator(200, 100).(*image.RGBA)
	alpha := func(x, y int) uint8 { return pix.RGBAAt(x, y).A }
	for _, c := range [][2]int{{0, 0}, {199, 0}, {0, 99}, {199, 99}, {3, 3}, {196, 96}} {
		if a := alpha(c[0], c[1]); a != 0 {
			t.Errorf("corner pixel %v has alpha %d, want 0 (outside the rounding)", c, a)
		}
	}
	for _, c := range [][2]int{{100, 0}, {0, 50}, {199, 50}, {100, 99}, {100, 50}, {20, 20}} {
		if a := alpha(c[0], c[1]); a != 0xff {
			t.Errorf("pixel %v has alpha %d, want the photo's 255", c, a)
		}
	}
	soft := 0
	for x := range 20 {
		if a := alpha(x, 2); a > 0 && a < 0xff {
			soft++
			if p := pix.RGBAAt(x, 2); p.R != a {
				t.Errorf("edge pixel %d,2 is %v: not premultiplied", x, p)
			}
		}
	}
	if soft == 0 {
		t.Error("the rounded edge is not antialiased")
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
