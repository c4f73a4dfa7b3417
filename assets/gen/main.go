//go:build ignore

// Command gen draws every picture the demo and the brand need: post
// illustrations, avatars, the logo and the app icon. Nothing is copied from
// anywhere; every shape is computed here from a fixed seed, so running it again
// writes the same files. Run it from the repository root:
//
//	go run assets/gen/main.go
//
// and pass -only p05 (a file stem) to redraw one picture while tuning it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Post pictures are 16:10, big enough for a 1080p TV and small enough to
// keep the embedded demo light.
const (
	W = 1600
	H = 1000
)

func main() {
	dir := flag.String("dir", "assets", "the assets directory to write into")
	only := flag.String("only", "", "draw only the file with this stem (p05, maja-keller, logo...)")
	flag.Parse()

	jobs := []struct {
		rel  string
		draw func() image.Image
	}{
		{"demo/images/p01.jpg", sceneDawnTent},
		{"demo/images/p02.jpg", sceneBeachCleanup},
		{"demo/images/p03.jpg", sceneCake},
		{"demo/images/p04.jpg", scenePodium},
		{"demo/images/p05.jpg", sceneTeamPhoto},
		{"demo/images/p06.jpg", sceneTalk},
		{"demo/images/p07.jpg", sceneDog},
		{"demo/images/p08.jpg", sceneLantern},
		{"demo/images/p09.jpg", sceneBauhaus},
		{"demo/images/p10.jpg", sceneForest},
		{"demo/images/p11.jpg", sceneCity},
		{"demo/images/p12.jpg", sceneChart},
		{"demo/images/p13.jpg", sceneBike},
		{"demo/stories/repair-day-thessaloniki.jpg", sceneRepair},
		{"brand/logo.png", func() image.Image { return logo(false) }},
		{"brand/logo-on-dark.png", func() image.Image { return logo(true) }},
		{"brand/icon.png", icon},
	}
	for _, p := range people {
		if p.noAvatar {
			continue
		}
		p := p
		jobs = append(jobs, struct {
			rel  string
			draw func() image.Image
		}{"demo/avatars/" + p.slug + ".png", func() image.Image { return avatar(p) }})
	}

	for _, j := range jobs {
		stem := strings.TrimSuffix(filepath.Base(j.rel), filepath.Ext(j.rel))
		if *only != "" && *only != stem {
			continue
		}
		img := j.draw()
		out := filepath.Join(*dir, filepath.FromSlash(j.rel))
		if err := write(out, img); err != nil {
			log.Fatal(err)
		}
		st, _ := os.Stat(out)
		fmt.Printf("%-48s %5d KiB\n", out, st.Size()/1024)
	}
}

// head is a drawn head: its centre and drawPerson's size s.
type head struct{ x, y, s float64 }

// tagged holds the faces of the pictures that carry face tags, by file stem.
var tagged = map[string][]head{}

// xmpFaces is an XMP packet tagging faces on a w×h picture as the Metadata
// Working Group's regions (centre and size as fractions of the picture),
// the form photo libraries write.
func xmpFaces(faces []head, w, h float64) []byte {
	var b strings.Builder
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`)
	b.WriteString(`<rdf:Description rdf:about="" xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#" xmlns:stDim="http://ns.adobe.com/xap/1.0/sType/Dimensions#">`)
	fmt.Fprintf(&b, `<mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:AppliedToDimensions stDim:w="%d" stDim:h="%d" stDim:unit="pixel"/><mwg-rs:RegionList><rdf:Bag>`, int(w), int(h))
	for _, f := range faces {
		fmt.Fprintf(&b, `<rdf:li><rdf:Description mwg-rs:Type="Face"><mwg-rs:Area stArea:x="%.4f" stArea:y="%.4f" stArea:w="%.4f" stArea:h="%.4f" stArea:unit="normalized"/></rdf:Description></rdf:li>`,
			f.x/w, f.y/h, 2.1*f.s/w, 2.1*f.s/h)
	}
	b.WriteString(`</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions></rdf:Description></rdf:RDF></x:xmpmeta>`)
	return []byte(b.String())
}

func write(path string, img image.Image) error {
	var buf bytes.Buffer
	var err error
	if strings.HasSuffix(path, ".jpg") {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 86})
		stem := strings.TrimSuffix(filepath.Base(path), ".jpg")
		if faces := tagged[stem]; err == nil && faces != nil {
			// An APP1 segment right after the start-of-image marker.
			b := img.Bounds()
			seg := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmpFaces(faces, float64(b.Dx()), float64(b.Dy()))...)
			body := buf.Bytes()
			out := append([]byte{0xff, 0xd8, 0xff, 0xe1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}, seg...)
			buf = *bytes.NewBuffer(append(out, body[2:]...))
		}
	} else {
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		err = enc.Encode(&buf, img)
	}
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// ---------------------------------------------------------------- drawing kit

type pt struct{ x, y float64 }

func hex(s string) color.NRGBA {
	s = strings.TrimPrefix(s, "#")
	var r, g, b, a uint8 = 0, 0, 0, 255
	switch len(s) {
	case 6:
		fmt.Sscanf(s, "%02x%02x%02x", &r, &g, &b)
	case 8:
		fmt.Sscanf(s, "%02x%02x%02x%02x", &r, &g, &b, &a)
	}
	return color.NRGBA{r, g, b, a}
}

func alpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(float64(c.A) * a))
	return c
}

// mix blends a towards b by t (0 = a, 1 = b).
func mix(a, b color.NRGBA, t float64) color.NRGBA {
	l := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.NRGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), l(a.A, b.A)}
}

func shade(c color.NRGBA, t float64) color.NRGBA { // t<0 darker, t>0 lighter
	if t < 0 {
		return mix(c, color.NRGBA{0, 0, 0, c.A}, -t)
	}
	return mix(c, color.NRGBA{255, 255, 255, c.A}, t)
}

type stop struct {
	t float64
	c color.NRGBA
}

func sample(stops []stop, t float64) color.NRGBA {
	if t <= stops[0].t {
		return stops[0].c
	}
	for i := 1; i < len(stops); i++ {
		if t <= stops[i].t {
			a, b := stops[i-1], stops[i]
			return mix(a.c, b.c, (t-a.t)/(b.t-a.t))
		}
	}
	return stops[len(stops)-1].c
}

// gradient is an image.Image used as a fill source.
type gradient struct {
	f     func(x, y float64) float64
	stops []stop
}

func (g gradient) ColorModel() color.Model { return color.NRGBAModel }
func (g gradient) Bounds() image.Rectangle {
	return image.Rect(-1e6, -1e6, 1e6, 1e6)
}
func (g gradient) At(x, y int) color.Color {
	return sample(g.stops, g.f(float64(x)+0.5, float64(y)+0.5))
}

func linear(x0, y0, x1, y1 float64, stops ...stop) image.Image {
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	return gradient{func(x, y float64) float64 { return ((x-x0)*dx + (y-y0)*dy) / l2 }, stops}
}

func radial(cx, cy, r float64, stops ...stop) image.Image {
	return gradient{func(x, y float64) float64 { return math.Hypot(x-cx, y-cy) / r }, stops}
}

func vgrad(y0, y1 float64, stops ...stop) image.Image { return linear(0, y0, 0, y1, stops...) }

func solid(c color.NRGBA) image.Image { return image.NewUniform(c) }

type canvas struct {
	img *image.RGBA
	z   *vector.Rasterizer
}

func newCanvas(w, h int) *canvas {
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), z: vector.NewRasterizer(w, h)}
}

func (c *canvas) w() float64 { return float64(c.img.Bounds().Dx()) }
func (c *canvas) h() float64 { return float64(c.img.Bounds().Dy()) }

// fill rasterizes everything build adds as one mask, so overlapping parts of
// one fill never double up a translucent colour.
func (c *canvas) fill(src image.Image, build func(p *pen)) {
	b := c.img.Bounds()
	c.z.Reset(b.Dx(), b.Dy())
	build(&pen{c.z})
	c.z.Draw(c.img, b, src, image.Point{})
}

func (c *canvas) paint(col color.NRGBA, build func(p *pen)) { c.fill(solid(col), build) }

func (c *canvas) all(src image.Image) {
	c.fill(src, func(p *pen) { p.rect(0, 0, c.w(), c.h()) })
}

type pen struct{ z *vector.Rasterizer }

func f32(v float64) float32 { return float32(v) }

// poly adds a closed polygon. Every polygon is turned to the same winding:
// the rasterizer cancels overlapping areas of opposite winding, which would
// punch holes where strokes and joins overlap.
func (p *pen) poly(pts ...pt) {
	if len(pts) < 3 {
		return
	}
	area := 0.0
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		area += a.x*b.y - b.x*a.y
	}
	if area < 0 {
		r := make([]pt, len(pts))
		for i, q := range pts {
			r[len(pts)-1-i] = q
		}
		pts = r
	}
	p.z.MoveTo(f32(pts[0].x), f32(pts[0].y))
	for _, q := range pts[1:] {
		p.z.LineTo(f32(q.x), f32(q.y))
	}
	p.z.ClosePath()
}

func (p *pen) rect(x, y, w, h float64) {
	p.poly(pt{x, y}, pt{x + w, y}, pt{x + w, y + h}, pt{x, y + h})
}

const kappa = 0.5522847498

// ellipse adds an ellipse; ccw reverses the winding so it cuts a hole in a
// shape added in the same fill.
func (p *pen) ellipse(cx, cy, rx, ry float64, ccw bool) {
	k := kappa
	z := p.z
	s := 1.0
	if ccw {
		s = -1
	}
	z.MoveTo(f32(cx+rx), f32(cy))
	z.CubeTo(f32(cx+rx), f32(cy+s*k*ry), f32(cx+k*rx), f32(cy+s*ry), f32(cx), f32(cy+s*ry))
	z.CubeTo(f32(cx-k*rx), f32(cy+s*ry), f32(cx-rx), f32(cy+s*k*ry), f32(cx-rx), f32(cy))
	z.CubeTo(f32(cx-rx), f32(cy-s*k*ry), f32(cx-k*rx), f32(cy-s*ry), f32(cx), f32(cy-s*ry))
	z.CubeTo(f32(cx+k*rx), f32(cy-s*ry), f32(cx+rx), f32(cy-s*k*ry), f32(cx+rx), f32(cy))
	z.ClosePath()
}

func (p *pen) circle(cx, cy, r float64) { p.ellipse(cx, cy, r, r, false) }

func (p *pen) ring(cx, cy, r, width float64) {
	p.ellipse(cx, cy, r+width/2, r+width/2, false)
	p.ellipse(cx, cy, r-width/2, r-width/2, true)
}

