package images

import (
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/draw"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDecodeFormats(t *testing.T) {
	// The WebP fixtures were made with ImageMagick:
	//   convert -size 64x48 gradient:red-blue -quality 80 opaque-64x48.webp
	//   convert -size 32x32 xc:none -fill red -draw "circle 16,16 16,4" -define webp:lossless=true alpha-32x32.webp
	tests := []struct {
		name   string
		data   []byte
		w, h   int
		checks map[image.Point]color.RGBA // pixels a viewer would see
		tol    int
	}{
		{"JPEG", encodeJPEG(t, halves(40, 30)), 40, 30, map[image.Point]color.RGBA{{2, 15}: red, {37, 15}: blue}, 12},
		{"PNG", encodePNG(t, halves(40, 30)), 40, 30, map[image.Point]color.RGBA{{2, 15}: red, {37, 15}: blue}, 0},
		{"PNG with transparency", encodePNG(t, withAlpha(40, 32)), 40, 32, map[image.Point]color.RGBA{{2, 2}: clear, {2, 20}: red, {37, 20}: blue}, 0},
		{"GIF", encodeGIF(t, halves(40, 30)), 40, 30, map[image.Point]color.RGBA{{2, 15}: red, {37, 15}: blue}, 40},
		{"WebP lossy", readTestdata(t, "opaque-64x48.webp"), 64, 48, map[image.Point]color.RGBA{{32, 1}: {255, 0, 0, 255}, {32, 46}: {0, 0, 255, 255}}, 32},
		{"WebP lossless with transparency", readTestdata(t, "alpha-32x32.webp"), 32, 32, map[image.Point]color.RGBA{{0, 0}: clear, {16, 16}: {255, 0, 0, 255}}, 0},
		{"1×1 PNG", encodePNG(t, halves(1, 1)), 1, 1, map[image.Point]color.RGBA{{0, 0}: blue}, 0},
		{"1×1 JPEG", encodeJPEG(t, halves(1, 1)), 1, 1, map[image.Point]color.RGBA{{0, 0}: blue}, 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Decode(tc.data, 1920, 1080, DefaultMaxPixels)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
				t.Fatalf("size %v, want %d×%d", b.Size(), tc.w, tc.h)
			}
			for p, want := range tc.checks {
				p = p.Add(img.Bounds().Min)
				if got := img.At(p.X, p.Y); !near(got, want, tc.tol) {
					t.Errorf("pixel %v = %v, want about %v", p, got, want)
				}
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	jpg := encodeJPEG(t, halves(200, 120))
	pngData := encodePNG(t, halves(200, 120))
	gifData := encodeGIF(t, halves(200, 120))
	webpData := readTestdata(t, "opaque-64x48.webp")
	tests := []struct {
		name string
		data []byte
		want string // the whole message, as the screen's error list would show it
	}{
		{"PNG header claiming 100000×100000", pngHeaderOnly(100000, 100000), "header claims 100000×100000 pixels (limit 50 MP)"},
		{"JPEG header claiming 60000×60000", jpegClaiming(t, 60000, 60000), "header claims 60000×60000 pixels (limit 50 MP)"},
		{"zero-size header", pngHeaderOnly(0, 10), "damaged PNG: png: invalid format: non-positive dimension"},
		{"truncated JPEG", jpg[:len(jpg)/2], "truncated JPEG (the file ends before the picture does)"},
		{"JPEG cut inside its header", jpg[:40], "truncated JPEG (the file ends before the picture does)"},
		{"truncated PNG", pngData[:len(pngData)/2], "truncated PNG (the file ends before the picture does)"},
		{"truncated GIF", gifData[:len(gifData)/2], "truncated GIF (the file ends before the picture does)"},
		{"truncated WebP", webpData[:len(webpData)-40], "truncated WebP (the file ends before the picture does)"},
		{"empty", nil, "empty file, no image in it"},
		{"HTML login page", []byte("<!DOCTYPE html><html><body>Please sign in</body></html>"), "unsupported format (expected JPEG, PNG, GIF or WebP): this is an HTML or XML page, not a picture; check the address"},
		{"SVG logo", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), "unsupported format (expected JPEG, PNG, GIF or WebP): this is an SVG drawing; export it as PNG"},
		{"HEIC photo", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "unsupported format (expected JPEG, PNG, GIF or WebP): this is a HEIC or AVIF photo; save it as JPEG"},
		{"BMP", []byte("BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"), "unsupported format (expected JPEG, PNG, GIF or WebP)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Decode(tc.data, 1920, 1080, DefaultMaxPixels)
			if err == nil {
				t.Fatalf("decoded a %v image, want error %q", img.Bounds().Size(), tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %q\nwant %q", err, tc.want)
			}
		})
	}
}

// TestDecodeKeepsEnoughToCoverTheBox: a picture is kept just large enough
// to cover the box (any crop of the box's shape then has the box's pixels),
// never enlarged, and cut to at most twice the box on its long side.
func TestDecodeKeepsEnoughToCoverTheBox(t *testing.T) {
	tests := []struct {
		name       string
		data       []byte
		maxW, maxH int
		w, h       int
	}{
		{"6000×4000 photo", photo6000x4000(t), 1920, 1080, 1920, 1280},
		{"6000×4000 photo, a post's box", photo6000x4000(t), 823, 896, 1344, 896},
		{"portrait, cut to twice the box", encodeJPEG(t, halves(300, 600)), 192, 108, 192, 216},
		{"panorama lower than the box, cut to twice its width", encodePNG(t, halves(800, 100)), 192, 108, 384, 100},
		{"exactly the box", encodePNG(t, halves(192, 108)), 192, 108, 192, 108},
		{"small is never enlarged", encodePNG(t, halves(100, 50)), 1920, 1080, 100, 50},
		{"thin line", encodePNG(t, halves(4000, 1)), 192, 108, 384, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Decode(tc.data, tc.maxW, tc.maxH, DefaultMaxPixels)
			if err != nil {
				t.Fatal(err)
			}
			b := img.Bounds()
			if b.Dx() != tc.w || b.Dy() != tc.h {
				t.Fatalf("size %d×%d, want %d×%d", b.Dx(), b.Dy(), tc.w, tc.h)
			}
			mid := b.Min.Y + b.Dy()/2
			if l, r := img.At(b.Min.X, mid), img.At(b.Max.X-1, mid); !near(l, red, 16) || !near(r, blue, 16) {
				t.Errorf("edges are %v and %v, want about red and blue", l, r)
			}
		})
	}
}

