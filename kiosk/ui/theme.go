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
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is the look of the screen: dark or light, one accent colour, an
// optional background, font and logo.
type Theme struct {
	Dark       bool
	Accent     color.Color
	Background color.Color   // nil: the default for Dark
	Font       fyne.Resource // nil: Fyne's bundled Noto Sans (with emoji and system fallbacks)
	Logo       image.Image   // shown in the chrome when the slide's Chrome has none
}

// DefaultTheme is the dark theme with an indigo accent.
func DefaultTheme() Theme {
	return Theme{Dark: true, Accent: color.NRGBA{0x6D, 0x7C, 0xFF, 0xff}}
}

// palette is every colour the screen uses, derived from a Theme.
type palette struct {
	bg                color.NRGBA // the window's clear colour; flat, see screen
	surface, surface2 color.NRGBA // cards, list rows
	text, muted       color.NRGBA
	accent, onAccent  color.NRGBA
	accentSoft        color.NRGBA // accent-tinted fill behind callouts
	up, down, flat    color.NRGBA // trend colours: a fall is shown honestly, in orange
	warn              color.NRGBA // the freshness mark
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

// luminance is the relative luminance (WCAG) of c.
func luminance(c color.NRGBA) float64 {
	ch := func(v uint8) float64 {
		f := float64(v) / 255
		if f <= 0.03928 {
			return f / 12.92
		}
		return math.Pow((f+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
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
			muted:    color.NRGBA{0x9A, 0xA4, 0xB8, 0xff},
			up:       color.NRGBA{0x3D, 0xDC, 0x97, 0xff},
			down:     color.NRGBA{0xFF, 0x8A, 0x4C, 0xff},
			flat:     color.NRGBA{0x9A, 0xA4, 0xB8, 0xff},
			warn:     color.NRGBA{0xFF, 0xB0, 0x20, 0xff},
		}
	} else {
		p = palette{
			bg:       color.NRGBA{0xF1, 0xF3, 0xF8, 0xff},
			surface:  color.NRGBA{0xFF, 0xFF, 0xFF, 0xff},
			surface2: color.NRGBA{0xE4, 0xE7, 0xF0, 0xff},
			text:     color.NRGBA{0x10, 0x14, 0x20, 0xff},
			muted:    color.NRGBA{0x55, 0x5E, 0x70, 0xff},
			up:       color.NRGBA{0x0B, 0x8A, 0x55, 0xff},
			down:     color.NRGBA{0xC2, 0x4E, 0x0A, 0xff},
			flat:     color.NRGBA{0x55, 0x5E, 0x70, 0xff},
			warn:     color.NRGBA{0xB7, 0x6E, 0x00, 0xff},
		}
	}
	if t.Background != nil {
		p.bg = toNRGBA(t.Background)
		p.bg.A = 0xff
	}
	p.accent = accent
	p.onAccent = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	if luminance(accent) > 0.45 {
		p.onAccent = color.NRGBA{0x10, 0x14, 0x20, 0xff}
	}
	p.accentSoft = mix(p.bg, accent, 0.16)
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