func (p *pen) rrect(x, y, w, h, r float64) {
	r = math.Min(r, math.Min(w, h)/2)
	k := kappa * r
	z := p.z
	z.MoveTo(f32(x+r), f32(y))
	z.LineTo(f32(x+w-r), f32(y))
	z.CubeTo(f32(x+w-r+k), f32(y), f32(x+w), f32(y+r-k), f32(x+w), f32(y+r))
	z.LineTo(f32(x+w), f32(y+h-r))
	z.CubeTo(f32(x+w), f32(y+h-r+k), f32(x+w-r+k), f32(y+h), f32(x+w-r), f32(y+h))
	z.LineTo(f32(x+r), f32(y+h))
	z.CubeTo(f32(x+r-k), f32(y+h), f32(x), f32(y+h-r+k), f32(x), f32(y+h-r))
	z.LineTo(f32(x), f32(y+r))
	z.CubeTo(f32(x), f32(y+r-k), f32(x+r-k), f32(y), f32(x+r), f32(y))
	z.ClosePath()
}

// line adds a thick polyline with round joins and caps.
func (p *pen) line(width float64, pts ...pt) {
	hw := width / 2
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*hw, dx/l*hw
		p.poly(pt{a.x + nx, a.y + ny}, pt{b.x + nx, b.y + ny}, pt{b.x - nx, b.y - ny}, pt{a.x - nx, a.y - ny})
	}
	for _, q := range pts {
		p.circle(q.x, q.y, hw)
	}
}

// arc returns points on an ellipse from angle a0 to a1 (radians, y down).
func arc(cx, cy, rx, ry, a0, a1 float64, n int) []pt {
	out := make([]pt, 0, n+1)
	for i := 0; i <= n; i++ {
		a := a0 + (a1-a0)*float64(i)/float64(n)
		out = append(out, pt{cx + rx*math.Cos(a), cy + ry*math.Sin(a)})
	}
	return out
}

// ridge fills the area under a sampled skyline down to bottom.
func (p *pen) ridge(f func(x float64) float64, x0, x1, bottom float64) {
	pts := []pt{{x0, bottom}}
	for x := x0; x <= x1+4; x += 4 {
		pts = append(pts, pt{x, f(x)})
	}
	pts = append(pts, pt{x1, bottom})
	p.poly(pts...)
}

// fractal returns a mountain profile built by midpoint displacement,
// interpolated linearly so peaks stay sharp.
func fractal(rng *rand.Rand, base, rough float64, levels int) func(x float64) float64 {
	n := 1 << levels
	h := make([]float64, n+1)
	h[0] = base + (rng.Float64()-0.5)*rough
	h[n] = base + (rng.Float64()-0.5)*rough
	amp := rough
	for step := n; step > 1; step /= 2 {
		for i := step / 2; i < n; i += step {
			h[i] = (h[i-step/2]+h[i+step/2])/2 + (rng.Float64()-0.5)*amp
		}
		amp *= 0.55
	}
	return func(x float64) float64 {
		u := x / W * float64(n)
		i := int(math.Floor(u))
		if i < 0 {
			return h[0]
		}
		if i >= n {
			return h[n]
		}
		t := u - float64(i)
		return h[i]*(1-t) + h[i+1]*t
	}
}

// waves returns a smooth hill profile as a sum of sines.
func waves(rng *rand.Rand, base float64, amps ...float64) func(x float64) float64 {
	type w struct{ a, f, ph float64 }
	var ws []w
	for i, a := range amps {
		ws = append(ws, w{a, (float64(i) + 1) * (0.8 + rng.Float64()*0.6) * math.Pi / W, rng.Float64() * 2 * math.Pi})
	}
	return func(x float64) float64 {
		y := base
		for _, v := range ws {
			y += v.a * math.Sin(x*v.f+v.ph)
		}
		return y
	}
}

var boldFont = func() *opentype.Font {
	f, err := opentype.Parse(gobold.TTF)
	if err != nil {
		panic(err)
	}
	return f
}()

func face(size float64) font.Face {
	f, err := opentype.NewFace(boldFont, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err)
	}
	return f
}

// text draws s with its left baseline at (x, y) and returns its advance.
func (c *canvas) text(s string, size, x, y float64, col color.NRGBA) float64 {
	d := font.Drawer{Dst: c.img, Src: solid(col), Face: face(size), Dot: fixed.P(int(x), int(y))}
	adv := d.MeasureString(s)
	d.DrawString(s)
	return float64(adv) / 64
}

func measure(s string, size float64) float64 {
	return float64(font.MeasureString(face(size), s)) / 64
}

// centered draws s centred on cx with its visual middle at cy.
func (c *canvas) centered(s string, size, cx, cy float64, col color.NRGBA) {
	f := face(size)
	b, _ := font.BoundString(f, s)
	w := float64(b.Max.X-b.Min.X) / 64
	top, bot := float64(b.Min.Y)/64, float64(b.Max.Y)/64
	x := cx - w/2 - float64(b.Min.X)/64
	y := cy - (top+bot)/2
	d := font.Drawer{Dst: c.img, Src: solid(col), Face: f, Dot: fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}}
	d.DrawString(s)
}

// grain adds a faint, fixed noise so wide gradients do not band into
// visible steps on a big TV after JPEG compression.
func (c *canvas) grain(seed uint64, amount float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	pix := c.img.Pix
	for i := 0; i < len(pix); i += 4 {
		n := (rng.Float64() - 0.5) * amount
		for k := 0; k < 3; k++ {
			v := float64(pix[i+k]) + n
			pix[i+k] = uint8(math.Max(0, math.Min(255, math.Round(v))))
		}
	}
}

func confetti(c *canvas, rng *rand.Rand, n int, area image.Rectangle, cols []color.NRGBA, size float64) {
	for i := 0; i < n; i++ {
		x := float64(area.Min.X) + rng.Float64()*float64(area.Dx())
		y := float64(area.Min.Y) + rng.Float64()*float64(area.Dy())
		col := cols[rng.IntN(len(cols))]
		s := size * (0.6 + rng.Float64()*0.8)
		a := rng.Float64() * math.Pi
		c.paint(col, func(p *pen) {
			if rng.IntN(3) == 0 {
				p.circle(x, y, s*0.45)
				return
			}
			dx, dy := math.Cos(a)*s, math.Sin(a)*s
			ex, ey := -math.Sin(a)*s*0.4, math.Cos(a)*s*0.4
			p.poly(pt{x - dx - ex, y - dy - ey}, pt{x + dx - ex, y + dy - ey}, pt{x + dx + ex, y + dy + ey}, pt{x - dx + ex, y - dy + ey})
		})
	}
}

func bunting(c *canvas, y0, sag float64, cols []color.NRGBA) {
	string_ := func(x float64) float64 {
		t := x / c.w()
		return y0 + sag*4*t*(1-t)
	}
	c.paint(hex("#5b4636"), func(p *pen) {
		var pts []pt
		for x := -10.0; x <= c.w()+10; x += 20 {
			pts = append(pts, pt{x, string_(x)})
		}
		p.line(3, pts...)
	})
	n := 16
	for i := 0; i < n; i++ {
		x := (float64(i) + 0.5) * c.w() / float64(n)
		a, b := x-38, x+38
		c.paint(cols[i%len(cols)], func(p *pen) {
			p.poly(pt{a, string_(a)}, pt{b, string_(b)}, pt{x, string_(x) + 86})
		})
	}
}

// ---------------------------------------------------------------- people

type person struct {
	slug, name   string
	noAvatar     bool
	skin, hair   string
	style        string // short, long, bun, curly, buzz, bob, side
	shirt, bg    string
	glasses      bool
	beard        bool
	collar       string // v, crew, hoodie
	cheeks       bool
	hairHighDark bool
}

// people are the demo company's staff; the three without an avatar let the
// UI show its initials fallback.
var people = []person{
	{slug: "maja-keller", skin: "#f1c7a5", hair: "#b5562b", style: "bun", shirt: "#2f6f5e", bg: "#f4d58d", glasses: true, collar: "crew", cheeks: true},
	{slug: "jonas-becker", noAvatar: true},
	{slug: "ines-carvalho", skin: "#d9a07b", hair: "#2b1d16", style: "long", shirt: "#e07a5f", bg: "#bfe3d8", collar: "v", cheeks: true},
	{slug: "joao-ferreira", skin: "#c68a62", hair: "#1f1a17", style: "short", shirt: "#3d5a80", bg: "#ffd6a5", beard: true, collar: "crew"},
	{slug: "eleni-papadaki", skin: "#e8b894", hair: "#3a2a20", style: "curly", shirt: "#8e5ea2", bg: "#cde7b0", collar: "v", cheeks: true},
	{slug: "nikos-alexiou", skin: "#dba885", hair: "#5a5a5a", style: "buzz", shirt: "#264653", bg: "#f6bd60", beard: true, glasses: true, collar: "hoodie"},
	{slug: "priya-raman", skin: "#9c6644", hair: "#141010", style: "long", shirt: "#f2c14e", bg: "#c3b1e1", collar: "crew", cheeks: true},
	{slug: "tomasz-wojcik", skin: "#f3cfb3", hair: "#d9b26f", style: "side", shirt: "#457b9d", bg: "#f7c6c7", glasses: true, collar: "hoodie"},
	{slug: "amara-okafor", skin: "#6b4226", hair: "#17110d", style: "curly", shirt: "#e76f51", bg: "#a8dadc", collar: "crew", cheeks: true},
	{slug: "lena-hoffmann", skin: "#f0c8a8", hair: "#c9a15a", style: "bob", shirt: "#1d3557", bg: "#f1faee", collar: "v"},
	{slug: "rafael-souza", noAvatar: true},
	{slug: "sofia-marques", skin: "#e2b08c", hair: "#6b3a22", style: "bun", shirt: "#588157", bg: "#ffe5b4", collar: "crew", cheeks: true},
	{slug: "felix-braun", skin: "#eec3a0", hair: "#7a4b2a", style: "short", shirt: "#bc4749", bg: "#d8e2dc", beard: true, collar: "hoodie"},
	{slug: "hannah-schulz", skin: "#f5d0b5", hair: "#a0522d", style: "long", shirt: "#6d597a", bg: "#b8e0d2", glasses: true, collar: "v", cheeks: true},
	{slug: "kostas-dimitriou", noAvatar: true},
	{slug: "mateo-garcia", skin: "#c99672", hair: "#2c1e16", style: "curly", shirt: "#2a9d8f", bg: "#ffcad4", collar: "crew"},
}

