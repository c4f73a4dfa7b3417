package leaderboard

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skip("no zone data:", err)
	}
	return loc
}

// flat scores one point per post and nothing else, with no cap.
var flat = Settings{Period: Month, PointsPerPost: 1}

func by(name string, at time.Time, edit ...func(*feeds.Post)) feeds.Post {
	p := feeds.Post{
		ID:        fmt.Sprintf("%s-%d", name, at.UnixNano()),
		Author:    feeds.Author{Name: name, Handle: "@" + strings.ToLower(strings.Fields(name)[0])},
		Text:      "A post long enough for any rule.",
		Published: at,
	}
	for _, e := range edit {
		e(&p)
	}
	return p
}

func likes(n int) func(*feeds.Post) { return func(p *feeds.Post) { p.Likes = n } }

// board renders rows the way a test reads them: "rank name points change badge".
func board(rows []feeds.Standing) string {
	var out []string
	for _, r := range rows {
		s := fmt.Sprintf("%d %s %g %+d", r.Rank, r.Name, r.Points, r.Change)
		if r.Badge != "" {
			s += " " + r.Badge
		}
		out = append(out, s)
	}
	return strings.Join(out, " | ")
}

func TestPeriodBoundariesInTheKioskZone(t *testing.T) {
	ny := zone(t, "America/New_York")
	berlin := zone(t, "Europe/Berlin")
	tests := []struct {
		name   string
		period string
		loc    *time.Location
		now    time.Time
		posts  []feeds.Post
		want   string
		label  string
	}{
		{
			name:   "month starts at local midnight, not UTC",
			period: Month, loc: ny,
			now: time.Date(2026, 11, 1, 0, 30, 0, 0, ny),
			posts: []feeds.Post{
				by("Ada Lovelace", time.Date(2026, 10, 31, 23, 50, 0, 0, ny)), // Nov 1 in UTC, October here
				by("Grace Hopper", time.Date(2026, 11, 1, 0, 10, 0, 0, ny)),
			},
			want:  "1 Grace Hopper 1 +0 new",
			label: "November 2026",
		},
		{
			name:   "quarter starts on the first day of its first month",
			period: Quarter, loc: berlin,
			now: time.Date(2026, 10, 1, 0, 30, 0, 0, berlin),
			posts: []feeds.Post{
				by("Ada Lovelace", time.Date(2026, 9, 30, 23, 30, 0, 0, berlin)), // Q3
				by("Grace Hopper", time.Date(2026, 10, 1, 0, 5, 0, 0, berlin)),
				by("Grace Hopper", time.Date(2026, 12, 31, 23, 0, 0, 0, berlin)), // later in Q4: counts
			},
			want:  "1 Grace Hopper 2 +0 new",
			label: "Q4 2026",
		},
		{
			name:   "30d is today and the 29 days before, in calendar days",
			period: Days30, loc: berlin,
			now: time.Date(2026, 11, 23, 10, 0, 0, 0, berlin),
			posts: []feeds.Post{
				by("Ada Lovelace", time.Date(2026, 10, 24, 23, 55, 0, 0, berlin)), // day 31: previous period
				by("Grace Hopper", time.Date(2026, 10, 25, 0, 5, 0, 0, berlin)),   // day 30 (across the DST change)
				by("Grace Hopper", time.Date(2026, 11, 23, 21, 0, 0, 0, berlin)),  // later today
			},
			want:  "1 Grace Hopper 2 +0 new",
			label: "last 30 days",
		},
		{
			name:   "unknown period is a month",
			period: "fortnight", loc: time.UTC,
			now:   time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC),
			posts: []feeds.Post{by("Ada Lovelace", time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC)), by("Ada Lovelace", time.Date(2026, 2, 1, 1, 0, 0, 0, time.UTC))},
			want:  "1 Ada Lovelace 1 +0",
			label: "February 2026",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := flat
			s.Period = tt.period
			if got := board(Compute(tt.posts, s, tt.now, tt.loc)); got != tt.want {
				t.Errorf("board %q, want %q", got, tt.want)
			}
			if got := PeriodLabel(tt.period, tt.now, tt.loc); got != tt.label {
				t.Errorf("label %q, want %q", got, tt.label)
			}
		})
	}
}

