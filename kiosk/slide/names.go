package slide

import (
	"strings"
	"unicode"
)

// FitName fits a person's name into boxW, on at most maxLines lines. It
// keeps maxSize as long as the name fits by wrapping between its words (or
// after the hyphen of a double name), and only then shrinks, to the largest
// size (down to minSize) at which it fits whole. A name too long even then
// keeps its first and last name and loses the middle ones: first to their
// initials ("Maximiliane A. Papadopoulou"), then altogether; only what is
// still too long is cut with "…". So a surname is never the part that is
// lost while a middle name could go, and one long name shrinks only itself.
func FitName(name string, maxSize, minSize, boxW float32, maxLines int, lineHeight float32, measure func(s string, size float32) (w, h float32)) (size float32, lines []string) {
	if minSize > maxSize {
		minSize = maxSize
	}
	maxLines = max(1, maxLines)
	words := strings.Fields(name)
	if len(words) == 0 {
		return maxSize, nil
	}
	for _, form := range nameForms(words) {
		for _, hyphens := range []bool{false, true} {
			if size, lines, ok := fitWhole(form, hyphens, maxSize, minSize, boxW, maxLines, lineHeight, measure); ok {
				return size, lines
			}
		}
	}
	// Nothing fits whole: the shortest form at the smallest size, its words
	// packed on the lines (the last line takes what is left), each line
	// cut at its end. "Anneliese Christiansen-Va…" keeps more of a surname
	// than a cut after the first name would.
	forms := nameForms(words)
	return minSize, cutName(forms[len(forms)-1], minSize, boxW, maxLines, measure)
}

// cutName packs words on at most maxLines lines at size without breaking
// one, the last line taking all that is left, and cuts a line too wide for
// boxW at its end with "…".
func cutName(words []string, size, boxW float32, maxLines int, measure func(s string, size float32) (w, h float32)) []string {
	var lines []string
	cur := ""
	for i, w := range words {
		if len(lines) == maxLines-1 {
			lines = append(lines, strings.Join(append([]string{cur}, words[i:]...), " "))
			cur = ""
			break
		}
		cand := strings.TrimSpace(cur + " " + w)
		if lw, _ := measure(cand, size); lw <= boxW || cur == "" {
			cur = cand
			continue
		}
		lines = append(lines, cur)
		cur = w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if w, _ := measure(l, size); w <= boxW {
			lines[i] = l
			continue
		}
		cs := clusters(l)
		n := len(cs) - 1
		for ; n > 0; n-- {
			if w, _ := measure(strings.TrimRight(strings.Join(cs[:n], ""), " -")+Ellipsis, size); w <= boxW {
				break
			}
		}
		lines[i] = strings.TrimRight(strings.Join(cs[:n], ""), " -") + Ellipsis
	}
	return lines
}

// nameForms are the ways to write a name, longest first: as it is, with
// the middle names as initials, and without them.
func nameForms(words []string) [][]string {
	forms := [][]string{words}
	if len(words) < 3 {
		return forms
	}
	first, last := words[0], words[len(words)-1]
	initials := []string{first}
	for _, w := range words[1 : len(words)-1] {
		// The letter as written: "von" stays lower case ("v.").
		for _, r := range w {
			if unicode.IsLetter(r) {
				initials = append(initials, string(r)+".")
				break
			}
		}
	}
	return append(forms, append(initials, last), []string{first, last})
}

// fitWhole fits the words of a name at the largest size from maxSize down
// to minSize at which they fit boxW on maxLines lines without breaking a
// word (with hyphens, a line may end after the hyphen of a double name); ok
// is false when none does.
func fitWhole(words []string, hyphens bool, maxSize, minSize, boxW float32, maxLines int, lineHeight float32, measure func(s string, size float32) (w, h float32)) (size float32, lines []string, ok bool) {
	// A double name may break after its hyphen: its parts wrap as words
	// and are joined again where they share a line.
	var parts []string
	var glued []bool // the part is the head of a double name, joined to the next
	for _, w := range words {
		for hyphens {
			i := strings.IndexByte(w, '-')
			if i <= 0 || i == len(w)-1 {
				break
			}
			parts, glued = append(parts, w[:i+1]), append(glued, true)
			w = w[i+1:]
		}
		parts, glued = append(parts, w), append(glued, false)
	}
	text := strings.Join(parts, " ")
	try := func(size float32) ([]string, bool) {
		_, h := measure("Ag", size)
		_, ls := FitText(text, size, size, boxW, BlockHeight(maxLines, size, lineHeight, h), lineHeight, measure)
		if len(ls) == 0 || !whole(text, ls) {
			return nil, false
		}
		k := 0
		for i, l := range ls {
			var b strings.Builder
			fs := strings.Fields(l)
			for j, f := range fs {
				if k >= len(parts) || f != parts[k] {
					return nil, false // a word was broken
				}
				b.WriteString(f)
				if j < len(fs)-1 && !glued[k] {
					b.WriteByte(' ')
				}
				k++
			}
			ls[i] = b.String()
			if w, _ := measure(ls[i], size); w > boxW {
				return nil, false
			}
		}
		return ls, k == len(parts)
	}
	if ls, ok := try(maxSize); ok {
		return maxSize, ls, true
	}
	best, ok := try(minSize)
	if !ok {
		return 0, nil, false
	}
	lo, hi := minSize, maxSize
	for hi-lo > 0.25 {
		mid := (lo + hi) / 2
		if ls, ok := try(mid); ok {
			lo, best = mid, ls
		} else {
			hi = mid
		}
	}
	return lo, best, true
}
