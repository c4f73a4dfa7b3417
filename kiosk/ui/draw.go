package ui

import (
	"image"
	"image/color"
	"math"
	"reflect"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	lru "github.com/hashicorp/golang-lru/v2"

	"lobbykiosk/feeds/images"
	"lobbykiosk/kiosk/bidi"
	"lobbykiosk/kiosk/slide"
	"lobbykiosk/kiosk/typeset"
)

// builder lays out one slide as absolutely positioned canvas objects for one
// window size. A slide is rebuilt only when it changes or the window is
// resized, so the objects need no layout of their own.
type builder struct {
	sz    slide.Sizes
	p     palette
	scale float32 // device pixels per Fyne unit; 0 means 1
	objs  []fyne.CanvasObject
	// notes say, for every text, how much it matters to a reader and the
	// box it must stay inside (the design check reads them); box is the
	// box of the texts being placed now, the content area when zero.
	notes []note
	box   slide.Rect
}

// note is what the layout means by one text.
type note struct {
	t    fyne.CanvasObject // a *canvas.Text or a *lineText
	role slide.Role
	box  slide.Rect
}

func (b *builder) add(o ...fyne.CanvasObject) { b.objs = append(b.objs, o...) }

// within makes r the box of the texts placed until the returned func runs:
// defer b.within(tile)().
func (b *builder) within(r slide.Rect) func() {
	old := b.box
	b.box = r
	return func() { b.box = old }
}

func style(bold bool) fyne.TextStyle { return fyne.TextStyle{Bold: bold} }

// measure is slide.Measure for the app's current font.
func measure(bold bool) func(s string, size float32) (w, h float32) {
	return func(s string, size float32) (float32, float32) {
		m := measured(s, size, bold)
		return m.Width, m.Height
	}
}

func textWidth(s string, size float32, bold bool) float32 {
	return measured(s, size, bold).Width
}

// measureKey names one measurement in the current theme's font.
type measureKey struct {
	s    string
	size float32
	bold bool
}

// measures remembers text measurements. Fitting a post's text tries many
// sizes and line breaks, and each try shapes the text again; that was a
// sixth of the CPU a slide costs when it comes on screen. The rotation
// comes round to the same texts, so after the first round fitting is
// nearly free. Only the Fyne thread measures, but a cache that locks
// costs nothing next to shaping.
var (
	measures, _ = lru.New[measureKey, fyne.Size](8192)
	// measuredIn is the theme the cached measurements were taken in. A
	// theme carries the font, so a new one from headquarters empties the
	// cache, and the old theme (with its logo) is not kept alive by it.
	measuredIn fyne.Theme
)

func measured(s string, size float32, bold bool) fyne.Size {
	var th fyne.Theme
	if a := fyne.CurrentApp(); a != nil {
		th = a.Settings().Theme()
	}
	if th != nil && !reflect.TypeOf(th).Comparable() {
		return measureNow(s, size, bold) // cannot tell whether it changed
	}
	if th != measuredIn {
		measures.Purge()
		measuredIn = th
	}
	k := measureKey{s, size, bold}
	if m, ok := measures.Get(k); ok {
		return m
	}
	m := measureNow(s, size, bold)
	measures.Add(k, m)
	return m
}

// measureNow measures s the way it will be drawn: by typeset for a line
// with right-to-left text, else by Fyne.
func measureNow(s string, size float32, bold bool) fyne.Size {
	if needsTypeset(s) {
		l := shaped(s, size, bold)
		return fyne.NewSize(l.Width, l.Height)
	}
	return fyne.MeasureText(s, size, style(bold))
}

// lines remembers shaped right-to-left and mixed lines: fitting measures a
// line at several sizes, and drawing it needs the shaping again.
var typesetLines, _ = lru.New[measureKey, *typeset.Line](512)

func shaped(s string, size float32, bold bool) *typeset.Line {
	k := measureKey{s, size, bold}
	if l, ok := typesetLines.Get(k); ok {
		return l
	}
	l := typeset.Shape(s, size, bold)
	typesetLines.Add(k, l)
	return l
}

// lineH is the height of a text object (one line) at size.
func lineH(size float32, bold bool) float32 {
	return measured("Ag", size, bold).Height
}

