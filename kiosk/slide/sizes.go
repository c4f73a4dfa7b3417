package slide

// DefaultSafeArea is the share of each side, in per cent, that a TV may
// crop by overscan: the "title safe" margin of broadcast practice. Text,
// pills and numbers stay inside it; only the background and the bleed of
// pictures may reach into it. A screen set to "Just Scan" (or a monitor)
// shows everything and can use 0.
const DefaultSafeArea = 5

// minMargin is the margin, in units, that the layout keeps from the screen's
// edge even with no safe area at all: text against the bezel looks cut off.
const minMargin = 4

// Sizes are every text size, margin and box size of the screen, derived from
// the window size and the safe area alone so that 720p, 1080p, 4K and
// portrait all look alike. The unit is 1 % of the shorter side: a rotated TV
// keeps the same type size as the same TV on its side, because its pixel
// pitch does not change.
//
// Text sizes are chosen so the capitals of every text are tall enough to be
// read from across a lobby: primary text (what a glance is for: the post,
// names, numbers, titles) has a cap height of at least 3 % of the short side
// (MinPrimary), secondary text (bylines, ages, pills, periods, the clock)
// at least 2 % (Small). The cap height of the bundled Noto Sans is 0.714 of
// the text size (CapHeight).
type Sizes struct {
	W, H     float32
	Unit     float32 // 1 % of min(W, H)
	Portrait bool
	// Safe is what a TV that crops SafeArea per cent of each side still
	// shows: every text, pill and number is inside it.
	Safe     Rect
	SafeArea float32

	Band   float32 // height of the chrome row (logo, clock, freshness) at the top of Safe
	Gap    float32 // space between blocks
	Radius float32 // corner radius of pictures and cards

	Small      float32 // secondary text: bylines, ages, pills, periods, points in lists
	MinPrimary float32 // the smallest primary text may shrink to
	Body       float32 // running text: at least 4 % of the height at 1920×1080
	Name       float32 // person's name
	Title      float32 // slide titles, the largest text of a text-only post
	Huge       float32 // the numbers on the wins slide

	Avatar      float32 // diameter of the post author's disc
	AvatarSmall float32 // diameter in lists
	LineHeight  float32 // line advance as a multiple of the text size
}

// CapHeight is the cap height of the bundled font (Noto Sans, OS/2
// sCapHeight 714 of 1000 units) as a share of the text size. The design
// check measures it on rendered pixels too.
const CapHeight = 0.714

// SizesFor derives Sizes from a window of w×h (in Fyne units) with the
// default safe area.
func SizesFor(w, h float32) Sizes { return SizesIn(w, h, DefaultSafeArea) }

// SizesIn derives Sizes from a window of w×h and a safe area of safeArea per
// cent of each side (0 to 20).
func SizesIn(w, h, safeArea float32) Sizes {
	u := min(w, h) / 100
	safeArea = max(0, min(safeArea, 20))
	ix := max(w*safeArea/100, minMargin*u)
	iy := max(h*safeArea/100, minMargin*u)
	return Sizes{
		W: w, H: h, Unit: u, Portrait: h > w,
		Safe:     Rect{X: ix, Y: iy, W: max(0, w-2*ix), H: max(0, h-2*iy)},
		SafeArea: safeArea,

		Band:   6 * u,
		Gap:    3.5 * u,
		Radius: 2.6 * u,

		// 3.2 × 0.714 = 2.3 % cap height; 4.3 × 0.714 = 3.07 %.
		Small:      3.2 * u,
		MinPrimary: 4.3 * u,
		Body:       4.4 * u,
		Name:       5 * u,
		Title:      6.6 * u,
		Huge:       13 * u,

		Avatar:      12 * u,
		AvatarSmall: 7.2 * u,
		LineHeight:  1.28,
	}
}

// Rect is a box in window coordinates.
type Rect struct{ X, Y, W, H float32 }

// Right and Bottom are the far edges.
func (r Rect) Right() float32  { return r.X + r.W }
func (r Rect) Bottom() float32 { return r.Y + r.H }

