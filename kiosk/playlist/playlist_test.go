package playlist_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lobbykiosk/kiosk/playlist"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// noSpecials keeps wins and leaderboard out of tests about post order.
var noSpecials = playlist.Settings{WinsEvery: -1, LeaderboardEvery: -1}

// entry is "author/id" with an age; pinned when the id starts with "pin".
func entry(authorID string, age time.Duration) playlist.Entry {
	a, id, _ := strings.Cut(authorID, "/")
	return playlist.Entry{ID: id, Author: a, Published: t0.Add(-age), Pinned: strings.HasPrefix(id, "pin")}
}

// posts makes entries a month old (weight 1) unless told otherwise.
func posts(authorIDs ...string) []playlist.Entry {
	out := make([]playlist.Entry, len(authorIDs))
	for i, s := range authorIDs {
		out[i] = entry(s, 30*24*time.Hour)
	}
	return out
}

// play calls Next n times with the clock moving on by each slide's duration.
func play(p *playlist.Playlist, n int) []playlist.Item {
	out := make([]playlist.Item, n)
	now := t0
	for i := range out {
		out[i] = p.Next(now)
		now = now.Add(out[i].Duration)
	}
	return out
}

func label(it playlist.Item) string {
	if it.Kind == playlist.Post {
		return it.PostID
	}
	return string(it.Kind)
}

func labels(items []playlist.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = label(it)
	}
	return out
}

func postIDs(items []playlist.Item) []string {
	var out []string
	for _, it := range items {
		if it.Kind == playlist.Post {
			out = append(out, it.PostID)
		}
	}
	return out
}

func authorsOf(es []playlist.Entry) map[string]string {
	m := map[string]string{}
	for _, e := range es {
		m[e.ID] = e.Author
	}
	return m
}

func TestNothingToShow(t *testing.T) {
	cases := []struct {
		name      string
		set       playlist.Settings
		wins, lb  bool
		want      []string
		wantFirst time.Duration
	}{
		{"empty", playlist.Settings{}, false, false, []string{"welcome", "welcome"}, 10 * time.Second},
		{"empty custom duration", playlist.Settings{PostSeconds: 7 * time.Second}, false, false, []string{"welcome"}, 7 * time.Second},
		{"wins only", playlist.Settings{}, true, false, []string{"wins", "wins", "wins"}, 12 * time.Second},
		{"leaderboard only", playlist.Settings{LeaderboardSeconds: 20 * time.Second}, false, true, []string{"leaderboard", "leaderboard"}, 20 * time.Second},
		{"both alternate", playlist.Settings{}, true, true, []string{"wins", "leaderboard", "wins", "leaderboard"}, 12 * time.Second},
		{"wins turned off", playlist.Settings{WinsEvery: -1}, true, true, []string{"leaderboard", "leaderboard"}, 12 * time.Second},
		{"both turned off", noSpecials, true, true, []string{"welcome", "welcome"}, 10 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := playlist.New(tc.set, 1)
			p.Update(nil, tc.wins, tc.lb)
			got := play(p, len(tc.want))
			if !slices.Equal(labels(got), tc.want) {
				t.Errorf("slides %v, want %v", labels(got), tc.want)
			}
			if got[0].Duration != tc.wantFirst {
				t.Errorf("first slide lasts %v, want %v", got[0].Duration, tc.wantFirst)
			}
		})
	}
	// Before any Update at all.
	if it := playlist.New(playlist.Settings{}, 1).Next(t0); it.Kind != playlist.Welcome || it.PostID != "" {
		t.Errorf("fresh playlist shows %+v, want welcome", it)
	}
}

