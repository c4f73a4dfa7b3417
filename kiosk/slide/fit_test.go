package slide

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// goMeasure measures with a real proportional font (Go Regular), so the
// tests see kerning-free but realistic widths, like the UI's fyne.MeasureText.
type goMeasure struct {
	mu    sync.Mutex
	font  *opentype.Font
	faces map[float32]font.Face
	calls int
}

func newGoMeasure(t testing.TB) *goMeasure {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	return &goMeasure{font: f, faces: map[float32]font.Face{}}
}

func (m *goMeasure) measure(s string, size float32) (w, h float32) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	face, ok := m.faces[size]
	if !ok {
		var err error
		face, err = opentype.NewFace(m.font, &opentype.FaceOptions{Size: float64(size), DPI: 72})
		if err != nil {
			panic(err)
		}
		m.faces[size] = face
	}
	adv := font.MeasureString(face, s)
	return float32(adv) / 64, float32(face.Metrics().Height) / 64
}

// longText is about n characters of ordinary prose.
func longText(n int) string {
	words := strings.Fields("Our team spent the week in Lisbon with customers from twelve countries, and the one thing everyone asked about was how we keep the onboarding so simple while the product keeps growing.")
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[i%len(words)])
	}
	return b.String()
}

func checkFits(t *testing.T, m *goMeasure, lines []string, size, boxW, boxH, lh float32) {
	t.Helper()
	for i, l := range lines {
		if w, _ := m.measure(l, size); w > boxW+0.01 {
			t.Errorf("line %d is %.1f wide, box is %.1f: %q", i, w, boxW, l)
		}
		if l == "" || l != strings.TrimSpace(l) {
			t.Errorf("line %d is empty or padded: %q", i, l)
		}
	}
	_, h := m.measure("Ag", size)
	if bh := BlockHeight(len(lines), size, lh, h); bh > boxH+0.01 {
		t.Errorf("%d lines at %.1f are %.1f tall, box is %.1f", len(lines), size, bh, boxH)
	}
}

func TestFitText(t *testing.T) {
	m := newGoMeasure(t)
	const lh = 1.28
	tests := []struct {
		name            string
		text            string
		boxW, boxH      float32
		max, min        float32
		wantSize        string // "max", "min", "between"
		wantEllipsis    bool
		wantAllWordsRun bool // every input word appears, in order
	}{
		{"short text keeps the largest size", "Hello lobby!", 800, 400, 72, 48, "max", false, true},
		{"medium text shrinks but stays above min", longText(220), 860, 560, 72, 48, "between", false, true},
		{"5,000 characters: min size, cut with an ellipsis", longText(5000), 860, 560, 72, 48, "min", true, false},
		{"a long link is broken inside the box", "See https://example.com/" + strings.Repeat("verylongpath", 12) + " for more", 600, 900, 60, 40, "", false, false},
		{"paragraphs keep their breaks", "First line.\n\nSecond paragraph here.", 900, 600, 60, 40, "max", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size, lines := FitText(tt.text, tt.max, tt.min, tt.boxW, tt.boxH, lh, m.measure)
			if len(lines) == 0 {
				t.Fatal("no lines")
			}
			checkFits(t, m, lines, size, tt.boxW, tt.boxH, lh)
			switch tt.wantSize {
			case "max":
				if size != tt.max {
					t.Errorf("size %.2f, want max %.2f", size, tt.max)
				}
			case "min":
				if size != tt.min {
					t.Errorf("size %.2f, want min %.2f", size, tt.min)
				}
			case "between":
				if size <= tt.min || size >= tt.max {
					t.Errorf("size %.2f, want strictly between %.1f and %.1f", size, tt.min, tt.max)
				}
				// Largest that fits: one step bigger must not fit.
				if _, more := FitText(tt.text, size+1, size+1, tt.boxW, tt.boxH, lh, m.measure); len(more) > 0 && !strings.HasSuffix(more[len(more)-1], Ellipsis) {
					t.Errorf("size %.2f is not the largest: %.2f fits too", size, size+1)
				}
			}
			last := lines[len(lines)-1]
			if got := strings.HasSuffix(last, Ellipsis); got != tt.wantEllipsis {
				t.Errorf("last line %q: ellipsis = %v, want %v", last, got, tt.wantEllipsis)
			}
			if tt.wantEllipsis {
				// Cut at a word boundary: what precedes "…" is a whole word.
				body := strings.TrimSuffix(last, Ellipsis)
				words := strings.Fields(body)
				if !strings.Contains(tt.text, body) || !isWord(tt.text, words[len(words)-1]) {
					t.Errorf("cut mid-word: %q", last)
				}
			}
			if tt.wantAllWordsRun && strings.Join(strings.Fields(strings.Join(lines, " ")), " ") != strings.Join(strings.Fields(tt.text), " ") {
				t.Errorf("words lost or reordered:\n got %q\nwant %q", strings.Join(lines, " "), tt.text)
			}
		})
	}
}

