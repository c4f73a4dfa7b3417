package slide

import (
	"fmt"
	"image"
	"image/color"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

func solid(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	return img
}

func TestFromPost(t *testing.T) {
	now := time.Date(2025, 11, 12, 15, 0, 0, 0, time.UTC)
	base := feeds.Post{
		Source:    "team-mastodon",
		Network:   "Mastodon",
		Author:    feeds.Author{Name: " Ana Lima ", Handle: "@ana@social.example", Team: "Design"},
		Text:      "  Shipped the new onboarding flow today!  ",
		Published: now.Add(-2 * time.Hour),
	}
	tests := []struct {
		name                   string
		post                   feeds.Post
		avatar, picture        image.Image
		wantName, wantInitials string
		wantPicture            bool
		wantAvatar             bool
	}{
		{"photo post", base, solid(96, 96), solid(1200, 800), "Ana Lima", "AL", true, true},
		{"1-pixel picture gets the text layout", base, nil, solid(1, 1), "Ana Lima", "AL", false, false},
		{"banner strip gets the text layout", base, nil, solid(1600, 100), "Ana Lima", "AL", false, false},
		{"tall portrait photo is fine", base, nil, solid(600, 1400), "Ana Lima", "AL", true, false},
		{"1-pixel avatar falls back to initials", base, solid(1, 1), nil, "Ana Lima", "AL", false, false},
		{"no name: the handle stands in", feeds.Post{Author: feeds.Author{Handle: "@bo"}, Text: "hi"}, nil, nil, "@bo", "B", false, false},
		{"no author at all: the source", feeds.Post{Source: "Team blog", Text: "hi"}, nil, nil, "Team blog", "TB", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := FromPost(tt.post, tt.avatar, tt.picture, now, time.UTC, nil)
			if s.Kind != KindPost || s.Post == nil {
				t.Fatalf("got kind %q, post %v", s.Kind, s.Post)
			}
			p := s.Post
			if p.Name != tt.wantName || p.Initials != tt.wantInitials {
				t.Errorf("name %q initials %q, want %q %q", p.Name, p.Initials, tt.wantName, tt.wantInitials)
			}
			if (p.Picture != nil) != tt.wantPicture {
				t.Errorf("picture shown = %v, want %v", p.Picture != nil, tt.wantPicture)
			}
			if (p.Avatar != nil) != tt.wantAvatar {
				t.Errorf("avatar shown = %v, want %v", p.Avatar != nil, tt.wantAvatar)
			}
			if p.AvatarColor.A != 0xff {
				t.Errorf("avatar disc colour %v is not opaque", p.AvatarColor)
			}
		})
	}
	p := FromPost(base, nil, nil, now, time.UTC, nil).Post
	if p.Text != "Shipped the new onboarding flow today!" || p.Age != "2 h ago" || p.Network != "mastodon" || p.Team != "Design" {
		t.Errorf("post = %+v", p)
	}
	// A post whose date is unknown carries the time it was first seen:
	// that is no age to show ("2 min ago" would be invented).
	undated := base
	undated.Published, undated.DateUnknown = now.Add(-2*time.Minute), true
	if age := FromPost(undated, nil, nil, now, time.UTC, nil).Post.Age; age != "" {
		t.Errorf("date unknown shown as %q", age)
	}
}

func TestFromWins(t *testing.T) {
	ms := []feeds.Metric{
		{Label: "Reach", Value: 12_345_678_901, Previous: 10_000_000_000, HasPrevious: true, Period: "this quarter"},
		{Label: "Shares", Value: 4812, Previous: 5012, HasPrevious: true, Period: "this month"},
		{Label: "Staff sharing", Value: 37.5, Previous: 35, HasPrevious: true, Unit: "%", Period: "this month"},
		{Label: "New followers", Value: 1_234_567, Unit: "followers", Period: "this year"},
	}
	s := FromWins(ms, 0, nil)
	if s.Kind != KindWins || s.Pages != 0 {
		t.Fatalf("kind %q, pages %d", s.Kind, s.Pages)
	}
	want := []Win{
		{Label: "Reach", Value: "12.3 B", Period: "this quarter", Change: "+23 %", Trend: TrendUp},
		{Label: "Shares", Value: "4,812", Period: "this month", Change: "–4 %", Trend: TrendDown},
		{Label: "Staff sharing", Value: "37.5", Unit: "%", Period: "this month", Change: "+2.5 pts", Trend: TrendUp},
		{Label: "New followers", Value: "1.2 M", Unit: "followers", Period: "this year", Change: "", Trend: TrendNone},
	}
	if len(s.Wins) != len(want) {
		t.Fatalf("%d wins, want %d: %+v", len(s.Wins), len(want), s.Wins)
	}
	for i := range want {
		if s.Wins[i] != want[i] {
			t.Errorf("win %d = %+v, want %+v", i, s.Wins[i], want[i])
		}
	}
}

