package parse

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
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
			if p.DateUnknown != p.Published.IsZero() {
				t.Errorf("published %v, date unknown %v", p.Published, p.DateUnknown)
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

// FuzzValueMark: under any decimal mark, a value reads the same number
// whenever it shows its own mark, and what it reads is a plain finite number.
func FuzzValueMark(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, m uint8) {
		mark := decimalMark(m % 3)
		v, unit, err := value(s, mark)
		if err != nil {
			return
		}
		if math.IsInf(v, 0) || math.IsNaN(v) || screenText(unit) != "" {
			t.Errorf("value(%q, %v) = %v, %q", s, mark, v, unit)
		}
		n, err := scanNumber(s)
		if err != nil {
			t.Fatalf("value read %q but scanNumber refuses it: %v", s, err)
		}
		if _, ambiguous := markOf(n.run); !ambiguous {
			for _, other := range []decimalMark{markUnknown, markDot, markComma} {
				if w, _, err := value(s, other); err != nil || w != v {
					t.Errorf("%q reads %v under %v but %v, %v under %v, though it shows its own mark", s, v, mark, w, err, other)
				}
			}
		}
	})
}

// FuzzToUTF8: whatever the bytes and whatever the server says, the text is
// valid UTF-8 without a byte order mark, its encoding is named, and UTF-8
// that says nothing else is left as it is.
func FuzzToUTF8(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		d := toUTF8(data, contentType)
		if !utf8.Valid(d.data) {
			t.Errorf("toUTF8(%q, %q) is not UTF-8: %q", data, contentType, d.data)
		}
		if bytes.HasPrefix(d.data, []byte("\uFEFF")) {
			t.Errorf("toUTF8(%q) starts with a byte order mark", data)
		}
		if d.name == "" || d.from == "" {
			t.Errorf("toUTF8(%q, %q): encoding %q from %q", data, contentType, d.name, d.from)
		}
		if d.warning != "" && screenText(clean(d.warning)) != "" {
			t.Errorf("warning %q", d.warning)
		}
		if fixed, n, _ := repairMojibake(d.data); !utf8.Valid(fixed) || len(fixed) > len(d.data) || (n == 0) != bytes.Equal(fixed, d.data) {
			t.Errorf("repairMojibake(%q) = %q, %d", d.data, fixed, n)
		}
		if contentType == "" && utf8.Valid(data) && bytes.IndexByte(data, 0) < 0 && !bytes.HasPrefix(data, []byte("\uFEFF")) {
			if label, _ := inDocument(data); label == "" && !bytes.Equal(d.data, data) {
				t.Errorf("UTF-8 %q changed to %q", data, d.data)
			}
		}
	})
}

// FuzzDate: a date is read as a real instant in UTC, or refused in words;
// what was read reads back the same.
func FuzzDate(f *testing.F) {
	locales := []string{"", "en-US", "de", "en-GB"}
	f.Fuzz(func(t *testing.T, s, other string, l uint8) {
		d := newDateReader(locales[int(l)%len(locales)], "Europe/Berlin")
		d.inferZone = l&4 != 0
		d.observe(other)
		d.observe(s)
		if w := d.decide(); w != "" && screenText(clean(w)) != "" {
			t.Errorf("warning %q", w)
		}
		got, err := d.parse(s)
		if err != nil {
			if !utf8.ValidString(err.Error()) || strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("error %q", err)
			}
			return
		}
		if got.Location() != time.UTC || got.Year() < 1971 || got.Year() > 2200 {
			t.Errorf("parse(%q) = %v", s, got)
		}
		back, err := newDateReader("", "UTC").parse(got.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(got) {
			t.Errorf("parse(%q) = %v, which reads back as %v, %v", s, got, back, err)
		}
		_ = d.choice()
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