// TestSpecialsCadence checks that wins and leaderboard come after their
// number of posts (one later when both fell due together), never back to
// back, and that post slides last PostSeconds.
func TestSpecialsCadence(t *testing.T) {
	cases := []struct {
		winsEvery, boardEvery int
		wins, lb              bool
	}{
		{0, 0, true, true}, // defaults 4 and 6
		{2, 3, true, true},
		{1, 1, true, true},
		{3, -1, true, true},
		{-1, 2, true, true},
		{4, 6, false, true},
		{4, 6, true, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("wins%d_board%d_%v_%v", tc.winsEvery, tc.boardEvery, tc.wins, tc.lb), func(t *testing.T) {
			set := playlist.Settings{WinsEvery: tc.winsEvery, LeaderboardEvery: tc.boardEvery, PostSeconds: 8 * time.Second}
			eff := set.WithDefaults()
			p := playlist.New(set, 3)
			p.Update(posts("a/1", "b/2", "c/3", "d/4", "e/5", "f/6", "g/7"), tc.wins, tc.lb)
			items := play(p, 200)
			every := map[playlist.Kind]int{playlist.Wins: eff.WinsEvery, playlist.Leaderboard: eff.LeaderboardEvery}
			have := map[playlist.Kind]bool{playlist.Wins: tc.wins && eff.WinsEvery > 0, playlist.Leaderboard: tc.lb && eff.LeaderboardEvery > 0}
			since := map[playlist.Kind]int{playlist.Wins: 0, playlist.Leaderboard: 0}
			seen := map[playlist.Kind]int{}
			for i, it := range items {
				switch it.Kind {
				case playlist.Post:
					if it.Duration != 8*time.Second {
						t.Fatalf("slide %d: post lasts %v, want 8s", i, it.Duration)
					}
					for k := range since {
						since[k]++
					}
				case playlist.Wins, playlist.Leaderboard:
					if !have[it.Kind] {
						t.Fatalf("slide %d: %s shown though it is off or missing", i, it.Kind)
					}
					if i > 0 && items[i-1].Kind != playlist.Post {
						t.Fatalf("slide %d: %s right after %s", i, it.Kind, items[i-1].Kind)
					}
					if n := since[it.Kind]; n != every[it.Kind] && n != every[it.Kind]+1 {
						t.Fatalf("slide %d: %s after %d posts, want %d (or one more)\n%v", i, it.Kind, n, every[it.Kind], labels(items[:i+1]))
					}
					if it.Duration != 12*time.Second {
						t.Fatalf("slide %d: %s lasts %v, want 12s", i, it.Kind, it.Duration)
					}
					since[it.Kind] = 0
					seen[it.Kind]++
				default:
					t.Fatalf("slide %d: %s with posts available", i, it.Kind)
				}
				// Posts counted from the start for a kind not yet seen.
				for _, k := range []playlist.Kind{playlist.Wins, playlist.Leaderboard} {
					if have[k] && since[k] > every[k]+1 {
						t.Fatalf("slide %d: %s overdue (%d posts since)", i, k, since[k])
					}
				}
			}
			for k, ok := range have {
				if ok && seen[k] == 0 {
					t.Errorf("%s never shown", k)
				}
			}
		})
	}
}

func TestPinnedFirstInEveryRound(t *testing.T) {
	cases := []struct {
		name    string
		entries []playlist.Entry
		pinned  []string // newest first
		authors int      // authors with unpinned posts
	}{
		{"two pinned, four authors",
			append(posts("ann/a1", "ann/a2", "ann/a3", "bob/b1", "cy/c1", "cy/c2", "dee/d1", "ann/pin-old"),
				entry("bob/pin-new", time.Hour)),
			[]string{"pin-new", "pin-old"}, 4},
		{"one pinned by the only author",
			posts("ann/a1", "ann/a2", "ann/pin1"),
			[]string{"pin1"}, 1},
		{"only pinned posts", posts("ann/pin1", "bob/pin2", "cy/pin3"), []string{"pin1", "pin2", "pin3"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := playlist.New(playlist.Settings{}, 7)
			p.Update(tc.entries, true, true)
			ids := postIDs(play(p, 200))
			by := authorsOf(tc.entries)
			size := len(tc.pinned) + tc.authors
			for r := 0; (r+1)*size <= len(ids); r++ {
				round := ids[r*size : (r+1)*size]
				if got := round[:len(tc.pinned)]; !slices.Equal(got, tc.pinned) {
					t.Fatalf("round %d starts %v, want the pinned posts %v first, newest first\nround: %v", r, got, tc.pinned, round)
				}
				seen := map[string]bool{}
				for _, id := range round[len(tc.pinned):] {
					if strings.HasPrefix(id, "pin") {
						t.Fatalf("round %d shows pinned %s among the unpinned: %v", r, id, round)
					}
					if seen[by[id]] {
						t.Fatalf("round %d gives %s two turns: %v", r, by[id], round)
					}
					seen[by[id]] = true
				}
			}
		})
	}
}

