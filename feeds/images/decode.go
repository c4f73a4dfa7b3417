package images

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strconv"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// format is one image format the kiosk reads.
type format struct {
	name   string
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var (
	fmtJPEG = &format{"JPEG", jpeg.DecodeConfig, jpeg.Decode}
	fmtPNG  = &format{"PNG", png.DecodeConfig, png.Decode}
	fmtGIF  = &format{"GIF", gif.DecodeConfig, gif.Decode} // first frame only: slides are stills
	fmtWebP = &format{"WebP", webp.DecodeConfig, webp.Decode}
)

const unsupported = "unsupported format (expected JPEG, PNG, GIF or WebP)"

// sniff picks the decoder from the first bytes rather than from a file name
// or a Content-Type, which feeds and shared folders get wrong.
func sniff(data []byte) (*format, error) {
	switch {
	case len(data) == 0:
		return nil, errors.New("empty file, no image in it")
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return fmtJPEG, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return fmtPNG, nil
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return fmtGIF, nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return fmtWebP, nil
	}
	// Name the common wrong answers: a login or error page served in
	// place of the picture, a vector logo, a phone's HEIC photo.
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(trimmed, []byte("<")):
		if bytes.Contains(bytes.ToLower(data[:min(len(data), 1024)]), []byte("<svg")) {
			return nil, errors.New(unsupported + ": this is an SVG drawing; export it as PNG")
		}
		return nil, errors.New(unsupported + ": this is an HTML or XML page, not a picture; check the address")
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		return nil, errors.New(unsupported + ": this is a HEIC or AVIF photo; save it as JPEG")
	}
	return nil, errors.New(unsupported)
}

// decoded is an image as read from its bytes, with what the disk cache needs
// to know about it.
type decoded struct {
	pic    *Picture
	format *format
	scaled bool // reduced, trimmed or turned upright, so the original bytes no longer match it
}

// Decode reads a JPEG, PNG, GIF (first frame) or WebP image and makes the
// copy the screen keeps of it: shrunk, never enlarged, until it just covers
// a boxW×boxH box (so that a crop of the box's shape is drawn from at least
// as many pixels as the box has), then cut down, around what matters in it,
// to at most twice the box on its long side. The header is checked first, so
// an image claiming more than maxPixels pixels is refused before any memory
// is spent on it, and a big picture is decoded at a reduced size (JPEG) or
// a row at a time (PNG), so the original is never held in memory at full
// size. A JPEG's EXIF orientation is applied, so phone photos stand upright.
func Decode(data []byte, boxW, boxH, maxPixels int) (*Picture, error) {
	d, err := decode(data, boxW, boxH, maxPixels)
	if err != nil {
		return nil, err
	}
	return d.pic, nil
}

