package ui

import (
	"lobbykiosk/kiosk/slide"
	"strings"
	"unicode"
)

// winsLook is what the tiles of one size share, so that tiles side by side
// line up: the sizes of label, number and change, and whether a row is kept
// for the change even in a tile without one.
type winsLook struct {
	pad, gap                      float32
	labelSize, valueSize, rowSize float32
	trendRow                      bool
	centre                        bool // a lone tile centres its text
}

// wins draws 1–4 tiles (page of pages), laid out for their count
// (slide.WinsGrid). Tiles of the same size share one number size, the
// largest that fits all of them, and one vertical rhythm.
func (b *builder) wins(ws []slide.Win, title string, page, pages int) {
	s := b.sz
	if len(ws) > slide.MaxWins {
		ws = ws[:slide.MaxWins]
	}
	heading, body := slide.HeadedLayout(s)
	// A period every tile shares is said once, in the heading.
	period := commonPeriod(ws)
	b.heading(heading, title, period, page, pages)
	if period != "" {
		ws = append([]slide.Win(nil), ws...)
		for i := range ws {
			ws[i].Period = ""
		}
	}
	tiles := slide.WinsGrid(s, body, len(ws))
	// Every tile keeps a row for the change when any has one, so a metric
	// without a previous value stands level with its neighbours.
	trendRow := false
	for _, w := range ws {
		trendRow = trendRow || w.Change != "" || w.Period != ""
	}
	// Tiles of one size form a group with one look; the large tile of a
	// three-tile slide is a group of its own.
	looks := map[[2]float32]*winsLook{}
	for i, w := range ws {
		t := tiles[i]
		key := [2]float32{t.W, t.H}
		lk := looks[key]
		if lk == nil {
			lk = b.winsLook(t, len(ws), i == 0 && len(ws) == 3 && !s.Portrait, trendRow)
			looks[key] = lk
		}
		lk.valueSize = min(lk.valueSize, b.valueFits(w, t, lk))
	}
	for i, w := range ws {
		t := tiles[i]
		b.tile(w, t, *looks[[2]float32{t.W, t.H}])
	}
}

// winsLook is the look of the tiles of t's size on a slide of n tiles; hero
// is the large tile beside two small ones.
func (b *builder) winsLook(t slide.Rect, n int, hero, trendRow bool) *winsLook {
	s := b.sz
	scale, huge := float32(1), s.Huge*1.25
	switch {
	case n == 1:
		scale, huge = 1.4, s.Huge*2.4
	case n == 2 || hero:
		scale, huge = 1.15, s.Huge*1.7
	}
	lk := &winsLook{
		pad:       s.Unit * 4,
		gap:       s.Unit * 2.2 * scale,
		labelSize: s.Body * scale,
		rowSize:   s.Body * scale,
		valueSize: huge,
		trendRow:  trendRow,
		centre:    n == 1,
	}
	// Tall enough for label, number and change row.
	room := t.H - 2*s.Unit*3 - slide.CapHeight*lk.labelSize - lk.gap*1.2
	if trendRow {
		room -= lk.gap*1.8 + slide.CapHeight*lk.rowSize
	}
	lk.valueSize = min(lk.valueSize, max(s.Body, room/slide.CapHeight))
	return lk
}

// unitScale is the size of a unit ("people", "%") next to its number.
const unitScale = 0.5

// unitSize is the size of the unit next to a number of valueSize: half of
// it, but never under the smallest primary text.
func (b *builder) unitSize(valueSize float32) float32 {
	return max(valueSize*unitScale, b.sz.MinPrimary)
}