// drawPerson draws a flat-illustration bust with its head centred at
// (cx, cy) and head radius s; the body runs down to bottom.
func drawPerson(c *canvas, pr person, cx, cy, s, bottom float64) {
	skin, hair, shirt := hex(pr.skin), hex(pr.hair), hex(pr.shirt)
	// back hair
	switch pr.style {
	case "long":
		c.paint(hair, func(p *pen) { p.rrect(cx-1.12*s, cy-1.0*s, 2.24*s, 2.85*s, 0.95*s) })
	case "bob":
		c.paint(hair, func(p *pen) { p.rrect(cx-1.12*s, cy-1.05*s, 2.24*s, 2.05*s, 0.9*s) })
	case "curly":
		c.paint(hair, func(p *pen) {
			for i := 0; i < 14; i++ {
				a := math.Pi*0.85 + float64(i)/13*math.Pi*1.3
				p.circle(cx+math.Cos(a)*1.0*s, cy-0.12*s+math.Sin(a)*1.02*s, 0.38*s)
			}
		})
	case "bun":
		c.paint(hair, func(p *pen) { p.circle(cx+0.15*s, cy-1.22*s, 0.48*s) })
	}
	// body
	top := cy + 1.45*s
	c.paint(shirt, func(p *pen) { p.rrect(cx-2.25*s, top, 4.5*s, bottom-top+2*s, 1.35*s) })
	// neck
	c.paint(shade(skin, -0.12), func(p *pen) { p.rrect(cx-0.42*s, cy+0.5*s, 0.84*s, 1.15*s, 0.3*s) })
	switch pr.collar {
	case "v":
		c.paint(shade(skin, -0.12), func(p *pen) { p.poly(pt{cx - 0.5*s, top - 0.05*s}, pt{cx + 0.5*s, top - 0.05*s}, pt{cx, top + 0.75*s}) })
	case "crew":
		c.paint(shade(shirt, -0.18), func(p *pen) {
			p.line(0.16*s, arc(cx, top-0.15*s, 0.62*s, 0.42*s, 0.15*math.Pi, 0.85*math.Pi, 16)...)
		})
	case "hoodie":
		c.paint(shade(shirt, -0.15), func(p *pen) {
			p.poly(append(arc(cx, top-0.05*s, 0.95*s, 0.55*s, math.Pi, 0, 20), arc(cx, top-0.05*s, 0.55*s, 0.35*s, 0, math.Pi, 20)...)...)
		})
		c.paint(shade(shirt, 0.55), func(p *pen) {
			p.line(0.07*s, pt{cx - 0.3*s, top + 0.35*s}, pt{cx - 0.34*s, top + 0.95*s})
			p.line(0.07*s, pt{cx + 0.3*s, top + 0.35*s}, pt{cx + 0.34*s, top + 0.95*s})
		})
	}
	// ears and head
	c.paint(shade(skin, -0.05), func(p *pen) {
		p.circle(cx-0.9*s, cy+0.12*s, 0.2*s)
		p.circle(cx+0.9*s, cy+0.12*s, 0.2*s)
	})
	c.paint(skin, func(p *pen) { p.ellipse(cx, cy, 0.9*s, 1.04*s, false) })
	if pr.beard {
		c.paint(hair, func(p *pen) {
			// a crescent round the jaw that leaves the mouth free, plus a moustache
			pts := arc(cx, cy, 0.9*s, 1.04*s, 0.04*math.Pi, 0.96*math.Pi, 30)
			pts = append(pts, arc(cx, cy+0.2*s, 0.6*s, 0.46*s, math.Pi, 0, 24)...)
			p.poly(pts...)
			p.poly(append(arc(cx, cy+0.36*s, 0.32*s, 0.12*s, math.Pi, 2*math.Pi, 16), arc(cx, cy+0.3*s, 0.32*s, 0.06*s, 0, math.Pi, 16)...)...)
		})
	}
	// front hair
	switch pr.style {
	case "short", "side", "bun", "long", "bob":
		c.paint(hair, func(p *pen) {
			pts := arc(cx, cy+0.02*s, 0.97*s, 1.1*s, math.Pi*1.02, math.Pi*1.98, 30)
			switch pr.style {
			case "side", "bob", "long":
				// a side parting sweeping across the forehead
				pts = append(pts, pt{cx + 0.9*s, cy - 0.2*s}, pt{cx + 0.2*s, cy - 0.55*s}, pt{cx - 0.5*s, cy - 0.32*s}, pt{cx - 0.92*s, cy - 0.05*s})
			default:
				pts = append(pts, pt{cx + 0.85*s, cy - 0.3*s}, pt{cx, cy - 0.52*s}, pt{cx - 0.85*s, cy - 0.3*s})
			}
			p.poly(pts...)
		})
	case "curly":
		c.paint(hair, func(p *pen) {
			for i := 0; i < 9; i++ {
				a := math.Pi*1.08 + float64(i)/8*math.Pi*0.84
				p.circle(cx+math.Cos(a)*0.78*s, cy-0.05*s+math.Sin(a)*0.82*s, 0.34*s)
			}
		})
	case "buzz":
		c.paint(alpha(hair, 0.85), func(p *pen) {
			pts := arc(cx, cy, 0.92*s, 1.07*s, math.Pi*1.05, math.Pi*1.95, 30)
			pts = append(pts, pt{cx + 0.8*s, cy - 0.45*s}, pt{cx, cy - 0.62*s}, pt{cx - 0.8*s, cy - 0.45*s})
			p.poly(pts...)
		})
	}
	// face
	ink := hex("#2b2118")
	if pr.cheeks {
		c.paint(alpha(hex("#ff7a7a"), 0.28), func(p *pen) {
			p.circle(cx-0.52*s, cy+0.32*s, 0.17*s)
			p.circle(cx+0.52*s, cy+0.32*s, 0.17*s)
		})
	}
	c.paint(ink, func(p *pen) {
		p.circle(cx-0.33*s, cy+0.08*s, 0.085*s)
		p.circle(cx+0.33*s, cy+0.08*s, 0.085*s)
	})
	mouth := arc(cx, cy+0.32*s, 0.26*s, 0.2*s, 0.15*math.Pi, 0.85*math.Pi, 14)
	if pr.beard {
		mouth = arc(cx, cy+0.36*s, 0.2*s, 0.13*s, 0.2*math.Pi, 0.8*math.Pi, 14)
	}
	c.paint(ink, func(p *pen) { p.line(0.07*s, mouth...) })
	if pr.glasses {
		c.paint(hex("#1d1d1f"), func(p *pen) {
			p.ring(cx-0.34*s, cy+0.08*s, 0.23*s, 0.06*s)
			p.ring(cx+0.34*s, cy+0.08*s, 0.23*s, 0.06*s)
			p.line(0.05*s, pt{cx - 0.12*s, cy + 0.05*s}, pt{cx + 0.12*s, cy + 0.05*s})
		})
	}
}

func avatar(pr person) image.Image {
	const size = 256
	layer := newCanvas(size, size)
	layer.all(radial(size*0.35, size*0.3, size*0.9, stop{0, shade(hex(pr.bg), 0.25)}, stop{1, shade(hex(pr.bg), -0.08)}))
	drawPerson(layer, pr, size/2, size*0.44, size*0.2, size)
	// clip to a disc with a transparent outside
	out := newCanvas(size, size)
	out.fill(layer.img, func(p *pen) { p.circle(size/2, size/2, size/2-1) })
	return out.img
}

// ---------------------------------------------------------------- scenes

func sceneDawnTent() image.Image {
	rng := rand.New(rand.NewPCG(1, 1))
	c := newCanvas(W, H)
	c.all(vgrad(0, 640, stop{0, hex("#6d5a9e")}, stop{0.45, hex("#e58f8f")}, stop{0.8, hex("#f8c58c")}, stop{1, hex("#fde7b0")}))
	c.fill(radial(1060, 520, 420, stop{0, hex("#fff3c4c0")}, stop{0.35, hex("#ffe09a60")}, stop{1, hex("#ffd08000")}), func(p *pen) { p.rect(0, 0, W, H) })
	c.paint(hex("#fff4d2"), func(p *pen) { p.circle(1060, 520, 96) })
	layers := []struct {
		base, rough float64
		col         string
	}{{470, 260, "#b7869f"}, {560, 230, "#8c6a93"}, {650, 200, "#5e4d7d"}}
	for _, l := range layers {
		f := fractal(rng, l.base, l.rough, 7)
		c.paint(hex(l.col), func(p *pen) { p.ridge(f, 0, W, H) })
	}
	// snow caps on the farthest range are implied by a light mist band
	c.fill(vgrad(560, 760, stop{0, hex("#fde7b000")}, stop{0.5, hex("#fde7b055")}, stop{1, hex("#fde7b000")}), func(p *pen) { p.rect(0, 540, W, 240) })
	near := waves(rng, 790, 40, 18, 6)
	c.fill(vgrad(720, H, stop{0, hex("#3e3a63")}, stop{1, hex("#262240")}), func(p *pen) { p.ridge(near, 0, W, H) })
	// pines along the near ridge
	for i := 0; i < 26; i++ {
		x := rng.Float64() * W
		if x > 330 && x < 760 {
			continue
		}
		h := 60 + rng.Float64()*90
		pine(c, x, near(x)+8, h, hex("#1f1c36"))
	}
	// the tent
	tx, ty := 540.0, near(540)+6
	c.paint(hex("#e76f51"), func(p *pen) { p.poly(pt{tx - 170, ty}, pt{tx, ty - 190}, pt{tx + 170, ty}) })
	c.paint(hex("#c44f35"), func(p *pen) { p.poly(pt{tx, ty - 190}, pt{tx + 170, ty}, pt{tx + 60, ty}) })
	c.fill(vgrad(ty-120, ty, stop{0, hex("#ffd27a")}, stop{1, hex("#ffb04a")}), func(p *pen) { p.poly(pt{tx - 58, ty}, pt{tx, ty - 122}, pt{tx + 40, ty}) })
	c.paint(hex("#ffe9b0"), func(p *pen) { p.line(5, pt{tx, ty - 190}, pt{tx, ty - 215}) })
	c.fill(radial(tx, ty-30, 300, stop{0, hex("#ffc86a40")}, stop{1, hex("#ffc86a00")}), func(p *pen) { p.rect(0, 0, W, H) })
	// a few birds
	for _, b := range []pt{{300, 260}, {345, 238}, {380, 275}} {
		c.paint(hex("#4a3d6b"), func(p *pen) {
			p.line(4, pt{b.x - 16, b.y - 6}, pt{b.x, b.y + 2}, pt{b.x + 16, b.y - 6})
		})
	}
	c.grain(1, 3)
	return c.img
}

