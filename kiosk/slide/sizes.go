package slide

// Sizes are every text size, margin and box size of the screen, derived from
// the window size alone so that 720p, 1080p, 4K and portrait all look alike.
// The unit is 1 % of the shorter side: a rotated TV keeps the same type size
// as the same TV on its side, because its pixel pitch does not change.
type Sizes struct {
	W, H     float32
	Unit     float32 // 1 % of min(W, H)
	Portrait bool

	Pad    float32 // outer margin left, right and bottom
	Top    float32 // height of the top band holding logo, clock, freshness
	Gap    float32 // space between blocks
	Radius float32 // corner radius of pictures and cards

	Small float32 // chrome, handles, ages, periods
	Body  float32 // running text: at least 4 % of the height at 1920×1080
	Name  float32 // person's name
	Title float32 // slide titles, the largest text of a text-only post
	Huge  float32 // the numbers on the wins slide

	Avatar      float32 // diameter of the post author's disc
	AvatarSmall float32 // diameter in lists
	LineHeight  float32 // line advance as a multiple of the text size
}

// SizesFor derives Sizes from a window of w×h (in Fyne units).
func SizesFor(w, h float32) Sizes {
	u := min(w, h) / 100
	return Sizes{
		W: w, H: h, Unit: u, Portrait: h > w,

		Pad:    6 * u,
		Top:    11 * u,
		Gap:    3.5 * u,
		Radius: 2.6 * u,

		Small: 3 * u,
		Body:  4.4 * u,
		Name:  5 * u,
		Title: 6.6 * u,
		Huge:  13 * u,

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

// Inset shrinks r by d on every side.
func (r Rect) Inset(d float32) Rect {
	return Rect{r.X + d, r.Y + d, max(0, r.W-2*d), max(0, r.H-2*d)}
}

// Content is the area a slide may draw in: inside the margins, below the top
// band.
func (s Sizes) Content() Rect {
	return Rect{X: s.Pad, Y: s.Top, W: max(0, s.W-2*s.Pad), H: max(0, s.H-s.Top-s.Pad)}
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
	foot := s.Small * 1.6
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

// HeadedLayout splits the content area of the wins and leaderboard slides
// into a heading row and the body below it.
func HeadedLayout(s Sizes) (heading, body Rect) {
	c := s.Content()
	hh := s.Title * 1.3
	heading = Rect{X: c.X, Y: c.Y, W: c.W, H: hh}
	body = Rect{X: c.X, Y: c.Y + hh + s.Gap, W: c.W, H: max(0, c.H-hh-s.Gap)}
	return heading, body
}

// WinsGrid places n tiles in area: a row of up to three in landscape (four
// make a 2×2 grid), a column in portrait.
func WinsGrid(s Sizes, area Rect, n int) []Rect {
	if n <= 0 {
		return nil
	}
	cols, rows := n, 1
	switch {
	case s.Portrait:
		cols, rows = 1, n
	case n == 4:
		cols, rows = 2, 2
	}
	g := s.Gap
	w := (area.W - g*float32(cols-1)) / float32(cols)
	h := (area.H - g*float32(rows-1)) / float32(rows)
	out := make([]Rect, 0, n)
	for i := 0; i < n; i++ {
		c, r := i%cols, i/cols
		out = append(out, Rect{X: area.X + float32(c)*(w+g), Y: area.Y + float32(r)*(h+g), W: w, H: h})
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
		moverH = s.AvatarSmall + 2.4*s.Unit
	}
	var b BoardBoxes
	var side Rect
	if s.Portrait {
		b.Podium = Rect{X: body.X, Y: body.Y, W: body.W, H: body.H * 0.5}
		side = Rect{X: body.X, Y: b.Podium.Bottom() + 1.5*s.Gap, W: body.W}
		side.H = body.Bottom() - side.Y
	} else {
		if rest == 0 && !mover {
			b.Podium = body
			return b
		}
		b.Podium = Rect{X: body.X, Y: body.Y, W: body.W * 0.5, H: body.H}
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
