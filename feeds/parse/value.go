package parse

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// errEmpty is returned by Value for a cell with nothing in it; callers tell
// "empty" apart from "unreadable".
var errEmpty = errors.New("empty")

// Value reads a number the way people type it in a spreadsheet and returns it
// with the unit written around it:
//
//	"4,812" -> 4812, ""        "61%" -> 61, "%"         "1.2M" -> 1.2e6, ""
//	"€12k" -> 12000, "€"       "$1,234.50" -> 1234.5    "12.345.678" -> 12345678
//	"-3.5%" -> -3.5, "%"       "1 234" -> 1234          "12,5" -> 12.5
//	"12 300 €" -> 12300, "€"   "1'234.5" -> 1234.5      "3 Mio. €" -> 3e6, "€"
//
// Alone, a value with one separator before exactly three digits ("1.234",
// "4,812") could be read two ways; Value reads it the English way (a comma
// groups thousands, a dot is the decimal point). A file decides such values
// for all its rows from its other values and its delimiter (see
// numberStyle). When both a comma and a dot appear, the last one is the
// decimal mark. Spaces (also no-break and thin spaces), apostrophes and
// underscores only group digits. k, M, bn and the common words (Tsd., Mio.,
// Mrd., mil, million…) multiply. Whatever else surrounds the number is the
// unit: a currency sign or code before it, any word after it.
func Value(s string) (float64, string, error) { return value(s, markUnknown) }

// decimalMark is how a file writes decimals: 1,234.5 (markDot) or 1.234,5
// (markComma); markUnknown when nothing says.
type decimalMark int

const (
	markUnknown decimalMark = iota
	markDot
	markComma
)

func (m decimalMark) String() string {
	switch m {
	case markDot:
		return "1,234.5"
	case markComma:
		return "1.234,5"
	}
	return "unknown"
}

// numParts is a value taken apart: what stood before the digits, the digits
// and separators, and what came after.
type numParts struct {
	neg    bool
	prefix string
	run    []rune // digits and separators
	exp    string // "e+06", when written in scientific notation
	suffix string
}

func scanNumber(s string) (numParts, error) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	orig := s
	bad := func() (numParts, error) {
		return numParts{}, fmt.Errorf("cannot read %q as a number", orig)
	}
	s = strings.TrimFunc(s, isBlank)
	if s == "" {
		return numParts{}, errEmpty
	}
	var n numParts
	if len(s) > 2 && s[0] == '(' && s[len(s)-1] == ')' { // accounting style
		n.neg, s = true, strings.TrimFunc(s[1:len(s)-1], isBlank)
	}
	r := []rune(s)
	i := 0
	var prefix []rune
	signs := 0
	for i < len(r) && !isDigit(r[i]) && !((r[i] == '.' || r[i] == ',') && i+1 < len(r) && isDigit(r[i+1])) {
		switch {
		case r[i] == '-' || r[i] == '−' || r[i] == '–':
			n.neg = !n.neg
			signs++
		case r[i] == '+':
			signs++
		case isBlank(r[i]):
		default:
			prefix = append(prefix, r[i])
		}
		i++
	}
	// A currency sign or code ("$", "€", "USD", "R$") goes before a
	// number; a word does not: "abc12" and "Q3" are not numbers.
	if i == len(r) || signs > 1 || len(prefix) > 3 {
		return bad()
	}
	for _, c := range prefix {
		if unicode.IsLetter(c) && !unicode.IsUpper(c) || unicode.IsDigit(c) || c == '\uFFFD' {
			return bad()
		}
	}
	if len(prefix) == 1 && unicode.IsLetter(prefix[0]) {
		return bad() // "Q3", "X1"
	}
	start := i
	for i < len(r) {
		if isDigit(r[i]) {
			i++
			continue
		}
		if isSep(r[i]) && i+1 < len(r) && isDigit(r[i+1]) {
			i++
			continue
		}
		break
	}
	n.run = r[start:i]
	// Spreadsheets write large numbers as 1.2E+06.
	if i+1 < len(r) && (r[i] == 'e' || r[i] == 'E') {
		j := i + 1
		if r[j] == '+' || r[j] == '-' {
			j++
		}
		k := j
		for k < len(r) && isDigit(r[k]) {
			k++
		}
		if k > j && (k == len(r) || !unicode.IsLetter(r[k])) {
			n.exp = "e" + string(r[i+1:k])
			i = k
		}
	}
	n.prefix = strings.TrimFunc(string(prefix), isBlank)
	n.suffix = strings.TrimFunc(string(r[i:]), isBlank)
	switch {
	case n.suffix == ".":
		n.suffix = "" // "12." is 12
	case n.suffix != "" && (strings.ContainsRune(",.", rune(n.suffix[0])) || isDigit(rune(n.suffix[0]))):
		return bad() // "1,,2", "1.2.3x": a broken number, not a unit
	case strings.ContainsRune(n.suffix, '\uFFFD'):
		// "1�234": a separator lost to a wrong encoding. Reading "1"
		// with the unit "�234" would be a silent wrong value.
		return numParts{}, fmt.Errorf("cannot read %q as a number (it holds �: is the file's encoding right?)", orig)
	}
	return n, nil
}

