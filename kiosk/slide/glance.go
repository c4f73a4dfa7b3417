package slide

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The reading rule. Someone passing through the lobby needs about two
// seconds to take in a post's face, name and picture, then reads about four
// words a second (240 words a minute, an adult's silent reading pace). A post
// stays on screen as long as that takes, but at least the configured post
// time and at most the configured maximum; a post longer than the maximum
// allows is cut, at the end of a sentence or clause, and ends with "…". In
// Chinese and Japanese, which are written without spaces, each character
// counts as a word (about 4 characters a second is their reading pace too).
const (
	GlanceTime     = 2 * time.Second
	WordsPerSecond = 4
)

// ReadingTime is how long a person needs for a post of n words.
func ReadingTime(words int) time.Duration {
	return GlanceTime + time.Duration(words)*time.Second/WordsPerSecond
}

// TextReadingTime is how long a post's text takes to read once cut to what
// can be read in longest (Glance): what the playlist needs to time it.
func TextReadingTime(text string, longest time.Duration) time.Duration {
	return ReadingTime(min(CountWords(text), WordsIn(longest)))
}

// WordsIn is how many words can be read in d: the most a post shown for d
// may carry.
func WordsIn(d time.Duration) int {
	return max(0, int((d-GlanceTime)*WordsPerSecond/time.Second))
}

// CountWords counts the words of text as the reading rule does.
func CountWords(text string) int {
	n := 0
	in := false
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
			in = false
		case perCharacter(r):
			n++
			in = false
		case !in:
			n++
			in = true
		}
	}
	return n
}

// perCharacter reports whether r is read as a word of its own: Han
// ideographs and Japanese kana.
func perCharacter(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

// word is one word of a text: its byte range.
type word struct{ start, end int }

// words splits text as CountWords counts it.
func words(text string) []word {
	var out []word
	start := -1
	for i, r := range text {
		switch {
		case unicode.IsSpace(r):
			if start >= 0 {
				out = append(out, word{start, i})
				start = -1
			}
		case perCharacter(r):
			if start >= 0 {
				out = append(out, word{start, i})
				start = -1
			}
			out = append(out, word{i, i + utf8.RuneLen(r)})
		case start < 0:
			start = i
		}
	}
	if start >= 0 {
		out = append(out, word{start, len(text)})
	}
	return out
}

// closers may follow a sentence's or clause's punctuation: `"Yes."`, `(soon!)`.
const closers = "\"'”’»)]}」』）"

// sentenceEnd and clauseEnd are the punctuation that ends one.
const (
	sentenceEnd = ".!?…。！？"
	clauseEnd   = ",;:，；：、"
)

// lastRuneBefore is the last rune of s before any closing quotes and
// brackets, and the byte offset where those closers start.
func lastRuneBefore(s string) (rune, int) {
	end := len(strings.TrimRight(s, closers))
	r, _ := utf8.DecodeLastRuneInString(s[:end])
	return r, end
}

// isEllipsis reports whether w is only an ellipsis: "…", "...", "[…]".
func isEllipsis(w string) bool {
	w = strings.Trim(w, "[]()")
	return w == Ellipsis || (len(w) >= 3 && strings.Trim(w, ".") == "")
}

// Glance shortens text to at most maxWords words (CountWords). It cuts
// after the last sentence that ends within them; when that would keep less
// than half of them, after the last clause (a comma, semicolon, colon, or
// before a dash); when that too is short, after the last word that fits. The
// cut text ends with "…" attached to its last word, never on its own. A
// text that fits is returned as it is, except that an ellipsis standing
// alone at its end (a feed's "read more …") is joined to the word before
// it (in place of a full stop), so it cannot wrap onto a line of its own.
func Glance(text string, maxWords int) string {
	text = strings.TrimSpace(text)
	ws := words(text)
	if n := len(ws); n > 1 && isEllipsis(text[ws[n-1].start:ws[n-1].end]) {
		ws = ws[:n-1]
		if len(ws) <= maxWords {
			return endWith(text[:ws[len(ws)-1].end])
		}
	}
	if len(ws) <= maxWords {
		return text
	}
	if maxWords <= 0 {
		return ""
	}
	sentence, clause := -1, -1
	for i := maxWords - 1; i >= 0 && (sentence < 0 || clause < 0); i-- {
		w := text[ws[i].start:ws[i].end]
		r, _ := lastRuneBefore(w)
		next := ""
		if i+1 < len(ws) {
			next = text[ws[i+1].start:ws[i+1].end]
		}
		paragraph := i+1 < len(ws) && strings.Contains(text[ws[i].end:ws[i+1].start], "\n")
		switch {
		case strings.ContainsRune(sentenceEnd, r) || paragraph:
			if sentence < 0 {
				sentence = i
			}
		case strings.ContainsRune(clauseEnd, r) || next == "–" || next == "—" || next == "-":
			if clause < 0 {
				clause = i
			}
		}
	}
	last := maxWords - 1
	switch half := (maxWords + 1) / 2; {
	case sentence+1 >= half:
		last = sentence
	case clause+1 >= half:
		last = clause
	}
	return endWith(text[:ws[last].end])
}

// endWith ends a cut text with "…": in place of a final full stop or
// clause mark, after "!" and "?", attached to the last word otherwise.
func endWith(s string) string {
	r, end := lastRuneBefore(s)
	switch {
	case r == '…' && end == len(s):
		return s
	case r == '.' || r == '。':
		if strings.HasSuffix(s[:end], "...") {
			return s[:end-3] + Ellipsis + s[end:]
		}
		if end == len(s) {
			return s[:end-utf8.RuneLen(r)] + Ellipsis
		}
		return s + Ellipsis
	case strings.ContainsRune(clauseEnd, r) && end == len(s):
		return strings.TrimRightFunc(s[:end-utf8.RuneLen(r)], unicode.IsSpace) + Ellipsis
	}
	return s + Ellipsis
}

// FitGlance is FitText for a post's text: it never shrinks the text below
// minSize, and when even that does not hold all of it, it shows the longest
// cut of it (see Glance: at a sentence or clause) that fits whole, rather
// than filling the box and stopping mid-sentence.
func FitGlance(text string, maxSize, minSize, boxW, boxH, lineHeight float32, measure func(s string, size float32) (w, h float32)) (size float32, lines []string) {
	size, lines = FitText(text, maxSize, minSize, boxW, boxH, lineHeight, measure)
	total := CountWords(text)
	for n := 0; n < 64 && !whole(text, lines); n++ {
		shown := CountWords(strings.Join(lines, " "))
		if shown <= 1 {
			break
		}
		// What the filled box showed, less the word the ellipsis took.
		cut := Glance(text, min(shown-1, total-1))
		if CountWords(cut) == 0 {
			break // one word longer than the box (a link): the fitter's cut it is
		}
		s, ls := FitText(cut, maxSize, minSize, boxW, boxH, lineHeight, measure)
		if whole(cut, ls) {
			return s, ls
		}
		total = CountWords(cut)
		text = cut
		size, lines = s, ls
	}
	return size, lines
}

// whole reports whether lines hold all of text (wrapping only moved its
// spaces).
func whole(text string, lines []string) bool {
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	return strip(strings.Join(lines, "")) == strip(text)
}
