package parse

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
)

// dateOrder is how a source writes dates that are all numbers: 20/11/2026
// (dayFirst) or 11/20/2026 (monthFirst).
type dateOrder int

const (
	orderUnknown dateOrder = iota
	dayFirst
	monthFirst
)

// dateReader reads the dates of one document. A date without a zone is in
// the source's zone when the document's other dates agree on one, else in the
// kiosk's. A date like 05/06/2026 is read in the order the source's locale
// gives, else the order the document's other dates show (20/11/2026 can only
// be day first), and is refused when nothing tells: a wrong month is worse
// than no date.
type dateReader struct {
	loc    *time.Location
	order  dateOrder
	reason string // why that order, for the reading report
	// inferZone lets the document's own dates set the zone of those that
	// name none: a feed's timestamps come from one server. A table's
	// dates are days, in the kiosk's zone.
	inferZone bool

	// Evidence from observe.
	days, months     int
	dayEx, monthEx   string
	offsets          map[int]bool
	ambiguous        int
	unknownZone      string
	readAmbiguousEx  string
	readAmbiguousRow int
}

// newDateReader reads dates for spec: its locale forces an order, its
// Timezone is the kiosk's zone.
func newDateReader(locale, timezone string) *dateReader {
	d := &dateReader{loc: zone(timezone), offsets: map[int]bool{}}
	if tag, err := language.Parse(locale); err == nil && locale != "" {
		d.order = orderOf(tag)
		d.reason = fmt.Sprintf("the source's locale %q writes the %s first", locale, d.order)
	}
	return d
}

func (o dateOrder) String() string {
	if o == monthFirst {
		return "month"
	}
	return "day"
}

// monthFirstRegions write 11/20/2026; everyone else who writes numeric dates
// with slashes puts the day first (year-first writers use 2026-11-20, which
// is never ambiguous).
var monthFirstRegions = map[string]bool{"US": true, "PH": true, "FM": true, "MH": true, "PW": true,
	"UM": true, "AS": true, "GU": true, "MP": true, "PR": true, "VI": true}

func orderOf(tag language.Tag) dateOrder {
	region, _ := tag.Region() // "en" alone is likely "US", as CLDR says
	if monthFirstRegions[region.String()] {
		return monthFirst
	}
	return dayFirst
}

var zones sync.Map // name -> *time.Location

// zone loads an IANA zone once; "" or an unknown name is the system's.
func zone(name string) *time.Location {
	if name == "" {
		return time.Local
	}
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.Local
	}
	zones.Store(name, l)
	return l
}

var (
	timePart = `(?:(?:T|\s+|,\s*|\s+at\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp]\.?[Mm]\.?)?)?`
	// 2026-11-20, 2020/1/10 14:33:00, 2018-01-06T08:00, 2026-11-20T09:30:00.123
	yearFirst = regexp.MustCompile(`^(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})` + timePart + `$`)
	// 20.11.2026, 20/11/2026, 11/20/2026 14:33, 20-11-26
	yearLast = regexp.MustCompile(`^(\d{1,2})([-/.])(\d{1,2})([-/.])(\d{4}|\d{2})` + timePart + `$`)
	// A zone at the end: "+0100", "-07:00", "GMT+2", "Z", " UTC", " CEST".
	zoneSuffix = regexp.MustCompile(`(?:\s*(?:GMT|UTC)?([+-])(\d{1,2})(?::?(\d{2}))?|\s+([A-Za-z]{1,5})|\d(Z))$`)
	// "Mon, ", "Monday ", "Tue." before a date.
	weekday = regexp.MustCompile(`(?i)^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*`)
	// Unix and ANSI C put the year last, after the time (and the zone).
	yearAfterTime = regexp.MustCompile(`^([A-Za-z]+\s+\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?)\s+(?:([A-Za-z]{1,5}|[+-]\d{4})\s+)?(\d{4})$`)
	allDigits     = regexp.MustCompile(`^\d+$`)
)

// namedZones are the abbreviations feeds use (RFC 822's and Europe's), with
// their offsets in hours. Ambiguous ones (IST) are left out: a time in an
// unknown zone is read as the kiosk's and said so.
var namedZones = map[string]float64{
	"Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "WET": 0, "WEST": 1, "BST": 1,
	"CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"AKST": -9, "AKDT": -8, "HST": -10, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8,
	"AEST": 10, "AEDT": 11, "ACST": 9.5, "AWST": 8, "NZST": 12, "NZDT": 13,
}

