package slide

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-text/typesetting/segmenter"

	"lobbykiosk/kiosk/bidi"
)

// Ellipsis ends text that was cut to fit.
const Ellipsis = "…"

// Measure returns the width and line height of s drawn at size.
type Measure func(s string, size float32) (w, h float32)

// FitText picks the largest text size <= maxSize (down to minSize) at which
// text, wrapped where the Unicode line breaking algorithm (UAX #14) allows,
// fits a boxW×boxH box, and returns it with the lines. Chinese and Japanese
// break between characters, and no line starts with closing punctuation
// ("。", "」", "!"). Lines are laid out every lineHeight×size; the block is
// BlockHeight(len(lines)) tall. When even minSize does not fit, the text is
// cut after the last whole word that fits and ends with "…". A word wider
// than the box (a long link, a hashtag) is broken after "/", ".", "-", "_"
// or at a change to a capital ("#World|Book|Day"), and only then between
// characters, never inside an emoji or before an accent. No returned line is
// wider than boxW; nothing is returned when not even one line fits.
//
// Lines are broken in logical order. A line cut from a paragraph whose
// direction (its first strong character) it would not show on its own
// starts with an invisible direction mark (bidi.MarkLine), so the drawing
// orders and aligns each line as its paragraph reads.
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

// paragraph is one paragraph of text, folded into break segments: by UAX
// #14, a line may break only between two segments, and each segment keeps
// the spaces that follow it.
type paragraph struct {
	segs []string
	rtl  bool // read right to left (its first strong character)
}

// paragraphs splits text at line breaks and folds the whitespace inside each.
func paragraphs(text string) []paragraph {
	var out []paragraph
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		if folded := strings.Join(strings.Fields(p), " "); folded != "" {
			out = append(out, paragraph{segs: segments(folded), rtl: bidi.IsRTL(folded)})
		}
	}
	return out
}

// segments cuts s where UAX #14 allows a line break, except inside a link:
// a URL breaks only when it does not fit a line on its own (split).
func segments(s string) []string {
	var sg segmenter.Segmenter
	sg.Init([]rune(s))
	it := sg.LineIterator()
	var out []string
	inLink := false
	for it.Next() {
		seg := string(it.Line().Text)
		if inLink && len(out) > 0 {
			out[len(out)-1] += seg
		} else {
			out = append(out, seg)
			inLink = isLinkStart(seg)
		}
		if strings.HasSuffix(seg, " ") {
			inLink = false
		}
	}
	return out
}

func isLinkStart(seg string) bool {
	return strings.Contains(seg, "://") || strings.HasPrefix(seg, "www.")
}

// line is a finished line: trailing spaces dropped, marked with its
// paragraph's direction when it would read the other way on its own.
func (p paragraph) line(s string) string {
	return bidi.MarkLine(strings.TrimRight(s, " "), p.rtl)
}

type fitter struct {
	boxW, boxH, lineHeight float32
	measure                Measure
}

func (f fitter) width(s string, size float32) float32 {
	w, _ := f.measure(strings.TrimRight(s, " "), size)
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
func (f fitter) wrap(paras []paragraph, size float32) ([]string, bool) {
	limit := f.maxLines(size)
	if limit == 0 {
		return nil, false
	}
	lines, rest := f.lines(paras, size, limit+1)
	return lines, len(lines) <= limit && !rest
}

// lines wraps greedily, stopping after limit lines; rest reports that text
// was left over.
func (f fitter) lines(paras []paragraph, size float32, limit int) (lines []string, rest bool) {
	for pi, para := range paras {
		segs := append([]string(nil), para.segs...) // split rewrites segments in place
		cur := ""
		for si := 0; si < len(segs); si++ {
			cand := cur + segs[si]
			if f.width(cand, size) <= f.boxW {
				cur = cand
				continue
			}
			if cur != "" {
				lines = append(lines, para.line(cur))
				cur = ""
				if len(lines) >= limit {
					return lines, true
				}
				si--
				continue
			}
			// A single segment wider than the box: break it inside.
			head, tail := f.split(segs[si], size)
			lines = append(lines, para.line(head))
			if len(lines) >= limit {
				return lines, true
			}
			segs[si] = tail
			si--
		}
		if cur != "" {
			lines = append(lines, para.line(cur))
			if len(lines) >= limit && (pi < len(paras)-1) {
				return lines, true
			}
		}
	}
	return lines, false
}

// split breaks a too-wide segment (a link, a hashtag, a long word) after the
// most characters that fit, preferring a break after "/", ".", "-", "_" or
// before a capital that follows a small letter, then between clusters; at
// least one cluster goes on the line, and the rest never starts with
// closing punctuation.
func (f fitter) split(word string, size float32) (head, tail string) {
	trail := len(word) - len(strings.TrimRight(word, " "))
	cs := clusters(strings.TrimRight(word, " "))
	fits := func(n int) bool { return f.width(strings.Join(cs[:n], ""), size) <= f.boxW }
	lo, hi := 1, len(cs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	// lo clusters fit. Prefer the last natural break among them, if it
	// keeps at least a third of the line.
	for n := lo; n > 1 && n >= lo/3; n-- {
		if n < len(cs) && softBreak(cs[n-1], cs[n]) {
			lo = n
			break
		}
	}
	for lo > 1 && lo < len(cs) && noBreakBefore(cs[lo]) {
		lo--
	}
	return strings.Join(cs[:lo], ""), strings.Join(cs[lo:], "") + strings.Repeat(" ", trail)
}

// softBreak reports whether a long word may break between clusters a and b:
// after a link's or a name's separators, or where a hashtag's next word
// starts ("World|Book").
func softBreak(a, b string) bool {
	ra, _ := utf8.DecodeLastRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	switch ra {
	case '/', '.', '-', '_', '?', '&', '=':
		return unicode.IsLetter(rb) || unicode.IsDigit(rb)
	}
	return unicode.IsLower(ra) && unicode.IsUpper(rb)
}

// noBreakBefore are characters no line may start with: closing brackets and
// quotes, stops and commas, small kana and the prolonged sound mark.
func noBreakBefore(c string) bool {
	r, _ := utf8.DecodeRuneInString(c)
	return unicode.In(r, unicode.Pe, unicode.Pf) ||
		strings.ContainsRune(",.!?:;%)]}、。，．！？：；・ー々〻ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ", r)
}

// cut fills the box at size and ends the last line with an ellipsis.
func (f fitter) cut(paras []paragraph, size float32) []string {
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

// ellipsize shortens line at break opportunities until line+"…" fits; force
// adds the ellipsis even when line fits as it is (it was cut after it).
func (f fitter) ellipsize(line, force string, size float32) string {
	if force == "" && f.width(line, size) <= f.boxW {
		return line
	}
	segs := segments(line)
	for n := len(segs); n > 0; n-- {
		s := trimTrailingPunct(strings.Join(segs[:n], "")) + Ellipsis
		if f.width(s, size) <= f.boxW {
			return s
		}
	}
	// Even the first segment is too long: cut it between clusters.
	cs := clusters(segs[0])
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

// clusters splits s into user-perceived characters (UAX #29 grapheme
// clusters): combining marks, variation selectors, skin tones, zero-width
// joiner sequences and flag pairs stay together.
func clusters(s string) []string {
	var sg segmenter.Segmenter
	sg.Init([]rune(s))
	it := sg.GraphemeIterator()
	var out []string
	for it.Next() {
		out = append(out, string(it.Grapheme().Text))
	}
	return out
}