func TestShrinkMatchesOneCallScale(t *testing.T) {
	// A busy picture, so a seam between bands would show as a difference.
	src := image.NewRGBA(image.Rect(0, 0, 701, 457))
	for i := range src.Pix {
		src.Pix[i] = byte(i*37 + i/2800*91)
	}
	for i := 3; i < len(src.Pix); i += 4 {
		src.Pix[i] = 255
	}
	dw, dh := 250, 163 // 701×457 fitted into 250×250
	want := image.NewRGBA(image.Rect(0, 0, dw, dh))
	draw.CatmullRom.Scale(want, want.Rect, src, src.Rect, draw.Src, nil)
	got := shrink(draw.CatmullRom, src, dw, dh)
	worst := 0
	for i := range want.Pix {
		d := int(got.Pix[i]) - int(want.Pix[i])
		worst = max(worst, d, -d)
	}
	// Two passes round to 8 bits in between; one call does not.
	if worst > 2 {
		t.Errorf("banded shrink differs from one Scale call by up to %d levels, want at most 2", worst)
	}
}

func TestShrinkDoesNotShimmer(t *testing.T) {
	// One-pixel stripes, like a shirt or a screenshot's text at a distance:
	// shrunk 3.7 times, a viewer should see even grey, not moiré bands.
	src := image.NewGray(image.Rect(0, 0, 1110, 740))
	for i := range src.Pix {
		if i%2 == 0 {
			src.Pix[i] = 255
		}
	}
	worst := func(img image.Image) int {
		m := toRGBA(img)
		w := 0
		for i := 0; i < len(m.Pix); i += 4 {
			d := int(m.Pix[i]) - 128
			w = max(w, d, -d)
		}
		return w
	}
	got := shrink(scaler, halve(src, 300, 200), 300, 200)
	if w := worst(got); w > 8 {
		t.Errorf("shrunk stripes stray up to %d levels from grey, want at most 8", w)
	}
	// The cheap interpolator on its own does show bands: the check above
	// can tell the difference.
	naive := image.NewRGBA(image.Rect(0, 0, 300, 200))
	draw.ApproxBiLinear.Scale(naive, naive.Rect, src, src.Rect, draw.Src, nil)
	if w := worst(naive); w <= 8 {
		t.Errorf("ApproxBiLinear alone strays only %d levels; the stripe test no longer discriminates", w)
	}
}