func decode(data []byte, boxW, boxH, maxPixels int) (d decoded, err error) {
	// The bytes come from anywhere on the internet; a decoder bug they
	// trigger must cost one picture, not the kiosk.
	defer func() {
		if r := recover(); r != nil {
			d, err = decoded{}, fmt.Errorf("the image decoder failed on this file (%v)", r)
		}
	}()
	if boxW <= 0 || boxH <= 0 || maxPixels <= 0 {
		return decoded{}, fmt.Errorf("picture box %d×%d and pixel limit %d must be more than 0", boxW, boxH, maxPixels)
	}
	f, err := sniff(data)
	if err != nil {
		return decoded{}, err
	}
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return decoded{}, damaged(f, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return decoded{}, fmt.Errorf("header claims %d×%d pixels, which is no picture", cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return decoded{}, fmt.Errorf("header claims %d×%d pixels (limit %s MP)", cfg.Width, cfg.Height,
			strconv.FormatFloat(float64(maxPixels)/1e6, 'f', -1, 64))
	}
	orient := 1
	if f == fmtJPEG {
		orient = exifOrientation(data)
	}
	sideways := orient >= 5 && orient <= 8
	// The size the kept copy will have, in the picture's stored
	// orientation: covering the box as the picture will stand.
	bw, bh := boxW, boxH
	if sideways {
		bw, bh = bh, bw
	}
	kw, kh := coverSize(cfg.Width, cfg.Height, bw, bh)
	img, err := decodeReduced(f, data, cfg, kw, kh)
	if err != nil {
		return decoded{}, damaged(f, err)
	}
	out, changed := img, false
	if b := img.Bounds(); b.Dx() != kw || b.Dy() != kh {
		out = shrink(scaler, halve(img, kw, kh), kw, kh)
		changed = true
	}
	if orient >= 2 && orient <= 8 {
		out = reorient(toRGBA(out), orient)
		changed = true
	}
	ow, oh := cfg.Width, cfg.Height
	if sideways {
		ow, oh = oh, ow
	}
	pic := &Picture{Image: out, Original: image.Pt(ow, oh)}
	pic.Focus, pic.Faces = findFocus(data, f, orient, out)
	if trimmed := pic.trim(boxW, boxH); trimmed != pic {
		pic, changed = trimmed, true
	}
	return decoded{pic: pic, format: f, scaled: changed}, nil
}

// coverSize is w×h shrunk, keeping its aspect ratio, until it just covers
// boxW×boxH; a picture smaller than the box keeps its size.
func coverSize(w, h, boxW, boxH int) (int, int) {
	if w <= boxW || h <= boxH {
		return w, h
	}
	if int64(w)*int64(boxH) > int64(h)*int64(boxW) {
		// Wider than the box: the height is what must cover.
		return max(boxW, int((int64(w)*int64(boxH)+int64(h)/2)/int64(h))), boxH
	}
	return boxW, max(boxH, int((int64(h)*int64(boxW)+int64(w)/2)/int64(w)))
}

// truncation is how the standard decoders word running out of data part way
// through the pixels; they seldom return io.ErrUnexpectedEOF there.
var truncation = []string{
	"unexpected EOF",
	"short Huffman data",    // image/jpeg
	"not enough pixel data", // image/png
	"not enough image data", // image/gif
	"riff: short chunk",     // golang.org/x/image/riff (WebP)
}

func damaged(f *format, err error) error {
	truncated := errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
	for _, s := range truncation {
		truncated = truncated || strings.Contains(err.Error(), s)
	}
	if truncated {
		return fmt.Errorf("truncated %s (the file ends before the picture does)", f.name)
	}
	return fmt.Errorf("damaged %s: %w", f.name, err)
}

// scaler is the kernel that does the last, fine step of shrinking a picture.
// Catmull-Rom keeps text in screenshots and faces in photos sharp where
// ApproxBiLinear alone, which blends only the four nearest pixels, shimmers on
// large reductions. It is also the slowest kernel, so halve does the coarse
// steps first and shrink does the rest in bands to keep its memory small.
// BenchmarkDownscaleKernels has the figures.
var scaler = draw.CatmullRom

// halve shrinks img by two, as often as it stays at least twice dw×dh.
// At exactly half size ApproxBiLinear averages each 2×2 block, a box filter:
// cheap and free of aliasing, and it leaves the expensive kernel a reduction
// of less than two, where its cost per pixel is lowest.
func halve(img image.Image, dw, dh int) image.Image {
	for {
		b := img.Bounds()
		if b.Dx() < 2*dw || b.Dy() < 2*dh {
			return img
		}
		half := image.NewRGBA(image.Rect(0, 0, b.Dx()/2, b.Dy()/2))
		// An odd last row or column is left out so every block is whole.
		draw.ApproxBiLinear.Scale(half, half.Rect, img, image.Rect(b.Min.X, b.Min.Y, b.Min.X+2*half.Rect.Dx(), b.Min.Y+2*half.Rect.Dy()), draw.Src, nil)
		img = half
	}
}

// band is how many rows (then columns) each Scale call handles.
const band = 64

// shrink scales src to dw×dh with kernel k in two separable passes, each cut
// into bands. Scaling in one call would make x/image/draw allocate a
// float64 buffer of dw × source-height × 32 bytes — 200 MB for a 6000×4000
// photo — while here the largest buffer is a dw × source-height RGBA image
// plus one band's worth of float64s, reused from band to band. The result is
// the same as one call: the kernel is separable, and across the direction a
// pass does not scale it reduces to the identity, so band edges do not show.
func shrink(k *draw.Kernel, src image.Image, dw, dh int) *image.RGBA {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	mid := image.NewRGBA(image.Rect(0, 0, dw, sh))
	// A Scaler made for the band size reuses its buffer; it falls back to
	// k for the last, shorter band.
	rows := k.NewScaler(dw, band, sw, band)
	for y := 0; y < sh; y += band {
		y1 := min(y+band, sh)
		rows.Scale(mid, image.Rect(0, y, dw, y1), src, image.Rect(sb.Min.X, sb.Min.Y+y, sb.Min.X+sw, sb.Min.Y+y1), draw.Src, nil)
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	cols := k.NewScaler(band, dh, band, sh)
	for x := 0; x < dw; x += band {
		x1 := min(x+band, dw)
		cols.Scale(dst, image.Rect(x, 0, x1, dh), mid, image.Rect(x, 0, x1, sh), draw.Src, nil)
	}
	return dst
}

func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok && m.Rect.Min == (image.Point{}) {
		return m
	}
	b := img.Bounds()
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Rect, img, b.Min, draw.Src)
	return m
}