// TestAuthorFairness is the prolific-poster case: one author with twenty
// posts, four with one each.
func TestAuthorFairness(t *testing.T) {
	var es []playlist.Entry
	for i := range 20 {
		es = append(es, entry(fmt.Sprintf("prolific/p%02d", i), time.Duration(i)*time.Hour))
	}
	es = append(es, posts("ann/a", "bob/b", "cy/c", "dee/d")...)
	by := authorsOf(es)
	for seed := range int64(20) {
		p := playlist.New(playlist.Settings{}, seed)
		p.Update(es, true, true)
		ids := postIDs(play(p, 300))
		authors := make([]string, len(ids))
		for i, id := range ids {
			authors[i] = by[id]
		}
		for i := 1; i < len(authors); i++ {
			if authors[i] == authors[i-1] {
				t.Fatalf("seed %d: %s twice in a row at post slide %d: %v", seed, authors[i], i, authors[max(0, i-5):i+1])
			}
		}
		for i := 0; i+5 <= len(authors); i++ {
			if n := count(authors[i:i+5], "prolific"); n > 2 {
				t.Fatalf("seed %d: prolific author %d times in post slides %d-%d: %v", seed, n, i, i+4, authors[i:i+5])
			}
		}
		if got := distinct(authors[:5]); got != 5 {
			t.Fatalf("seed %d: first five post slides show %d authors, want all 5: %v", seed, got, authors[:5])
		}
		// Rounds are five turns in shuffled order, so nobody waits more
		// than nine slides.
		for i := 0; i+9 <= len(authors); i++ {
			for _, a := range []string{"ann", "bob", "cy", "dee", "prolific"} {
				if count(authors[i:i+9], a) == 0 {
					t.Fatalf("seed %d: %s missing from post slides %d-%d: %v", seed, a, i, i+8, authors[i:i+9])
				}
			}
		}
		// The prolific author's posts take turns: all twenty within twenty rounds.
		if got := distinct(ids[:100]); got != 24 {
			t.Errorf("seed %d: %d different posts in the first 100 post slides, want all 24", seed, got)
		}
	}
}

