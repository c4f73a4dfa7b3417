package moderate

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/unicode/norm"
)

// Fold turns s into the form rules are compared in: compatibility-decomposed
// (so "ﬁ" and full-width letters read as plain ones), accents removed,
// lower-cased, and letters that carry no separable accent ("ø", "ß", "æ")
// spelt the way people type them without one. "Project Falcón" and
// "PROJECT FALCON" fold to the same string, so a policy list does not need
// every spelling someone might use. The result is a comparison key, not
// text to display.
func Fold(s string) string {
	if ascii(s) {
		return strings.ToLower(s)
	}
	s = norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if marks.Contains(r) {
			continue
		}
		r = unicode.ToLower(r)
		if r >= 'ß' { // the first letter spelledOut knows
			if rep, ok := spelledOut[r]; ok {
				b.WriteString(rep)
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// marks are what is left of accents once letters are decomposed.
var marks = runes.In(unicode.Mn)

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// spelledOut maps lower-case letters whose accent is part of the letter
// (Unicode gives them no decomposition) to what a keyboard without them gives.
var spelledOut = map[rune]string{
	'ß': "ss", 'ø': "o", 'æ': "ae", 'œ': "oe", 'ł': "l", 'đ': "d", 'ð': "d",
	'þ': "th", 'ı': "i", 'ħ': "h", 'ŧ': "t", 'ς': "σ",
}

// words splits folded text into words: runs of letters and digits. Scripts
// written without spaces between words (Chinese, Japanese, Thai) have every
// character as a word of its own, so a blocked phrase in them still matches
// as a run of characters.
func words(folded string) []string {
	var out []string
	start := -1
	for i, r := range folded {
		switch {
		case unspaced(r):
			if start >= 0 {
				out = append(out, folded[start:i])
				start = -1
			}
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r):
			if start < 0 {
				start = i
			}
		default:
			if start >= 0 {
				out = append(out, folded[start:i])
				start = -1
			}
		}
	}
	if start >= 0 {
		out = append(out, folded[start:])
	}
	return out
}

func unspaced(r rune) bool {
	// Below Thai (U+0E00) there is none of these scripts: skip the tables.
	return r >= 0x0E00 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// phrase is one blocked word or phrase, ready to match.
type phrase struct {
	raw   string   // as configured, for the reason shown to people
	words []string // folded
}

func compilePhrases(list []string) []phrase {
	var out []phrase
	for _, raw := range list {
		raw = strings.TrimSpace(raw)
		w := words(Fold(raw))
		if len(w) == 0 {
			// An entry of only punctuation would otherwise match every post.
			continue
		}
		out = append(out, phrase{raw: raw, words: w})
	}
	return out
}

// find returns the first phrase that occurs in text as whole words: "falcon"
// is found in "Falcon's launch" and "#falcon" but not in "falconry", and
// "project falcon" is found in "Project  Falcón" (any spacing or
// punctuation between the words).
func find(phrases []phrase, text []string) (phrase, bool) {
	for _, p := range phrases {
		if containsRun(text, p.words) {
			return p, true
		}
	}
	return phrase{}, false
}

func containsRun(text, run []string) bool {
	n := len(run)
	for i := 0; i+n <= len(text); i++ {
		if text[i] != run[0] {
			continue
		}
		match := true
		for j := 1; j < n; j++ {
			if text[i+j] != run[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// person is one entry of an author list (blocked, trusted, opted out).
type person struct {
	raw string
	key string // folded, without a leading @, spaces collapsed
}

func personKey(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "@")
	return strings.Join(strings.Fields(Fold(s)), " ")
}

func compilePeople(list []string) []person {
	var out []person
	for _, raw := range list {
		k := personKey(raw)
		if k == "" {
			continue
		}
		out = append(out, person{raw: strings.TrimSpace(raw), key: k})
	}
	return out
}

// matchPerson returns the first entry that names the author, by name or by
// handle, ignoring case, accents and a leading "@" on either side. A handle
// matches only whole ("@ada@social.example" is not "@ada@other.example").
func matchPerson(list []person, name, handle string) (person, bool) {
	if len(list) == 0 {
		return person{}, false
	}
	n, h := personKey(name), personKey(handle)
	for _, p := range list {
		if (n != "" && p.key == n) || (h != "" && p.key == h) {
			return p, true
		}
	}
	return person{}, false
}

// People is a list of people (blocked, trusted, opted out) ready to match
// authors the way the moderator does: by name or handle, ignoring case,
// accents and a leading "@". The leaderboard uses it for opt_out, so a
// person is recognised the same way everywhere.
type People struct{ list []person }

// NewPeople prepares list (names or handles) for matching.
func NewPeople(list []string) People { return People{list: compilePeople(list)} }

// Match reports whether name or handle is one of the people.
func (p People) Match(name, handle string) bool {
	_, ok := matchPerson(p.list, name, handle)
	return ok
}

// Len is how many usable entries the list has.
func (p People) Len() int { return len(p.list) }