func TestPointsAndDailyCap(t *testing.T) {
	loc := zone(t, "Europe/Berlin")
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, loc)
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, loc) }
	s := Settings{Period: Month, PointsPerPost: 10, PointsPerLike: 1, PointsPerShare: 3, PointsPerComment: 2, DailyCap: 50}
	posts := []feeds.Post{
		// Ada: four posts of 20 points on the 10th (80, capped at 50) and
		// one of 15 on the 11th.
		by("Ada Lovelace", day(10, 8), likes(10)),
		by("Ada Lovelace", day(10, 9), likes(10)),
		by("Ada Lovelace", day(10, 10), likes(10)),
		by("Ada Lovelace", day(10, 23), likes(10)), // 23:00 Berlin is still the 10th
		by("Ada Lovelace", day(11, 0), likes(5)),
		// Grace: one post with every kind of engagement: 10 + 2 + 3*3 + 2*4 = 29.
		by("Grace Hopper", day(12, 9), func(p *feeds.Post) { p.Likes, p.Shares, p.Comments = 2, 3, 4 }),
	}
	if got, want := board(Compute(posts, s, now, loc)), "1 Ada Lovelace 65 +0 new | 2 Grace Hopper 29 +0 new"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	s.DailyCap = 0
	if got, want := board(Compute(posts, s, now, loc)), "1 Ada Lovelace 95 +0 new | 2 Grace Hopper 29 +0 new"; got != want {
		t.Fatalf("without a cap: got %q, want %q", got, want)
	}
}