// baseline is the distance from a text object's top to its baseline.
func baseline(size float32, bold bool) float32 {
	_, base := fyne.CurrentApp().Driver().RenderedTextSize("Ag", size, style(bold), nil)
	return base
}

// capTop is the distance from a text object's top to the top of its capitals:
// what the eye aligns with, not the object's box.
func capTop(size float32, bold bool) float32 {
	return baseline(size, bold) - slide.CapHeight*size
}

// capsAt is the y at which to place a text object so that its capitals are
// centred on mid.
func capsAt(size float32, bold bool, mid float32) float32 {
	return mid - (capTop(size, bold)+baseline(size, bold))/2
}

// text places s with its top-left at x, y, sized to its content. role says
// how much it matters to a reader (slide.Role): it picks no colour or size,
// it tells the design check what to hold the text to. A line with
// right-to-left text is laid out by package typeset (lineText), the rest is
// a canvas.Text.
func (b *builder) text(role slide.Role, s string, size float32, col color.Color, bold bool, x, y float32) fyne.CanvasObject {
	box := b.box
	if box.W <= 0 {
		box = b.sz.Content()
	}
	if needsTypeset(s) {
		t := newLineText(s, size, col, bold)
		t.Move(fyne.NewPos(x, y))
		t.Resize(t.MinSize())
		b.add(t)
		b.notes = append(b.notes, note{t, role, box})
		return t
	}
	t := canvas.NewText(s, col)
	t.TextSize = size
	t.TextStyle = style(bold)
	t.Move(fyne.NewPos(x, y))
	t.Resize(t.MinSize())
	b.add(t)
	b.notes = append(b.notes, note{t, role, box})
	return t
}

// textCentered centres s horizontally in [x, x+w].
func (b *builder) textCentered(role slide.Role, s string, size float32, col color.Color, bold bool, x, y, w float32) fyne.CanvasObject {
	t := b.text(role, s, size, col, bold, x, y)
	mw := t.MinSize().Width
	t.Move(fyne.NewPos(x+(w-mw)/2, y))
	return t
}

// textRight places s so that it ends at right.
func (b *builder) textRight(role slide.Role, s string, size float32, col color.Color, bold bool, right, y float32) fyne.CanvasObject {
	t := b.text(role, s, size, col, bold, right, y)
	t.Move(fyne.NewPos(right-t.MinSize().Width, y))
	return t
}

func (b *builder) rect(col color.Color, r slide.Rect, radius float32) *canvas.Rectangle {
	rc := canvas.NewRectangle(col)
	rc.CornerRadius = radius
	rc.Move(fyne.NewPos(r.X, r.Y))
	rc.Resize(fyne.NewSize(r.W, r.H))
	b.add(rc)
	return rc
}

// picture draws img cover-cropped (never stretched) with rounded corners,
// on fill (what shows through a transparent picture, or the band beside a
// picture Cover fitted rather than cut) and with its corners rounded onto
// ground (the colour under the picture's box: the window's background, a
// row, a callout).
//
// It is cropped and scaled here to the pixels it covers, so the painter
// uploads it as it is: left to the painter, every new texture is scaled
// with Catmull-Rom on the render thread from a full-size copy. Its box is
// snapped to whole device pixels and it is sampled with ImageScalePixels
// (GL_NEAREST): each texel lands on one pixel, so nothing is filtered,
// and under software GL a nearest-neighbour fetch costs less per pixel
// than a bilinear one on every repaint.
//
// And it is opaque: fill and ground are composited into its pixels here,
// once, instead of a rounded rectangle drawn behind it on every repaint
// (under software GL a blended layer the size of the picture is a pass
// over all its pixels per frame).
//
// It is a Raster, not an Image: Fyne refreshes every new canvas.Image
// once more after its first frame (in case the window's scale changed),
// which frees the texture just made and paints the whole window a second
// time, a whole frame of software rendering for nothing.
func (b *builder) picture(img image.Image, r slide.Rect, radius float32, fill, ground color.NRGBA) *canvas.Raster {
	scale := b.scale
	if scale <= 0 {
		scale = 1
	}
	px := snapRect(r, scale)
	pw, ph := int(px.W*scale+0.5), int(px.H*scale+0.5)
	pix := images.Cover(img, pw, ph)
	flatten(pix, fill)
	roundCorners(pix, float64(radius*scale), ground)
	ra := canvas.NewRaster(func(int, int) image.Image { return pix })
	ra.ScaleMode = canvas.ImageScalePixels // drawn at its own size, texel for pixel
	ra.Move(fyne.NewPos(px.X, px.Y))
	ra.Resize(fyne.NewSize(px.W, px.H))
	b.add(ra)
	return ra
}

