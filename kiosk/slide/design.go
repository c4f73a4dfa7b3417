package slide

import (
	"fmt"
	"image/color"
	"math"
)

// Role is how much a text matters to someone glancing at the screen from
// across the lobby, and so how readable it must be.
type Role uint8

const (
	// Primary text is what a glance is for: the post, names, the numbers
	// with their labels, units and changes, titles.
	Primary Role = iota
	// Secondary text supports it: bylines, ages, network pills, periods,
	// points and places in lists, initials, the clock.
	Secondary
	// Ornament is a glyph drawn as decoration, not read (the quote mark):
	// it must stay in its place, but needs no contrast or size.
	Ornament
)

func (r Role) String() string {
	switch r {
	case Secondary:
		return "secondary"
	case Ornament:
		return "ornament"
	}
	return "primary"
}

// MinContrast is the least WCAG 2 contrast ratio a text of role r may have
// against what is behind it: 7:1 (level AAA) for primary text, 4.5:1 (AA)
// for secondary. A TV across a bright lobby loses contrast that a monitor
// on a desk keeps, so the screen aims at the stricter level.
func (r Role) MinContrast() float64 {
	switch r {
	case Secondary:
		return 4.5
	case Ornament:
		return 1
	}
	return 7
}

// MinCap is the least cap height of a text of role r, as a share of the
// screen's short side: 3 % for primary text, 2 % for secondary. On a 50"
// TV seen from 4 m that is about 19 and 12 arc minutes, comfortably above
// the 5 arc minutes of 20/20 acuity that a three-second glance cannot rely on.
func (r Role) MinCap() float32 {
	switch r {
	case Secondary:
		return 0.02
	case Ornament:
		return 0
	}
	return 0.03
}

// Luminance is the relative luminance of c (WCAG 2), ignoring alpha.
func Luminance(c color.NRGBA) float64 {
	ch := func(v uint8) float64 {
		f := float64(v) / 255
		if f <= 0.04045 {
			return f / 12.92
		}
		return math.Pow((f+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

// Contrast is the WCAG 2 contrast ratio of a and b: 1 (none) to 21.
func Contrast(a, b color.NRGBA) float64 {
	la, lb := Luminance(a), Luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Generous ink extents of a line of text, as shares of its size, measured
// from the baseline: accented capitals and emoji reach 0.95 above it,
// descenders 0.27 below. A Mark.Rect spans them when the font cannot say
// how far the glyphs of its text really reach.
const (
	InkAscent  = 0.95
	InkDescent = 0.27
	// Colour emoji, drawn by Fyne from its bundled emoji font, rise a
	// little higher (a seedling's leaf, 🌱, reaches 1.01 at 4K) and reach
	// less far down; the two still add up to less than a line's advance.
	EmojiAscent  = 1.03
	EmojiDescent = 0.24
)

// Mark is one text as the layout placed it: what the design check reads.
type Mark struct {
	Text string
	Role Role
	Size float32 // the text size; its cap height is CapHeight × Size
	Bold bool
	// Rect is where the glyphs are: as wide as the text, from the top of
	// its tallest glyph to the bottom of its deepest.
	Rect Rect
	// Box is what the text must stay inside: its column, tile, row or pill.
	Box Rect
	// FG is the text's colour and BG the opaque colour the layout puts
	// under it, or OnPicture when that is a picture.
	FG, BG    color.NRGBA
	OnPicture bool
}

// Cap is the cap height of m's text.
func (m Mark) Cap() float32 { return CapHeight * m.Size }

// Shape is anything drawn that is not text: a picture, an avatar, a card,
// a pill, an arrow.
type Shape struct {
	What string // "picture", "circle", "rectangle", "arrow"
	Rect Rect
}

// Problem is one way a slide fails the design rules.
type Problem struct {
	Text string // the text it concerns
	Rule string // contrast, size, box, safe area, overlap
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%q: %s: %s", p.Text, p.Rule, p.Msg) }

// CheckLayout checks the laid-out texts of one screen against the design
// rules: contrast and cap height for their role, inside their box and the
// safe area, no two texts overlapping, and no text partly over a shape (a
// shape is either wholly behind a text, like a card or a pill, or clear of
// it).
func CheckLayout(s Sizes, marks []Mark, shapes []Shape) []Problem {
	var ps []Problem
	add := func(m Mark, rule, format string, args ...any) {
		ps = append(ps, Problem{Text: m.Text, Rule: rule, Msg: fmt.Sprintf(format, args...)})
	}
	short := min(s.W, s.H)
	const tol = 0.5 // half a pixel: positions are rounded when drawn
	for i, m := range marks {
		if !m.OnPicture {
			if c := Contrast(m.FG, m.BG); c < m.Role.MinContrast() {
				add(m, "contrast", "%.2f:1 against %v, %s text needs %.1f:1", c, m.BG, m.Role, m.Role.MinContrast())
			}
		}
		if c := m.Cap() / short; c < m.Role.MinCap()-1e-4 {
			add(m, "size", "cap height %.2f %% of the short side, %s text needs %.0f %%", 100*c, m.Role, 100*m.Role.MinCap())
		}
		if !m.Box.Inset(-tol).Contains(m.Rect) {
			add(m, "box", "glyphs at %v run out of their box %v", m.Rect, m.Box)
		}
		if !s.Safe.Inset(-tol).Contains(m.Rect) {
			add(m, "safe area", "glyphs at %v leave the safe area %v", m.Rect, s.Safe)
		}
		for _, o := range marks[i+1:] {
			if m.Rect.Inset(tol).Overlaps(o.Rect.Inset(tol)) {
				add(m, "overlap", "glyphs at %v overlap %q at %v", m.Rect, o.Text, o.Rect)
			}
		}
		for _, sh := range shapes {
			if sh.Rect.Inset(-tol).Contains(m.Rect) {
				continue // drawn on it
			}
			if m.Rect.Inset(tol).Overlaps(sh.Rect.Inset(tol)) {
				add(m, "overlap", "glyphs at %v run into a %s at %v", m.Rect, sh.What, sh.Rect)
			}
		}
	}
	return ps
}
