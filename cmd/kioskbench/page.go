package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"image"
	"image/color"
	_ "image/jpeg" // DecodeConfig of the demo's pictures
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "golang.org/x/image/webp"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/playlist"
	"lobbykiosk/kiosk/slide"
)

// readReport decodes `lobbykiosk content --json` output.
func readReport(r io.Reader) (content.Report, error) {
	var rep content.Report
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return rep, fmt.Errorf("content --json output: %w", err)
	}
	return rep, nil
}

// settings are the playlist settings a kiosk with display d uses (the same
// mapping as the engine's).
func settings(d config.Display) playlist.Settings {
	sec := func(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
	return playlist.Settings{
		PostSeconds:        sec(d.PostSeconds),
		MaxPostSeconds:     sec(d.PostMaxSeconds),
		WinsSeconds:        sec(d.WinsSeconds),
		LeaderboardSeconds: sec(d.LeaderboardSeconds),
		WinsEvery:          d.WinsEvery,
		LeaderboardEvery:   d.LeaderboardEvery,
	}
}

// sequence is the first n slides the kiosk's own playlist picks for rep: the
// page plays them in that order, so both sides have the same pattern of
// posts, wins and leaderboard and the same durations. The seed is fixed so
// a rerun generates the same page.
func sequence(rep content.Report, set playlist.Settings, now time.Time, n int) []playlist.Item {
	list := playlist.New(set, 1)
	shown := rep.Shown()
	entries := make([]playlist.Entry, len(shown))
	longest := set.WithDefaults().MaxPostSeconds
	for i, p := range shown {
		read := slide.TextReadingTime(p.Text, longest)
		entries[i] = playlist.Entry{ID: p.ID, Author: p.Author.Name, Published: p.Published, Pinned: p.Pinned, Read: read}
	}
	list.Update(entries, len(rep.Wins) > 0, len(rep.Leaderboard) > 0)
	out := make([]playlist.Item, n)
	for i := range out {
		out[i] = list.Next(now)
	}
	return out
}

// meanDuration is the average slide length of seq.
func meanDuration(seq []playlist.Item) time.Duration {
	if len(seq) == 0 {
		return 0
	}
	var sum time.Duration
	for _, it := range seq {
		sum += it.Duration
	}
	return sum / time.Duration(len(seq))
}

// pictures copies the files the page shows into the site folder, once each.
type pictures struct {
	dir  string              // the site folder
	find func(string) string // a content path → a readable file, "" when none
	urls map[string]string   // content path → URL in the site ("" = not usable)
	warn func(format string, args ...any)
}

// url copies src into dir/pic and returns its URL relative to the page, or
// "" when there is no usable file (the slide then shows its text layout or
// initials, as the kiosk does).
func (p *pictures) url(src string) string {
	if src == "" {
		return ""
	}
	if u, ok := p.urls[src]; ok {
		return u
	}
	u := ""
	if file := p.find(src); file != "" {
		name := fmt.Sprintf("%02d-%s", len(p.urls), filepath.Base(file))
		if err := copyFile(file, filepath.Join(p.dir, "pic", name)); err != nil {
			p.warn("picture %s not copied: %v", src, err)
		} else {
			u = "pic/" + name
		}
	} else {
		p.warn("picture %s not found: the Chromium page goes without it", src)
	}
	p.urls[src] = u
	return u
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

// usablePicture applies the kiosk's rule (slide.UsablePicture) to a file: a
// picture too small or too elongated gets the text layout there, so it gets
// it here too. A format Go cannot read is left to the browser.
func usablePicture(file string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return true
	}
	return slide.UsablePicture(sized{image.Rect(0, 0, cfg.Width, cfg.Height)})
}

// sized is an image of which only the size is known: enough for the
// kiosk's picture rules, without decoding the pixels.
type sized struct{ r image.Rectangle }

func (s sized) ColorModel() color.Model { return color.NRGBAModel }
func (s sized) Bounds() image.Rectangle { return s.r }
func (s sized) At(int, int) color.Color { return color.NRGBA{} }

// Page data: what the template draws. Every string is already formatted by
// kiosk/slide, the same code the kiosk's screen uses.
type pageData struct {
	Title    string
	Logo     string
	TimeZone string
	Half     int // ms: the fade goes out, then in, each half the transition
	Slides   []pageSlide
	Seq      []seqItem
}

type seqItem struct {
	Slide int `json:"s"`  // index into Slides
	MS    int `json:"ms"` // how long it stands
}

type pageSlide struct {
	Kind  slide.Kind
	Post  *pagePost
	Wins  []slide.Win
	Board *pageBoard
	Title string // welcome
}

type pagePost struct {
	slide.Post
	Picture, Avatar string // URLs, "" when none
	TextPx          int
	Badge           string
	BadgeColor      string
	AvatarColor     string
}

type pagePerson struct {
	slide.Person
	Avatar, AvatarColor string
}

type pageBoard struct {
	Title, Period string
	Podium, Rest  []pagePerson
	Mover         *pagePerson
}

// buildPage turns the report and the playlist's sequence into the page's
// data. Posts the sequence never names are left out.
func buildPage(rep content.Report, seq []playlist.Item, fade time.Duration, title, tz string, now time.Time, loc *time.Location, pics *pictures) pageData {
	d := pageData{Title: title, TimeZone: tz, Half: int(fade.Milliseconds() / 2)}
	index := map[string]int{} // post ID or slide kind → slide index
	posts := map[string]content.Post{}
	for _, p := range rep.Posts {
		posts[p.ID] = p
	}
	add := func(key string, s pageSlide) int {
		if i, ok := index[key]; ok {
			return i
		}
		d.Slides = append(d.Slides, s)
		index[key] = len(d.Slides) - 1
		return len(d.Slides) - 1
	}
	for _, it := range seq {
		var i int
		switch it.Kind {
		case playlist.Post:
			if _, ok := index["post:"+it.PostID]; ok {
				i = index["post:"+it.PostID]
				break
			}
			p, ok := posts[it.PostID]
			if !ok {
				continue
			}
			i = add("post:"+it.PostID, pageSlide{Kind: slide.KindPost, Post: postOf(p.Post, now, loc, pics)})
		case playlist.Wins:
			i = add("wins", pageSlide{Kind: slide.KindWins, Wins: winsOf(rep).Wins})
		case playlist.Leaderboard:
			i = add("board", pageSlide{Kind: slide.KindLeaderboard, Board: boardOf(rep, pics)})
		default:
			i = add("welcome", pageSlide{Kind: slide.KindWelcome, Title: title})
		}
		d.Seq = append(d.Seq, seqItem{Slide: i, MS: int(it.Duration.Milliseconds())})
	}
	return d
}

func postOf(p feeds.Post, now time.Time, loc *time.Location, pics *pictures) *pagePost {
	s := slide.FromPost(p, nil, nil, now, loc, nil).Post
	out := &pagePost{Post: *s, Avatar: pics.url(p.Author.Avatar), AvatarColor: css(s.AvatarColor),
		Badge: slide.NetworkLabel(nil, s.Network), BadgeColor: css(slide.NetworkColor(s.Network))}
	if u := pics.url(p.Image); u != "" && usablePicture(filepath.Join(pics.dir, filepath.FromSlash(u))) {
		out.Picture = u
	}
	out.TextPx = textPx(len([]rune(s.Text)), out.Picture != "")
	return out
}

// textPx stands in for the kiosk's text fitting: the shorter the text and
// the wider its box, the larger it is set.
func textPx(runes int, picture bool) int {
	steps := []struct{ upTo, px int }{{90, 64}, {160, 56}, {260, 48}, {380, 42}, {520, 36}}
	px := 32
	for _, s := range steps {
		if runes <= s.upTo {
			px = s.px
			break
		}
	}
	if !picture {
		px = px * 5 / 4
	}
	return px
}

func winsOf(rep content.Report) slide.Slide {
	ms := make([]feeds.Metric, len(rep.Wins))
	for i, w := range rep.Wins {
		ms[i] = feeds.Metric{Label: w.Label, Value: w.Value, Previous: w.Previous, HasPrevious: w.HasPrevious, Unit: w.Unit, Period: w.Period}
	}
	return slide.FromWins(ms, 0, nil)
}

func boardOf(rep content.Report, pics *pictures) *pageBoard {
	b := slide.FromLeaderboard(rep.Leaderboard, nil, rep.Period, nil).Board
	// The kiosk loads avatars for the first rows only (the podium, the
	// list and a little more); a mover further down shows initials.
	avatars := map[string]string{}
	for i, r := range rep.Leaderboard {
		if i >= slide.MaxRest+3 {
			break
		}
		for _, key := range []string{strings.TrimSpace(r.Name), strings.TrimSpace(r.Handle)} {
			if key != "" && r.Avatar != "" {
				avatars[key] = r.Avatar
			}
		}
	}
	person := func(p slide.Person) pagePerson {
		src := avatars[p.Name]
		if src == "" {
			src = avatars[p.Handle]
		}
		return pagePerson{Person: p, Avatar: pics.url(src), AvatarColor: css(p.AvatarColor)}
	}
	out := &pageBoard{Title: b.Title, Period: b.Period}
	for _, p := range b.Podium {
		out.Podium = append(out.Podium, person(p))
	}
	for _, p := range b.Rest {
		out.Rest = append(out.Rest, person(p))
	}
	if b.Mover != nil {
		m := person(*b.Mover)
		out.Mover = &m
	}
	return out
}

func css(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// writePage renders the page.
func writePage(w io.Writer, d pageData) error {
	return pageTmpl.Execute(w, d)
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"trend": func(t slide.Trend) string {
		switch t {
		case slide.TrendUp:
			return "up"
		case slide.TrendDown:
			return "down"
		}
		return "flat"
	},
	"arrow": func(t slide.Trend) string {
		switch t {
		case slide.TrendUp:
			return "▲ "
		case slide.TrendDown:
			return "▼ "
		}
		return ""
	},
	"podiumOrder": func(people []pagePerson) []pagePerson {
		// 2 – 1 – 3, as on a real podium and on the kiosk.
		if len(people) < 2 {
			return people
		}
		out := []pagePerson{people[1], people[0]}
		return append(out, people[2:]...)
	},
	"podiumHeight": func(rank int) int { return int(slide.PodiumHeight(rank) * 100) },
	"neg":          func(n int) int { return -n },
}).Parse(pageHTML))

