package ui

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	"golang.org/x/image/font/gofont/goregular"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/slide"
)

// screenOf shows s on a fresh View in a w×h software canvas.
func screenOf(t testing.TB, s slide.Slide, c slide.Chrome, w, h int) (*View, test.WindowlessCanvas) {
	t.Helper()
	fyne.CurrentApp().Settings().SetTheme(DefaultTheme().Fyne())
	return screenOfTheme(t, s, c, DefaultTheme(), w, h)
}

// screenOfTheme shows s on a fresh View with theme th (which the caller
// has made the app's) in a w×h software canvas.
func screenOfTheme(t testing.TB, s slide.Slide, c slide.Chrome, th Theme, w, h int) (*View, test.WindowlessCanvas) {
	t.Helper()
	v := NewView(th)
	v.Show(s, c)
	cv := software.NewCanvas()
	cv.SetPadded(false)
	cv.SetContent(v.Object())
	cv.Resize(fyne.NewSize(float32(w), float32(h)))
	return v, cv
}

// placed is a visible leaf object with its position on screen.
type placed struct {
	obj fyne.CanvasObject
	pos fyne.Position
}

// drawn is the box a text's glyphs occupy, or an object's box.
func (p placed) drawn() slide.Rect {
	if t, ok := p.obj.(*lineText); ok {
		m := t.MinSize()
		return slide.Rect{X: p.pos.X, Y: p.pos.Y, W: m.Width, H: m.Height}
	}
	if t, ok := p.obj.(*canvas.Text); ok {
		m := t.MinSize()
		x := p.pos.X
		switch t.Alignment {
		case fyne.TextAlignCenter:
			x += (t.Size().Width - m.Width) / 2
		case fyne.TextAlignTrailing:
			x += t.Size().Width - m.Width
		}
		return slide.Rect{X: x, Y: p.pos.Y, W: m.Width, H: m.Height}
	}
	s := p.obj.Size()
	return slide.Rect{X: p.pos.X, Y: p.pos.Y, W: s.Width, H: s.Height}
}

func leaves(o fyne.CanvasObject, off fyne.Position, out *[]placed) {
	walk(o, off, func(o fyne.CanvasObject, pos fyne.Position) { *out = append(*out, placed{o, pos}) })
}

// slideLeaves are the visible objects of the slide itself (no chrome).
func slideLeaves(v *View) []placed {
	var out []placed
	leaves(v.scr.layer, fyne.Position{}, &out)
	return out
}

func allLeaves(v *View) []placed {
	var out []placed
	leaves(v.Object(), fyne.Position{}, &out)
	return out
}

func texts(ps []placed) []*canvas.Text {
	var out []*canvas.Text
	for _, p := range ps {
		if t, ok := asText(p.obj); ok && t.Text != "" {
			out = append(out, t)
		}
	}
	return out
}

// asText is o as a text: a canvas.Text, or a stand-in for a line typeset
// drew (right-to-left or mixed), with its text, size and box.
func asText(o fyne.CanvasObject) (*canvas.Text, bool) {
	switch t := o.(type) {
	case *canvas.Text:
		return t, true
	case *lineText:
		c := canvas.NewText(t.Text, t.Color)
		c.TextSize, c.TextStyle = t.TextSize, fyne.TextStyle{Bold: t.Bold}
		c.Move(t.Position())
		c.Resize(t.Size())
		return c, true
	}
	return nil, false
}

// assertReadable checks what any screen must satisfy: something to read, and
// every text fully on screen.
func assertReadable(t *testing.T, v *View, w, h int) {
	t.Helper()
	screen := slide.Rect{W: float32(w), H: float32(h)}
	n := 0
	for _, p := range allLeaves(v) {
		tx, ok := asText(p.obj)
		if !ok || tx.Text == "" {
			continue
		}
		n++
		if r := p.drawn(); !screen.Contains(r) {
			t.Errorf("text %q drawn at %+v leaves the %dx%d screen", tx.Text, r, w, h)
		}
		if tx.TextSize < 0.02*float32(min(w, h)) {
			t.Errorf("text %q at %.1f px is too small to read across a room", tx.Text, tx.TextSize)
		}
	}
	if n == 0 {
		t.Error("nothing to read on screen")
	}
}