// Contains reports whether o lies inside r (edges included).
func (r Rect) Contains(o Rect) bool {
	const eps = 0.01
	return o.X >= r.X-eps && o.Y >= r.Y-eps && o.Right() <= r.Right()+eps && o.Bottom() <= r.Bottom()+eps
}

// Overlaps reports whether r and o share any area.
func (r Rect) Overlaps(o Rect) bool {
	const eps = 0.01
	return r.W > 0 && r.H > 0 && o.W > 0 && o.H > 0 &&
		r.X < o.Right()-eps && o.X < r.Right()-eps && r.Y < o.Bottom()-eps && o.Y < r.Bottom()-eps
}

// Inset shrinks r by d on every side.
func (r Rect) Inset(d float32) Rect {
	return Rect{r.X + d, r.Y + d, max(0, r.W-2*d), max(0, r.H-2*d)}
}

// Chrome is the row at the top of the safe area that holds the logo, the
// clock and the freshness mark.
func (s Sizes) Chrome() Rect {
	return Rect{X: s.Safe.X, Y: s.Safe.Y, W: s.Safe.W, H: s.Band}
}

// Content is the area a slide may draw in: inside the safe area, below the
// chrome row.
func (s Sizes) Content() Rect {
	top := s.Safe.Y + s.Band + 2*s.Unit
	return Rect{X: s.Safe.X, Y: top, W: s.Safe.W, H: max(0, s.Safe.Bottom()-top)}
}

// PostBoxes are the regions of a post slide.
type PostBoxes struct {
	Quote   bool // text-only layout: centred text, author below it
	Picture Rect // zero when Quote
	Header  Rect // avatar, name, handle, network mark
	Text    Rect
	Footer  Rect // age
}

// PostLayout splits the content area of a post slide. With a picture:
// picture left and a text column right (landscape), or picture on top and
// text below (portrait). Without one, a centred quote with the author under it.
func PostLayout(s Sizes, picture bool) PostBoxes {
	c := s.Content()
	foot := PillHeight(s.Small)
	if !picture {
		header := s.Avatar
		text := Rect{X: c.X + c.W*0.08, Y: c.Y + s.Title*1.2, W: c.W * 0.84}
		text.H = c.Bottom() - header - 2*s.Gap - text.Y
		if s.Portrait {
			text = Rect{X: c.X, Y: c.Y + s.Title*1.4, W: c.W}
			text.H = c.Bottom() - header - 2*s.Gap - text.Y
		}
		return PostBoxes{
			Quote:  true,
			Text:   text,
			Header: Rect{X: c.X, Y: c.Bottom() - header, W: c.W, H: header},
		}
	}
	var b PostBoxes
	var col Rect
	if s.Portrait {
		b.Picture = Rect{X: c.X, Y: c.Y, W: c.W, H: c.H * 0.44}
		col = Rect{X: c.X, Y: b.Picture.Bottom() + 1.4*s.Gap, W: c.W}
		col.H = c.Bottom() - col.Y
	} else {
		b.Picture = Rect{X: c.X, Y: c.Y, W: c.W * 0.46, H: c.H}
		col = Rect{X: b.Picture.Right() + 1.6*s.Gap, Y: c.Y, H: c.H}
		col.W = c.Right() - col.X
	}
	b.Header = Rect{X: col.X, Y: col.Y, W: col.W, H: s.Avatar}
	b.Footer = Rect{X: col.X, Y: col.Bottom() - foot, W: col.W, H: foot}
	b.Text = Rect{X: col.X, Y: b.Header.Bottom() + 1.2*s.Gap, W: col.W}
	b.Text.H = max(0, b.Footer.Y-s.Gap-b.Text.Y)
	return b
}

// PillHeight is the height of a pill (a network mark) whose label is size.
func PillHeight(size float32) float32 { return size * 1.75 }

