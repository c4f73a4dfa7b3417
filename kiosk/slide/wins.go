package slide

import (
	"math"
	"strings"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/locale"
)

// MaxWins is how many tiles a wins slide holds: more would not be read in a
// glance. More metrics make more wins slides (WinsPages), so every metric
// reaches the screen.
const MaxWins = 4

// WinsPages is how many wins slides n metrics make.
func WinsPages(n int) int {
	if n <= 0 {
		return 0
	}
	return (n + MaxWins - 1) / MaxWins
}

// winsPage is the range [lo, hi) of metrics that page p (0-based, taken
// modulo the page count) of n metrics shows. The metrics are spread evenly
// over the pages, in order (5 → 3 + 2, 7 → 4 + 3, 9 → 3 + 3 + 3), so no slide
// is left with one tile after a full one.
func winsPage(n, p int) (lo, hi int) {
	k := WinsPages(n)
	if k == 0 {
		return 0, 0
	}
	p = ((p % k) + k) % k
	base, extra := n/k, n%k
	lo = p*base + min(p, extra)
	hi = lo + base
	if p < extra {
		hi++
	}
	return lo, hi
}

// FromWins builds wins slide page (0-based, modulo WinsPages) of ms: at
// most MaxWins metrics, in the order given. A fall is shown as a fall; a
// metric without a previous value gets no arrow. Percentages change in
// points ("+2.5 pts"); other metrics in per cent of the previous value,
// unless the value crosses or starts from zero, where a percentage means
// nothing ("–520 %" for a rise from –100 to 420): then the difference is
// shown ("+520"). Numbers are written in language l (nil: English).
func FromWins(ms []feeds.Metric, page int, l *locale.Locale) Slide {
	lo, hi := winsPage(len(ms), page)
	wins := make([]Win, 0, hi-lo)
	for _, m := range ms[lo:hi] {
		w := Win{
			Label:  strings.TrimSpace(m.Label),
			Value:  FormatNumber(l, m.Value),
			Unit:   strings.TrimSpace(m.Unit),
			Period: strings.TrimSpace(m.Period),
		}
		w.Change, w.Trend = winChange(l, m, isPercent(w.Unit))
		wins = append(wins, w)
	}
	s := Slide{Kind: KindWins, Wins: wins, Title: say(l, "wins.title")}
	if k := WinsPages(len(ms)); k > 1 {
		s.Page, s.Pages = ((page%k)+k)%k, k
	}
	return s
}

// winChange is the change a win tile shows and its direction.
func winChange(l *locale.Locale, m feeds.Metric, percent bool) (string, Trend) {
	switch {
	case !m.HasPrevious || math.IsNaN(m.Previous) || math.IsInf(m.Previous, 0):
		return "", TrendNone
	case percent:
		return FormatChange(l, m.Value-m.Previous, true)
	case m.Previous <= 0 || m.Value < 0:
		return FormatDifference(l, m.Value-m.Previous)
	}
	frac, ok := m.Change()
	if !ok {
		return "", TrendNone
	}
	return FormatChange(l, frac, false)
}

// FormatDifference writes a change as a signed difference in the metric's
// own unit: "+520", "–1.2 M", "±0".
func FormatDifference(l *locale.Locale, d float64) (string, Trend) {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return "", TrendNone
	}
	s := FormatNumber(l, math.Abs(d))
	switch {
	case FormatNumber(nil, math.Abs(d)) == "0": // whatever digits l writes
		return "±0", TrendFlat
	case d > 0:
		return "+" + s, TrendUp
	}
	return minus + s, TrendDown
}

func isPercent(unit string) bool {
	return unit == "%" || strings.EqualFold(unit, "percent")
}
