package hours_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST cases must not depend on the machine's zoneinfo

	"lobbykiosk/kiosk/hours"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// wall reads "2006-01-02 15:04[:05]" as a wall clock in loc (only for times
// that exist exactly once there).
func wall(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if strings.Count(s, ":") == 2 {
		layout += ":05"
	}
	v, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// instant reads an RFC 3339 instant and shows it in loc: the only way to name
// one of the two 02:30s of a fall-back night.
func instant(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.In(loc)
}

func mustParse(t testing.TB, specs ...string) hours.Schedule {
	t.Helper()
	s, err := hours.Parse(specs)
	if err != nil {
		t.Fatalf("Parse(%q): %v", specs, err)
	}
	return s
}

// 2026-03-02 is a Monday; 2026-03-07/08 are Saturday/Sunday.
func TestOn(t *testing.T) {
	cases := []struct {
		name  string
		specs []string
		at    string // wall clock in UTC (no DST here)
		want  bool
	}{
		{"weekday before opening", []string{"Mon-Fri 07:30-19:00"}, "2026-03-02 07:29:59", false},
		{"weekday at opening", []string{"Mon-Fri 07:30-19:00"}, "2026-03-02 07:30", true},
		{"weekday last second", []string{"Mon-Fri 07:30-19:00"}, "2026-03-06 18:59:59", true},
		{"weekday at closing", []string{"Mon-Fri 07:30-19:00"}, "2026-03-06 19:00", false},
		{"saturday not a weekday", []string{"Mon-Fri 07:30-19:00"}, "2026-03-07 10:00", false},
		{"second entry saturday", []string{"Mon-Fri 07:30-19:00", "Sat 09:00-13:00"}, "2026-03-07 12:59", true},
		{"second entry saturday after", []string{"Mon-Fri 07:30-19:00", "Sat 09:00-13:00"}, "2026-03-07 13:00", false},
		{"second entry not sunday", []string{"Mon-Fri 07:30-19:00", "Sat 09:00-13:00"}, "2026-03-08 10:00", false},
		{"weekend range sunday", []string{"Sat-Sun 10:00-16:00"}, "2026-03-08 15:00", true},
		{"weekend range not monday", []string{"Sat-Sun 10:00-16:00"}, "2026-03-09 15:00", false},
		{"wrapping range monday", []string{"Fri-Mon 10:00-16:00"}, "2026-03-09 15:00", true},
		{"wrapping range tuesday", []string{"Fri-Mon 10:00-16:00"}, "2026-03-10 15:00", false},
		{"list wednesday", []string{"Mon,Wed,Fri 08:00-09:00"}, "2026-03-04 08:30", true},
		{"list tuesday", []string{"Mon,Wed,Fri 08:00-09:00"}, "2026-03-03 08:30", false},
		{"full names any case", []string{"monday-FRIDAY 9:00-17:00"}, "2026-03-05 16:59", true},
		{"single full day", []string{"Sunday 11:00-12:00"}, "2026-03-08 11:00", true},
		{"daily", []string{"Daily 06:00-22:00"}, "2026-03-08 06:00", true},
		{"star", []string{"* 06:00-22:00"}, "2026-03-08 05:59", false},
		{"weekdays word", []string{"Weekdays 08:00-18:00"}, "2026-03-07 09:00", false},
		{"weekend word", []string{"weekend 08:00-18:00"}, "2026-03-07 09:00", true},
		{"time only is every day", []string{"06:00-22:00"}, "2026-03-07 21:59", true},
		{"day only is the whole day", []string{"Sat"}, "2026-03-07 23:59:59", true},
		{"day only not the next", []string{"Sat"}, "2026-03-08 00:00", false},
		{"spaces around separators", []string{"Mon - Fri 07:30 - 19:00"}, "2026-03-03 08:00", true},
		{"two windows in one entry", []string{"Mon-Fri 07:30-12:00 13:00-19:00"}, "2026-03-03 12:30", false},
		{"two windows second", []string{"Mon-Fri 07:30-12:00 13:00-19:00"}, "2026-03-03 13:30", true},
		{"overnight friday evening", []string{"Fri 22:00-02:00"}, "2026-03-06 22:00", true},
		{"overnight before", []string{"Fri 22:00-02:00"}, "2026-03-06 21:59", false},
		{"overnight saturday small hours", []string{"Fri 22:00-02:00"}, "2026-03-07 01:59:59", true},
		{"overnight ends", []string{"Fri 22:00-02:00"}, "2026-03-07 02:00", false},
		{"overnight not saturday evening", []string{"Fri 22:00-02:00"}, "2026-03-07 23:00", false},
		{"overnight not friday small hours", []string{"Fri 22:00-02:00"}, "2026-03-06 01:00", false},
		{"overnight sunday into monday", []string{"Sun 20:00-06:00"}, "2026-03-09 05:59", true},
		{"overnight sunday evening", []string{"Sun 20:00-06:00"}, "2026-03-08 23:00", true},
		{"overnight monday after", []string{"Sun 20:00-06:00"}, "2026-03-09 06:00", false},
		{"overnight not from saturday", []string{"Sun 20:00-06:00"}, "2026-03-08 05:00", false},
		{"24:00 last second", []string{"Mon 18:00-24:00"}, "2026-03-02 23:59:59", true},
		{"24:00 next day off", []string{"Mon 18:00-24:00"}, "2026-03-03 00:00", false},
		{"00:00 end means midnight", []string{"Mon 18:00-00:00"}, "2026-03-02 23:30", true},
		{"00:00 end next day off", []string{"Mon 18:00-00:00"}, "2026-03-03 00:30", false},
		{"empty list", nil, "2026-03-08 03:00", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.specs...)
			at := wall(t, time.UTC, tc.at)
			if got := s.On(at); got != tc.want {
				t.Errorf("%v.On(%s %s) = %v, want %v", s, at.Weekday(), at.Format("15:04:05"), got, tc.want)
			}
		})
	}
}