var sizes = []struct{ w, h int }{{1920, 1080}, {1080, 1920}}

func TestLongPostStaysOnScreen(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			v, _ := screenOf(t, longPost(), freshChrome, sz.w, sz.h)
			assertReadable(t, v, sz.w, sz.h)
			ps := slideLeaves(v)
			var pic slide.Rect
			for _, p := range ps {
				// The picture is drawn from a copy scaled to its box: it is
				// the largest image on the slide (the avatar is the other).
				if _, ok := p.obj.(*canvas.Raster); ok && p.drawn().W*p.drawn().H > pic.W*pic.H {
					pic = p.drawn()
				}
			}
			if pic.W == 0 {
				t.Fatal("the picture is missing")
			}
			var body []*canvas.Text
			for _, p := range ps {
				tx, ok := asText(p.obj)
				if !ok || !strings.Contains(longPost().Post.Text, strings.TrimSuffix(tx.Text, slide.Ellipsis)) || len(tx.Text) < 10 {
					continue
				}
				body = append(body, tx)
				if r := p.drawn(); overlapsRect(r, pic) {
					t.Errorf("text line %q at %+v runs into the picture %+v", tx.Text, r, pic)
				}
			}
			if len(body) < 5 {
				t.Fatalf("only %d lines of the post are shown", len(body))
			}
			if last := body[len(body)-1].Text; !strings.HasSuffix(last, slide.Ellipsis) {
				t.Errorf("the cut post does not end with an ellipsis: %q", last)
			}
		})
	}
}

func overlapsRect(a, b slide.Rect) bool {
	return a.X < b.Right() && b.X < a.Right() && a.Y < b.Bottom() && b.Y < a.Bottom()
}

func TestTextOnlyPostHasNoPicture(t *testing.T) {
	one := postWithPicture()
	p := *one.Post
	p.Picture = image.NewNRGBA(image.Rect(0, 0, 1, 1)) // a tracking pixel
	p.Avatar = nil
	cases := map[string]slide.Slide{
		"no picture":        postTextOnly(),
		"1-pixel picture":   {Kind: slide.KindPost, Post: &p},
		"from a feeds.Post": slide.FromPost(feeds.Post{Author: feeds.Author{Name: "Ana Lima"}, Text: "Hello"}, nil, nil, time.Now(), time.UTC, nil),
	}
	for name, s := range cases {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s %dx%d", name, sz.w, sz.h), func(t *testing.T) {
				v, _ := screenOf(t, s, freshChrome, sz.w, sz.h)
				for _, o := range slideLeaves(v) {
					if _, ok := o.obj.(*canvas.Raster); ok {
						t.Errorf("a text-only post shows an image object at %+v", o.drawn())
					}
				}
				assertReadable(t, v, sz.w, sz.h)
			})
		}
	}
}

func TestBodyTextIsBigEnough(t *testing.T) {
	const w, h = 1920, 1080
	minBody := float32(0.04 * h)
	for name, s := range map[string]slide.Slide{
		"post with picture": postWithPicture(),
		"text-only post":    postTextOnly(),
		"5,000 characters":  longPost(),
	} {
		t.Run(name, func(t *testing.T) {
			v, _ := screenOf(t, s, freshChrome, w, h)
			found := 0
			for _, tx := range texts(slideLeaves(v)) {
				words := strings.TrimSuffix(tx.Text, slide.Ellipsis)
				if !strings.Contains(s.Post.Text, words) && tx.Text != s.Post.Name {
					continue
				}
				found++
				if tx.TextSize < minBody {
					t.Errorf("%q is %.1f px, under 4 %% of %d (%.1f)", tx.Text, tx.TextSize, h, minBody)
				}
			}
			if found < 2 {
				t.Errorf("found %d name/body texts", found)
			}
		})
	}
	// Wins labels and changes, leaderboard names: body size too.
	v, _ := screenOf(t, winsSlide(), freshChrome, w, h)
	for _, tx := range texts(slideLeaves(v)) {
		if tx.TextSize < minBody {
			t.Errorf("wins: %q is %.1f px", tx.Text, tx.TextSize)
		}
	}
}

