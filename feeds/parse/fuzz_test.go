package parse

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"lobbykiosk/feeds"
)

// Seeds live in testdata/fuzz/<FuzzName>/ (fixtures, broken documents,
// entity bombs); go test runs them on every test run.

// screenText reports what is wrong with text meant for the screen: it must
// be valid UTF-8, folded (no leading, trailing or double spaces, no other
// whitespace) and free of the characters Text drops.
func screenText(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	if strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") || strings.Contains(s, "  ") {
		return "unfolded spaces"
	}
	for _, r := range s {
		if dropped(r) || (r != ' ' && isBlank(r)) {
			return "holds " + strconv.QuoteRune(r)
		}
	}
	return ""
}

// checkWords: what a person reads about a bad file is valid UTF-8 without
// control characters, and there are not thousands of lines of it.
func checkWords(t *testing.T, warns []string, err error) {
	t.Helper()
	if len(warns) > maxWarnings+1 {
		t.Errorf("%d warnings", len(warns))
	}
	for _, w := range warns {
		if problem := screenText(w); problem != "" {
			t.Errorf("warning %q: %s", w, problem)
		}
	}
	if err != nil {
		if problem := screenText(err.Error()); problem != "" {
			t.Errorf("error %q: %s", err, problem)
		}
	}
}

func webURL(s string) bool {
	return s == "" || strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func FuzzPosts(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		posts, warns, err := Posts(data, feeds.SourceSpec{Name: "fuzz"})
		checkWords(t, warns, err)
		if err != nil {
			if posts != nil {
				t.Errorf("posts alongside error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "not a feed: ") {
				t.Errorf("error not worded for a person: %q", err)
			}
			return
		}
		if len(posts) > MaxItems {
			t.Errorf("%d posts, more than %d", len(posts), MaxItems)
		}
		ids := map[string]bool{}
		for _, p := range posts {
			if ids[p.ID] || len(p.ID) != 16 {
				t.Errorf("id %q repeated or malformed", p.ID)
			}
			ids[p.ID] = true
			if problem := screenText(p.Text); problem != "" {
				t.Errorf("text %q: %s", p.Text, problem)
			}
			if n := utf8.RuneCountInString(p.Text); n > MaxText+1 {
				t.Errorf("text of %d runes", n)
			}
			for _, s := range []string{p.Author.Name, p.Author.Handle, p.Network} {
				if problem := screenText(s); problem != "" {
					t.Errorf("field %q: %s", s, problem)
				}
			}
			if p.Author.Name == "" || p.Network == "" {
				t.Errorf("post without author name or network: %+v", p)
			}
			if p.Text == "" && p.Image == "" {
				t.Errorf("post with nothing to show: %+v", p)
			}
			for _, u := range []string{p.Link, p.Image, p.Author.Avatar} {
				if !webURL(u) {
					t.Errorf("not a web URL: %q", u)
				}
			}
			if !p.Published.IsZero() && p.Published.Location().String() != "UTC" {
				t.Errorf("published %v not in UTC", p.Published)
			}
			if p.Likes < 0 || p.Shares < 0 || p.Comments < 0 {
				t.Errorf("negative counts: %+v", p)
			}
		}
	})
}

func FuzzText(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, max int) {
		max %= 2000
		got := Text(s, max)
		if problem := screenText(got); problem != "" {
			t.Errorf("Text(%q, %d) = %q: %s", s, max, got, problem)
		}
		n := utf8.RuneCountInString(got)
		if max > 0 && n > max+1 {
			t.Errorf("Text(%q, %d) is %d runes", s, max, n)
		}
		if max > 0 && n > max && !strings.HasSuffix(got, "…") {
			t.Errorf("Text(%q, %d) = %q: cut without …", s, max, got)
		}
		if again := plain(got, 0); again != got {
			t.Errorf("output is not folded: %q became %q", got, again)
		}
	})
}

func FuzzValue(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		v, unit, err := Value(s)
		if err != nil {
			if !utf8.ValidString(err.Error()) {
				t.Errorf("error not UTF-8: %q", err)
			}
			return
		}
		if math.IsInf(v, 0) || math.IsNaN(v) {
			t.Errorf("Value(%q) = %v", s, v)
		}
		if problem := screenText(unit); problem != "" {
			t.Errorf("Value(%q) unit %q: %s", s, unit, problem)
		}
		// Whatever was read, the plain number reads back the same.
		plainNum := strconv.FormatFloat(v, 'f', -1, 64)
		if back, u, err := Value(plainNum); err != nil || back != v || u != "" {
			t.Errorf("Value(%q) = %v, but Value(%q) = %v, %q, %v", s, v, plainNum, back, u, err)
		}
	})
}

func FuzzWins(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		metrics, warns, err := Wins(data)
		checkWords(t, warns, err)
		if err != nil {
			if metrics != nil {
				t.Errorf("metrics alongside error %v", err)
			}
			return
		}
		if len(metrics) == 0 {
			t.Error("no metrics and no error")
		}
		for _, m := range metrics {
			if m.Label == "" || screenText(m.Label) != "" || screenText(m.Unit) != "" || screenText(m.Period) != "" {
				t.Errorf("unclean metric %+v", m)
			}
			if math.IsInf(m.Value, 0) || math.IsNaN(m.Value) || math.IsInf(m.Previous, 0) || math.IsNaN(m.Previous) {
				t.Errorf("non-finite metric %+v", m)
			}
			if !m.HasPrevious && m.Previous != 0 {
				t.Errorf("previous without HasPrevious: %+v", m)
			}
		}
	})
}

func FuzzLeaderboard(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, warns, err := Leaderboard(data)
		checkWords(t, warns, err)
		if err != nil {
			if rows != nil {
				t.Errorf("rows alongside error %v", err)
			}
			return
		}
		if len(rows) == 0 {
			t.Error("no rows and no error")
		}
		for i, r := range rows {
			if r.Name == "" || screenText(r.Name) != "" || screenText(r.Badge) != "" {
				t.Errorf("unclean row %+v", r)
			}
			if r.Rank < 1 || (i > 0 && r.Rank < rows[i-1].Rank) {
				t.Errorf("rank %d after %+v", r.Rank, rows[max(i-1, 0)])
			}
			if math.IsInf(r.Points, 0) || math.IsNaN(r.Points) {
				t.Errorf("non-finite points %+v", r)
			}
		}
	})
}