func TestZeroValueAlwaysOn(t *testing.T) {
	var s hours.Schedule
	at := wall(t, time.UTC, "2026-03-08 03:00")
	if !s.On(at) || !s.AlwaysOn() || !s.Next(at).IsZero() || s.String() != "always on" {
		t.Errorf("zero Schedule: On=%v AlwaysOn=%v Next=%v String=%q", s.On(at), s.AlwaysOn(), s.Next(at), s.String())
	}
}

func TestAlwaysOn(t *testing.T) {
	cases := []struct {
		specs []string
		want  bool
	}{
		{nil, true},
		{[]string{}, true},
		{[]string{"Daily 00:00-24:00"}, true},
		{[]string{"Mon-Fri", "Sat-Sun"}, true},
		{[]string{"Daily 00:00-23:59"}, false},
		{[]string{"Mon-Sat"}, false},
		{[]string{"Daily 22:00-22:01", "Daily 22:01-22:00"}, true},
	}
	for _, tc := range cases {
		s := mustParse(t, tc.specs...)
		if got := s.AlwaysOn(); got != tc.want {
			t.Errorf("Parse(%q).AlwaysOn() = %v, want %v", tc.specs, got, tc.want)
		}
		if tc.want && !s.Next(wall(t, time.UTC, "2026-03-02 10:00")).IsZero() {
			t.Errorf("Parse(%q).Next is not zero for an always-on schedule", tc.specs)
		}
	}
}

