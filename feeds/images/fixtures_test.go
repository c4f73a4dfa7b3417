package images

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"sync"
	"testing"
)

var (
	red   = color.RGBA{220, 30, 30, 255}
	blue  = color.RGBA{30, 30, 220, 255}
	clear = color.RGBA{}
)

// halves is a w×h picture, red on the left half and blue on the right, so a
// test can tell whether a picture was turned or mirrored and whether its
// colours survived shrinking.
func halves(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := red
			if x >= w/2 {
				c = blue
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withAlpha is halves with a transparent top row band: a logo on no background.
func withAlpha(w, h int) *image.RGBA {
	m := halves(w, h)
	for y := 0; y < h/4; y++ {
		for x := 0; x < w; x++ {
			m.SetRGBA(x, y, clear)
		}
	}
	return m
}

// pngHeaderOnly is a PNG signature and an IHDR chunk with a valid CRC that
// claims w×h pixels, and nothing else: decoding it would fail, so refusing it
// with the pixel-limit message proves the header was checked first.
func pngHeaderOnly(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := make([]byte, 0, 17)
	chunk = append(chunk, "IHDR"...)
	chunk = binary.BigEndian.AppendUint32(chunk, w)
	chunk = binary.BigEndian.AppendUint32(chunk, h)
	chunk = append(chunk, 8, 2, 0, 0, 0) // 8-bit RGB, no interlace
	_ = binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// jpegClaiming rewrites the frame header (SOF0) of a real JPEG to claim w×h.
func jpegClaiming(t testing.TB, w, h uint16) []byte {
	t.Helper()
	data := bytes.Clone(encodeJPEG(t, halves(16, 16)))
	i := bytes.Index(data, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 in the encoded JPEG")
	}
	binary.BigEndian.PutUint16(data[i+5:], h)
	binary.BigEndian.PutUint16(data[i+7:], w)
	return data
}

// withOrientation inserts an EXIF block carrying the orientation tag right
// after a JPEG's start-of-image marker, as a phone camera does.
func withOrientation(jpg []byte, orient uint16, bigEndian bool) []byte {
	var bo binary.AppendByteOrder = binary.LittleEndian
	tiff := []byte("II*\x00")
	if bigEndian {
		bo, tiff = binary.BigEndian, []byte("MM\x00*")
	}
	tiff = bo.AppendUint32(tiff, 8)      // IFD0 right after the header
	tiff = bo.AppendUint16(tiff, 2)      // two entries
	tiff = bo.AppendUint16(tiff, 0x010f) // Make, ASCII: an entry to skip
	tiff = bo.AppendUint16(tiff, 2)
	tiff = bo.AppendUint32(tiff, 4)
	tiff = append(tiff, "Pi\x00\x00"...)
	tiff = bo.AppendUint16(tiff, 0x0112) // Orientation, SHORT
	tiff = bo.AppendUint16(tiff, 3)
	tiff = bo.AppendUint32(tiff, 1)
	tiff = bo.AppendUint16(tiff, orient)
	tiff = append(tiff, 0, 0)
	tiff = bo.AppendUint32(tiff, 0) // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xff, 0xe1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

var (
	photoOnce sync.Once
	photoJPEG []byte
)

// photo6000x4000 is a 24-megapixel JPEG, as a modern phone or camera takes:
// red left half, blue right half, with a fine stripe texture so the encoder
// and the shrinking have real detail to work on. Built once per test run.
func photo6000x4000(t testing.TB) []byte {
	photoOnce.Do(func() {
		m := image.NewYCbCr(image.Rect(0, 0, 6000, 4000), image.YCbCrSubsampleRatio420)
		ry, rcb, rcr := color.RGBToYCbCr(red.R, red.G, red.B)
		by, bcb, bcr := color.RGBToYCbCr(blue.R, blue.G, blue.B)
		for y := 0; y < 4000; y++ {
			for x := 0; x < 6000; x++ {
				v := ry
				if x >= 3000 {
					v = by
				}
				m.Y[y*m.YStride+x] = v + byte((x^y)&7)
			}
		}
		for y := 0; y < 2000; y++ {
			for x := 0; x < 3000; x++ {
				cb, cr := rcb, rcr
				if x >= 1500 {
					cb, cr = bcb, bcr
				}
				m.Cb[y*m.CStride+x], m.Cr[y*m.CStride+x] = cb, cr
			}
		}
		photoJPEG = encodeJPEG(t, m)
	})
	return photoJPEG
}

// noise is a picture that does not compress, for size limits.
func noise(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	x := uint32(2463534242)
	for i := range m.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		m.Pix[i] = byte(x)
	}
	return m
}

// near reports whether c is within tol of want on every channel.
func near(c color.Color, want color.RGBA, tol int) bool {
	r, g, b, a := c.RGBA()
	d := func(x uint32, y uint8) bool { v := int(x>>8) - int(y); return v >= -tol && v <= tol }
	return d(r, want.R) && d(g, want.G) && d(b, want.B) && d(a, want.A)
}
