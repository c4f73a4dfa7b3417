package images

import (
	"bytes"
	_ "embed"
	"encoding/xml"
	"image"
	"log/slog"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	pigo "github.com/esimov/pigo/core"
	"golang.org/x/image/draw"
)

// findFocus finds what a crop of img must keep: the faces a photo library
// tagged in the file (XMP face regions, as digiKam, Lightroom, Picasa and
// phones' galleries write them), else the faces a detector finds, each with
// room for the head and shoulders. It returns an empty rectangle when there
// is no face; place then falls back on the picture's shape.
func findFocus(data []byte, f *format, orient int, img image.Image) (image.Rectangle, int) {
	var faces []image.Rectangle
	if f == fmtJPEG {
		faces = taggedFaces(data, orient, img.Bounds())
	}
	if len(faces) == 0 {
		faces = detectFaces(img)
	}
	var focus image.Rectangle
	for _, fc := range faces {
		s := fc.Dx()
		// A face box is the face alone; a picture that keeps only that
		// cuts the hair and chin. Head and shoulders, as a photographer
		// would frame a portrait.
		head := image.Rect(fc.Min.X-s*4/10, fc.Min.Y-s*6/10, fc.Max.X+s*4/10, fc.Max.Y+s*5/10)
		focus = focus.Union(head)
	}
	return focus.Intersect(img.Bounds()), len(faces)
}

// The face detector: pigo, a pure-Go port of the pico cascade detector,
// with the frontal-face cascade shipped in its repository (facefinder, MIT,
// copied here so the binary carries it).
var (
	//go:embed facefinder
	facefinder []byte
	cascade    struct {
		once sync.Once
		p    *pigo.Pigo
	}
)

// detectSide is the long side of the grey copy the detector runs on. In a
// group photo of ten people standing side by side a face is 1/20 of the
// width: at 1024 pixels the cascade found 9 of 10 such faces in a real
// red-carpet photo, at 800 only 7 and at 640 7. Smaller faces are a crowd,
// and a crowd is framed by the picture's shape. The search runs once per
// picture (the result is kept with it on disk); BenchmarkFindFocus has its
// cost.
const detectSide = 1024

// minQuality is the cascade's score below which a detection is not a face:
// pigo's own examples use 5 with these settings. Smaller scores were
// patterns in wallpaper and foliage in the test photos.
const minQuality = 5

func detectFaces(img image.Image) []image.Rectangle {
	cascade.once.Do(func() {
		p, err := pigo.NewPigo().Unpack(facefinder)
		if err != nil {
			slog.Warn("face detector not available; pictures are cropped by their shape", "err", err)
			return
		}
		cascade.p = p
	})
	if cascade.p == nil {
		return nil
	}
	b := img.Bounds()
	scale := min(1, float64(detectSide)/float64(max(b.Dx(), b.Dy())))
	gw, gh := max(1, int(float64(b.Dx())*scale+0.5)), max(1, int(float64(b.Dy())*scale+0.5))
	gray := image.NewGray(image.Rect(0, 0, gw, gh))
	draw.ApproxBiLinear.Scale(gray, gray.Rect, img, b, draw.Src, nil)
	minSize := max(20, min(gw, gh)/20)
	dets := cascade.p.RunCascade(pigo.CascadeParams{
		MinSize: minSize, MaxSize: min(gw, gh), ShiftFactor: 0.1, ScaleFactor: 1.1,
		ImageParams: pigo.ImageParams{Pixels: gray.Pix, Rows: gh, Cols: gw, Dim: gray.Stride},
	}, 0)
	dets = cascade.p.ClusterDetections(dets, 0.2)
	// pigo's clustering still leaves one face found at two scales as two
	// boxes; keep the best scored of boxes whose centres fall in each
	// other.
	sort.Slice(dets, func(i, j int) bool { return dets[i].Q > dets[j].Q })
	var faces []image.Rectangle
	for _, d := range dets {
		if d.Q < minQuality {
			continue
		}
		half := float64(d.Scale) / 2
		f := image.Rect(
			b.Min.X+int((float64(d.Col)-half)/scale), b.Min.Y+int((float64(d.Row)-half)/scale),
			b.Min.X+int((float64(d.Col)+half)/scale), b.Min.Y+int((float64(d.Row)+half)/scale))
		dup := false
		for _, g := range faces {
			dup = dup || centre(f).In(g) || centre(g).In(f)
		}
		if !dup {
			faces = append(faces, f)
		}
	}
	return faces
}

