package slide

import (
	"fmt"
	"testing"
)

var screens = []struct {
	name string
	w, h float32
}{
	{"720p", 1280, 720},
	{"1080p", 1920, 1080},
	{"4K", 3840, 2160},
	{"portrait 1080×1920", 1080, 1920},
}

func TestSizesFor(t *testing.T) {
	ref := SizesFor(1920, 1080)
	if ref.Body < 0.04*1080 {
		t.Errorf("body text %.1f px is under 4 %% of 1080", ref.Body)
	}
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			s := SizesFor(sc.w, sc.h)
			if s.Portrait != (sc.h > sc.w) {
				t.Errorf("Portrait = %v", s.Portrait)
			}
			short := min(sc.w, sc.h)
			// The same share of the short side everywhere: 720p and 4K look
			// like 1080p, and a rotated TV keeps its type size.
			if got, want := s.Body/short, ref.Body/1080; !near(got, want) {
				t.Errorf("body is %.4f of the short side, 1080p has %.4f", got, want)
			}
			if s.Body < 0.04*short {
				t.Errorf("body %.1f is under 4 %% of the short side %.0f", s.Body, short)
			}
			if !(s.Small < s.Body && s.Body < s.Name && s.Name < s.Title && s.Title < s.Huge) {
				t.Errorf("hierarchy broken: small %.1f body %.1f name %.1f title %.1f huge %.1f", s.Small, s.Body, s.Name, s.Title, s.Huge)
			}
			screen := Rect{0, 0, sc.w, sc.h}
			c := s.Content()
			if !screen.Contains(c) || c.W < sc.w*0.8 || c.H < sc.h*0.75 {
				t.Errorf("content %+v does not sit in the screen with margins", c)
			}
		})
	}
}

func near(a, b float32) bool { d := a - b; return d < 1e-4 && d > -1e-4 }

func overlaps(a, b Rect) bool {
	return a.W > 0 && b.W > 0 && a.X < b.Right() && b.X < a.Right() && a.Y < b.Bottom() && b.Y < a.Bottom()
}

func TestPostLayout(t *testing.T) {
	for _, sc := range screens {
		for _, pic := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s picture=%v", sc.name, pic), func(t *testing.T) {
				s := SizesFor(sc.w, sc.h)
				b := PostLayout(s, pic)
				c := s.Content()
				boxes := map[string]Rect{"header": b.Header, "text": b.Text}
				if pic {
					boxes["picture"] = b.Picture
					boxes["footer"] = b.Footer
				}
				for n, r := range boxes {
					if !c.Contains(r) {
						t.Errorf("%s %+v leaves the content area %+v", n, r, c)
					}
					if r.W <= 0 || r.H <= 0 {
						t.Errorf("%s is empty: %+v", n, r)
					}
				}
				for n1, r1 := range boxes {
					for n2, r2 := range boxes {
						if n1 < n2 && overlaps(r1, r2) {
							t.Errorf("%s %+v overlaps %s %+v", n1, r1, n2, r2)
						}
					}
				}
				if b.Quote == pic {
					t.Errorf("Quote = %v with picture = %v", b.Quote, pic)
				}
				// A text box must hold several lines of body text.
				if lines := b.Text.H / (s.Body * s.LineHeight); lines < 5 {
					t.Errorf("text box holds %.1f body lines", lines)
				}
				if pic && s.Portrait && b.Picture.Y > b.Text.Y {
					t.Error("portrait: picture is not on top")
				}
				if pic && !s.Portrait && b.Picture.X > b.Text.X {
					t.Error("landscape: picture is not on the left")
				}
			})
		}
	}
}

func TestWinsGrid(t *testing.T) {
	for _, sc := range screens {
		s := SizesFor(sc.w, sc.h)
		_, body := HeadedLayout(s)
		for n := 0; n <= MaxWins; n++ {
			tiles := WinsGrid(s, body, n)
			if len(tiles) != n {
				t.Fatalf("%s: %d tiles for %d wins", sc.name, len(tiles), n)
			}
			for i, r := range tiles {
				if !body.Contains(r) || r.W < s.Huge*2.5 || r.H < s.Huge*1.8 {
					t.Errorf("%s n=%d tile %d %+v too small or outside %+v", sc.name, n, i, r, body)
				}
				for j := i + 1; j < n; j++ {
					if overlaps(r, tiles[j]) {
						t.Errorf("%s n=%d tiles %d and %d overlap", sc.name, n, i, j)
					}
				}
			}
		}
	}
}

func TestBoardLayout(t *testing.T) {
	for _, sc := range screens {
		s := SizesFor(sc.w, sc.h)
		_, body := HeadedLayout(s)
		for _, tc := range []struct {
			rest  int
			mover bool
		}{{0, false}, {5, true}, {2, false}, {0, true}} {
			b := BoardLayout(s, body, tc.rest, tc.mover)
			for n, r := range map[string]Rect{"podium": b.Podium, "list": b.List, "mover": b.Mover} {
				if r.W > 0 && !body.Contains(r) {
					t.Errorf("%s %+v: %s %+v outside %+v", sc.name, tc, n, r, body)
				}
			}
			if overlaps(b.Podium, b.List) || overlaps(b.List, b.Mover) || overlaps(b.Podium, b.Mover) {
				t.Errorf("%s %+v: boxes overlap: %+v", sc.name, tc, b)
			}
			if tc.mover && b.Mover.H <= 0 {
				t.Errorf("%s: no room for the mover", sc.name)
			}
			if tc.rest == 5 && b.List.H < 5*s.AvatarSmall {
				t.Errorf("%s: list %.0f tall cannot hold 5 rows of %.0f", sc.name, b.List.H, s.AvatarSmall)
			}
		}
	}
}

func TestPodium(t *testing.T) {
	if got := fmt.Sprint(PodiumSlot(0), PodiumSlot(1), PodiumSlot(2)); got != "1 0 2" {
		t.Errorf("slots of 1st, 2nd, 3rd = %s, want 1 0 2 (middle, left, right)", got)
	}
	if !(PodiumHeight(1) > PodiumHeight(2) && PodiumHeight(2) > PodiumHeight(3)) {
		t.Error("podium steps are not ordered 1 > 2 > 3")
	}
}
