package slide

import (
	"image"
	"testing"
)

// kept is a copy sized for the screen that remembers the original's size,
// as the picture loader's are.
type kept struct {
	image.Image
	original image.Point
}

func (k kept) OriginalSize() image.Point { return k.original }

func TestShowPictureNeverEnlargesMoreThanOneAndAHalf(t *testing.T) {
	s := SizesFor(1920, 1080)
	box := PostLayout(s, true).Picture // about 823×896 at 1080p
	rgba := func(w, h int) image.Image { return image.NewRGBA(image.Rect(0, 0, w, h)) }
	tests := []struct {
		name  string
		img   image.Image
		scale float32
		want  bool
	}{
		{"a phone photo", rgba(4000, 3000), 1, true},
		{"exactly the box", rgba(int(box.W+1), int(box.H+1)), 1, true},
		{"two thirds of the box: enlarged 1.5×", rgba(int(box.W/1.5+1), int(box.H/1.5+1)), 1, true},
		{"half the box: enlarged 2×", rgba(int(box.W/2), int(box.H/2)), 1, false},
		{"a 300×300 picture", rgba(300, 300), 1, false},
		{"a copy kept small of a big original", kept{rgba(400, 436), image.Pt(4000, 3000)}, 1, true},
		{"a copy of a small original", kept{rgba(400, 436), image.Pt(400, 436)}, 1, false},
		{"the demo's 1600×1000 at 1080p", rgba(1600, 1000), 1, true},
		{"the demo's 1600×1000 on a 4K screen (scale 2)", rgba(1600, 1000), 2, false},
		{"a banner, however large", rgba(4000, 500), 1, false},
		{"no picture", nil, 1, false},
	}
	for _, tc := range tests {
		if got := ShowPicture(s, tc.scale, tc.img); got != tc.want {
			t.Errorf("%s: ShowPicture = %v, want %v", tc.name, got, tc.want)
		}
	}
}
