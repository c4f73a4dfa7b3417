package scaledjpeg

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// goTestdata are the JPEGs Go's own image/jpeg tests decode: every
// subsampling, progressive and baseline, grayscale, CMYK, RGB, restart
// markers, separate DC scans. They are read from the Go installation, which
// every machine that runs these tests has.
var goTestdata = []string{
	"video-001.jpeg", "video-001.progressive.jpeg", "video-001.221212.jpeg", "video-001.cmyk.jpeg", "video-001.rgb.jpeg",
	"video-001.q50.410.jpeg", "video-001.q50.410.progressive.jpeg", "video-001.q50.411.jpeg", "video-001.q50.411.progressive.jpeg",
	"video-001.q50.420.jpeg", "video-001.q50.420.progressive.jpeg", "video-001.q50.422.jpeg", "video-001.q50.422.progressive.jpeg",
	"video-001.q50.440.jpeg", "video-001.q50.440.progressive.jpeg", "video-001.q50.444.jpeg", "video-001.q50.444.progressive.jpeg",
	"video-001.restart2.jpeg", "video-001.separate.dc.progression.jpeg", "video-001.separate.dc.progression.progressive.jpeg",
	"video-005.gray.jpeg", "video-005.gray.q50.jpeg", "video-005.gray.q50.progressive.jpeg",
	"video-005.gray.q50.2x2.jpeg", "video-005.gray.q50.2x2.progressive.jpeg",
}

func readGo(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", name))
	if err != nil {
		t.Skipf("Go's test pictures are not installed: %v", err)
	}
	return b
}

// TestFullSizeMatchesImageJPEG: at 1/1 the copy decodes every file exactly as
// image/jpeg does, so the changes did not touch the decoding itself.
func TestFullSizeMatchesImageJPEG(t *testing.T) {
	for _, name := range goTestdata {
		data := readGo(t, name)
		want, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: image/jpeg: %v", name, err)
		}
		got, err := Decode(bytes.NewReader(data), 1)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Bounds() != want.Bounds() {
			t.Fatalf("%s: bounds %v, want %v", name, got.Bounds(), want.Bounds())
		}
		if d, _ := diff(got, want, 1); d != 0 {
			t.Errorf("%s: differs from image/jpeg by up to %d", name, d)
		}
	}
}

// TestReducedMatchesBoxFilter: at 1/2, 1/4 and 1/8 every file decodes to the
// size libjpeg gives (sides rounded up) and to the full-size decode averaged
// over 2×2, 4×4 or 8×8 pixels: a baseline file to the rounding; a
// progressive one loses the high frequencies it did not keep, which may move
// a pixel at a sharp edge by tens of levels but the picture as a whole by
// about one level (measured: a mean difference of at most 2.1 levels).
func TestReducedMatchesBoxFilter(t *testing.T) {
	for _, name := range goTestdata {
		if strings.Contains(name, "rgb") || strings.Contains(name, "cmyk") {
			// Their channels are subsampled but come out as RGB or CMYK
			// pixels, so a box filter over the full-size pixels does not
			// say what the reduced channels should be. TestFullSizeMatches
			// covers their decoding.
			continue
		}
		data := readGo(t, name)
		full, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		fb := full.Bounds()
		for _, denom := range []int{2, 4, 8} {
			got, err := Decode(bytes.NewReader(data), denom)
			if err != nil {
				t.Fatalf("%s 1/%d: %v", name, denom, err)
			}
			w, h := ScaledSize(fb.Dx(), fb.Dy(), denom)
			if got.Bounds() != image.Rect(0, 0, w, h) {
				t.Fatalf("%s 1/%d: bounds %v, want %dx%d", name, denom, got.Bounds(), w, h)
			}
			worst, mean := diff(got, full, denom)
			progressive := bytes.Contains(data, []byte{0xff, 0xc2})
			switch {
			case !progressive && worst > 3, progressive && mean > 3:
				t.Errorf("%s 1/%d: differs from the box-filtered full decode by up to %d levels, %.2f on average", name, denom, worst, mean)
			}
		}
	}
}

// plane is one channel of a decoded image: a YCbCr image's Y, Cb and Cr
// (the chroma at its own, subsampled resolution), otherwise each colour
// channel of its pixels.
type plane struct {
	w, h int
	at   func(x, y int) int
}

func planes(img image.Image) []plane {
	switch m := img.(type) {
	case *image.YCbCr:
		cw, ch := m.Rect.Dx(), m.Rect.Dy()
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio422:
			cw = (cw + 1) / 2
		case image.YCbCrSubsampleRatio420:
			cw, ch = (cw+1)/2, (ch+1)/2
		case image.YCbCrSubsampleRatio440:
			ch = (ch + 1) / 2
		case image.YCbCrSubsampleRatio411:
			cw = (cw + 3) / 4
		case image.YCbCrSubsampleRatio410:
			cw, ch = (cw+3)/4, (ch+1)/2
		}
		return []plane{
			{m.Rect.Dx(), m.Rect.Dy(), func(x, y int) int { return int(m.Y[y*m.YStride+x]) }},
			{cw, ch, func(x, y int) int { return int(m.Cb[y*m.CStride+x]) }},
			{cw, ch, func(x, y int) int { return int(m.Cr[y*m.CStride+x]) }},
		}
	}
	b := img.Bounds()
	var out []plane
	for c := 0; c < 3; c++ {
		out = append(out, plane{b.Dx(), b.Dy(), func(x, y int) int {
			p := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			return int([3]uint8{p.R, p.G, p.B}[c])
		}})
	}
	return out
}

// diff compares each plane of got with want's averaged over f×f samples,
// away from the right and bottom edges (where an image's last block is
// padding), and returns the largest and the mean difference in 8-bit levels.
func diff(got, want image.Image, f int) (worst int, mean float64) {
	total, n := 0, 0
	gp, wp := planes(got), planes(want)
	for i := range wp {
		g, w := gp[i], wp[i]
		for y := 0; y < w.h/f-1; y++ {
			for x := 0; x < w.w/f-1; x++ {
				s := 0
				for yy := 0; yy < f; yy++ {
					for xx := 0; xx < f; xx++ {
						s += w.at(x*f+xx, y*f+yy)
					}
				}
				d := g.at(x, y) - (s+f*f/2)/(f*f)
				if d < 0 {
					d = -d
				}
				worst = max(worst, d)
				total += d
				n++
			}
		}
	}
	return worst, float64(total) / float64(max(n, 1))
}
func TestBadScale(t *testing.T) {
	data := readGo(t, "video-001.jpeg")
	if _, err := Decode(bytes.NewReader(data), 3); err == nil {
		t.Fatal("1/3 accepted")
	}
}