func TestStaleMark(t *testing.T) {
	v, _ := screenOf(t, postTextOnly(), freshChrome, 1920, 1080)
	scr := v.scr
	if scr.staleText.Visible() || scr.staleBg.Visible() || scr.staleDot.Visible() {
		t.Fatal("the freshness mark shows while content is fresh")
	}
	v.SetChrome(staleChrome)
	if !scr.staleText.Visible() || scr.staleText.Text != staleChrome.Stale {
		t.Fatalf("stale: mark visible %v with %q, want %q", scr.staleText.Visible(), scr.staleText.Text, staleChrome.Stale)
	}
	screen := slide.Rect{W: 1920, H: 1080}
	mark := placed{scr.staleText, scr.staleText.Position()}.drawn()
	clock := placed{scr.clock, scr.clock.Position()}.drawn()
	if !screen.Contains(mark) || overlapsRect(mark, clock) {
		t.Errorf("mark %+v off screen or over the clock %+v", mark, clock)
	}
	v.SetChrome(freshChrome)
	if scr.staleText.Visible() {
		t.Error("the mark stays after content is fresh again")
	}
}

func TestClockTickDoesNotRebuildTheSlide(t *testing.T) {
	v, _ := screenOf(t, boardSlide(), freshChrome, 1920, 1080)
	before := append([]fyne.CanvasObject(nil), v.scr.layer.Objects...)
	c := freshChrome
	c.Clock = "14:06"
	v.SetChrome(c)
	if v.scr.clock.Text != "14:06" {
		t.Errorf("clock shows %q", v.scr.clock.Text)
	}
	after := v.scr.layer.Objects
	if len(after) != len(before) {
		t.Fatalf("slide has %d objects after a tick, %d before", len(after), len(before))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("object %d was replaced by a clock tick", i)
		}
	}
}

