package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"lobbykiosk/assets"
	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/playlist"
	"lobbykiosk/kiosk/slide"
)

// The design check: every slide type, at the four screens a lobby TV has,
// with the demo's content and with stress content, read twice. First from
// the layout (View.Layout: every text with its role, box and the colour the
// layout puts under it; slide.CheckLayout), then on the rendered pixels:
// the slide is rendered with its texts and without them, so the difference
// is each text's ink and the second image is exactly what is behind it.
// On the pixels it measures, per text, the contrast of the ink's colour
// against every background pixel under and around the glyphs, the cap height
// of its capitals or digits (or its x-height, scaled by the font's ratio),
// and where the ink is: inside the text's box, inside the safe area, and no
// ink anywhere that no text accounts for.
//
// It takes a few minutes (4K is half of it; -short checks 1080p and portrait
// only). It prints the smallest contrast and cap height per slide type and screen
// (go test -v -run TestDesign ./kiosk/ui/); with LOBBYKIOSK_DESIGN_TABLE=FILE
// it also writes them as the Markdown table the README shows. To look at
// the slides, LOBBYKIOSK_DESIGN_OUT=DIR writes every one as PNG, and
// LOBBYKIOSK_DESIGN_FAILED=DIR those that fail.

// designScreens are the screens of the check.
var designScreens = []struct {
	name string
	w, h int
}{{"720p", 1280, 720}, {"1080p", 1920, 1080}, {"4K", 3840, 2160}, {"portrait", 1080, 1920}}

// designCase is one slide of the check.
type designCase struct {
	set, name string
	s         slide.Slide
	c         slide.Chrome
	th        Theme
}

func (d designCase) kind() string {
	switch {
	case d.s.Kind == slide.KindPost && d.s.Post != nil && slide.UsablePicture(d.s.Post.Picture):
		return "post with picture"
	case d.s.Kind == slide.KindPost && d.s.Post != nil:
		return "post without picture"
	case d.s.Kind == slide.KindWins && len(d.s.Wins) > 0:
		return "wins"
	case d.s.Kind == slide.KindLeaderboard && d.s.Board != nil && len(d.s.Board.Podium) > 0:
		return "leaderboard"
	}
	return "welcome"
}

// designNow is the demo's "now": a day after its newest post.
var designNow = time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)

