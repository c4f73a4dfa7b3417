package slide

import (
	"strings"
	"unicode"
)

// Ellipsis ends text that was cut to fit.
const Ellipsis = "…"

// Measure returns the width and line height of s drawn at size.
type Measure func(s string, size float32) (w, h float32)

// FitText picks the largest text size <= maxSize (down to minSize) at which
// text, wrapped at word boundaries, fits a boxW×boxH box, and returns it with
// the lines. Lines are laid out every lineHeight×size; the block is
// BlockHeight(len(lines)) tall. When even minSize does not fit, the text is
// cut after the last whole word that fits and ends with "…". A word wider
// than the box (a long link) is broken between characters, never inside an
// emoji or before an accent. No returned line is wider than boxW; nothing is
// returned when not even one line fits.
func FitText(text string, maxSize, minSize float32, boxW, boxH float32, lineHeight float32, measure func(s string, size float32) (w, h float32)) (size float32, lines []string) {
	if minSize > maxSize {
		minSize = maxSize
	}
	paras := paragraphs(text)
	if len(paras) == 0 {
		return maxSize, nil
	}
	f := fitter{boxW: boxW, boxH: boxH, lineHeight: lineHeight, measure: measure}
	if l, ok := f.wrap(paras, maxSize); ok {
		return maxSize, l
	}
	lo, hi := minSize, maxSize
	best, bestLines, found := float32(0), []string(nil), false
	if l, ok := f.wrap(paras, lo); ok {
		best, bestLines, found = lo, l, true
	}
	if !found {
		return minSize, f.cut(paras, minSize)
	}
	// Wrapping is monotone enough in size for a bisection; every candidate
	// is verified, so the answer always fits.
	for hi-lo > 0.25 {
		mid := (lo + hi) / 2
		if l, ok := f.wrap(paras, mid); ok {
			lo, best, bestLines = mid, mid, l
		} else {
			hi = mid
		}
	}
	return best, bestLines
}

// Balance rewraps text's lines (as returned by FitText at size) into the narrowest
// width that keeps the same number of lines, so centred text reads as an
// even block instead of full lines over a one-word orphan. Lines that do
// not hold all of text (the fitter cut it) and single lines are returned as
// they are; a text that itself ends in "…" (cut for a glance) is balanced.
func Balance(text string, lines []string, size, boxW float32, measure func(s string, size float32) (w, h float32)) []string {
	if len(lines) < 2 || !whole(text, lines) {
		return lines
	}
	paras := paragraphs(text)
	n := len(lines)
	best := lines
	lo, hi := boxW/2, boxW
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		f := fitter{boxW: mid, measure: measure}
		got, rest := f.lines(paras, size, n+1)
		if !rest && len(got) <= n {
			best, hi = got, mid
		} else {
			lo = mid
		}
	}
	return best
}