// reorient applies an EXIF orientation (2–8) to src.
func reorient(src *image.RGBA, orient int) *image.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if orient >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch orient {
			case 2: // mirrored
				sx, sy = w-1-x, y
			case 3: // upside down
				sx, sy = w-1-x, h-1-y
			case 4: // mirrored upside down
				sx, sy = x, h-1-y
			case 5: // mirrored, lying on its left side
				sx, sy = y, x
			case 6: // lying on its left side: turn a quarter clockwise
				sx, sy = y, h-1-x
			case 7: // mirrored, lying on its right side
				sx, sy = w-1-y, h-1-x
			case 8: // lying on its right side: turn a quarter anticlockwise
				sx, sy = w-1-y, x
			}
			copy(dst.Pix[y*dst.Stride+x*4:y*dst.Stride+x*4+4], src.Pix[sy*src.Stride+sx*4:sy*src.Stride+sx*4+4])
		}
	}
	return dst
}

// exifOrientation returns the orientation tag (1–8) of a JPEG's EXIF block,
// or 1 when there is none or it cannot be read: a picture shown as stored is
// better than no picture.
func exifOrientation(data []byte) int {
	o := 1
	jpegSegments(data, func(marker byte, seg []byte) bool {
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			o = tiffOrientation(seg[6:])
			return false
		}
		return true
	})
	return o
}

// jpegSegments calls fn with each marker segment of a JPEG before its image
// data (the metadata), until fn returns false or the segments end or stop
// making sense.
func jpegSegments(data []byte, fn func(marker byte, seg []byte) bool) {
	p := 2 // after SOI
	for p+4 <= len(data) {
		if data[p] != 0xff {
			return
		}
		marker := data[p+1]
		if marker == 0xff { // fill byte
			p++
			continue
		}
		if marker == 0xda || marker == 0xd9 { // start of scan, end of image: no more metadata
			return
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return
		}
		if !fn(marker, data[p+4:p+2+n]) {
			return
		}
		p += 2 + n
	}
}

func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[ifd:]))
	for i := 0; i < count; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if bo.Uint16(t[e+2:]) != 3 { // SHORT
			return 1
		}
		if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}

// imageBytes is how much memory an image's pixels take, for the LRU budget.
func imageBytes(img image.Image) int64 {
	img, _ = unwrap(img)
	switch m := img.(type) {
	case *image.RGBA:
		return int64(len(m.Pix))
	case *image.NRGBA:
		return int64(len(m.Pix))
	case *image.RGBA64:
		return int64(len(m.Pix))
	case *image.NRGBA64:
		return int64(len(m.Pix))
	case *image.Gray:
		return int64(len(m.Pix))
	case *image.Gray16:
		return int64(len(m.Pix))
	case *image.CMYK:
		return int64(len(m.Pix))
	case *image.Paletted:
		return int64(len(m.Pix) + 4*len(m.Palette))
	case *image.YCbCr:
		return int64(len(m.Y) + len(m.Cb) + len(m.Cr))
	case *image.NYCbCrA:
		return int64(len(m.Y) + len(m.Cb) + len(m.Cr) + len(m.A))
	}
	b := img.Bounds()
	return int64(b.Dx()) * int64(b.Dy()) * 4
}

// opaque reports whether every pixel of img is fully opaque, which decides
// between JPEG and PNG in the disk cache.
func opaque(img image.Image) bool {
	img, _ = unwrap(img)
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}