func pine(c *canvas, x, base, h float64, col color.NRGBA) {
	c.paint(col, func(p *pen) {
		w := h * 0.42
		for i := 0; i < 3; i++ {
			t := float64(i) / 3
			y := base - h*t*0.72
			ww := w * (1 - t*0.55)
			p.poly(pt{x - ww, y - h*0.08}, pt{x, y - h*0.5}, pt{x + ww, y - h*0.08})
		}
		p.rect(x-h*0.035, base-h*0.12, h*0.07, h*0.12)
	})
}

func sceneBeachCleanup() image.Image {
	rng := rand.New(rand.NewPCG(2, 2))
	c := newCanvas(W, H)
	c.all(vgrad(0, 520, stop{0, hex("#5fa8d3")}, stop{1, hex("#cdeffd")}))
	// clouds
	for _, cl := range []pt{{260, 150}, {1180, 110}, {820, 230}} {
		c.paint(hex("#ffffffd8"), func(p *pen) {
			p.circle(cl.x, cl.y, 46)
			p.circle(cl.x+55, cl.y-18, 60)
			p.circle(cl.x+120, cl.y, 44)
			p.rrect(cl.x-40, cl.y, 200, 44, 22)
		})
	}
	c.paint(hex("#fff6d5"), func(p *pen) { p.circle(1380, 150, 62) })
	// sea with soft bands
	c.fill(vgrad(470, 660, stop{0, hex("#1b6ca8")}, stop{1, hex("#3fa7c9")}), func(p *pen) { p.rect(0, 470, W, 260) })
	for i := 0; i < 7; i++ {
		y := 500 + float64(i)*26
		f := waves(rng, y, 4, 2)
		c.paint(hex("#ffffff30"), func(p *pen) {
			var pts []pt
			for x := -20.0; x < W+20; x += 20 {
				pts = append(pts, pt{x, f(x)})
			}
			p.line(3, pts...)
		})
	}
	shore := waves(rng, 650, 14, 8)
	c.paint(hex("#e8f7fb"), func(p *pen) { p.ridge(func(x float64) float64 { return shore(x) - 10 }, 0, W, H) })
	c.fill(vgrad(640, H, stop{0, hex("#f4d9a6")}, stop{1, hex("#e6bd80")}), func(p *pen) { p.ridge(shore, 0, W, H) })
	// pebbles and shells
	for i := 0; i < 60; i++ {
		x, y := rng.Float64()*W, 700+rng.Float64()*290
		c.paint(alpha(hex("#c99a5e"), 0.6), func(p *pen) { p.ellipse(x, y, 5+rng.Float64()*6, 3+rng.Float64()*3, false) })
	}
	// volunteers: simple silhouettes with bags and grabbers
	cols := []string{"#e63946", "#f4a261", "#2a9d8f", "#264653", "#8e5ea2", "#e9c46a"}
	xs := []float64{230, 470, 700, 960, 1200, 1420}
	for i, x := range xs {
		base := 930 - float64(i%2)*40
		hgt := 330 + rng.Float64()*40
		volunteer(c, x, base, hgt, hex(cols[i]), hex([]string{"#3a2a20", "#6b3a22", "#1f1a17", "#c9a15a"}[i%4]), i%2 == 0)
	}
	for _, b := range []pt{{520, 170}, {560, 150}, {1000, 120}} {
		c.paint(hex("#35577a"), func(p *pen) { p.line(4, pt{b.x - 14, b.y - 6}, pt{b.x, b.y + 2}, pt{b.x + 14, b.y - 6}) })
	}
	c.grain(2, 3)
	return c.img
}

func volunteer(c *canvas, x, base, h float64, shirt, hair color.NRGBA, bagRight bool) {
	legs := hex("#2f3e46")
	hr := h * 0.085
	c.paint(legs, func(p *pen) {
		p.rrect(x-h*0.09, base-h*0.42, h*0.08, h*0.42, h*0.03)
		p.rrect(x+h*0.01, base-h*0.42, h*0.08, h*0.42, h*0.03)
	})
	c.paint(shirt, func(p *pen) { p.rrect(x-h*0.13, base-h*0.8, h*0.26, h*0.42, h*0.1) })
	c.paint(hex("#f1c7a5"), func(p *pen) { p.circle(x, base-h*0.88, hr) })
	c.paint(hair, func(p *pen) {
		p.poly(append(arc(x, base-h*0.88, hr*1.05, hr*1.05, math.Pi*1.05, math.Pi*1.95, 16), pt{x, base - h*0.92})...)
	})
	side := 1.0
	if !bagRight {
		side = -1
	}
	// arm and bag
	c.paint(shirt, func(p *pen) { p.line(h*0.06, pt{x + side*h*0.1, base - h*0.74}, pt{x + side*h*0.2, base - h*0.5}) })
	c.paint(hex("#f1f1f1"), func(p *pen) {
		p.rrect(x+side*h*0.2-h*0.08, base-h*0.5, h*0.16, h*0.22, h*0.06)
	})
	c.paint(hex("#3f8f5a"), func(p *pen) { p.rect(x+side*h*0.2-h*0.08, base-h*0.44, h*0.16, h*0.03) })
	// grabber in the other hand
	c.paint(shirt, func(p *pen) { p.line(h*0.06, pt{x - side*h*0.1, base - h*0.74}, pt{x - side*h*0.18, base - h*0.55}) })
	c.paint(hex("#5b5b5b"), func(p *pen) { p.line(h*0.018, pt{x - side*h*0.18, base - h*0.55}, pt{x - side*h*0.34, base - h*0.02}) })
}

func sceneCake() image.Image {
	rng := rand.New(rand.NewPCG(3, 3))
	c := newCanvas(W, H)
	c.all(radial(800, 420, 1000, stop{0, hex("#ffe3e0")}, stop{1, hex("#f7a9a8")}))
	bunting(c, -30, 90, []color.NRGBA{hex("#2a9d8f"), hex("#e9c46a"), hex("#f4a261"), hex("#e76f51"), hex("#6d597a")})
	confetti(c, rng, 90, image.Rect(0, 140, W, 760), []color.NRGBA{hex("#2a9d8f"), hex("#e9c46a"), hex("#e76f51"), hex("#6d597a"), hex("#ffffff")}, 9)
	// table
	c.fill(vgrad(840, H, stop{0, hex("#8d5b3e")}, stop{1, hex("#6b4226")}), func(p *pen) { p.rect(0, 840, W, 160) })
	c.paint(hex("#a47148"), func(p *pen) { p.rect(0, 830, W, 18) })
	// plate
	c.paint(hex("#00000022"), func(p *pen) { p.ellipse(800, 846, 400, 34, false) })
	c.paint(hex("#f7f7f7"), func(p *pen) { p.ellipse(800, 832, 380, 30, false) })
	tiers := []struct {
		w, h  float64
		body  string
		icing string
	}{{620, 200, "#f6d5b8", "#fffaf2"}, {460, 190, "#f2a7b5", "#fff0f4"}, {300, 130, "#8fd3c7", "#f3fffd"}}
	y := 830.0
	for i, t := range tiers {
		x := 800 - t.w/2
		c.fill(linear(x, 0, x+t.w, 0, stop{0, shade(hex(t.body), -0.1)}, stop{0.4, shade(hex(t.body), 0.08)}, stop{1, shade(hex(t.body), -0.12)}), func(p *pen) {
			p.rrect(x, y-t.h, t.w, t.h, 16)
		})
		// icing with drips
		c.paint(hex(t.icing), func(p *pen) {
			pts := []pt{{x - 4, y - t.h + 8}}
			n := int(t.w / 46)
			for k := 0; k <= n; k++ {
				dx := x + float64(k)*t.w/float64(n)
				d := 16 + rng.Float64()*30
				if k%2 == 1 {
					d *= 0.4
				}
				pts = append(pts, pt{dx - 10, y - t.h + 26}, pt{dx - 8, y - t.h + 26 + d}, pt{dx + 8, y - t.h + 26 + d}, pt{dx + 10, y - t.h + 26})
			}
			pts = append(pts, pt{x + t.w + 4, y - t.h + 8}, pt{x + t.w - 10, y - t.h - 6}, pt{x + 10, y - t.h - 6})
			p.poly(pts...)
		})
		// dots decoration, except on the tier that carries the number
		for k := 0; k < int(t.w/60) && i != 1; k++ {
			dx := x + 30 + float64(k)*60
			c.paint(hex([]string{"#e76f51", "#2a9d8f", "#e9c46a"}[(k+i)%3]), func(p *pen) { p.circle(dx, y-t.h*0.35, 8) })
		}
		y -= t.h
	}
	c.centered("10", 90, 800, 830-200-190+72+59, hex("#6d597a"))
	// candles
	for k, cx := range []float64{700, 760, 840, 900} {
		top := y - 80 - float64(k%2)*14
		c.paint(hex([]string{"#e76f51", "#2a9d8f", "#e9c46a", "#6d597a"}[k]), func(p *pen) { p.rrect(cx-9, top, 18, y-top+4, 5) })
		c.paint(hex("#ffffff90"), func(p *pen) {
			for s := top + 12; s < y; s += 22 {
				p.poly(pt{cx - 9, s}, pt{cx + 9, s - 8}, pt{cx + 9, s}, pt{cx - 9, s + 8})
			}
		})
		c.fill(radial(cx, top-26, 70, stop{0, hex("#ffd27a90")}, stop{1, hex("#ffd27a00")}), func(p *pen) { p.circle(cx, top-26, 70) })
		c.paint(hex("#ffb703"), func(p *pen) {
			p.z.MoveTo(f32(cx), f32(top-52))
			p.z.QuadTo(f32(cx+18), f32(top-18), f32(cx), f32(top-6))
			p.z.QuadTo(f32(cx-18), f32(top-18), f32(cx), f32(top-52))
			p.z.ClosePath()
		})
		c.paint(hex("#fff3c4"), func(p *pen) { p.ellipse(cx, top-18, 5, 10, false) })
	}
	c.grain(3, 3)
	return c.img
}