func TestDecodeTurnsPhonePhotosUpright(t *testing.T) {
	jpg := encodeJPEG(t, halves(40, 20)) // red left, blue right
	tests := []struct {
		orient     uint16
		bigEndian  bool
		maxW, maxH int
		w, h       int
		// where red ends up: which corner pixel is red and which is blue
		redAt, blueAt image.Point
	}{
		{1, false, 1920, 1080, 40, 20, image.Pt(1, 10), image.Pt(38, 10)},
		{2, false, 1920, 1080, 40, 20, image.Pt(38, 10), image.Pt(1, 10)},
		{3, true, 1920, 1080, 40, 20, image.Pt(38, 10), image.Pt(1, 10)},
		{6, false, 1920, 1080, 20, 40, image.Pt(10, 1), image.Pt(10, 38)},
		{6, true, 1920, 1080, 20, 40, image.Pt(10, 1), image.Pt(10, 38)},
		{8, false, 1920, 1080, 20, 40, image.Pt(10, 38), image.Pt(10, 1)},
		{5, false, 1920, 1080, 20, 40, image.Pt(10, 1), image.Pt(10, 38)},
		{7, false, 1920, 1080, 20, 40, image.Pt(10, 38), image.Pt(10, 1)},
		// Upright it is 20×40; covering 5×5 gives 5×10, not 10×5.
		{6, false, 5, 5, 5, 10, image.Pt(2, 1), image.Pt(2, 8)},
		{9, false, 1920, 1080, 40, 20, image.Pt(1, 10), image.Pt(38, 10)}, // not a valid orientation: shown as stored
	}
	for _, tc := range tests {
		img, err := Decode(withOrientation(jpg, tc.orient, tc.bigEndian), tc.maxW, tc.maxH, DefaultMaxPixels)
		if err != nil {
			t.Fatalf("orientation %d: %v", tc.orient, err)
		}
		b := img.Bounds()
		if b.Dx() != tc.w || b.Dy() != tc.h {
			t.Errorf("orientation %d (max %d×%d): size %d×%d, want %d×%d", tc.orient, tc.maxW, tc.maxH, b.Dx(), b.Dy(), tc.w, tc.h)
			continue
		}
		r, bl := tc.redAt.Add(b.Min), tc.blueAt.Add(b.Min)
		if !near(img.At(r.X, r.Y), red, 24) || !near(img.At(bl.X, bl.Y), blue, 24) {
			t.Errorf("orientation %d: pixel %v = %v (want red), %v = %v (want blue)", tc.orient, r, img.At(r.X, r.Y), bl, img.At(bl.X, bl.Y))
		}
	}
}

func TestDecodeSettingsMustBePositive(t *testing.T) {
	_, err := Decode(encodePNG(t, halves(4, 4)), 0, 1080, DefaultMaxPixels)
	if err == nil || !strings.Contains(err.Error(), "picture box 0×1080") {
		t.Errorf("Decode with a 0 width = %v, want an error naming the box", err)
	}
}