// FitLine is FitText for a single line: a name, a label.
func FitLine(text string, maxSize, minSize, boxW float32, measure func(s string, size float32) (w, h float32)) (size float32, line string) {
	if minSize > maxSize {
		minSize = maxSize
	}
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return maxSize, ""
	}
	if w, _ := measure(text, maxSize); w <= boxW {
		return maxSize, text
	}
	if w, _ := measure(text, minSize); w > boxW {
		f := fitter{boxW: boxW, measure: measure}
		return minSize, f.ellipsize(text, "", minSize)
	}
	lo, hi := minSize, maxSize
	for hi-lo > 0.25 {
		mid := (lo + hi) / 2
		if w, _ := measure(text, mid); w <= boxW {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, text
}

// LargestSize is the largest size in [minSize, maxSize] at which width(size)
// stays within limit, or minSize when none does. It sizes things that are not
// one string: a number with its unit, a row of tiles sharing one size.
func LargestSize(maxSize, minSize, limit float32, width func(size float32) float32) float32 {
	if minSize > maxSize {
		minSize = maxSize
	}
	if width(maxSize) <= limit {
		return maxSize
	}
	lo, hi := minSize, maxSize
	for hi-lo > 0.25 {
		mid := (lo + hi) / 2
		if width(mid) <= limit {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// BlockHeight is how tall n lines are when laid out every lineHeight×size
// and each line object is lineH tall.
func BlockHeight(n int, size, lineHeight, lineH float32) float32 {
	if n <= 0 {
		return 0
	}
	return float32(n-1)*size*lineHeight + lineH
}

// paragraphs splits text at line breaks and folds the whitespace inside each.
func paragraphs(text string) [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		if words := strings.Fields(p); len(words) > 0 {
			out = append(out, words)
		}
	}
	return out
}

type fitter struct {
	boxW, boxH, lineHeight float32
	measure                Measure
}

func (f fitter) width(s string, size float32) float32 {
	w, _ := f.measure(s, size)
	return w
}

// maxLines is how many lines fit the box height at size.
func (f fitter) maxLines(size float32) int {
	_, h := f.measure("Ag", size)
	if h > f.boxH || size <= 0 {
		return 0
	}
	adv := size * f.lineHeight
	if adv <= 0 {
		return 1
	}
	return 1 + int((f.boxH-h)/adv+1e-4)
}

// wrap wraps paras at size and reports whether they fit. It gives up as soon
// as the box is full, so a 5,000-character post costs a few lines' work.
func (f fitter) wrap(paras [][]string, size float32) ([]string, bool) {
	limit := f.maxLines(size)
	if limit == 0 {
		return nil, false
	}
	lines, rest := f.lines(paras, size, limit+1)
	return lines, len(lines) <= limit && !rest
}

// lines wraps greedily, stopping after limit lines; rest reports that text
// was left over.
func (f fitter) lines(paras [][]string, size float32, limit int) (lines []string, rest bool) {
	for pi, para := range paras {
		words := append([]string(nil), para...) // split rewrites words in place
		cur := ""
		for wi := 0; wi < len(words); wi++ {
			w := words[wi]
			cand := w
			if cur != "" {
				cand = cur + " " + w
			}
			if f.width(cand, size) <= f.boxW {
				cur = cand
				continue
			}
			if cur != "" {
				lines = append(lines, cur)
				cur = ""
				if len(lines) >= limit {
					return lines, true
				}
				wi--
				continue
			}
			// A single word wider than the box: break it between clusters.
			head, tail := f.split(w, size)
			lines = append(lines, head)
			if len(lines) >= limit {
				return lines, true
			}
			words[wi] = tail
			wi--
		}
		if cur != "" {
			lines = append(lines, cur)
			if len(lines) >= limit && (pi < len(paras)-1) {
				return lines, true
			}
		}
	}
	return lines, false
}

// split breaks a too-wide word after the most clusters that fit (at least one).
func (f fitter) split(word string, size float32) (head, tail string) {
	cs := clusters(word)
	lo, hi := 1, len(cs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if f.width(strings.Join(cs[:mid], ""), size) <= f.boxW {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.Join(cs[:lo], ""), strings.Join(cs[lo:], "")
}

// cut fills the box at size and ends the last line with an ellipsis.
func (f fitter) cut(paras [][]string, size float32) []string {
	limit := f.maxLines(size)
	if limit == 0 {
		return nil
	}
	lines, rest := f.lines(paras, size, limit+1)
	if len(lines) <= limit && !rest {
		return lines
	}
	lines = lines[:limit]
	lines[limit-1] = f.ellipsize(lines[limit-1], Ellipsis, size)
	return lines
}

// ellipsize shortens line at word boundaries until line+"…" fits; force adds
// the ellipsis even when line fits as it is (it was cut after it).
func (f fitter) ellipsize(line, force string, size float32) string {
	if force == "" && f.width(line, size) <= f.boxW {
		return line
	}
	words := strings.Fields(line)
	for n := len(words); n > 0; n-- {
		s := trimTrailingPunct(strings.Join(words[:n], " ")) + Ellipsis
		if f.width(s, size) <= f.boxW {
			return s
		}
	}
	// Even the first word is too long: cut it between clusters.
	cs := clusters(words[0])
	for n := len(cs) - 1; n > 0; n-- {
		s := strings.Join(cs[:n], "") + Ellipsis
		if f.width(s, size) <= f.boxW {
			return s
		}
	}
	if f.width(Ellipsis, size) <= f.boxW {
		return Ellipsis
	}
	return ""
}

// trimTrailingPunct drops separators that look wrong before "…" ("and,…").
func trimTrailingPunct(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ':' || r == '-' || r == '–' || r == '—' || unicode.IsSpace(r)
	})
}

// clusters splits s into user-perceived characters closely enough for line
// breaking: combining marks, variation selectors, skin tones, zero-width
// joiner sequences and flag pairs stay together.
func clusters(s string) []string {
	var out []string
	start := 0
	prev := rune(-1)
	regional := 0
	for i, r := range s {
		if i > 0 && !joins(prev, r, regional) {
			out = append(out, s[start:i])
			start = i
			regional = 0
		}
		if isRegional(r) {
			regional++
		}
		prev = r
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// joins reports whether r continues the cluster ending in prev.
func joins(prev, r rune, regional int) bool {
	switch {
	case prev == 0x200D: // after a zero-width joiner
		return true
	case r == 0x200D, r >= 0xFE00 && r <= 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF,
		r >= 0xE0020 && r <= 0xE007F: // joiner, variation selector, skin tone, tag
		return true
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc):
		return true
	case isRegional(r) && isRegional(prev) && regional%2 == 1:
		return true
	}
	return false
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
