// Package hours decides when the kiosk's screen is on: the display hours of
// the config, such as
//
//	hours = ["Mon-Fri 07:30-19:00", "Sat 09:00-13:00"]
//
// read as wall-clock times in the kiosk's time zone. An empty list means the
// screen is always on.
//
// An entry is "DAYS TIMES": DAYS is a day, a range ("Mon-Fri", or wrapping
// "Fri-Mon"), a comma-separated list of those ("Mon,Wed,Fri-Sat"), or
// "Daily", "*", "Weekdays" (Mon-Fri), "Weekend" (Sat-Sun); days are English
// three-letter or full names in any case. TIMES is one or more "HH:MM-HH:MM"
// windows separated by spaces (H:MM is fine too); "24:00", or "00:00" as an
// end, ends a window at midnight, and a window that ends before it starts runs
// overnight ("Fri 22:00-02:00" is on from Friday 22:00 until Saturday 02:00).
// An entry without DAYS applies every day; an entry without TIMES covers the
// whole day. Overlapping entries simply add up.
//
// Only the wall clock counts: a window from 02:30 is on from the first instant
// the clock shows 02:30 or later, so on a spring-forward day when 02:30 never
// shows it starts at 03:00, and on a fall-back day an hour that shows twice is
// on (or off) both times.
package hours

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	dayMinutes  = 24 * 60
	weekMinutes = 7 * dayMinutes
)

// dayNames are indexed Monday first, which is how people write "Mon-Fri".
var dayNames = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// Schedule is a parsed list of display hours. The zero value is always on.
// A Schedule is immutable and safe for concurrent use.
type Schedule struct {
	windows []window
	week    *week // nil: always on
}

// window is one "DAYS HH:MM-HH:MM": it starts on each day in days.
type window struct {
	days       uint8 // bit i = dayNames[i]
	start, end int   // minutes of the day; end may be 1440; end <= start runs overnight
}

// week is the schedule unrolled into one bit per minute of a Monday-first
// week, plus the minutes at which it flips, so On is a lookup and Next a
// binary search.
type week struct {
	bits    [(weekMinutes + 63) / 64]uint64
	changes []int // minute-of-week m where bit(m) != bit(m-1), ascending
}

func (w *week) on(m int) bool { return w.bits[m/64]&(1<<(m%64)) != 0 }

func (w *week) set(from, to int) {
	for m := from; m < to; m++ {
		w.bits[m/64] |= 1 << (m % 64)
	}
}

// EntryError is what is wrong with one entry of the list.
type EntryError struct {
	Index int    // 1-based, as a person counts entries
	Entry string // as written
	Err   error
}

func (e *EntryError) Error() string {
	return fmt.Sprintf("hours entry %d %q: %v", e.Index, e.Entry, e.Err)
}

func (e *EntryError) Unwrap() error { return e.Err }

// Parse reads a list of display hours. Every bad entry is reported (joined,
// one *EntryError each); the returned Schedule then holds the entries that
// were good, so a caller can choose to run with them, and is the zero
// (always on) Schedule when none was.
func Parse(specs []string) (Schedule, error) {
	var (
		ws   []window
		errs []error
	)
	for i, spec := range specs {
		got, err := parseEntry(spec)
		if err != nil {
			errs = append(errs, &EntryError{Index: i + 1, Entry: spec, Err: err})
			continue
		}
		ws = append(ws, got...)
	}
	return build(ws), errors.Join(errs...)
}

func build(ws []window) Schedule {
	if len(ws) == 0 {
		return Schedule{}
	}
	w := &week{}
	for _, win := range ws {
		for d := range 7 {
			if win.days&(1<<d) == 0 {
				continue
			}
			base := d * dayMinutes
			if win.end > win.start {
				w.set(base+win.start, base+win.end)
				continue
			}
			w.set(base+win.start, base+dayMinutes)
			next := (d + 1) % 7 * dayMinutes
			w.set(next, next+win.end)
		}
	}
	for m := range weekMinutes {
		if w.on(m) != w.on((m+weekMinutes-1)%weekMinutes) {
			w.changes = append(w.changes, m)
		}
	}
	return Schedule{windows: ws, week: w}
}

