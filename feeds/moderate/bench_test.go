package moderate

import (
	"fmt"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

// BenchmarkApply moderates a large feed set against a realistic policy, as
// the kiosk does whenever content changes.
func BenchmarkApply(b *testing.B) {
	dec, _ := OpenDecisions(openStore(b, b.TempDir()))
	posts := make([]feeds.Post, 500)
	for i := range posts {
		posts[i] = post(fmt.Sprint("p", i), text("Ünsere Kollegin hat heute das neue Büro in Zürich eröffnet, mit Kuchen und Aussicht über den See. #office"))
		if i%10 == 0 {
			if err := dec.Approve(posts[i].ID, posts[i].Link); err != nil {
				b.Fatal(err)
			}
		}
	}
	var words []string
	for i := 0; i < 20; i++ {
		words = append(words, fmt.Sprintf("project codename%d", i))
	}
	m := New(Rules{BlockedWords: words, BlockedAuthors: []string{"@troll"}, MaxAge: 30 * 24 * time.Hour, MinText: 20}, nil, dec, nil)
	b.ReportAllocs()
	for b.Loop() {
		m.Apply(posts, now)
	}
}

// BenchmarkReloadUnchanged is the per-slide cost of noticing CLI decisions.
func BenchmarkReloadUnchanged(b *testing.B) {
	dec, _ := OpenDecisions(openStore(b, b.TempDir()))
	if err := dec.Approve("p", ""); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if changed, err := dec.Reload(); changed || err != nil {
			b.Fatal(changed, err)
		}
	}
}
