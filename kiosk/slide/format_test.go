package slide

import (
	"lobbykiosk/kiosk/locale"

	"math"
	"testing"
	"time"
)

func TestInitials(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Ana Lima", "AL"},
		{"ana lima", "AL"},
		{"Cher", "C"},
		{"  Mary Ann  van der Berg ", "MB"},
		{"Δημήτρης Παπαδόπουλος", "ΔΠ"},
		{"δημήτρης", "Δ"},
		{"Jean-Luc Picard", "JP"},
		{"🚀 Ana Lima 🎉", "AL"},
		{"👩‍💻", ""},
		{"", ""},
		{"@ana_lima", "A"},
		{"E\u0301mile Zola", "E\u0301Z"}, // decomposed accent stays with its letter
		{"Émile Zola", "ÉZ"},
		{"山田 太郎", "山太"},
		{"דוד כהן", "דכ"},
		{"محمد علي", "م\u200cع"},     // kept apart: two initials, not a word
		{"مريم الحسيني", "م\u200cح"}, // the article is not an initial
		{"عبد الله", "ع\u200cل"},     // "الله" keeps its letters after the article
		{"Alice Allen", "AA"},
		{"प्रिया शर्मा", "पश"}, // the virama stays with its word
		{"— Lima", "L"},
	}
	for _, tt := range tests {
		if got := Initials(tt.name); got != tt.want {
			t.Errorf("Initials(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestAge(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// 12 Nov 2025, 01:30 in Berlin is 00:30 UTC.
	now := time.Date(2025, 11, 12, 1, 30, 0, 0, berlin)
	tests := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want string
	}{
		{"zero time", time.Time{}, berlin, ""},
		{"seconds ago", now.Add(-30 * time.Second), berlin, "just now"},
		{"clock skew: slightly in the future", now.Add(2 * time.Minute), berlin, "just now"},
		{"minutes", now.Add(-5 * time.Minute), berlin, "5 min ago"},
		{"59 minutes", now.Add(-59*time.Minute - 59*time.Second), berlin, "59 min ago"},
		{"evening post after midnight", now.Add(-2 * time.Hour), berlin, "2 h ago"},
		// 11 Nov 16:00 in Berlin is 05:00 in Honolulu, where "now" is still
		// 11 Nov 14:30: the same post is "yesterday" in one lobby and
		// "9 h ago" in the other.
		{"yesterday in Berlin", time.Date(2025, 11, 11, 16, 0, 0, 0, berlin), berlin, "yesterday"},
		{"same post seen from UTC-10 is today", time.Date(2025, 11, 11, 16, 0, 0, 0, berlin), time.FixedZone("HST", -10*3600), "9 h ago"},
		{"three days", time.Date(2025, 11, 9, 12, 0, 0, 0, berlin), berlin, "3 d ago"},
		{"six days", time.Date(2025, 11, 6, 12, 0, 0, 0, berlin), berlin, "6 d ago"},
		{"a week: date", time.Date(2025, 11, 5, 12, 0, 0, 0, berlin), berlin, "5 Nov"},
		{"last year: with year", time.Date(2024, 11, 12, 12, 0, 0, 0, berlin), berlin, "12 Nov 2024"},
		{"just after midnight in Berlin", time.Date(2025, 11, 11, 0, 30, 0, 0, berlin), berlin, "yesterday"},
		{"nil location counts UTC midnights", time.Date(2025, 11, 11, 0, 30, 0, 0, berlin), nil, "2 d ago"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Age(nil, tt.t, now, tt.loc); got != tt.want {
				t.Errorf("Age = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{4812, "4,812"},
		{4812.4, "4,812"},
		{999_999, "999,999"},
		{999_999.6, "1 M"},
		{1_000_000, "1 M"},
		{1_234_567, "1.2 M"},
		{123_456_789, "123 M"},
		{999_950_000, "1 B"},
		{12_345_678_901, "12.3 B"},
		{4.5e12, "4.5 T"},
		{1e15, "1,000 T"},
		{-4812, "–4,812"},
		{-12_345_678_901, "–12.3 B"},
		{37.5, "37.5"},
		{37.54, "37.5"},
		{0.25, "0.25"},
		{4.256, "4.26"},
		{-0.001, "0"},
		{math.NaN(), "–"},
		{math.Inf(1), "–"},
	}
	for _, tt := range tests {
		if got := FormatNumber(nil, tt.v); got != tt.want {
			t.Errorf("FormatNumber(nil, %v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestFormatChange(t *testing.T) {
	tests := []struct {
		frac   float64
		points bool
		want   string
		trend  Trend
	}{
		{0.12, false, "+12 %", TrendUp},
		{-0.04, false, "–4 %", TrendDown},
		{-0.5, false, "–50 %", TrendDown},
		{0.004, false, "+0.4 %", TrendUp},
		{0.0004, false, "±0 %", TrendFlat},
		{0, false, "±0 %", TrendFlat},
		{48.99, false, "+4,899 %", TrendUp},
		{2.5, true, "+2.5 pts", TrendUp},
		{-12.25, true, "–12 pts", TrendDown},
		{math.NaN(), false, "", TrendNone},
	}
	for _, tt := range tests {
		got, trend := FormatChange(nil, tt.frac, tt.points)
		if got != tt.want || trend != tt.trend {
			t.Errorf("FormatChange(nil, %v, %v) = %q, %v; want %q, %v", tt.frac, tt.points, got, trend, tt.want, tt.trend)
		}
	}
}

func TestFormatPoints(t *testing.T) {
	for v, want := range map[float64]string{1: "1 pt", 0: "0 pts", 1240: "1,240 pts", 12.5: "12.5 pts"} {
		if got := FormatPoints(nil, v); got != want {
			t.Errorf("FormatPoints(nil, %v) = %q, want %q", v, got, want)
		}
	}
}

func TestStaleMark(t *testing.T) {
	now := time.Date(2025, 11, 12, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		lastGood time.Time
		offline  bool
		want     string
	}{
		{"fresh", now.Add(-10 * time.Minute), false, ""},
		{"stale", now.Add(-3 * time.Hour), false, "updated 3 h ago"},
		{"offline but recent", now.Add(-10 * time.Minute), true, "offline · updated 10 min ago"},
		{"offline and old", now.Add(-3 * time.Hour), true, "offline · updated 3 h ago"},
		{"never fetched, offline", time.Time{}, true, "offline"},
		{"never fetched, online", time.Time{}, false, ""},
	}
	for _, tt := range tests {
		if got := StaleMark(nil, tt.lastGood, now, tt.offline, time.Hour, time.UTC); got != tt.want {
			t.Errorf("%s: StaleMark = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestClock(t *testing.T) {
	now := time.Date(2025, 11, 12, 13, 5, 0, 0, time.UTC)
	if got := Clock(nil, now, time.FixedZone("CET", 3600)); got != "14:05" {
		t.Errorf("Clock = %q, want 14:05", got)
	}
}

func TestNetworkMark(t *testing.T) {
	tests := []struct{ in, label string }{
		{"linkedin", "LinkedIn"},
		{"LinkedIn", "LinkedIn"},
		{"bluesky", "Bluesky"},
		{"x", "X"},
		{"intranet", "Intranet"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NetworkLabel(nil, tt.in); got != tt.label {
			t.Errorf("NetworkLabel(nil, %q) = %q, want %q", tt.in, got, tt.label)
		}
	}
	if NetworkColor("mastodon") == NetworkColor("linkedin") {
		t.Error("Mastodon and LinkedIn marks have the same colour")
	}
}

func TestAvatarColorIsStable(t *testing.T) {
	if AvatarColor("Ana Lima") != AvatarColor(" ana lima ") {
		t.Error("the same person got two colours")
	}
	seen := map[any]bool{}
	for _, n := range []string{"Ana Lima", "Ben Okafor", "Chen Wei", "Dana Kim", "Elif Demir", "Farah Haddad"} {
		seen[AvatarColor(n)] = true
	}
	if len(seen) < 3 {
		t.Errorf("six people share %d colours", len(seen))
	}
}

// TestLocalized checks what an office outside the English-speaking world
// reads: its words, its digits and separators, its dates.
func TestLocalized(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		lang string
		got  func(l *locale.Locale) string
		want string
	}{
		{"de", func(l *locale.Locale) string { return FormatNumber(l, 1240) }, "1.240"},
		{"de", func(l *locale.Locale) string { return FormatNumber(l, 1.2e6) }, "1,2 Mio."},
		{"fr", func(l *locale.Locale) string { return FormatNumber(l, 1240) }, "1\u202f240"},
		{"es", func(l *locale.Locale) string { return FormatNumber(l, 1240) }, "1240"},
		{"pt-PT", func(l *locale.Locale) string { return FormatNumber(l, 12400) }, "12\u00a0400"},
		{"ar", func(l *locale.Locale) string { return FormatNumber(l, 4812) }, "٤٬٨١٢"},
		{"de", func(l *locale.Locale) string { return FormatNumber(l, 37.5) }, "37,5"},
		{"de", func(l *locale.Locale) string { s, _ := FormatChange(l, 0.12, false); return s }, "+12 %"},
		{"de", func(l *locale.Locale) string { s, _ := FormatChange(l, -4.5, true); return s }, "–4,5 Pkt."},
		{"ar", func(l *locale.Locale) string { s, _ := FormatChange(l, 0.125, false); return s }, "+١٣٪"},
		{"de", func(l *locale.Locale) string { return FormatPoints(l, 1240) }, "1.240 Pkt."},
		{"pl", func(l *locale.Locale) string { return FormatMoved(l, 3) }, "3 miejsca"},
		{"pl", func(l *locale.Locale) string { return FormatMoved(l, 5) }, "5 miejsc"},
		{"ar", func(l *locale.Locale) string { return FormatMoved(l, 2) }, "مركزان"},
		{"de", func(l *locale.Locale) string { return Age(l, now.Add(-3*time.Hour), now, time.UTC) }, "vor 3 Std."},
		{"pt-PT", func(l *locale.Locale) string { return Age(l, now.Add(-24*time.Hour), now, time.UTC) }, "ontem"},
		{"el", func(l *locale.Locale) string { return Age(l, now.AddDate(0, 0, -3), now, time.UTC) }, "πριν από 3 ημέρες"},
		{"he", func(l *locale.Locale) string { return Age(l, now.AddDate(0, 0, -10), now, time.UTC) }, "11 בנוב׳"},
		{"de", func(l *locale.Locale) string { return Age(l, now.AddDate(-1, 0, 0), now, time.UTC) }, "21. Nov. 2025"},
		{"fr", func(l *locale.Locale) string {
			return StaleMark(l, now.Add(-3*time.Hour), now, true, time.Hour, time.UTC)
		}, "hors ligne · mis à jour il y a 3 h"},
		{"de", func(l *locale.Locale) string { return NetworkLabel(l, "story") }, "Geschichte"},
		{"de", func(l *locale.Locale) string { return NetworkLabel(l, "linkedin") }, "LinkedIn"},
	} {
		l, err := locale.For(c.lang)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.got(l); got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, got, c.want)
		}
	}
}
