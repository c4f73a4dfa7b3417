package slide

import (
	"hash/fnv"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"lobbykiosk/feeds/leaderboard"
	"lobbykiosk/kiosk/locale"
)

// minus is the sign of negative numbers: an en dash, which reads as a minus
// from across a room where a hyphen looks like a speck. The true minus sign
// (U+2212) is missing from Fyne's bundled Noto Sans, so it would fall back to
// whatever system font the kiosk has, or to a box.
const minus = "\u2013"

// Age says how long ago t was, as a person in the lobby would say it, in the
// kiosk's language l (nil: English) and time zone loc (nil means UTC):
// "just now", "12 min ago", "2 h ago", "yesterday", "3 d ago", "12 Nov",
// "12 Nov 2024" ("vor 2 Std.", "gestern", "12. Nov." in German). Calendar
// words ("yesterday") follow loc's midnight, not 24-hour blocks. A time
// slightly in the future (a clock skew between feed and kiosk) is "just
// now"; a zero time is "".
func Age(l *locale.Locale, t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if l == nil {
		l = locale.English()
	}
	if loc == nil {
		loc = time.UTC
	}
	d := now.Sub(t)
	if d < time.Minute {
		return l.T("age.now")
	}
	if d < time.Hour {
		n := int(d / time.Minute)
		return l.N("age.minutes", n, l.Int(n))
	}
	days := calendarDays(t.In(loc), now.In(loc))
	// An evening post seen after midnight is "1 h ago", not "yesterday".
	if days == 0 || d < 6*time.Hour {
		n := int(d / time.Hour)
		return l.N("age.hours", n, l.Int(n))
	}
	if days == 1 {
		return l.T("age.yesterday")
	}
	if days < 7 {
		return l.N("age.days", days, l.Int(days))
	}
	lt := t.In(loc)
	return l.Date(lt, lt.Year() != now.In(loc).Year())
}

// calendarDays counts midnights between a and b (both already in the same
// location).
func calendarDays(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// Clock is the time shown in the corner: "14:05", in language l's digits
// (nil: English; "١٤:٠٥" in Arabic).
func Clock(l *locale.Locale, now time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	s := now.In(loc).Format("15:04")
	if l == nil {
		return s
	}
	return l.Number(s)
}

// StaleMark is the freshness note for Chrome.Stale, in language l (nil:
// English): "" while the content was confirmed good within staleAfter and
// the kiosk is online, otherwise "updated 3 h ago", "offline · updated 3 h
// ago", or just "offline" when nothing was ever fetched.
func StaleMark(l *locale.Locale, lastGood, now time.Time, offline bool, staleAfter time.Duration, loc *time.Location) string {
	if l == nil {
		l = locale.English()
	}
	if lastGood.IsZero() {
		if offline {
			return l.T("stale.offline")
		}
		return ""
	}
	if !offline && now.Sub(lastGood) <= staleAfter {
		return ""
	}
	mark := l.T("stale.updated", map[string]any{"Age": Age(l, lastGood, now, loc)})
	if offline {
		mark = l.T("stale.offline") + " · " + mark
	}
	return mark
}

// Initials are what an avatar disc shows when there is no photo: the first
// letter of the first and of the last word of name, upper-cased ("Ana Lima" →
// "AL", "Δημήτρης Παπαδόπουλος" → "ΔΠ", "Cher" → "C"). Words without a letter
// (emoji, "@", "—") are skipped and combining accents stay with their letter,
// so the result is never half a character. The Arabic article "ال" is not a
// name's initial ("مريم الحسيني" → "م‌ح", not "ما"), and Arabic initials are
// kept apart by a zero-width non-joiner so they read as two letters, not as
// a word. A name with no letter gives "".
func Initials(name string) string {
	var firsts []string
	for _, w := range strings.Fields(name) {
		if f := firstLetter(w); f != "" {
			firsts = append(firsts, f)
		}
	}
	switch len(firsts) {
	case 0:
		return ""
	case 1:
		return firsts[0]
	}
	a, b := firsts[0], firsts[len(firsts)-1]
	if joinsArabic(a) && joinsArabic(b) {
		return a + "\u200c" + b
	}
	return a + b
}

// joinsArabic reports whether s starts with an Arabic letter, which would
// join the next one.
func joinsArabic(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r)
}

// arabicArticle is "al-", written joined to the noun it defines.
const arabicArticle = "ال"

