package images

import (
	"testing"
)

// FuzzDecode feeds Decode damaged and hostile files: it must return an image
// within twice the box or an error, never panic, hang or overrun memory.
func FuzzDecode(f *testing.F) {
	f.Add(encodeJPEG(f, halves(24, 16)))
	f.Add(withOrientation(encodeJPEG(f, halves(24, 16)), 6, true))
	f.Add(encodePNG(f, withAlpha(24, 16)))
	f.Add(encodeGIF(f, halves(24, 16)))
	f.Add(readTestdata(f, "opaque-64x48.webp"))
	f.Add(readTestdata(f, "alpha-32x32.webp"))
	f.Add(pngHeaderOnly(100000, 100000))
	f.Add([]byte("<html>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// A small pixel limit keeps each run's memory small.
		img, err := Decode(data, 32, 32, 1<<20)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if b := img.Bounds(); b.Dx() < 1 || b.Dy() < 1 || b.Dx() > 64 || b.Dy() > 64 {
			t.Fatalf("decoded to %v, want within 64×64", b.Size())
		}
	})
}
