// Package xcapture reads what an X11 window shows, from the X server: the
// pixels a person in the lobby sees, as `import -window` does. The kiosk's
// screenshot comes from here because Fyne's own Capture reads the GL front
// buffer, which under Mesa (a Pi, a mini PC, Xvfb) holds nothing once the
// frame has been swapped to the screen: it gave an all-zero image.
package xcapture

import (
	"errors"
	"image"
)

// ErrUnsupported is returned where the kiosk is built without X11 (the
// software test driver, or a Wayland-only build).
var ErrUnsupported = errors.New("no X11 screenshot in this build")

// Window returns the contents of the X11 window id on the display named
// by $DISPLAY, as opaque RGBA.
func Window(id uint64) (*image.RGBA, error) { return window(id) }
