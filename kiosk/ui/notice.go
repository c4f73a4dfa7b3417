package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"lobbykiosk/kiosk/slide"
)

// notice is Chrome.Notice on screen: a line for the person who looks after
// the kiosk (a config file with mistakes), not for the lobby. It is small, in
// the top band beside the status corner, and in a red no theme uses for
// anything else, so it is seen by whoever looks for a problem and ignored by
// visitors.
type notice struct {
	bg   *canvas.Rectangle
	text *canvas.Text
	// line holds what is drawn: text, or a lineText for a notice with
	// right-to-left words (an Arabic or Hebrew kiosk), which canvas.Text
	// would lay out left to right and measure narrower than it draws.
	line *fyne.Container
	rtl  *lineText
}

// noticeRed is the notice's pill; white text on it has a contrast of 5.6:1.
var noticeRed = color.NRGBA{0xc6, 0x28, 0x28, 0xff}

func newNotice() *notice {
	n := &notice{bg: canvas.NewRectangle(noticeRed), text: canvas.NewText("", color.White)}
	n.text.TextStyle.Bold = true
	n.line = container.NewWithoutLayout(n.text)
	n.bg.Hide()
	n.line.Hide()
	return n
}

func (n *notice) objects() []fyne.CanvasObject { return []fyne.CanvasObject{n.bg, n.line} }

func (n *notice) hide() {
	n.bg.Hide()
	n.line.Hide()
}

// layout places msg right-aligned at right, centred on mid, no further left
// than left; where that leaves too little room (a portrait screen), it goes
// on a line of its own under the status corner, across the screen. An empty
// msg hides it.
func (n *notice) layout(msg string, sz slide.Sizes, left, right, mid float32, blanked bool) {
	if msg == "" {
		n.hide()
		return
	}
	ts := sz.Small * 0.8
	if right-left < sz.W*0.3 {
		row := sz.Chrome()
		left, right = row.X, row.X+row.W
		mid += ts * 2.2
	}
	pad := ts * 0.7
	size, txt := slide.FitLine(msg, ts, ts*0.8, right-left-2*pad, measure(true))
	var t fyne.CanvasObject = n.text
	if n.rtl != nil {
		n.rtl.release()
		n.rtl = nil
	}
	if needsTypeset(txt) {
		n.rtl = newLineText(txt, size, color.White, true)
		t = n.rtl
	} else {
		n.text.Text, n.text.TextSize = txt, size
	}
	n.line.Objects = []fyne.CanvasObject{t}
	tm := t.MinSize()
	h := ts * 1.9
	w := tm.Width + 2*pad
	x := right - w
	n.bg.CornerRadius = h / 2
	n.bg.Move(fyne.NewPos(x, mid-h/2))
	n.bg.Resize(fyne.NewSize(w, h))
	t.Move(fyne.NewPos(x+pad, capsAt(size, true, mid)))
	t.Resize(tm)
	n.line.Resize(fyne.NewSize(right, mid+h))
	if !blanked {
		n.bg.Show()
		n.line.Show()
	}
	n.bg.Refresh()
	n.line.Refresh()
}
