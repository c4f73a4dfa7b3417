package ui

import (
	"image"
	"image/color"
	"math"
	"reflect"
	"strings"
	"unicode"

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
}

func (b *builder) add(o ...fyne.CanvasObject) { b.objs = append(b.objs, o...) }

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
	return baseline(size, bold) - 0.72*size
}

// capsAt is the y at which to place a text object so that its capitals are
// centred on mid.
func capsAt(size float32, bold bool, mid float32) float32 {
	return mid - (capTop(size, bold)+baseline(size, bold))/2
}

// text places s with its top-left at x, y, sized to its content. A line
// with right-to-left text is laid out by package typeset (lineText), the
// rest is a canvas.Text.
func (b *builder) text(s string, size float32, col color.Color, bold bool, x, y float32) fyne.CanvasObject {
	if needsTypeset(s) {
		t := newLineText(s, size, col, bold)
		t.Move(fyne.NewPos(x, y))
		t.Resize(t.MinSize())
		b.add(t)
		return t
	}
	t := canvas.NewText(s, col)
	t.TextSize = size
	t.TextStyle = style(bold)
	t.Move(fyne.NewPos(x, y))
	t.Resize(t.MinSize())
	b.add(t)
	return t
}

// textCentered centres s horizontally in [x, x+w].
func (b *builder) textCentered(s string, size float32, col color.Color, bold bool, x, y, w float32) fyne.CanvasObject {
	t := b.text(s, size, col, bold, x, y)
	mw := t.MinSize().Width
	t.Move(fyne.NewPos(x+(w-mw)/2, y))
	return t
}

// textRight places s so that it ends at right.
func (b *builder) textRight(s string, size float32, col color.Color, bold bool, right, y float32) fyne.CanvasObject {
	t := b.text(s, size, col, bold, right, y)
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

// picture draws img cover-cropped (never stretched) with rounded corners.
// It is cropped and scaled here to the pixels it covers, so the painter
// uploads it as it is: left to the painter, every new texture is scaled
// with Catmull-Rom on the render thread from a full-size copy. And it is a
// Raster, not an Image: Fyne refreshes every new canvas.Image once more
// after its first frame (in case the window's scale changed), which frees
// the texture just made and paints the whole window a second time, a
// whole frame of software rendering for nothing. The corners are rounded
// in the pixels, since a Raster has no corner radius.
func (b *builder) picture(img image.Image, r slide.Rect, radius float32) *canvas.Raster {
	scale := b.scale
	if scale <= 0 {
		scale = 1
	}
	pw, ph := int(r.W*scale+0.5), int(r.H*scale+0.5)
	pix := images.Cover(img, pw, ph)
	roundCorners(pix, float64(radius*scale))
	ra := canvas.NewRaster(func(int, int) image.Image { return pix })
	ra.ScaleMode = canvas.ImageScaleFastest // drawn at its own size
	ra.Move(fyne.NewPos(r.X, r.Y))
	ra.Resize(fyne.NewSize(r.W, r.H))
	b.add(ra)
	return ra
}

// roundCorners makes the corners of m transparent outside a circle of
// radius r, with a one-pixel soft edge. m is premultiplied, so every
// channel fades together.
func roundCorners(m *image.RGBA, r float64) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	r = min(r, float64(w)/2, float64(h)/2)
	n := int(math.Ceil(r))
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
				for c := range 4 {
					m.Pix[i+c] = uint8(float64(m.Pix[i+c])*cover + 0.5)
				}
			}
		}
	}
}

// avatar draws a round photo, or the initials on a coloured disc.
func (b *builder) avatar(img image.Image, initials string, col color.NRGBA, x, y, d float32) {
	if slide.UsableAvatar(img) {
		b.picture(img, slide.Rect{X: x, Y: y, W: d, H: d}, d/2)
		return
	}
	c := canvas.NewCircle(col)
	c.Move(fyne.NewPos(x, y))
	c.Resize(fyne.NewSize(d, d))
	b.add(c)
	if initials == "" {
		return
	}
	size := d * 0.4
	if n := len([]rune(initials)); n == 1 {
		size = d * 0.46
	}
	size = slide.LargestSize(size, d*0.2, d*0.72, func(s float32) float32 { return textWidth(initials, s, true) })
	// Centre the capitals, not the text box, in the disc.
	ty := capsAt(size, true, y+d/2)
	b.textCentered(initials, size, color.NRGBA{0xff, 0xff, 0xff, 0xff}, true, x, ty, d)
}

