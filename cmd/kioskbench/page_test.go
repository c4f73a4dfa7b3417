package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/playlist"
)

var fixtureNow = time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC)

func fixtureReport(t *testing.T) content.Report {
	t.Helper()
	f, err := os.Open("testdata/content.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := readReport(f)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

var fixtureSettings = playlist.Settings{PostSeconds: 10 * time.Second, WinsSeconds: 12 * time.Second,
	LeaderboardSeconds: 12 * time.Second, WinsEvery: 4, LeaderboardEvery: 6}

// renderFixture generates the page for testdata/content.json into a temp
// site folder and parses it as a browser would.
func renderFixture(t *testing.T, fade time.Duration) (site string, doc *html.Node, d pageData, warnings []string) {
	t.Helper()
	rep := fixtureReport(t)
	site = t.TempDir()
	pics := &pictures{dir: site, find: finder("testdata/demo"), urls: map[string]string{},
		warn: func(f string, a ...any) { warnings = append(warnings, fmt.Sprintf(f, a...)) }}
	seq := sequence(rep, fixtureSettings, fixtureNow, 40)
	d = buildPage(rep, seq, fade, "Test Lobby", "Europe/Berlin", fixtureNow, time.UTC, pics)
	var buf bytes.Buffer
	if err := writePage(&buf, d); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return site, doc, d, warnings
}

func TestPageHasOneSlidePerShownPostPlusWinsAndBoard(t *testing.T) {
	_, doc, _, _ := renderFixture(t, 600*time.Millisecond)
	slides := byClass(doc, "slide")
	if len(slides) != 9 { // 7 shown posts (the rejected one is left out), wins, leaderboard
		t.Fatalf("%d slides, want 9", len(slides))
	}
	page := text(doc)
	for _, want := range []string{
		"Beach clean-up: <b>Tom & Jerry</b> came too!", // shown as written, not as markup
		"Ana Silva", "@ana@social.example", "2 d ago", "yesterday", "Mastodon", "LinkedIn",
		"Our wins", "Post reach", "1.2 M", "people", "1,340", "+27 %",
		"Top advocates", "1,240 pts", "Biggest mover",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
	if strings.Contains(page, "A post moderation turned down.") {
		t.Error("the page shows a rejected post")
	}
	if n := len(byTag(doc, "b")); n != 0 {
		t.Errorf("post text became markup: %d <b> elements", n)
	}
}

func TestPagePictures(t *testing.T) {
	site, doc, _, warnings := renderFixture(t, 600*time.Millisecond)
	pics := map[string]string{} // post text → picture URL
	for _, post := range byClass(doc, "post") {
		src := ""
		for _, img := range byClass(post, "pic") {
			src = attr(img, "src")
		}
		pics[text(firstByClass(post, "text"))] = src
	}
	same := func(url, orig string) {
		t.Helper()
		got, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(url)))
		if err != nil {
			t.Fatalf("picture %s is not in the site: %v", url, err)
		}
		want, err := os.ReadFile(orig)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not a copy of %s", url, orig)
		}
	}
	cases := []struct {
		text, from string // from: the file the picture must be a copy of; "" = no picture
	}{
		{"Beach clean-up: <b>Tom & Jerry</b> came too!", "testdata/pics/beach.png"},
		// A path into the folder `content --demo` already removed: taken
		// from the benchmark's own copy of the demo.
		{"Our new repair bench is open.", "testdata/demo/images/p01.png"},
		{"The picture of this post was never downloaded.", ""},
		{"A banner is too thin to be a picture.", ""}, // the kiosk gives it the text layout too
		{"Fifth post.", ""},
	}
	for _, c := range cases {
		url, ok := pics[c.text]
		if !ok {
			t.Errorf("no post slide with %q", c.text)
			continue
		}
		if c.from == "" {
			if url != "" {
				t.Errorf("%q shows picture %s, want none", c.text, url)
			}
			continue
		}
		if url == "" {
			t.Errorf("%q has no picture, want a copy of %s", c.text, c.from)
			continue
		}
		same(url, c.from)
	}
	if !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, "/var/empty/nowhere.jpg") }) {
		t.Errorf("no warning names the missing picture; warnings: %q", warnings)
	}
	// The avatar found through the demo copy is shown, once copied even
	// though two slides use it.
	avatars := 0
	for _, img := range byTag(doc, "img") {
		if strings.HasSuffix(attr(img, "src"), "ana.png") {
			avatars++
			same(attr(img, "src"), "testdata/demo/avatars/ana.png")
		}
	}
	if avatars != 2 {
		t.Errorf("Ana's avatar shown %d times, want 2 (her post and the podium)", avatars)
	}
}

