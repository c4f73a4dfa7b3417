// Package typeset lays out and paints one line of text in any script, for
// the lines Fyne's own text cannot draw right: Fyne shapes each font run
// of a canvas.Text and places the runs left to right in logical order, so
// a Hebrew line with a number or a "!" comes out segment by segment in the
// wrong order. Here a line is ordered by the Unicode Bidirectional
// Algorithm (package bidi), each run of one direction is cut where the
// script or the font changes, every right-to-left run is shaped right to
// left with HarfBuzz (go-text), so Arabic letters join, and the pieces are
// painted with go-text's rasterizer, the one Fyne uses. Latin, digits and
// punctuation come from Fyne's bundled Noto Sans, so a mixed line looks
// like the rest of the screen; other scripts from the installed face that
// covers the whole word (package fonts).
package typeset

import (
	"image/color"
	"image/draw"
	"unicode"

	"github.com/go-text/render"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"

	"lobbykiosk/kiosk/bidi"
	"lobbykiosk/kiosk/fonts"
)

// Line is a line of text shaped at one size, ready to measure and paint.
type Line struct {
	Text string
	Size float32
	// Width is the advance of the whole line; Height and Ascent are those
	// of the bundled Noto Sans at Size, as for Fyne's canvas.Text, so a
	// line drawn here sits on the same baseline as its neighbours.
	Width, Height, Ascent float32
	runs                  []shaping.Output // in display order, left to right
}

// Shape lays out s at size (in the units the caller measures in).
func Shape(s string, size float32, bold bool) *Line {
	l := &Line{Text: s, Size: size}
	primary := fonts.Bundled(bold, false)
	if primary == nil {
		return l
	}
	var sh shaping.HarfbuzzShaper
	sz := fixed.Int26_6(size * 64)
	space := sh.Shape(shaping.Input{Text: []rune{' '}, RunEnd: 1, Direction: di.DirectionLTR, Face: primary, Size: sz})
	l.Ascent = float32(space.LineBounds.Ascent) / 64
	l.Height = float32(space.LineBounds.LineThickness()) / 64
	for _, run := range bidi.Runs(s) {
		items := split([]rune(run.Text), primary, bold)
		dir := di.DirectionLTR
		if run.RTL {
			dir = di.DirectionRTL
			// Shaped right to left, each piece's glyphs come out in display
			// order; the pieces themselves go right to left too.
			for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
				items[i], items[j] = items[j], items[i]
			}
		}
		for _, it := range items {
			out := sh.Shape(shaping.Input{
				Text: it.text, RunStart: 0, RunEnd: len(it.text),
				Direction: dir, Face: it.face, Size: sz, Script: it.script,
			})
			l.runs = append(l.runs, out)
			l.Width += float32(out.Advance) / 64
		}
	}
	return l
}

// Draw paints the line into dst with its left end at x and its baseline at
// y, both in dst's pixels, scale pixels per unit of Size.
func (l *Line) Draw(dst draw.Image, x, y, scale float32, col color.Color) {
	r := render.Renderer{FontSize: l.Size, PixScale: scale, Color: col}
	for _, out := range l.runs {
		r.DrawShapedRunAt(out, dst, int(x), int(y))
		x += float32(out.Advance) / 64 * scale
	}
}

// item is a piece of a run in one face and script.
type item struct {
	text   []rune
	face   *font.Face
	script language.Script
}

// split cuts a run of one direction where the face or the script changes.
// A word of a script the bundled font lacks gets one installed face that
// covers all of it, so its letters are shaped together; punctuation and
// spaces stay in the face of the word around them when that face has them.
func split(rs []rune, primary *font.Face, bold bool) []item {
	scripts := resolveScripts(rs)
	faces := make([]*font.Face, len(rs))
	for start := 0; start < len(rs); {
		end := start
		for end < len(rs) && scripts[end] == scripts[start] {
			end++
		}
		var need []rune
		for _, r := range rs[start:end] {
			if !has(primary, r) && !unicode.IsSpace(r) {
				need = append(need, r)
			}
		}
		var word *font.Face
		if len(need) > 0 {
			word = fonts.Face(need, bold)
		}
		for i := start; i < end; i++ {
			faces[i] = pick(rs[i], word, primary, bold)
		}
		start = end
	}
	var out []item
	for i, r := range rs {
		if n := len(out); n > 0 && out[n-1].face == faces[i] && out[n-1].script == scripts[i] {
			out[n-1].text = append(out[n-1].text, r)
			continue
		}
		out = append(out, item{text: []rune{r}, face: faces[i], script: scripts[i]})
	}
	// Spaces and marks need no face of their own: they join the piece
	// before them, so a space between two Arabic words is not a piece in
	// Noto Sans that would split the run.
	return out
}

// pick is the face for r: the word's, Noto Sans, the emoji font, any
// installed face with r, and Noto Sans (a box) when nothing has it.
func pick(r rune, word, primary *font.Face, bold bool) *font.Face {
	if word != nil && (has(word, r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)) {
		return word
	}
	if has(primary, r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
		return primary
	}
	if e := fonts.Bundled(false, true); e != nil && has(e, r) {
		return e
	}
	if f := fonts.Face([]rune{r}, bold); f != nil {
		return f
	}
	return primary
}

func has(f *font.Face, r rune) bool {
	if f == nil {
		return false
	}
	_, ok := f.NominalGlyph(r)
	return ok
}

// resolveScripts gives each rune its script, Common and Inherited ones
// (spaces, punctuation, marks) taking the script of the text before them,
// or after them at the start.
func resolveScripts(rs []rune) []language.Script {
	out := make([]language.Script, len(rs))
	cur := language.Unknown
	for i, r := range rs {
		s := language.LookupScript(r)
		if s == language.Common || s == language.Inherited || s == language.Unknown {
			s = cur
		}
		out[i], cur = s, s
	}
	// Leading neutral runes take the first real script.
	first := language.Common
	for _, s := range out {
		if s != language.Unknown {
			first = s
			break
		}
	}
	for i := range out {
		if out[i] != language.Unknown {
			break
		}
		out[i] = first
	}
	return out
}
