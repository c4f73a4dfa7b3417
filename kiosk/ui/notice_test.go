package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"lobbykiosk/kiosk/slide"
)

// redIn counts the notice's red pixels in r.
func redIn(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c, _, _, _ := img.At(x, y).RGBA()
			_, g, b, _ := img.At(x, y).RGBA()
			if c>>8 == uint32(noticeRed.R) && g>>8 == uint32(noticeRed.G) && b>>8 == uint32(noticeRed.B) {
				n++
			}
		}
	}
	return n
}

// TestNoticeIsSeen: a config notice is drawn in the top band, beside the
// status corner, whatever the screen's shape, with the stale mark and the
// clock still there; without a notice there is no trace of it. Set UI_LOOK
// to keep the pictures.
func TestNoticeIsSeen(t *testing.T) {
	msg := "Config error: kiosk.toml line 12 (display.post_seconds) and 1 more · running the last good settings"
	for name, wh := range map[string][2]int{"1080p": {1920, 1080}, "portrait": {1080, 1920}, "720p": {1280, 720}} {
		c := staleChrome
		c.Notice = msg
		img := Render(postWithPicture(), c, DefaultTheme(), wh[0], wh[1])
		plain := Render(postWithPicture(), staleChrome, DefaultTheme(), wh[0], wh[1])
		sz := slide.SizesFor(float32(wh[0]), float32(wh[1]))
		band := image.Rect(0, 0, wh[0], int(sz.Content().Y))
		if n := redIn(img, band); n < int(sz.Small*sz.Small) {
			t.Errorf("%s: %d red pixels in the top band; the notice is not drawn", name, n)
		}
		if n := redIn(plain, img.Bounds()); n > 0 {
			t.Errorf("%s: %d notice-red pixels without a notice", name, n)
		}
		// The clock and the stale mark keep their place: the right part of
		// their row is the same with and without the notice.
		row := sz.Chrome()
		right := image.Rect(wh[0]*3/4, 0, wh[0], int(row.Y+row.H))
		for y := right.Min.Y; y < right.Max.Y; y += 2 {
			for x := right.Min.X; x < right.Max.X; x += 2 {
				if img.At(x, y) != plain.At(x, y) {
					t.Errorf("%s: the status corner moved or changed at %d,%d", name, x, y)
					y, x = right.Max.Y, right.Max.X
				}
			}
		}
		if dir := os.Getenv("UI_LOOK"); dir != "" {
			os.MkdirAll(dir, 0o755)
			f, err := os.Create(filepath.Join(dir, "notice-"+name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			png.Encode(f, img)
			f.Close()
		}
	}
}

// TestRightToLeftNoticeStaysOnScreen: an Arabic kiosk's notice (its words
// translated, the file and key as written) is laid out right to left and
// measured as it is drawn: its pill stays inside the status row on every
// screen, with the text in it. canvas.Text measured such a line narrower
// than it drew and ran the pill off the left edge in portrait.
func TestRightToLeftNoticeStaysOnScreen(t *testing.T) {
	msg := "خطأ في ملف الإعدادات: \u2068kiosk.toml line 12 (display.post_seconds)\u2069 و1 أخرى · يعمل بآخر إعدادات سليمة معروفة منذ البارحة"
	for name, wh := range map[string][2]int{"1080p": {1920, 1080}, "portrait": {1080, 1920}} {
		c := staleChrome
		c.Notice = msg
		img := Render(postWithPicture(), c, DefaultTheme(), wh[0], wh[1])
		sz := slide.SizesFor(float32(wh[0]), float32(wh[1]))
		row := sz.Chrome()
		band := image.Rect(0, 0, wh[0], int(sz.Content().Y))
		if n := redIn(img, band); n < int(sz.Small*sz.Small) {
			t.Errorf("%s: %d red pixels in the top band; the notice is not drawn", name, n)
		}
		if n := redIn(img, image.Rect(0, 0, int(row.X)-1, wh[1])); n > 0 {
			t.Errorf("%s: %d notice-red pixels left of the status row (x < %.0f): the notice runs off the screen", name, n, row.X)
		}
		white := 0
		for y := band.Min.Y; y < band.Max.Y; y++ {
			for x := 0; x < wh[0]; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				if r>>8 > 0xf0 && g>>8 > 0xf0 && b>>8 > 0xf0 && redIn(img, image.Rect(x-6, y, x-5, y+1))+redIn(img, image.Rect(x+5, y, x+6, y+1)) == 2 {
					white++
				}
			}
		}
		if white < int(sz.Small) {
			t.Errorf("%s: %d white pixels inside the red pill; its text is not drawn", name, white)
		}
		if dir := os.Getenv("UI_LOOK"); dir != "" {
			os.MkdirAll(dir, 0o755)
			f, err := os.Create(filepath.Join(dir, "notice-rtl-"+name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			png.Encode(f, img)
			f.Close()
		}
	}
}