func TestString(t *testing.T) {
	cases := []struct {
		specs []string
		want  string
	}{
		{[]string{"mon-fri 7:30-19:00", "SAT 09:00 - 13:00"}, "Mon-Fri 07:30-19:00; Sat 09:00-13:00"},
		{[]string{"Fri-Mon 10:00-16:00"}, "Fri-Mon 10:00-16:00"},
		{[]string{"Mon,Wed,Fri 08:00-09:00"}, "Mon,Wed,Fri 08:00-09:00"},
		{[]string{"Sun,Mon,Tue,Thu 08:00-09:00"}, "Thu,Sun-Tue 08:00-09:00"},
		{[]string{"* 22:00-02:00"}, "Daily 22:00-02:00"},
		{[]string{"Weekend"}, "Sat-Sun 00:00-24:00"},
		{[]string{"Mon 18:00-00:00"}, "Mon 18:00-24:00"},
		{[]string{"Mon-Fri 07:30-12:00 13:00-19:00"}, "Mon-Fri 07:30-12:00; Mon-Fri 13:00-19:00"},
	}
	for _, tc := range cases {
		s := mustParse(t, tc.specs...)
		if got := s.String(); got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.specs, got, tc.want)
		}
		// What String prints must read back as the same schedule.
		back := mustParse(t, s.Entries()...)
		if back.String() != s.String() {
			t.Errorf("Entries of %q read back as %q", s, back)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		specs []string
		want  string
	}{
		{[]string{"Mon-Fri 07:30-19:00", "Sat 9-13"}, `hours entry 2 "Sat 9-13": time "9" is not HH:MM`},
		{[]string{"Someday 7-9"}, `hours entry 1 "Someday 7-9": unknown day "Someday"; use Mon, Tue, Wed, Thu, Fri, Sat, Sun or full names`},
		{[]string{"Mon 25:00-26:00"}, `hours entry 1 "Mon 25:00-26:00": time "25:00" is out of range (00:00 to 24:00)`},
		{[]string{"Mon 09:60-10:00"}, `hours entry 1 "Mon 09:60-10:00": time "09:60" is out of range (00:00 to 24:00)`},
		{[]string{"Mon 24:30-10:00"}, `hours entry 1 "Mon 24:30-10:00": time "24:30" is out of range (00:00 to 24:00)`},
		{[]string{"Mon 24:00-02:00"}, `hours entry 1 "Mon 24:00-02:00": window "24:00-02:00" starts at 24:00; 24:00 can only end a window (start at 00:00)`},
		{[]string{"Mon 10:00-10:00"}, `hours entry 1 "Mon 10:00-10:00": window "10:00-10:00" starts and ends at the same time; use 00:00-24:00 for a whole day`},
		{[]string{"Mon 09:00"}, `hours entry 1 "Mon 09:00": time "09:00" has no end; write a window like 09:00-19:00`},
		{[]string{"Mon 09:00-10:00 noon"}, `hours entry 1 "Mon 09:00-10:00 noon": "noon" is not a time window HH:MM-HH:MM`},
		{[]string{"Mon 9h00-10h00"}, `hours entry 1 "Mon 9h00-10h00": time "9h00" is not HH:MM`},
		{[]string{"Mon 09:5-10:00"}, `hours entry 1 "Mon 09:5-10:00": time "09:5" is not HH:MM`},
		{[]string{"Mon- 09:00-10:00"}, `hours entry 1 "Mon- 09:00-10:00": day range "Mon-" needs a first and a last day, like Mon-Fri`},
		{[]string{"Mon,,Fri 09:00-10:00"}, `hours entry 1 "Mon,,Fri 09:00-10:00": day list "Mon,,Fri" has an empty item`},
		{[]string{"  "}, `hours entry 1 "  ": is empty; write days and times like "Mon-Fri 07:30-19:00"`},
		{[]string{"Sat 9-13", "Mon 09:00-10:00", "Tuesday 1-2"},
			"hours entry 1 \"Sat 9-13\": time \"9\" is not HH:MM\n" +
				"hours entry 3 \"Tuesday 1-2\": time \"1\" is not HH:MM"},
	}
	for _, tc := range cases {
		_, err := hours.Parse(tc.specs)
		if err == nil {
			t.Errorf("Parse(%q) accepted it, want error %q", tc.specs, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("Parse(%q) error:\n got %q\nwant %q", tc.specs, err, tc.want)
		}
		var ee *hours.EntryError
		if !errors.As(err, &ee) || ee.Index < 1 {
			t.Errorf("Parse(%q) error %v carries no *EntryError", tc.specs, err)
		}
	}
}

// The good entries of a list with a bad one still form a schedule.
func TestParseKeepsGoodEntries(t *testing.T) {
	s, err := hours.Parse([]string{"Mon-Fri 07:30-19:00", "Sat 9-13"})
	if err == nil {
		t.Fatal("want an error for entry 2")
	}
	if got := s.String(); got != "Mon-Fri 07:30-19:00" {
		t.Errorf("schedule from the good entries = %q, want %q", got, "Mon-Fri 07:30-19:00")
	}
}

