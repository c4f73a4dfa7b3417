package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
)

// photoSpec is one generated picture: its size, what is wrong with it (if
// anything) and the seed of its content. The same spec always gives the
// same bytes, so a picture's ETag can be known without making it.
type photoSpec struct {
	W, H   int
	Broken string // "" (a good JPEG), brokenTruncated, brokenMissing or brokenHTML
	Seed   uint64
}

// The ways a feed's picture is broken in an office's month: a photo cut off
// by an upload that failed half-way, a picture deleted from the server
// since the post was written, and a login page where the picture was.
const (
	brokenTruncated = "truncated"
	brokenMissing   = "missing"
	brokenHTML      = "html"
)

// photoSizes are the picture sizes posts carry, from an ordinary web
// picture to a phone's full-size photo (12 MP, landscape and portrait),
// with how often each comes (out of 20).
var photoSizes = []struct {
	w, h, weight int
}{
	{1600, 1000, 4}, {1920, 1280, 4}, {2048, 1365, 3}, {2400, 1600, 2},
	{3000, 2000, 2}, {4000, 3000, 2}, {4032, 3024, 2}, {3024, 4032, 1},
}

// specFor picks picture n's size and whether it is broken from its seed:
// about one in twelve is broken.
func specFor(seed uint64) photoSpec {
	r := splitmix(seed)
	total := 0
	for _, s := range photoSizes {
		total += s.weight
	}
	pick := int(r % uint64(total))
	sp := photoSpec{Seed: seed}
	for _, s := range photoSizes {
		if pick < s.weight {
			sp.W, sp.H = s.w, s.h
			break
		}
		pick -= s.weight
	}
	switch splitmix(r) % 36 {
	case 5:
		sp.Broken = brokenTruncated
	case 17:
		sp.Broken = brokenMissing
	case 29:
		sp.Broken = brokenHTML
	}
	return sp
}

// makePhoto draws a photo-like picture and encodes it as a camera would
// (JPEG, quality 88): a sky-to-ground gradient, a few soft-edged shapes
// (the subject), and sensor noise, which is what makes a real photo's file
// as large as it is (a 12 MP one is 3–4 MB). Colour is smooth, at half
// resolution, as in every camera JPEG.
func makePhoto(sp photoSpec, quality int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, sp.W, sp.H), image.YCbCrSubsampleRatio420)
	r := splitmix(sp.Seed ^ 0x9e3779b97f4a7c15)
	next := func() uint64 { r = splitmix(r); return r }
	unit := func() float64 { return float64(next()>>11) / (1 << 53) }
	top, bottom := 60+unit()*150, 30+unit()*120
	type blob struct{ cx, cy, rx, ry, y float64 }
	blobs := make([]blob, 3+next()%4)
	for i := range blobs {
		blobs[i] = blob{unit() * float64(sp.W), unit() * float64(sp.H),
			(0.08 + unit()*0.25) * float64(sp.W), (0.08 + unit()*0.25) * float64(sp.H), 20 + unit()*215}
	}
	noise := next()
	line := make([]float64, sp.W)
	for y := 0; y < sp.H; y++ {
		fy := float64(y) / float64(sp.H)
		base := top + (bottom-top)*fy
		for x := range line {
			line[x] = base
		}
		for _, b := range blobs {
			dy := (float64(y) - b.cy) / b.ry
			if dy*dy >= 1 {
				continue
			}
			half := b.rx * math.Sqrt(1-dy*dy)
			x0, x1 := max(0, int(b.cx-half)), min(sp.W, int(b.cx+half)+1)
			for x := x0; x < x1; x++ {
				dx := (float64(x) - b.cx) / b.rx
				if d := dx*dx + dy*dy; d < 1 {
					line[x] += (b.y - line[x]) * (1 - d) // a soft edge
				}
			}
		}
		row := img.Y[y*img.YStride : y*img.YStride+sp.W]
		for x, v := range line {
			// xorshift noise, ±12 levels: a phone's sensor at ISO 400.
			noise ^= noise << 13
			noise ^= noise >> 7
			noise ^= noise << 17
			v += float64(int(noise%25) - 12)
			row[x] = uint8(math.Max(0, math.Min(255, v)))
		}
	}
	cb0, cr0 := 90+unit()*70, 90+unit()*70
	cw, ch := (sp.W+1)/2, (sp.H+1)/2
	for y := 0; y < ch; y++ {
		fy := float64(y) / float64(ch)
		for x := 0; x < cw; x++ {
			fx := float64(x) / float64(cw)
			img.Cb[y*img.CStride+x] = uint8(cb0 + 30*math.Sin(3*fx+fy))
			img.Cr[y*img.CStride+x] = uint8(cr0 + 30*math.Cos(2*fy-fx))
		}
	}
	var buf bytes.Buffer
	buf.Grow(sp.W * sp.H / 3)
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		panic(err) // an in-memory YCbCr image always encodes
	}
	return buf.Bytes()
}

// photoBody is what the server sends for sp: the photo, its first 40 % for
// a truncated one, a login page for an HTML one. A missing one has none.
func photoBody(sp photoSpec) []byte {
	switch sp.Broken {
	case brokenMissing:
		return nil
	case brokenHTML:
		return []byte(`<!DOCTYPE html><html><head><title>Sign in - Intranet</title></head><body><form method="post"><input name="user"><input type="password" name="pass"></form></body></html>`)
	}
	data := makePhoto(sp, 88)
	if sp.Broken == brokenTruncated {
		return data[:len(data)*2/5]
	}
	return data
}

// splitmix is SplitMix64's output function: a well-mixed number from any
// seed, so that content can be derived from (source, post) without state.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