// firstLetter returns the first letter of w, upper-cased, with the combining
// marks that follow it.
func firstLetter(w string) string {
	if rest, ok := strings.CutPrefix(w, arabicArticle); ok && utf8.RuneCountInString(rest) >= 2 {
		w = rest
	}
	for i, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		var b strings.Builder
		b.WriteString(strings.ToUpper(string(r)))
		for _, m := range w[i+utf8.RuneLen(r):] {
			if !unicode.Is(unicode.Mn, m) && !unicode.Is(unicode.Me, m) || isVirama(m) {
				break
			}
			b.WriteRune(m)
		}
		return b.String()
	}
	return ""
}

// isVirama reports whether r is a virama (halant), the mark that joins an
// Indic consonant to the next: kept with an initial, it would fuse the
// two initials into one conjunct ("प्रिया शर्मा" is "पश", not "प्श").
func isVirama(r rune) bool {
	switch r {
	case 0x094D, 0x09CD, 0x0A4D, 0x0ACD, 0x0B4D, 0x0BCD, 0x0C4D, 0x0CCD, 0x0D4D, 0x0DCA,
		0x1039, 0x103A, 0x17D2, 0x1B44, 0xA8C4, 0x11046, 0x1107F:
		return true
	}
	return false
}

// avatarPalette is mid-dark so white initials stay readable on every colour.
var avatarPalette = []color.NRGBA{
	{0xD9, 0x48, 0x0F, 0xff}, // orange
	{0xC2, 0x25, 0x5C, 0xff}, // raspberry
	{0x9C, 0x36, 0xB5, 0xff}, // grape
	{0x67, 0x41, 0xD9, 0xff}, // violet
	{0x3B, 0x5B, 0xDB, 0xff}, // indigo
	{0x19, 0x71, 0xC2, 0xff}, // blue
	{0x0C, 0x85, 0x99, 0xff}, // cyan
	{0x09, 0x92, 0x68, 0xff}, // teal
	{0x2F, 0x9E, 0x44, 0xff}, // green
	{0xC9, 0x2A, 0x2A, 0xff}, // red
}

// AvatarColor is a stable colour for a person, so the same name always gets
// the same disc on every kiosk.
func AvatarColor(name string) color.NRGBA {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(strings.TrimSpace(name))))
	return avatarPalette[h.Sum32()%uint32(len(avatarPalette))]
}

// networks are the marks the screen knows by name and colour.
var networks = map[string]struct {
	label string // a key of the translations when it starts with "network."
	col   color.NRGBA
}{
	"mastodon":  {"Mastodon", color.NRGBA{0x63, 0x64, 0xFF, 0xff}},
	"bluesky":   {"Bluesky", color.NRGBA{0x11, 0x85, 0xFE, 0xff}},
	"linkedin":  {"LinkedIn", color.NRGBA{0x0A, 0x66, 0xC2, 0xff}},
	"x":         {"X", color.NRGBA{0x3A, 0x3F, 0x47, 0xff}},
	"twitter":   {"X", color.NRGBA{0x3A, 0x3F, 0x47, 0xff}},
	"threads":   {"Threads", color.NRGBA{0x3A, 0x3F, 0x47, 0xff}},
	"blog":      {"network.blog", color.NRGBA{0x0C, 0x85, 0x99, 0xff}},
	"story":     {"network.story", color.NRGBA{0xD6, 0x29, 0x76, 0xff}},
	"instagram": {"Instagram", color.NRGBA{0xD6, 0x29, 0x76, 0xff}},
	"facebook":  {"Facebook", color.NRGBA{0x18, 0x77, 0xF2, 0xff}},
	"youtube":   {"YouTube", color.NRGBA{0xE0, 0x1E, 0x1E, 0xff}},
}

// NetworkLabel is the name on a post's network mark ("linkedin" →
// "LinkedIn"); brands keep their name, "blog" and "story" are said in
// language l (nil: English). An unknown network is shown capitalised, an
// empty one not at all.
func NetworkLabel(l *locale.Locale, network string) string {
	n := strings.ToLower(strings.TrimSpace(network))
	if m, ok := networks[n]; ok {
		if strings.HasPrefix(m.label, "network.") {
			if l == nil {
				l = locale.English()
			}
			return l.T(m.label)
		}
		return m.label
	}
	r, size := utf8.DecodeRuneInString(strings.TrimSpace(network))
	if size == 0 {
		return ""
	}
	return string(unicode.ToUpper(r)) + strings.TrimSpace(network)[size:]
}

// NetworkColor is the colour of a post's network mark; unknown networks get
// a neutral grey so no brand is misrepresented.
func NetworkColor(network string) color.NRGBA {
	if m, ok := networks[strings.ToLower(strings.TrimSpace(network))]; ok {
		return m.col
	}
	return color.NRGBA{0x4B, 0x55, 0x63, 0xff}
}