func TestEdgeCasesRenderReadably(t *testing.T) {
	now := time.Date(2025, 11, 12, 15, 0, 0, 0, time.UTC)
	onePixel := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	post := func(name, text string, avatar, pic image.Image) slide.Slide {
		return slide.FromPost(feeds.Post{Network: "mastodon", Author: feeds.Author{Name: name, Handle: "@x"}, Text: text, Image: "x", Published: now.Add(-time.Hour)}, avatar, pic, now, time.UTC, nil)
	}
	rawPic := postWithPicture()
	raw := *rawPic.Post
	raw.Picture = onePixel // given straight to the UI, not through FromPost
	raw.Avatar = onePixel
	cases := []struct {
		name  string
		s     slide.Slide
		c     slide.Chrome
		wants []string // texts that must be on screen
	}{
		{"1-pixel picture via FromPost", post("Ana Lima", "Tiny picture", nil, onePixel), freshChrome, []string{"Ana Lima", "Tiny picture"}},
		{"1-pixel picture and avatar given directly", slide.Slide{Kind: slide.KindPost, Post: &raw}, freshChrome, []string{"Ana Lima"}},
		{"missing avatar", post("Ben Okafor", "No face", nil, sunset), freshChrome, []string{"BO", "Ben Okafor"}},
		{"emoji", post("Ana 🚀 Lima", "Launch day 🎉🎉 👩‍💻🇵🇹 we did it ❤️", nil, nil), freshChrome, []string{"AL"}},
		{"Hebrew name", post("דוד כהן", "שלום לכולם! היום השקנו את המוצר החדש", nil, sunset), freshChrome, []string{"דכ"}},
		{"Arabic name", post("محمد علي", "مرحبا بالجميع، أطلقنا اليوم المنتج الجديد", nil, nil), freshChrome, []string{"م\u200cع"}},
		{"very long name", post(strings.Repeat("Maximiliana ", 12)+"Papadopoulou", "Hi", nil, sunset), freshChrome, nil},
		{"one enormous word", post("Ana Lima", "https://example.com/"+strings.Repeat("a", 3000), nil, nil), freshChrome, nil},
		{"wins: 12,345,678,901 and a fall", slide.FromWins([]feeds.Metric{
			{Label: "Impressions", Value: 12_345_678_901, Previous: 13e9, HasPrevious: true, Period: "Q3"},
			{Label: "Shares", Value: 4812, Previous: 6000, HasPrevious: true, Period: "Q3"},
		}, 0, nil), freshChrome, []string{"12.3 B", "–5 %", "–20 %"}},
		{"one win", slide.FromWins([]feeds.Metric{{Label: "Reach", Value: 987654321}}, 0, nil), freshChrome, []string{"988 M", "Reach"}},
		{"leaderboard of one", slide.FromLeaderboard([]feeds.Standing{{Rank: 1, Name: "Ana Lima", Points: 1}}, nil, "Q3", nil), freshChrome, []string{"Ana Lima", "1 pt", "1"}},
		{"empty leaderboard", slide.FromLeaderboard(nil, nil, "", nil), freshChrome, []string{"Welcome"}},
		{"empty wins", slide.FromWins(nil, 0, nil), freshChrome, []string{"Welcome"}},
		{"empty welcome", slide.WelcomeSlide("", "", nil, nil), slide.Chrome{}, []string{"Welcome"}},
		{"zero slide", slide.Slide{}, slide.Chrome{}, []string{"Welcome"}},
		{"post kind without a post", slide.Slide{Kind: slide.KindPost}, slide.Chrome{Clock: "09:00"}, []string{"Welcome", "09:00"}},
		{"logo nil, stale", welcomeSlide(), slide.Chrome{Clock: "23:59", Stale: "offline · updated 12 Nov"}, []string{"offline · updated 12 Nov", "Northwind Labs"}},
		{"huge logo", slide.WelcomeSlide("Acme", "Hi", photo(4000, 300), nil), slide.Chrome{Logo: photo(3000, 100)}, []string{"Acme"}},
	}
	// Every size derives from the window, so 720p stands for 1080p here at
	// half the painting cost; the goldens cover 1080p.
	for _, tc := range cases {
		for _, sz := range []struct{ w, h int }{{1280, 720}, {720, 1280}} {
			t.Run(fmt.Sprintf("%s %dx%d", tc.name, sz.w, sz.h), func(t *testing.T) {
				v, cv := screenOf(t, tc.s, tc.c, sz.w, sz.h)
				img := cv.Capture()
				if img.Bounds().Dx() != sz.w || img.Bounds().Dy() != sz.h {
					t.Fatalf("rendered %v", img.Bounds())
				}
				assertReadable(t, v, sz.w, sz.h)
				shown := map[string]bool{}
				for _, tx := range texts(allLeaves(v)) {
					shown[tx.Text] = true
				}
				for _, want := range tc.wants {
					if !shown[want] {
						t.Errorf("%q is not on screen; shown: %q", want, keys(shown))
					}
				}
				screen := slide.Rect{W: float32(sz.w), H: float32(sz.h)}
				for _, p := range slideLeaves(v) {
					if img, ok := p.obj.(*canvas.Raster); ok && !screen.Contains(p.drawn()) {
						t.Errorf("image %v at %+v leaves the screen", img.Generator(0, 0).Bounds(), p.drawn())
					}
				}
			})
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCursorIsHidden(t *testing.T) {
	v := NewView(DefaultTheme())
	c, ok := v.Object().(desktop.Cursorable)
	if !ok {
		t.Fatal("the screen does not implement desktop.Cursorable")
	}
	if c.Cursor() != desktop.HiddenCursor {
		t.Errorf("cursor = %v, want hidden", c.Cursor())
	}
}

func TestBlank(t *testing.T) {
	v, cv := screenOf(t, winsSlide(), staleChrome, 640, 360)
	v.Blank(true)
	img := cv.Capture()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if r, g, bl, _ := img.At(x, y).RGBA(); r|g|bl != 0 {
				t.Fatalf("blank screen has a lit pixel at %d,%d", x, y)
			}
		}
	}
	// A clock tick while blank changes nothing visible.
	c := staleChrome
	c.Clock = "03:00"
	v.SetChrome(c)
	if v.scr.clock.Visible() || v.scr.staleText.Visible() {
		t.Error("chrome shows through the blank screen")
	}
	v.Show(postTextOnly(), c)
	v.Blank(false)
	if len(texts(slideLeaves(v))) == 0 || !v.scr.clock.Visible() || v.scr.clock.Text != "03:00" || !v.scr.staleText.Visible() {
		t.Error("the screen did not come back from blank with the latest slide and chrome")
	}
}

func TestTransition(t *testing.T) {
	v, _ := screenOf(t, winsSlide(), freshChrome, 640, 360)
	first := v.scr.layer.Objects
	v.SetTransition(0, 0)
	v.Show(postTextOnly(), freshChrome)
	if v.cur.Kind != slide.KindPost || v.scr.fade.Visible() {
		t.Fatal("a cut did not show the new slide at once")
	}
	if len(first) == 0 || first[0] == v.scr.layer.Objects[0] {
		t.Fatal("slide layer not rebuilt")
	}

	v.SetTransition(600*time.Millisecond, 0)
	// Drive the fade frame by frame, as the render loop would.
	next := boardSlide()
	v.pending = &next
	alpha := func() uint8 { return covered(v) }
	v.fadeStep(0.25)
	if v.cur.Kind != slide.KindPost || alpha() == 0 || alpha() == 255 {
		t.Errorf("a quarter in: showing %s, overlay alpha %d; want the old slide half covered", v.cur.Kind, alpha())
	}
	v.fadeStep(0.5)
	if v.cur.Kind != slide.KindLeaderboard || alpha() != 255 {
		t.Errorf("half way: showing %s, alpha %d; want the new slide, fully covered", v.cur.Kind, alpha())
	}
	v.fadeStep(0.75)
	if a := alpha(); a == 0 || a == 255 {
		t.Errorf("three quarters: alpha %d", a)
	}
	v.fadeStep(1)
	if v.scr.fade.Visible() || v.cur.Kind != slide.KindLeaderboard {
		t.Errorf("end: alpha %d, showing %s", alpha(), v.cur.Kind)
	}
	// Through the driver (the test driver runs animations to their end).
	v.Show(welcomeSlide(), freshChrome)
	if v.cur.Kind != slide.KindWelcome || alpha() != 0 || v.anim != nil {
		t.Errorf("after a fade: showing %s, alpha %d, animating %v", v.cur.Kind, alpha(), v.anim != nil)
	}
}

func TestThemeFontAndColours(t *testing.T) {
	custom := DefaultTheme()
	custom.Font = fyne.NewStaticResource("goregular.ttf", goregular.TTF)
	if custom.Fyne().Font(fyne.TextStyle{}) != custom.Font {
		t.Error("Theme.Font is not the theme's text font")
	}
	if DefaultTheme().Fyne().Font(fyne.TextStyle{}) == custom.Font {
		t.Error("default theme uses the custom font")
	}
	a := Render(postTextOnly(), freshChrome, DefaultTheme(), 640, 360)
	b := Render(postTextOnly(), freshChrome, custom, 640, 360)
	if compareImages(a, b) == "" {
		t.Error("a custom font renders exactly like the default one")
	}

	light := DefaultTheme()
	light.Dark = false
	img := Render(postTextOnly(), freshChrome, light, 320, 180)
	if r, g, bl, _ := img.At(5, 170).RGBA(); r>>8 < 200 || g>>8 < 200 || bl>>8 < 200 {
		t.Errorf("light theme background is dark: %v", img.At(5, 170))
	}
	dark := Render(postTextOnly(), freshChrome, DefaultTheme(), 320, 180)
	if r, g, bl, _ := dark.At(5, 170).RGBA(); r>>8 > 40 || g>>8 > 40 || bl>>8 > 40 {
		t.Errorf("dark theme background is light: %v", dark.At(5, 170))
	}
	fyne.CurrentApp().Settings().SetTheme(DefaultTheme().Fyne())
}

func TestRenderSizes(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{1280, 720}, {3840, 2160}} {
		img := Render(winsSlide(), freshChrome, DefaultTheme(), sz.w, sz.h)
		if img.Bounds().Dx() != sz.w || img.Bounds().Dy() != sz.h {
			t.Errorf("Render(%dx%d) gave %v", sz.w, sz.h, img.Bounds())
		}
	}
}

