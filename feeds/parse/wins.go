package parse

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"lobbykiosk/feeds"
)

var winColumns = columns{
	names: []string{"label", "value", "previous", "unit", "period", "as_of"},
	aliases: map[string]string{
		"metric": "label", "name": "label", "title": "label",
		"current": "value", "this_period": "value",
		"prev": "previous", "last": "previous", "last_period": "previous", "previous_value": "previous",
		"asof": "as_of", "date": "as_of", "updated": "as_of",
	},
}

var boardColumns = columns{
	names: []string{"rank", "name", "handle", "points", "avatar", "change", "badge"},
	aliases: map[string]string{
		"position": "rank", "place": "rank", "#": "rank",
		"person": "name", "employee": "name", "display_name": "name",
		"username": "handle", "user": "handle",
		"score": "points", "pts": "points",
		"avatar_url": "avatar", "picture": "avatar", "photo": "avatar", "image": "avatar",
		"movement": "change", "delta": "change", "moved": "change",
	},
}

// Wins reads the social team's figures: a JSON list of objects
// {"label", "value", "previous", "unit", "period", "as_of"} or a CSV file
// whose header row names those columns (any order, any case, extra columns
// ignored). value and previous may be numbers or text as typed in a
// spreadsheet ("4,812", "61%", "€12k", see Value). A row that cannot be read
// becomes a warning naming its row and column and the other rows are kept;
// the error is for a file with nothing usable in it.
func Wins(data []byte) (_ []feeds.Metric, _ []string, err error) {
	defer func() { err = readable(err) }()
	var w warnings
	t, err := readTable(data, winColumns, &w)
	rows, header := t.rows, t.header
	if err != nil {
		return nil, w.done(), fmt.Errorf("wins: %w", err)
	}
	if missing := missingColumns(header, "label", "value"); missing != "" {
		return nil, w.done(), fmt.Errorf("wins: no %s column (the file has %s)", missing, present(header, winColumns))
	}
	var out []feeds.Metric
	for _, r := range rows {
		m, ok := metric(r, &w)
		if ok {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, w.done(), fmt.Errorf("wins: %w", w.none("rows"))
	}
	return out, w.done(), nil
}

func metric(r row, w *warnings) (feeds.Metric, bool) {
	var m feeds.Metric
	m.Label = clean(text(r, "label", w))
	if m.Label == "" {
		w.add("row %d, column label: empty (row skipped)", r.num)
		return m, false
	}
	v, unit, err := number(r, "value")
	if err != nil {
		w.add("row %d, column value: %v (row skipped)", r.num, err)
		return m, false
	}
	m.Value = v
	if c := r.get("previous"); c.bad != "" || strings.TrimSpace(c.text) != "" {
		p, _, err := number(r, "previous")
		if err != nil {
			w.add("row %d, column previous: %v (shown without a trend)", r.num, err)
		} else {
			m.Previous, m.HasPrevious = p, true
		}
	}
	m.Unit = clean(text(r, "unit", w))
	if m.Unit == "" {
		m.Unit = unit
	}
	m.Period = clean(text(r, "period", w))
	if s := strings.TrimSpace(text(r, "as_of", w)); s != "" {
		t, err := parseDate(s)
		if err != nil {
			w.add("row %d, column as_of: %v", r.num, err)
		} else {
			m.AsOf = t
		}
	}
	return m, true
}

// Leaderboard reads a leaderboard export: a JSON list of objects or a CSV
// file with the header rank,name,handle,points,avatar,change (badge too),
// under the same rules as Wins. Rows without a rank are ranked by points,
// ties sharing a rank (1, 2, 2, 4). The result is in rank order.
func Leaderboard(data []byte) (_ []feeds.Standing, _ []string, err error) {
	defer func() { err = readable(err) }()
	var w warnings
	t, err := readTable(data, boardColumns, &w)
	rows, header := t.rows, t.header
	if err != nil {
		return nil, w.done(), fmt.Errorf("leaderboard: %w", err)
	}
	if !header["name"] && !header["handle"] {
		return nil, w.done(), fmt.Errorf("leaderboard: no name or handle column (the file has %s)", present(header, boardColumns))
	}
	if !header["points"] && !header["rank"] {
		return nil, w.done(), fmt.Errorf("leaderboard: no points or rank column (the file has %s)", present(header, boardColumns))
	}
	var out []feeds.Standing
	ranked := 0
	for _, r := range rows {
		s, hasRank, ok := standing(r, &w)
		if !ok {
			continue
		}
		if hasRank {
			ranked++
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, w.done(), fmt.Errorf("leaderboard: %w", w.none("rows"))
	}
	if ranked < len(out) {
		if ranked > 0 {
			w.add("%d of %d rows have no rank; ranked everyone by points", len(out)-ranked, len(out))
		}
		rankByPoints(out)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rank < out[j].Rank })
	return out, w.done(), nil
}

func standing(r row, w *warnings) (s feeds.Standing, hasRank, ok bool) {
	s.Name = clean(text(r, "name", w))
	s.Handle = strings.ReplaceAll(clean(text(r, "handle", w)), " ", "")
	if s.Name == "" {
		s.Name = s.Handle
	}
	if s.Name == "" {
		w.add("row %d, column name: empty (row skipped)", r.num)
		return s, false, false
	}
	hasPoints := false
	var pointsErr error
	if c := r.get("points"); c.bad != "" || strings.TrimSpace(c.text) != "" {
		p, _, err := number(r, "points")
		if err != nil {
			pointsErr = err
		} else {
			s.Points, hasPoints = p, true
		}
	}
	if c := r.get("rank"); c.bad != "" || strings.TrimSpace(c.text) != "" {
		n, err := whole(r, "rank")
		switch {
		case err != nil:
			w.add("row %d, column rank: %v", r.num, err)
		case n < 1:
			w.add("row %d, column rank: %d is not a place (1 is first)", r.num, n)
		default:
			s.Rank, hasRank = n, true
		}
	}
	switch {
	case pointsErr != nil && !hasRank:
		w.add("row %d, column points: %v (row skipped)", r.num, pointsErr)
		return s, false, false
	case pointsErr != nil:
		w.add("row %d, column points: %v", r.num, pointsErr)
	case !hasPoints && !hasRank:
		w.add("row %d: neither points nor a rank (row skipped)", r.num)
		return s, false, false
	}
	if c := r.get("change"); c.bad != "" || strings.TrimSpace(c.text) != "" {
		n, err := change(r)
		if err != nil {
			w.add("row %d, column change: %v", r.num, err)
		}
		s.Change = n
	}
	s.Avatar = strings.TrimSpace(clean(text(r, "avatar", w)))
	s.Badge = clean(text(r, "badge", w))
	return s, hasRank, true
}

// rankByPoints gives standard competition ranks: equal points share a rank
// and the next rank skips (1, 2, 2, 4).
func rankByPoints(s []feeds.Standing) {
	sort.SliceStable(s, func(i, j int) bool { return s[i].Points > s[j].Points })
	for i := range s {
		if i > 0 && s[i].Points == s[i-1].Points {
			s[i].Rank = s[i-1].Rank
		} else {
			s[i].Rank = i + 1
		}
	}
}

// text is a cell's text; a cell holding something that is not text (a JSON
// object) is reported once and read as empty.
func text(r row, col string, w *warnings) string {
	c := r.get(col)
	if c.bad != "" {
		w.add("row %d, column %s: %s", r.num, col, c.bad)
		return ""
	}
	return c.text
}

func number(r row, col string) (float64, string, error) {
	c := r.get(col)
	if c.bad != "" {
		return 0, "", errors.New(c.bad)
	}
	return value(c.text, r.decimalComma)
}

func whole(r row, col string) (int, error) {
	f, _, err := number(r, col)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, fmt.Errorf("%q is not a whole number", strings.TrimSpace(r.get(col).text))
	}
	return int(f), nil
}

