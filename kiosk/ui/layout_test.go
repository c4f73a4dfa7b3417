package ui

import (
	"fmt"
	"math"
	"testing"

	"fyne.io/fyne/v2/canvas"

	"lobbykiosk/kiosk/slide"
)

// textAt finds the text s on screen: its object's box.
func textAt(t *testing.T, v *View, s string) slide.Rect {
	t.Helper()
	for _, p := range slideLeaves(v) {
		if tx, ok := p.obj.(*canvas.Text); ok && tx.Text == s {
			return p.drawn()
		}
	}
	t.Fatalf("%q is not on screen", s)
	return slide.Rect{}
}

// Tiles side by side stand level whether or not they have a previous value:
// the label and the number of a tile without a change sit where its
// neighbour's do.
func TestWinTilesAlign(t *testing.T) {
	s := winsSlide()
	w := append([]slide.Win(nil), s.Wins...)
	w[1].Change, w[1].Trend = "", slide.TrendNone // Shares, beside Reach
	s.Wins = w
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			v, _ := screenOf(t, s, freshChrome, sz.w, sz.h)
			// Texts of one size: level boxes are level baselines.
			for _, pair := range [][2]string{{"Reach", "Shares"}, {"12.3 B", "4,812"}} {
				a, b := textAt(t, v, pair[0]), textAt(t, v, pair[1])
				if sz.w > sz.h && math.Abs(float64(a.Y-b.Y)) > 0.5 {
					t.Errorf("%q stands at %.1f, %q beside it at %.1f", pair[0], a.Y, pair[1], b.Y)
				}
			}
			// In portrait the tiles are a column: the same offsets within
			// each tile.
			if sz.h > sz.w {
				ra, rb := textAt(t, v, "Reach"), textAt(t, v, "Shares")
				na, nb := textAt(t, v, "12.3 B"), textAt(t, v, "4,812")
				if d := (na.Y - ra.Y) - (nb.Y - rb.Y); math.Abs(float64(d)) > 0.5 {
					t.Errorf("label-to-number spacing differs by %.1f between tiles", d)
				}
			}
		})
	}
}

// One to three people fill the slide with a podium made for them: centred,
// wider than a column of the three-place podium, and larger faces.
func TestPodiumForFewPeople(t *testing.T) {
	board := func(n int) slide.Slide {
		s := boardSlide()
		b := *s.Board
		b.Podium, b.Rest, b.Mover = b.Podium[:n], nil, nil
		s.Board = &b
		return s
	}
	const w, h = 1920, 1080
	width := map[int]float32{}
	face := map[int]float32{}
	for n := 1; n <= 3; n++ {
		v, _ := screenOf(t, board(n), freshChrome, w, h)
		var blocks []slide.Rect
		for _, p := range slideLeaves(v) {
			if r, ok := p.obj.(*canvas.Rectangle); ok && (r.FillColor == v.pal.winner || r.FillColor == v.pal.surface2) {
				blocks = append(blocks, p.drawn())
			}
			if c, ok := p.obj.(*canvas.Circle); ok && c.StrokeWidth > 0 {
				face[n] = p.drawn().W // the winner's ring
			}
		}
		if len(blocks) != n {
			t.Fatalf("%d people: %d podium blocks", n, len(blocks))
		}
		left, right := blocks[0].X, blocks[0].Right()
		for _, b := range blocks {
			left, right = min(left, b.X), max(right, b.Right())
		}
		if mid := (left + right) / 2; math.Abs(float64(mid-w/2)) > 2 {
			t.Errorf("%d people: the podium is centred at %.0f, the screen at %d", n, mid, w/2)
		}
		width[n] = blocks[0].W
		textAt(t, v, "Ana Lima")
	}
	if !(width[1] > width[2] && width[2] > width[3]) || !(face[1] >= face[2] && face[2] >= face[3]) || face[1] <= face[3] {
		t.Errorf("column widths %v and faces %v should grow as people get fewer", width, face)
	}
}
