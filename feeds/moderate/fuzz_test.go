package moderate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"lobbykiosk/feeds"
)

// FuzzParseRevocations: any body either fails as a whole or yields only
// non-empty IDs and links, and never panics.
func FuzzParseRevocations(f *testing.F) {
	for _, name := range []string{"revocations-array.json", "revocations-object.json", "revocations-outage.html"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"revoked":[{"id":12},{"link":"  "}, "x"]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ids, links, _, err := parseRevocations(body)
		if err != nil {
			if len(ids)+len(links) != 0 {
				t.Fatalf("failed list still returned entries: %v %v", ids, links)
			}
			return
		}
		for _, id := range ids {
			if strings.TrimSpace(id) == "" {
				t.Fatalf("empty ID accepted from %q", body)
			}
		}
		for _, l := range links {
			// An object's "link" may be any string (a folder post's link
			// is a path); it only has to say something.
			if strings.TrimSpace(l) == "" {
				t.Fatalf("empty link accepted from %q", body)
			}
		}
	})
}

// FuzzBlockedPhrase: a blocked phrase written between spaces in a post is
// always found, in any case, and a post of only the phrase's words glued
// into one longer word is not (whole words only).
func FuzzBlockedPhrase(f *testing.F) {
	f.Add("project falcon", "Big news:")
	f.Add("Zürich", "hello")
	f.Add("机密", "这是")
	f.Fuzz(func(t *testing.T, phraseText, prefix string) {
		if !utf8.ValidString(phraseText) || !utf8.ValidString(prefix) {
			return
		}
		ps := compilePhrases([]string{phraseText})
		if len(ps) == 0 {
			return // no words in it: never blocks anything
		}
		m := New(Rules{BlockedWords: []string{phraseText}}, nil, nil, nil)
		for _, text := range []string{
			prefix + " " + phraseText + " end",
			strings.ToUpper(phraseText) + "!",
		} {
			v := m.Apply([]feeds.Post{{ID: "f", Text: text}}, now)[0]
			if v.Status != Rejected {
				// Upper-casing can change a word's letters (ß → SS is
				// fine, but some scripts fold differently); only the
				// verbatim form must always match.
				if text == strings.ToUpper(phraseText)+"!" && Fold(strings.ToUpper(phraseText)) != Fold(phraseText) {
					continue
				}
				t.Fatalf("phrase %q not found in %q: %s %q", phraseText, text, v.Status, v.Reason)
			}
		}
		if w := ps[0].words; len(w) == 1 {
			longer := w[0] + "xq"
			if got := words(Fold(longer)); len(got) == 1 && got[0] != w[0] {
				if v := m.Apply([]feeds.Post{{ID: "g", Text: longer}}, now)[0]; v.Status == Rejected {
					t.Fatalf("phrase %q matched inside the longer word %q", phraseText, longer)
				}
			}
		}
	})
}
