package images

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
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
// screen: the copy kept to cover a 1080p post box (1344×896) cropped to the
// box (823×896: a crop, no scaling), and to a smaller box (shrunk by 1.4).
func BenchmarkCover(b *testing.B) {
	img, err := Decode(photo6000x4000(b), 823, 896, DefaultMaxPixels)
	if err != nil {
		b.Fatal(err)
	}
	for _, box := range []image.Point{{823, 896}, {600, 300}} {
		b.Run(fmt.Sprintf("%dx%d", box.X, box.Y), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Cover(img, box.X, box.Y)
			}
		})
	}
}

// BenchmarkDecode50MP decodes a 8660×5773 phone photo (and a 7000×7000
// PNG) into the copy kept for a 1080p post box: what one big picture costs
// in allocated bytes (B/op), with the JPEG decoded at a quarter of its size
// and the PNG averaged down row by row.
func BenchmarkDecode50MP(b *testing.B) {
	photo := image.NewRGBA(image.Rect(0, 0, 8660, 5773))
	for i := range photo.Pix {
		photo.Pix[i] = byte(i/4%251) ^ byte(i/35000)
	}
	var jb, pb bytes.Buffer
	if err := jpeg.Encode(&jb, photo, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	flat := image.NewNRGBA(image.Rect(0, 0, 7000, 7000))
	for i := range flat.Pix {
		flat.Pix[i] = 0xa0
	}
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&pb, flat); err != nil {
		b.Fatal(err)
	}
	photo, flat = nil, nil
	for _, tc := range []struct {
		name string
		data []byte
	}{{"jpeg-8660x5773", jb.Bytes()}, {"png-7000x7000", pb.Bytes()}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(tc.data, 823, 896, DefaultMaxPixels); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFindFocus is the face search on a kept copy of a 1080p post box
// (1344×896): once per picture, when it is first decoded.
func BenchmarkFindFocus(b *testing.B) {
	var at []image.Point
	for i := range 4 {
		at = append(at, image.Pt(100+i*500, 300))
	}
	pic, err := Decode(canvasWithFaces(b, 2400, 1600, 300, at...), 823, 896, DefaultMaxPixels)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if faces := detectFaces(pic.Image); len(faces) != 4 {
			b.Fatalf("%d faces", len(faces))
		}
	}
}