// A change across zero, or from zero, is a difference: a percentage of a
// negative or zero base means nothing.
func TestWinAcrossZero(t *testing.T) {
	for _, tc := range []struct {
		value, prev float64
		change      string
		trend       Trend
	}{
		{420, -100, "+520", TrendUp},
		{-40, 60, "–100", TrendDown},
		{1500, 0, "+1,500", TrendUp},
		{-30, -10, "–20", TrendDown},
		{0, 0, "±0", TrendFlat},
		{2.4e6, -1e6, "+3.4 M", TrendUp},
		{120, 100, "+20 %", TrendUp}, // an ordinary rise stays a percentage
		{0, 12, "–100 %", TrendDown},
	} {
		w := FromWins([]feeds.Metric{{Label: "Net followers", Value: tc.value, Previous: tc.prev, HasPrevious: true}}, 0, nil).Wins[0]
		if w.Change != tc.change || w.Trend != tc.trend {
			t.Errorf("%g after %g: change %q %s, want %q %s", tc.value, tc.prev, w.Change, w.Trend, tc.change, tc.trend)
		}
	}
}

// More metrics than a slide holds make several slides, spread evenly and in
// order, and every metric is on one of them.
func TestWinsPages(t *testing.T) {
	for n, want := range map[int][]int{0: nil, 1: {1}, 4: {4}, 5: {3, 2}, 6: {3, 3}, 7: {4, 3}, 8: {4, 4}, 9: {3, 3, 3}, 13: {4, 3, 3, 3}} {
		ms := make([]feeds.Metric, n)
		for i := range ms {
			ms[i] = feeds.Metric{Label: fmt.Sprintf("m%d", i), Value: float64(i)}
		}
		if got := WinsPages(n); got != len(want) {
			t.Errorf("%d metrics make %d pages, want %d", n, got, len(want))
			continue
		}
		next := 0
		for page, size := range want {
			s := FromWins(ms, page, nil)
			if len(s.Wins) != size {
				t.Errorf("%d metrics, page %d: %d tiles, want %d", n, page, len(s.Wins), size)
			}
			for _, w := range s.Wins {
				if w.Label != fmt.Sprintf("m%d", next) {
					t.Errorf("%d metrics, page %d: %s where m%d was due", n, page, w.Label, next)
				}
				next++
			}
			if len(want) > 1 && (s.Page != page || s.Pages != len(want)) {
				t.Errorf("%d metrics, page %d: numbered %d of %d", n, page, s.Page, s.Pages)
			}
		}
		if next != n {
			t.Errorf("%d metrics: %d shown", n, next)
		}
		// Pages wrap around, so any counter works.
		if n > 0 && FromWins(ms, len(want), nil).Wins[0].Label != "m0" {
			t.Errorf("%d metrics: page %d is not the first again", n, len(want))
		}
	}
}

func standings(rows ...feeds.Standing) []feeds.Standing { return rows }

func TestFromLeaderboard(t *testing.T) {
	face := solid(64, 64)
	t.Run("one person", func(t *testing.T) {
		s := FromLeaderboard(standings(feeds.Standing{Rank: 1, Name: "Ana Lima", Points: 1240}), nil, "November", nil)
		b := s.Board
		if s.Kind != KindLeaderboard || b == nil {
			t.Fatalf("kind %q board %v", s.Kind, b)
		}
		if len(b.Podium) != 1 || len(b.Rest) != 0 || b.Mover != nil {
			t.Fatalf("podium %d rest %d mover %v", len(b.Podium), len(b.Rest), b.Mover)
		}
		p := b.Podium[0]
		if p.Name != "Ana Lima" || p.Points != "1,240 pts" || p.Initials != "AL" || p.Rank != 1 || b.Period != "November" {
			t.Errorf("podium[0] = %+v, period %q", p, b.Period)
		}
	})
	t.Run("order, podium, rest and avatars", func(t *testing.T) {
		var rows []feeds.Standing
		// Given out of order, two without a rank.
		for _, n := range []string{"P9", "P3", "P1", "P2", "P5", "P4", "P6", "P7", "P8"} {
			rank := int(n[1] - '0')
			rows = append(rows, feeds.Standing{Rank: rank, Name: n, Points: float64(1000 - rank*10), Avatar: "https://img/" + n, Handle: "@" + n})
		}
		rows = append(rows, feeds.Standing{Name: "Unranked low", Points: 1}, feeds.Standing{Name: "Unranked high", Points: 5})
		avatars := map[string]image.Image{"https://img/P1": face, "@P2": face, "P3": face}
		b := FromLeaderboard(rows, avatars, "", nil).Board
		var got []string
		for _, p := range b.Podium {
			got = append(got, p.Name)
		}
		for _, p := range b.Rest {
			got = append(got, p.Name)
		}
		want := []string{"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"}
		if len(got) != len(want) {
			t.Fatalf("shown %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("shown %v, want %v", got, want)
			}
		}
		for i, p := range b.Podium {
			if p.Avatar == nil {
				t.Errorf("podium %d (%s) has no avatar; lookups by URL, handle and name should all work", i, p.Name)
			}
		}
		if b.Rest[0].Avatar != nil {
			t.Errorf("%s got someone else's avatar", b.Rest[0].Name)
		}
	})
	t.Run("nobody", func(t *testing.T) {
		b := FromLeaderboard(nil, nil, "Q3", nil).Board
		if len(b.Podium) != 0 || b.Mover != nil {
			t.Errorf("empty board = %+v", b)
		}
	})
}