func TestPageFollowsThePlaylistPattern(t *testing.T) {
	_, doc, d, _ := renderFixture(t, 600*time.Millisecond)
	var seq []seqItem
	if err := json.Unmarshal([]byte(text(byID(doc, "seq"))), &seq); err != nil {
		t.Fatalf("the page's sequence is not JSON: %v", err)
	}
	if len(seq) != 40 {
		t.Fatalf("%d slides in the sequence, want 40", len(seq))
	}
	kinds := ""
	for _, it := range seq[:18] {
		k := string(d.Slides[it.Slide].Kind[0]) // p(ost), w(ins), l(eaderboard)
		kinds += k
		want := map[string]int{"p": 10000, "w": 12000, "l": 12000}[k]
		if it.MS != want {
			t.Errorf("a %s slide stands %d ms, want %d", d.Slides[it.Slide].Kind, it.MS, want)
		}
	}
	// Wins after every 4 posts, the leaderboard after every 6; when both
	// are due as much, the one not shown last goes first and the other
	// waits a post.
	if want := "ppppwpplppwpppplpw"; kinds != want {
		t.Errorf("slide kinds %s, want %s", kinds, want)
	}
	// Every shown post is on within the first round.
	seen := map[int]bool{}
	for _, it := range seq[:10] {
		if d.Slides[it.Slide].Kind == "post" {
			seen[it.Slide] = true
		}
	}
	if len(seen) != 7 {
		t.Errorf("%d different posts in the first 10 slides, want all 7", len(seen))
	}
}

func TestPageFadeIsSplitLikeTheKiosk(t *testing.T) {
	for _, c := range []struct {
		fade time.Duration
		want []string
	}{
		{600 * time.Millisecond, []string{"transition:opacity 300ms", "transition-delay:300ms"}},
		{time.Second, []string{"transition:opacity 500ms", "transition-delay:500ms"}},
		{0, []string{"transition:opacity 0ms", "transition-delay:0ms"}},
	} {
		_, doc, _, _ := renderFixture(t, c.fade)
		css := text(firstByTag(doc, "style"))
		for _, w := range c.want {
			if !strings.Contains(css, w) {
				t.Errorf("fade %s: the style has no %q", c.fade, w)
			}
		}
	}
}

func TestPodiumStandsSecondFirstThird(t *testing.T) {
	_, doc, _, _ := renderFixture(t, 0)
	var ranks []string
	for _, b := range byClass(doc, "rank") {
		ranks = append(ranks, text(b))
	}
	if got := strings.Join(ranks, " "); got != "2 1 3" {
		t.Errorf("podium left to right: %s, want 2 1 3", got)
	}
}

func TestDemoRelative(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"/tmp/lobbykiosk-demo-3146496452/images/p05.jpg", "images/p05.jpg", true},
		{"/var/tmp/x/lobbykiosk-demo-1/stories/a b.jpg", "stories/a b.jpg", true},
		{"/tmp/lobbykiosk-demo-1", "", false},
		{"/srv/pictures/p05.jpg", "", false},
	} {
		got, ok := demoRelative(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("demoRelative(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// HTML helpers.

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func byClass(root *html.Node, class string) []*html.Node {
	var out []*html.Node
	walk(root, func(n *html.Node) {
		if n.Type == html.ElementNode && slices.Contains(strings.Fields(attr(n, "class")), class) {
			out = append(out, n)
		}
	})
	return out
}

func byTag(root *html.Node, tag string) []*html.Node {
	var out []*html.Node
	walk(root, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
	})
	return out
}

func byID(root *html.Node, id string) *html.Node {
	var out *html.Node
	walk(root, func(n *html.Node) {
		if out == nil && n.Type == html.ElementNode && attr(n, "id") == id {
			out = n
		}
	})
	return out
}

func firstByClass(root *html.Node, class string) *html.Node {
	if ns := byClass(root, class); len(ns) > 0 {
		return ns[0]
	}
	return nil
}

func firstByTag(root *html.Node, tag string) *html.Node {
	if ns := byTag(root, tag); len(ns) > 0 {
		return ns[0]
	}
	return nil
}

// text is the text a person reads in n (script and style text included for
// the elements that hold data).
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}