// textLayouts are the dates with month names that feeds and people write,
// once the weekday and the zone are taken off.
var textLayouts = []string{
	"2 Jan 2006 15:04:05", "2 Jan 2006 15:04", "2 Jan 2006", "2 Jan 06 15:04:05", "2 Jan 06 15:04", "2 Jan 06",
	"2 January 2006 15:04:05", "2 January 2006 15:04", "2 January 2006",
	"2-Jan-2006 15:04:05", "2-Jan-06 15:04:05", "2-Jan-2006",
	"Jan 2, 2006 15:04:05", "Jan 2, 2006 15:04", "Jan 2, 2006 3:04:05 PM", "Jan 2, 2006 3:04 PM", "Jan 2, 2006",
	"January 2, 2006 15:04:05", "January 2, 2006 15:04", "January 2, 2006 3:04 PM", "January 2, 2006",
	"Jan 2 2006 15:04:05", "Jan 2 2006", "Jan 2 15:04:05 2006", "Jan 2 15:04 2006",
	"January 2 2006", "2006 January 2", "2. January 2006", "2. Jan 2006",
}

// errAmbiguousDate is a date like 05/06/2026 in a document that does not
// say which comes first.
var errAmbiguousDate = errors.New("ambiguous")

// ambiguousDateError is errAmbiguousDate worded for a person.
type ambiguousDateError struct{ date string }

func (e ambiguousDateError) Error() string {
	return fmt.Sprintf("cannot tell whether %q is day/month or month/day; set locale on the source (\"en-GB\": day first, \"en-US\": month first)", e.date)
}

func (e ambiguousDateError) Unwrap() error { return errAmbiguousDate }

// observe takes in one date of the document before any is read, for the
// order of day and month and the source's zone.
func (d *dateReader) observe(s string) {
	s = normDate(s)
	if m := yearLast.FindStringSubmatch(s); m != nil && m[2] == m[4] && m[2] != "." {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[3])
		switch {
		case a > 12 && b <= 12:
			d.days++
			if d.dayEx == "" {
				d.dayEx = s
			}
		case b > 12 && a <= 12:
			d.months++
			if d.monthEx == "" {
				d.monthEx = s
			}
		}
		return
	}
	if _, off, ok := splitZone(s); ok && off != nil {
		d.offsets[*off] = true
	}
}

// decide settles the order from what observe saw, unless the locale did.
// It returns a warning when the document writes dates both ways.
func (d *dateReader) decide() string {
	if len(d.offsets) == 1 && d.inferZone {
		for off := range d.offsets {
			d.loc = time.FixedZone(fmt.Sprintf("UTC%+03d:%02d", off/3600, abs(off%3600)/60), off)
		}
	}
	if d.reason != "" {
		return ""
	}
	switch {
	case d.days > 0 && d.months == 0:
		d.order, d.reason = dayFirst, fmt.Sprintf("other dates write the day first (%q)", d.dayEx)
	case d.months > 0 && d.days == 0:
		d.order, d.reason = monthFirst, fmt.Sprintf("other dates write the month first (%q)", d.monthEx)
	case d.months > 0 && d.days > 0:
		return fmt.Sprintf("dates are written both day first (%q) and month first (%q): dates such as 05/06/2026 cannot be read; set locale on the source", d.dayEx, d.monthEx)
	}
	return ""
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// normDate trims a date and folds its spaces; a trailing "(comment)" goes.
func normDate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// splitZone takes a zone off the end of a date: the rest, the offset in
// seconds (nil when the zone is unknown), and whether there was one.
// ok is false when no zone is written.
func splitZone(s string) (rest string, offset *int, ok bool) {
	m := zoneSuffix.FindStringSubmatchIndex(s)
	if m == nil {
		return s, nil, false
	}
	if m[10] >= 0 { // "…00Z": the digit before Z stays
		m[0], m[8], m[9] = m[10], m[10], m[11]
	}
	rest = strings.TrimRight(s[:m[0]], " ,")
	if m[8] >= 0 { // a name
		name := strings.ToUpper(s[m[8]:m[9]])
		switch name {
		case "AM", "PM", "A", "P":
			return s, nil, false
		}
		// The zone must follow a time: "2 Jan 2006" ends in a year, and
		// "20 March" in a month.
		if !strings.Contains(rest, ":") {
			return s, nil, false
		}
		if h, known := namedZones[name]; known {
			off := int(h * 3600)
			return rest, &off, true
		}
		return rest, nil, true
	}
	// An offset must follow a time too: "2026-11-20" ends in "-20".
	if !strings.Contains(rest, ":") && !strings.Contains(s[m[0]:m[1]], "GMT") && !strings.Contains(s[m[0]:m[1]], "UTC") {
		return s, nil, false
	}
	h, _ := strconv.Atoi(s[m[4]:m[5]])
	mins := 0
	if m[6] >= 0 {
		mins, _ = strconv.Atoi(s[m[6]:m[7]])
	}
	if h > 14 || mins > 59 {
		return s, nil, false
	}
	off := h*3600 + mins*60
	if s[m[2]:m[3]] == "-" {
		off = -off
	}
	return rest, &off, true
}

// parse reads one date. row is where it stands, for the reading report.
func (d *dateReader) parse(s string) (time.Time, error) {
	orig := strings.TrimSpace(s)
	s = normDate(s)
	if s == "" {
		return time.Time{}, errEmpty
	}
	t, err := d.read(s)
	if errors.Is(err, errAmbiguousDate) {
		return time.Time{}, ambiguousDateError{clean(orig)}
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("cannot read %q as a date", clean(cut(orig, 60)))
	}
	if y := t.Year(); y < 1971 || y > 2200 {
		return time.Time{}, fmt.Errorf("%q is not a real date (year %d)", clean(cut(orig, 60)), y)
	}
	return t.UTC(), nil
}

func (d *dateReader) read(s string) (time.Time, error) {
	if allDigits.MatchString(s) {
		return unixOrCompact(s, d.loc)
	}
	s = weekday.ReplaceAllString(s, "")
	if m := yearAfterTime.FindStringSubmatch(s); m != nil {
		s = m[1] + " " + m[3]
		if m[2] != "" {
			s += " " + m[2]
		}
	}
	loc := d.loc
	if rest, off, hasZone := splitZone(s); hasZone {
		if off != nil {
			loc = time.FixedZone("", *off)
		} else if d.unknownZone == "" {
			d.unknownZone = strings.TrimSpace(strings.TrimPrefix(s, rest))
		}
		s = rest
	}
	if m := yearFirst.FindStringSubmatch(s); m != nil {
		if m[2] != m[4] {
			return time.Time{}, errors.New("mixed separators")
		}
		return civil(m[1], m[3], m[5], m[6:], loc)
	}
	if m := yearLast.FindStringSubmatch(s); m != nil {
		if m[2] != m[4] {
			return time.Time{}, errors.New("mixed separators")
		}
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[3])
		year := m[5]
		if len(year) == 2 {
			y, _ := strconv.Atoi(year)
			year = strconv.Itoa(2000 + y)
			if y >= 69 {
				year = strconv.Itoa(1900 + y)
			}
		}
		day, month := m[1], m[3]
		switch {
		case m[2] == ".": // only ever day first
		case a == b:
		case a > 12:
		case b > 12:
			day, month = m[3], m[1]
		case d.order == monthFirst:
			day, month = m[3], m[1]
			d.noteAmbiguous(s)
		case d.order == dayFirst:
			d.noteAmbiguous(s)
		default:
			return time.Time{}, errAmbiguousDate
		}
		return civil(year, month, day, m[6:], loc)
	}
	for _, l := range textLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("no layout")
}