// valueImage is an image.Image whose dynamic type cannot be compared with ==.
type valueImage struct{ pix []color.NRGBA }

func (valueImage) ColorModel() color.Model { return color.NRGBAModel }
func (valueImage) Bounds() image.Rectangle { return image.Rect(0, 0, 40, 20) }
func (v valueImage) At(x, y int) color.Color {
	return color.NRGBA{0x6D, 0x7C, 0xFF, 0xff}
}

func TestChromeLogoOfAnyImageType(t *testing.T) {
	v, _ := screenOf(t, welcomeSlide(), slide.Chrome{Logo: valueImage{}}, 640, 360)
	v.SetChrome(slide.Chrome{Logo: valueImage{}, Clock: "10:00"})
	if !v.scr.logo.Visible() {
		t.Error("logo not shown")
	}
	v.SetChrome(slide.Chrome{Clock: "10:01"})
	if v.scr.logo.Visible() {
		t.Error("logo still shown after it was removed")
	}
}

func TestBlankDuringFadeWakesOnTheNewSlide(t *testing.T) {
	v, _ := screenOf(t, winsSlide(), freshChrome, 640, 360)
	next := welcomeSlide()
	v.pending = &next
	v.anim = fyne.NewAnimation(time.Second, v.fadeStep) // mid-fade, as the render loop would leave it
	v.fadeStep(0.3)
	v.Blank(true)
	v.Blank(false)
	shown := map[string]bool{}
	for _, tx := range texts(slideLeaves(v)) {
		shown[tx.Text] = true
	}
	if !shown["Northwind Labs"] || v.scr.fade.Visible() {
		t.Errorf("after blanking mid-fade: shown %q, overlay visible %v", keys(shown), v.scr.fade.Visible())
	}
}

