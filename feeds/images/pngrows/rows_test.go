package pngrows

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestRowsMatchImagePNG: every picture of the PNG suite that image/png reads
// (all colour types and bit depths, transparency, Adam7 interlacing) comes
// out of the rows pixel for pixel as image/png decodes it, and whatever
// image/png refuses is refused too.
func TestRowsMatchImagePNG(t *testing.T) {
	dir := filepath.Join(runtime.GOROOT(), "src", "image", "png", "testdata", "pngsuite")
	names, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil || len(names) == 0 {
		t.Skipf("Go's PNG suite is not installed: %v", err)
	}
	interlaced := 0
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want, werr := png.Decode(bytes.NewReader(data))
		cfg, cerr := DecodeConfig(bytes.NewReader(data))
		var got *image.NRGBA64
		if cerr == nil {
			got = image.NewNRGBA64(image.Rect(0, 0, cfg.Width, cfg.Height))
		}
		passes := map[Pass]bool{}
		gerr := cerr
		if gerr == nil {
			gerr = Decode(bytes.NewReader(data), func(p Pass, row image.Image) error {
				passes[p] = true
				b := row.Bounds()
				if b.Dy() != 1 {
					t.Fatalf("%s: row of %d pixels' height", name, b.Dy())
				}
				for x := b.Min.X; x < b.Max.X; x++ {
					got.Set(p.X0+x*p.DX, p.Y0+b.Min.Y*p.DY, row.At(x, b.Min.Y))
				}
				return nil
			})
		}
		base := filepath.Base(name)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%s: image/png says %v, rows say %v", base, werr, gerr)
			continue
		}
		if werr != nil {
			continue
		}
		if len(passes) > 1 {
			interlaced++
		}
		wb := want.Bounds()
		for y := wb.Min.Y; y < wb.Max.Y; y++ {
			for x := wb.Min.X; x < wb.Max.X; x++ {
				w := color.NRGBA64Model.Convert(want.At(x, y))
				if g := got.At(x, y); g != w {
					t.Fatalf("%s: pixel %d,%d is %v, image/png has %v", base, x, y, g, w)
				}
			}
		}
	}
	if interlaced == 0 {
		t.Error("no interlaced picture in the suite was decoded")
	}
}

// TestRowErrorStops: an error from the row function stops the decoding.
func TestRowErrorStops(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "image", "png", "testdata", "pngsuite", "basn6a08.png"))
	if err != nil {
		t.Skip(err)
	}
	rows := 0
	err = Decode(bytes.NewReader(data), func(Pass, image.Image) error {
		rows++
		return os.ErrDeadlineExceeded
	})
	if rows != 1 || err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("%d rows, err %v", rows, err)
	}
}