func (d *dateReader) noteAmbiguous(s string) {
	d.ambiguous++
	if d.readAmbiguousEx == "" {
		d.readAmbiguousEx = s
	}
}

// choice words how ambiguous dates were read, for the reading report; ""
// when none was.
func (d *dateReader) choice() string {
	if d.ambiguous == 0 {
		return ""
	}
	t, err := d.read(d.readAmbiguousEx)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("dates such as %q read as %s: %s", d.readAmbiguousEx, t.Format("2 January 2006"), d.reason)
}

// civil builds a date from its parts; tm holds hour, minute, second,
// fraction and AM/PM as matched (empty when absent).
func civil(year, month, day string, tm []string, loc *time.Location) (time.Time, error) {
	y, _ := strconv.Atoi(year)
	mo, _ := strconv.Atoi(month)
	dd, _ := strconv.Atoi(day)
	var h, mi, sec, ns int
	if tm[0] != "" {
		h, _ = strconv.Atoi(tm[0])
		mi, _ = strconv.Atoi(tm[1])
		sec, _ = strconv.Atoi(tm[2])
		if f := tm[3]; f != "" {
			f = (f + "000000000")[:9]
			ns, _ = strconv.Atoi(f)
		}
		if ampm := strings.ToLower(strings.ReplaceAll(tm[4], ".", "")); ampm != "" {
			if h < 1 || h > 12 {
				return time.Time{}, errors.New("bad hour")
			}
			if ampm == "pm" && h != 12 {
				h += 12
			} else if ampm == "am" && h == 12 {
				h = 0
			}
		}
	}
	if mo < 1 || mo > 12 || dd < 1 || dd > 31 || h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, errors.New("out of range")
	}
	t := time.Date(y, time.Month(mo), dd, h, mi, min(sec, 59), ns, loc)
	if t.Day() != dd {
		return time.Time{}, errors.New("no such day") // 31 April
	}
	return t, nil
}

// unixOrCompact reads an all-digit date: Unix seconds (10 digits) or
// milliseconds (13), or 20261120.
func unixOrCompact(s string, loc *time.Location) (time.Time, error) {
	switch len(s) {
	case 8:
		return time.ParseInLocation("20060102", s, loc)
	case 9, 10:
		n, _ := strconv.ParseInt(s, 10, 64)
		return time.Unix(n, 0), nil
	case 12, 13:
		n, _ := strconv.ParseInt(s, 10, 64)
		return time.UnixMilli(n), nil
	}
	return time.Time{}, errors.New("not a date")
}
