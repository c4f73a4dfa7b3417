package hours_test

import (
	"strings"
	"testing"
	"time"

	"lobbykiosk/kiosk/hours"
)

// fuzzZones include odd offsets and a zone that skipped a whole day
// (Pacific/Apia, December 2011), where the wall clock jumps a date.
var fuzzZones = []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia"}

// FuzzParse feeds entries (one per line) and a moment; whatever Parse accepts
// must answer On and Next sanely there.
func FuzzParse(f *testing.F) {
	f.Add("Mon-Fri 07:30-19:00\nSat 09:00-13:00", int64(1774746000), uint8(1))
	f.Add("Sun 02:30-05:00", int64(1774742400), uint8(1))
	f.Add("Fri 22:00-02:00", int64(1761350400), uint8(2))
	locs := make([]*time.Location, len(fuzzZones))
	for i, name := range fuzzZones {
		locs[i] = zone(f, name)
	}
	// Keep moments between 1970 and about 2240, past the end of the zone
	// tables, where rules are extended by formula.
	const span = int64(1) << 33
	f.Fuzz(func(t *testing.T, spec string, unix int64, z uint8) {
		s, err := hours.Parse(strings.Split(spec, "\n"))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "hours entry ") {
				t.Fatalf("error does not name the entry: %q", err)
			}
			if s.String() == "" {
				t.Fatal("empty String for the partial schedule")
			}
		}
		at := time.Unix((unix%span+span)%span, 0).In(locs[int(z)%len(locs)])
		on := s.On(at)
		n := s.Next(at)
		if n.IsZero() {
			if !s.AlwaysOn() {
				t.Fatalf("%q: Next(%s) is zero but the schedule is not always on", s, at)
			}
			return
		}
		if s.AlwaysOn() {
			t.Fatalf("%q: always on, yet Next(%s) = %s", s, at, n)
		}
		if !n.After(at) {
			t.Fatalf("%q: Next(%s) = %s is not after it", s, at, n)
		}
		if s.On(n) == on {
			t.Fatalf("%q: On is %v both at %s and at Next = %s", s, on, at, n)
		}
		if s.On(n.Add(-time.Nanosecond)) != on {
			t.Fatalf("%q: On changed before Next = %s", s, n)
		}
		if n.Sub(at) > 15*24*time.Hour {
			t.Fatalf("%q: Next(%s) = %s is more than two weeks away", s, at, n)
		}
		back, err := hours.Parse(s.Entries())
		if err != nil {
			t.Fatalf("%q does not read back: %v", s, err)
		}
		if back.String() != s.String() || back.On(at) != on || !back.Next(at).Equal(n) {
			t.Fatalf("%q read back as %q, a different schedule", s, back)
		}
	})
}
