package main

import (
	"image"
	"log/slog"

	"fyne.io/fyne/v2"

	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/slide"
	"lobbykiosk/kiosk/ui"
)

// fyneScreen is the one place where the player's goroutine hands work to the
// Fyne thread: every call goes through fyne.Do or fyne.DoAndWait.
type fyneScreen struct {
	app  fyne.App
	view *ui.View
	log  *slog.Logger
	// shown, when set, is signalled after each slide reaches the screen
	// (keepMemoryLow).
	shown chan<- struct{}
	// started, when set, is called after each slide reaches the screen
	// (a sync.OnceFunc: the config that got this far started well).
	started func()
}

var _ engine.Restyler = fyneScreen{}

// Restyle applies a new [theme], transition and safe area (from headquarters' central
// config) without a restart. The logo and font files are read here, on the
// player's goroutine; only the switch happens on the Fyne thread.
func (s fyneScreen) Restyle(cfg *config.Config) image.Image {
	th, logo := theme(cfg, s.log.Warn)
	fyne.DoAndWait(func() {
		s.app.Settings().SetTheme(th.Fyne())
		s.view.SetTheme(th)
		applyTransition(s.view, cfg)
	})
	s.log.Info("new theme applied", "mode", cfg.Theme.Mode, "accent", cfg.Theme.Accent)
	return logo
}

// Show waits until the Fyne thread has taken the slide: a player that ran
// ahead of a busy screen would otherwise queue slide after slide, each with
// its pictures, in fyne.Do's unbounded queue.
func (s fyneScreen) Show(sl slide.Slide, c slide.Chrome) {
	fyne.DoAndWait(func() { s.view.Show(sl, c) })
	if s.shown != nil {
		notify(s.shown)
	}
	if s.started != nil {
		s.started()
	}
}
func (s fyneScreen) SetChrome(c slide.Chrome) { fyne.Do(func() { s.view.SetChrome(c) }) }
func (s fyneScreen) Blank(on bool)            { fyne.Do(func() { s.view.Blank(on) }) }