// Cover returns img cropped to w:h around what matters in it and scaled to
// exactly w×h pixels, as sharp as decoding's shrink. What matters is a
// Picture's Focus (its faces), else the top of a portrait or the middle of
// anything else. When the faces do not fit in a crop of the box's shape (a
// group photo in a tall box), the crop is widened to hold them all and
// fitted into the box, the rest of which stays transparent: a band of the
// slide's surface beside a whole group rather than a face cut in half. A
// screen hands its GPU (or, on a machine without one, its software
// renderer) a picture of the size it is drawn at: nothing is scaled again on
// the render thread, and no full-size copy is kept next to the texture.
func Cover(img image.Image, w, h int) *image.RGBA {
	if w < 1 || h < 1 {
		return image.NewRGBA(image.Rect(0, 0, max(w, 0), max(h, 0)))
	}
	src, _ := unwrap(img)
	if b := src.Bounds(); b.Dx() < 1 || b.Dy() < 1 {
		return image.NewRGBA(image.Rect(0, 0, w, h))
	}
	crop, at := coverPlan(img, w, h)
	if at == image.Rect(0, 0, w, h) {
		return scaleTo(subImage(src, crop), w, h)
	}
	fitted := scaleTo(subImage(src, crop), at.Dx(), at.Dy())
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, at, fitted, image.Point{}, draw.Src)
	return dst
}

// coverPlan is what Cover does: the part of img it shows and where in the
// w×h box that part goes (the whole box, or less when the faces need a
// crop of another shape).
func coverPlan(img image.Image, w, h int) (crop, at image.Rectangle) {
	src, focus := unwrap(img)
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	original := b.Size()
	if p, ok := img.(*Picture); ok {
		original = p.Original
	}
	// The largest crop with the box's aspect ratio.
	cw, ch := sw, sh
	if int64(sw)*int64(h) > int64(sh)*int64(w) {
		cw = max(1, int((int64(sh)*int64(w)+int64(h)/2)/int64(h)))
	} else {
		ch = max(1, int((int64(sw)*int64(h)+int64(w)/2)/int64(w)))
	}
	crop = place(b, image.Pt(cw, ch), focus, original)
	focus = focus.Intersect(b)
	box := image.Rect(0, 0, w, h)
	if focus.Empty() || focus.In(crop) {
		return crop, box
	}
	// The faces do not fit: widen (or heighten) the crop to hold them,
	// and fit that into the box. Faces spread over more than half the
	// picture are a group: show it from edge to edge, so that a person
	// the detector missed at the end of the row is not the one cut.
	crop = crop.Union(focus)
	if crop.Dx() > cw && crop.Dx() > sw/2 {
		crop.Min.X, crop.Max.X = b.Min.X, b.Max.X
	}
	if crop.Dy() > ch && crop.Dy() > sh/2 {
		crop.Min.Y, crop.Max.Y = b.Min.Y, b.Max.Y
	}
	fw, fh := w, h
	if int64(crop.Dx())*int64(h) > int64(crop.Dy())*int64(w) {
		fh = max(1, int((int64(crop.Dy())*int64(w)+int64(crop.Dx())/2)/int64(crop.Dx())))
	} else {
		fw = max(1, int((int64(crop.Dx())*int64(h)+int64(crop.Dy())/2)/int64(crop.Dy())))
	}
	off := image.Pt((w-fw)/2, (h-fh)/2)
	return crop, image.Rectangle{Min: off, Max: off.Add(image.Pt(fw, fh))}
}

// scaleTo scales src to exactly w×h pixels.
func scaleTo(src image.Image, w, h int) *image.RGBA {
	if sb := src.Bounds(); sb.Dx() == w && sb.Dy() == h {
		return toRGBA(src)
	}
	src = halve(src, w, h)
	if sb := src.Bounds(); sb.Dx()*2 <= w*3 && sb.Dy()*2 <= h*3 {
		// Blown up (a small picture on a big box: nothing to lose), or
		// shrunk by at most 1.5× after halving: blending the four nearest
		// pixels skips no source pixel and costs a third of the Catmull-Rom
		// kernel. Cover runs every time a slide comes on screen
		// (BenchmarkCover).
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.ApproxBiLinear.Scale(dst, dst.Rect, src, sb, draw.Src, nil)
		return dst
	}
	return shrink(scaler, src, w, h)
}

// subImage is img cropped to r, sharing its pixels when the type allows.
func subImage(img image.Image, r image.Rectangle) image.Image {
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	dst := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(dst, dst.Rect, img, r.Min, draw.Src)
	return dst
}
