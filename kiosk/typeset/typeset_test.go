package typeset

import (
	"image"
	"image/color"
	"testing"

	"lobbykiosk/kiosk/fonts"
)

const size = 40

// ink draws s black on white and returns its alpha mask and box.
func ink(s string) (*image.Gray, image.Rectangle) {
	l := Shape(s, size, false)
	w, h := int(l.Width)+20, int(l.Height)+40
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	l.Draw(img, 10, 20+l.Ascent, 1, color.Black)
	g := image.NewGray(img.Rect)
	box := image.Rectangle{}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := img.RGBAAt(x, y).A
			g.SetGray(x, y, color.Gray{a})
			if a > 60 {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return g, box
}

// find is where piece's ink best matches within line's ink, both drawn on
// the same baseline: the x of its left edge.
func find(t *testing.T, line *image.Gray, piece string) int {
	t.Helper()
	p, pb := ink(piece)
	best, bestX := -1, -1
	for x := 0; x+pb.Dx() <= line.Rect.Dx(); x++ {
		sad := 0
		for y := pb.Min.Y; y < pb.Max.Y; y++ {
			for dx := 0; dx < pb.Dx(); dx++ {
				d := int(line.GrayAt(x+dx, y).Y) - int(p.GrayAt(pb.Min.X+dx, y).Y)
				if d < 0 {
					d = -d
				}
				sad += d
			}
		}
		if best < 0 || sad < best {
			best, bestX = sad, x
		}
	}
	return bestX
}

func needScripts(t *testing.T) {
	t.Helper()
	if why := fonts.Reason("שלום مرحبا"); why != "" {
		t.Skipf("%s", why)
	}
}

// TestHebrewLineOnPixels checks the line where it is seen: in a
// right-to-left paragraph the "!" ends the line on the left, the number
// keeps its digits' order and sits between the words around it.
func TestHebrewLineOnPixels(t *testing.T) {
	needScripts(t)
	line, _ := ink("אספנו 212 ק״ג!")
	bang, num, word, first := find(t, line, "!"), find(t, line, "212"), find(t, line, "ק״ג"), find(t, line, "אספנו")
	if !(bang < word && word < num && num < first) {
		t.Errorf("left to right, want ! (%d) < ק״ג (%d) < 212 (%d) < אספנו (%d)", bang, word, num, first)
	}
	// The digits read 2-1-2 from the left, not reversed.
	d1, d2 := find(t, line, "21"), find(t, line, "12")
	if d1 >= d2 {
		t.Errorf("the number is reversed: \"21\" at %d, \"12\" at %d", d1, d2)
	}
}

// TestArabicJoins checks that Arabic letters are shaped together: the word
// differs from its letters kept apart by zero-width non-joiners.
func TestArabicJoins(t *testing.T) {
	needScripts(t)
	_, jb := ink("مريم")
	_, ab := ink("م\u200cر\u200cي\u200cم")
	if jb.Dx() >= ab.Dx() {
		t.Errorf("joined word is %d px wide, its separate letters %d: the letters did not join", jb.Dx(), ab.Dx())
	}
	// And the word is one piece in one face: Urdu letters included.
	l := Shape("مريم ہے", size, false)
	faces := map[any]bool{}
	for _, r := range l.runs {
		faces[r.Face] = true
	}
	if len(faces) != 1 {
		t.Errorf("an Arabic-script line used %d faces", len(faces))
	}
}

// TestLatinLineIsNotReordered: a left-to-right line with a Hebrew word
// keeps its English words in place, and the Hebrew word reads right to
// left in its place.
func TestLatinLineIsNotReordered(t *testing.T) {
	needScripts(t)
	line, _ := ink("Hello שלום world")
	h, s, w := find(t, line, "Hello"), find(t, line, "שלום"), find(t, line, "world")
	if !(h < s && s < w) {
		t.Errorf("Hello %d, שלום %d, world %d", h, s, w)
	}
}
