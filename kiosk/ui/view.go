package ui

import (
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"lobbykiosk/kiosk/slide"
)

// View is the whole screen: the current slide plus the persistent chrome
// (small logo top-left, clock top-right, a freshness mark beside the clock
// that is only visible when Chrome.Stale is set). All methods must be called
// on the Fyne thread (fyne.Do from other goroutines).
type View struct {
	th  Theme
	pal palette
	scr *screen

	cur    slide.Slide
	chrome slide.Chrome
	has    bool // a slide was shown

	fade     time.Duration
	steps    int // fade frames per half; 0: one per display frame
	lastStep int // the step fadeStep last drew, -1 before the first
	anim     *fyne.Animation
	pending  *slide.Slide // the slide a running fade will swap in
	blanked  bool
	rendered fyne.Size // size the slide layer was built for
	notes    []note    // the role and box of the slide's texts, for the design check
}

// NewView creates the screen for th. Until Show is called it shows an empty
// welcome.
func NewView(th Theme) *View {
	v := &View{th: th, pal: th.palette()}
	v.scr = newScreen(v)
	return v
}

// Object is the content to set on the window. It hides the mouse cursor
// (desktop.Cursorable) once the pointer moves over it.
func (v *View) Object() fyne.CanvasObject { return v.scr }

// Show replaces the slide, with a fade when SetTransition set one, and
// updates the chrome.
func (v *View) Show(s slide.Slide, c slide.Chrome) {
	v.SetChrome(c)
	if v.anim != nil {
		v.anim.Stop()
		v.anim = nil
		v.scr.setFade(0)
	}
	if v.fade <= 0 || !v.has || v.blanked {
		v.swap(s)
		return
	}
	// Dip through the background: fade the old slide out, swap, fade the
	// new one in. One overlay rectangle changes alpha; nothing else is
	// rebuilt per frame.
	v.pending = &s
	v.lastStep = -1
	a := fyne.NewAnimation(v.fade, v.fadeStep)
	a.Curve = fyne.AnimationLinear
	v.anim = a
	a.Start()
}

// fadeStep is one frame of the transition at progress f (0…1): the overlay
// covers the old slide during the first half and uncovers the new one during
// the second.
func (v *View) fadeStep(f float32) {
	if v.steps > 0 && f < 1 {
		// Quantize progress: the animation ticks at the display's frame
		// rate, but the window is repainted only when the overlay changes,
		// so a fade costs 2×steps full-screen repaints instead of one per
		// display frame. On a software renderer each repaint of a 1080p
		// window costs tens of milliseconds of CPU.
		n := int(f * float32(2*v.steps))
		if n == v.lastStep {
			return
		}
		v.lastStep = n
		f = float32(n) / float32(2*v.steps)
	}
	var alpha float32
	if f < 0.5 {
		alpha = f * 2
	} else {
		if v.pending != nil {
			next := *v.pending
			v.pending = nil
			v.swap(next)
		}
		alpha = (1 - f) * 2
	}
	if f >= 1 {
		alpha = 0
		v.anim = nil
	}
	// Ease so the dip lingers briefly on the plain background.
	alpha = alpha * alpha * (3 - 2*alpha)
	v.scr.setFade(uint8(alpha*255 + 0.5))
}

// swap makes s the current slide and rebuilds the slide layer.
func (v *View) swap(s slide.Slide) {
	v.cur = s
	v.has = true
	v.rebuild()
}

// SetChrome updates the clock, the freshness mark and the logo. It touches
// only those objects, so a clock tick redraws a few pixels, not the slide.
func (v *View) SetChrome(c slide.Chrome) {
	old := v.chrome
	v.chrome = c
	if old.Clock != c.Clock || old.Stale != c.Stale || old.Notice != c.Notice || !sameImage(old.Logo, c.Logo) {
		v.scr.layoutChrome()
	}
}

// SetTheme changes the look while running (a new theme from headquarters):
// colours, logo and font apply from the next frame, on the slide shown now.
func (v *View) SetTheme(th Theme) {
	v.th = th
	v.pal = th.palette()
	s := v.scr
	s.fade.FillColor = withAlpha(v.pal.bg, 0)
	s.staleBg.FillColor = v.pal.warnBg
	s.staleDot.FillColor = v.pal.warn
	s.staleText.Color = v.pal.warn
	if v.has && !v.blanked {
		v.rebuild()
	} else {
		v.rendered = fyne.Size{} // rebuilt in the new colours when the screen comes back
	}
	s.layoutChrome()
}

