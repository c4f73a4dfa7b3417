package ui

import (
	"testing"

	"lobbykiosk/kiosk/slide"
)

// BenchmarkRender is the headless cost of one frame per slide type at 1080p
// (what `lobbykiosk render` and screenshots pay).
func BenchmarkRender(b *testing.B) {
	for _, g := range goldens {
		b.Run(g.name, func(b *testing.B) {
			s := g.s()
			for b.Loop() {
				Render(s, g.c, DefaultTheme(), 1920, 1080)
			}
		})
	}
}

// BenchmarkShow is the cost of building a slide's objects on a live View,
// without painting: what the GL loop pays when the playlist advances.
func BenchmarkShow(b *testing.B) {
	v, _ := screenOf(b, slide.Slide{}, freshChrome, 1920, 1080)
	for _, g := range goldens {
		b.Run(g.name, func(b *testing.B) {
			s := g.s()
			for b.Loop() {
				v.Show(s, g.c)
			}
		})
	}
}