func isWord(text, w string) bool {
	for _, f := range strings.Fields(text) {
		if strings.TrimRight(f, ",.;:") == strings.TrimRight(w, ",.;:") {
			return true
		}
	}
	return false
}

func TestFitTextLongIsCheap(t *testing.T) {
	m := newGoMeasure(t)
	FitText(longText(5000), 72, 48, 860, 560, 1.28, m.measure)
	// Wrapping gives up once the box is full, so a 5,000-character post
	// costs about what a box of text costs, not the whole text per size.
	if m.calls > 2000 {
		t.Errorf("%d measurements for one fit", m.calls)
	}
}

func TestFitTextDegenerate(t *testing.T) {
	m := newGoMeasure(t)
	if _, lines := FitText("", 60, 40, 800, 600, 1.28, m.measure); lines != nil {
		t.Errorf("empty text gave %q", lines)
	}
	if _, lines := FitText("   \n  ", 60, 40, 800, 600, 1.28, m.measure); lines != nil {
		t.Errorf("blank text gave %q", lines)
	}
	if _, lines := FitText("Hello", 60, 40, 800, 10, 1.28, m.measure); lines != nil {
		t.Errorf("a box shorter than a line still got %q", lines)
	}
	size, lines := FitText("Hello there", 40, 60, 800, 600, 1.28, m.measure) // min > max
	if size != 40 || len(lines) != 1 {
		t.Errorf("min > max: size %v lines %q", size, lines)
	}
}

func TestFitTextEmojiAndScripts(t *testing.T) {
	m := newGoMeasure(t)
	for _, text := range []string{
		strings.Repeat("🎉👩‍💻🇵🇹👍🏽 ", 200),
		strings.Repeat("שלום לכולם, זה פוסט ארוך מאוד ", 80),
		strings.Repeat("مرحبا بالجميع هذا منشور طويل ", 80),
		strings.Repeat("Καλημέρα σε όλους ", 120),
		strings.Repeat("👩‍👩‍👧‍👦", 400), // one unbreakable "word"
	} {
		size, lines := FitText(text, 60, 48, 700, 500, 1.28, m.measure)
		checkFits(t, m, lines, size, 700, 500, 1.28)
		for _, l := range lines {
			if !utf8.ValidString(l) {
				t.Errorf("invalid UTF-8 line %q", l)
			}
			if strings.HasPrefix(l, "\u200d") || strings.HasSuffix(strings.TrimSuffix(l, Ellipsis), "\u200d") {
				t.Errorf("emoji sequence split at a joiner: %q", l)
			}
		}
	}
}