// SetTransition sets the fade between slides; 0 cuts. fps caps how often
// the fade repaints the screen (0: every display frame).
func (v *View) SetTransition(d time.Duration, fps float64) {
	v.fade = d
	v.steps = 0
	if fps > 0 {
		// Half the fade darkens, half lightens; each half gets at least two
		// steps so the dip still reads as a fade, not a double cut.
		v.steps = max(2, int(d.Seconds()*fps/2+0.5))
	}
}

// Blank turns the screen black (outside display hours) and stops anything
// animating; Blank(false) brings back the current slide.
func (v *View) Blank(on bool) {
	if on == v.blanked {
		return
	}
	v.blanked = on
	if on && v.anim != nil {
		v.anim.Stop()
		v.anim = nil
		if v.pending != nil {
			next := *v.pending
			v.pending = nil
			v.swap(next) // so the screen wakes up on the newest slide
		}
		v.scr.setFade(0)
	}
	v.scr.applyBlank()
}

// rebuild redraws the slide layer for the current size.
func (v *View) rebuild() {
	size := v.scr.Size()
	v.rendered = size
	if size.Width < 1 || size.Height < 1 {
		v.release(v.scr.setSlide(nil))
		return
	}
	b := &builder{sz: v.sizes(size), p: v.pal, scale: 1}
	if c := fyne.CurrentApp().Driver().CanvasForObject(v.scr); c != nil {
		b.scale = c.Scale()
	}
	b.build(v.cur)
	v.notes = b.notes
	v.release(v.scr.setSlide(b.objs))
}

// sizes is the layout's sizes for a screen of size.
func (v *View) sizes(size fyne.Size) slide.Sizes {
	return slide.SizesIn(size.Width, size.Height, v.th.SafeArea)
}

// release frees the textures of objects that left the screen. Fyne keeps a
// texture until its object has gone unused for a minute: at production
// timing that is a few slides' pictures, but at accelerated timing, or with
// short slides, hundreds of full-size textures pile up in memory (the soak
// benchmark saw 2 GiB). Refreshing an object through its canvas queues its
// texture to be freed at the next frame; an object no longer in the tree
// never gets a new one.
func (v *View) release(objs []fyne.CanvasObject) {
	var c fyne.Canvas
	if a := fyne.CurrentApp(); a != nil {
		c = a.Driver().CanvasForObject(v.scr)
	}
	for _, o := range objs {
		if c != nil {
			c.Refresh(o)
		}
		// Fyne's object caches hold the object itself a while longer; its
		// pixels need not wait with it.
		if r, ok := o.(*canvas.Raster); ok {
			r.Generator = released
		}
		if t, ok := o.(*lineText); ok {
			t.release()
		}
	}
}

// released is the generator of a picture that left the screen.
func released(int, int) image.Image { return image.Transparent }

// sameImage reports whether a and b are the same image value. Images of a
// non-comparable type (a struct holding a slice) count as different rather
// than panicking.
func sameImage(a, b image.Image) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

func (v *View) logo() image.Image {
	if v.chrome.Logo != nil {
		return v.chrome.Logo
	}
	return v.th.Logo
}

// screen is the top-level widget: slide layer, fade overlay, chrome and the
// blanking rectangle. It has no background object: the window is cleared to
// the theme's background colour (Theme.Fyne) before every frame, for free,
// whereas a full-screen gradient or rectangle is blended pixel by pixel on
// every repaint, which under software GL costs more than the slide itself.
type screen struct {
	widget.BaseWidget
	v *View

	layer *fyne.Container     // the slide's objects, absolutely placed
	slide []fyne.CanvasObject // the slide's objects, in layer unless covered
	// covered is set while the fade hides the slide completely: the layer
	// is empty then, so that frame draws only the cleared window and the
	// chrome, and the slide's objects go back in when the fade uncovers it.
	covered bool
	fade    *canvas.Rectangle

	logo      *canvas.Image
	clock     *canvas.Text
	staleBg   *canvas.Rectangle
	staleDot  *canvas.Circle
	staleText *canvas.Text
	// staleLine holds the mark instead of staleText when it is in a
	// right-to-left language (a lineText).
	staleLine *fyne.Container
	notice    *notice

	black *canvas.Rectangle
}