func count(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

func distinct(xs []string) int {
	m := map[string]bool{}
	for _, v := range xs {
		m[v] = true
	}
	return len(m)
}

// TestNewerShownMoreOften: within one author's turns, posts are shown in
// proportion to their weight (3 under a day, 2 under a week, 1 older).
func TestNewerShownMoreOften(t *testing.T) {
	weights := map[string]int{"hour": 3, "day": 3, "days": 2, "week": 1, "month": 1}
	es := []playlist.Entry{
		entry("ann/hour", time.Hour),
		entry("ann/day", 23*time.Hour),
		entry("ann/days", 3*24*time.Hour),
		entry("ann/week", 7*24*time.Hour),
		entry("ann/month", 30*24*time.Hour),
		{ID: "undated", Author: "ann"},
	}
	weights["undated"] = 1
	total := 0
	for _, w := range weights {
		total += w
	}
	p := playlist.New(noSpecials, 1)
	p.Update(es, false, false)
	// A fixed clock, so the posts do not age during the test.
	const n = 1100
	counts := map[string]int{}
	for range n {
		counts[p.Next(t0).PostID]++
	}
	for id, w := range weights {
		want := float64(n*w) / float64(total)
		if got := float64(counts[id]); got < want*0.9 || got > want*1.1 {
			t.Errorf("%s (weight %d) shown %v times in %d, want about %.0f; all: %v", id, w, got, n, want, counts)
		}
	}
}

// TestNeverTwiceInARow covers content where a repeat is tempting: few posts,
// one author, weights that cannot be spread evenly, rounds of one.
func TestNeverTwiceInARow(t *testing.T) {
	cases := []struct {
		name     string
		entries  []playlist.Entry
		wins, lb bool
		set      playlist.Settings
		repeats  bool // a repeat is the only option
		want     []string
	}{
		{"single post repeats", posts("ann/a"), false, false, playlist.Settings{}, true, []string{"a", "a", "a"}},
		{"single post, wins between", posts("ann/a"), true, false, playlist.Settings{}, false, []string{"a", "wins", "a", "wins"}},
		{"single post, both between", posts("ann/a"), true, true, playlist.Settings{}, false, []string{"a", "wins", "a", "leaderboard", "a", "wins"}},
		{"single post, specials off", posts("ann/a"), true, true, noSpecials, true, []string{"a", "a"}},
		{"single pinned post, leaderboard", posts("ann/pin"), false, true, playlist.Settings{}, false, []string{"pin", "leaderboard", "pin", "leaderboard"}},
		{"two posts one author", posts("ann/a", "ann/b"), false, false, noSpecials, false, nil},
		{"heavy and light by one author", []playlist.Entry{entry("ann/new", time.Hour), entry("ann/old", 90*24*time.Hour)}, false, false, noSpecials, false, nil},
		{"one author many weights", []playlist.Entry{entry("ann/n1", time.Hour), entry("ann/n2", 2*time.Hour), entry("ann/o1", 90*24*time.Hour)}, true, true, playlist.Settings{}, false, nil},
		{"pinned and unpinned of one author", posts("ann/pin", "ann/a"), false, false, noSpecials, false, nil},
		{"two pinned", posts("ann/pin1", "bob/pin2"), false, false, noSpecials, false, nil},
		{"two authors one post each", posts("ann/a", "bob/b"), true, true, playlist.Settings{WinsEvery: 1, LeaderboardEvery: 1}, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for seed := range int64(10) {
				p := playlist.New(tc.set, seed)
				p.Update(tc.entries, tc.wins, tc.lb)
				got := labels(play(p, 300))
				if tc.want != nil && !slices.Equal(got[:len(tc.want)], tc.want) {
					t.Fatalf("seed %d: starts %v, want %v", seed, got[:len(tc.want)], tc.want)
				}
				for i := 1; i < len(got); i++ {
					if got[i] == got[i-1] && !tc.repeats {
						t.Fatalf("seed %d: %s twice in a row at slide %d: %v", seed, got[i], i, got[max(0, i-6):i+1])
					}
				}
				if distinct(got) != len(tc.entries)+b2i(tc.wins && tc.set.WinsEvery >= 0)+b2i(tc.lb && tc.set.LeaderboardEvery >= 0) {
					t.Fatalf("seed %d: shows %d different slides, want every post and special: %v", seed, distinct(got), got[:20])
				}
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestUpdateNeverRepeats interleaves Updates that tempt a repeat: the post on
// screen gets pinned, gets company from its author, or is the one left.
func TestUpdateNeverRepeats(t *testing.T) {
	base := posts("ann/a1", "ann/a2", "bob/b1", "cy/c1")
	p := playlist.New(noSpecials, 5)
	p.Update(base, false, false)
	prev := p.Next(t0)
	for step := range 200 {
		var es []playlist.Entry
		switch step % 4 {
		case 0: // pin what is on screen
			for _, e := range base {
				e.Pinned = e.ID == prev.PostID
				es = append(es, e)
			}
		case 1: // a new post by the author on screen
			es = append(slices.Clone(base), entry(fmt.Sprintf("%s/new%d", authorsOf(base)[prev.PostID], step), time.Minute))
		case 2: // the same content again
			es = base
		case 3: // only the post on screen and one other
			for _, e := range base {
				if e.ID == prev.PostID || e.ID == "c1" || (prev.PostID == "c1" && e.ID == "b1") {
					es = append(es, e)
				}
			}
		}
		p.Update(es, false, false)
		it := p.Next(t0)
		if it.PostID == prev.PostID {
			t.Fatalf("step %d: %s shown twice in a row across an Update", step, it.PostID)
		}
		if !slices.ContainsFunc(es, func(e playlist.Entry) bool { return e.ID == it.PostID }) {
			t.Fatalf("step %d: shows %s, which the last Update did not hold", step, it.PostID)
		}
		prev = it
	}
}

func TestUpdateRemoves(t *testing.T) {
	es := posts("ann/a1", "ann/a2", "bob/b1", "bob/b2", "cy/c1", "ann/pin")
	cases := []struct {
		name   string
		remove func(current string) []string // IDs to drop
	}{
		{"the post on screen", func(cur string) []string { return []string{cur} }},
		{"a pinned post", func(string) []string { return []string{"pin"} }},
		{"every post of an author", func(string) []string { return []string{"b1", "b2"} }},
		{"all but one", func(string) []string { return []string{"a1", "a2", "b1", "b2", "pin"} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := playlist.New(playlist.Settings{}, 11)
			p.Update(es, true, false)
			cur := play(p, 3)[2].PostID
			gone := tc.remove(cur)
			var kept []playlist.Entry
			for _, e := range es {
				if !slices.Contains(gone, e.ID) {
					kept = append(kept, e)
				}
			}
			p.Update(kept, true, false)
			shown := map[string]bool{}
			for _, id := range postIDs(play(p, 100)) {
				if slices.Contains(gone, id) {
					t.Fatalf("%s shown after it was removed", id)
				}
				shown[id] = true
			}
			if len(shown) != len(kept) {
				t.Errorf("after removal %d posts are shown, want the %d kept", len(shown), len(kept))
			}
		})
	}
	t.Run("everything", func(t *testing.T) {
		p := playlist.New(playlist.Settings{}, 1)
		p.Update(es, false, true)
		play(p, 4)
		p.Update(nil, false, true)
		if got := labels(play(p, 2)); !slices.Equal(got, []string{"leaderboard", "leaderboard"}) {
			t.Errorf("with only the leaderboard left: %v", got)
		}
		p.Update(nil, false, false)
		if got := p.Next(t0); got.Kind != playlist.Welcome {
			t.Errorf("with nothing left: %+v, want welcome", got)
		}
	})
	t.Run("a post that comes back is shown again", func(t *testing.T) {
		p := playlist.New(noSpecials, 1)
		p.Update(posts("ann/a", "bob/b"), false, false)
		play(p, 2)
		p.Update(posts("bob/b"), false, false)
		play(p, 2)
		p.Update(posts("ann/a", "bob/b"), false, false)
		if got := postIDs(play(p, 4)); count(got, "a") == 0 {
			t.Errorf("a came back but is not shown: %v", got)
		}
	})
}

// TestUpdateAddsMidRound: new posts jump to the front of what is left of the
// round, after the pinned posts still due in it.
func TestUpdateAddsMidRound(t *testing.T) {
	base := posts("ann/a1", "ann/a2", "bob/b1", "cy/c1", "dee/d1", "eve/e1")
	pinned := append(posts("ann/pin1"), entry("bob/pin2", time.Hour))
	cases := []struct {
		name   string
		start  []playlist.Entry
		played int
		add    []playlist.Entry
		pin    string   // an existing post to pin in the update
		want   []string // the next post slides
		rest   bool     // the new post took its author's turn: check the rest of the round
	}{
		{"new post by an author on the list", base, 2, []playlist.Entry{entry("cy/c-new", time.Minute)}, "", []string{"c-new"}, true},
		{"new author", base, 3, []playlist.Entry{entry("zed/z1", time.Minute)}, "", []string{"z1"}, true},
		{"old-dated new post still jumps", base, 1, []playlist.Entry{entry("bob/b-late", 60*24*time.Hour)}, "", []string{"b-late"}, true},
		{"two new posts by two authors, newest first", base, 2,
			[]playlist.Entry{entry("cy/c-new", 2*time.Minute), entry("zed/z1", time.Minute)}, "", []string{"z1", "c-new"}, false},
		{"many new posts by one author: one jumps", base, 2,
			[]playlist.Entry{entry("zed/z1", time.Minute), entry("zed/z2", 2*time.Minute), entry("zed/z3", 3*time.Minute)}, "", []string{"z1"}, false},
		{"after the pinned posts still due", append(slices.Clone(base), pinned...), 1,
			[]playlist.Entry{entry("cy/c-new", time.Minute)}, "", []string{"pin1", "c-new"}, false},
		{"new pinned post first", base, 2, []playlist.Entry{entry("fay/pin-new", time.Minute)}, "", []string{"pin-new"}, false},
		{"existing post pinned", base, 2, nil, "d1", []string{"d1"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := playlist.New(noSpecials, 2)
			p.Update(tc.start, false, false)
			before := postIDs(play(p, tc.played))
			es := append(slices.Clone(tc.start), tc.add...)
			for i := range es {
				if es[i].ID == tc.pin {
					es[i].Pinned = true
				}
			}
			p.Update(es, false, false)
			after := postIDs(play(p, 40))
			if !slices.Equal(after[:len(tc.want)], tc.want) {
				t.Fatalf("after %v and the update, next %v, want %v first", before, after[:len(tc.want)], tc.want)
			}
			if tc.rest {
				// The new post took its author's turn, so what follows
				// is the rest of the round: the authors not yet shown in
				// it, each once, and then the next round.
				by := authorsOf(es)
				waiting := map[string]bool{}
				for _, e := range es {
					waiting[e.Author] = true
				}
				for _, id := range append(before, after[0]) {
					delete(waiting, by[id])
				}
				var got []string
				for _, id := range after[1 : 1+len(waiting)] {
					got = append(got, by[id])
					delete(waiting, by[id])
				}
				if len(waiting) != 0 {
					t.Errorf("after %v and %s the round went on with %v; %v still waited for a turn", before, after[0], got, waiting)
				}
			}
			// A new source with many posts by one author still shares the screen.
			for i := 0; i+5 <= len(after); i++ {
				if n := count(after[i:i+5], "z1") + count(after[i:i+5], "z2") + count(after[i:i+5], "z3"); n > 2 {
					t.Fatalf("new author fills the screen: %v", after[i:i+5])
				}
			}
		})
	}
}

// The initial content does not jump any queue: it simply starts the rounds.
func TestFirstUpdateStartsRounds(t *testing.T) {
	p := playlist.New(noSpecials, 4)
	es := posts("ann/a1", "ann/a2", "ann/a3", "bob/b1", "cy/c1")
	p.Update(es, false, false)
	by := authorsOf(es)
	ids := postIDs(play(p, 3))
	if got := distinct([]string{by[ids[0]], by[ids[1]], by[ids[2]]}); got != 3 {
		t.Errorf("first round %v has %d authors, want 3", ids, got)
	}
}

func TestDeterministic(t *testing.T) {
	var es []playlist.Entry
	for i := range 30 {
		es = append(es, entry(fmt.Sprintf("author%d/p%d", i%8, i), time.Duration(i)*6*time.Hour))
	}
	es[3].Pinned = true
	run := func(seed int64, updates bool) []string {
		p := playlist.New(playlist.Settings{}, seed)
		p.Update(es, true, true)
		var out []string
		now := t0
		for i := range 120 {
			if updates && i%10 == 0 {
				p.Update(es, true, true) // the same content, as every refresh brings
			}
			it := p.Next(now)
			now = now.Add(it.Duration)
			out = append(out, label(it))
		}
		return out
	}
	a, b := run(42, false), run(42, false)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different slides:\n%v\n%v", a, b)
	}
	if c := run(42, true); !slices.Equal(a, c) {
		t.Errorf("an Update with unchanged content changed the order:\n%v\n%v", a, c)
	}
	if d := run(43, false); slices.Equal(a, d) {
		t.Errorf("seeds 42 and 43 give the same %d slides; the seed is not used", len(a))
	}
}

func TestDefaults(t *testing.T) {
	got := playlist.Settings{}.WithDefaults()
	want := playlist.Settings{PostSeconds: 10 * time.Second, WinsSeconds: 12 * time.Second, LeaderboardSeconds: 12 * time.Second, MaxPostSeconds: 20 * time.Second, WinsEvery: 4, LeaderboardEvery: 6}
	if got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
	custom := playlist.Settings{PostSeconds: 5 * time.Second, WinsEvery: -1, LeaderboardEvery: 2}
	if got := custom.WithDefaults(); got.PostSeconds != 5*time.Second || got.WinsEvery != -1 || got.LeaderboardEvery != 2 || got.WinsSeconds != 12*time.Second || got.MaxPostSeconds != 10*time.Second {
		t.Errorf("custom settings became %+v", got)
	}
	// A maximum under the post time cannot shorten posts.
	if got := (playlist.Settings{PostSeconds: 15 * time.Second, MaxPostSeconds: 5 * time.Second}).WithDefaults(); got.MaxPostSeconds != 15*time.Second {
		t.Errorf("a 5 s maximum under a 15 s post time became %v", got.MaxPostSeconds)
	}
}

// A post stays as long as it takes to read, between the post time and the
// maximum.
func TestPostDurationFollowsReadingTime(t *testing.T) {
	set := playlist.Settings{PostSeconds: 10 * time.Second, MaxPostSeconds: 18 * time.Second}
	l := playlist.New(set, 1)
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	l.Update([]playlist.Entry{
		{ID: "short", Author: "a", Published: now, Read: 4 * time.Second},
		{ID: "long", Author: "b", Published: now.Add(-time.Minute), Read: 14 * time.Second},
		{ID: "essay", Author: "c", Published: now.Add(-2 * time.Minute), Read: time.Minute},
		{ID: "unknown", Author: "d", Published: now.Add(-3 * time.Minute)},
	}, false, false)
	want := map[string]time.Duration{"short": 10 * time.Second, "long": 14 * time.Second, "essay": 18 * time.Second, "unknown": 10 * time.Second}
	for range 4 {
		it := l.Next(now)
		if w, ok := want[it.PostID]; !ok || it.Duration != w {
			t.Errorf("%s stays %v, want %v", it.PostID, it.Duration, w)
		}
		delete(want, it.PostID)
	}
	if len(want) > 0 {
		t.Errorf("never shown: %v", want)
	}
}

// Metrics on several wins slides take turns, so every metric is shown.
func TestWinsPagesTakeTurns(t *testing.T) {
	l := playlist.New(playlist.Settings{WinsEvery: 1, LeaderboardEvery: -1}, 1)
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	l.SetWinsPages(3)
	l.Update([]playlist.Entry{{ID: "p1", Author: "a"}, {ID: "p2", Author: "b"}}, true, false)
	var pages []int
	for range 12 {
		if it := l.Next(now); it.Kind == playlist.Wins {
			pages = append(pages, it.Page)
		}
	}
	if want := []int{0, 1, 2, 0, 1, 2}; !slices.Equal(pages, want) {
		t.Errorf("wins pages shown %v, want %v", pages, want)
	}
	// Fewer metrics later: the rotation starts over within the new count.
	l.SetWinsPages(1)
	for range 4 {
		if it := l.Next(now); it.Kind == playlist.Wins && it.Page != 0 {
			t.Errorf("one page of wins, but page %d shown", it.Page)
		}
	}
}

// Entries without an ID are skipped; a repeated ID counts once.
func TestOddEntries(t *testing.T) {
	p := playlist.New(noSpecials, 1)
	p.Update([]playlist.Entry{
		{ID: "", Author: "x"},
		{ID: "a", Author: "ann"},
		{ID: "a", Author: "ann", Pinned: true},
		{ID: "b", Author: " ANN "},
		{ID: "c", Author: "bob"},
	}, false, false)
	got := postIDs(play(p, 30))
	if count(got, "") > 0 || distinct(got) != 3 {
		t.Fatalf("slides %v, want a, b and c only", got)
	}
	// "ann" and " ANN " are one author, so bob has every other turn.
	if n := count(got, "c"); n != len(got)/2 {
		t.Errorf("bob shown %d times in %d slides, want %d: %v", n, len(got), len(got)/2, got)
	}
}

func BenchmarkNext(b *testing.B) {
	var es []playlist.Entry
	for i := range 500 {
		es = append(es, playlist.Entry{
			ID:        fmt.Sprintf("post-%03d", i),
			Author:    fmt.Sprintf("author-%02d", i%60),
			Published: t0.Add(-time.Duration(i) * 3 * time.Hour),
			Pinned:    i%100 == 0,
		})
	}
	p := playlist.New(playlist.Settings{}, 1)
	p.Update(es, true, true)
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		it := p.Next(now)
		now = now.Add(it.Duration)
	}
}

// The screen calls Next while the pipeline calls Update; run with -race.
func TestConcurrentUse(t *testing.T) {
	p := playlist.New(playlist.Settings{}, 1)
	sets := [][]playlist.Entry{posts("ann/a", "bob/b"), posts("cy/c"), posts("ann/a", "dee/d", "eve/pin")}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 300 {
			p.Update(sets[i%len(sets)], i%2 == 0, i%3 == 0)
		}
	}()
	for range 300 {
		if it := p.Next(t0); it.Kind == "" || it.Duration <= 0 {
			t.Fatalf("slide %+v has no kind or duration", it)
		}
	}
	<-done
	p.Update(sets[1], false, false)
	if got := p.Next(t0); got.PostID != "c" {
		t.Errorf("after the last Update: %+v, want post c", got)
	}
}
