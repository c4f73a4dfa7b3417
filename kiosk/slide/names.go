package slide

import "strings"

// FitName fits a person's name into boxW, on at most maxLines lines. It
// keeps maxSize as long as the name fits by wrapping between its words, and
// only then shrinks, to the largest size (down to minSize) at which it fits
// whole; a name that does not fit even at minSize is cut with "…". So
// "Maximiliane Alexandra Papadopoulou" keeps its surname on a second line
// instead of shrinking every name of a list or losing its end. A word is
// never broken while shrinking can still save it.
func FitName(name string, maxSize, minSize, boxW float32, maxLines int, lineHeight float32, measure func(s string, size float32) (w, h float32)) (size float32, lines []string) {
	if minSize > maxSize {
		minSize = maxSize
	}
	maxLines = max(1, maxLines)
	words := len(strings.Fields(name))
	try := func(size float32) ([]string, bool) {
		_, h := measure("Ag", size)
		_, ls := FitText(name, size, size, boxW, BlockHeight(maxLines, size, lineHeight, h), lineHeight, measure)
		return ls, len(ls) > 0 && whole(name, ls) && len(strings.Fields(strings.Join(ls, " "))) == words
	}
	if ls, ok := try(maxSize); ok {
		return maxSize, ls
	}
	best, ok := try(minSize)
	if !ok {
		return minSize, best
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
	return lo, best
}