// snapRect moves r's edges to the nearest device pixel (scale pixels per
// unit), so that the painter, which rounds both edges the same way, draws
// exactly as many pixels as the picture has.
func snapRect(r slide.Rect, scale float32) slide.Rect {
	snap := func(v float32) float32 { return float32(math.Round(float64(v*scale))) / scale }
	x0, y0, x1, y1 := snap(r.X), snap(r.Y), snap(r.X+r.W), snap(r.Y+r.H)
	return slide.Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}
}

// flatten composites m (premultiplied) onto the opaque colour c: every
// pixel becomes opaque, looking as it did drawn over c.
func flatten(m *image.RGBA, c color.NRGBA) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for y := range h {
		i := m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y+y)
		row := m.Pix[i : i+4*w : i+4*w]
		for j := 0; j < len(row); j += 4 {
			a := row[j+3]
			if a == 0xff {
				continue
			}
			k := uint32(0xff - a)
			row[j] += uint8((uint32(c.R)*k + 127) / 0xff)
			row[j+1] += uint8((uint32(c.G)*k + 127) / 0xff)
			row[j+2] += uint8((uint32(c.B)*k + 127) / 0xff)
			row[j+3] = 0xff
		}
	}
}

// roundCorners rounds the corners of the opaque m onto the colour c
// outside a circle of radius r, with a one-pixel soft edge: a corner pixel
// is the picture's where the circle covers it, c where it does not, and a
// mix on the arc. m stays opaque.
func roundCorners(m *image.RGBA, r float64, c color.NRGBA) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	r = min(r, float64(w)/2, float64(h)/2)
	n := int(math.Ceil(r))
	under := [4]float64{float64(c.R), float64(c.G), float64(c.B), 0xff}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			// Distance from the pixel's centre to the corner circle's.
			dx, dy := r-(float64(x)+0.5), r-(float64(y)+0.5)
			cover := r - math.Hypot(dx, dy) + 0.5
			if dx <= 0 || dy <= 0 || cover >= 1 {
				continue
			}
			cover = max(cover, 0)
			for _, p := range [4][2]int{{x, y}, {w - 1 - x, y}, {x, h - 1 - y}, {w - 1 - x, h - 1 - y}} {
				i := m.PixOffset(m.Rect.Min.X+p[0], m.Rect.Min.Y+p[1])
				for ch := range 4 {
					m.Pix[i+ch] = uint8(float64(m.Pix[i+ch])*cover + under[ch]*(1-cover) + 0.5)
				}
			}
		}
	}
}

// avatar draws a round photo, or the initials on a coloured disc; ground
// is the colour the disc stands on.
func (b *builder) avatar(img image.Image, initials string, col color.NRGBA, x, y, d float32, ground color.NRGBA) {
	if slide.UsableAvatar(img) {
		b.picture(img, slide.Rect{X: x, Y: y, W: d, H: d}, d/2, ground, ground)
		return
	}
	// The disc is darkened where the person's colour is too light for
	// white initials.
	c := canvas.NewCircle(under(col, white, secondaryContrast))
	c.Move(fyne.NewPos(x, y))
	c.Resize(fyne.NewSize(d, d))
	b.add(c)
	if initials == "" {
		return
	}
	defer b.within(slide.Rect{X: x, Y: y, W: d, H: d})()
	// Initials are secondary text: never under its floor, even in a list's
	// small disc, where two wide letters ("WM") may then fill more of it.
	least := 2.9 * b.sz.Unit
	size := max(d*0.4, least)
	if n := len([]rune(initials)); n == 1 {
		size = max(d*0.46, least)
	}
	size = slide.LargestSize(size, min(least, size), d*0.8, func(s float32) float32 { return textWidth(initials, s, true) })
	// Centre the capitals, not the text box, in the disc.
	ty := capsAt(size, true, y+d/2)
	b.textCentered(slide.Secondary, initials, size, white, true, x, ty, d)
}