func scenePodium() image.Image {
	rng := rand.New(rand.NewPCG(4, 4))
	c := newCanvas(W, H)
	c.all(vgrad(0, H, stop{0, hex("#141a3c")}, stop{1, hex("#2b2f6b")}))
	// spotlights
	for _, s := range []struct{ x, tx float64 }{{300, 620}, {1300, 980}, {800, 800}} {
		c.fill(vgrad(0, 900, stop{0, hex("#fff6d860")}, stop{1, hex("#fff6d808")}), func(p *pen) {
			p.poly(pt{s.x - 30, -10}, pt{s.x + 30, -10}, pt{s.tx + 260, 900}, pt{s.tx - 260, 900})
		})
	}
	// stars
	for i := 0; i < 60; i++ {
		x, y := rng.Float64()*W, rng.Float64()*420
		c.paint(alpha(hex("#ffffff"), 0.3+rng.Float64()*0.6), func(p *pen) { p.circle(x, y, 1.5+rng.Float64()*2) })
	}
	c.paint(hex("#0e1230"), func(p *pen) { p.rect(0, 880, W, 120) })
	blocks := []struct {
		x, h float64
		n    string
		col  string
	}{{480, 210, "2", "#9aa5b1"}, {800, 310, "1", "#e9b949"}, {1120, 150, "3", "#cd7f52"}}
	for _, b := range blocks {
		c.fill(linear(b.x-150, 0, b.x+150, 0, stop{0, shade(hex(b.col), -0.15)}, stop{0.5, shade(hex(b.col), 0.15)}, stop{1, shade(hex(b.col), -0.2)}), func(p *pen) {
			p.rect(b.x-150, 880-b.h, 300, b.h)
		})
		c.paint(shade(hex(b.col), 0.35), func(p *pen) { p.rect(b.x-150, 880-b.h, 300, 14) })
		c.centered(b.n, 120, b.x, 880-b.h/2+6, hex("#ffffffe0"))
	}
	// trophy on the winner's block
	tx, ty := 800.0, 880-310.0
	gold := linear(tx-110, 0, tx+110, 0, stop{0, hex("#b8860b")}, stop{0.45, hex("#ffe08a")}, stop{1, hex("#a67c00")})
	c.fill(gold, func(p *pen) {
		p.rrect(tx-80, ty-40, 160, 40, 8)
		p.rect(tx-18, ty-120, 36, 84)
		pts := arc(tx, ty-250, 105, 130, 0, math.Pi, 30)
		pts = append(pts, pt{tx - 105, ty - 250}, pt{tx + 105, ty - 250})
		p.poly(pts...)
		p.ring(tx-110, ty-200, 42, 16)
		p.ring(tx+110, ty-200, 42, 16)
	})
	c.paint(hex("#fff3c490"), func(p *pen) { p.rrect(tx-70, ty-240, 22, 80, 11) })
	c.paint(hex("#fff6d8"), func(p *pen) { p.poly(star(tx, ty-190, 34, 14)...) })
	confetti(c, rng, 110, image.Rect(0, 0, W, 860), []color.NRGBA{hex("#e9b949"), hex("#e76f51"), hex("#2ec4b6"), hex("#ffffff"), hex("#c77dff")}, 10)
	c.grain(4, 3)
	return c.img
}

func star(cx, cy, r, ri float64) []pt {
	var pts []pt
	for k := 0; k < 10; k++ {
		rr := r
		if k%2 == 1 {
			rr = ri
		}
		a := -math.Pi/2 + float64(k)*math.Pi/5
		pts = append(pts, pt{cx + math.Cos(a)*rr, cy + math.Sin(a)*rr})
	}
	return pts
}

func sceneTeamPhoto() image.Image {
	rng := rand.New(rand.NewPCG(5, 5))
	c := newCanvas(W, H)
	c.all(vgrad(0, H, stop{0, hex("#f3e3c7")}, stop{1, hex("#e8cfa7")}))
	// wooden wall slats and a sign
	for x := 0.0; x < W; x += 80 {
		c.paint(hex("#00000010"), func(p *pen) { p.rect(x, 0, 3, H) })
	}
	c.paint(hex("#2f6f5e"), func(p *pen) { p.rrect(560, 60, 480, 120, 60) })
	c.centered("Tern & Timber", 54, 800, 120, hex("#fdf6e8"))
	// plants at the sides
	for _, x := range []float64{90, 1510} {
		c.paint(hex("#c26a3d"), func(p *pen) { p.poly(pt{x - 60, 700}, pt{x + 60, 700}, pt{x + 45, 860}, pt{x - 45, 860}) })
		for k := 0; k < 9; k++ {
			a := -math.Pi/2 + (float64(k)-4)*0.28
			l := 230 + rng.Float64()*80
			c.paint(hex([]string{"#3a7d44", "#57a05f", "#2f6b3a"}[k%3]), func(p *pen) {
				ex, ey := x+math.Cos(a)*l, 700+math.Sin(a)*l
				mx, my := x+math.Cos(a)*l*0.5, 700+math.Sin(a)*l*0.5
				nx, ny := -math.Sin(a)*34, math.Cos(a)*34
				p.poly(pt{x, 700}, pt{mx + nx, my + ny}, pt{ex, ey}, pt{mx - nx, my - ny})
			})
		}
	}
	bunting(c, 210, 30, []color.NRGBA{hex("#e76f51"), hex("#2a9d8f"), hex("#e9c46a"), hex("#457b9d")})
	// two rows of colleagues
	crew := []person{}
	for _, p := range people {
		if !p.noAvatar {
			crew = append(crew, p)
		}
	}
	back := []int{0, 2, 4, 6, 8, 10}
	front := []int{1, 3, 5, 7, 9}
	faces := []head{}
	for i, k := range back {
		x, y := 250+float64(i)*220, 380+float64(i%2)*14
		drawPerson(c, crew[k%len(crew)], x, y, 62, H)
		faces = append(faces, head{x, y, 62})
	}
	c.paint(hex("#00000018"), func(p *pen) { p.rect(0, 600, W, 400) })
	for i, k := range front {
		x := 360 + float64(i)*220
		drawPerson(c, crew[k%len(crew)], x, 600, 70, H)
		faces = append(faces, head{x, 600, 70})
	}
	// The faces are tagged in the file, as a photo library (digiKam,
	// Lightroom, a phone's gallery) tags the people in a photo: the kiosk
	// crops around tagged faces, and no detector sees drawn ones.
	tagged["p05"] = faces
	c.grain(5, 3)
	return c.img
}

func sceneTalk() image.Image {
	rng := rand.New(rand.NewPCG(6, 6))
	c := newCanvas(W, H)
	c.all(vgrad(0, H, stop{0, hex("#1b1f3b")}, stop{1, hex("#0d1022")}))
	// screen glow and screen
	c.fill(radial(760, 330, 700, stop{0, hex("#5b8def50")}, stop{1, hex("#5b8def00")}), func(p *pen) { p.rect(0, 0, W, H) })
	sx, sy, sw, sh := 360.0, 90.0, 800.0, 470.0
	c.paint(hex("#f7f9ff"), func(p *pen) { p.rrect(sx, sy, sw, sh, 10) })
	c.paint(hex("#2f6f5e"), func(p *pen) { p.rect(sx, sy, sw, 90) })
	c.text("Repairable by design", 46, sx+40, sy+62, hex("#fdf6e8"))
	// a bar chart on the slide
	vals := []float64{0.35, 0.5, 0.46, 0.68, 0.82}
	for i, v := range vals {
		bx := sx + 70 + float64(i)*110
		c.paint(hex([]string{"#9fc9bd", "#9fc9bd", "#9fc9bd", "#e76f51", "#e76f51"}[i]), func(p *pen) {
			p.rrect(bx, sy+sh-40-v*300, 70, v*300, 8)
		})
	}
	c.paint(hex("#ccd3e0"), func(p *pen) { p.rect(sx+50, sy+sh-40, 560, 4) })
	for i := 0; i < 4; i++ {
		c.paint(hex("#c9d1de"), func(p *pen) { p.rrect(sx+660, sy+140+float64(i)*60, 100-float64(i%2)*30, 18, 9) })
	}
	// stage
	c.fill(vgrad(640, 700, stop{0, hex("#3b2f4a")}, stop{1, hex("#241c30")}), func(p *pen) { p.rect(0, 640, W, 80) })
	// speaker and lectern
	spk := person{skin: "#d9a07b", hair: "#2b1d16", style: "long", shirt: "#e07a5f", collar: "v"}
	drawPersonFull(c, spk, 1290, 330, 36)
	c.fill(linear(1180, 0, 1320, 0, stop{0, hex("#3b3f5c")}, stop{1, hex("#4d5378")}), func(p *pen) {
		p.poly(pt{1170, 470}, pt{1330, 470}, pt{1310, 650}, pt{1190, 650})
	})
	c.paint(hex("#2f6f5e"), func(p *pen) { p.circle(1250, 540, 26) })
	// spotlight on the speaker
	c.fill(vgrad(0, 660, stop{0, hex("#ffffff10")}, stop{1, hex("#ffffff26")}), func(p *pen) { p.poly(pt{1250, -10}, pt{1320, -10}, pt{1450, 660}, pt{1130, 660}) })
	// audience rows in front
	for row := 0; row < 3; row++ {
		y := 780 + float64(row)*95
		s := 46 + float64(row)*10
		col := shade(hex("#0a0c1a"), float64(2-row)*0.12)
		for x := -40.0 + float64(row%2)*70; x < W+60; x += 150 + float64(row)*10 {
			xx := x + (rng.Float64()-0.5)*30
			c.paint(col, func(p *pen) {
				p.circle(xx, y-s*0.9, s*0.75)
				p.rrect(xx-s*1.3, y, s*2.6, 400, s*0.9)
			})
		}
	}
	c.grain(6, 3)
	return c.img
}

// drawPersonFull draws a standing figure: bust plus arms and trousers.
func drawPersonFull(c *canvas, pr person, cx, cy, s float64) {
	c.paint(hex("#2f3e46"), func(p *pen) {
		p.rrect(cx-1.2*s, cy+4*s, 1.1*s, 5*s, 0.4*s)
		p.rrect(cx+0.1*s, cy+4*s, 1.1*s, 5*s, 0.4*s)
	})
	drawPerson(c, pr, cx, cy, s, cy+2.6*s)
	c.paint(hex(pr.shirt), func(p *pen) {
		p.line(0.7*s, pt{cx - 1.8*s, cy + 2*s}, pt{cx - 2.0*s, cy + 3.6*s}, pt{cx - 1.0*s, cy + 4.1*s})
		p.line(0.7*s, pt{cx + 1.8*s, cy + 2*s}, pt{cx + 2.6*s, cy + 2.6*s}, pt{cx + 3.2*s, cy + 1.6*s})
	})
	c.paint(hex(pr.skin), func(p *pen) { p.circle(cx+3.3*s, cy+1.4*s, 0.4*s) })
}

