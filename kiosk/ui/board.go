package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"lobbykiosk/kiosk/slide"
)

// board draws the podium (2nd, 1st, 3rd), the next places and the biggest
// mover. One to three people fill the slide with a podium made for their
// number.
func (b *builder) board(bd *slide.Board) {
	s := b.sz
	heading, body := slide.HeadedLayout(s)
	b.heading(heading, bd.Title, bd.Period, 0, 0)
	boxes := slide.BoardLayout(s, body, len(bd.Rest), bd.Mover != nil)
	b.podium(bd.Podium, boxes.Podium)
	if len(bd.Rest) > 0 {
		b.rest(bd.Rest, boxes.List)
	}
	if bd.Mover != nil {
		b.mover(*bd.Mover, bd.MoverLabel, boxes.Mover)
	}
}

// podium draws one to three places as columns: a face, the name (on two
// lines before it shrinks) and a block with the rank and the points. Fewer
// people get wider columns and larger faces, so one or two do not stand in
// a corner of an empty slide.
func (b *builder) podium(people []slide.Person, area slide.Rect) {
	s := b.sz
	n := min(len(people), 3)
	if n == 0 {
		return
	}
	// A podium alone on a portrait screen stands in the middle, not on the
	// floor of a tall empty room.
	if area.H > area.W {
		area.Y += (area.H - area.W) / 2
		area.H = area.W
	}
	gap := s.Gap * 0.4
	// Keep the podium compact on wide areas: it reads as one object.
	widest := map[int]float32{1: 46, 2: 38, 3: 30}[n] * s.Unit
	colW := min((area.W-float32(n-1)*gap)/float32(n), widest)
	x0 := area.X + (area.W-(float32(n)*colW+float32(n-1)*gap))/2
	// Everything in a column grows with it, from the three-column size.
	k := max(1, min(1.6, colW/(26*s.Unit)))
	nameMax := min(s.Body*k, s.Title)
	for i, p := range people[:n] {
		slot := 0
		if n > 1 {
			slot = slide.PodiumSlot(i)
		}
		cx := x0 + float32(slot)*(colW+gap)
		first := i == 0
		// The block: tall enough for its rank and points whatever the
		// area, and lower for each place.
		rankSize := s.Title * 1.15 * k
		if first {
			rankSize = s.Title * 1.4 * k
		}
		ptSize, pts := slide.FitLine(p.Points, s.Body*k, s.MinPrimary, colW-2*s.Unit, measure(false))
		inset := s.Unit * 2.2
		need := inset + slide.CapHeight*rankSize + inset + slide.CapHeight*ptSize + 1.3*inset
		step := slide.PodiumHeight(p.Rank)
		if n < 3 {
			step *= 0.8 // lower blocks leave room for larger faces
		}
		bh := max(area.H*step, need+float32(3-min(3, p.Rank))*s.Unit*2)
		block := slide.Rect{X: cx, Y: area.Bottom() - bh, W: colW, H: bh}
		fill, fg := b.p.surface2, b.p.text
		sub := b.p.muted
		if first {
			fill, fg, sub = b.p.winner, b.p.onAccent, b.p.onAccent
		}
		r := b.rect(fill, block, 0)
		r.TopLeftCornerRadius, r.TopRightCornerRadius = s.Radius, s.Radius
		done := b.within(block)
		ry := block.Y + inset
		b.textCentered(slide.Primary, p.RankText(), rankSize, fg, true, cx, ry-capTop(rankSize, true), colW)
		py := ry + slide.CapHeight*rankSize + inset
		b.textCentered(slide.Primary, pts, ptSize, sub, false, cx, py-capTop(ptSize, false), colW)
		done()

		// Name and face above the block.
		nameSize, name := slide.FitName(p.Name, nameMax, s.MinPrimary, colW, 2, s.LineHeight, measure(true))
		name = slide.Balance(p.Name, name, nameSize, colW, measure(true))
		nameH := slide.BlockHeight(len(name), nameSize, s.LineHeight, lineH(nameSize, true))
		ny := block.Y - s.Unit*2 - nameH
		above := slide.Rect{X: cx, Y: area.Y, W: colW, H: block.Y - area.Y}
		done = b.within(above)
		b.lines(slide.Primary, name, nameSize, b.p.text, true, true, cx, ny, colW)
		done()
		ring := s.Unit * 1.1
		room := ny - s.Unit*1.4 - area.Y - ring
		d := min(s.Avatar*1.1*k, colW*0.8, room)
		if first {
			d = min(s.Avatar*1.45*k, colW*0.9, room)
		}
		if d < s.AvatarSmall {
			continue // no room for a face worth showing
		}
		ay := ny - s.Unit*1.4 - d
		b.avatar(p.Avatar, p.Initials, p.AvatarColor, cx+(colW-d)/2, ay, d, b.p.bg)
		if first {
			// After the photo: its square box, opaque up to the ground in
			// its corners, reaches past the ring.
			c := canvas.NewCircle(color.Transparent)
			c.StrokeColor = b.p.accent
			c.StrokeWidth = s.Unit * 0.6
			c.Move(fyne.NewPos(cx+(colW-d)/2-ring, ay-ring))
			c.Resize(fyne.NewSize(d+2*ring, d+2*ring))
			b.add(c)
		}
	}
}