// networkPill draws a post's network mark, white on the network's colour
// (darkened where white would not stand out on it); it returns its size.
func (b *builder) networkPill(network, label string, x, y, size float32) (w, h float32) {
	pad := size * 0.7
	w, h = pillSize(label, size)
	r := slide.Rect{X: x, Y: y, W: w, H: h}
	b.rect(under(slide.NetworkColor(network), white, secondaryContrast), r, h/2)
	defer b.within(r)()
	b.text(slide.Secondary, label, size, white, true, x+pad, capsAt(size, true, y+h/2))
	return w, h
}

// pillSize is the size a pill with label at size takes.
func pillSize(label string, size float32) (w, h float32) {
	return textWidth(label, size, true) + 1.4*size, slide.PillHeight(size)
}

// trend draws the arrow of a change, as tall as h, at x, y; it returns its
// width (0 for no trend).
func (b *builder) trend(t slide.Trend, col color.Color, x, y, h float32) float32 {
	switch t {
	case slide.TrendUp, slide.TrendDown:
		tri := canvas.NewPolygon(3, col)
		tri.CornerRadius = h * 0.12
		// A regular triangle inscribed in a circle of diameter d is 0.75 d
		// tall and 0.87 d wide: pointing up it fills the top three quarters
		// of its box, pointing down the bottom three.
		d := h / 0.75
		top := y
		if t == slide.TrendDown {
			tri.Angle = 180
			top = y - 0.25*d
		}
		tri.Move(fyne.NewPos(x-0.067*d, top))
		tri.Resize(fyne.NewSize(d, d))
		b.add(tri)
		return 0.866 * d
	case slide.TrendFlat:
		w := h * 0.9
		b.rect(col, slide.Rect{X: x, Y: y + h/2 - h*0.11, W: w, H: h * 0.22}, h*0.11)
		return w
	}
	return 0
}

func (b *builder) trendColor(t slide.Trend) color.NRGBA {
	switch t {
	case slide.TrendUp:
		return b.p.up
	case slide.TrendDown:
		return b.p.down
	}
	return b.p.flat
}

// lines draws wrapped lines from y, every lh×size, centred in [x, x+w] or
// aligned to the side their paragraph starts from: left, or right for a
// right-to-left paragraph.
func (b *builder) lines(role slide.Role, ls []string, size float32, col color.Color, bold, center bool, x, y, w float32) {
	for i, l := range ls {
		ly := y + float32(i)*size*b.sz.LineHeight
		switch {
		case center:
			b.textCentered(role, l, size, col, bold, x, ly, w)
		case bidi.IsRTL(l):
			b.textRight(role, l, size, col, bold, x+w, ly)
		default:
			b.text(role, l, size, col, bold, x, ly)
		}
	}
}

// heading draws a slide title with an accent bar, page dots when the slide
// is one of pages (> 1), and, right-aligned, a note (the period).
func (b *builder) heading(r slide.Rect, title, note string, page, pages int) {
	s := b.sz
	defer b.within(r)()
	bar := slide.Rect{X: r.X, Y: r.Y + r.H*0.5 - s.Title*0.36, W: s.Unit * 0.9, H: s.Title * 0.72}
	b.rect(b.p.accent, bar, bar.W/2)
	x := bar.Right() + s.Unit*2.2
	noteW := float32(0)
	if note != "" {
		size, line := slide.FitLine(note, s.Body, s.Small, r.W*0.4, measure(false))
		noteW = textWidth(line, size, false)
		b.textRight(slide.Secondary, line, size, b.p.muted, false, r.Right(), capsAt(size, false, r.Y+r.H*0.5))
	}
	dot, dotGap := s.Unit*1.4, s.Unit*1.2
	dotsW := float32(0)
	if pages > 1 {
		dotsW = float32(pages)*dot + float32(pages-1)*dotGap + s.Unit*3
	}
	size, line := slide.FitLine(title, s.Title, s.MinPrimary, r.Right()-x-noteW-s.Gap-dotsW, measure(true))
	t := b.text(slide.Primary, line, size, b.p.text, true, x, capsAt(size, true, r.Y+r.H*0.5))
	if pages > 1 {
		// Which of the wins slides this is: filled for this one.
		dx := t.Position().X + t.MinSize().Width + s.Unit*3
		for i := range pages {
			c := canvas.NewCircle(withAlpha(b.p.muted, 0x60))
			if i == page {
				c.FillColor = b.p.accent
			}
			c.Move(fyne.NewPos(dx, r.Y+r.H*0.5-dot/2))
			c.Resize(fyne.NewSize(dot, dot))
			b.add(c)
			dx += dot + dotGap
		}
	}
}