func sceneDog() image.Image {
	c := newCanvas(W, H)
	c.all(vgrad(0, H, stop{0, hex("#9ad1d4")}, stop{1, hex("#6fb7bd")}))
	// window and shelves in the background
	c.paint(hex("#ffffff40"), func(p *pen) { p.rrect(90, 90, 420, 520, 16) })
	c.paint(hex("#ffffff30"), func(p *pen) { p.rect(296, 90, 8, 520); p.rect(90, 346, 420, 8) })
	c.paint(hex("#2e6f73"), func(p *pen) { p.rect(1130, 210, 380, 16); p.rect(1130, 430, 380, 16) })
	for i, b := range []float64{1150, 1190, 1240, 1280, 1350, 1400} {
		c.paint(hex([]string{"#e76f51", "#f4a261", "#264653", "#e9c46a", "#ffffff", "#8e5ea2"}[i]), func(p *pen) {
			p.rrect(b, 210-110+float64(i%3)*14, 34, 110-float64(i%3)*14, 4)
		})
	}
	c.paint(hex("#3a7d44"), func(p *pen) { p.circle(1420, 380, 44); p.circle(1460, 400, 36); p.circle(1385, 405, 30) })
	c.paint(hex("#c26a3d"), func(p *pen) { p.rrect(1385, 395, 80, 40, 8) })
	// cushion
	c.fill(vgrad(760, 960, stop{0, hex("#f28482")}, stop{1, hex("#d8625f")}), func(p *pen) { p.ellipse(800, 880, 520, 110, false) })
	c.paint(hex("#ffffff30"), func(p *pen) { p.ellipse(780, 850, 420, 60, false) })
	cx, cy := 800.0, 520.0
	fur, light := hex("#e89b4f"), hex("#fff4e6")
	// body behind the head
	c.paint(fur, func(p *pen) { p.ellipse(cx, 820, 330, 120, false) })
	c.paint(light, func(p *pen) { p.ellipse(cx, 800, 150, 110, false) })
	c.paint(fur, func(p *pen) {
		p.ellipse(cx-200, 880, 70, 40, false)
		p.ellipse(cx+200, 880, 70, 40, false)
	})
	// ears
	ear := func(sign float64, col color.NRGBA, in float64) {
		c.paint(col, func(p *pen) {
			p.z.MoveTo(f32(cx+sign*(60+in)), f32(cy-170+in*0.5))
			p.z.QuadTo(f32(cx+sign*(170-in*0.2)), f32(cy-400+in*1.6), f32(cx+sign*(250-in*1.2)), f32(cy-120+in*0.4))
			p.z.LineTo(f32(cx+sign*(130+in*0.2)), f32(cy-90+in*0.4))
			p.z.ClosePath()
		})
	}
	ear(-1, fur, 0)
	ear(1, fur, 0)
	ear(-1, hex("#f7b7a3"), 34)
	ear(1, hex("#f7b7a3"), 34)
	// head
	c.paint(fur, func(p *pen) { p.ellipse(cx, cy, 250, 215, false) })
	c.paint(light, func(p *pen) {
		p.poly(pt{cx - 40, cy - 200}, pt{cx + 40, cy - 200}, pt{cx + 70, cy + 20}, pt{cx - 70, cy + 20})
		p.ellipse(cx, cy+95, 175, 120, false)
	})
	// eyes
	for _, sx := range []float64{-1, 1} {
		ex := cx + sx*105
		c.paint(hex("#2b2118"), func(p *pen) { p.circle(ex, cy-20, 30) })
		c.paint(hex("#ffffff"), func(p *pen) { p.circle(ex+10, cy-32, 10) })
		c.paint(alpha(hex("#ff7a7a"), 0.35), func(p *pen) { p.ellipse(cx+sx*165, cy+60, 36, 22, false) })
	}
	// nose, mouth and tongue
	c.paint(hex("#c8545b"), func(p *pen) {
		pts := arc(cx, cy+118, 34, 60, 0, math.Pi, 20)
		pts = append(pts, pt{cx - 34, cy + 118}, pt{cx + 34, cy + 118})
		p.poly(pts...)
	})
	c.paint(hex("#ee8d94"), func(p *pen) { p.rect(cx-3, cy+120, 6, 40) })
	c.paint(hex("#2b2118"), func(p *pen) {
		p.ellipse(cx, cy+50, 44, 30, false)
		p.line(9, arc(cx-40, cy+90, 40, 34, 0.05*math.Pi, 0.85*math.Pi, 14)...)
		p.line(9, arc(cx+40, cy+90, 40, 34, 0.15*math.Pi, 0.95*math.Pi, 14)...)
		p.line(9, pt{cx, cy + 70}, pt{cx, cy + 100})
	})
	c.paint(hex("#ffffff80"), func(p *pen) { p.ellipse(cx-12, cy+42, 12, 7, false) })
	// bandana
	c.paint(hex("#2f6f5e"), func(p *pen) {
		p.poly(pt{cx - 200, cy + 175}, pt{cx + 200, cy + 175}, pt{cx, cy + 330})
	})
	c.paint(hex("#fdf6e8"), func(p *pen) {
		for _, d := range []pt{{-90, 205}, {0, 215}, {90, 205}, {-40, 255}, {40, 255}, {0, 290}} {
			p.circle(cx+d.x, cy+d.y, 9)
		}
	})
	c.grain(7, 3)
	return c.img
}

func sceneLantern() image.Image {
	rng := rand.New(rand.NewPCG(8, 8))
	c := newCanvas(W, H)
	c.all(vgrad(0, 760, stop{0, hex("#0b1026")}, stop{0.7, hex("#26225a")}, stop{1, hex("#4b3a78")}))
	for i := 0; i < 220; i++ {
		x, y := rng.Float64()*W, rng.Float64()*620
		r := 0.8 + rng.Float64()*rng.Float64()*3
		c.paint(alpha(hex("#fffbe8"), 0.35+rng.Float64()*0.65), func(p *pen) { p.circle(x, y, r) })
	}
	c.fill(radial(1300, 170, 200, stop{0, hex("#fff6d850")}, stop{1, hex("#fff6d800")}), func(p *pen) { p.rect(0, 0, W, H) })
	c.paint(hex("#fff3cf"), func(p *pen) {
		p.poly(append(arc(1300, 170, 70, 70, 1.5*math.Pi, 0.5*math.Pi, 40), arc(1300, 170, 28, 70, 0.5*math.Pi, 1.5*math.Pi, 40)...)...)
	})
	far := fractal(rng, 640, 160, 6)
	c.paint(hex("#2b2650"), func(p *pen) { p.ridge(far, 0, W, H) })
	mid := waves(rng, 760, 50, 20)
	c.paint(hex("#1b1838"), func(p *pen) { p.ridge(mid, 0, W, H) })
	for i := 0; i < 18; i++ {
		x := rng.Float64() * W
		if x > 560 && x < 1040 {
			continue
		}
		pine(c, x, mid(x)+10, 110+rng.Float64()*120, hex("#120f28"))
	}
	// rock and lantern
	c.paint(hex("#0f0d22"), func(p *pen) { p.rect(0, 900, W, 100) })
	c.paint(hex("#1f1b3d"), func(p *pen) {
		p.poly(pt{560, 920}, pt{620, 820}, pt{760, 790}, pt{930, 800}, pt{1040, 860}, pt{1060, 920})
	})
	lx, ly := 800.0, 790.0
	c.fill(radial(lx, ly-170, 520, stop{0, hex("#ffcf7a90")}, stop{0.3, hex("#ffb45440")}, stop{1, hex("#ffb45400")}), func(p *pen) { p.rect(0, 0, W, H) })
	c.paint(hex("#2f6f5e"), func(p *pen) {
		p.rrect(lx-90, ly-40, 180, 40, 10)
		p.poly(pt{lx - 100, ly - 300}, pt{lx + 100, ly - 300}, pt{lx + 60, ly - 350}, pt{lx - 60, ly - 350})
		p.ring(lx, ly-375, 38, 12)
	})
	c.fill(radial(lx, ly-170, 130, stop{0, hex("#fff8dc")}, stop{0.6, hex("#ffd27a")}, stop{1, hex("#f4a340")}), func(p *pen) {
		p.rrect(lx-80, ly-300, 160, 262, 24)
	})
	c.paint(hex("#2f6f5e"), func(p *pen) {
		p.rect(lx-86, ly-300, 10, 262)
		p.rect(lx+76, ly-300, 10, 262)
	})
	c.paint(hex("#fffdf0"), func(p *pen) { p.ellipse(lx, ly-170, 22, 40, false) })
	c.grain(8, 3)
	return c.img
}

func sceneBauhaus() image.Image {
	rng := rand.New(rand.NewPCG(9, 9))
	c := newCanvas(W, H)
	c.all(solid(hex("#f4ecd8")))
	pal := []color.NRGBA{hex("#e63946"), hex("#f1b434"), hex("#1d3557"), hex("#2a9d8f"), hex("#f4a261"), hex("#457b9d")}
	cols, rows := 8, 5
	cell := 200.0
	for gy := 0; gy < rows; gy++ {
		for gx := 0; gx < cols; gx++ {
			x, y := float64(gx)*cell, float64(gy)*cell
			bg := pal[rng.IntN(len(pal))]
			fg := pal[rng.IntN(len(pal))]
			for fg == bg {
				fg = pal[rng.IntN(len(pal))]
			}
			if rng.IntN(4) == 0 {
				bg = hex("#f4ecd8")
			}
			c.paint(bg, func(p *pen) { p.rect(x, y, cell+1, cell+1) })
			switch rng.IntN(6) {
			case 0: // quarter circle from a corner
				corner := rng.IntN(4)
				ox, oy := x+float64(corner%2)*cell, y+float64(corner/2)*cell
				a0 := []float64{0, math.Pi / 2, -math.Pi / 2, math.Pi}[corner]
				c.paint(fg, func(p *pen) { p.poly(append([]pt{{ox, oy}}, arc(ox, oy, cell, cell, a0, a0+math.Pi/2, 24)...)...) })
			case 1: // circle
				c.paint(fg, func(p *pen) { p.circle(x+cell/2, y+cell/2, cell*0.38) })
			case 2: // half circle
				c.paint(fg, func(p *pen) {
					p.poly(arc(x+cell/2, y+cell, cell/2, cell/2, math.Pi, 2*math.Pi, 30)...)
				})
			case 3: // stripes
				c.paint(fg, func(p *pen) {
					for k := 0; k < 4; k++ {
						p.rect(x+float64(k)*cell/4+cell/16, y+cell*0.1, cell/8, cell*0.8)
					}
				})
			case 4: // triangle
				c.paint(fg, func(p *pen) { p.poly(pt{x, y + cell}, pt{x + cell, y + cell}, pt{x + cell, y}) })
			case 5: // ring
				c.paint(fg, func(p *pen) { p.ring(x+cell/2, y+cell/2, cell*0.3, cell*0.14) })
			}
		}
	}
	c.grain(9, 2)
	return c.img
}

