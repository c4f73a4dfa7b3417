package slide

import (
	"strings"
	"testing"
	"time"
)

func TestReadingRule(t *testing.T) {
	if got := ReadingTime(0); got != 2*time.Second {
		t.Errorf("an empty post needs %v, want the 2 s glance", got)
	}
	if got := ReadingTime(32); got != 10*time.Second {
		t.Errorf("32 words need %v, want 10 s at 4 words a second", got)
	}
	// The default longest post (20 s) carries 72 words, and reading them
	// takes exactly that long.
	if n := WordsIn(20 * time.Second); n != 72 || ReadingTime(n) != 20*time.Second {
		t.Errorf("20 s hold %d words, read in %v", n, ReadingTime(n))
	}
	if n := WordsIn(time.Second); n != 0 {
		t.Errorf("1 s holds %d words", n)
	}
	long := strings.Repeat("word ", 500)
	if got := TextReadingTime(long, 20*time.Second); got != 20*time.Second {
		t.Errorf("a 500-word post, cut for 20 s, needs %v", got)
	}
}

func TestCountWords(t *testing.T) {
	for text, want := range map[string]int{
		"":                           0,
		"   ":                        0,
		"Hello":                      1,
		"Ten years of Tern & Timber": 6,
		"line one\nline two":         4,
		"今日は新製品を発表しました": 13, // Japanese: a word a character
		"我们 发布了":        5,
		"Launch 🎉 day":  3,
		"שלום לכולם":    2,
	} {
		if got := CountWords(text); got != want {
			t.Errorf("CountWords(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestGlance(t *testing.T) {
	const story = "Ten years of Tern & Timber. Ten years ago, three of us sewed the first pack on a kitchen table in Kreuzberg. Today we are 140 people in Berlin, Lisbon and Thessaloniki; every pack still comes with a repair promise."
	tests := []struct {
		name  string
		text  string
		words int
		want  string
	}{
		{"fits", "Short and sweet.", 10, "Short and sweet."},
		{"fits exactly", "one two three", 3, "one two three"},
		{"at a sentence", story, 22, "Ten years of Tern & Timber. Ten years ago, three of us sewed the first pack on a kitchen table in Kreuzberg…"},
		{"no sentence ends: at a clause", "Today we are 140 people in Berlin, Lisbon and Thessaloniki; every pack still comes with a repair promise that we keep.", 12, "Today we are 140 people in Berlin, Lisbon and Thessaloniki…"},
		{"the sentence keeps too little: at a clause", "Hi. Today we are 140 people in Berlin, Lisbon and Thessaloniki, and growing fast", 11, "Hi. Today we are 140 people in Berlin, Lisbon and Thessaloniki…"},
		{"no clause: at a word", "one two three four five six seven eight", 5, "one two three four five…"},
		{"after a question", "Who took the cake? Nobody knows, and nobody will ever tell us the truth about it", 8, "Who took the cake?…"},
		{"before a dash", "We shipped it – after three years of work and a lot of coffee", 5, "We shipped it…"},
		{"a paragraph ends a sentence", "Big news\nWe are opening a fourth office in Porto next spring", 3, "Big news…"},
		{"quoted sentence", `She said "we did it." Then she left for the airport with the whole team`, 8, `She said "we did it."…`},
		{"a feed's read more", "Every pack comes with a lifetime repair promise. ...", 50, "Every pack comes with a lifetime repair promise…"},
		{"a feed's bracketed more", "We sewed it on a kitchen table […]", 50, "We sewed it on a kitchen table…"},
		{"lone ellipsis after a word", "and then we saw it …", 50, "and then we saw it…"},
		{"nothing", "", 5, ""},
		{"no words allowed", "Hello there", 0, ""},
		{"Japanese at a sentence", "今日は晴れ。明日は雨です", 8, "今日は晴れ…"},
	}
	for _, tt := range tests {
		got := Glance(tt.text, tt.words)
		if got != tt.want {
			t.Errorf("%s: Glance(%d words) =\n  %q\nwant\n  %q", tt.name, tt.words, got, tt.want)
		}
		if n := CountWords(got); n > max(tt.words, 0) && got != tt.text {
			t.Errorf("%s: %d words kept, at most %d allowed", tt.name, n, tt.words)
		}
		if strings.Contains(got, " "+Ellipsis) {
			t.Errorf("%s: the ellipsis stands alone in %q", tt.name, got)
		}
	}
}

// A post whose text does not fit its box even at the smallest size shows
// whole sentences that fit, never a box filled to the brim and cut
// mid-sentence, and never text smaller than the minimum.
func TestFitGlance(t *testing.T) {
	m := newGoMeasure(t)
	text := strings.Repeat("Our Lisbon team closed the week with a sunset retro on the roof. Twelve countries, one product, and the best onboarding scores we have ever had. ", 6)
	const boxW, boxH, lh = 600, 400, 1.28
	size, lines := FitGlance(text, 60, 40, boxW, boxH, lh, m.measure)
	if size < 40 {
		t.Errorf("size %.1f is under the minimum 40", size)
	}
	checkFits(t, m, lines, size, boxW, boxH, lh)
	shown := strings.Join(lines, " ")
	if !strings.HasSuffix(shown, Ellipsis) {
		t.Fatalf("the cut text does not end with an ellipsis: %q", shown)
	}
	before := strings.TrimSuffix(shown, Ellipsis)
	if !strings.HasSuffix(before, "roof") && !strings.HasSuffix(before, "had") {
		t.Errorf("cut mid-sentence: %q", shown)
	}
	// Text that fits is left alone.
	short := "Twelve countries, one product."
	if _, ls := FitGlance(short, 60, 40, boxW, boxH, lh, m.measure); strings.Join(ls, " ") != short {
		t.Errorf("a short text became %q", ls)
	}
	// One word longer than the box (a link) still shows, cut by the fitter.
	link := "https://example.com/" + strings.Repeat("a", 400)
	if _, ls := FitGlance(link, 60, 40, boxW, boxH, lh, m.measure); len(ls) == 0 {
		t.Error("a long link shows nothing")
	}
}

// A long name wraps before it shrinks, keeps its words whole, and shrinks
// only when two lines are not enough.
func TestFitName(t *testing.T) {
	m := newGoMeasure(t)
	const lh = 1.28
	size, lines := FitName("Ana Lima", 40, 30, 400, 2, lh, m.measure)
	if size != 40 || len(lines) != 1 {
		t.Errorf("a short name: size %.1f, lines %q", size, lines)
	}
	long := "Maximiliane Alexandra Papadopoulou"
	size, lines = FitName(long, 40, 30, 480, 2, lh, m.measure)
	if size != 40 || len(lines) != 2 || strings.Join(lines, " ") != long {
		t.Errorf("a long name should wrap at full size: size %.1f, lines %q", size, lines)
	}
	// Too long for two lines at full size: it shrinks, whole.
	size, lines = FitName(long, 40, 20, 300, 2, lh, m.measure)
	if size >= 40 || size < 20 || strings.Join(lines, " ") != long || len(lines) > 2 {
		t.Errorf("shrunk name: size %.1f, lines %q", size, lines)
	}
	// On one line only, it shrinks before it is cut.
	size, lines = FitName(long, 40, 20, 520, 1, lh, m.measure)
	if len(lines) != 1 || lines[0] != long || size >= 40 {
		t.Errorf("one line: size %.1f, lines %q", size, lines)
	}
	// Even the minimum does not fit: cut with an ellipsis.
	_, lines = FitName(long, 40, 30, 200, 1, lh, m.measure)
	if len(lines) != 1 || !strings.HasSuffix(lines[0], Ellipsis) {
		t.Errorf("cut name: %q", lines)
	}
}

// A name too long for its box keeps its first and last name: the middle
// names go first (to initials, then altogether), and a double name may
// break after its hyphen.
func TestFitNameKeepsTheSurname(t *testing.T) {
	m := newGoMeasure(t)
	const lh = 1.28
	name := "Maximiliane Alexandra Papadopoulou-Schmidt"
	w, _ := m.measure("Maximiliane A. Papadopoulou-Schmidt", 30)
	_, lines := FitName(name, 30, 30, w+1, 1, lh, m.measure)
	if len(lines) != 1 || lines[0] != "Maximiliane A. Papadopoulou-Schmidt" {
		t.Errorf("one line as wide as the initialled name: %q", lines)
	}
	w, _ = m.measure("Maximiliane Papadopoulou-Schmidt", 30)
	_, lines = FitName(name, 30, 30, w+1, 1, lh, m.measure)
	if len(lines) != 1 || lines[0] != "Maximiliane Papadopoulou-Schmidt" {
		t.Errorf("one line as wide as first and last name: %q", lines)
	}
	w, _ = m.measure("Papadopoulou-", 30)
	_, lines = FitName("Ana Papadopoulou-Schmidt", 30, 30, w+1, 3, lh, m.measure)
	if strings.Join(lines, "|") != "Ana|Papadopoulou-|Schmidt" {
		t.Errorf("a double name on narrow lines: %q", lines)
	}
	_, lines = FitName("Ana Papadopoulou-Schmidt", 30, 30, 2000, 3, lh, m.measure)
	if strings.Join(lines, "|") != "Ana Papadopoulou-Schmidt" {
		t.Errorf("a double name with room: %q", lines)
	}
}

// A name that fits nowhere whole is cut at the end of its lines, never
// broken across lines inside a word.
func TestFitNameCutsAtTheEnd(t *testing.T) {
	m := newGoMeasure(t)
	w, _ := m.measure("Anneliese Christiansen-Va…", 30)
	_, lines := FitName("Anneliese Christiansen-Vasquez", 30, 30, w+1, 1, 1.28, m.measure)
	if len(lines) != 1 || lines[0] != "Anneliese Christiansen-Va…" {
		t.Errorf("one line: %q", lines)
	}
	w, _ = m.measure("Maximilia…", 30)
	_, lines = FitName("Maximiliane Papadopoulou", 30, 30, w+1, 2, 1.28, m.measure)
	if len(lines) != 2 || lines[0] != "Maximilia…" || !strings.HasPrefix(lines[1], "Papad") || !strings.HasSuffix(lines[1], Ellipsis) {
		t.Errorf("two narrow lines: %q", lines)
	}
	for _, l := range lines {
		if lw, _ := m.measure(l, 30); lw > w+1 {
			t.Errorf("%q is wider than the box", l)
		}
	}
}
