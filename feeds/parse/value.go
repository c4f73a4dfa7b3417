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
//
// A single comma followed by exactly three digits is read as a thousands
// separator (English spreadsheets are the common case); any other single
// comma is a decimal comma. A single dot is always a decimal point. When both
// appear, the last one is the decimal mark. Spaces (also no-break and thin
// spaces), apostrophes and underscores only group digits. k, M/m/mn/mio and
// B/bn multiply. Whatever else surrounds the number is the unit.
func Value(s string) (float64, string, error) { return value(s, false) }

// value is Value with a choice of decimal mark. With decimalComma (a file
// from a locale that writes 1.234,5) a comma is always the decimal mark and
// a single dot before three digits groups thousands.
func value(s string, decimalComma bool) (float64, string, error) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	orig := s
	bad := func() (float64, string, error) {
		return 0, "", fmt.Errorf("cannot read %q as a number", orig)
	}
	s = strings.TrimFunc(s, isBlank)
	if s == "" {
		return 0, "", errEmpty
	}
	neg := false
	if len(s) > 2 && s[0] == '(' && s[len(s)-1] == ')' { // accounting style
		neg, s = true, strings.TrimFunc(s[1:len(s)-1], isBlank)
	}
	r := []rune(s)
	i := 0
	var prefix []rune
	signs := 0
	for i < len(r) && !isDigit(r[i]) && !((r[i] == '.' || r[i] == ',') && i+1 < len(r) && isDigit(r[i+1])) {
		switch {
		case r[i] == '-' || r[i] == '−' || r[i] == '–':
			neg = !neg
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
		if unicode.IsLetter(c) && !unicode.IsUpper(c) || unicode.IsDigit(c) {
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
	num, ok := digits(r[start:i], decimalComma)
	if !ok && decimalComma {
		num, ok = digits(r[start:i], false) // "1.5" typed into a German sheet
	}
	if !ok {
		return bad()
	}
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
			num += "e" + string(r[i+1:k])
			i = k
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return bad()
	}
	suffix := strings.TrimFunc(string(r[i:]), isBlank)
	if suffix == "." {
		suffix = "" // "12." is 12
	} else if suffix != "" && (strings.ContainsRune(",.", rune(suffix[0])) || isDigit(rune(suffix[0]))) {
		return bad() // "1,,2", "1.2.3x": a broken number, not a unit
	}
	if m, rest := multiplier(suffix); m != 0 {
		f *= m
		suffix = rest
	}
	if math.IsInf(f, 0) {
		return bad()
	}
	if neg {
		f = -f
	}
	unit := strings.TrimFunc(string(prefix), isBlank)
	if suffix != "" {
		if unit != "" {
			unit += " "
		}
		unit += suffix
	}
	return f, clean(unit), nil
}

// digits turns a run of digits and separators into a string ParseFloat
// reads, or reports that the grouping makes no sense ("1,23,4").
func digits(r []rune, decimalComma bool) (string, bool) {
	var groups []string
	var seps []rune
	var cur []rune
	for _, c := range r {
		if isDigit(c) {
			cur = append(cur, c)
			continue
		}
		groups = append(groups, string(cur))
		cur = cur[:0]
		if c != ',' && c != '.' {
			c = ' ' // every other separator only groups
		}
		seps = append(seps, c)
	}
	groups = append(groups, string(cur))
	if len(seps) == 0 {
		return groups[0], groups[0] != ""
	}
	dec := -1 // index into seps of the decimal mark
	last := seps[len(seps)-1]
	if decimalComma {
		if last == ',' && strings.Count(string(seps), ",") == 1 {
			dec = len(seps) - 1
		} else if strings.ContainsRune(string(seps), ',') {
			return "", false // "1,2,3" in a decimal-comma file
		}
	} else if last != ' ' && strings.Count(string(seps), string(last)) == 1 {
		switch {
		case len(seps) > 1:
			dec = len(seps) - 1
		case last == '.':
			dec = 0
		case len(groups[1]) == 3 && groups[0] != "0" && len(groups[0]) <= 3:
			// "4,812": a thousands separator
		default:
			dec = 0
		}
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
	case "k", "thousand":
		m = 1e3
	case "m", "mn", "mio", "million", "millions":
		m = 1e6
	case "b", "bn", "billion", "billions":
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