// build draws s for the current size.
func (b *builder) build(s slide.Slide) {
	switch {
	case s.Kind == slide.KindPost && s.Post != nil:
		b.post(s.Post)
	case s.Kind == slide.KindWins && len(s.Wins) > 0:
		b.wins(s.Wins, s.Title, s.Page, s.Pages)
	case s.Kind == slide.KindLeaderboard && s.Board != nil && len(s.Board.Podium) > 0:
		b.board(s.Board)
	case s.Kind == slide.KindWelcome && s.Welcome != nil:
		b.welcome(s.Welcome)
	default:
		// Nothing to show is still a calm, branded screen, never a hole.
		b.welcome(&slide.Welcome{Message: "Welcome"})
	}
}

// post draws a post with its picture, or as a quote without one.
func (b *builder) post(p *slide.Post) {
	s := b.sz
	hasPic := slide.ShowPicture(s, b.scale, p.Picture) // too small for its box: the text layout
	boxes := slide.PostLayout(s, hasPic)
	if boxes.Quote {
		b.quote(p, boxes)
		return
	}
	// A transparent picture shows the surface colour through it.
	b.picture(p.Picture, boxes.Picture, s.Radius, b.p.surface, b.p.bg)

	// Never under body size: a text too long for the box is cut at a
	// sentence or clause instead (slide.FitGlance).
	size, ls := slide.FitGlance(p.Text, s.Title, s.Body, boxes.Text.W, boxes.Text.H, s.LineHeight, measure(false))
	blockH := slide.BlockHeight(len(ls), size, s.LineHeight, lineH(size, false))
	// Header, text and footer stay together, centred in their column, so a
	// short post does not leave its age stranded at the bottom.
	footGap := s.Gap * 0.8
	group := boxes.Footer.Bottom() - boxes.Header.Y
	used := boxes.Text.Y - boxes.Header.Y + blockH + footGap + boxes.Footer.H
	off := max(0, (group-used)/2)
	hdr := boxes.Header
	hdr.Y += off
	b.author(p, hdr)
	text := boxes.Text
	text.Y += off
	done := b.within(text)
	b.lines(slide.Primary, ls, size, b.p.text, false, false, text.X, text.Y, text.W)
	done()

	f := boxes.Footer
	f.Y = min(f.Y, text.Y+blockH+footGap)
	defer b.within(f)()
	x := f.X
	if p.Mark != "" {
		w, h := pillSize(p.Mark, s.Small)
		b.networkPill(p.Network, p.Mark, x, f.Y+(f.H-h)/2, s.Small)
		x += w + s.Unit*1.6
	}
	if p.Age != "" {
		_, age := slide.FitLine(p.Age, s.Small, s.Small, f.Right()-x, measure(false))
		b.text(slide.Secondary, age, s.Small, b.p.muted, false, x, capsAt(s.Small, false, f.Y+f.H/2))
	}
}

// author draws avatar, name and byline in r (r.H is the avatar's diameter).
func (b *builder) author(p *slide.Post, r slide.Rect) {
	s := b.sz
	d := r.H
	b.avatar(p.Avatar, p.Initials, p.AvatarColor, r.X, r.Y, d, b.p.bg)
	x := r.X + d + s.Unit*2.6
	w := r.Right() - x
	defer b.within(slide.Rect{X: x, Y: r.Y, W: w, H: r.H})()
	nameSize, name := b.oneLineName(p.Name, s.Name, w)
	bySize, byline := slide.FitLine(p.Byline(), s.Small*1.1, s.Small, w, measure(false))
	b.nameOverByline(name, nameSize, byline, bySize, x, r.Y+d/2)
}

// oneLineName fits a name on one line of width w, from size down to the
// smallest primary size, keeping first and last name (slide.FitName).
func (b *builder) oneLineName(name string, size, w float32) (float32, string) {
	size, lines := slide.FitName(name, size, b.sz.MinPrimary, w, 1, b.sz.LineHeight, measure(true))
	return size, strings.Join(lines, " ")
}