// Spaces people put around separators are dropped, so "Mon - Fri 07:30 -
// 19:00" reads like "Mon-Fri 07:30-19:00"; only between two days or two
// times, so a dangling "Mon- 09:00" is reported as such.
var (
	betweenDays  = regexp.MustCompile(`([A-Za-z])\s*([,-])\s*([A-Za-z])`)
	betweenTimes = regexp.MustCompile(`(\d)\s*-\s*(\d)`)
)

func parseEntry(spec string) ([]window, error) {
	s := strings.NewReplacer("\u2013", "-", "\u2014", "-").Replace(strings.TrimSpace(spec))
	if s == "" {
		return nil, errors.New("is empty; write days and times like \"Mon-Fri 07:30-19:00\"")
	}
	s = betweenDays.ReplaceAllString(s, "$1$2$3")
	fields := strings.Fields(betweenTimes.ReplaceAllString(s, "$1-$2"))
	days := uint8(0x7f)
	if c := fields[0][0]; c == '*' || ('a' <= c|0x20 && c|0x20 <= 'z') {
		var err error
		if days, err = parseDays(fields[0]); err != nil {
			return nil, err
		}
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return []window{{days: days, start: 0, end: dayMinutes}}, nil
	}
	ws := make([]window, 0, len(fields))
	for _, f := range fields {
		start, end, err := parseRange(f)
		if err != nil {
			return nil, err
		}
		ws = append(ws, window{days: days, start: start, end: end})
	}
	return ws, nil
}

func parseDays(s string) (uint8, error) {
	switch strings.ToLower(s) {
	case "*", "daily":
		return 0x7f, nil
	case "weekdays":
		return 0x1f, nil
	case "weekend", "weekends":
		return 0x60, nil
	}
	var mask uint8
	for _, item := range strings.Split(s, ",") {
		if item == "" {
			return 0, fmt.Errorf("day list %q has an empty item", s)
		}
		from, to, isRange := strings.Cut(item, "-")
		if isRange && (from == "" || to == "") {
			return 0, fmt.Errorf("day range %q needs a first and a last day, like Mon-Fri", item)
		}
		a, err := parseDay(from)
		if err != nil {
			return 0, err
		}
		if !isRange {
			mask |= 1 << a
			continue
		}
		b, err := parseDay(to)
		if err != nil {
			return 0, err
		}
		// Walk forward so "Sat-Mon" wraps over the weekend.
		for d := a; ; d = (d + 1) % 7 {
			mask |= 1 << d
			if d == b {
				break
			}
		}
	}
	return mask, nil
}

func parseDay(s string) (int, error) {
	l := strings.ToLower(s)
	for i, n := range dayNames {
		short := strings.ToLower(n)
		if l == short || l == fullDay(i) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown day %q; use Mon, Tue, Wed, Thu, Fri, Sat, Sun or full names", s)
}

func fullDay(i int) string {
	return strings.ToLower(time.Weekday((i + 1) % 7).String())
}

func parseRange(s string) (start, end int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		if _, err := parseClock(s); err == nil {
			return 0, 0, fmt.Errorf("time %q has no end; write a window like %s-19:00", s, s)
		}
		return 0, 0, fmt.Errorf("%q is not a time window HH:MM-HH:MM", s)
	}
	if start, err = parseClock(a); err != nil {
		return 0, 0, err
	}
	if end, err = parseClock(b); err != nil {
		return 0, 0, err
	}
	switch {
	case start == dayMinutes:
		return 0, 0, fmt.Errorf("window %q starts at 24:00; 24:00 can only end a window (start at 00:00)", s)
	case start == end:
		return 0, 0, fmt.Errorf("window %q starts and ends at the same time; use 00:00-24:00 for a whole day", s)
	case end == 0:
		end = dayMinutes // "22:00-00:00" ends at midnight, same as 24:00
	}
	return start, end, nil
}

// parseClock reads H:MM or HH:MM (00:00 to 24:00) as minutes of the day.
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !digits(h) || !digits(m) {
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if hh > 24 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("time %q is out of range (00:00 to 24:00)", s)
	}
	return hh*60 + mm, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// minuteOfWeek is where t's wall clock falls in a Monday-first week.