// rest lists the places after the podium as rows. A long name wraps to a
// second line in a taller row before it shrinks, and shrinks only in its
// own row; when the rows do not fit the list, the gaps close first, then
// the wrapped names go back to one (smaller) line, longest first.
func (b *builder) rest(people []slide.Person, area slide.Rect) {
	s := b.sz
	gap := s.Unit * 1.2
	pad := s.Unit * 2
	rankSize, ptSize := s.Body, s.Small
	rankW := float32(0)
	for _, p := range people {
		rankW = max(rankW, textWidth(p.RankText(), rankSize, true))
	}
	d := s.AvatarSmall
	nameX := area.X + pad + rankW + s.Unit*2 + d + s.Unit*2
	changeW := textWidth("00", ptSize, true) + s.Unit*3.4
	ptsRight := area.Right() - pad - changeW
	ptsW := float32(0)
	for _, p := range people {
		ptsW = max(ptsW, textWidth(p.Points, ptSize, false))
	}
	nameW := ptsRight - ptsW - s.Unit*2 - nameX
	type row struct {
		size  float32
		lines []string
		h     float32
	}
	oneLine := d + 2.4*s.Unit
	fit := func(name string, lines int) row {
		size, ls := slide.FitName(name, s.Body, s.MinPrimary, nameW, lines, s.LineHeight, measure(false))
		h := max(oneLine, slide.BlockHeight(len(ls), size, s.LineHeight, lineH(size, false))+1.6*s.Unit)
		return row{size, ls, h}
	}
	rows := make([]row, len(people))
	total := func() float32 {
		t := gap * float32(len(rows)-1)
		for _, r := range rows {
			t += r.h
		}
		return t
	}
	for i, p := range people {
		rows[i] = fit(p.Name, 2)
	}
	if total() > area.H+0.5 {
		gap = max(s.Unit*0.5, (area.H-(total()-gap*float32(len(rows)-1)))/float32(max(1, len(rows)-1)))
	}
	for total() > area.H+0.5 {
		tallest := -1
		for i, r := range rows {
			if len(r.lines) > 1 && (tallest < 0 || r.h > rows[tallest].h) {
				tallest = i
			}
		}
		if tallest < 0 {
			break
		}
		rows[tallest] = fit(people[tallest].Name, 1)
	}
	// Still too tall (a screen that keeps a large safe area): the rows
	// lose padding, down to a line of text each, and the discs shrink with
	// them.
	if over := total() - area.H; over > 0.5 {
		for i := range rows {
			least := slide.BlockHeight(len(rows[i].lines), rows[i].size, s.LineHeight, lineH(rows[i].size, false)) + 0.4*s.Unit
			rows[i].h = max(least, rows[i].h-over/float32(len(rows)))
		}
	}
	// A short list stands in the middle of its column, not at its top.
	y := area.Y + max(0, (area.H-total())/2)
	for i, p := range people {
		rw := rows[i]
		r := slide.Rect{X: area.X, Y: y, W: area.W, H: rw.h}
		y += rw.h + gap
		b.rect(b.p.surface, r, s.Radius*0.7)
		done := b.within(r)
		mid := r.Y + r.H/2
		x := r.X + pad
		b.textRight(slide.Secondary, p.RankText(), rankSize, b.p.muted, true, x+rankW, capsAt(rankSize, true, mid))
		x += rankW + s.Unit*2
		dd := min(d, r.H-1.2*s.Unit)
		b.avatar(p.Avatar, p.Initials, p.AvatarColor, x+(d-dd)/2, mid-dd/2, dd, b.p.surface)
		// The name block, centred on the row by its ink.
		bh := slide.BlockHeight(len(rw.lines), rw.size, s.LineHeight, 0) + slide.CapHeight*rw.size
		ny := mid - bh/2 - capTop(rw.size, false)
		b.lines(slide.Primary, rw.lines, rw.size, b.p.text, false, false, nameX, ny, nameW)
		b.textRight(slide.Secondary, p.Points, ptSize, b.p.muted, false, ptsRight, capsAt(ptSize, false, mid))
		if p.Change != 0 {
			t, ch := slide.TrendUp, p.ChangeText()
			if p.Change < 0 {
				t = slide.TrendDown
			}
			col := b.trendColor(t)
			ct := b.textRight(slide.Secondary, ch, ptSize, col, true, r.Right()-pad, capsAt(ptSize, true, mid))
			ah := slide.CapHeight * ptSize * 0.9
			b.trend(t, col, ct.Position().X-s.Unit*0.8-0.866*ah/0.75, mid-ah/2, ah)
		}
		done()
	}
}