// change reads places moved as people write them: "+2", "-1", "▲2", "↓1",
// and "=", "-", "new" for no movement.
func change(r row) (int, error) {
	c := r.get("change")
	if c.bad != "" {
		return 0, errors.New(c.bad)
	}
	s := strings.TrimFunc(c.text, isBlank)
	switch strings.ToLower(s) {
	case "", "=", "-", "–", "—", "±0", "new", "none", "same", "0":
		return 0, nil
	}
	sign := 1.0
	for _, p := range []struct {
		arrow string
		sign  float64
	}{{"▲", 1}, {"↑", 1}, {"⬆", 1}, {"△", 1}, {"▼", -1}, {"↓", -1}, {"⬇", -1}, {"▽", -1}} {
		if rest, ok := strings.CutPrefix(s, p.arrow); ok {
			s, sign = strings.TrimFunc(rest, isBlank), p.sign
			break
		}
	}
	f, _, err := value(s, r.decimalComma)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || math.Abs(f) > 1e6 {
		return 0, fmt.Errorf("%q is not a whole number of places", strings.TrimSpace(c.text))
	}
	return int(sign * f), nil
}

// dateLayouts are the dates people type; day/month order is only accepted
// where it cannot be misread (no 01/02/2024).
var dateLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
	"2006/01/02", "02.01.2006", "2.1.2006", "2 Jan 2006", "2 January 2006", "Jan 2, 2006", "January 2, 2006",
}

// parseDate reads a date; one without a zone is in the kiosk's local time,
// which is where the people who typed it live.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a date (write it as 2024-05-31)", s)
}

func missingColumns(header map[string]bool, want ...string) string {
	var miss []string
	for _, c := range want {
		if !header[c] {
			miss = append(miss, fmt.Sprintf("%q", c))
		}
	}
	return strings.Join(miss, " or ")
}

func present(header map[string]bool, cols columns) string {
	var have []string
	for _, n := range cols.names {
		if header[n] {
			have = append(have, n)
		}
	}
	if len(have) == 0 {
		return "none of " + strings.Join(cols.names, ", ")
	}
	return strings.Join(have, ", ")
}