// covered is how much of the slide the fade hides, as seen on screen: a
// hidden overlay hides nothing, an empty slide layer hides it all (the
// window is cleared to the overlay's colour).
func covered(v *View) uint8 {
	switch {
	case len(v.scr.layer.Objects) == 0:
		return 255
	case !v.scr.fade.Visible():
		return 0
	}
	return v.scr.fade.FillColor.(color.NRGBA).A
}

// TestSteppedFadeRepaintsFewTimes drives a fade at the display's 60 frames
// a second and counts the frames in which the overlay changed — each one a
// repaint of the whole window, which without a GPU costs tens of
// milliseconds. At 8 steps a second a 0.6 s fade must change the screen a
// handful of times, still pass through a half-covered old slide, a covered
// swap and a half-covered new slide, and end clear.
func TestSteppedFadeRepaintsFewTimes(t *testing.T) {
	v, _ := screenOf(t, winsSlide(), freshChrome, 640, 360)
	for _, tc := range []struct {
		fps      float64
		min, max int
	}{{8, 4, 5}, {0, 30, 37}} {
		v.SetTransition(600*time.Millisecond, tc.fps)
		next := boardSlide()
		v.pending = &next
		v.lastStep = -1
		seen := map[string]bool{}
		changes := 0
		look := func() string {
			return fmt.Sprint(v.scr.fade.FillColor, v.scr.fade.Visible(), len(v.scr.layer.Objects))
		}
		last := look()
		const frames = 36 // 0.6 s at 60 Hz
		for i := 1; i <= frames; i++ {
			v.fadeStep(float32(i) / frames)
			now := look()
			if now != last {
				changes++
				last = now
			}
			a := covered(v)
			switch {
			case a == 255:
				seen["covered "+string(v.cur.Kind)] = true
			case a > 0 && v.cur.Kind == slide.KindWins:
				seen["old half covered"] = true
			case a > 0:
				seen["new half covered"] = true
			}
		}
		if changes < tc.min || changes > tc.max {
			t.Errorf("fps %g: the overlay changed in %d of %d frames, want %d to %d", tc.fps, changes, frames, tc.min, tc.max)
		}
		for _, want := range []string{"old half covered", "covered " + string(slide.KindLeaderboard), "new half covered"} {
			if !seen[want] {
				t.Errorf("fps %g: the fade never showed the %s (saw %v)", tc.fps, want, keys(seen))
			}
		}
		if covered(v) != 0 || v.cur.Kind != slide.KindLeaderboard {
			t.Errorf("fps %g: after the fade the slide is %d/255 covered, showing %s", tc.fps, covered(v), v.cur.Kind)
		}
		v.Show(winsSlide(), freshChrome) // back to the start for the next case
		v.SetTransition(0, 0)
		v.Show(winsSlide(), freshChrome)
	}
}

