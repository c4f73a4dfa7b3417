package images

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"golang.org/x/image/draw"

	"lobbykiosk/feeds/images/pngrows"
	"lobbykiosk/feeds/images/scaledjpeg"
)

// maxWholeDecode is the most memory a format that can only be decoded whole
// (GIF, WebP) may take for its pixels. JPEG and PNG never need it: they are
// decoded at a reduced size or a row at a time. With one decode at a time
// (Options.Decoders) it bounds what a picture adds to the kiosk's memory.
const maxWholeDecode = 64 << 20

// decodeReduced decodes data at the smallest size the format allows that is
// still at least kw×kh (in the stored orientation); the caller shrinks the
// rest of the way. A 50-megapixel phone photo wanted at 1300×900 is decoded
// at a quarter of its size (2165×1443, 4.7 MB) instead of whole (75 to 150
// MB), and a 7000×7000 PNG is averaged down to 1000×1000 row by row instead
// of filling 196 MB.
func decodeReduced(f *format, data []byte, cfg image.Config, kw, kh int) (image.Image, error) {
	w, h := cfg.Width, cfg.Height
	switch f {
	case fmtJPEG:
		denom := 1
		for _, d := range []int{8, 4, 2} {
			if sw, sh := scaledjpeg.ScaledSize(w, h, d); sw >= kw && sh >= kh {
				denom = d
				break
			}
		}
		return scaledjpeg.Decode(bytes.NewReader(data), denom)
	case fmtPNG:
		n := min(w/max(kw, 1), h/max(kh, 1))
		if n <= 1 {
			// No more than twice the wanted size on a side: decoding it
			// whole costs at most four times the kept copy.
			return png.Decode(bytes.NewReader(data))
		}
		return decodePNGRows(data, w, h, n)
	}
	if need := wholeDecodeBytes(f, data, w, h); need > maxWholeDecode {
		return nil, fmt.Errorf("a %s of %d×%d pixels takes %s to decode (limit %s); save it smaller or as JPEG",
			f.name, w, h, sizeText(need), sizeText(maxWholeDecode))
	}
	return f.decode(bytes.NewReader(data))
}

// wholeDecodeBytes is how much memory decoding a w×h GIF or WebP takes.
func wholeDecodeBytes(f *format, data []byte, w, h int) int64 {
	px := int64(w) * int64(h)
	switch {
	case f == fmtGIF:
		return px // paletted: a byte a pixel
	case f == fmtWebP && len(data) >= 16 && string(data[12:16]) == "VP8 ":
		return px * 3 / 2 // lossy: YCbCr 4:2:0
	}
	return px * 4 // lossless or extended WebP: RGBA, or alpha besides
}

// decodePNGRows decodes a w×h PNG row by row, averaging each n×n block of
// pixels into one, so only the reduced picture and a row of sums are held.
// An interlaced PNG delivers its rows in seven passes out of order, so it
// needs the sums of the whole reduced picture instead of one row's.
func decodePNGRows(data []byte, w, h, n int) (image.Image, error) {
	ow, oh := (w+n-1)/n, (h+n-1)/n
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	var (
		sums    []uint32 // r, g, b, a, count per reduced pixel
		rowBase int      // reduced row the sums start at
		rolling bool     // one reduced row of sums (not interlaced)
		buf     *image.RGBA
	)
	flush := func(oy int, s []uint32) {
		for ox := 0; ox < ow; ox++ {
			c := s[5*ox+4]
			if c == 0 {
				continue
			}
			i := out.PixOffset(ox, oy)
			for ch := 0; ch < 4; ch++ {
				out.Pix[i+ch] = uint8((s[5*ox+ch] + c/2) / c)
			}
		}
	}
	err := pngrows.Decode(bytes.NewReader(data), func(p pngrows.Pass, row image.Image) error {
		if sums == nil {
			rolling = p == (pngrows.Pass{DX: 1, DY: 1})
			if rolling {
				sums = make([]uint32, 5*ow)
			} else {
				if int64(ow)*int64(oh)*20 > maxWholeDecode {
					return fmt.Errorf("an interlaced PNG of %d×%d pixels needs %s to be reduced (limit %s); save it without interlacing",
						w, h, sizeText(int64(ow)*int64(oh)*20), sizeText(maxWholeDecode))
				}
				sums = make([]uint32, 5*ow*oh)
			}
		}
		rb := row.Bounds()
		if buf == nil || buf.Rect.Dx() < rb.Dx() {
			buf = image.NewRGBA(image.Rect(0, 0, rb.Dx(), 1))
		}
		// Premultiplied 8-bit pixels average correctly across
		// transparency; draw converts every PNG pixel type to them.
		draw.Draw(buf, image.Rect(0, 0, rb.Dx(), 1), row, rb.Min, draw.Src)
		y := p.Y0 + rb.Min.Y*p.DY
		oy := y / n
		s := sums
		if rolling {
			if oy != rowBase {
				flush(rowBase, sums)
				for i := range sums {
					sums[i] = 0
				}
				rowBase = oy
			}
		} else {
			s = sums[5*ow*oy : 5*ow*(oy+1)]
		}
		for x := 0; x < rb.Dx(); x++ {
			ox := (p.X0 + x*p.DX) / n
			px := buf.Pix[4*x : 4*x+4]
			o := s[5*ox : 5*ox+5]
			o[0] += uint32(px[0])
			o[1] += uint32(px[1])
			o[2] += uint32(px[2])
			o[3] += uint32(px[3])
			o[4]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if rolling {
		flush(rowBase, sums)
	} else {
		for oy := 0; oy < oh; oy++ {
			flush(oy, sums[5*ow*oy:5*ow*(oy+1)])
		}
	}
	return out, nil
}
