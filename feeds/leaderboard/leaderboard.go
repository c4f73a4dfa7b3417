// Package leaderboard ranks employee advocates: it computes a leaderboard
// from the posts the screen may show when no advocacy platform provides one,
// and applies people's privacy wishes to every leaderboard, computed or
// fetched, before it reaches the screen.
package leaderboard

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/moderate"
)

// Periods.
const (
	Month   = "month"
	Quarter = "quarter"
	Days30  = "30d"
)

// NewBadge marks a person who was not on the previous period's board, whose
// Change of 0 would otherwise read as "did not move".
const NewBadge = "new"

// Settings is [leaderboard] in the config.
type Settings struct {
	Period string // month | quarter | 30d; anything else is month
	// Points for each post, and for each like, share and comment it got.
	PointsPerPost, PointsPerLike, PointsPerShare, PointsPerComment float64
	// DailyCap caps one person's points per day (kiosk time); 0 = no cap.
	// It keeps one prolific day from deciding the month.
	DailyCap float64
	// OptOut people are never shown (names or handles, as in moderation).
	OptOut []string
	// Anonymize shows names as initials and hides handles and avatars.
	Anonymize bool
}

// window is a period [start, end) in the kiosk's zone.
type window struct{ start, end time.Time }

func (w window) has(t time.Time) bool { return !t.Before(w.start) && t.Before(w.end) }

// periods returns the current period holding now and the one before it.
func periods(period string, now time.Time, loc *time.Location) (cur, prev window) {
	if loc == nil {
		loc = time.Local
	}
	n := now.In(loc)
	y, mo, d := n.Date()
	switch period {
	case Quarter:
		q := (int(mo) - 1) / 3
		start := time.Date(y, time.Month(q*3+1), 1, 0, 0, 0, 0, loc)
		return window{start, start.AddDate(0, 3, 0)}, window{start.AddDate(0, -3, 0), start}
	case Days30:
		// Today and the 29 days before it, in calendar days, so the board
		// does not change at odd hours of the day or across DST.
		end := time.Date(y, mo, d+1, 0, 0, 0, 0, loc)
		start := end.AddDate(0, 0, -30)
		return window{start, end}, window{start.AddDate(0, 0, -30), start}
	default:
		start := time.Date(y, mo, 1, 0, 0, 0, 0, loc)
		return window{start, start.AddDate(0, 1, 0)}, window{start.AddDate(0, -1, 0), start}
	}
}

// PeriodStart is the first day of the period holding now, in loc, as a
// calendar date ("2026-11-01"): a kiosk elsewhere names the same period
// from it, in its own language.
func PeriodStart(period string, now time.Time, loc *time.Location) string {
	cur, _ := periods(period, now, loc)
	return cur.start.Format(time.DateOnly)
}

// PeriodLabel names the current period for the slide: "November 2026",
// "Q4 2026", "last 30 days".
func PeriodLabel(period string, now time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	n := now.In(loc)
	switch period {
	case Quarter:
		return fmt.Sprintf("Q%d %d", (int(n.Month())-1)/3+1, n.Year())
	case Days30:
		return "last 30 days"
	default:
		return fmt.Sprintf("%s %d", n.Month(), n.Year())
	}
}

// Compute ranks the authors of posts (the posts the screen may show) over the
// period holding now, in loc. A post earns PointsPerPost plus its engagement;
// a person's points per day are capped; people with equal points share a
// rank (1, 2, 2, 4) and are listed by name; Change is places moved up since
// the previous period. Opted-out people are left out before ranking, so they
// leave no gap, and the result already has Privacy applied.
func Compute(posts []feeds.Post, s Settings, now time.Time, loc *time.Location) []feeds.Standing {
	if loc == nil {
		loc = time.Local
	}
	cur, prev := periods(s.Period, now, loc)
	optOut := moderate.NewPeople(s.OptOut)
	var kept []keyed
	for _, p := range posts {
		if p.Published.IsZero() || !(cur.has(p.Published) || prev.has(p.Published)) {
			continue
		}
		k := personKey(p.Author)
		if k == "" || optOut.Match(p.Author.Name, p.Author.Handle) {
			continue
		}
		kept = append(kept, keyed{p, k})
	}
	rows, keys := tally(kept, s, cur, loc)
	before, beforeKeys := tally(kept, s, prev, loc)
	prevRank := make(map[string]int, len(before))
	for i, r := range before {
		prevRank[beforeKeys[i]] = r.Rank
	}
	for i := range rows {
		if pr, ok := prevRank[keys[i]]; ok {
			rows[i].Change = pr - rows[i].Rank
		} else {
			rows[i].Badge = NewBadge
		}
	}
	return Privacy(rows, s)
}

// personKey groups one person's posts: by name, so the same person posting
// on several networks (with a different handle on each) is one row, or by
// handle when the feed gives no name.
func personKey(a feeds.Author) string {
	if k := fold(a.Name); k != "" {
		return "n:" + k
	}
	if k := fold(strings.TrimLeft(strings.TrimSpace(a.Handle), "@")); k != "" {
		return "h:" + k
	}
	return ""
}

func fold(s string) string { return strings.Join(strings.Fields(moderate.Fold(s)), " ") }

// keyed is a post and its author's person key.
type keyed struct {
	feeds.Post
	key string
}

type day struct {
	person string
	date   int // yyyymmdd in the kiosk's zone
}

