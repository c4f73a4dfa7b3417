package ui

import (
	"bytes"
	"image/color"
	"sync"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"github.com/go-text/typesetting/font"

	"lobbykiosk/kiosk/slide"
)

// Layout is what the design check (slide.CheckLayout) reads of the screen
// as it is now: its sizes, every visible text as the layout placed it (with
// its role, its box and the colour the layout puts under it), and every
// other visible object, in drawing order.
func (v *View) Layout() (slide.Sizes, []slide.Mark, []slide.Shape) {
	size := v.scr.Size()
	sz := v.sizes(size)
	notes := map[fyne.CanvasObject]note{}
	for _, n := range v.notes {
		notes[n.t] = n
	}
	// The chrome's texts: the clock in its row, the freshness mark in its
	// pill.
	s := v.scr
	notes[s.clock] = note{s.clock, slide.Secondary, sz.Chrome()}
	notes[s.staleText] = note{s.staleText, slide.Secondary, rectOf(s.staleBg, s.staleBg.Position())}
	for _, o := range s.staleLine.Objects { // the mark in a right-to-left language
		notes[o] = note{o, slide.Secondary, rectOf(s.staleBg, s.staleBg.Position())}
	}
	th := v.th.Fyne()

	var marks []slide.Mark
	var shapes []slide.Shape
	type fill struct {
		r      slide.Rect
		col    color.NRGBA
		round  bool // a circle: only its disc counts
		raster bool // a picture: the colour under it is not known
	}
	var fills []fill
	walk(v.scr, fyne.Position{}, func(o fyne.CanvasObject, pos fyne.Position) {
		r := rectOf(o, pos)
		// text is a canvas.Text, or a lineText (a line with right-to-left
		// text), which sits on the same baseline.
		text := func(txt string, size float32, bold bool, col color.Color) {
			if txt == "" {
				return
			}
			n, ok := notes[o]
			if !ok {
				n = note{o, slide.Primary, sz.Content()}
			}
			base := pos.Y + baseline(size, bold)
			asc, desc := inkExtents(th, txt, bold)
			m := slide.Mark{
				Text: txt, Role: n.role, Size: size, Bold: bold, Box: n.box,
				Rect: slide.Rect{X: r.X, Y: base - asc*size, W: o.MinSize().Width, H: (asc + desc) * size},
				FG:   toNRGBA(col),
				BG:   v.pal.bg,
			}
			cx, cy := m.Rect.X+m.Rect.W/2, m.Rect.Y+m.Rect.H/2
			for _, f := range fills {
				in := cx >= f.r.X && cx <= f.r.Right() && cy >= f.r.Y && cy <= f.r.Bottom()
				if f.round {
					dx, dy := (cx-f.r.X)/f.r.W-0.5, (cy-f.r.Y)/f.r.H-0.5
					in = dx*dx+dy*dy <= 0.25
				}
				switch {
				case !in:
				case f.raster:
					m.OnPicture = true
				default:
					m.BG, m.OnPicture = over(f.col, m.BG), m.OnPicture && f.col.A < 0xff
				}
			}
			marks = append(marks, m)
		}
		switch x := o.(type) {
		case *canvas.Text:
			text(x.Text, x.TextSize, x.TextStyle.Bold, x.Color)
		case *lineText:
			text(x.Text, x.TextSize, x.Bold, x.Color)
		case *canvas.Rectangle:
			shapes = append(shapes, slide.Shape{What: "rectangle", Rect: r})
			fills = append(fills, fill{r: r, col: toNRGBA(x.FillColor)})
		case *canvas.Circle:
			shapes = append(shapes, slide.Shape{What: "circle", Rect: r})
			fills = append(fills, fill{r: r, col: toNRGBA(x.FillColor), round: true})
		case *canvas.Raster, *canvas.Image:
			shapes = append(shapes, slide.Shape{What: "picture", Rect: r})
			fills = append(fills, fill{r: r, raster: true})
		case *canvas.Polygon:
			shapes = append(shapes, slide.Shape{What: "arrow", Rect: r})
		}
	})
	return sz, marks, shapes
}

// over composites c over the opaque colour under.
func over(c, under color.NRGBA) color.NRGBA {
	a := float32(c.A) / 255
	return mix(under, color.NRGBA{c.R, c.G, c.B, 0xff}, a)
}

func rectOf(o fyne.CanvasObject, pos fyne.Position) slide.Rect {
	s := o.Size()
	return slide.Rect{X: pos.X, Y: pos.Y, W: s.Width, H: s.Height}
}

// walk calls fn for every visible leaf object under o, in drawing order,
// with its position on screen.
func walk(o fyne.CanvasObject, off fyne.Position, fn func(o fyne.CanvasObject, pos fyne.Position)) {
	if o == nil || !o.Visible() {
		return
	}
	pos := off.Add(o.Position())
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, pos, fn)
		}
	case *screen:
		for _, c := range (&screenRenderer{s: x}).Objects() {
			walk(c, pos, fn)
		}
	default:
		fn(o, pos)
	}
}

// faces are the fonts whose glyph extents inkExtents has read: the theme's
// regular and bold faces, parsed once (about 3 MiB), and only when the
// design check asks for the layout. A new theme's font replaces them
// rather than piling up beside them.
var faces = struct {
	sync.Mutex
	m map[fyne.Resource]*font.Face // nil when unreadable
}{m: map[fyne.Resource]*font.Face{}}

// parsedFont is the parsed font of res, or nil when it cannot be read.
func parsedFont(res fyne.Resource) *font.Face {
	faces.Lock()
	defer faces.Unlock()
	if f, ok := faces.m[res]; ok {
		return f
	}
	if len(faces.m) >= 4 {
		clear(faces.m)
	}
	f, err := font.ParseTTF(bytes.NewReader(res.Content()))
	if err != nil {
		f = nil
	}
	faces.m[res] = f
	return f
}

// inkExtents is how far the glyphs of s reach above and below the baseline,
// per unit of text size, in th's font: "1" or "Reach" stand on the baseline
// and reach cap height, "Müller" has an umlaut, "pts" a descender, and "“"
// ends well above the baseline (descent is then negative). A character the
// font lacks (drawn from a fallback font: emoji, other scripts) gives the
// generous slide.InkAscent and InkDescent.
func inkExtents(th fyne.Theme, s string, bold bool) (ascent, descent float32) {
	face := parsedFont(th.Font(fyne.TextStyle{Bold: bold}))
	if face == nil {
		return slide.InkAscent, slide.InkDescent
	}
	upem := float32(face.Upem())
	top, bottom := float32(-1e9), float32(1e9)
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		gid, ok := face.NominalGlyph(r)
		if !ok && isEmoji(s) {
			return slide.EmojiAscent, slide.EmojiDescent
		}
		if !ok {
			return slide.InkAscent, slide.InkDescent
		}
		e, ok := face.GlyphExtents(gid)
		if !ok {
			return slide.InkAscent, slide.InkDescent
		}
		top = max(top, e.YBearing/upem)
		bottom = min(bottom, (e.YBearing+e.Height)/upem)
	}
	if top < bottom {
		return 0, 0
	}
	return top, -bottom
}

// isEmoji says whether s holds a pictograph the text font lacks and Fyne
// draws from its emoji font: symbols (So) outside the Latin-1 and general
// punctuation blocks the text font covers.
func isEmoji(s string) bool {
	for _, r := range s {
		if r >= 0x2190 && unicode.Is(unicode.So, r) {
			return true
		}
	}
	return false
}
