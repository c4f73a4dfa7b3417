package images

import (
	"image"
	"image/color"
	"testing"
)

// squareOn is a w×h grey picture with a red square of side s in its centre.
func squareOn(w, h, s int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{0x80, 0x80, 0x80, 0xff}
			if x >= (w-s)/2 && x < (w+s)/2 && y >= (h-s)/2 && y < (h+s)/2 {
				c = color.RGBA{0xff, 0, 0, 0xff}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// redBox is the bounding box of the clearly red pixels.
func redBox(img *image.RGBA) image.Rectangle {
	var r image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if c.R > 0xc0 && c.G < 0x40 {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

func TestCoverCropsTheCentreWithoutStretching(t *testing.T) {
	for _, tc := range []struct {
		name       string
		src        *image.RGBA
		w, h, side int // side: the red square's side in the result
	}{
		{"landscape into a portrait box, shrunk", squareOn(1600, 900, 300), 300, 600, 200},
		{"wide picture into a landscape box, shrunk a lot", squareOn(3000, 900, 450), 200, 100, 50},
		{"small picture into a big box", squareOn(200, 100, 40), 600, 600, 240},
		{"exact size", squareOn(640, 480, 100), 640, 480, 100},
		{"from a sub-image", squareOn(1000, 1000, 200).SubImage(image.Rect(100, 100, 900, 900)).(*image.RGBA), 400, 400, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Cover(tc.src, tc.w, tc.h)
			if b := got.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
				t.Fatalf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), tc.w, tc.h)
			}
			red := redBox(got)
			if red.Empty() {
				t.Fatal("the centre of the picture was cropped away")
			}
			// Centred, and square: a stretched picture would make it a
			// rectangle. A pixel of slack for the kernels' soft edges.
			if d := red.Dx() - tc.side; d < -2 || d > 2 {
				t.Errorf("square is %d wide, want %d (%v)", red.Dx(), tc.side, red)
			}
			if red.Dx()-red.Dy() > 2 || red.Dy()-red.Dx() > 2 {
				t.Errorf("square became %dx%d: stretched", red.Dx(), red.Dy())
			}
			cx, cy := (red.Min.X+red.Max.X)/2, (red.Min.Y+red.Max.Y)/2
			if abs(cx-tc.w/2) > 2 || abs(cy-tc.h/2) > 2 {
				t.Errorf("square centred at %d,%d, want %d,%d", cx, cy, tc.w/2, tc.h/2)
			}
		})
	}
}

func TestCoverOfNothing(t *testing.T) {
	if b := Cover(image.NewRGBA(image.Rect(0, 0, 0, 0)), 10, 5).Bounds(); b.Dx() != 10 || b.Dy() != 5 {
		t.Errorf("an empty picture gives %v, want a blank 10x5", b)
	}
	if b := Cover(squareOn(10, 10, 2), 0, 5).Bounds(); !b.Empty() {
		t.Errorf("a zero-width box gives %v", b)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