// mover draws the "biggest mover" callout.
func (b *builder) mover(p slide.Person, label string, r slide.Rect) {
	s := b.sz
	bg := b.rect(b.p.accentSoft, r, s.Radius*0.7)
	bg.StrokeColor = withAlpha(b.p.accent, 0x90)
	bg.StrokeWidth = max(1, s.Unit*0.2)
	defer b.within(r)()
	pad := s.Unit * 2
	d := r.H - 2*s.Unit*1.2
	x := r.X + pad
	b.avatar(p.Avatar, p.Initials, p.AvatarColor, x, r.Y+(r.H-d)/2, d, b.p.accentSoft)
	x += d + s.Unit*2
	right := r.Right() - pad
	// Right: "▲ 7 places" (p.Moved, in the kiosk's language).
	upSize := s.Body
	mid := r.Y + r.H/2
	pt := b.textRight(slide.Primary, p.Moved, upSize, b.p.up, true, right, capsAt(upSize, true, mid))
	ah := slide.CapHeight * upSize
	aw := 0.866 * ah / 0.75
	b.trend(slide.TrendUp, b.p.up, pt.Position().X-s.Unit*1.2-aw, mid-ah/2, ah)
	textR := pt.Position().X - s.Unit*3 - aw
	// Left: label over name.
	labelSize := s.Small
	_, label = slide.FitLine(label, labelSize, labelSize, textR-x, measure(true))
	nameSize, name := b.oneLineName(p.Name, s.Body, textR-x)
	// Centred by ink: the label's capitals, the gap, the name's capitals
	// and room for a descender (a J or a g reaches below the baseline).
	lh, nh := slide.CapHeight*labelSize, slide.CapHeight*nameSize
	g := s.Unit * 1.4
	top := mid - (lh+g+nh+0.24*nameSize)/2
	b.text(slide.Secondary, label, labelSize, b.p.accentText, true, x, top-capTop(labelSize, true))
	b.text(slide.Primary, name, nameSize, b.p.text, true, x, top+lh+g-capTop(nameSize, true))
}
