package slide

import "image"

// MaxEnlarge is the most a post's picture may be enlarged to fill its box.
// Beyond it a photo turns soft from across a lobby, and a quote with the
// author's face reads better than a blurred picture beside it.
const MaxEnlarge = 1.5

// ShowPicture reports whether a post slide at sizes s, drawn at scale device
// pixels per unit, shows img in its picture box or uses the text layout: the
// picture must be usable (UsablePicture) and large enough to cover the box
// without being enlarged more than MaxEnlarge. "Large enough" is measured on
// the picture as published (an image that reports OriginalSize, as the
// picture loader's do), not on the copy kept for the screen: that copy is
// sized for the box, so only the original tells a small picture.
func ShowPicture(s Sizes, scale float32, img image.Image) bool {
	if !UsablePicture(img) {
		return false
	}
	if scale <= 0 {
		scale = 1
	}
	size := img.Bounds().Size()
	if o, ok := img.(interface{ OriginalSize() image.Point }); ok {
		if os := o.OriginalSize(); os.X > 0 && os.Y > 0 {
			size = os
		}
	}
	box := PostLayout(s, true).Picture
	bw, bh := box.W*scale, box.H*scale
	// Cover scales by the larger of the two ratios.
	enlarge := max(bw/float32(size.X), bh/float32(size.Y))
	return enlarge <= MaxEnlarge
}
