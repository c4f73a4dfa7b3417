package images

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"
)

// The box of a post's picture on a 1920×1080 screen.
const boxW, boxH = 823, 896

// canvasWithFaces is a w×h photo of a pale wall with the real face of
// testdata/face.jpg, scaled to faceW wide, at each of the given top-left
// corners: a tall portrait with the face at the top, or a row of colleagues.
func canvasWithFaces(t testing.TB, w, h, faceW int, at ...image.Point) []byte {
	t.Helper()
	face, err := jpeg.Decode(bytes.NewReader(readTestdata(t, "face.jpg")))
	if err != nil {
		t.Fatal(err)
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(m, m.Rect, image.NewUniform(color.RGBA{0xe4, 0xe2, 0xdc, 0xff}), image.Point{}, draw.Src)
	fb := face.Bounds()
	faceH := faceW * fb.Dy() / fb.Dx()
	for _, p := range at {
		draw.CatmullRom.Scale(m, image.Rect(p.X, p.Y, p.X+faceW, p.Y+faceH), face, fb, draw.Src, nil)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// look writes what Cover made to $LOOK (when set), to open and look at.
func look(t *testing.T, name string, img image.Image) {
	dir := os.Getenv("LOOK")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// shownFaces runs the detector on what the screen shows.
func shownFaces(img image.Image) []image.Rectangle { return detectFaces(img) }

// TestTallPortraitKeepsTheFaceAtTheTop: the 900×3000 portrait, a
// face at the top. The kept copy covers the box (823 wide, not 324), and the
// crop shows the face, whole, instead of the middle third.
func TestTallPortraitKeepsTheFaceAtTheTop(t *testing.T) {
	data := canvasWithFaces(t, 900, 3000, 360, image.Pt(270, 120))
	pic, err := Decode(data, boxW, boxH, DefaultMaxPixels)
	if err != nil {
		t.Fatal(err)
	}
	if pic.Faces != 1 {
		t.Fatalf("%d faces found, want 1", pic.Faces)
	}
	if w := pic.Bounds().Dx(); w != boxW {
		t.Errorf("kept %d pixels wide, want %d: enough to cover the box without enlarging", w, boxW)
	}
	shown := Cover(pic, boxW, boxH)
	look(t, "tall-portrait", shown)
	faces := shownFaces(shown)
	if len(faces) != 1 {
		t.Fatalf("the slide shows %d faces, want the one at the top", len(faces))
	}
	if f := faces[0]; f.Dx() < 250 || !f.In(shown.Rect) {
		t.Errorf("face shown at %v in a %v picture: cut or tiny", f, shown.Rect.Size())
	}
}

// TestPortraitWithoutAFaceShowsItsTop: with nothing found, a portrait is
// cropped from its top (where people's heads are), not its middle.
func TestPortraitWithoutAFaceShowsItsTop(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 900, 3000))
	for y := 0; y < 3000; y++ {
		for x := 0; x < 900; x++ {
			m.SetRGBA(x, y, color.RGBA{uint8(y * 255 / 3000), 0x60, 0x60, 0xff})
		}
	}
	crop, at := coverPlan(&Picture{Image: m, Original: image.Pt(900, 3000)}, boxW, boxH)
	if crop.Min.Y != 0 || at != image.Rect(0, 0, boxW, boxH) {
		t.Errorf("crop %v placed at %v, want the top of the picture over the whole box", crop, at)
	}
}

// TestGroupPhotoKeepsEveryFace: five colleagues side by side on a wide
// photo shown in a tall box. A crop of the box's shape would cut the outer
// two; the whole row is shown, fitted into the box.
func TestGroupPhotoKeepsEveryFace(t *testing.T) {
	var at []image.Point
	for i := range 5 {
		at = append(at, image.Pt(60+i*460, 260))
	}
	data := canvasWithFaces(t, 2400, 1200, 320, at...)
	pic, err := Decode(data, boxW, boxH, DefaultMaxPixels)
	if err != nil {
		t.Fatal(err)
	}
	if pic.Faces != 5 {
		t.Errorf("%d faces found, want 5: %v", pic.Faces, detectFaces(pic))
	}
	shown := Cover(pic, boxW, boxH)
	look(t, "group", shown)
	if n := len(shownFaces(shown)); n != 5 {
		t.Errorf("the slide shows %d whole faces, want 5", n)
	}
	// The rest of the box is left to the slide's surface.
	if c := shown.RGBAAt(boxW/2, 5); c.A != 0 {
		t.Errorf("top of the box is %v, want transparent", c)
	}
}

// TestTaggedFacesOfTheDemoGroupPhoto: the demo's group photo carries its
// faces as XMP face regions (assets/gen writes them); no detector sees drawn
// faces. Every tagged face is inside what the slide shows.
func TestTaggedFacesOfTheDemoGroupPhoto(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "assets", "demo", "images", "p05.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	pic, err := Decode(data, boxW, boxH, DefaultMaxPixels)
	if err != nil {
		t.Fatal(err)
	}
	faces := taggedFaces(data, 1, pic.Bounds())
	if len(faces) != 11 || pic.Faces != 11 {
		t.Fatalf("%d faces tagged, %d used, want 11", len(faces), pic.Faces)
	}
	for _, box := range []image.Point{{boxW, boxH}, {950, 764}, {1200, 500}} {
		crop, _ := coverPlan(pic, box.X, box.Y)
		for _, f := range faces {
			if !f.In(crop) {
				t.Errorf("box %v: face %v cut by the crop %v", box, f, crop)
			}
		}
		look(t, "demo-group-"+itoa(box.X), Cover(pic, box.X, box.Y))
	}
}

// TestTaggedFacesForms: XMP writers put a region's type and area in
// attributes or in elements; both are read, and other region types
// (a pet, a focus point) and broken values are not faces.
func TestTaggedFacesForms(t *testing.T) {
	packet := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#">
<mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>
 <rdf:li><rdf:Description mwg-rs:Name="Ada" mwg-rs:Type="Face"><mwg-rs:Area stArea:x="0.25" stArea:y="0.5" stArea:w="0.1" stArea:h="0.2" stArea:unit="normalized"/></rdf:Description></rdf:li>
 <rdf:li rdf:parseType="Resource"><mwg-rs:Type>Face</mwg-rs:Type><mwg-rs:Area rdf:parseType="Resource"><stArea:x>0.75</stArea:x><stArea:y>0.5</stArea:y><stArea:w>0.1</stArea:w><stArea:h>0.2</stArea:h></mwg-rs:Area></rdf:li>
 <rdf:li><rdf:Description mwg-rs:Type="Pet"><mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="0.1" stArea:h="0.1"/></rdf:Description></rdf:li>
 <rdf:li><rdf:Description mwg-rs:Type="Face"><mwg-rs:Area stArea:x="NaN" stArea:y="0.5" stArea:w="0.1" stArea:h="0.1"/></rdf:Description></rdf:li>
</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions></rdf:Description></rdf:RDF></x:xmpmeta>`
	seg := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), packet...)
	data := append([]byte{0xff, 0xd8, 0xff, 0xe1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}, seg...)
	data = append(data, 0xff, 0xd9)
	got := taggedFaces(data, 1, image.Rect(0, 0, 1000, 500))
	want := []image.Rectangle{image.Rect(200, 200, 300, 300), image.Rect(700, 200, 800, 300)}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("faces %v, want %v", got, want)
	}
	// Turned upright: a photo taken with the phone on its side (6).
	if got := taggedFaces(data, 6, image.Rect(0, 0, 500, 1000)); len(got) != 2 || got[0] != image.Rect(200, 200, 300, 300) {
		t.Errorf("orientation 6: faces %v", got)
	}
}

func itoa(n int) string {
	return string([]byte{byte('0' + n/1000%10), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}
