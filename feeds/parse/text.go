package parse

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// MaxText is how many runes of a post's text a slide shows; longer text is
// cut at a word boundary.
const MaxText = 600

// Text turns HTML into plain text for a TV: tags are stripped, entities
// decoded, links become their text, block elements and <br> become single
// spaces, whitespace is folded, control characters are dropped and invalid
// UTF-8 is repaired. When the result is longer than max runes it is cut at a
// word boundary and "…" is appended, so it is at most max+1 runes long.
// max <= 0 means no limit.
func Text(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	// Most feed text has no markup at all: skip the tokenizer for it.
	if !strings.ContainsAny(s, "<&") {
		return plain(s, max)
	}
	w := newTextWriter(len(s), max)
	z := html.NewTokenizer(strings.NewReader(s))
	var (
		skip  int    // depth inside elements whose text is not content (script, style, ...)
		spans []byte // open <span>s: Mastodon hides URL parts in class="invisible"
		hide  int    // how many open spans are invisible
	)
	resetSpans := func() { spans, hide = spans[:0], 0 }
	for !w.full() {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.String()
		case html.TextToken:
			if skip == 0 && hide == 0 {
				w.write(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if skipped[tag] {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if blocks[tag] {
				w.space()
				resetSpans()
				continue
			}
			if tag != "span" || tt == html.SelfClosingTagToken {
				continue
			}
			if tt == html.EndTagToken {
				if n := len(spans); n > 0 {
					top := spans[n-1]
					spans = spans[:n-1]
					if top == spanInvisible {
						hide--
					} else if top == spanEllipsis && hide == 0 && skip == 0 {
						w.write("…")
					}
				}
				continue
			}
			kind := byte(spanPlain)
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if string(k) != "class" {
					continue
				}
				for _, c := range strings.Fields(string(v)) {
					switch c {
					case "invisible":
						kind = spanInvisible
					case "ellipsis":
						if kind != spanInvisible {
							kind = spanEllipsis
						}
					}
				}
			}
			if kind == spanInvisible {
				hide++
			}
			spans = append(spans, kind)
		}
	}
	return w.String()
}

const (
	spanPlain = iota
	spanInvisible
	spanEllipsis
)

// skipped elements hold no text a reader sees.
var skipped = map[string]bool{
	"script": true, "style": true, "template": true, "noscript": true, "head": true,
	"title": true, "svg": true, "math": true, "iframe": true, "noembed": true,
	"noframes": true, "object": true, "select": true,
}

// blocks separate words: "<p>a</p><p>b</p>" reads "a b", not "ab".
var blocks = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "br": true,
	"dd": true, "div": true, "dl": true, "dt": true, "figcaption": true, "figure": true,
	"footer": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"header": true, "hr": true, "img": true, "li": true, "main": true, "nav": true,
	"ol": true, "p": true, "pre": true, "section": true, "table": true, "tbody": true,
	"td": true, "tfoot": true, "th": true, "thead": true, "tr": true, "ul": true,
	"caption": true, "details": true, "summary": true, "body": true, "html": true,
}

// plain folds and cuts text that has no markup.
func plain(s string, max int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	w := newTextWriter(len(s), max)
	w.write(s)
	return w.String()
}

// clean is plain without a length limit: for names, handles and labels.
func clean(s string) string { return plain(s, 0) }

// textWriter folds whitespace and drops invisible characters while it
// writes, and stops early once it holds more than max runes, so cutting a
// long article costs no more than reading its first max runes.
type textWriter struct {
	b       strings.Builder
	max     int
	runes   int
	pending bool // a space is due before the next visible rune
}

func newTextWriter(n, max int) *textWriter {
	w := &textWriter{max: max}
	if max > 0 && n > 4*max+16 {
		n = 4*max + 16
	}
	w.b.Grow(n)
	return w
}

func (w *textWriter) full() bool { return w.max > 0 && w.runes > w.max }

func (w *textWriter) space() { w.pending = true }

func (w *textWriter) write(s string) {
	for _, r := range s {
		if w.full() {
			return
		}
		if unicode.IsSpace(r) {
			w.pending = true
			continue
		}
		if dropped(r) {
			continue
		}
		if w.pending && w.runes > 0 {
			w.b.WriteByte(' ')
			w.runes++
		}
		w.pending = false
		w.b.WriteRune(r)
		w.runes++
	}
}

// String returns the text, cut to max runes at a word boundary with "…"
// appended when it is longer.
func (w *textWriter) String() string {
	s := w.b.String()
	if !w.full() {
		return s
	}
	return cut(s, w.max)
}

// dropped reports runes that must not reach the screen: control characters,
// byte order marks, zero-width spaces and the bidi overrides that can make a
// line read differently from what it holds. Joiners stay: emoji need them.
func dropped(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0xfeff, r == 0xfffe, r == 0xffff, r == 0x200b, r == 0x00ad:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// cut shortens s (already folded: single spaces, no leading or trailing
// space) to at most max runes plus "…". It cuts at the last space when that
// keeps at least half of the allowed text; a long word or unspaced script is
// cut mid-word instead, because dropping most of the text is worse.
func cut(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	end, n := 0, 0 // byte offset just past max runes
	for i := range s {
		if n == max {
			end = i
			break
		}
		n++
	}
	head := s[:end]
	if s[end] != ' ' {
		if sp := strings.LastIndexByte(head, ' '); sp >= 0 && utf8.RuneCountInString(head[:sp]) >= max/2 {
			head = head[:sp]
		}
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return r == ' ' || r == 0x200d || strings.ContainsRune(",;:-–—(/[{\"'“‘", r)
	})
	return head + "…"
}