func TestMover(t *testing.T) {
	p := func(rank, change int) Person {
		return Person{Rank: rank, Name: string(rune('A' + rank)), Change: change}
	}
	tests := []struct {
		name     string
		people   []Person
		wantRank int // 0: no mover
	}{
		{"nobody", nil, 0},
		{"nobody moved", []Person{p(1, 0), p(2, 0)}, 0},
		{"only falls", []Person{p(1, -1), p(2, -3)}, 0},
		{"biggest climb wins", []Person{p(1, 1), p(2, 0), p(5, 6), p(7, 2)}, 5},
		{"tie: better placed", []Person{p(8, 4), p(3, 4), p(6, 4)}, 3},
		{"one person who climbed", []Person{p(1, 2)}, 1},
	}
	for _, tt := range tests {
		m := Mover(tt.people)
		switch {
		case tt.wantRank == 0 && m != nil:
			t.Errorf("%s: mover %+v, want none", tt.name, *m)
		case tt.wantRank != 0 && (m == nil || m.Rank != tt.wantRank):
			t.Errorf("%s: mover %v, want rank %d", tt.name, m, tt.wantRank)
		}
	}
}

func TestLeaderboardMoverFromRows(t *testing.T) {
	rows := standings(
		feeds.Standing{Rank: 1, Name: "Ana", Points: 900, Change: 0},
		feeds.Standing{Rank: 2, Name: "Ben", Points: 800, Change: 1},
		feeds.Standing{Rank: 4, Name: "Dee", Points: 600, Change: 7},
		feeds.Standing{Rank: 3, Name: "Cy", Points: 700, Change: -2},
	)
	b := FromLeaderboard(rows, nil, "", nil).Board
	if b.Mover == nil || b.Mover.Name != "Dee" || b.Mover.Change != 7 {
		t.Fatalf("mover = %+v, want Dee +7", b.Mover)
	}
}

// The biggest mover is never someone on the podium: they are on screen
// already, and a board of one to three people has no mover.
func TestMoverIsNotOnThePodium(t *testing.T) {
	rows := standings(
		feeds.Standing{Rank: 1, Name: "Ana", Points: 900, Change: 6},
		feeds.Standing{Rank: 2, Name: "Ben", Points: 800, Change: 4},
		feeds.Standing{Rank: 3, Name: "Cy", Points: 700, Change: 3},
		feeds.Standing{Rank: 4, Name: "Dee", Points: 600, Change: 2},
		feeds.Standing{Rank: 9, Name: "Ed", Points: 200, Change: -1},
	)
	if m := FromLeaderboard(rows, nil, "", nil).Board.Mover; m == nil || m.Name != "Dee" {
		t.Errorf("mover = %+v, want Dee (the winner climbed more, but is on the podium)", m)
	}
	if m := FromLeaderboard(rows[:3], nil, "", nil).Board.Mover; m != nil {
		t.Errorf("a podium of three has mover %+v", *m)
	}
}

func TestWelcomeSlide(t *testing.T) {
	s := WelcomeSlide("", "  ", nil, nil)
	if s.Kind != KindWelcome || s.Welcome == nil || s.Welcome.Message != "Welcome" {
		t.Errorf("empty welcome = %+v", s.Welcome)
	}
	logo := solid(10, 10)
	s = WelcomeSlide(" Acme ", "Hello, visitors", logo, nil)
	if s.Welcome.Company != "Acme" || s.Welcome.Message != "Hello, visitors" || s.Welcome.Logo != logo {
		t.Errorf("welcome = %+v", s.Welcome)
	}
}

func TestUsablePicture(t *testing.T) {
	for _, tt := range []struct {
		img  image.Image
		want bool
	}{
		{nil, false},
		{solid(1, 1), false},
		{solid(63, 400), false},
		{solid(64, 64), true},
		{solid(1920, 1080), true},
		{solid(350, 100), true},
		{solid(351, 100), false},
		{image.NewUniform(color.White), false}, // unbounded
	} {
		if got := UsablePicture(tt.img); got != tt.want {
			var b image.Rectangle
			if tt.img != nil {
				b = tt.img.Bounds()
			}
			t.Errorf("UsablePicture(%v) = %v, want %v", b, got, tt.want)
		}
	}
}