func newScreen(v *View) *screen {
	p := v.pal
	s := &screen{
		v:         v,
		layer:     &fyne.Container{},
		fade:      canvas.NewRectangle(withAlpha(p.bg, 0)),
		logo:      &canvas.Image{FillMode: canvas.ImageFillContain},
		clock:     canvas.NewText("", p.text),
		staleBg:   canvas.NewRectangle(p.warnBg),
		staleDot:  canvas.NewCircle(p.warn),
		staleText: canvas.NewText("", p.warn),
		staleLine: &fyne.Container{},
		notice:    newNotice(),
		black:     canvas.NewRectangle(color.Black),
	}
	s.clock.TextStyle.Bold = true
	s.staleText.TextStyle.Bold = true
	s.black.Hide()
	s.fade.Hide()
	s.ExtendBaseWidget(s)
	return s
}

// Cursor hides the mouse pointer over the whole screen.
func (s *screen) Cursor() desktop.Cursor { return desktop.HiddenCursor }

var _ desktop.Cursorable = (*screen)(nil)

func (s *screen) CreateRenderer() fyne.WidgetRenderer { return &screenRenderer{s: s} }

// layoutChrome places and fills the chrome for the current size.
func (s *screen) layoutChrome() {
	size := s.Size()
	if size.Width < 1 || size.Height < 1 {
		return
	}
	sz := s.v.sizes(size)
	c := s.v.chrome
	row := sz.Chrome()
	mid := row.Y + row.H/2
	right := row.Right()
	logoW, logoH := s.logoSize(sz)

	clockSize := sz.Small * 1.25
	s.clock.Text = c.Clock
	s.clock.TextSize = clockSize
	s.clock.Color = s.v.pal.text
	cm := s.clock.MinSize()
	s.clock.Resize(cm)
	s.clock.Move(fyne.NewPos(right-cm.Width, capsAt(clockSize, true, mid)))
	s.clock.Refresh()
	if c.Clock != "" {
		right -= cm.Width + sz.Unit*2.4
	}

	if c.Stale == "" {
		s.staleBg.Hide()
		s.staleDot.Hide()
		s.staleText.Hide()
		s.staleLine.Hide()
	} else {
		ts := sz.Small
		h := ts * 1.9
		dot := ts * 0.5
		pad := ts * 0.75
		avail := right - row.X - logoW - sz.Unit*3 - (2*pad + dot + ts*0.5)
		_, txt := slide.FitLine(c.Stale, ts, ts, max(0, avail), measure(true))
		s.staleText.Text = txt
		s.staleText.TextSize = ts
		tm := s.staleText.MinSize()
		var line fyne.CanvasObject
		s.staleLine.Objects = nil
		if needsTypeset(txt) {
			s.staleText.Text = ""
			line = newLineText(txt, ts, s.v.pal.warn, true)
			tm = line.MinSize()
			s.staleLine.Objects = []fyne.CanvasObject{line}
		}
		w := pad + dot + ts*0.5 + tm.Width + pad
		x := right - w
		s.staleBg.CornerRadius = h / 2
		s.staleBg.Move(fyne.NewPos(x, mid-h/2))
		s.staleBg.Resize(fyne.NewSize(w, h))
		s.staleDot.Move(fyne.NewPos(x+pad, mid-dot/2))
		s.staleDot.Resize(fyne.NewSize(dot, dot))
		s.staleText.Move(fyne.NewPos(x+pad+dot+ts*0.5, capsAt(ts, true, mid)))
		s.staleText.Resize(tm)
		if line != nil {
			line.Move(s.staleText.Position())
			line.Resize(tm)
		}
		if !s.v.blanked {
			s.staleBg.Show()
			s.staleDot.Show()
			s.staleText.Show()
			s.staleLine.Show()
		}
		s.staleBg.Refresh()
		s.staleText.Refresh()
		s.staleLine.Refresh()
		s.staleDot.Refresh()
		right = x - sz.Unit*1.2
	}
	s.notice.layout(c.Notice, sz, row.X+sz.Unit*30, right, mid, s.v.blanked)

	if img := s.v.logo(); logoW > 0 {
		if !sameImage(s.logo.Image, img) {
			s.logo.Image = img
			s.logo.Refresh()
		}
		s.logo.Move(fyne.NewPos(row.X, mid-logoH/2))
		s.logo.Resize(fyne.NewSize(logoW, logoH))
		if !s.v.blanked {
			s.logo.Show()
		}
	} else {
		s.logo.Image = nil
		s.logo.Hide()
	}
}

