package main

import (
	"fyne.io/fyne/v2"

	"lobbykiosk/kiosk/slide"
	"lobbykiosk/kiosk/ui"
)

// fyneScreen is the one place where the player's goroutine hands work to the
// Fyne thread: every call goes through fyne.Do.
type fyneScreen struct{ view *ui.View }

func (s fyneScreen) Show(sl slide.Slide, c slide.Chrome) { fyne.Do(func() { s.view.Show(sl, c) }) }
func (s fyneScreen) SetChrome(c slide.Chrome)            { fyne.Do(func() { s.view.SetChrome(c) }) }
func (s fyneScreen) Blank(on bool)                       { fyne.Do(func() { s.view.Blank(on) }) }