// nameOverByline draws a name over its byline, the pair centred on mid by
// their ink: the name's capitals, the gap, the byline from its ascenders to
// its descenders.
func (b *builder) nameOverByline(name string, nameSize float32, byline string, bySize, x, mid float32) {
	nameInk := slide.CapHeight * nameSize
	// Room for a descender of the name and a tall letter of the byline
	// even in a fallback font (a Hebrew or emoji name).
	gap := b.sz.Unit * 2.2
	total := nameInk
	if byline != "" {
		total += gap + bySize // ascenders to descenders: about one size
	}
	base := mid - total/2 + nameInk
	b.text(slide.Primary, name, nameSize, b.p.text, true, x, base-baseline(nameSize, true))
	if byline != "" {
		byBase := base + gap + 0.76*bySize
		b.text(slide.Secondary, byline, bySize, b.p.muted, false, x, byBase-baseline(bySize, false))
	}
}

// quote draws a text-only post: large centred text under an accent quote
// mark, the author centred below.
func (b *builder) quote(p *slide.Post, boxes slide.PostBoxes) {
	s := b.sz
	c := s.Content()
	markSize := s.Title * 3
	// The mark's ink reaches from the cap height down to well above the
	// baseline (Noto Sans: 0.714 to 0.469 of the size; quotes sit the same
	// way in other fonts). The design check measures it on the font itself.
	const markTop, markFoot = slide.CapHeight, -0.469
	markVisible := markSize * (markTop + markFoot)
	markGap := s.Gap
	area := slide.Rect{X: boxes.Text.X, Y: c.Y, W: boxes.Text.W, H: boxes.Header.Y - 2*s.Gap - c.Y}
	textBox := slide.Rect{X: area.X, W: area.W, H: area.H - markVisible - markGap}
	size, ls := slide.FitGlance(p.Text, s.Title*1.3, s.Body, textBox.W, textBox.H, s.LineHeight, measure(false))
	ls = slide.Balance(p.Text, ls, size, textBox.W, measure(false))
	blockH := slide.BlockHeight(len(ls), size, s.LineHeight, lineH(size, false))
	// Centre mark, text and author together, by their ink, so a short
	// quote does not float far above its author.
	inkTop := capTop(size, false)
	authorGap := 2.2 * s.Gap
	r := boxes.Header
	group := markVisible + markGap + blockH - inkTop + authorGap + r.H
	top := c.Y + (c.H-group)/2
	done := b.within(area)
	if len(ls) > 0 { // a quote mark over nothing would look like a glitch
		b.textCentered(slide.Ornament, "“", markSize, b.p.accent, false, area.X, top-(baseline(markSize, false)-markTop*markSize), area.W)
	}
	b.lines(slide.Primary, ls, size, b.p.text, false, true, area.X, top+markVisible+markGap-inkTop, area.W)
	done()
	r.Y = top + markVisible + markGap + blockH - inkTop + authorGap

	// Author row: avatar, name over byline, network mark and age.
	d := r.H * 0.86
	label := p.Mark
	ps := s.Small
	pw, ph := float32(0), float32(0)
	if label != "" {
		pw, ph = pillSize(label, ps)
	}
	ageW := float32(0)
	if p.Age != "" {
		ageW = textWidth(p.Age, s.Small, false)
	}
	metaW := max(pw, ageW)
	sep := s.Unit * 2.6
	avail := r.W - d - sep
	if metaW > 0 {
		avail -= 2*sep + metaW
	}
	nameSize, name := b.oneLineName(p.Name, s.Name, avail)
	bySize, byline := slide.FitLine(p.Byline(), s.Small*1.1, s.Small, avail, measure(false))
	textW := max(textWidth(name, nameSize, true), textWidth(byline, bySize, false))
	total := d + sep + textW
	if metaW > 0 {
		total += 2*sep + metaW
	}
	defer b.within(r)()
	x := r.X + (r.W-total)/2
	y := r.Y + (r.H-d)/2
	b.avatar(p.Avatar, p.Initials, p.AvatarColor, x, y, d, b.p.bg)
	x += d + sep
	b.nameOverByline(name, nameSize, byline, bySize, x, r.Y+r.H/2)
	gap := s.Unit * 0.8
	if metaW == 0 {
		return
	}
	x += textW + sep
	b.rect(withAlpha(b.p.muted, 0x50), slide.Rect{X: x, Y: r.Y + r.H*0.18, W: max(1, s.Unit*0.2), H: r.H * 0.64}, 0)
	x += sep
	ah := lineH(s.Small, false)
	mh := ph + ah
	if ph > 0 && ageW > 0 {
		mh += gap
	}
	my := r.Y + (r.H-mh)/2
	if label != "" {
		b.networkPill(p.Network, label, x, my, ps)
		my += ph + gap
	}
	if p.Age != "" {
		b.text(slide.Secondary, p.Age, s.Small, b.p.muted, false, x, my)
	}
}

