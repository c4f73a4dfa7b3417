package images

import (
	"image"
)

// Picture is the copy of a picture the screen keeps, with what was learned
// from the original when it was decoded. It is an image.Image; Cover reads
// Focus, and the slide layer reads Original to tell a picture too small for
// its box (it implements OriginalSize for that).
type Picture struct {
	image.Image
	// Original is the size of the picture as published, upright.
	Original image.Point
	// Focus is what a crop must keep, in the image's own coordinates:
	// the faces and some of the head and shoulders around them, or for a
	// portrait without a face found its upper part. Empty: nothing in
	// particular (a crop is centred).
	Focus image.Rectangle
	// Faces is how many faces Focus holds (0: it is a guess).
	Faces int
}

// OriginalSize is the size of the picture as published, upright.
func (p *Picture) OriginalSize() image.Point { return p.Original }

// unwrap returns the pixels of img and its focus.
func unwrap(img image.Image) (image.Image, image.Rectangle) {
	if p, ok := img.(*Picture); ok {
		return p.Image, p.Focus
	}
	return img, image.Rectangle{}
}

// trim cuts the picture down to at most twice the box on each side, keeping
// its focus: a 900×3000 portrait kept to cover an 823×896 box is 823×2743,
// of which any crop of the box's shape uses 896 rows. The margin is for
// boxes of other shapes (layouts change with the text's length and the
// screen's orientation). It returns p itself when nothing needs cutting.
func (p *Picture) trim(boxW, boxH int) *Picture {
	b := p.Bounds()
	limit := image.Pt(min(b.Dx(), 2*boxW), min(b.Dy(), 2*boxH))
	if limit == b.Size() {
		return p
	}
	r := place(b, limit, p.Focus, p.Original)
	// The focus may be bigger than the limit (a group photo): keep it
	// whole; Cover fits it into the box.
	r = r.Union(p.Focus.Intersect(b))
	out := &Picture{Image: toRGBA(subImage(p.Image, r)), Original: p.Original, Faces: p.Faces}
	if !p.Focus.Empty() {
		out.Focus = p.Focus.Intersect(r).Sub(r.Min)
	}
	return out
}

// place returns a size-sized rectangle within b around what matters: the
// focus centred when there is one, else the top of a portrait (where heads
// are when no face was found: the upper third of a picture three crops
// tall) or the middle of anything else.
func place(b image.Rectangle, size image.Point, focus image.Rectangle, original image.Point) image.Rectangle {
	var c image.Point
	switch {
	case !focus.Empty():
		c = image.Pt((focus.Min.X+focus.Max.X)/2, (focus.Min.Y+focus.Max.Y)/2)
	case original.Y > original.X:
		c = image.Pt(b.Min.X+b.Dx()/2, b.Min.Y+size.Y/2)
	default:
		c = image.Pt(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2)
	}
	x := min(max(c.X-size.X/2, b.Min.X), b.Max.X-size.X)
	y := min(max(c.Y-size.Y/2, b.Min.Y), b.Max.Y-size.Y)
	return image.Rect(x, y, x+size.X, y+size.Y)
}