// value is Value under a file's decimal mark, which decides the values
// that could be read two ways.
func value(s string, mark decimalMark) (float64, string, error) {
	n, err := scanNumber(s)
	if err != nil {
		return 0, "", err
	}
	bad := func() (float64, string, error) {
		return 0, "", fmt.Errorf("cannot read %q as a number", s)
	}
	num, ok := digits(n.run, mark)
	if !ok {
		return bad()
	}
	f, err := strconv.ParseFloat(num+n.exp, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return bad()
	}
	suffix := n.suffix
	if m, rest := multiplier(suffix); m != 0 {
		f *= m
		suffix = rest
	}
	if math.IsInf(f, 0) {
		return bad()
	}
	if n.neg {
		f = -f
	}
	unit := n.prefix
	if suffix != "" {
		if unit != "" {
			unit += " "
		}
		unit += suffix
	}
	return f, clean(unit), nil
}

// split cuts a run of digits and separators into its digit groups and the
// separators between them; every separator but "," and "." becomes " ",
// since those only group.
func split(r []rune) (groups []string, seps []rune) {
	var cur []rune
	for _, c := range r {
		if isDigit(c) {
			cur = append(cur, c)
			continue
		}
		groups = append(groups, string(cur))
		cur = cur[:0]
		if c != ',' && c != '.' {
			c = ' '
		}
		seps = append(seps, c)
	}
	return append(groups, string(cur)), seps
}

// twoWays reports whether a run is one comma or dot before exactly three
// digits, after one to three digits that are not a lone 0: "1.234",
// "4,812". Such a value is a thousand times more or less depending on the
// file's decimal mark.
func twoWays(groups []string, seps []rune) bool {
	return len(seps) == 1 && seps[0] != ' ' && len(groups[1]) == 3 &&
		len(groups[0]) >= 1 && len(groups[0]) <= 3 && groups[0] != "0"
}

// markOf says which decimal mark a value shows by itself: markDot for
// "12.5" or "1,234.5", markComma for "12,5" or "1.234.567", markUnknown for
// a value without one or one that could be read two ways (ambiguous).
func markOf(run []rune) (mark decimalMark, ambiguous bool) {
	groups, seps := split(run)
	if len(seps) == 0 {
		return markUnknown, false
	}
	if twoWays(groups, seps) {
		return markUnknown, true
	}
	last := seps[len(seps)-1]
	single := strings.Count(string(seps), string(last)) == 1
	switch {
	case last == ' ':
		return markUnknown, false
	case single && last == '.', !single && last == ',':
		return markDot, false
	default:
		return markComma, false
	}
}

// digits turns a run of digits and separators into a string ParseFloat
// reads, or reports that the grouping makes no sense ("1,23,4").
func digits(r []rune, mark decimalMark) (string, bool) {
	groups, seps := split(r)
	if len(seps) == 0 {
		return groups[0], groups[0] != ""
	}
	dec := -1 // index into seps of the decimal mark
	last := seps[len(seps)-1]
	switch {
	case twoWays(groups, seps):
		if last == '.' && mark != markComma || last == ',' && mark == markComma {
			dec = 0
		}
	case last != ' ' && strings.Count(string(seps), string(last)) == 1:
		dec = len(seps) - 1
	}
	intGroups, intSeps := groups, seps
	frac := ""
	if dec >= 0 {
		intGroups, intSeps = groups[:dec+1], seps[:dec]
		frac = groups[dec+1]
	}
	for _, c := range intSeps {
		if c != intSeps[0] {
			return "", false // "1,234.567.8" mixes groupings
		}
	}
	if len(intGroups) > 1 {
		first, lastG := intGroups[0], intGroups[len(intGroups)-1]
		if len(first) < 1 || len(first) > 3 || len(lastG) != 3 {
			return "", false
		}
		// Middle groups are all 3 digits, or all 2 (Indian lakh grouping).
		mid := intGroups[1 : len(intGroups)-1]
		for _, g := range mid {
			if len(g) != len(mid[0]) || (len(g) != 3 && len(g) != 2) {
				return "", false
			}
		}
	}
	out := strings.Join(intGroups, "")
	if dec >= 0 {
		out += "." + frac
	}
	return out, true
}

// multiplier reads a leading k / M / bn word off a unit.
func multiplier(unit string) (float64, string) {
	end := 0
	for end < len(unit) && (unit[end] >= 'a' && unit[end] <= 'z' || unit[end] >= 'A' && unit[end] <= 'Z') {
		end++
	}
	var m float64
	switch strings.ToLower(unit[:end]) {
	case "k", "thousand", "thousands", "tsd", "tausend", "mil", "mille":
		m = 1e3
	case "m", "mn", "mio", "million", "millions", "millionen", "mill", "millones":
		m = 1e6
	case "b", "bn", "billion", "billions", "mrd", "md", "mds", "milliard", "milliards", "milliarden":
		m = 1e9
	default:
		return 0, unit
	}
	rest := strings.TrimPrefix(unit[end:], ".")
	return m, strings.TrimFunc(rest, isBlank)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isSep(r rune) bool {
	switch r {
	case ',', '.', '\'', '’', '_', ' ', '\u00a0', '\u2009', '\u202f', '\u2007':
		return true
	}
	return false
}

func isBlank(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' }