// HeadedLayout splits the content area of the wins and leaderboard slides
// into a heading row and the body below it.
func HeadedLayout(s Sizes) (heading, body Rect) {
	c := s.Content()
	hh := s.Title * 1.3
	heading = Rect{X: c.X, Y: c.Y, W: c.W, H: hh}
	body = Rect{X: c.X, Y: c.Y + hh + s.Gap, W: c.W, H: max(0, c.H-hh-s.Gap)}
	return heading, body
}

// WinsGrid places n (1 to MaxWins) tiles in area, a layout for each count.
// Landscape: one tile fills the area; two stand side by side; three are a
// large tile (the first metric) beside two stacked ones; four make a 2×2
// grid. Portrait: a column, of cards no taller than three quarters of
// their width, in the middle of the area.
func WinsGrid(s Sizes, area Rect, n int) []Rect {
	if n <= 0 {
		return nil
	}
	g := s.Gap
	if n == 3 && !s.Portrait {
		hero := Rect{X: area.X, Y: area.Y, W: (area.W - g) * 0.56, H: area.H}
		x := hero.Right() + g
		w := area.Right() - x
		h := (area.H - g) / 2
		return []Rect{hero, {X: x, Y: area.Y, W: w, H: h}, {X: x, Y: area.Y + h + g, W: w, H: h}}
	}
	cols, rows := min(n, 2), (n+1)/2
	if s.Portrait {
		cols, rows = 1, n
	}
	w := (area.W - g*float32(cols-1)) / float32(cols)
	h := (area.H - g*float32(rows-1)) / float32(rows)
	// On a portrait screen one or two tiles would stretch into tall empty
	// cards: they keep a landscape shape and stand in the middle.
	top := area.Y
	if s.Portrait {
		h = min(h, w*0.75)
		top += (area.H - (h*float32(rows) + g*float32(rows-1))) / 2
	}
	out := make([]Rect, 0, n)
	for i := 0; i < n; i++ {
		c, r := i%cols, i/cols
		out = append(out, Rect{X: area.X + float32(c)*(w+g), Y: top + float32(r)*(h+g), W: w, H: h})
	}
	return out
}

// BoardBoxes are the regions of the leaderboard slide.
type BoardBoxes struct {
	Podium Rect
	List   Rect // the next places
	Mover  Rect // the callout; zero height when there is no mover
}

// BoardLayout places the podium left and the list right (landscape), or the
// podium above the list (portrait), with the mover callout under the list.
func BoardLayout(s Sizes, body Rect, rest int, mover bool) BoardBoxes {
	moverH := float32(0)
	if mover {
		moverH = s.AvatarSmall + 3.2*s.Unit
	}
	var b BoardBoxes
	var side Rect
	if s.Portrait {
		if rest == 0 && !mover {
			b.Podium = body
			return b
		}
		b.Podium = Rect{X: body.X, Y: body.Y, W: body.W, H: body.H * 0.45}
		side = Rect{X: body.X, Y: b.Podium.Bottom() + 1.5*s.Gap, W: body.W}
		side.H = body.Bottom() - side.Y
	} else {
		if rest == 0 && !mover {
			b.Podium = body
			return b
		}
		b.Podium = Rect{X: body.X, Y: body.Y, W: body.W * 0.49, H: body.H}
		side = Rect{X: b.Podium.Right() + 2*s.Gap, Y: body.Y, H: body.H}
		side.W = body.Right() - side.X
	}
	if mover {
		b.Mover = Rect{X: side.X, Y: side.Bottom() - moverH, W: side.W, H: moverH}
		side.H = max(0, side.H-moverH-s.Gap)
	}
	b.List = side
	return b
}

// PodiumSlot is the column (0 = left, 1 = middle, 2 = right) of the i-th
// podium place: 2nd, 1st, 3rd from left to right, as on a real podium, so a
// lone winner stands in the middle.
func PodiumSlot(i int) int {
	switch i {
	case 0:
		return 1
	case 1:
		return 0
	}
	return 2
}

// PodiumHeight is the height of a place's block as a share of the podium
// area's height.
func PodiumHeight(rank int) float32 {
	switch rank {
	case 1:
		return 0.42
	case 2:
		return 0.32
	}
	return 0.24
}
