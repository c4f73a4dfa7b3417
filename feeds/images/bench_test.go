package images

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"
)

// BenchmarkDownscale6000x4000 is what a new 24-megapixel photo costs once:
// header check, decode, shrink to 1620×1080.
func BenchmarkDownscale6000x4000(b *testing.B) {
	data := photo6000x4000(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(data, 1920, 1080, DefaultMaxPixels); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetCached is what every later showing of the picture costs: a
// memory hit. A local file also costs a stat, to notice a replaced file.
func BenchmarkGetCached(b *testing.B) {
	data := photo6000x4000(b)
	p := filepath.Join(b.TempDir(), "photo.jpg")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	l, err := New(Options{Fetch: func(context.Context, Request) (Response, error) { return Response{Body: data}, nil }})
	if err != nil {
		b.Fatal(err)
	}
	for _, src := range []string{"https://cdn.example.com/media/photo.jpg", p} {
		if _, err := l.Get(b.Context(), src); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct{ name, src string }{{"http URL", "https://cdn.example.com/media/photo.jpg"}, {"local file", p}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.Get(b.Context(), bc.src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDownscaleKernels compares ways to shrink the decoded 6000×4000
// photo to 1620×1080, for the choice of scaler in decode.go. B/op is the
// memory a shrink needs on top of the decoded photo.
func BenchmarkDownscaleKernels(b *testing.B) {
	src, err := jpeg.Decode(bytes.NewReader(photo6000x4000(b)))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(photo6000x4000(b))); err != nil {
				b.Fatal(err)
			}
		}
	})
	banded := func(k *draw.Kernel) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				shrink(k, src, 1620, 1080)
			}
		}
	}
	oneCall := func(s draw.Scaler) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				dst := image.NewRGBA(image.Rect(0, 0, 1620, 1080))
				s.Scale(dst, dst.Rect, src, src.Bounds(), draw.Src, nil)
			}
		}
	}
	b.Run("halve then CatmullRom banded (used)", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			shrink(draw.CatmullRom, halve(src, 1620, 1080), 1620, 1080)
		}
	})
	b.Run("CatmullRom banded", banded(draw.CatmullRom))
	b.Run("CatmullRom one call", oneCall(draw.CatmullRom))
	b.Run("BiLinear banded", banded(draw.BiLinear))
	b.Run("BiLinear one call", oneCall(draw.BiLinear))
	b.Run("ApproxBiLinear", oneCall(draw.ApproxBiLinear))
}

// BenchmarkCover is what a slide pays for its picture when it comes on
// screen: the screen-sized copy from the cache (1620×1080) cropped and
// scaled to the picture's box, a post's left half at 1080p (990×1080 to
// 860×940, shrunk by 1.15) and a small box (shrunk by 1.8, after halving
// that is the Catmull-Rom kernel again).
func BenchmarkCover(b *testing.B) {
	img, err := Decode(photo6000x4000(b), 1920, 1080, DefaultMaxPixels)
	if err != nil {
		b.Fatal(err)
	}
	for _, box := range []image.Point{{860, 940}, {600, 300}} {
		b.Run(fmt.Sprintf("%dx%d", box.X, box.Y), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Cover(img, box.X, box.Y)
			}
		})
	}
}