// welcome draws logo, company name, an accent rule and the message, centred.
func (b *builder) welcome(w *slide.Welcome) {
	s := b.sz
	c := s.Content()
	var logoW, logoH float32
	if w.Logo != nil && w.Logo.Bounds().Dx() > 0 && w.Logo.Bounds().Dy() > 0 {
		lb := w.Logo.Bounds()
		aspect := float32(lb.Dx()) / float32(lb.Dy())
		logoH = s.Unit * 22
		logoW = logoH * aspect
		if maxW := c.W * 0.5; logoW > maxW {
			logoW, logoH = maxW, maxW/aspect
		}
	}
	companySize, company := slide.FitLine(w.Company, s.Title*1.5, s.Title, c.W*0.9, measure(true))
	msgBox := slide.Rect{X: c.X + c.W*0.1, W: c.W * 0.8, H: c.H * 0.4}
	msgMax := s.Title
	if company == "" && logoH == 0 {
		msgMax = s.Title * 1.6 // the message alone carries the screen
	}
	msgSize, msg := slide.FitText(w.Message, msgMax, s.Body, msgBox.W, msgBox.H, s.LineHeight, measure(false))
	msg = slide.Balance(w.Message, msg, msgSize, msgBox.W, measure(false))
	gap := s.Gap * 1.3
	ruleH := s.Unit * 0.8
	// Heights by ink, so the group centres optically.
	var parts []float32
	if logoH > 0 {
		parts = append(parts, logoH)
	}
	if company != "" {
		parts = append(parts, 0.72*companySize, ruleH)
	}
	if len(msg) > 0 {
		parts = append(parts, slide.BlockHeight(len(msg), msgSize, s.LineHeight, lineH(msgSize, false))-capTop(msgSize, false)-(lineH(msgSize, false)-baseline(msgSize, false)))
	}
	total := gap * float32(max(0, len(parts)-1))
	for _, p := range parts {
		total += p
	}
	y := c.Y + (c.H-total)/2
	if logoH > 0 {
		b.picture(w.Logo, slide.Rect{X: c.X + (c.W-logoW)/2, Y: y, W: logoW, H: logoH}, 0, b.p.bg, b.p.bg)
		y += logoH + gap
	}
	if company != "" {
		b.textCentered(slide.Primary, company, companySize, b.p.text, true, c.X, y-capTop(companySize, true), c.W)
		y += 0.72*companySize + gap
		rw := s.Unit * 9
		b.rect(b.p.accent, slide.Rect{X: c.X + (c.W-rw)/2, Y: y, W: rw, H: ruleH}, ruleH/2)
		y += ruleH + gap
	}
	if len(msg) > 0 {
		col := b.p.muted
		if company == "" {
			col = b.p.text
		}
		b.lines(slide.Primary, msg, msgSize, col, false, true, msgBox.X, y-capTop(msgSize, false), msgBox.W)
	}
	if w.Note != "" {
		// At the foot of the content, small: read by the person setting
		// the kiosk up, standing close.
		size, note := slide.FitText(w.Note, s.Small, s.Small*0.7, c.W*0.9, s.Small*3*s.LineHeight, s.LineHeight, measure(false))
		h := slide.BlockHeight(len(note), size, s.LineHeight, lineH(size, false))
		b.lines(slide.Secondary, note, size, b.p.muted, false, true, c.X+c.W*0.05, c.Y+c.H-h, c.W*0.9)
	}
}