func centre(r image.Rectangle) image.Point {
	return image.Pt((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)
}

// taggedFaces reads the face regions of a JPEG's XMP packet (the Metadata
// Working Group's mwg-rs:Regions, of Type "Face"), in the coordinates of img,
// which is the picture reduced and turned upright by orient. Regions are
// given as fractions of the stored picture, centre and size.
func taggedFaces(data []byte, orient int, b image.Rectangle) []image.Rectangle {
	packet := xmpPacket(data)
	if packet == nil {
		return nil
	}
	var faces []image.Rectangle
	dec := xml.NewDecoder(bytes.NewReader(packet))
	// A region's type and area come as attributes or as child
	// elements, in either order, depending on the writer.
	type region struct {
		typ        string
		x, y, w, h float64
		n          int // area values seen
	}
	var stack []*region
	var field string
	set := func(r *region, name, v string) {
		switch name {
		case "Type":
			r.typ = v
			return
		case "x", "y", "w", "h":
		default:
			return
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
			return
		}
		switch name {
		case "x":
			r.x = f
		case "y":
			r.y = f
		case "w":
			r.w = f
		case "h":
			r.h = f
		}
		r.n++
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "Description" || t.Name.Local == "li" {
				stack = append(stack, &region{})
			}
			field = t.Name.Local
			if len(stack) > 0 {
				for _, a := range t.Attr {
					set(stack[len(stack)-1], a.Name.Local, a.Value)
				}
			}
		case xml.CharData:
			if len(stack) > 0 && field != "" {
				set(stack[len(stack)-1], field, string(t))
			}
		case xml.EndElement:
			field = ""
			if (t.Name.Local == "Description" || t.Name.Local == "li") && len(stack) > 0 {
				r := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if r.typ == "Face" && r.n == 4 && r.w > 0 && r.h > 0 {
					faces = append(faces, regionRect(r.x, r.y, r.w, r.h, orient, b))
				}
			}
		}
	}
	return faces
}

// regionRect turns a normalized region of the stored picture (centre x, y;
// size w, h) into a rectangle of b, the picture turned upright.
func regionRect(x, y, w, h float64, orient int, b image.Rectangle) image.Rectangle {
	// Corners in the stored picture, as fractions.
	x0, y0, x1, y1 := x-w/2, y-h/2, x+w/2, y+h/2
	tx := func(u, v float64) (float64, float64) {
		switch orient {
		case 2:
			return 1 - u, v
		case 3:
			return 1 - u, 1 - v
		case 4:
			return u, 1 - v
		case 5:
			return v, u
		case 6:
			return 1 - v, u
		case 7:
			return 1 - v, 1 - u
		case 8:
			return v, 1 - u
		}
		return u, v
	}
	ax, ay := tx(x0, y0)
	bx, by := tx(x1, y1)
	fw, fh := float64(b.Dx()), float64(b.Dy())
	return image.Rect(b.Min.X+int(ax*fw), b.Min.Y+int(ay*fh), b.Min.X+int(bx*fw), b.Min.Y+int(by*fh)).Canon()
}

// xmpPacket returns the XMP packet of a JPEG (its APP1 segment named by
// Adobe's namespace), or nil.
func xmpPacket(data []byte) []byte {
	const ns = "http://ns.adobe.com/xap/1.0/\x00"
	var packet []byte
	jpegSegments(data, func(marker byte, seg []byte) bool {
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte(ns)) {
			packet = seg[len(ns):]
			return false
		}
		return true
	})
	return packet
}