// tally sums points per person over w and ranks them; keys[i] is rows[i]'s
// person key.
func tally(posts []keyed, s Settings, w window, loc *time.Location) (rows []feeds.Standing, keys []string) {
	perDay := map[day]float64{}
	who := map[string]*feeds.Standing{}
	latest := map[string]time.Time{}
	for _, p := range posts {
		if !w.has(p.Published) {
			continue
		}
		k := p.key
		pts := s.PointsPerPost + float64(p.Likes)*s.PointsPerLike +
			float64(p.Shares)*s.PointsPerShare + float64(p.Comments)*s.PointsPerComment
		y, m, d := p.Published.In(loc).Date()
		perDay[day{k, y*10000 + int(m)*100 + d}] += pts
		st, ok := who[k]
		if !ok {
			st = &feeds.Standing{}
			who[k] = st
		}
		// The newest post names the person: people fix typos and change
		// pictures, and the board should show them as they are now.
		if !ok || p.Published.After(latest[k]) {
			latest[k] = p.Published
			if p.Author.Name != "" {
				st.Name = p.Author.Name
			}
			if p.Author.Handle != "" {
				st.Handle = p.Author.Handle
			}
			if p.Author.Avatar != "" {
				st.Avatar = p.Author.Avatar
			}
		}
		if st.Name == "" {
			st.Name = p.Author.Handle
		}
	}
	for d, pts := range perDay {
		if s.DailyCap > 0 && pts > s.DailyCap {
			pts = s.DailyCap
		}
		who[d.person].Points += pts
	}
	for k, st := range who {
		if st.Points <= 0 {
			continue
		}
		st.Points = round(st.Points)
		rows = append(rows, *st)
		keys = append(keys, k)
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ra, rb := rows[idx[a]], rows[idx[b]]
		if ra.Points != rb.Points {
			return ra.Points > rb.Points
		}
		return lessName(ra, rb)
	})
	sortedRows := make([]feeds.Standing, len(rows))
	sortedKeys := make([]string, len(rows))
	for i, j := range idx {
		sortedRows[i], sortedKeys[i] = rows[j], keys[j]
	}
	rankByPoints(sortedRows)
	return sortedRows, sortedKeys
}

// round drops float noise (0.1+0.2) so equal scores tie.
func round(f float64) float64 { return math.Round(f*1e6) / 1e6 }

func lessName(a, b feeds.Standing) bool {
	fa, fb := fold(a.Name), fold(b.Name)
	if fa != fb {
		return fa < fb
	}
	return a.Handle < b.Handle
}

// rankByPoints gives rows sorted by points standard competition ranks:
// equal points share a rank and the next rank skips (1, 2, 2, 4).
func rankByPoints(rows []feeds.Standing) {
	for i := range rows {
		if i > 0 && rows[i].Points == rows[i-1].Points {
			rows[i].Rank = rows[i-1].Rank
		} else {
			rows[i].Rank = i + 1
		}
	}
}

// Privacy makes any leaderboard fit to show: opted-out people are dropped
// and the others re-ranked so no gap gives them away, and when Anonymize is
// set names become initials and handles and avatars are removed. Rows keep
// the order they came in; ranks from the source are kept relative to each
// other (ties stay ties), or, when the source gave none, ranked by points.
// Applying it twice changes nothing more.
func Privacy(rows []feeds.Standing, s Settings) []feeds.Standing {
	optOut := moderate.NewPeople(s.OptOut)
	out := make([]feeds.Standing, 0, len(rows))
	for _, r := range rows {
		if optOut.Match(r.Name, r.Handle) {
			continue
		}
		out = append(out, r)
	}
	ranked := false
	for _, r := range out {
		if r.Rank > 0 {
			ranked = true
			break
		}
	}
	if ranked {
		sort.SliceStable(out, func(i, j int) bool { return rankOrLast(out[i].Rank) < rankOrLast(out[j].Rank) })
		// A row's new rank is one more than the rows strictly ahead of it.
		old := make([]int, len(out))
		for i := range out {
			old[i] = out[i].Rank
		}
		for i := range out {
			if i > 0 && old[i] == old[i-1] {
				out[i].Rank = out[i-1].Rank
			} else {
				out[i].Rank = i + 1
			}
		}
	} else {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Points > out[j].Points })
		rankByPoints(out)
	}
	if s.Anonymize {
		for i := range out {
			name := out[i].Name
			if strings.TrimSpace(name) == "" {
				name = strings.TrimLeft(out[i].Handle, "@")
			}
			out[i].Name = Initials(name)
			out[i].Handle, out[i].Avatar = "", ""
		}
	}
	return out
}

// rankOrLast puts rows a source left unranked after the ranked ones.
func rankOrLast(r int) int {
	if r <= 0 {
		return math.MaxInt
	}
	return r
}

// Initials shortens a name to its initials: "Ada Lovelace" → "A. L.",
// "Jean-Luc Picard" → "J.-L. P.". Initials of initials are the same.
func Initials(name string) string {
	var parts []string
	for _, word := range strings.Fields(name) {
		var sub []string
		for _, piece := range strings.Split(word, "-") {
			for _, r := range piece {
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					sub = append(sub, string(unicode.ToUpper(r))+".")
					break
				}
			}
		}
		if len(sub) > 0 {
			parts = append(parts, strings.Join(sub, "-"))
		}
	}
	if len(parts) == 0 {
		return "?"
	}
	return strings.Join(parts, " ")
}