// logoSize is the size of the chrome's logo: four fifths of the chrome
// row's height, at most 28 units wide; zero without a logo.
func (s *screen) logoSize(sz slide.Sizes) (w, h float32) {
	img := s.v.logo()
	if img == nil || img.Bounds().Dx() <= 0 || img.Bounds().Dy() <= 0 {
		return 0, 0
	}
	b := img.Bounds()
	h = sz.Band * 0.8
	w = h * float32(b.Dx()) / float32(b.Dy())
	if maxW := sz.Unit * 28; w > maxW {
		w, h = maxW, maxW*float32(b.Dy())/float32(b.Dx())
	}
	return w, h
}

// setFade sets the overlay's opacity. Only a partly transparent overlay is
// drawn: at 0 it is hidden, and at 255 the slide under it is hidden too,
// since the cleared window already has the overlay's colour. Each blended
// full-screen layer is a pass over every pixel of every frame.
func (s *screen) setFade(a uint8) {
	c := withAlpha(s.v.pal.bg, a)
	show := a != 0 && a != 0xff && !s.v.blanked
	covered := a == 0xff && !s.v.blanked
	if s.fade.FillColor == c && s.fade.Visible() == show && s.covered == covered {
		return // unchanged: no repaint, which costs a whole frame
	}
	s.fade.FillColor = c
	if show {
		s.fade.Show()
	} else {
		s.fade.Hide()
	}
	if covered != s.covered {
		s.covered = covered
		s.showSlide()
	}
	s.fade.Refresh()
}

// setSlide makes objs the slide's objects and returns the objects they
// replace.
func (s *screen) setSlide(objs []fyne.CanvasObject) (old []fyne.CanvasObject) {
	old, s.slide = s.slide, objs
	s.showSlide()
	return old
}

// showSlide puts the slide's objects in the layer unless the fade covers
// them.
func (s *screen) showSlide() {
	if s.covered {
		s.layer.Objects = nil
	} else {
		s.layer.Objects = s.slide
	}
	s.layer.Refresh()
}

func (s *screen) applyBlank() {
	on := s.v.blanked
	for _, o := range []fyne.CanvasObject{s.layer, s.clock} {
		if on {
			o.Hide()
		} else {
			o.Show()
		}
	}
	if on {
		s.black.Show()
		s.fade.Hide()
		s.logo.Hide()
		s.staleBg.Hide()
		s.staleDot.Hide()
		s.staleText.Hide()
		s.staleLine.Hide()
		s.notice.hide()
		return
	}
	s.black.Hide()
	if s.v.rendered != s.Size() {
		s.v.rebuild()
	}
	s.layoutChrome()
}

type screenRenderer struct {
	s       *screen
	laidOut fyne.Size
}

func (r *screenRenderer) Destroy() {}

func (r *screenRenderer) Layout(size fyne.Size) {
	// Fyne lays the screen out again whenever the slide layer's minimum
	// size changes, that is on every new slide. Nothing here depends on
	// that, and every Move marks the window for another full repaint.
	if size == r.laidOut {
		return
	}
	r.laidOut = size
	s := r.s
	for _, o := range []fyne.CanvasObject{s.layer, s.fade, s.black} {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	// A blank screen is not rebuilt until it comes back.
	if s.v.rendered != size && !s.v.blanked {
		s.v.rebuild()
	}
	s.layoutChrome()
}

func (r *screenRenderer) MinSize() fyne.Size { return fyne.NewSize(320, 180) }

func (r *screenRenderer) Objects() []fyne.CanvasObject {
	s := r.s
	return append([]fyne.CanvasObject{s.layer, s.fade, s.logo, s.staleBg, s.staleDot, s.staleText, s.staleLine, s.clock}, append(s.notice.objects(), s.black)...)
}

func (r *screenRenderer) Refresh() {
	for _, o := range r.Objects() {
		o.Refresh()
	}
}