// demoCases are every slide the embedded demo shows, built by the real
// engine from the real files, as `lobbykiosk demo` would show them.
func demoCases(t *testing.T) []designCase {
	t.Helper()
	path, err := assets.ExtractDemo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(cfg, engine.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	eng.RefreshOnce(context.Background())
	logo, err := png.Decode(bytes.NewReader(assets.LogoOnDark()))
	if err != nil {
		t.Fatal(err)
	}
	player := engine.NewPlayer(eng, nil, logo)
	r := eng.Report(designNow)
	chrome := player.Chrome(r, designNow)
	chrome.Clock = "10:30"
	var out []designCase
	add := func(name string, it playlist.Item) {
		out = append(out, designCase{"demo", name, player.Build(context.Background(), it, r, designNow), chrome, DefaultTheme()})
	}
	for _, p := range r.Shown() {
		add("post "+p.Author.Name+" "+p.ID[:6], playlist.Item{Kind: playlist.Post, PostID: p.ID})
	}
	if len(out) < 20 {
		t.Fatalf("the demo shows %d posts", len(out))
	}
	for page := range slide.WinsPages(len(r.Wins)) {
		add(fmt.Sprintf("wins %d", page+1), playlist.Item{Kind: playlist.Wins, Page: page})
	}
	add("leaderboard", playlist.Item{Kind: playlist.Leaderboard})
	add("welcome", playlist.Item{Kind: playlist.Welcome})
	return out
}

// Odd pictures for the stress set: what staff actually upload.
var (
	tallPicture = photo(900, 3000) // a phone's screenshot or a portrait
	widePicture = photo(3000, 900) // a panorama, just inside the usable aspect
	tinyPicture = photo(80, 80)    // a thumbnail that slipped through
)

// stressCases are content chosen to break the layout: long and short,
// many and few, long names, no pictures and odd ones, every wins and
// leaderboard count, and other themes.
func stressCases() []designCase {
	now := designNow
	post := func(name, team, network, text string, avatar, pic image.Image) slide.Slide {
		p := feeds.Post{Network: network, Author: feeds.Author{Name: name, Handle: "@" + strings.ToLower(strings.Fields(name + " x")[0]) + "@social.example", Team: team},
			Text: text, Published: now.Add(-3 * time.Hour)}
		s := slide.FromPost(p, avatar, pic, now, time.UTC, nil)
		s.Post.Text = slide.Glance(s.Post.Text, slide.WordsIn(20*time.Second))
		return s
	}
	words500 := strings.Repeat("We shipped the new onboarding flow to every customer this week, and the feedback from the Lisbon and Nairobi teams has been wonderful. Thank you all! ", 20)
	longName := "Maximiliane Alexandra Papadopoulou-Schmidt"
	metric := func(label string, v, prev float64, unit string) feeds.Metric {
		return feeds.Metric{Label: label, Value: v, Previous: prev, HasPrevious: !math.IsNaN(prev), Unit: unit, Period: "November"}
	}
	nan := math.NaN()
	eight := []feeds.Metric{
		metric("Post reach", 1.2e6, 948e3, "people"), metric("Shares", 4812, 3960, ""),
		metric("New followers", 1340, 1512, ""), metric("Staff sharing", 61, 54, "%"),
		metric("Net followers", 420, -100, ""), metric("Comments", 0, 12, ""),
		metric("Employee advocacy reach this quarter", 12_345_678_901, nan, "impressions"), metric("Clicks", 98_765, 98_700, "visits"),
	}
	standings := func(n int, long bool) []feeds.Standing {
		names := []string{"Ana Lima", "Ben Okafor", "Chen Wei", "Dana Kim", "Elif Demir", "Walter Mwangi", "Gustavo Pereira", "Hannah Müller", "Ivo Petrov", "Jana Novák"}
		var out []feeds.Standing
		for i := range n {
			name := names[i]
			if long && i%2 == 1 {
				name = longName
			}
			out = append(out, feeds.Standing{Rank: i + 1, Name: name, Points: float64(2400 - 150*i), Change: []int{3, -1, 2, 0, 6, -2, 1, 4, -3, 9}[i]})
		}
		return out
	}
	avatars := map[string]image.Image{"Ana Lima": anaFace, "Ben Okafor": benFace}
	light := DefaultTheme()
	light.Dark = false
	yellow := DefaultTheme()
	yellow.Accent = color.NRGBA{0xFF, 0xD4, 0x00, 0xff}
	stale := staleChrome
	justScan := DefaultTheme()
	justScan.SafeArea = 0 // a TV set to "Just Scan": the layout's own margin only
	cropping := DefaultTheme()
	cropping.SafeArea = 10 // a TV that crops a lot
	cases := []designCase{
		{"stress", "500 words with a picture", post("Ana Lima", "Design, Lisbon", "linkedin", words500, anaFace, sunset), stale, DefaultTheme()},
		{"stress", "500 words, no picture", post("Ben Okafor", "Customer Success", "bluesky", words500, nil, nil), freshChrome, DefaultTheme()},
		{"stress", "one word with a picture", post("Chen Wei", "", "mastodon", "Yes!", nil, sunset), freshChrome, DefaultTheme()},
		{"stress", "one word, no picture", post("Chen Wei", "", "blog", "Yes!", nil, nil), freshChrome, DefaultTheme()},
		{"stress", "long name and team", post(longName+" von Habsburg", "Global Partnerships and Alliances, Thessaloniki", "instagram", "New partner signed today.", nil, sunset), freshChrome, DefaultTheme()},
		{"stress", "long name, no picture", post(longName+" von Habsburg", "Global Partnerships and Alliances, Thessaloniki", "youtube", "New partner signed today.", nil, nil), freshChrome, DefaultTheme()},
		{"stress", "very tall picture", post("Dana Kim", "Events", "story", "The view from the new office, floor 14.", nil, tallPicture), freshChrome, DefaultTheme()},
		{"stress", "very wide picture", post("Elif Demir", "Events", "facebook", "All 140 of us, one photo.", nil, widePicture), freshChrome, DefaultTheme()},
		{"stress", "tiny picture", post("Farah Haddad", "", "threads", "A small thing, a big day.", nil, tinyPicture), freshChrome, DefaultTheme()},
		{"stress", "one enormous word", post("Gustavo Pereira", "", "x", "https://example.com/"+strings.Repeat("abcdefghij", 300), nil, nil), freshChrome, DefaultTheme()},
		{"stress", "Hebrew", post("דוד כהן", "", "mastodon", "שלום לכולם! היום השקנו את המוצר החדש, תודה לכל הצוות.", nil, sunset), freshChrome, DefaultTheme()},
		{"stress", "light theme post", post("Ana Lima", "Design, Lisbon", "bluesky", "Light theme, same rules.", anaFace, sunset), freshChrome, light},
	}
	for n := 1; n <= 4; n++ {
		cases = append(cases, designCase{"stress", fmt.Sprintf("%d wins", n), slide.FromWins(eight[:n], 0, nil), freshChrome, DefaultTheme()})
	}
	for page := range slide.WinsPages(len(eight)) {
		cases = append(cases, designCase{"stress", fmt.Sprintf("8 wins, page %d", page+1), slide.FromWins(eight, page, nil), freshChrome, DefaultTheme()})
	}
	cases = append(cases,
		designCase{"stress", "5 wins, page 2", slide.FromWins(eight[:5], 1, nil), freshChrome, DefaultTheme()},
		designCase{"stress", "wins, light theme", slide.FromWins(eight[:4], 0, nil), freshChrome, light},
		designCase{"stress", "wins, yellow accent", slide.FromWins(eight[2:5], 0, nil), freshChrome, yellow},
	)
	for _, n := range []int{1, 2, 3, 4, 10} {
		cases = append(cases, designCase{"stress", fmt.Sprintf("leaderboard of %d", n), slide.FromLeaderboard(standings(n, false), avatars, "November", nil), freshChrome, DefaultTheme()})
	}
	cases = append(cases,
		designCase{"stress", "leaderboard, long names", slide.FromLeaderboard(standings(10, true), avatars, "1 October – 31 December 2026", nil), stale, DefaultTheme()},
		designCase{"stress", "leaderboard of 3, long names", slide.FromLeaderboard(standings(3, true), avatars, "Q4", nil), freshChrome, DefaultTheme()},
		designCase{"stress", "leaderboard, light theme", slide.FromLeaderboard(standings(8, false), avatars, "November", nil), freshChrome, light},
		designCase{"stress", "leaderboard, yellow accent", slide.FromLeaderboard(standings(8, false), avatars, "November", nil), freshChrome, yellow},
		designCase{"stress", "leaderboard, safe area 0", slide.FromLeaderboard(standings(10, true), avatars, "November", nil), stale, justScan},
		designCase{"stress", "leaderboard, safe area 10", slide.FromLeaderboard(standings(10, true), avatars, "November", nil), stale, cropping},
		designCase{"stress", "post, safe area 10", post("Ana Lima", "Design, Lisbon", "linkedin", words500, anaFace, sunset), stale, cropping},
		designCase{"stress", "wins, safe area 0", slide.FromWins(eight[:4], 0, nil), freshChrome, justScan},
		designCase{"stress", "welcome, long message", slide.WelcomeSlide("Northwind Laboratories International", strings.Repeat("Welcome to our Lisbon office. Coffee is on the second floor. ", 6), mark, nil), freshChrome, DefaultTheme()},
		designCase{"stress", "welcome, nothing", slide.WelcomeSlide("", "", nil, nil), slide.Chrome{Clock: "23:59", Stale: "offline"}, DefaultTheme()},
	)
	return cases
}

// fontRatios are the bundled font's cap height and x-height per unit of
// text size, read from the font file.
func fontRatios(t *testing.T) (capH, xH float64) {
	f, err := font.ParseTTF(bytes.NewReader(theme.DefaultTextFont().Content()))
	if err != nil {
		t.Fatal(err)
	}
	upem := float64(f.Upem())
	return float64(f.LineMetric(font.CapHeight)) / upem, float64(f.LineMetric(font.XHeight)) / upem
}

// inkFound is one text as its pixels show it.
type inkFound struct {
	contrast float64 // of the ink's colour against the worst background pixel around it
	cap      float64 // cap height in pixels; 0 when it could not be measured
	box      image.Rectangle
	fg       color.NRGBA
	worstBG  color.NRGBA
	pixels   int
}

// linear is the sRGB transfer function as a table, for luminance.
var linear = func() (t [256]float64) {
	for i := range t {
		f := float64(i) / 255
		if f <= 0.04045 {
			t[i] = f / 12.92
		} else {
			t[i] = math.Pow((f+0.055)/1.055, 2.4)
		}
	}
	return t
}()

func lum(c color.NRGBA) float64 {
	return 0.2126*linear[c.R] + 0.7152*linear[c.G] + 0.0722*linear[c.B]
}

// measureInk reads mark m off the rendered image img and bare, the same
// screen without its texts.
func measureInk(img, bare *image.NRGBA, m slide.Mark, capRatio, xRatio float64) inkFound {
	pad := int(math.Ceil(float64(max(2, 0.15*m.Size))))
	r := image.Rect(int(m.Rect.X)-pad, int(m.Rect.Y)-pad, int(math.Ceil(float64(m.Rect.Right())))+pad, int(math.Ceil(float64(m.Rect.Bottom())))+pad).Intersect(img.Rect)
	w, h := r.Dx(), r.Dy()
	out := inkFound{}
	if w <= 0 || h <= 0 {
		return out
	}
	diffs := make([]uint8, w*h)
	var hist [256]int
	for y := range h {
		for x := range w {
			a, b := img.NRGBAAt(r.Min.X+x, r.Min.Y+y), bare.NRGBAAt(r.Min.X+x, r.Min.Y+y)
			d := uint8(max(absDiff(a.R, b.R), absDiff(a.G, b.G), absDiff(a.B, b.B)))
			diffs[y*w+x] = d
			hist[d]++
		}
	}
	for d := 13; d < 256; d++ {
		out.pixels += hist[d]
	}
	if out.pixels == 0 {
		return out
	}
	// The ink's colour: the tenth of the ink that differs most from what
	// is behind it is the glyphs' solid cores.
	coreMin, n := 255, 0
	for ; coreMin > 13 && n < max(3, out.pixels/10); coreMin-- {
		n += hist[coreMin]
	}
	full := 255
	for hist[full] == 0 {
		full--
	}
	var sr, sg, sb, cnt int
	ink := make([]bool, w*h) // covered at least a quarter by a glyph
	out.box = image.Rectangle{}
	first := true
	for y := range h {
		for x := range w {
			d := int(diffs[y*w+x])
			if d >= coreMin {
				c := img.NRGBAAt(r.Min.X+x, r.Min.Y+y)
				sr, sg, sb, cnt = sr+int(c.R), sg+int(c.G), sb+int(c.B), cnt+1
			}
			if d > 12 && 4*d >= full {
				ink[y*w+x] = true
				pt := image.Rect(r.Min.X+x, r.Min.Y+y, r.Min.X+x+1, r.Min.Y+y+1)
				if first {
					out.box, first = pt, false
				} else {
					out.box = out.box.Union(pt)
				}
			}
		}
	}
	out.fg = color.NRGBA{uint8(sr / cnt), uint8(sg / cnt), uint8(sb / cnt), 0xff}
	// What is behind: every bare pixel under the glyphs or within a tenth
	// of the size around them (the ink mask dilated, row then column).
	ring := int(math.Ceil(float64(max(2, 0.1*m.Size))))
	near := dilate(dilate(ink, w, h, ring, true), w, h, ring, false)
	fl := lum(out.fg)
	out.contrast = 21
	for y := range h {
		for x := range w {
			if !near[y*w+x] {
				continue
			}
			bg := bare.NRGBAAt(r.Min.X+x, r.Min.Y+y)
			bl := lum(bg)
			c := (max(fl, bl) + 0.05) / (min(fl, bl) + 0.05)
			if c < out.contrast {
				out.contrast, out.worstBG = c, bg
			}
		}
	}
	out.cap = capOf(m, ink, r, capRatio, xRatio)
	return out
}

// dilate grows mask (w×h) by d cells along rows (or columns).
func dilate(mask []bool, w, h, d int, rows bool) []bool {
	out := make([]bool, len(mask))
	n, lines := w, h
	at := func(line, i int) int { return line*w + i }
	if !rows {
		n, lines = h, w
		at = func(line, i int) int { return i*w + line }
	}
	for l := range lines {
		last := -1 << 30 // the last set cell seen
		for i := range n {
			if mask[at(l, i)] {
				last = i
			}
			if i-last <= d {
				out[at(l, i)] = true
			}
		}
		last = 1 << 30
		for i := n - 1; i >= 0; i-- {
			if mask[at(l, i)] {
				last = i
			}
			if last-i <= d {
				out[at(l, i)] = true
			}
		}
	}
	return out
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// capOf measures the cap height of m on its ink mask (over r): from the top
// to the bottom of the ink of each capital or digit that is flat at the top
// and stands flat on the baseline (the median of them; the outer tenths of
// its advance are left to its neighbours), or else of each x or z scaled by
// the font's cap/x ratio. Right-to-left text and
// text with neither is not measured (0).
func capOf(m slide.Mark, ink []bool, r image.Rectangle, capRatio, xRatio float64) float64 {
	for _, c := range m.Text {
		if unicode.In(c, unicode.Hebrew, unicode.Arabic) {
			return 0
		}
	}
	w := r.Dx()
	var caps, xs []float64
	prefix := ""
	x0 := float64(m.Rect.X)
	for _, c := range m.Text {
		before := float64(textWidth(prefix, m.Size, m.Bold))
		prefix += string(c)
		// Letters flat at the top and the bottom: round ones overshoot.
		isCap := strings.ContainsRune("BDEFHIKLMNPRTXZ147", c)
		isX := strings.ContainsRune("xz", c)
		if !isCap && !isX {
			continue
		}
		gw := float64(textWidth(prefix, m.Size, m.Bold)) - before
		lo, hi := int(x0+before+0.1*gw)-r.Min.X, int(x0+before+0.9*gw)-r.Min.X
		top, bot := math.MaxInt, math.MinInt
		// Only the rows of the text's own glyphs: a text above or below
		// is near in a tight stack.
		for y := max(0, int(m.Rect.Y)-1-r.Min.Y); y < min(r.Dy(), int(math.Ceil(float64(m.Rect.Bottom())))+1-r.Min.Y); y++ {
			for x := max(0, lo); x <= min(w-1, hi); x++ {
				if ink[y*w+x] {
					top, bot = min(top, y), max(bot, y)
				}
			}
		}
		if top > bot {
			continue
		}
		hgt := float64(bot - top + 1)
		if isCap {
			caps = append(caps, hgt)
		} else {
			xs = append(xs, hgt*capRatio/xRatio)
		}
	}
	median := func(v []float64) float64 {
		slices.Sort(v)
		return v[len(v)/2]
	}
	switch {
	case len(caps) > 0:
		return median(caps)
	case len(xs) > 0:
		return median(xs)
	}
	return 0
}

// minima are the smallest measured values of one slide type on one screen.
type minima struct {
	contrast [2]float64 // primary, secondary (pixels)
	capPct   [2]float64 // cap height as % of the short side (pixels)
	// The texts that set them, for the log: "Bluesky" in "post …".
	contrastBy, capBy [2]string
	texts             int
}

func TestDesign(t *testing.T) {
	capRatio, xRatio := fontRatios(t)
	if math.Abs(capRatio-slide.CapHeight) > 0.002 {
		t.Fatalf("slide.CapHeight is %.3f, the bundled font's cap height is %.3f of its size", slide.CapHeight, capRatio)
	}
	cases := append(demoCases(t), stressCases()...)
	type key struct{ kind, screen string }
	found := map[key]*minima{}
	start := time.Now()
	for _, sc := range designScreens {
		t.Run(sc.name, func(t *testing.T) {
			if testing.Short() && (sc.name == "4K" || sc.name == "720p") {
				// 4K takes half the check's time; every size derives from
				// the short side, so 1080p and portrait find most faults.
				t.Skip("-short: 1080p and portrait only")
			}
			st := time.Now()
			for _, dc := range cases {
				k := key{dc.kind(), sc.name}
				mn := found[k]
				if mn == nil {
					mn = &minima{contrast: [2]float64{21, 21}, capPct: [2]float64{100, 100}}
					found[k] = mn
				}
				t.Run(dc.set+"/"+dc.name, func(t *testing.T) {
					checkDesign(t, dc, sc.w, sc.h, capRatio, xRatio, mn)
				})
			}
			t.Logf("%d slides in %v", len(cases), time.Since(st).Round(100*time.Millisecond))
		})
	}
	t.Logf("%d slides at %d screens checked in %v", len(cases), len(designScreens), time.Since(start).Round(time.Second))

	// The table: per slide type and screen, the smallest contrast and cap
	// height measured on the pixels.
	var b strings.Builder
	b.WriteString("| slide type | screen | texts | min contrast, primary | min contrast, secondary | min cap height, primary | min cap height, secondary |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|\n")
	kinds := []string{"post with picture", "post without picture", "wins", "leaderboard", "welcome"}
	for _, kind := range kinds {
		for _, sc := range designScreens {
			mn := found[key{kind, sc.name}]
			if mn == nil || mn.texts == 0 {
				continue // not run (-short, -run)
			}
			cell := func(v, none float64, f string) string {
				if v == none {
					return "–"
				}
				return fmt.Sprintf(f, v)
			}
			for role := range 2 {
				t.Logf("%s, %s, %s: lowest contrast %s, smallest capitals %s", kind, sc.name, slide.Role(role), mn.contrastBy[role], mn.capBy[role])
			}
			fmt.Fprintf(&b, "| %s | %s %d×%d | %d | %s | %s | %s | %s |\n", kind, sc.name, sc.w, sc.h, mn.texts,
				cell(mn.contrast[0], 21, "%.1f:1"), cell(mn.contrast[1], 21, "%.1f:1"),
				cell(mn.capPct[0], 100, "%.2f %%"), cell(mn.capPct[1], 100, "%.2f %%"))
		}
	}
	t.Log("\n" + b.String())
	if path := os.Getenv("LOBBYKIOSK_DESIGN_TABLE"); path != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// checkDesign checks one slide at one screen size, on its layout and its
// pixels, and lowers mn to what it measured.
func checkDesign(t *testing.T, dc designCase, w, h int, capRatio, xRatio float64, mn *minima) {
	t.Helper()
	fyne.CurrentApp().Settings().SetTheme(dc.th.Fyne())
	defer fyne.CurrentApp().Settings().SetTheme(DefaultTheme().Fyne())
	v, cv := screenOfTheme(t, dc.s, dc.c, dc.th, w, h)
	sz, marks, shapes := v.Layout()
	fail := func(format string, args ...any) {
		t.Errorf(format, args...)
	}
	if len(marks) == 0 {
		fail("nothing to read")
	}
	for _, p := range slide.CheckLayout(sz, marks, shapes) {
		fail("layout: %s", p)
	}

	img := toNRGBAImage(cv.Capture())
	var hidden []fyne.CanvasObject
	walk(v.Object(), fyne.Position{}, func(o fyne.CanvasObject, _ fyne.Position) {
		switch o.(type) {
		case *canvas.Text, *lineText:
			o.Hide()
			hidden = append(hidden, o)
		}
	})
	bare := toNRGBAImage(cv.Capture())
	for _, tx := range hidden {
		tx.Show()
	}

	short := float64(min(w, h))
	safe := image.Rect(int(math.Floor(float64(sz.Safe.X))), int(math.Floor(float64(sz.Safe.Y))), int(math.Ceil(float64(sz.Safe.Right()))), int(math.Ceil(float64(sz.Safe.Bottom()))))
	for _, m := range marks {
		ink := measureInk(img, bare, m, capRatio, xRatio)
		if ink.pixels == 0 {
			fail("%q is laid out at %v but has no ink on screen", m.Text, m.Rect)
			continue
		}
		if !ink.box.In(safe.Inset(-1)) {
			fail("%q: ink at %v leaves the safe area %v", m.Text, ink.box, safe)
		}
		box := image.Rect(int(m.Box.X)-1, int(m.Box.Y)-1, int(math.Ceil(float64(m.Box.Right())))+1, int(math.Ceil(float64(m.Box.Bottom())))+1)
		if !ink.box.In(box) {
			fail("%q: ink at %v runs out of its box %v", m.Text, ink.box, box)
		}
		if m.Role == slide.Ornament {
			continue
		}
		role := int(m.Role)
		mn.texts++
		if ink.contrast < m.Role.MinContrast() {
			fail("%q (%s): contrast %.2f:1 of %v against %v behind it, needs %.1f:1", m.Text, m.Role, ink.contrast, ink.fg, ink.worstBG, m.Role.MinContrast())
		}
		if ink.contrast < mn.contrast[role] {
			mn.contrast[role], mn.contrastBy[role] = ink.contrast, fmt.Sprintf("%q in %s", m.Text, t.Name())
		}
		capPx := ink.cap
		if capPx == 0 {
			capPx = float64(m.Cap()) // not measurable on the pixels (RTL, emoji): the layout's
		} else if d := math.Abs(capPx - float64(m.Cap())); d > max(2, 0.1*float64(m.Cap())) {
			fail("%q: cap height %.1f px on screen, the layout says %.1f px", m.Text, capPx, m.Cap())
		}
		pct := 100 * capPx / short
		if pct < 100*float64(m.Role.MinCap())-0.05 {
			fail("%q (%s): cap height %.1f px is %.2f %% of the short side, needs %.0f %%", m.Text, m.Role, capPx, pct, 100*m.Role.MinCap())
		}
		if pct < mn.capPct[role] {
			mn.capPct[role], mn.capBy[role] = pct, fmt.Sprintf("%q in %s", m.Text, t.Name())
		}
	}

	// No ink that no text accounts for: a glyph drawn outside its text's
	// box (an overhang, a fallback font's taller emoji).
	bnd := img.Rect
	mine := make([]bool, bnd.Dx()*bnd.Dy())
	for _, m := range marks {
		// Positions are rounded to pixels and edges antialiased.
		tol := 1.5 + 0.01*m.Size
		rr := image.Rect(int(m.Rect.X-tol), int(m.Rect.Y-tol), int(math.Ceil(float64(m.Rect.Right()+tol))), int(math.Ceil(float64(m.Rect.Bottom()+tol)))).Intersect(bnd)
		for y := rr.Min.Y; y < rr.Max.Y; y++ {
			for x := rr.Min.X; x < rr.Max.X; x++ {
				mine[y*bnd.Dx()+x] = true
			}
		}
	}
	stray, where := 0, image.Rectangle{}
	for y := bnd.Min.Y; y < bnd.Max.Y; y++ {
		for x := bnd.Min.X; x < bnd.Max.X; x++ {
			if mine[y*bnd.Dx()+x] {
				continue
			}
			i := img.PixOffset(x, y)
			a, c := img.Pix[i:i+3], bare.Pix[i:i+3]
			if max(absDiff(a[0], c[0]), absDiff(a[1], c[1]), absDiff(a[2], c[2])) >= 48 {
				stray++
				where = where.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if stray > 0 {
		fail("%d pixels of ink at %v belong to no text's box", stray, where)
	}
	// For a person to look at: every slide, or the failing ones.
	for _, out := range []struct {
		env  string
		when bool
	}{{"LOBBYKIOSK_DESIGN_OUT", true}, {"LOBBYKIOSK_DESIGN_FAILED", t.Failed()}} {
		if dir := os.Getenv(out.env); dir != "" && out.when {
			writePNG(t, filepath.Join(dir, strings.NewReplacer("/", "_", " ", "-", ",", "").Replace(t.Name())+".png"), img)
		}
	}
}

func toNRGBAImage(img image.Image) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok {
		return n
	}
	b := img.Bounds()
	out := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}