func sceneForest() image.Image {
	rng := rand.New(rand.NewPCG(10, 10))
	c := newCanvas(W, H)
	c.all(vgrad(0, 700, stop{0, hex("#fbe7a1")}, stop{0.6, hex("#f9d29d")}, stop{1, hex("#e9e4c3")}))
	c.paint(hex("#fff8e1"), func(p *pen) { p.circle(1150, 260, 110) })
	// sun rays
	c.fill(radial(1150, 260, 1100, stop{0, hex("#ffffff40")}, stop{1, hex("#ffffff00")}), func(p *pen) {
		for k := 0; k < 9; k++ {
			a := math.Pi*0.55 + float64(k)*0.11
			p.poly(pt{1150, 260}, pt{1150 + math.Cos(a)*1600, 260 + math.Sin(a)*1600}, pt{1150 + math.Cos(a+0.04)*1600, 260 + math.Sin(a+0.04)*1600})
		}
	})
	rows := []struct {
		base  float64
		col   string
		h     float64
		count int
	}{{520, "#a9c4a0", 200, 26}, {620, "#7fa77a", 250, 22}, {730, "#4f7f56", 300, 16}, {860, "#2f5d3a", 380, 9}}
	for _, r := range rows {
		ground := waves(rng, r.base, 18, 8)
		c.paint(hex(r.col), func(p *pen) { p.ridge(ground, 0, W, H) })
		for i := 0; i < r.count; i++ {
			x := (float64(i) + rng.Float64()*0.8) * W / float64(r.count)
			h := r.h * (0.7 + rng.Float64()*0.5)
			pine(c, x, ground(x)+6, h, hex(r.col))
		}
		c.fill(vgrad(r.base-r.h, r.base+60, stop{0, hex("#fbe7a100")}, stop{1, hex("#fbe7a130")}), func(p *pen) { p.rect(0, r.base-r.h, W, r.h+60) })
	}
	// foreground meadow with saplings being planted
	meadow := waves(rng, 900, 14, 6)
	c.fill(vgrad(860, H, stop{0, hex("#6a994e")}, stop{1, hex("#4c7a3a")}), func(p *pen) { p.ridge(meadow, 0, W, H) })
	for i, x := range []float64{360, 620, 880, 1140} {
		y := meadow(x) + 30
		c.paint(hex("#6b4226"), func(p *pen) { p.ellipse(x, y+8, 70, 16, false) })
		c.paint(hex("#d4a373"), func(p *pen) { p.rect(x+26, y-120, 8, 120) })
		c.paint(hex("#386641"), func(p *pen) { p.rect(x-3, y-70, 6, 70) })
		c.paint(hex([]string{"#90be6d", "#a7c957", "#90be6d", "#a7c957"}[i]), func(p *pen) {
			p.ellipse(x-24, y-60, 26, 12, false)
			p.ellipse(x+22, y-78, 24, 11, false)
			p.ellipse(x, y-100, 16, 22, false)
		})
	}
	c.grain(10, 3)
	return c.img
}

func sceneCity() image.Image {
	rng := rand.New(rand.NewPCG(11, 11))
	c := newCanvas(W, H)
	c.all(vgrad(0, 620, stop{0, hex("#3d3b8e")}, stop{0.45, hex("#b5589b")}, stop{0.8, hex("#f68f6f")}, stop{1, hex("#ffc98b")}))
	c.paint(hex("#ffe3b0"), func(p *pen) { p.circle(1240, 520, 80) })
	// castle on the hill
	hill := waves(rng, 430, 60, 20)
	c.paint(hex("#7a4a7e"), func(p *pen) { p.ridge(hill, 0, W, H) })
	c.paint(hex("#6a3d6e"), func(p *pen) {
		bx, by := 420.0, hill(420)
		p.rect(bx-120, by-70, 240, 80)
		for k := 0; k < 7; k++ {
			p.rect(bx-120+float64(k)*36, by-92, 20, 24)
		}
		p.rect(bx-40, by-130, 70, 70)
	})
	// terraces of houses, back to front
	facades := []string{"#f2c14e", "#e76f51", "#f4f1de", "#81b29a", "#f2a7b5", "#f4a261", "#9fc9eb", "#e9c46a"}
	for row := 0; row < 4; row++ {
		base := 560 + float64(row)*90
		x := -30.0 + float64(row%2)*40
		for x < W+40 {
			w := 90 + rng.Float64()*70
			h := 120 + rng.Float64()*70 + float64(row)*10
			col := shade(hex(facades[rng.IntN(len(facades))]), -0.35+float64(row)*0.1)
			c.paint(col, func(p *pen) { p.rect(x, base-h, w, h+100) })
			c.paint(shade(hex("#c8553d"), -0.35+float64(row)*0.1), func(p *pen) {
				p.poly(pt{x - 6, base - h}, pt{x + w + 6, base - h}, pt{x + w - 14, base - h - 30}, pt{x + 14, base - h - 30})
			})
			for wy := base - h + 22; wy < base-20; wy += 42 {
				for wx := x + 14; wx < x+w-24; wx += 32 {
					lit := rng.IntN(3) == 0
					wc := shade(col, -0.4)
					if lit {
						wc = hex("#ffd98a")
					}
					c.paint(wc, func(p *pen) { p.rect(wx, wy, 16, 24) })
				}
			}
			x += w
		}
	}
	// street and tram
	c.paint(hex("#3b2f4a"), func(p *pen) { p.rect(0, 830, W, 40) })
	c.paint(hex("#1e3a5f"), func(p *pen) { p.rect(0, 870, W, 130) })
	for i := 0; i < 40; i++ {
		x, y := rng.Float64()*W, 885+rng.Float64()*100
		c.paint(hex("#ffd98a50"), func(p *pen) { p.rrect(x, y, 30+rng.Float64()*60, 4, 2) })
	}
	tx := 880.0
	c.paint(hex("#2b2b2b"), func(p *pen) { p.line(3, pt{tx + 150, 700}, pt{tx + 230, 640}, pt{W + 10, 640}) })
	c.paint(hex("#f2c14e"), func(p *pen) { p.rrect(tx, 700, 380, 130, 22) })
	c.paint(hex("#fdf6e8"), func(p *pen) { p.rect(tx, 770, 380, 12) })
	for k := 0; k < 5; k++ {
		c.paint(hex("#ffe8b0"), func(p *pen) { p.rrect(tx+20+float64(k)*70, 715, 54, 46, 8) })
	}
	c.paint(hex("#222222"), func(p *pen) { p.circle(tx+80, 832, 18); p.circle(tx+300, 832, 18) })
	c.grain(11, 3)
	return c.img
}

func sceneChart() image.Image {
	rng := rand.New(rand.NewPCG(12, 12))
	c := newCanvas(W, H)
	c.all(linear(0, 0, W, H, stop{0, hex("#0f4c5c")}, stop{1, hex("#2a9d8f")}))
	for i := 0; i < 9; i++ {
		y := 140 + float64(i)*90
		c.paint(hex("#ffffff14"), func(p *pen) { p.rect(120, y, 1360, 2) })
	}
	vals := []float64{0.22, 0.3, 0.27, 0.41, 0.38, 0.52, 0.63, 0.78}
	var tops []pt
	for i, v := range vals {
		x := 180 + float64(i)*160
		h := v * 760
		col := hex("#bfe3d8")
		if i == len(vals)-1 {
			col = hex("#f4a261")
		}
		c.fill(vgrad(900-h, 900, stop{0, col}, stop{1, shade(col, -0.2)}), func(p *pen) { p.rrect(x, 900-h, 100, h+20, 18) })
		tops = append(tops, pt{x + 50, 900 - h - 60})
	}
	c.paint(hex("#ffffff"), func(p *pen) { p.line(10, tops...) })
	for _, t := range tops {
		c.paint(hex("#ffffff"), func(p *pen) { p.circle(t.x, t.y, 16) })
		c.paint(hex("#0f4c5c"), func(p *pen) { p.circle(t.x, t.y, 7) })
	}
	last := tops[len(tops)-1]
	c.paint(hex("#f4a261"), func(p *pen) {
		p.poly(pt{last.x + 20, last.y - 60}, pt{last.x + 90, last.y - 100}, pt{last.x + 70, last.y - 20})
		p.line(14, pt{last.x + 8, last.y - 8}, pt{last.x + 60, last.y - 52})
	})
	c.paint(hex("#0b3440"), func(p *pen) { p.rect(120, 900, 1360, 100) })
	// balloons
	for _, b := range []struct {
		x, y float64
		col  string
	}{{240, 230, "#e76f51"}, {340, 170, "#e9c46a"}, {450, 260, "#f4a261"}} {
		c.paint(hex("#ffffff80"), func(p *pen) {
			p.line(3, pt{b.x, b.y + 80}, pt{b.x - 10 + rng.Float64()*20, b.y + 200}, pt{b.x, b.y + 300})
		})
		c.paint(hex(b.col), func(p *pen) {
			p.ellipse(b.x, b.y, 62, 78, false)
			p.poly(pt{b.x - 10, b.y + 84}, pt{b.x + 10, b.y + 84}, pt{b.x, b.y + 72})
		})
		c.paint(hex("#ffffff60"), func(p *pen) { p.ellipse(b.x-22, b.y-30, 12, 22, false) })
	}
	c.grain(12, 3)
	return c.img
}

