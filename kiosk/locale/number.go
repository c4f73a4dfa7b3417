package locale

import (
	"strings"
	"time"
)

// Number rewrites a number written the English way ("1,240.5": ASCII
// digits, "," between thousands, "." before the fraction) in the locale's
// digits and separators: "1.240,5" (de), "1 240,5" (fr), "١٬٢٤٠٫٥" (ar).
// Locales that group only from five digits on (es, pl, pt-PT) write
// "1240" but "12 400". Anything else in s (a sign, a space) is kept.
func (l *Locale) Number(s string) string {
	intDigits, seps := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			i = len(s) // stop at the fraction
		case c == ',':
			seps++
		case c >= '0' && c <= '9':
			intDigits++
		}
	}
	dropGroup := intDigits < 3+l.minGrouping && seps == 1 && l.minGrouping > 1
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(l.digits[r-'0'])
		case r == ',':
			if !dropGroup {
				b.WriteString(l.group)
			}
		case r == '.':
			b.WriteString(l.decimal)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Compact writes a number already scaled to its magnitude (1 = millions,
// 2 = billions, 3 = trillions) with the locale's word for it: "1,2 Mio.".
func (l *Locale) Compact(s string, magnitude int) string {
	key := [...]string{"number.million", "number.billion", "number.trillion"}[min(max(magnitude, 1), 3)-1]
	return l.T(key, map[string]any{"N": l.Number(s)})
}

// Int writes a whole number in the locale's digits, without grouping: a
// day of the month, a year, a rank.
func (l *Locale) Int(n int) string {
	var b strings.Builder
	for _, r := range itoa(n) {
		if r >= '0' && r <= '9' {
			b.WriteRune(l.digits[r-'0'])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// Month is the abbreviated name of m as a date uses it ("Nov.", "nov.",
// "نوفمبر").
func (l *Locale) Month(m time.Month) string { return l.short[(int(m)-1)%12] }

// MonthName is the full name of m, as a period label uses it ("November").
func (l *Locale) MonthName(m time.Month) string { return l.long[(int(m)-1)%12] }

// Date is a day the locale's way: "21 Nov", "21. Nov.", "21 de nov.", with
// the year when withYear.
func (l *Locale) Date(t time.Time, withYear bool) string {
	data := map[string]any{"Day": l.Int(t.Day()), "Month": l.Month(t.Month()), "Year": l.Int(t.Year())}
	if withYear {
		return l.T("date.day_month_year", data)
	}
	return l.T("date.day_month", data)
}
