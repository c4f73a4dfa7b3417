// Package bidi orders a line of mixed left-to-right and right-to-left text
// for display by the Unicode Bidirectional Algorithm (UAX #9), on top of
// golang.org/x/text/unicode/bidi: a paragraph's direction comes from its
// first strong character, text is broken into lines in logical order, and
// each line is then cut into runs of one direction laid out left to right
// (Runs). A right-to-left run keeps its characters in logical order, for a
// shaper to lay out right to left (and join Arabic letters).
package bidi

import (
	xbidi "golang.org/x/text/unicode/bidi"
)

// Marks that set a line's direction without being seen: a line broken out
// of a right-to-left paragraph that starts with a Latin word still reads
// right to left.
const (
	LRM = "\u200e" // left-to-right mark
	RLM = "\u200f" // right-to-left mark
)

func class(r rune) xbidi.Class {
	p, _ := xbidi.LookupRune(r)
	return p.Class()
}

// Strong is the direction of the first strongly directional character of s
// (rule P2: L, or R and AL; explicit marks count): rtl, and found=false
// when s has none (digits, punctuation, emoji only).
func Strong(s string) (rtl, found bool) {
	for _, r := range s {
		switch class(r) {
		case xbidi.L, xbidi.LRE, xbidi.LRO, xbidi.LRI:
			return false, true
		case xbidi.R, xbidi.AL, xbidi.RLE, xbidi.RLO, xbidi.RLI:
			return true, true
		}
	}
	return false, false
}

// IsRTL reports whether s is a right-to-left paragraph (or line): its first
// strong character is right to left.
func IsRTL(s string) bool {
	rtl, _ := Strong(s)
	return rtl
}

// Mixed reports whether s needs the algorithm at all: it has right-to-left
// characters, Arabic digits or explicit direction controls. Text without
// them is one left-to-right run.
func Mixed(s string) bool {
	for _, r := range s {
		switch class(r) {
		case xbidi.R, xbidi.AL, xbidi.AN, xbidi.RLE, xbidi.RLO, xbidi.RLI, xbidi.LRE, xbidi.LRO, xbidi.LRI, xbidi.PDF, xbidi.PDI:
			return true
		}
	}
	return false
}

// MarkLine prefixes line, cut from a paragraph of direction rtl, with the
// mark that keeps that direction when the line on its own would read the
// other way ("Hello" out of a Hebrew paragraph gets an RLM). Lines that
// already agree come back as they are.
func MarkLine(line string, rtl bool) string {
	got, found := Strong(line)
	switch {
	case rtl && (!found || !got):
		return RLM + line
	case !rtl && found && got:
		return LRM + line
	}
	return line
}

// Run is a stretch of a line in one direction.
type Run struct {
	Text string // in logical order
	RTL  bool
}

// Runs cuts line into runs of one direction, in display order from left to
// right (rule L2). The paragraph direction is the line's first strong
// character (see MarkLine). Right-to-left runs keep their text in logical
// order: shaping them right to left puts their glyphs in display order.
func Runs(line string) []Run {
	if line == "" {
		return nil
	}
	if !Mixed(line) {
		return []Run{{Text: line}}
	}
	rtl := IsRTL(line)
	var p xbidi.Paragraph
	opt := xbidi.DefaultDirection(xbidi.LeftToRight)
	if rtl {
		opt = xbidi.DefaultDirection(xbidi.RightToLeft)
	}
	if _, err := p.SetString(line, opt); err != nil {
		return []Run{{Text: line, RTL: rtl}}
	}
	o, err := p.Order()
	if err != nil {
		return []Run{{Text: line, RTL: rtl}}
	}
	// x/text gives runs of one direction in logical order; their embedding
	// levels follow from the paragraph's (without explicit embeddings,
	// which posts do not use): in a right-to-left paragraph right-to-left
	// runs are level 1 and the others 2; in a left-to-right one they are 1
	// and 0, except numbers right after a right-to-left run, which stay
	// with it at level 2 (rules W2, W7, I1).
	type levelRun struct {
		runes []rune
		level int
	}
	var runs []levelRun
	prevRTL := false
	for i := 0; i < o.NumRuns(); i++ {
		r := o.Run(i)
		rs := []rune(r.String())
		isRTL := r.Direction() == xbidi.RightToLeft
		switch {
		case isRTL:
			runs = append(runs, levelRun{rs, 1})
		case rtl:
			runs = append(runs, levelRun{rs, 2})
		default:
			n := 0
			if prevRTL {
				n = numberPrefix(rs)
			}
			if n > 0 {
				runs = append(runs, levelRun{rs[:n], 2})
			}
			if n < len(rs) {
				runs = append(runs, levelRun{rs[n:], 0})
			}
		}
		prevRTL = isRTL
	}
	// L2: from the highest level down to the lowest odd one, reverse every
	// sequence of runs at that level or above.
	for lvl := 2; lvl >= 1; lvl-- {
		for i := 0; i < len(runs); {
			if runs[i].level < lvl {
				i++
				continue
			}
			j := i
			for j < len(runs) && runs[j].level >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				runs[a], runs[b] = runs[b], runs[a]
			}
			i = j
		}
	}
	out := make([]Run, 0, len(runs))
	for _, r := range runs {
		out = append(out, Run{Text: string(r.runes), RTL: r.level%2 == 1})
	}
	return out
}

// numberPrefix is how many runes at the start of rs form a number (digits
// with their separators, signs and units: "212", "1,240", "12%") that
// resolves to level 2 after a right-to-left run.
func numberPrefix(rs []rune) int {
	end := 0
	for i, r := range rs {
		switch class(r) {
		case xbidi.EN, xbidi.AN, xbidi.ET:
			end = i + 1
		case xbidi.CS, xbidi.ES, xbidi.NSM, xbidi.BN:
			// part of the number only when digits follow
		default:
			return end
		}
	}
	return end
}
