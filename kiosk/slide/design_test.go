package slide

import (
	"image/color"
	"math"
	"strings"
	"testing"
)

func TestContrast(t *testing.T) {
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	black := color.NRGBA{0, 0, 0, 0xff}
	for _, tc := range []struct {
		a, b color.NRGBA
		want float64
	}{
		{white, black, 21},
		{black, white, 21},
		{white, white, 1},
		// The podium: white on the default accent.
		{white, color.NRGBA{0x6D, 0x7C, 0xFF, 0xff}, 3.51},
		// WCAG's own example pair: #777 on white is 4.48:1.
		{color.NRGBA{0x77, 0x77, 0x77, 0xff}, white, 4.48},
	} {
		if got := Contrast(tc.a, tc.b); math.Abs(got-tc.want) > 0.01 {
			t.Errorf("Contrast(%v, %v) = %.3f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
}

// Each rule of the design check fails the layout that breaks it, and only
// that one.
func TestCheckLayout(t *testing.T) {
	s := SizesFor(1920, 1080)
	text := color.NRGBA{0xF5, 0xF7, 0xFB, 0xff}
	bg := color.NRGBA{0x0C, 0x0F, 0x18, 0xff}
	c := s.Content()
	good := func() Mark {
		size := s.Body
		return Mark{Text: "Ana Lima", Role: Primary, Size: size, FG: text, BG: bg,
			Rect: Rect{X: c.X + 10, Y: c.Y + 10, W: 200, H: size}, Box: c}
	}
	if ps := CheckLayout(s, []Mark{good()}, nil); len(ps) > 0 {
		t.Fatalf("a good text fails: %v", ps)
	}
	cases := []struct {
		rule   string
		marks  func() []Mark
		shapes []Shape
	}{
		{"contrast", func() []Mark { m := good(); m.FG = color.NRGBA{0x6D, 0x7C, 0xFF, 0xff}; return []Mark{m} }, nil},
		{"contrast", func() []Mark {
			m := good()
			m.Role, m.FG = Secondary, color.NRGBA{0x55, 0x5E, 0x70, 0xff}
			return []Mark{m}
		}, nil},
		{"size", func() []Mark { m := good(); m.Size = 0.029 * 1080 / CapHeight; return []Mark{m} }, nil},
		{"size", func() []Mark { m := good(); m.Role, m.Size = Secondary, 0.019*1080/CapHeight; return []Mark{m} }, nil},
		{"box", func() []Mark { m := good(); m.Box = Rect{X: m.Rect.X, Y: m.Rect.Y, W: 100, H: 100}; return []Mark{m} }, nil},
		{"safe area", func() []Mark { m := good(); m.Rect.X, m.Box = 20, Rect{W: 1920, H: 1080}; return []Mark{m} }, nil},
		{"overlap", func() []Mark {
			a, b := good(), good()
			b.Text, b.Rect.Y = "Ben", a.Rect.Y+a.Rect.H/2
			return []Mark{a, b}
		}, nil},
		{"overlap", func() []Mark { return []Mark{good()} }, []Shape{{What: "picture", Rect: Rect{X: c.X + 100, Y: c.Y, W: 300, H: 300}}}},
	}
	for _, tc := range cases {
		ps := CheckLayout(s, tc.marks(), tc.shapes)
		if len(ps) == 0 {
			t.Errorf("%s: a broken layout passes", tc.rule)
			continue
		}
		for _, p := range ps {
			if p.Rule != tc.rule {
				t.Errorf("%s: also broke %s", tc.rule, p)
			}
		}
	}
	// A text drawn on a card or a pill is not "over" it; an ornament needs
	// no contrast.
	card := Shape{What: "rectangle", Rect: c}
	orn := good()
	orn.Role, orn.FG = Ornament, bg
	if ps := CheckLayout(s, []Mark{good(), orn}, []Shape{card}); len(ps) != 1 || !strings.Contains(ps[0].String(), "overlap") {
		t.Errorf("a text on its card and an ornament: %v", ps)
	}
}

// The sizes of the screen's roles meet the check's floors at every screen,
// and the safe area keeps what it says.
func TestSizesMeetTheRoles(t *testing.T) {
	for _, sc := range screens {
		for _, safe := range []float32{0, 5, 10} {
			s := SizesIn(sc.w, sc.h, safe)
			short := min(sc.w, sc.h)
			if cap := CapHeight * s.MinPrimary / short; cap < Primary.MinCap() {
				t.Errorf("%s: the smallest primary text has a cap height of %.2f %%", sc.name, 100*cap)
			}
			if cap := CapHeight * s.Small / short; cap < Secondary.MinCap() {
				t.Errorf("%s: secondary text has a cap height of %.2f %%", sc.name, 100*cap)
			}
			if s.Safe.X < sc.w*safe/100-0.01 || s.Safe.Y < sc.h*safe/100-0.01 || s.Safe.Right() > sc.w*(1-safe/100)+0.01 || s.Safe.Bottom() > sc.h*(1-safe/100)+0.01 {
				t.Errorf("%s, %g %%: safe area %+v", sc.name, safe, s.Safe)
			}
			if !s.Safe.Contains(s.Content()) || !s.Safe.Contains(s.Chrome()) || s.Content().Overlaps(s.Chrome()) {
				t.Errorf("%s, %g %%: content %+v and chrome %+v must be apart, inside %+v", sc.name, safe, s.Content(), s.Chrome(), s.Safe)
			}
		}
	}
}
