package ui

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"

	"lobbykiosk/kiosk/slide"
)

// Render draws one slide with its chrome at w×h pixels through Fyne's
// software renderer: no display, no GPU. It sets th as the current app's
// theme (text is measured with the app theme's font), so call it on the Fyne
// thread when an app is running.
func Render(s slide.Slide, c slide.Chrome, th Theme, w, h int) image.Image {
	ft := th.Fyne()
	fyne.CurrentApp().Settings().SetTheme(ft)
	cv := software.NewCanvas()
	cv.SetPadded(false)
	cv.SetScale(1)
	v := NewView(th)
	v.Show(s, c)
	cv.SetContent(v.Object())
	cv.Resize(fyne.NewSize(float32(w), float32(h)))
	return software.RenderCanvas(cv, ft)
}