// FormatNumber writes a number the way a big screen should show it, in
// language l (nil: English): thousands separated below a million ("4,812",
// "4.812"), then compact with one decimal ("1.2 M", "1,2 Mio.", "12.3 B"),
// small fractions kept ("37.5", "0.25"), and a dash for the minus sign.
func FormatNumber(l *locale.Locale, v float64) string {
	if l == nil {
		l = locale.English()
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	sign := ""
	if v < 0 {
		sign = minus
		v = -v
	}
	var s string
	switch {
	case v >= 1e6:
		s = compact(l, v)
	case v >= 1000 || v == math.Trunc(v):
		if g := group(math.Round(v)); g == "1,000,000" {
			s = l.Compact("1", 1)
		} else {
			s = l.Number(g)
		}
	case v >= 10:
		s = l.Number(trimZeros(strconv.FormatFloat(v, 'f', 1, 64)))
	default:
		s = l.Number(trimZeros(strconv.FormatFloat(v, 'f', 2, 64)))
	}
	if v == 0 || s == l.Number("0") {
		sign = ""
	}
	return sign + s
}

// compact writes v >= 1e6 with a magnitude word, moving up a magnitude when
// rounding reaches 1000 ("999.96 M" is "1 B").
func compact(l *locale.Locale, v float64) string {
	x := v / 1e6
	mag := 1
	for {
		digits := 1
		if x >= 100 {
			digits = 0
		}
		s := trimZeros(strconv.FormatFloat(x, 'f', digits, 64))
		f, _ := strconv.ParseFloat(s, 64)
		if f >= 1000 && mag < 3 {
			x /= 1000
			mag++
			continue
		}
		if f >= 1000 {
			s = group(math.Round(x))
		}
		return l.Compact(s, mag)
	}
}

// group writes a non-negative integer-valued float with thousands separators,
// the English way; Locale.Number turns it into the locale's.
func group(v float64) string {
	s := strconv.FormatFloat(v, 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// FormatChange writes a change for a win tile in language l (nil: English)
// and says which way it went. frac is relative (0.12 = +12 %): "+12 %",
// "–4 %", "+0.5 %"; when points is true, frac is a difference in percentage
// points instead: "+2.5 pts". A change that rounds to nothing is flat
// ("±0 %").
func FormatChange(l *locale.Locale, frac float64, points bool) (string, Trend) {
	if l == nil {
		l = locale.English()
	}
	if math.IsNaN(frac) || math.IsInf(frac, 0) {
		return "", TrendNone
	}
	v := frac * 100
	key := "change.percent"
	if points {
		v = frac
		key = "change.points"
	}
	a := math.Abs(v)
	var s string
	if a >= 10 {
		s = group(math.Round(a))
	} else {
		s = trimZeros(strconv.FormatFloat(a, 'f', 1, 64))
	}
	say := func(sign string, t Trend) (string, Trend) {
		return l.T(key, map[string]any{"N": sign + l.Number(s)}), t
	}
	switch {
	case s == "0":
		return say("±", TrendFlat)
	case v > 0:
		return say("+", TrendUp)
	default:
		return say(minus, TrendDown)
	}
}

// FormatPoints writes leaderboard points in language l (nil: English):
// "1,240 pts", "1 pt", "1.240 Pkt.".
func FormatPoints(l *locale.Locale, p float64) string {
	if l == nil {
		l = locale.English()
	}
	n := int(math.Round(p))
	if p != math.Trunc(p) || math.Abs(p) >= 1e6 {
		n = 1000 // not a whole count: the plural form of "many"
	}
	return l.N("points", n, FormatNumber(l, p))
}

// FormatMoved says how many places someone moved up: "7 places", "1 place",
// "7 Plätze".
func FormatMoved(l *locale.Locale, n int) string {
	if l == nil {
		l = locale.English()
	}
	return l.N("board.places", n, l.Int(n))
}

// PeriodLabel names a computed leaderboard's period (leaderboard.Month,
// Quarter or Days30) holding now, in language l (nil: English): "November
// 2026", "Q4 2026", "novembro de 2026".
func PeriodLabel(l *locale.Locale, period string, now time.Time, loc *time.Location) string {
	if l == nil {
		l = locale.English()
	}
	if loc == nil {
		loc = time.Local
	}
	n := now.In(loc)
	year := l.Int(n.Year())
	switch period {
	case leaderboard.Quarter:
		return l.T("period.quarter", map[string]any{"Q": l.Int((int(n.Month())-1)/3 + 1), "Year": year})
	case leaderboard.Days30:
		return l.T("period.30d")
	}
	return l.T("period.month", map[string]any{"Month": l.MonthName(n.Month()), "Year": year})
}