func TestTiesShareARankAndAreListedByName(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	at := now.Add(-time.Hour)
	s := Settings{Period: Month, PointsPerPost: 0.1} // tenths add up with float noise
	var posts []feeds.Post
	for name, n := range map[string]int{"Dora Diaz": 1, "Carl Chen": 2, "Bea Brown": 2, "Ada Ames": 3, "Émile Zola": 2} {
		for i := 0; i < n; i++ {
			posts = append(posts, by(name, at.Add(-time.Duration(i)*time.Minute)))
		}
	}
	want := "1 Ada Ames 0.3 +0 new | 2 Bea Brown 0.2 +0 new | 2 Carl Chen 0.2 +0 new | 2 Émile Zola 0.2 +0 new | 5 Dora Diaz 0.1 +0 new"
	if got := board(Compute(posts, s, now, time.UTC)); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestRankChangeAgainstThePreviousPeriod(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	oct := time.Date(2026, 10, 15, 12, 0, 0, 0, time.UTC)
	nov := time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)
	n := func(name string, at time.Time, count int) []feeds.Post {
		var out []feeds.Post
		for i := 0; i < count; i++ {
			out = append(out, by(name, at.Add(time.Duration(i)*time.Minute)))
		}
		return out
	}
	var posts []feeds.Post
	// October: Carl 1st, Bea 2nd, Ada 3rd. November: Ada 1st, Bea 2nd,
	// Dora (new) 3rd, Carl 4th.
	for _, group := range [][]feeds.Post{
		n("Carl Chen", oct, 5), n("Bea Brown", oct, 3), n("Ada Ames", oct, 1),
		n("Ada Ames", nov, 6), n("Bea Brown", nov, 4), n("Dora Diaz", nov, 3), n("Carl Chen", nov, 1),
	} {
		posts = append(posts, group...)
	}
	want := "1 Ada Ames 6 +2 | 2 Bea Brown 4 +0 | 3 Dora Diaz 3 +0 new | 4 Carl Chen 1 -3"
	if got := board(Compute(posts, flat, now, time.UTC)); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestOnePersonAcrossNetworksIsOneRow(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	posts := []feeds.Post{
		by("Ada Lovelace", now.Add(-3*time.Hour), func(p *feeds.Post) { p.Author.Handle = "@ada@social.example" }),
		by("ada lovelace", now.Add(-2*time.Hour), func(p *feeds.Post) { p.Author.Handle = "ada.bsky.social" }),
		by("Ada Lovelace", now.Add(-1*time.Hour), func(p *feeds.Post) { p.Author.Handle = "" }),
		{ID: "handle-only", Author: feeds.Author{Handle: "@grace"}, Published: now.Add(-time.Hour)},
		{ID: "nobody", Published: now.Add(-time.Hour)},
		{ID: "undated", Author: feeds.Author{Name: "Ada Lovelace"}},
	}
	rows := Compute(posts, flat, now, time.UTC)
	if got, want := board(rows), "1 Ada Lovelace 3 +0 new | 2 @grace 1 +0 new"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if rows[0].Handle != "ada.bsky.social" {
		t.Fatalf("handle %q, want the newest post's handle", rows[0].Handle)
	}
}

func TestOptOutAndAnonymize(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	at := now.Add(-time.Hour)
	var posts []feeds.Post
	for name, n := range map[string]int{"Ada Ames": 3, "Shy Sam": 5, "Bea Brown": 2, "Jean-Luc Picard": 1} {
		for i := 0; i < n; i++ {
			posts = append(posts, by(name, at.Add(-time.Duration(i)*time.Minute), func(p *feeds.Post) {
				p.Author.Avatar = "https://cdn.example/" + p.Author.Handle + ".png"
			}))
		}
	}
	tests := []struct {
		name string
		s    Settings
		want string
	}{
		{"opted out by handle, no gap left", Settings{Period: Month, PointsPerPost: 1, OptOut: []string{"@SHY"}},
			"1 Ada Ames 3 +0 new | 2 Bea Brown 2 +0 new | 3 Jean-Luc Picard 1 +0 new"},
		{"opted out by name", Settings{Period: Month, PointsPerPost: 1, OptOut: []string{"shy sam"}},
			"1 Ada Ames 3 +0 new | 2 Bea Brown 2 +0 new | 3 Jean-Luc Picard 1 +0 new"},
		{"anonymized", Settings{Period: Month, PointsPerPost: 1, OptOut: []string{"shy"}, Anonymize: true},
			"1 A. A. 3 +0 new | 2 B. B. 2 +0 new | 3 J.-L. P. 1 +0 new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := Compute(posts, tt.s, now, time.UTC)
			if got := board(rows); got != tt.want {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
			for _, r := range rows {
				if tt.s.Anonymize && (r.Handle != "" || r.Avatar != "") {
					t.Fatalf("anonymized row %q still carries handle %q / avatar %q", r.Name, r.Handle, r.Avatar)
				}
				if !tt.s.Anonymize && r.Avatar == "" {
					t.Fatalf("row %q lost its avatar", r.Name)
				}
			}
			if again := Privacy(rows, tt.s); !reflect.DeepEqual(again, rows) {
				t.Fatalf("Privacy on Compute's result changed it:\n%s\n%s", board(rows), board(again))
			}
		})
	}
}

func TestPrivacyOnASourceLeaderboard(t *testing.T) {
	source := []feeds.Standing{
		{Rank: 1, Name: "Shy Sam", Handle: "@sam", Points: 90, Change: 1},
		{Rank: 2, Name: "Ada Ames", Handle: "@ada", Avatar: "a.png", Points: 80, Change: -1},
		{Rank: 2, Name: "Bea Brown", Handle: "@bea", Points: 80, Change: 2},
		{Rank: 4, Name: "Carl Chen", Handle: "@carl", Points: 70},
	}
	tests := []struct {
		name string
		rows []feeds.Standing
		s    Settings
		want string
	}{
		{"nothing to hide", source, Settings{}, "1 Shy Sam 90 +1 | 2 Ada Ames 80 -1 | 2 Bea Brown 80 +2 | 4 Carl Chen 70 +0"},
		{"opted-out leader dropped, ties kept", source, Settings{OptOut: []string{"sam"}}, "1 Ada Ames 80 -1 | 1 Bea Brown 80 +2 | 3 Carl Chen 70 +0"},
		{"anonymized", source, Settings{OptOut: []string{"Shy Sam"}, Anonymize: true}, "1 A. A. 80 -1 | 1 B. B. 80 +2 | 3 C. C. 70 +0"},
		{"source without ranks is ranked by points", []feeds.Standing{
			{Name: "Carl Chen", Points: 5}, {Name: "Ada Ames", Points: 9}, {Name: "Bea Brown", Points: 9},
		}, Settings{}, "1 Ada Ames 9 +0 | 1 Bea Brown 9 +0 | 3 Carl Chen 5 +0"},
		{"out-of-order source ranks", []feeds.Standing{
			{Rank: 3, Name: "Carl Chen"}, {Rank: 1, Name: "Ada Ames"}, {Rank: 2, Name: "Bea Brown"},
		}, Settings{}, "1 Ada Ames 0 +0 | 2 Bea Brown 0 +0 | 3 Carl Chen 0 +0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Privacy(tt.rows, tt.s)
			if board(got) != tt.want {
				t.Fatalf("got  %q\nwant %q", board(got), tt.want)
			}
			if tt.s.Anonymize {
				for _, r := range got {
					if r.Handle != "" || r.Avatar != "" {
						t.Fatalf("anonymized row %q keeps handle/avatar", r.Name)
					}
				}
			}
		})
	}
	if source[0].Name != "Shy Sam" || source[1].Avatar != "a.png" {
		t.Fatal("Privacy changed its input")
	}
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{
		"Ada Lovelace":       "A. L.",
		"A. L.":              "A. L.",
		"Jean-Luc Picard":    "J.-L. P.",
		"  émile   zola ":    "É. Z.",
		"李 小龙":               "李. 小.",
		"🚀 Rocket Team":      "R. T.",
		"":                   "?",
		"Mary-Kate O'Hara-X": "M.-K. O.-X.",
	} {
		if got := Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
}