func sceneBike() image.Image {
	rng := rand.New(rand.NewPCG(13, 13))
	c := newCanvas(W, H)
	c.all(vgrad(0, 700, stop{0, hex("#a0d2eb")}, stop{1, hex("#e5f4fb")}))
	hills := waves(rng, 560, 40, 16)
	c.paint(hex("#b5d99c"), func(p *pen) { p.ridge(hills, 0, W, H) })
	for i := 0; i < 12; i++ {
		x := rng.Float64() * W
		y := hills(x) + 10
		r := 40 + rng.Float64()*40
		c.paint(hex("#6a994e"), func(p *pen) { p.circle(x, y-r*1.4, r) })
		c.paint(hex("#7f5539"), func(p *pen) { p.rect(x-5, y-r*0.6, 10, r*0.7) })
	}
	c.fill(vgrad(700, H, stop{0, hex("#8fbf7a")}, stop{1, hex("#6a994e")}), func(p *pen) { p.rect(0, 700, W, 300) })
	c.paint(hex("#d9c7a7"), func(p *pen) { p.poly(pt{0, 800}, pt{W, 760}, pt{W, 880}, pt{0, 920}) })
	c.paint(hex("#fdf6e8"), func(p *pen) {
		for x := 40.0; x < W; x += 160 {
			y := 860 - x/W*40
			p.rect(x, y, 80, 6)
		}
	})
	// the bike
	bx, by := 800.0, 720.0
	wr := 150.0
	frame := hex("#e76f51")
	c.paint(hex("#2b2b2b"), func(p *pen) {
		p.ring(bx-250, by, wr, 16)
		p.ring(bx+250, by, wr, 16)
	})
	c.paint(hex("#9a9a9a"), func(p *pen) {
		for k := 0; k < 12; k++ {
			a := float64(k) * math.Pi / 6
			for _, wx := range []float64{bx - 250, bx + 250} {
				p.line(3, pt{wx, by}, pt{wx + math.Cos(a)*wr, by + math.Sin(a)*wr})
			}
		}
	})
	seat, bar, crank := pt{bx - 70, by - 250}, pt{bx + 170, by - 270}, pt{bx - 10, by}
	c.paint(frame, func(p *pen) {
		p.line(20, pt{bx - 250, by}, crank, pt{bx + 150, by - 220}, pt{bx - 60, by - 220}, crank)
		p.line(20, pt{bx - 250, by}, pt{bx - 60, by - 220})
		p.line(20, pt{bx - 60, by - 220}, seat)
		p.line(20, pt{bx + 150, by - 220}, pt{bx + 250, by})
		p.line(20, pt{bx + 150, by - 220}, bar)
	})
	c.paint(hex("#2b2b2b"), func(p *pen) {
		p.rrect(seat.x-60, seat.y-16, 110, 26, 13)
		p.line(14, bar, pt{bar.x + 60, bar.y - 20})
		p.circle(crank.x, crank.y, 34)
	})
	// a rear rack carrying a pannier
	c.paint(hex("#3a3a3a"), func(p *pen) {
		p.line(8, pt{bx - 350, by - 168}, pt{bx - 120, by - 168})
		p.line(8, pt{bx - 330, by - 168}, pt{bx - 250, by})
		p.line(8, pt{bx - 160, by - 168}, pt{bx - 250, by})
	})
	c.paint(hex("#f2c14e"), func(p *pen) { p.rrect(bx-340, by-262, 160, 94, 14) })
	c.paint(hex("#2f6f5e"), func(p *pen) { p.rect(bx-340, by-232, 160, 14) })
	for _, cl := range []pt{{300, 140}, {1200, 200}} {
		c.paint(hex("#ffffffe0"), func(p *pen) {
			p.circle(cl.x, cl.y, 40)
			p.circle(cl.x+50, cl.y-16, 52)
			p.circle(cl.x+105, cl.y, 38)
			p.rrect(cl.x-36, cl.y, 176, 38, 19)
		})
	}
	c.grain(13, 3)
	return c.img
}

func sceneRepair() image.Image {
	c := newCanvas(W, H)
	// pegboard wall
	c.all(vgrad(0, 640, stop{0, hex("#e9d8b8")}, stop{1, hex("#dcc59c")}))
	c.paint(hex("#c9ae7e"), func(p *pen) {
		for y := 40.0; y < 620; y += 60 {
			for x := 40.0; x < W; x += 60 {
				p.circle(x, y, 6)
			}
		}
	})
	// tools hanging on the wall
	c.paint(hex("#5b5b5b"), func(p *pen) {
		p.ring(260, 220, 46, 14)
		p.ring(340, 220, 46, 14)
		p.line(12, pt{290, 250}, pt{420, 480})
		p.line(12, pt{310, 250}, pt{180, 480})
	})
	c.paint(hex("#2f6f5e"), func(p *pen) { p.rrect(1260, 160, 60, 260, 20); p.rrect(1350, 200, 60, 220, 20) })
	c.paint(hex("#d4a373"), func(p *pen) { p.rrect(1440, 140, 40, 300, 14) })
	// bench
	c.fill(vgrad(640, H, stop{0, hex("#a47148")}, stop{1, hex("#7a4e2d")}), func(p *pen) { p.rect(0, 640, W, 360) })
	c.paint(hex("#00000018"), func(p *pen) {
		for y := 680.0; y < H; y += 70 {
			p.rect(0, y, W, 3)
		}
	})
	// backpack
	px, py := 800.0, 300.0
	body := hex("#e9b949")
	c.paint(hex("#00000030"), func(p *pen) { p.ellipse(px, 890, 300, 36, false) })
	c.paint(shade(body, -0.25), func(p *pen) { p.rrect(px-230, py+40, 60, 300, 30); p.rrect(px+170, py+40, 60, 300, 30) })
	c.fill(linear(px-220, 0, px+220, 0, stop{0, shade(body, -0.08)}, stop{0.5, shade(body, 0.08)}, stop{1, shade(body, -0.12)}), func(p *pen) { p.rrect(px-210, py, 420, 580, 90) })
	c.paint(shade(body, -0.18), func(p *pen) { p.rrect(px-216, py-10, 432, 200, 90) })
	c.paint(hex("#5b3a29"), func(p *pen) { p.rrect(px-18, py+150, 36, 90, 8) })
	c.paint(hex("#c0c0c0"), func(p *pen) { p.rrect(px-24, py+210, 48, 30, 6) })
	c.paint(shade(body, -0.12), func(p *pen) { p.rrect(px-150, py+320, 300, 220, 50) })
	// a fresh patch, stitched
	c.paint(hex("#2f6f5e"), func(p *pen) { p.rrect(px+40, py+360, 90, 90, 14) })
	c.paint(hex("#fdf6e8"), func(p *pen) {
		for k := 0; k < 8; k++ {
			t := float64(k) / 8 * 2 * math.Pi
			p.line(4, pt{px + 85 + math.Cos(t)*52, py + 405 + math.Sin(t)*52}, pt{px + 85 + math.Cos(t)*38, py + 405 + math.Sin(t)*38})
		}
	})
	// spools of thread and a needle on the bench
	for i, s := range []struct {
		x   float64
		col string
	}{{250, "#e76f51"}, {360, "#457b9d"}, {1300, "#8e5ea2"}} {
		y := 880.0 - float64(i%2)*20
		c.paint(hex("#d4a373"), func(p *pen) { p.rrect(s.x-50, y-130, 100, 20, 6); p.rrect(s.x-50, y-10, 100, 20, 6) })
		c.paint(hex(s.col), func(p *pen) { p.rect(s.x-40, y-112, 80, 104) })
		c.paint(shade(hex(s.col), 0.25), func(p *pen) {
			for yy := y - 104; yy < y-10; yy += 12 {
				p.rect(s.x-40, yy, 80, 3)
			}
		})
	}
	c.paint(hex("#d0d0d0"), func(p *pen) { p.line(5, pt{1080, 900}, pt{1240, 860}) })
	c.paint(hex("#8e5ea2"), func(p *pen) {
		var pts []pt
		for k := 0; k <= 30; k++ {
			t := float64(k) / 30
			pts = append(pts, pt{1240 + t*60, 860 - math.Sin(t*math.Pi*1.5)*40 + t*30})
		}
		p.line(3, pts...)
	})
	c.grain(14, 3)
	return c.img
}

// ---------------------------------------------------------------- brand

// emblem draws the Tern & Timber mark (a pine under a flying tern inside a
// sun disc) centred at (cx, cy) with radius r.
func emblem(c *canvas, cx, cy, r float64, disc, pineCol, bird, sun color.NRGBA) {
	c.paint(disc, func(p *pen) { p.circle(cx, cy, r) })
	c.paint(sun, func(p *pen) { p.circle(cx+r*0.3, cy-r*0.28, r*0.26) })
	c.paint(pineCol, func(p *pen) {
		base := cy + r*0.62
		h := r * 1.15
		for i := 0; i < 3; i++ {
			t := float64(i) / 3
			y := base - h*t*0.62
			w := r * 0.52 * (1 - t*0.5)
			p.poly(pt{cx - r*0.18 - w, y}, pt{cx - r*0.18, y - h*0.42}, pt{cx - r*0.18 + w, y})
		}
		p.rect(cx-r*0.18-r*0.05, base, r*0.1, r*0.16)
	})
	c.paint(bird, func(p *pen) {
		// a tern in flight: swept, pointed wings meeting at the body
		bx, by := cx+r*0.36, cy+r*0.14
		w := r * 0.26
		z := p.z
		z.MoveTo(f32(bx-w), f32(by-0.42*w))
		z.CubeTo(f32(bx-0.55*w), f32(by-0.62*w), f32(bx-0.2*w), f32(by-0.3*w), f32(bx), f32(by))
		z.CubeTo(f32(bx+0.2*w), f32(by-0.3*w), f32(bx+0.55*w), f32(by-0.62*w), f32(bx+w), f32(by-0.42*w))
		z.CubeTo(f32(bx+0.5*w), f32(by-0.3*w), f32(bx+0.2*w), f32(by-0.02*w), f32(bx), f32(by+0.26*w))
		z.CubeTo(f32(bx-0.2*w), f32(by-0.02*w), f32(bx-0.5*w), f32(by-0.3*w), f32(bx-w), f32(by-0.42*w))
		z.ClosePath()
	})
}

var (
	brandGreen = hex("#2f6f5e")
	brandCream = hex("#fdf6e8")
	brandSun   = hex("#f4a261")
	brandInk   = hex("#1f3b34")
)

func logo(onDark bool) image.Image {
	c := newCanvas(800, 200)
	ink, amp := brandInk, brandSun
	disc, pineCol, bird := brandGreen, brandCream, brandCream
	if onDark {
		ink = brandCream
		disc, pineCol, bird = brandCream, brandGreen, brandGreen
	}
	emblem(c, 100, 100, 84, disc, pineCol, bird, amp)
	// fit the wordmark into the space right of the emblem
	words := []struct {
		s   string
		col color.NRGBA
	}{{"Tern ", ink}, {"&", amp}, {" Timber", ink}}
	size := 100.0
	size *= 570 / measure("Tern & Timber", size)
	x := 212.0
	y := 100 + size*0.35
	for _, w := range words {
		x += c.text(w.s, size, x, y, w.col)
	}
	return c.img
}

func icon() image.Image {
	const s = 512
	c := newCanvas(s, s)
	c.fill(linear(0, 0, s, s, stop{0, shade(brandGreen, 0.12)}, stop{1, shade(brandGreen, -0.25)}), func(p *pen) { p.rrect(16, 16, s-32, s-32, 110) })
	emblem(c, s/2, s/2, 180, brandCream, brandGreen, brandGreen, brandSun)
	return c.img
}
