// Package ui is the thin Fyne layer of the lobby screen: it draws the
// slide.Slide values that package slide prepares, plus the persistent chrome
// (logo, clock, freshness mark), with optional fades between slides. Every
// size comes from slide.SizesFor and every string arrives pre-formatted, so
// this package only places and paints. Render draws a slide headless through
// Fyne's software renderer for `lobbykiosk render`, screenshots and tests.
package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"lobbykiosk/kiosk/slide"
)

// Theme is the look of the screen: dark or light, one accent colour, an
// optional background, font and logo, and the safe area the layout keeps
// clear of the screen's edges.
type Theme struct {
	Dark       bool
	Accent     color.Color
	Background color.Color   // nil: the default for Dark
	Font       fyne.Resource // nil: Fyne's bundled Noto Sans (with emoji and system fallbacks)
	Logo       image.Image   // shown in the chrome when the slide's Chrome has none
	// SafeArea is the share of each side, in per cent, that the TV may crop
	// by overscan: no text, pill or number is drawn there (0: none, for a
	// screen set to "Just Scan").
	SafeArea float32
}

// DefaultTheme is the dark theme with an indigo accent and the default safe
// area.
func DefaultTheme() Theme {
	return Theme{Dark: true, Accent: color.NRGBA{0x6D, 0x7C, 0xFF, 0xff}, SafeArea: slide.DefaultSafeArea}
}

// palette is every colour the screen uses, derived from a Theme. The
// colours text is drawn in are checked against the fills they are drawn on
// and moved towards white (on a dark theme) or black (on a light one) until
// they pass the design check's contrast (slide.Role): a custom accent or
// background from a config never makes a text unreadable.
type palette struct {
	bg                color.NRGBA // the window's clear colour; flat, see screen
	surface, surface2 color.NRGBA // cards, list rows
	text, muted       color.NRGBA
	accent            color.NRGBA // bars, rings, strokes: not text
	accentText        color.NRGBA // the accent for text (units, labels)
	onAccent          color.NRGBA // text on winner
	winner            color.NRGBA // the first place's block: the accent, deep enough for onAccent
	accentSoft        color.NRGBA // accent-tinted fill behind callouts
	up, down, flat    color.NRGBA // trend colours: a fall is shown honestly, in orange
	warn              color.NRGBA // the freshness mark
	warnBg            color.NRGBA // the freshness mark's pill, opaque
}

func toNRGBA(c color.Color) color.NRGBA {
	return color.NRGBAModel.Convert(c).(color.NRGBA)
}

// mix blends b into a by t (0 = a, 1 = b), opaque.
func mix(a, b color.NRGBA, t float32) color.NRGBA {
	l := func(x, y uint8) uint8 { return uint8(float32(x)*(1-t) + float32(y)*t + 0.5) }
	return color.NRGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xff}
}

func withAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

var (
	white = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	black = color.NRGBA{0, 0, 0, 0xff}
)

// Contrast targets: the design check's floors (7:1 and 4.5:1) with a little
// room, so rounding in the rasterizer never tips a text under.
const (
	primaryContrast   = 7.2
	secondaryContrast = 4.7
)

// readable returns fg, or fg moved towards white or black (away from the
// backgrounds) just far enough to have at least ratio against every one of
// bgs.
func readable(fg color.NRGBA, ratio float64, bgs ...color.NRGBA) color.NRGBA {
	worst := func(c color.NRGBA) float64 {
		w := 21.0
		for _, b := range bgs {
			w = min(w, slide.Contrast(c, b))
		}
		return w
	}
	if worst(fg) >= ratio {
		return fg
	}
	var lum float64
	for _, b := range bgs {
		lum += slide.Luminance(b)
	}
	to := white
	if lum/float64(max(1, len(bgs))) > 0.18 {
		to = black
	}
	for t := float32(0.02); t < 1; t += 0.02 {
		if c := mix(fg, to, t); worst(c) >= ratio {
			return c
		}
	}
	return to
}

// under returns bg, or bg moved away from fg (darker under light text,
// lighter under dark text) just far enough for fg to have ratio against it:
// a network's brand colour or an avatar's disc under white letters.
func under(bg, fg color.NRGBA, ratio float64) color.NRGBA {
	bg.A = 0xff
	to := black
	if slide.Luminance(fg) < 0.18 {
		to = white
	}
	for t := float32(0); t < 1; t += 0.02 {
		if c := mix(bg, to, t); slide.Contrast(fg, c) >= ratio {
			return c
		}
	}
	return to
}