func TestNext(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	newYork := zone(t, "America/New_York")
	cases := []struct {
		name  string
		specs []string
		loc   *time.Location
		from  time.Time
		want  []time.Time // successive Next results, each from the previous
	}{
		{"weekdays open and close", []string{"Mon-Fri 07:30-19:00"}, time.UTC,
			wall(t, time.UTC, "2026-03-02 07:30"), // at the boundary: the next change is the close
			[]time.Time{wall(t, time.UTC, "2026-03-02 19:00"), wall(t, time.UTC, "2026-03-03 07:30")}},
		{"friday close skips the weekend", []string{"Mon-Fri 07:30-19:00"}, time.UTC,
			wall(t, time.UTC, "2026-03-06 18:00"),
			[]time.Time{wall(t, time.UTC, "2026-03-06 19:00"), wall(t, time.UTC, "2026-03-09 07:30")}},
		{"overnight across sunday to monday", []string{"Sun 20:00-06:00"}, time.UTC,
			wall(t, time.UTC, "2026-03-04 12:00"),
			[]time.Time{wall(t, time.UTC, "2026-03-08 20:00"), wall(t, time.UTC, "2026-03-09 06:00"), wall(t, time.UTC, "2026-03-15 20:00")}},
		{"adjacent windows are one", []string{"Mon 09:00-12:00", "Mon 12:00-13:00"}, time.UTC,
			wall(t, time.UTC, "2026-03-02 10:00"),
			[]time.Time{wall(t, time.UTC, "2026-03-02 13:00")}},
		{"24:00 into an early start", []string{"Mon 18:00-24:00", "Tue 00:00-01:00"}, time.UTC,
			wall(t, time.UTC, "2026-03-02 20:00"),
			[]time.Time{wall(t, time.UTC, "2026-03-03 01:00")}},
		{"sub-second clock", []string{"Daily 08:00-09:00"}, time.UTC,
			wall(t, time.UTC, "2026-03-02 08:59:59").Add(999 * time.Millisecond),
			[]time.Time{wall(t, time.UTC, "2026-03-02 09:00")}},

		// Berlin springs forward on 2026-03-29 02:00 CET -> 03:00 CEST.
		{"berlin spring: start in the gap begins at 03:00", []string{"Sun 02:30-05:00"}, berlin,
			wall(t, berlin, "2026-03-29 01:00"),
			[]time.Time{instant(t, berlin, "2026-03-29T01:00:00Z"), instant(t, berlin, "2026-03-29T03:00:00Z")}},
		{"berlin spring: end in the gap ends at 03:00", []string{"Sun 00:00-02:30"}, berlin,
			wall(t, berlin, "2026-03-29 01:00"),
			[]time.Time{instant(t, berlin, "2026-03-29T01:00:00Z")}},
		{"berlin spring: window inside the gap is skipped", []string{"Sun 02:00-02:30"}, berlin,
			wall(t, berlin, "2026-03-28 12:00"),
			[]time.Time{instant(t, berlin, "2026-04-05T00:00:00Z")}},
		{"berlin spring: morning opening is an hour nearer", []string{"Daily 07:00-19:00"}, berlin,
			wall(t, berlin, "2026-03-28 20:00"),
			[]time.Time{instant(t, berlin, "2026-03-29T05:00:00Z"), instant(t, berlin, "2026-03-29T17:00:00Z")}},
		// Berlin falls back on 2026-10-25 03:00 CEST -> 02:00 CET: 02:xx shows twice.
		{"berlin fall: window in the repeated hour is on twice", []string{"Sun 02:00-02:30"}, berlin,
			wall(t, berlin, "2026-10-25 01:00"),
			[]time.Time{
				instant(t, berlin, "2026-10-25T00:00:00Z"), // 02:00 CEST
				instant(t, berlin, "2026-10-25T00:30:00Z"), // 02:30 CEST
				instant(t, berlin, "2026-10-25T01:00:00Z"), // 02:00 CET, clock set back
				instant(t, berlin, "2026-10-25T01:30:00Z"), // 02:30 CET
			}},
		{"berlin fall: evening close is an hour later", []string{"Daily 07:00-19:00"}, berlin,
			wall(t, berlin, "2026-10-24 20:00"),
			[]time.Time{instant(t, berlin, "2026-10-25T06:00:00Z"), instant(t, berlin, "2026-10-25T18:00:00Z")}},
		// New York springs forward on 2026-03-08 02:00 EST -> 03:00 EDT and
		// falls back on 2026-11-01 02:00 EDT -> 01:00 EST.
		{"new york spring: start in the gap begins at 03:00", []string{"Sun 02:30-04:00"}, newYork,
			wall(t, newYork, "2026-03-07 23:00"),
			[]time.Time{instant(t, newYork, "2026-03-08T07:00:00Z"), instant(t, newYork, "2026-03-08T08:00:00Z")}},
		{"new york fall: 01:30 shows twice", []string{"Sun 01:30-01:45"}, newYork,
			wall(t, newYork, "2026-10-31 23:00"),
			[]time.Time{
				instant(t, newYork, "2026-11-01T05:30:00Z"), // 01:30 EDT
				instant(t, newYork, "2026-11-01T05:45:00Z"), // 01:45 EDT
				instant(t, newYork, "2026-11-01T06:30:00Z"), // 01:30 EST
				instant(t, newYork, "2026-11-01T06:45:00Z"), // 01:45 EST
			}},
		{"new york fall: clock set back into a window turns it on", []string{"Sun 01:00-01:30"}, newYork,
			instant(t, newYork, "2026-11-01T05:45:00Z"), // 01:45 EDT, off
			[]time.Time{
				instant(t, newYork, "2026-11-01T06:00:00Z"), // 01:00 EST, on again
				instant(t, newYork, "2026-11-01T06:30:00Z"),
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.specs...)
			cur := tc.from
			for i, want := range tc.want {
				got := s.Next(cur)
				if !got.Equal(want) {
					t.Fatalf("step %d: Next(%s) = %s, want %s", i, cur.Format(time.RFC3339), got.Format(time.RFC3339), want.Format(time.RFC3339))
				}
				if got.Location() != tc.loc {
					t.Errorf("step %d: Next is in %v, want %v", i, got.Location(), tc.loc)
				}
				if s.On(got) == s.On(cur) {
					t.Errorf("step %d: On(%s) = On(%s) = %v; Next must be a change", i, got.Format(time.RFC3339), cur.Format(time.RFC3339), s.On(cur))
				}
				if s.On(got.Add(-time.Nanosecond)) != s.On(cur) {
					t.Errorf("step %d: On changed before Next", i)
				}
				cur = got
			}
		})
	}
}

