package ui

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"lobbykiosk/kiosk/fonts"
	"lobbykiosk/kiosk/slide"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/golden")

// goldens are every slide type at landscape 1080p and portrait, with the
// layouts made for one and three wins and for a podium of one, and long
// names in the leaderboard.
var goldens = []struct {
	name string
	s    func() slide.Slide
	c    slide.Chrome
	// system is set for goldens that need the system's Noto fonts (the
	// ones the .deb depends on and recommends, at Debian 12's versions).
	system bool
}{
	{"post-picture", postWithPicture, freshChrome, false},
	{"post-text", postTextOnly, freshChrome, false},
	{"wins", winsSlide, freshChrome, false},
	{"wins-one", winsOne, freshChrome, false},
	{"wins-three", winsThree, freshChrome, false},
	{"leaderboard", boardSlide, staleChrome, false},
	{"leaderboard-one", oneBoard, freshChrome, false},
	{"leaderboard-long-names", longNamesBoard, freshChrome, false},
	{"welcome", welcomeSlide, freshChrome, false},
	// Every script, read in its order (issue 14): these need the Noto
	// fonts the .deb pulls in (packaging/dev.sh installs them).
	{"post-zh", postChinese, freshChrome, true},
	{"post-ja", postJapanese, freshChrome, true},
	{"post-ar", postArabic, freshChrome, true},
	{"post-he", postHebrew, freshChrome, true},
	// Offices in their own language: no English label, their numbers and
	// dates.
	{"office-de-wins", officeWins("de"), officeChrome("de"), true},
	{"office-de-leaderboard", officeBoard("de"), officeChrome("de"), true},
	{"office-de-post", officePost("de"), officeChrome("de"), true},
	{"office-pt-PT-wins", officeWins("pt-PT"), officeChrome("pt-PT"), true},
	{"office-pt-PT-leaderboard", officeBoard("pt-PT"), officeChrome("pt-PT"), true},
	{"office-pt-PT-welcome", officeWelcome("pt-PT"), officeChrome("pt-PT"), true},
	{"office-ar-wins", officeWins("ar"), officeChrome("ar"), true},
	{"office-ar-leaderboard", officeBoard("ar"), officeChrome("ar"), true},
	{"office-ar-post", officePost("ar"), officeChrome("ar"), true},
}

var goldenSizes = []struct{ w, h int }{{1920, 1080}, {1080, 1920}}

func TestGolden(t *testing.T) {
	for _, g := range goldens {
		if g.system {
			for _, text := range slideStrings(g.s()) {
				if why := fonts.Reason(text); why != "" {
					t.Fatalf("golden %s: %s (packaging/dev.sh installs the font packages)", g.name, why)
				}
			}
		}
		for _, sz := range goldenSizes {
			name := fmt.Sprintf("%s-%dx%d.png", g.name, sz.w, sz.h)
			t.Run(name, func(t *testing.T) {
				got := Render(g.s(), g.c, DefaultTheme(), sz.w, sz.h)
				path := filepath.Join("testdata", "golden", name)
				if *update {
					writePNG(t, path, got)
					return
				}
				want := readPNG(t, path)
				if msg := compareImages(got, want); msg != "" {
					failed := filepath.Join("testdata", "failed", name)
					writePNG(t, failed, got)
					t.Errorf("%s differs from its golden: %s; got written to %s (run with -update to accept)", name, msg, failed)
				}
			})
		}
	}
}

// compareImages allows the tiny antialiasing differences a font rasterizer
// update may bring, never a moved or missing element: at most 0.1 % of the
// pixels may differ by more than 24 on any channel.
func compareImages(got, want image.Image) string {
	if got.Bounds() != want.Bounds() {
		return fmt.Sprintf("size %v, want %v", got.Bounds(), want.Bounds())
	}
	b := got.Bounds()
	bad := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, a1 := got.At(x, y).RGBA()
			r2, g2, b2, a2 := want.At(x, y).RGBA()
			if diff(r1, r2) > 24 || diff(g1, g2) > 24 || diff(b1, b2) > 24 || diff(a1, a2) > 24 {
				bad++
			}
		}
	}
	if limit := b.Dx() * b.Dy() / 1000; bad > limit {
		return fmt.Sprintf("%d pixels differ (allowed %d)", bad, limit)
	}
	return ""
}

func diff(a, b uint32) uint32 {
	a, b = a>>8, b>>8
	if a > b {
		return a - b
	}
	return b - a
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run with -update to create it)", path, err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("golden %s: %v", path, err)
	}
	return img
}

// TestGoldenTextIsInBundledFonts keeps the goldens independent of the
// machine: every character they show is in Fyne's bundled Noto Sans, so no
// system fallback font is ever used to draw them. The goldens of other
// scripts are the exception, by their nature: they need the Noto packages.
func TestGoldenTextIsInBundledFonts(t *testing.T) {
	faces := map[string]*font.Face{}
	for name, res := range map[string]interface{ Content() []byte }{
		"regular": theme.DefaultTextFont(), "bold": theme.DefaultTextBoldFont(),
	} {
		f, err := font.ParseTTF(bytes.NewReader(res.Content()))
		if err != nil {
			t.Fatal(err)
		}
		faces[name] = f
	}
	var texts []string
	for _, g := range goldens {
		if g.system {
			continue
		}
		texts = append(texts, slideStrings(g.s())...)
		texts = append(texts, g.c.Clock, g.c.Stale)
	}
	texts = append(texts, "“", "…", "Our wins", "Biggest mover", "places", "0123456789")
	for _, s := range texts {
		for _, r := range s {
			if r == ' ' {
				continue
			}
			for name, f := range faces {
				if _, ok := f.NominalGlyph(r); !ok {
					t.Errorf("%q (U+%04X) in %q is missing from the bundled %s font", r, r, s, name)
				}
			}
		}
	}
}

// slideStrings lists the strings a slide shows.
func slideStrings(s slide.Slide) []string {
	var out []string
	if p := s.Post; p != nil {
		out = append(out, p.Name, p.Byline(), p.Text, p.Age, slide.NetworkLabel(nil, p.Network), p.Initials)
	}
	for _, w := range s.Wins {
		out = append(out, w.Label, w.Value, w.Unit, w.Period, w.Change)
	}
	if b := s.Board; b != nil {
		out = append(out, b.Title, b.Period)
		for _, p := range append(append([]slide.Person(nil), b.Podium...), b.Rest...) {
			out = append(out, p.Name, p.Points, p.Initials)
		}
	}
	if w := s.Welcome; w != nil {
		out = append(out, w.Company, w.Message)
	}
	return out
}