func minuteOfWeek(t time.Time) int {
	h, m, _ := t.Clock()
	return (int(t.Weekday())+6)%7*dayMinutes + h*60 + m
}

// On reports whether the screen should be on at t. t must already be in the
// kiosk's location: its wall clock is what counts.
func (s Schedule) On(t time.Time) bool {
	if s.week == nil {
		return true
	}
	return s.week.on(minuteOfWeek(t))
}

// AlwaysOn reports whether the schedule never turns the screen off (no hours
// configured, or hours that cover the whole week).
func (s Schedule) AlwaysOn() bool {
	return s.week == nil || (len(s.week.changes) == 0 && s.week.on(0))
}

// maxSegments bounds Next's walk over zone transitions; a real zone has at
// most a few between two changes of a weekly schedule.
const maxSegments = 64

// Next returns the first instant after t at which On(t) changes, in t's
// location, or the zero Time if it never does. Use it to arm a timer.
//
// The wall clock is continuous between two of the zone's offset changes, so
// Next works segment by segment: inside a segment the next change of the
// weekly pattern maps to an instant by the segment's offset; if that instant
// is past the segment's end, the offset change itself may flip On (the clock
// jumps over or back into a window) and is checked before moving on. This is
// why it does not rely on time.Date for times that do not exist: time.Date
// resolves 02:30 on a spring-forward day in Berlin to 03:30, an hour after
// the screen actually turns on.
func (s Schedule) Next(t time.Time) time.Time {
	if s.week == nil || len(s.week.changes) == 0 {
		return time.Time{}
	}
	loc := t.Location()
	state := s.On(t)
	cur := t
	for range maxSegments {
		_, offset := cur.Zone()
		_, segEnd := cur.ZoneBounds()
		cand := s.week.nextChange(cur).Add(-time.Duration(offset) * time.Second)
		if segEnd.IsZero() || cand.Before(segEnd) {
			return cand.In(loc)
		}
		segEnd = segEnd.In(loc)
		if s.On(segEnd) != state {
			return segEnd
		}
		cur = segEnd
	}
	return time.Time{}
}

// nextChange returns the first wall-clock time strictly after t's wall clock
// at which the weekly pattern flips, expressed as a UTC time whose fields are
// that wall clock.
func (w *week) nextChange(t time.Time) time.Time {
	mw := minuteOfWeek(t)
	i := sort.SearchInts(w.changes, mw+1)
	c := 0
	if i < len(w.changes) {
		c = w.changes[i]
	} else {
		c = w.changes[0] + weekMinutes
	}
	y, mo, d := t.Date()
	monday := time.Date(y, mo, d-mw/dayMinutes, 0, 0, 0, 0, time.UTC)
	return monday.Add(time.Duration(c) * time.Minute)
}

// String gives the schedule as entries Parse reads, joined by "; ", or
// "always on".
func (s Schedule) String() string {
	if len(s.windows) == 0 {
		return "always on"
	}
	return strings.Join(s.Entries(), "; ")
}

// Entries returns the schedule in canonical form, one Parse-able entry per
// window ("Sat-Sun 09:00-13:00"), or nil when it is always on.
func (s Schedule) Entries() []string {
	var out []string
	for _, w := range s.windows {
		out = append(out, fmt.Sprintf("%s %s-%s", daysString(w.days), clock(w.start), clock(w.end)))
	}
	return out
}

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// daysString writes a day set as runs, starting after a day that is off so
// a weekend-spanning set reads "Fri-Mon" rather than "Mon,Fri-Sun".
func daysString(mask uint8) string {
	if mask&0x7f == 0x7f {
		return "Daily"
	}
	in := func(d int) bool { return mask&(1<<(d%7)) != 0 }
	first := 0
	for first < 7 && (!in(first) || in(first+6)) {
		first++
	}
	var runs []string
	for d := first; d < first+7; {
		if !in(d) {
			d++
			continue
		}
		e := d
		for e+1 < first+7 && in(e+1) {
			e++
		}
		if e == d {
			runs = append(runs, dayNames[d%7])
		} else {
			runs = append(runs, dayNames[d%7]+"-"+dayNames[e%7])
		}
		d = e + 1
	}
	return strings.Join(runs, ",")
}