// pill draws a rounded label; it returns its size.
func (b *builder) pill(label string, bg, fg color.Color, x, y, size float32) (w, h float32) {
	pad := size * 0.7
	h = size * 1.75
	w = textWidth(label, size, true) + 2*pad
	b.rect(bg, slide.Rect{X: x, Y: y, W: w, H: h}, h/2)
	b.text(label, size, fg, true, x+pad, capsAt(size, true, y+h/2))
	return w, h
}

// pillSize is the size pill would take.
func pillSize(label string, size float32) (w, h float32) {
	return textWidth(label, size, true) + 1.4*size, size * 1.75
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
func (b *builder) lines(ls []string, size float32, col color.Color, bold, center bool, x, y, w float32) {
	for i, l := range ls {
		ly := y + float32(i)*size*b.sz.LineHeight
		switch {
		case center:
			b.textCentered(l, size, col, bold, x, ly, w)
		case bidi.IsRTL(l):
			b.textRight(l, size, col, bold, x+w, ly)
		default:
			b.text(l, size, col, bold, x, ly)
		}
	}
}

// heading draws a slide title with an accent bar and, right-aligned, a note
// (the period).
func (b *builder) heading(r slide.Rect, title, note string) {
	s := b.sz
	bar := slide.Rect{X: r.X, Y: r.Y + r.H*0.5 - s.Title*0.36, W: s.Unit * 0.9, H: s.Title * 0.72}
	b.rect(b.p.accent, bar, bar.W/2)
	x := bar.Right() + s.Unit*2.2
	noteW := float32(0)
	if note != "" {
		size, line := slide.FitLine(note, s.Body, s.Small, r.W*0.4, measure(false))
		noteW = textWidth(line, size, false)
		b.textRight(line, size, b.p.muted, false, r.Right(), capsAt(size, false, r.Y+r.H*0.5))
	}
	size, line := slide.FitLine(title, s.Title, s.Body, r.Right()-x-noteW-s.Gap, measure(true))
	b.text(line, size, b.p.text, true, x, capsAt(size, true, r.Y+r.H*0.5))
}

// build draws s for the current size.
func (b *builder) build(s slide.Slide) {
	switch {
	case s.Kind == slide.KindPost && s.Post != nil:
		b.post(s.Post)
	case s.Kind == slide.KindWins && len(s.Wins) > 0:
		b.wins(s.Wins, s.Title)
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
	b.rect(b.p.surface, boxes.Picture, s.Radius) // behind transparent pictures
	b.picture(p.Picture, boxes.Picture, s.Radius)

	size, ls := slide.FitText(p.Text, s.Title, s.Body, boxes.Text.W, boxes.Text.H, s.LineHeight, measure(false))
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
	b.lines(ls, size, b.p.text, false, false, boxes.Text.X, boxes.Text.Y+off, boxes.Text.W)

	f := boxes.Footer
	f.Y = min(f.Y, boxes.Text.Y+off+blockH+footGap)
	x := f.X
	ps := s.Small * 0.9
	if label := p.Mark; label != "" {
		w, h := pillSize(label, ps)
		b.pill(label, slide.NetworkColor(p.Network), color.White, x, f.Y+(f.H-h)/2, ps)
		x += w + s.Unit*1.6
	}
	if p.Age != "" {
		_, age := slide.FitLine(p.Age, s.Small, s.Small, f.Right()-x, measure(false))
		b.text(age, s.Small, b.p.muted, false, x, capsAt(s.Small, false, f.Y+f.H/2))
	}
}

// author draws avatar, name and byline in r (r.H is the avatar's diameter).
func (b *builder) author(p *slide.Post, r slide.Rect) {
	s := b.sz
	d := r.H
	b.avatar(p.Avatar, p.Initials, p.AvatarColor, r.X, r.Y, d)
	x := r.X + d + s.Unit*2.6
	w := r.Right() - x
	nameSize, name := slide.FitLine(p.Name, s.Name, s.Body, w, measure(true))
	by := p.Byline()
	bySize, byline := slide.FitLine(by, s.Small*1.1, s.Small, w, measure(false))
	gap := s.Unit * 0.8
	nh, bh := lineH(nameSize, true), lineH(bySize, false)
	total := nh
	if byline != "" {
		total += gap + bh
	}
	y := r.Y + (d-total)/2
	b.text(name, nameSize, b.p.text, true, x, y)
	if byline != "" {
		b.text(byline, bySize, b.p.muted, false, x, y+nh+gap)
	}
}

// quote draws a text-only post: large centred text under an accent quote
// mark, the author centred below.
func (b *builder) quote(p *slide.Post, boxes slide.PostBoxes) {
	s := b.sz
	c := s.Content()
	markSize := s.Title * 3
	markVisible := markSize * 0.36 // the glyph's ink, from its cap top
	markGap := s.Gap
	area := slide.Rect{X: boxes.Text.X, Y: c.Y, W: boxes.Text.W, H: boxes.Header.Y - 2*s.Gap - c.Y}
	textBox := slide.Rect{X: area.X, W: area.W, H: area.H - markVisible - markGap}
	size, ls := slide.FitText(p.Text, s.Title*1.3, s.Body, textBox.W, textBox.H, s.LineHeight, measure(false))
	ls = slide.Balance(p.Text, ls, size, textBox.W, measure(false))
	blockH := slide.BlockHeight(len(ls), size, s.LineHeight, lineH(size, false))
	// Centre mark, text and author together, by their ink, so a short
	// quote does not float far above its author.
	inkTop := capTop(size, false)
	authorGap := 2.2 * s.Gap
	r := boxes.Header
	group := markVisible + markGap + blockH - inkTop + authorGap + r.H
	top := c.Y + (c.H-group)/2
	if len(ls) > 0 { // a quote mark over nothing would look like a glitch
		b.textCentered("“", markSize, b.p.accent, false, area.X, top-capTop(markSize, false), area.W)
	}
	b.lines(ls, size, b.p.text, false, true, area.X, top+markVisible+markGap-inkTop, area.W)
	r.Y = top + markVisible + markGap + blockH - inkTop + authorGap

	// Author row: avatar, name over byline, network mark and age.
	d := r.H * 0.86
	label := p.Mark
	ps := s.Small * 0.9
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
	nameSize, name := slide.FitLine(p.Name, s.Name, s.Body, avail, measure(true))
	bySize, byline := slide.FitLine(p.Byline(), s.Small*1.1, s.Small, avail, measure(false))
	textW := max(textWidth(name, nameSize, true), textWidth(byline, bySize, false))
	total := d + sep + textW
	if metaW > 0 {
		total += 2*sep + metaW
	}
	x := r.X + (r.W-total)/2
	y := r.Y + (r.H-d)/2
	b.avatar(p.Avatar, p.Initials, p.AvatarColor, x, y, d)
	x += d + sep
	gap := s.Unit * 0.8
	nh, bh := lineH(nameSize, true), lineH(bySize, false)
	th := nh
	if byline != "" {
		th += gap + bh
	}
	ty := r.Y + (r.H-th)/2
	b.text(name, nameSize, b.p.text, true, x, ty)
	if byline != "" {
		b.text(byline, bySize, b.p.muted, false, x, ty+nh+gap)
	}
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
		b.pill(label, slide.NetworkColor(p.Network), color.White, x, my, ps)
		my += ph + gap
	}
	if p.Age != "" {
		b.text(p.Age, s.Small, b.p.muted, false, x, my)
	}
}

// wins draws 1–4 tiles with one shared number size.
func (b *builder) wins(ws []slide.Win, title string) {
	s := b.sz
	if len(ws) > slide.MaxWins {
		ws = ws[:slide.MaxWins]
	}
	heading, body := slide.HeadedLayout(s)
	// A period every tile shares is said once, in the heading.
	period := commonPeriod(ws)
	b.heading(heading, title, period)
	if period != "" {
		ws = append([]slide.Win(nil), ws...)
		for i := range ws {
			ws[i].Period = ""
		}
	}
	tiles := slide.WinsGrid(s, body, len(ws))
	pad := s.Unit * 4
	unitScale := float32(0.5)
	// One size for every number, the largest that fits every tile.
	valueSize := s.Huge * 1.25
	if len(ws) == 1 {
		valueSize = s.Huge * 1.7
	}
	gap := s.Unit * 2.2
	// Ink heights (cap height ≈ 0.72 of the size) of label and trend row.
	fixed := 0.72*s.Body + 0.72*s.Body + gap*3
	for i, w := range ws {
		t := tiles[i]
		iw := t.W - 2*pad
		width := func(size float32) float32 {
			vw := textWidth(w.Value, size, true)
			if w.Unit != "" {
				vw += size*0.12 + textWidth(w.Unit, size*unitScale, true)
			}
			return vw
		}
		valueSize = slide.LargestSize(valueSize, s.Body, iw, width)
		// And tall enough room for label, number and trend.
		room := t.H - 2*s.Unit*3 - fixed
		valueSize = min(valueSize, max(s.Body, room/0.74))
	}
	for i, w := range ws {
		b.tile(w, tiles[i], pad, gap, valueSize, unitScale)
	}
}

// commonPeriod is the period every win shares, shown once in the heading.
func commonPeriod(ws []slide.Win) string {
	p := ws[0].Period
	for _, w := range ws[1:] {
		if w.Period != p {
			return ""
		}
	}
	return p
}

func (b *builder) tile(w slide.Win, t slide.Rect, pad, gap, valueSize, unitScale float32) {
	s := b.sz
	b.rect(b.p.surface, t, s.Radius)
	x := t.X + pad
	iw := t.W - 2*pad
	labelSize, label := slide.FitLine(w.Label, s.Body, s.Small, iw, measure(true))
	vInk := 0.74 * valueSize // cap height of the digits
	// A compact number in Arabic ("١٫٢ مليون") has letters that reach far
	// below the digits' baseline: the trend row moves down by as much.
	var vDesc float32
	if needsTypeset(w.Value) && strings.IndexFunc(w.Value, unicode.IsLetter) >= 0 {
		vDesc = 0.3 * valueSize
	}
	// Stack by ink so the gaps look even: label caps, digits, trend row.
	labelInk := 0.72 * labelSize
	trendSize := s.Body
	trendInk := 0.72 * trendSize
	hasTrend := w.Change != "" || w.Period != ""
	total := labelInk + gap*1.2 + vInk + vDesc
	if hasTrend {
		total += gap*1.8 + trendInk
	}
	top := t.Y + (t.H-total)/2
	b.text(label, labelSize, b.p.muted, true, x, top-capTop(labelSize, true))
	y := top + labelInk + gap*1.2
	vt := b.text(w.Value, valueSize, b.p.text, true, x, y-capTop(valueSize, true))
	if w.Unit != "" {
		us := valueSize * unitScale
		ux := x + vt.MinSize().Width + valueSize*0.12
		uy := vt.Position().Y + baseline(valueSize, true) - baseline(us, true)
		_, unit := slide.FitLine(w.Unit, us, us, t.Right()-pad-ux, measure(true))
		b.text(unit, us, b.p.accent, true, ux, uy)
	}
	if !hasTrend {
		return
	}
	y += vInk + vDesc + gap*1.8
	ty := y - capTop(trendSize, true)
	tx := x
	if w.Change != "" {
		col := b.trendColor(w.Trend)
		aw := b.trend(w.Trend, col, tx, y, trendInk)
		if aw > 0 {
			tx += aw + s.Unit*1.2
		}
		ct := b.text(w.Change, trendSize, col, true, tx, ty)
		tx += ct.MinSize().Width + s.Unit*2
	}
	if w.Period != "" && tx < t.Right()-pad {
		_, period := slide.FitLine(w.Period, trendSize, trendSize, t.Right()-pad-tx, measure(false))
		b.text(period, trendSize, b.p.muted, false, tx, y-capTop(trendSize, false))
	}
}

// board draws the podium (2nd, 1st, 3rd), the next places and the biggest
// mover.
func (b *builder) board(bd *slide.Board) {
	s := b.sz
	heading, body := slide.HeadedLayout(s)
	b.heading(heading, bd.Title, bd.Period)
	boxes := slide.BoardLayout(s, body, len(bd.Rest), bd.Mover != nil)
	b.podium(bd.Podium, boxes.Podium)
	if len(bd.Rest) > 0 {
		b.rest(bd.Rest, boxes.List)
	}
	if bd.Mover != nil {
		b.mover(*bd.Mover, bd.MoverLabel, boxes.Mover)
	}
}

func (b *builder) podium(people []slide.Person, area slide.Rect) {
	s := b.sz
	gap := s.Gap * 0.6
	colW := (area.W - 2*gap) / 3
	// Keep the podium compact on wide areas: it reads as one object.
	colW = min(colW, s.Unit*30)
	x0 := area.X + (area.W-(3*colW+2*gap))/2
	for i, p := range people {
		if i >= 3 {
			break
		}
		slot := slide.PodiumSlot(i)
		cx := x0 + float32(slot)*(colW+gap)
		bh := area.H * slide.PodiumHeight(p.Rank)
		block := slide.Rect{X: cx, Y: area.Bottom() - bh, W: colW, H: bh}
		fill, fg, sub := b.p.surface2, b.p.text, b.p.muted
		if i == 0 {
			fill, fg, sub = b.p.accent, b.p.onAccent, withAlpha(b.p.onAccent, 0xC8)
		}
		r := b.rect(fill, block, 0)
		r.TopLeftCornerRadius, r.TopRightCornerRadius = s.Radius, s.Radius
		// Rank numeral and points inside the block.
		rankSize := s.Title * 1.15
		if i == 0 {
			rankSize = s.Title * 1.4
		}
		rankSize = min(rankSize, bh*0.45)
		ry := block.Y + s.Unit*2.2
		b.textCentered(p.RankText(), rankSize, fg, true, cx, ry-capTop(rankSize, true), colW)
		ptSize, pts := slide.FitLine(p.Points, s.Body, s.Small, colW-2*s.Unit, measure(false))
		py := ry + 0.72*rankSize + s.Unit*2.2
		if py+0.72*ptSize < block.Bottom()-s.Unit {
			b.textCentered(pts, ptSize, sub, false, cx, py-capTop(ptSize, false), colW)
		}
		// Name and face above the block.
		nameSize, name := slide.FitLine(p.Name, s.Body, s.Small, colW, measure(true))
		ny := block.Y - s.Unit*2 - lineH(nameSize, true)
		b.textCentered(name, nameSize, b.p.text, true, cx, ny, colW)
		d := min(s.Avatar*1.1, colW*0.8)
		if i == 0 {
			d = min(s.Avatar*1.45, colW*0.9)
		}
		ay := ny - s.Unit*1.4 - d
		if i == 0 {
			ring := canvas.NewCircle(color.Transparent)
			ring.StrokeColor = b.p.accent
			ring.StrokeWidth = s.Unit * 0.6
			o := s.Unit * 1.1
			ring.Move(fyne.NewPos(cx+(colW-d)/2-o, ay-o))
			ring.Resize(fyne.NewSize(d+2*o, d+2*o))
			b.add(ring)
		}
		b.avatar(p.Avatar, p.Initials, p.AvatarColor, cx+(colW-d)/2, ay, d)
	}
}

// rest lists the places after the podium as rows, all names at one size.
func (b *builder) rest(people []slide.Person, area slide.Rect) {
	s := b.sz
	gap := s.Unit * 1.2
	n := float32(slide.MaxRest)
	rowH := min((area.H-gap*(n-1))/n, s.AvatarSmall+2.4*s.Unit)
	pad := s.Unit * 2
	size := s.Body
	ptSize := s.Small
	rankW := float32(0)
	for _, p := range people {
		rankW = max(rankW, textWidth(p.RankText(), size, true))
	}
	d := min(s.AvatarSmall, rowH-s.Unit*1.6)
	nameX := area.X + pad + rankW + s.Unit*2 + d + s.Unit*2
	changeW := textWidth("00", s.Small, true) + s.Unit*3.4
	ptsRight := area.Right() - pad - changeW
	ptsW := float32(0)
	for _, p := range people {
		ptsW = max(ptsW, textWidth(p.Points, ptSize, false))
	}
	nameW := ptsRight - ptsW - s.Unit*2 - nameX
	nameSize := size
	for _, p := range people {
		ns, _ := slide.FitLine(p.Name, size, s.Small, nameW, measure(false))
		nameSize = min(nameSize, ns)
	}
	for i, p := range people {
		r := slide.Rect{X: area.X, Y: area.Y + float32(i)*(rowH+gap), W: area.W, H: rowH}
		b.rect(b.p.surface, r, s.Radius*0.7)
		mid := r.Y + r.H/2
		x := r.X + pad
		b.text(p.RankText(), size, b.p.muted, true, x, capsAt(size, true, mid))
		x += rankW + s.Unit*2
		b.avatar(p.Avatar, p.Initials, p.AvatarColor, x, mid-d/2, d)
		_, name := slide.FitLine(p.Name, nameSize, nameSize, nameW, measure(false))
		b.text(name, nameSize, b.p.text, false, nameX, capsAt(nameSize, false, mid))
		b.textRight(p.Points, ptSize, b.p.muted, false, ptsRight, capsAt(ptSize, false, mid))
		if p.Change != 0 {
			t, ch := slide.TrendUp, p.ChangeText()
			if p.Change < 0 {
				t = slide.TrendDown
			}
			col := b.trendColor(t)
			ct := b.textRight(ch, s.Small, col, true, r.Right()-pad, capsAt(s.Small, true, mid))
			ah := 0.72 * s.Small * 0.9
			b.trend(t, col, ct.Position().X-s.Unit*0.8-0.866*ah/0.75, mid-ah/2, ah)
		}
	}
}

// mover draws the "biggest mover" callout.
func (b *builder) mover(p slide.Person, label string, r slide.Rect) {
	s := b.sz
	bg := b.rect(b.p.accentSoft, r, s.Radius*0.7)
	bg.StrokeColor = withAlpha(b.p.accent, 0x90)
	bg.StrokeWidth = max(1, s.Unit*0.2)
	pad := s.Unit * 2
	d := r.H - 2*s.Unit*1.2
	x := r.X + pad
	b.avatar(p.Avatar, p.Initials, p.AvatarColor, x, r.Y+(r.H-d)/2, d)
	x += d + s.Unit*2
	right := r.Right() - pad
	// Right: "▲ 7 places" (p.Moved).
	upSize := s.Body
	mid := r.Y + r.H/2
	pt := b.textRight(p.Moved, upSize, b.p.up, true, right, capsAt(upSize, true, mid))
	ah := 0.72 * upSize
	aw := ah / 0.75
	b.trend(slide.TrendUp, b.p.up, pt.Position().X-s.Unit*1.2-aw, mid-ah/2, ah)
	textR := pt.Position().X - s.Unit*3 - aw
	// Left: label over name.
	labelSize := s.Small
	_, label = slide.FitLine(label, labelSize, labelSize, textR-x, measure(true))
	nameSize, name := slide.FitLine(p.Name, s.Body, s.Small, textR-x, measure(true))
	lh, nh := 0.72*labelSize, 0.72*nameSize
	g := s.Unit * 1.6
	top := mid - (lh+g+nh)/2
	b.text(label, labelSize, b.p.accent, true, x, top-capTop(labelSize, true))
	b.text(name, nameSize, b.p.text, true, x, top+lh+g-capTop(nameSize, true))
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
		b.picture(w.Logo, slide.Rect{X: c.X + (c.W-logoW)/2, Y: y, W: logoW, H: logoH}, 0)
		y += logoH + gap
	}
	if company != "" {
		b.textCentered(company, companySize, b.p.text, true, c.X, y-capTop(companySize, true), c.W)
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
		b.lines(msg, msgSize, col, false, true, msgBox.X, y-capTop(msgSize, false), msgBox.W)
	}
	if w.Note != "" {
		// At the foot of the content, small: read by the person setting
		// the kiosk up, standing close.
		size, note := slide.FitText(w.Note, s.Small, s.Small*0.7, c.W*0.9, s.Small*3*s.LineHeight, s.LineHeight, measure(false))
		h := slide.BlockHeight(len(note), size, s.LineHeight, lineH(size, false))
		b.lines(note, size, b.p.muted, false, true, c.X+c.W*0.05, c.Y+c.H-h, c.W*0.9)
	}
}