func (t Theme) palette() palette {
	accent := color.NRGBA{0x6D, 0x7C, 0xFF, 0xff}
	if t.Accent != nil {
		accent = toNRGBA(t.Accent)
		accent.A = 0xff
	}
	var p palette
	if t.Dark {
		p = palette{
			bg:       color.NRGBA{0x0C, 0x0F, 0x18, 0xff},
			surface:  color.NRGBA{0x19, 0x1E, 0x2B, 0xff},
			surface2: color.NRGBA{0x24, 0x2B, 0x3B, 0xff},
			text:     color.NRGBA{0xF5, 0xF7, 0xFB, 0xff},
			muted:    color.NRGBA{0xA9, 0xB2, 0xC4, 0xff},
			up:       color.NRGBA{0x3D, 0xDC, 0x97, 0xff},
			down:     color.NRGBA{0xFF, 0x8A, 0x4C, 0xff},
			flat:     color.NRGBA{0xA9, 0xB2, 0xC4, 0xff},
			warn:     color.NRGBA{0xFF, 0xB0, 0x20, 0xff},
		}
	} else {
		p = palette{
			bg:       color.NRGBA{0xF1, 0xF3, 0xF8, 0xff},
			surface:  color.NRGBA{0xFF, 0xFF, 0xFF, 0xff},
			surface2: color.NRGBA{0xE4, 0xE7, 0xF0, 0xff},
			text:     color.NRGBA{0x10, 0x14, 0x20, 0xff},
			muted:    color.NRGBA{0x45, 0x4D, 0x5C, 0xff},
			up:       color.NRGBA{0x0B, 0x8A, 0x55, 0xff},
			down:     color.NRGBA{0xC2, 0x4E, 0x0A, 0xff},
			flat:     color.NRGBA{0x45, 0x4D, 0x5C, 0xff},
			warn:     color.NRGBA{0xB7, 0x6E, 0x00, 0xff},
		}
	}
	if t.Background != nil {
		p.bg = toNRGBA(t.Background)
		p.bg.A = 0xff
	}
	p.accent = accent
	p.accentSoft = mix(p.bg, accent, 0.16)
	p.warnBg = mix(p.bg, p.warn, 0.14)
	// Every fill a text may sit on.
	fills := []color.NRGBA{p.bg, p.surface, p.surface2, p.accentSoft}
	p.text = readable(p.text, primaryContrast, fills...)
	// Muted text carries wins labels and podium points, which are primary.
	p.muted = readable(p.muted, primaryContrast, fills...)
	p.flat = readable(p.flat, primaryContrast, fills...)
	p.up = readable(p.up, primaryContrast, fills...)
	p.down = readable(p.down, primaryContrast, fills...)
	p.accentText = readable(accent, primaryContrast, fills...)
	p.warn = readable(p.warn, secondaryContrast, p.bg, p.warnBg)
	// The winner's block keeps the accent's hue, deep enough (or, for a
	// light accent, bright enough) for its numbers.
	p.onAccent = white
	if slide.Luminance(accent) > 0.45 {
		p.onAccent = color.NRGBA{0x10, 0x14, 0x20, 0xff}
	}
	p.winner = under(accent, p.onAccent, primaryContrast)
	return p
}

// Fyne returns the fyne.Theme carrying this theme's colours and font. Set it
// on the app (app.Settings().SetTheme) before showing a View: text is
// measured and drawn with the app theme's font.
func (t Theme) Fyne() fyne.Theme {
	return &fyneTheme{t: t, p: t.palette()}
}

type fyneTheme struct {
	t Theme
	p palette
}

func (f *fyneTheme) variant() fyne.ThemeVariant {
	if f.t.Dark {
		return theme.VariantDark
	}
	return theme.VariantLight
}

func (f *fyneTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameBackground:
		return f.p.bg
	case theme.ColorNameForeground:
		return f.p.text
	case theme.ColorNamePrimary, theme.ColorNameFocus, theme.ColorNameHyperlink:
		return f.p.accent
	case theme.ColorNameForegroundOnPrimary:
		return f.p.onAccent
	case theme.ColorNameSuccess:
		return f.p.up
	case theme.ColorNameWarning:
		return f.p.warn
	}
	// The kiosk draws no other widgets; keep Fyne's colours for the rest.
	return theme.DefaultTheme().Color(n, f.variant())
}

func (f *fyneTheme) Font(s fyne.TextStyle) fyne.Resource {
	if f.t.Font != nil && !s.Monospace && !s.Symbol {
		return f.t.Font
	}
	return theme.DefaultTheme().Font(s)
}

func (f *fyneTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

func (f *fyneTheme) Size(n fyne.ThemeSizeName) float32 {
	return theme.DefaultTheme().Size(n)
}
