package parse

import (
	"strings"
	"testing"
	"time"
)

func TestDates(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	in := func(y int, m time.Month, d, h, mi, s int, loc *time.Location) time.Time {
		return time.Date(y, m, d, h, mi, s, 0, loc).UTC()
	}
	utc := time.UTC
	tests := []struct {
		in   string
		want time.Time
	}{
		// RFC 822 / 1123, with and without weekday, seconds, a named zone.
		{"Tue, 14 May 2024 09:12:33 +0000", in(2024, 5, 14, 9, 12, 33, utc)},
		{"14 May 2024 08:01 +0000", in(2024, 5, 14, 8, 1, 0, utc)}, // Bluesky
		{"Mon, 02 Jan 2006 15:04:05 GMT", in(2006, 1, 2, 15, 4, 5, utc)},
		{"Mon, 02 Jan 2006 15:04:05 EST", in(2006, 1, 2, 20, 4, 5, utc)},
		{"Mon, 02 Jan 2006 15:04 CEST", in(2006, 1, 2, 13, 4, 0, utc)},
		{"Thu, 5 Nov 2026 9:30:00 -0700", in(2026, 11, 5, 16, 30, 0, utc)},
		{"Fri, 20 Nov 26 10:00:00 +0100", in(2026, 11, 20, 9, 0, 0, utc)},
		{"Friday, 20-Nov-26 10:00:00 GMT", in(2026, 11, 20, 10, 0, 0, utc)}, // RFC 850
		{"Fri Nov 20 10:00:00 UTC 2026", in(2026, 11, 20, 10, 0, 0, utc)},   // Unix date
		{"Fri Nov 20 10:00:00 2026", in(2026, 11, 20, 10, 0, 0, berlin)},    // ANSI C, no zone
		{"Mon, 02 Jan 2006 15:04:05 +0000 (UTC)", in(2006, 1, 2, 15, 4, 5, utc)},
		// ISO 8601 / RFC 3339, with and without seconds or zone.
		{"2026-11-20T10:00:00Z", in(2026, 11, 20, 10, 0, 0, utc)},
		{"2026-11-20T10:00:00.123+02:00", time.Date(2026, 11, 20, 8, 0, 0, 123e6, utc)},
		{"2026-11-20T10:00:00+0200", in(2026, 11, 20, 8, 0, 0, utc)},
		{"2018-01-06T08:00", in(2018, 1, 6, 8, 0, 0, berlin)}, // JSON Feed 1.0 example: the kiosk's zone
		{"2018-01-06T08:00Z", in(2018, 1, 6, 8, 0, 0, utc)},
		{"2026-11-20 14:33", in(2026, 11, 20, 14, 33, 0, berlin)},
		{"2026-11-20", in(2026, 11, 20, 0, 0, 0, berlin)},
		{"2020/1/10 14:33:00", in(2020, 1, 10, 14, 33, 0, berlin)},
		{"20261120", in(2026, 11, 20, 0, 0, 0, berlin)},
		// Day and month: unambiguous ones, and dots (always day first).
		{"20.11.2026", in(2026, 11, 20, 0, 0, 0, berlin)},
		{"2.1.2026 9:05", in(2026, 1, 2, 9, 5, 0, berlin)},
		{"20/11/2026", in(2026, 11, 20, 0, 0, 0, berlin)},
		{"11/20/2026", in(2026, 11, 20, 0, 0, 0, berlin)},
		{"11/20/2026 2:33 PM", in(2026, 11, 20, 14, 33, 0, berlin)},
		{"05/05/2026", in(2026, 5, 5, 0, 0, 0, berlin)},
		{"20-11-26", in(2026, 11, 20, 0, 0, 0, berlin)},
		// Month names.
		{"20 November 2026", in(2026, 11, 20, 0, 0, 0, berlin)},
		{"November 20, 2026", in(2026, 11, 20, 0, 0, 0, berlin)},
		{"Nov 20, 2026 3:04 PM", in(2026, 11, 20, 15, 4, 0, berlin)},
		// Unix seconds and milliseconds.
		{"1795168800", time.Unix(1795168800, 0).UTC()},
		{"1795168800000", time.Unix(1795168800, 0).UTC()},
	}
	for _, tt := range tests {
		d := newDateReader("", "Europe/Berlin")
		got, err := d.parse(tt.in)
		if err != nil {
			t.Errorf("parse(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("parse(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDatesRefused(t *testing.T) {
	tests := []struct{ in, want string }{
		{"05/06/2026", `cannot tell whether "05/06/2026" is day/month or month/day`},
		{"soon", `cannot read "soon" as a date`},
		{"31/04/2026", `cannot read "31/04/2026" as a date`},
		{"2026-13-01", `cannot read "2026-13-01" as a date`},
		{"0001-01-01T00:00:00Z", `"0001-01-01T00:00:00Z" is not a real date (year 1)`},
		{"13/14/2026", `cannot read "13/14/2026" as a date`},
		{"2026-11/20", `cannot read "2026-11/20" as a date`},
		{"12345", `cannot read "12345" as a date`},
	}
	for _, tt := range tests {
		_, err := newDateReader("", "UTC").parse(tt.in)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("parse(%q) = %v, want an error starting %q", tt.in, err, tt.want)
		}
	}
}

// An ambiguous date takes its order from the locale, else from the other
// dates of the same document.
func TestDateOrder(t *testing.T) {
	may := time.Date(2026, 5, 6, 0, 0, 0, 0, time.UTC)
	june := time.Date(2026, 6, 5, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, locale string
		others       []string
		want         time.Time
		choice, warn string
	}{
		{"locale en-US", "en-US", nil, may, `dates such as "05/06/2026" read as 6 May 2026: the source's locale "en-US" writes the month first`, ""},
		{"locale en (US)", "en", nil, may, "", ""},
		{"locale de", "de", []string{"11/20/2026"}, june, `dates such as "05/06/2026" read as 5 June 2026: the source's locale "de" writes the day first`, ""},
		{"other rows day first", "", []string{"20/11/2026", "05/06/2026"}, june, `dates such as "05/06/2026" read as 5 June 2026: other dates write the day first ("20/11/2026")`, ""},
		{"other rows month first", "", []string{"11/20/2026"}, may, "", ""},
		{"both ways", "", []string{"11/20/2026", "20/11/2026"}, time.Time{}, "", `dates are written both day first ("20/11/2026") and month first ("11/20/2026")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDateReader(tt.locale, "UTC")
			for _, o := range tt.others {
				d.observe(o)
			}
			warn := d.decide()
			if !strings.HasPrefix(warn, tt.warn) || (tt.warn == "") != (warn == "") {
				t.Errorf("warning %q, want %q", warn, tt.warn)
			}
			got, err := d.parse("05/06/2026")
			if tt.want.IsZero() {
				if err == nil {
					t.Errorf("read as %v, want refused", got)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
			if c := d.choice(); tt.choice != "" && c != tt.choice {
				t.Errorf("choice %q\nwant %q", c, tt.choice)
			}
		})
	}
}

// A date without a zone is in the source's zone when its other dates agree
// on one.
func TestDateSourceZone(t *testing.T) {
	d := newDateReader("", "UTC")
	d.inferZone = true
	d.observe("Tue, 14 May 2024 09:12:33 -0500")
	d.observe("2024-05-13T08:00:00-05:00")
	d.decide()
	got, err := d.parse("2024-05-12T08:00")
	if want := time.Date(2024, 5, 12, 13, 0, 0, 0, time.UTC); err != nil || !got.Equal(want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
}