// A theme from headquarters changes what is on screen now: a light theme
// turns the background light and the slide's text dark, without a new
// slide.
func TestSetThemeRestylesTheSlideOnScreen(t *testing.T) {
	v, cv := screenOf(t, postTextOnly(), freshChrome, 640, 360)
	lum := func() float64 {
		img := cv.Capture()
		b := img.Bounds()
		var sum float64
		for y := b.Min.Y; y < b.Max.Y; y += 7 {
			for x := b.Min.X; x < b.Max.X; x += 7 {
				r, g, bl, _ := img.At(x, y).RGBA()
				sum += float64(r+g+bl) / 3 / 0xffff
			}
		}
		return sum / float64((b.Dx()/7+1)*(b.Dy()/7+1))
	}
	// The post's body, first line (badges keep white on colour).
	darkText := func() bool {
		for _, tx := range texts(slideLeaves(v)) {
			if strings.HasPrefix(postTextOnly().Post.Text, tx.Text) {
				return slide.Luminance(toNRGBA(tx.Color)) < 0.5
			}
		}
		t.Fatal("the post's text is not on screen")
		return false
	}
	if l := lum(); l > 0.3 || darkText() {
		t.Fatalf("dark theme: mean brightness %.2f, dark text %v", l, darkText())
	}
	light := DefaultTheme()
	light.Dark = false
	fyne.CurrentApp().Settings().SetTheme(light.Fyne())
	v.SetTheme(light)
	if l := lum(); l < 0.7 {
		t.Errorf("after a light theme the screen's mean brightness is %.2f, want a light screen", l)
	}
	if !darkText() {
		t.Error("after a light theme the slide's text is still light")
	}
	fyne.CurrentApp().Settings().SetTheme(DefaultTheme().Fyne())
}