func TestClusters(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"abc", []string{"a", "b", "c"}},
		{"e\u0301x", []string{"e\u0301", "x"}},
		{"👩‍💻!", []string{"👩‍💻", "!"}},
		{"👍🏽👍", []string{"👍🏽", "👍"}},
		{"🇵🇹🇧🇷", []string{"🇵🇹", "🇧🇷"}},
		{"❤️a", []string{"❤️", "a"}},
		{"", nil},
	}
	for _, tt := range tests {
		got := clusters(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("clusters(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFitLine(t *testing.T) {
	m := newGoMeasure(t)
	size, line := FitLine("Ana Lima", 60, 40, 1000, m.measure)
	if size != 60 || line != "Ana Lima" {
		t.Errorf("short name: %v %q", size, line)
	}
	size, line = FitLine("Maximiliana Alexandrova-Papadopoulou", 60, 40, 900, m.measure)
	if w, _ := m.measure(line, size); w > 900 || size < 40 || size >= 60 || line != "Maximiliana Alexandrova-Papadopoulou" {
		t.Errorf("long name: size %v line %q width %v", size, line, w)
	}
	size, line = FitLine("Maximiliana Alexandrova-Papadopoulou von Habsburg", 60, 40, 400, m.measure)
	if w, _ := m.measure(line, size); w > 400 || size != 40 || !strings.HasSuffix(line, Ellipsis) {
		t.Errorf("too long name: size %v line %q width %v", size, line, w)
	}
}

func TestLargestSize(t *testing.T) {
	m := newGoMeasure(t)
	width := func(s float32) float32 { w, _ := m.measure("12.3 B", s); return w }
	got := LargestSize(200, 60, 300, width)
	if width(got) > 300 || width(got+1) <= 300 || got >= 200 || got < 60 {
		t.Errorf("LargestSize = %.2f: width %.1f, one bigger %.1f", got, width(got), width(got+1))
	}
	if got := LargestSize(200, 60, 5000, width); got != 200 {
		t.Errorf("room to spare: %.2f, want the max", got)
	}
	if got := LargestSize(200, 60, 10, width); got != 60 {
		t.Errorf("no room: %.2f, want the min", got)
	}
}

func TestBalance(t *testing.T) {
	m := newGoMeasure(t)
	text := "A customer told me today that our support team feels like part of their own company. That is the whole job, right there."
	size, lines := FitText(text, 60, 40, 1400, 600, 1.28, m.measure)
	bal := Balance(text, lines, size, 1400, m.measure)
	if len(bal) != len(lines) {
		t.Fatalf("balanced into %d lines, had %d", len(bal), len(lines))
	}
	if strings.Join(bal, " ") != strings.Join(lines, " ") {
		t.Errorf("balancing changed the words:\n%q\n%q", bal, lines)
	}
	spread := func(ls []string) float32 {
		lo, hi := float32(1e9), float32(0)
		for _, l := range ls {
			w, _ := m.measure(l, size)
			lo, hi = min(lo, w), max(hi, w)
		}
		return hi - lo
	}
	if spread(bal) > spread(lines) {
		t.Errorf("balanced lines are more ragged (%.0f) than greedy ones (%.0f)", spread(bal), spread(lines))
	}
	for _, l := range bal {
		if w, _ := m.measure(l, size); w > 1400 {
			t.Errorf("balanced line too wide: %q", l)
		}
	}
	cut := []string{"first line", "second…"}
	if got := Balance("first line second third", cut, size, 1400, m.measure); strings.Join(got, "|") != "first line|second…" {
		t.Errorf("cut text was rewrapped: %q", got)
	}
}

// fixedMeasure gives every character the same width (CJK text is set on a
// square grid), so a test can say exactly where a line must break.
func fixedMeasure(s string, size float32) (float32, float32) {
	n := 0
	for _, r := range s {
		if r != '\u200e' && r != '\u200f' {
			n++
		}
	}
	return float32(n) * size, size * 1.2
}

func TestLineBreakingUAX14(t *testing.T) {
	for _, c := range []struct {
		name, text string
		perLine    int // characters that fit a line
		want       []string
	}{
		// Japanese breaks between characters, but "。" and "」" never start a line.
		{"japanese", "今日は新しいオフィスです。「こんにちは」と言いました。", 12,
			[]string{"今日は新しいオフィスで", "す。「こんにちは」と言い", "ました。"}},
		{"chinese", "我们今天在上海开设了新办公室，欢迎大家！", 13,
			[]string{"我们今天在上海开设了新办公", "室，欢迎大家！"}},
		// Where "，" would start a line, the character before it goes along.
		{"no comma first", "我们今天在上海开设了新办公室，欢迎大家！", 14,
			[]string{"我们今天在上海开设了新办公", "室，欢迎大家！"}},
		// A link moves to the next line whole rather than break at its "/".
		{"link", "see https://example.com/new-office now", 26,
			[]string{"see", "https://example.com/new-", "office now"}},
		// A hashtag too long for a line breaks where its next word starts.
		{"hashtag", "#WorldBookDayCelebration", 16, []string{"#WorldBookDay", "Celebration"}},
		{"path", "example.com/blog/2026/opening", 18, []string{"example.com/blog/", "2026/opening"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := fitter{boxW: float32(c.perLine) * 10, boxH: 1000, lineHeight: 1.2, measure: fixedMeasure}
			got, rest := f.lines(paragraphs(c.text), 10, 100)
			if rest || strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("lines %q, want %q", got, c.want)
			}
			for _, l := range got {
				if noBreakBefore(string([]rune(l)[0])) {
					t.Errorf("line %q starts with closing punctuation", l)
				}
			}
		})
	}
}

func TestRightToLeftLinesAreMarked(t *testing.T) {
	f := fitter{boxW: 120, boxH: 1000, lineHeight: 1.2, measure: fixedMeasure}
	// A Hebrew paragraph whose second line starts with a Latin word keeps
	// reading right to left; a Latin one whose line starts in Hebrew stays
	// left to right.
	got, _ := f.lines(paragraphs("שלום לכולם Lobbykiosk עובד\nHello world שלום עולם"), 10, 100)
	want := []string{"שלום לכולם", "\u200fLobbykiosk", "עובד", "Hello world", "\u200eשלום עולם"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines %q, want %q", got, want)
	}
}
