package bidi

import (
	"strings"
	"testing"

	xbidi "golang.org/x/text/unicode/bidi"
)

// visual is the line as it appears from left to right, without its
// invisible marks: right-to-left runs reversed character by character,
// brackets mirrored (what shaping them right to left does for scripts
// without joining).
func visual(line string) string {
	out := ""
	for _, r := range Runs(line) {
		if r.RTL {
			out += xbidi.ReverseString(r.Text)
		} else {
			out += r.Text
		}
	}
	return strings.NewReplacer(LRM, "", RLM, "").Replace(out)
}

func TestRuns(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"Hello world", "Hello world"},
		// The Hebrew line: the number and the "!" on their sides.
		{"אספנו 212 ק״ג של מזון!", "!ןוזמ לש ג״ק 212 ונפסא"},
		{"שלום, עולם.", ".םלוע ,םולש"},
		{"abc אבג 123 def", "abc 123 גבא def"},
		{"We collected 212 kg (מזון) today", "We collected 212 kg (ןוזמ) today"},
		{"שלום (Hello) עולם", "םלוע (Hello) םולש"},
		{"גדלנו ב-12% החודש", "שדוחה 12%-ב ונלדג"},
		{RLM + "Hello world", "Hello world"},
		{LRM + "שלום is hello", "םולש is hello"},
		{"", ""},
	} {
		if got := visual(c.line); got != c.want {
			t.Errorf("%q displays as %q, want %q", c.line, got, c.want)
		}
	}
}

func TestArabicDigitsStayInOrder(t *testing.T) {
	runs := Runs("١٬٢٤٠ نقطة")
	if len(runs) != 2 || runs[1].Text != "١٬٢٤٠" || runs[1].RTL || !runs[0].RTL {
		t.Errorf("runs = %+v", runs)
	}
}

func TestMarkLine(t *testing.T) {
	for _, c := range []struct {
		line string
		rtl  bool
		want string
	}{
		{"Hello", true, RLM + "Hello"},
		{"212 kg", true, RLM + "212 kg"},
		{"שלום", true, "שלום"},
		{"212 ק״ג", true, "212 ק״ג"},
		{"שלום is hello", false, LRM + "שלום is hello"},
		{"Hello", false, "Hello"},
		{"123", false, "123"},
	} {
		if got := MarkLine(c.line, c.rtl); got != c.want {
			t.Errorf("MarkLine(%q, %v) = %q, want %q", c.line, c.rtl, got, c.want)
		}
	}
}