// The page: one absolutely placed div per slide, all loaded up front (as a
// social wall does), the playlist's sequence driving which one is "on". A
// fade is the kiosk's dip through the background: the old slide goes out
// over half the transition, then the new one comes in over the other half.
const pageHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
html,body{margin:0;height:100%;overflow:hidden}
body{background:linear-gradient(#121622,#080a10);color:#f5f7fb;font-family:"Noto Sans","DejaVu Sans",sans-serif}
.top{position:absolute;left:64px;right:64px;top:0;height:116px;display:flex;align-items:center;justify-content:space-between}
.top img{height:56px}
#clock{font-weight:700;font-size:40px}
.slide{position:absolute;left:64px;right:64px;top:116px;bottom:56px;opacity:0;transition:opacity {{.Half}}ms ease-in-out}
.slide.on{opacity:1;transition-delay:{{.Half}}ms}
.post{display:flex;gap:60px;align-items:center}
.pic{flex:none;width:820px;min-width:0;height:100%;object-fit:cover;border-radius:24px}
.body{flex:1;min-width:0}
.who{display:flex;align-items:center;gap:30px;margin-bottom:40px}
.av{flex:0 0 auto;width:124px;height:124px;border-radius:50%;object-fit:cover;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:46px;color:#fff}
.name{font-size:54px;font-weight:700}
.by{font-size:32px;color:#9aa4b8;margin-top:6px}
.text{line-height:1.32;overflow-wrap:anywhere}
.meta{margin-top:40px;display:flex;gap:22px;align-items:center;font-size:30px;color:#9aa4b8}
.badge{color:#fff;font-weight:700;padding:6px 22px;border-radius:30px}
.head{display:flex;justify-content:space-between;align-items:baseline;margin-bottom:44px}
h1{font-size:66px;margin:0;border-left:8px solid #6d7cff;padding-left:26px;line-height:1}
.period{font-size:44px;color:#9aa4b8}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:40px}
.card{background:#191e2b;border-radius:24px;padding:34px 44px}
.label{font-size:44px;color:#9aa4b8;font-weight:700}
.value{font-size:150px;font-weight:700;line-height:1.05}
.unit{font-size:76px;color:#6d7cff;margin-left:24px}
.change{font-size:44px;font-weight:700}
.up{color:#3ddc97}.down{color:#ff8a4c}.flat{color:#9aa4b8}
.board{display:flex;gap:72px;height:calc(100% - 110px)}
.podium{flex:1;display:flex;align-items:flex-end;gap:28px}
.step{flex:1;display:flex;flex-direction:column;align-items:center;justify-content:flex-end;height:100%}
.step .av{width:150px;height:150px;font-size:54px;margin-bottom:16px}
.step .pname{font-size:40px;font-weight:700;margin-bottom:16px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:100%}
.block{width:100%;background:#242b3b;border-radius:20px 20px 0 0;text-align:center;padding-top:20px}
.block.first{background:#6d7cff}
.block .rank{font-size:90px;font-weight:700;line-height:1}
.block .pts{font-size:40px;color:#d0d6e4}
.side{flex:1;display:flex;flex-direction:column;gap:18px}
.row{display:flex;align-items:center;gap:26px;background:#191e2b;border-radius:18px;padding:12px 26px;font-size:44px}
.row .av{width:72px;height:72px;font-size:28px}
.row .r{color:#9aa4b8;font-weight:700;width:40px}
.row .n{flex:1;min-width:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.row .p{font-size:32px;color:#9aa4b8}
.mover{margin-top:auto;display:flex;align-items:center;gap:26px;border:3px solid #6d7cff;background:#1e2340;border-radius:18px;padding:14px 26px}
.mover .av{width:80px;height:80px;font-size:30px}
.mover .t{font-size:30px;color:#8c98ff;font-weight:700}
.mover .n{font-size:46px;font-weight:700}
.mover .c{margin-left:auto;font-size:46px;font-weight:700;white-space:nowrap}
.welcome{display:flex;align-items:center;justify-content:center;font-size:96px;font-weight:700}
</style></head>
<body>
<div class="top">{{if .Logo}}<img src="{{.Logo}}" alt="">{{else}}<span></span>{{end}}<div id="clock"></div></div>
{{range $i, $s := .Slides}}<div class="slide{{if eq $i 0}} on{{end}}" id="s{{$i}}">
{{- if $s.Post}}{{with $s.Post}}<div class="post" style="height:100%">
{{- if .Picture}}<img class="pic" src="{{.Picture}}" alt="">{{end}}
<div class="body"><div class="who">{{if .Avatar}}<img class="av" src="{{.Avatar}}" alt="">{{else}}<div class="av" style="background:{{.AvatarColor}}">{{.Initials}}</div>{{end}}
<div><div class="name">{{.Name}}</div>{{with .Byline}}<div class="by">{{.}}</div>{{end}}</div></div>
<div class="text" style="font-size:{{.TextPx}}px">{{.Text}}</div>
<div class="meta">{{if .Badge}}<span class="badge" style="background:{{.BadgeColor}}">{{.Badge}}</span>{{end}}<span>{{.Age}}</span></div></div></div>{{end}}
{{- else if $s.Wins}}<div class="head"><h1>Our wins</h1>{{with (index $s.Wins 0).Period}}<div class="period">{{.}}</div>{{end}}</div>
<div class="grid">{{range $s.Wins}}<div class="card"><div class="label">{{.Label}}</div><div class="value">{{.Value}}{{if .Unit}}<span class="unit">{{.Unit}}</span>{{end}}</div>
{{- if .Change}}<div class="change {{trend .Trend}}">{{arrow .Trend}}{{.Change}}</div>{{end}}</div>{{end}}</div>
{{- else if $s.Board}}{{with $s.Board}}<div class="head"><h1>{{.Title}}</h1>{{with .Period}}<div class="period">{{.}}</div>{{end}}</div>
<div class="board"><div class="podium">{{range podiumOrder .Podium}}<div class="step">
{{- if .Avatar}}<img class="av" src="{{.Avatar}}" alt="">{{else}}<div class="av" style="background:{{.AvatarColor}}">{{.Initials}}</div>{{end}}
<div class="pname">{{.Name}}</div><div class="block{{if eq .Rank 1}} first{{end}}" style="height:{{podiumHeight .Rank}}%"><div class="rank">{{.Rank}}</div><div class="pts">{{.Points}}</div></div></div>{{end}}</div>
<div class="side">{{range .Rest}}<div class="row"><span class="r">{{.Rank}}</span>{{if .Avatar}}<img class="av" src="{{.Avatar}}" alt="">{{else}}<div class="av" style="background:{{.AvatarColor}}">{{.Initials}}</div>{{end}}<span class="n">{{.Name}}</span><span class="p">{{.Points}}</span>
{{- if gt .Change 0}}<span class="up">▲ {{.Change}}</span>{{else if lt .Change 0}}<span class="down">▼ {{neg .Change}}</span>{{end}}</div>{{end}}
{{- with .Mover}}<div class="mover">{{if .Avatar}}<img class="av" src="{{.Avatar}}" alt="">{{else}}<div class="av" style="background:{{.AvatarColor}}">{{.Initials}}</div>{{end}}<div><div class="t">Biggest mover</div><div class="n">{{.Name}}</div></div><div class="c up">▲ {{.Change}} places</div></div>{{end}}</div></div>{{end}}
{{- else}}<div class="welcome" style="height:100%">{{$s.Title}}</div>{{end}}
</div>
{{end}}<script type="application/json" id="seq">{{.Seq}}</script>
<script>
const seq = JSON.parse(document.getElementById("seq").textContent);
const slides = document.querySelectorAll(".slide");
let i = 0, cur = null;
// page.html#N shows slide N alone, to look at it (kioskbench --page DIR).
const only = /^#\d+$/.test(location.hash) ? parseInt(location.hash.slice(1), 10) : -1;
function step() {
  if (only >= 0 && only < slides.length) {
    slides.forEach((x, k) => x.classList.toggle("on", k === only));
    return;
  }
  const it = seq[i % seq.length]; i++;
  const s = slides[it.s];
  if (cur === null) {
    // The first slide is on from the start, no fade (as on the kiosk).
    slides.forEach(x => { if (x !== s) x.classList.remove("on"); });
    s.classList.add("on");
  } else if (cur !== s) {
    cur.classList.remove("on");
    s.classList.add("on");
  }
  cur = s;
  setTimeout(step, it.ms);
}
const tz = {{.TimeZone}};
function clock() {
  const o = {hour: "2-digit", minute: "2-digit", hour12: false};
  if (tz) o.timeZone = tz;
  document.getElementById("clock").textContent = new Date().toLocaleTimeString("en-GB", o);
}
clock(); setInterval(clock, 15000); // the kiosk's player updates its clock every 15 s
step();
</script>
</body></html>
`