// TestNextAgainstMinuteScan walks DST weeks minute by minute in real time and
// checks that Next finds exactly the instants where On flips.
func TestNextAgainstMinuteScan(t *testing.T) {
	specs := [][]string{
		{"Mon-Fri 07:30-19:00", "Sat 09:00-13:00"},
		{"Sun 02:30-05:00", "Sat 22:00-01:30"},
		{"Daily 01:00-02:30", "Sun 02:45-03:15"},
		{"Fri-Mon 00:00-02:15 02:20-03:10"},
	}
	windows := []struct {
		zone, from string
	}{
		{"Europe/Berlin", "2026-03-25T00:00:00Z"},
		{"Europe/Berlin", "2026-10-21T00:00:00Z"},
		{"America/New_York", "2026-03-05T00:00:00Z"},
		{"America/New_York", "2026-10-29T00:00:00Z"},
		{"Australia/Lord_Howe", "2026-04-02T00:00:00Z"}, // half-hour DST
	}
	for _, w := range windows {
		loc := zone(t, w.zone)
		start := instant(t, loc, w.from)
		for _, sp := range specs {
			s := mustParse(t, sp...)
			next := s.Next(start)
			prev := start
			for m := start.Add(time.Minute); m.Before(start.Add(7 * 24 * time.Hour)); m = m.Add(time.Minute) {
				if s.On(m) == s.On(prev) {
					if !next.After(m) {
						t.Fatalf("%s %q: Next from %s said %s, but On did not change there",
							w.zone, sp, prev.Format(time.RFC3339), next.Format(time.RFC3339))
					}
				} else {
					if !next.Equal(m) {
						t.Fatalf("%s %q: On changed at %s, Next said %s",
							w.zone, sp, m.Format(time.RFC3339), next.Format(time.RFC3339))
					}
					next = s.Next(m)
				}
				prev = m
			}
		}
	}
}

// The wall clock jumping (an NTP correction, a dead RTC battery) must not
// confuse anything: On and Next depend only on the time they are given.
func TestClockJumps(t *testing.T) {
	s := mustParse(t, "Mon-Fri 07:30-19:00", "Fri 22:00-02:00")
	readings := []struct {
		at   string
		want bool
	}{
		{"2026-03-06 18:30", true},  // Friday, open
		{"2026-03-06 17:30", true},  // clock set back an hour
		{"2026-03-06 19:30", false}, // forward again past closing
		{"2026-03-07 19:30", false}, // forward a day: Saturday evening
		{"2026-03-07 01:30", true},  // back to Saturday small hours: Friday's late window
		{"2026-03-06 22:30", true},  // back to Friday late
		{"2026-03-06 21:30", false}, // back another hour
		{"2026-03-06 18:30", true},  // and where we started
	}
	for i, r := range readings {
		at := wall(t, time.UTC, r.at)
		if got := s.On(at); got != r.want {
			t.Errorf("reading %d (%s %s): On = %v, want %v", i, at.Weekday(), r.at, got, r.want)
		}
		n := s.Next(at)
		if !n.After(at) || s.On(n) == r.want || s.On(n.Add(-time.Second)) != r.want {
			t.Errorf("reading %d (%s): Next = %s is not the next change", i, r.at, n)
		}
	}
}