// valueFits is the largest number size (at most lk.valueSize) at which w's
// number and unit fit t's width.
func (b *builder) valueFits(w slide.Win, t slide.Rect, lk *winsLook) float32 {
	width := func(size float32) float32 {
		vw := textWidth(w.Value, size, true)
		if w.Unit != "" {
			vw += size*0.12 + textWidth(w.Unit, b.unitSize(size), true)
		}
		return vw
	}
	return slide.LargestSize(lk.valueSize, b.sz.Body, t.W-2*lk.pad, width)
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

// tile draws one win: label, number with unit, and the change row.
func (b *builder) tile(w slide.Win, t slide.Rect, lk winsLook) {
	s := b.sz
	b.rect(b.p.surface, t, s.Radius)
	inner := slide.Rect{X: t.X + lk.pad, Y: t.Y + s.Unit*2, W: t.W - 2*lk.pad, H: t.H - 4*s.Unit}
	defer b.within(inner)()
	x, iw := inner.X, inner.W
	labelSize, label := slide.FitLine(w.Label, lk.labelSize, s.MinPrimary, iw, measure(true))
	// Stack by ink so the gaps look even: label caps, digits, change row.
	labelInk := slide.CapHeight * lk.labelSize
	vInk := slide.CapHeight * lk.valueSize
	// A compact number in Arabic ("١٫٢ مليون") has letters that reach far
	// below the digits' baseline: the change row moves down by as much.
	var vDesc float32
	if needsTypeset(w.Value) && strings.IndexFunc(w.Value, unicode.IsLetter) >= 0 {
		vDesc = 0.3 * lk.valueSize
	}
	rowInk := slide.CapHeight * lk.rowSize
	total := labelInk + lk.gap*1.2 + vInk + vDesc
	if lk.trendRow {
		total += lk.gap*1.8 + rowInk
	}
	top := t.Y + (t.H-total)/2
	// A lone tile centres each line; otherwise all start at the left.
	at := func(width float32) float32 {
		if lk.centre {
			return x + (iw-width)/2
		}
		return x
	}
	b.text(slide.Primary, label, labelSize, b.p.muted, true, at(textWidth(label, labelSize, true)), top+labelInk-baseline(labelSize, true))
	y := top + labelInk + lk.gap*1.2
	vw := textWidth(w.Value, lk.valueSize, true)
	us := b.unitSize(lk.valueSize)
	unitW := float32(0)
	if w.Unit != "" {
		unitW = lk.valueSize*0.12 + textWidth(w.Unit, us, true)
	}
	vx := at(vw + unitW)
	vt := b.text(slide.Primary, w.Value, lk.valueSize, b.p.text, true, vx, y-capTop(lk.valueSize, true))
	if w.Unit != "" {
		ux := vx + vw + lk.valueSize*0.12
		uy := vt.Position().Y + baseline(lk.valueSize, true) - baseline(us, true)
		_, unit := slide.FitLine(w.Unit, us, us, inner.Right()-ux, measure(true))
		b.text(slide.Primary, unit, us, b.p.accentText, true, ux, uy)
	}
	if w.Change == "" && w.Period == "" {
		return
	}
	y += vInk + vDesc + lk.gap*1.8
	rs := lk.rowSize
	ty := y - capTop(rs, true)
	col := b.trendColor(w.Trend)
	aw, cw := float32(0), float32(0)
	if w.Change != "" {
		aw = 0.866 * rowInk / 0.75
		if w.Trend == slide.TrendFlat {
			aw = rowInk * 0.9
		}
		if w.Trend != slide.TrendNone {
			aw += s.Unit * 1.2
		} else {
			aw = 0
		}
		cw = textWidth(w.Change, rs, true)
	}
	tx := at(aw + cw)
	if w.Change != "" {
		b.trend(w.Trend, col, tx, y, rowInk)
		tx += aw
		b.text(slide.Primary, w.Change, rs, col, true, tx, ty)
		tx += cw + s.Unit*2
	}
	if w.Period != "" && tx < inner.Right() {
		ps, period := slide.FitLine(w.Period, rs, s.Small, inner.Right()-tx, measure(false))
		b.text(slide.Secondary, period, ps, b.p.muted, false, tx, y+rowInk-baseline(ps, false))
	}
}
