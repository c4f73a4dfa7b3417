package ui

import (
	"image"
	"image/color"
	"math"

	"lobbykiosk/kiosk/slide"
)

// Test pictures are drawn here in Go, so the tests own their inputs and do
// not depend on the demo assets.

func lerp(a, b uint8, t float64) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t + 0.5) }

func lerpC(a, b color.NRGBA, t float64) color.NRGBA {
	return color.NRGBA{lerp(a.R, b.R, t), lerp(a.G, b.G, t), lerp(a.B, b.B, t), 0xff}
}

// photo is a landscape at sunset: sky gradient, sun, two mountain ranges and
// a lake, enough structure to see cropping and scaling.
func photo(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	skyTop := color.NRGBA{0x2B, 0x1E, 0x5C, 0xff}
	skyLow := color.NRGBA{0xF7, 0x8E, 0x5A, 0xff}
	far := color.NRGBA{0x5A, 0x3E, 0x7A, 0xff}
	near := color.NRGBA{0x23, 0x1B, 0x3D, 0xff}
	water := color.NRGBA{0x3B, 0x2F, 0x6B, 0xff}
	sunX, sunY, sunR := 0.62*float64(w), 0.52*float64(h), 0.09*float64(min(w, h))
	for y := 0; y < h; y++ {
		fy := float64(y) / float64(h)
		for x := 0; x < w; x++ {
			fx := float64(x) / float64(w)
			c := lerpC(skyTop, skyLow, math.Min(1, fy/0.62))
			if d := math.Hypot(float64(x)-sunX, float64(y)-sunY); d < sunR {
				c = color.NRGBA{0xFF, 0xD5, 0x8A, 0xff}
			} else if d < sunR*1.6 {
				c = lerpC(color.NRGBA{0xFF, 0xC0, 0x7A, 0xff}, c, (d-sunR)/(sunR*0.6))
			}
			if fy > 0.5+0.12*math.Sin(fx*7+1)*math.Cos(fx*3) {
				c = far
			}
			if fy > 0.62+0.1*math.Sin(fx*4.3+2.2) {
				c = near
			}
			if fy > 0.8 {
				c = lerpC(water, skyLow, 0.25*(1-((fy-0.8)/0.2))*(0.6+0.4*math.Sin(float64(y)*0.9)))
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// face is a simple portrait: a coloured backdrop, head and shoulders.
func face(d int, bg color.NRGBA, skin color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, d, d))
	fd := float64(d)
	for y := 0; y < d; y++ {
		for x := 0; x < d; x++ {
			fx, fy := float64(x), float64(y)
			c := lerpC(bg, color.NRGBA{0xff, 0xff, 0xff, 0xff}, 0.15*fy/fd)
			if (fx-fd/2)*(fx-fd/2)/(0.36*fd*0.36*fd)+(fy-fd*1.02)*(fy-fd*1.02)/(0.3*fd*0.3*fd) < 1 {
				c = color.NRGBA{0x2D, 0x37, 0x48, 0xff}
			}
			if math.Hypot(fx-fd/2, fy-fd*0.42) < fd*0.2 {
				c = skin
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

// logo is a company mark: three rising bars in a rounded square, on
// transparency.
func logo(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	s := float64(min(w, h))
	r := s * 0.22
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			if fx >= s || fy >= s {
				continue
			}
			// Rounded square.
			cx := math.Max(r, math.Min(s-r, fx))
			cy := math.Max(r, math.Min(s-r, fy))
			if math.Hypot(fx-cx, fy-cy) > r {
				continue
			}
			c := color.NRGBA{0x6D, 0x7C, 0xFF, 0xff}
			for i, top := range []float64{0.6, 0.42, 0.24} {
				x0 := s * (0.2 + float64(i)*0.22)
				if fx >= x0 && fx < x0+s*0.15 && fy >= s*top && fy < s*0.8 {
					c = color.NRGBA{0xff, 0xff, 0xff, 0xff}
				}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

var (
	anaFace = face(256, color.NRGBA{0x3B, 0x5B, 0xDB, 0xff}, color.NRGBA{0xE0, 0xAC, 0x8A, 0xff})
	benFace = face(256, color.NRGBA{0x09, 0x92, 0x68, 0xff}, color.NRGBA{0x8D, 0x5B, 0x3E, 0xff})
	sunset  = photo(1200, 800)
	mark    = logo(160, 160)
)

func postWithPicture() slide.Slide {
	return slide.Slide{Kind: slide.KindPost, Post: &slide.Post{
		Name: "Ana Lima", Handle: "@ana@social.example", Network: "linkedin", Mark: "LinkedIn", Team: "Design, Lisbon",
		Initials: "AL", AvatarColor: slide.AvatarColor("Ana Lima"), Avatar: anaFace, Picture: sunset,
		Text: "Our Lisbon team closed the week with a sunset retro on the roof. Twelve countries, one product, and the best onboarding scores we have ever had. Thank you all!",
		Age:  "2 h ago",
	}}
}

func postTextOnly() slide.Slide {
	return slide.Slide{Kind: slide.KindPost, Post: &slide.Post{
		Name: "Ben Okafor", Handle: "@ben.bsky.social", Network: "bluesky", Mark: "Bluesky", Team: "Customer Success",
		Initials: "BO", AvatarColor: slide.AvatarColor("Ben Okafor"),
		Text: "A customer told me today that our support team feels like part of their own company. That is the whole job, right there.",
		Age:  "yesterday",
	}}
}

func winsSlide() slide.Slide {
	return slide.Slide{Kind: slide.KindWins, Title: "Our wins", Wins: []slide.Win{
		{Label: "Reach", Value: "12.3 B", Period: "this month", Change: "+23 %", Trend: slide.TrendUp},
		{Label: "Shares", Value: "4,812", Period: "this month", Change: "–4 %", Trend: slide.TrendDown},
		{Label: "Staff sharing", Value: "37.5", Unit: "%", Period: "this month", Change: "+2.5 pts", Trend: slide.TrendUp},
		{Label: "New followers", Value: "1.2 M", Period: "this month", Change: "±0 %", Trend: slide.TrendFlat},
	}}
}

func person(rank int, name string, pts string, change int, avatar image.Image) slide.Person {
	p := slide.Person{Rank: rank, Name: name, Initials: slide.Initials(name), AvatarColor: slide.AvatarColor(name), Avatar: avatar, Points: pts, Change: change}
	if change > 0 {
		p.Moved = slide.FormatMoved(nil, change)
	}
	return p
}

func boardSlide() slide.Slide {
	mover := person(4, "Dana Kim", "1,080 pts", 7, nil)
	return slide.Slide{Kind: slide.KindLeaderboard, Board: &slide.Board{
		Title: "Top advocates", Period: "November", MoverLabel: "Biggest mover",
		Podium: []slide.Person{
			person(1, "Ana Lima", "2,340 pts", 1, anaFace),
			person(2, "Ben Okafor", "1,910 pts", 0, benFace),
			person(3, "Chen Wei", "1,455 pts", -1, nil),
		},
		Rest: []slide.Person{
			mover,
			person(5, "Elif Demir", "990 pts", 2, nil),
			person(6, "Farah Haddad", "875 pts", -2, nil),
			person(7, "Gustavo Pereira", "760 pts", 0, nil),
			person(8, "Hannah Müller", "702 pts", 1, nil),
		},
		Mover: &mover,
	}}
}

func welcomeSlide() slide.Slide {
	return slide.WelcomeSlide("Northwind Labs", "Welcome to our Lisbon office. Coffee is on the second floor.", mark, nil)
}

var freshChrome = slide.Chrome{Clock: "14:05", Logo: mark}

var staleChrome = slide.Chrome{Clock: "14:05", Logo: mark, Stale: "offline · updated 3 h ago"}

func longText(n int) string {
	const sentence = "We shipped the new onboarding flow to every customer this week, and the feedback from the Lisbon and Nairobi teams has been wonderful. "
	s := ""
	for len(s) < n {
		s += sentence
	}
	return s[:n]
}

func longPost() slide.Slide {
	s := postWithPicture()
	p := *s.Post
	p.Text = longText(5000)
	s.Post = &p
	return s
}

func oneBoard() slide.Slide {
	p := person(1, "Ana Lima", "2,340 pts", 0, anaFace)
	return slide.Slide{Kind: slide.KindLeaderboard, Board: &slide.Board{Title: "Top advocates", Period: "November", Podium: []slide.Person{p}}}
}

// winsOne is a lone metric: the layout made for one number.
func winsOne() slide.Slide {
	return slide.Slide{Kind: slide.KindWins, Title: "Our wins", Wins: winsSlide().Wins[:1]}
}

// winsThree is three metrics: a large tile beside two.
func winsThree() slide.Slide {
	w := winsSlide().Wins[:3]
	w[2].Change, w[2].Trend = "", slide.TrendNone // no previous value: still aligned
	return slide.Slide{Kind: slide.KindWins, Title: "Our wins", Wins: w}
}

// longNamesBoard has names too long for one line, in the list and on the
// podium, and a biggest mover with one too.
func longNamesBoard() slide.Slide {
	s := boardSlide()
	b := *s.Board
	b.Podium = append([]slide.Person(nil), b.Podium...)
	b.Rest = append([]slide.Person(nil), b.Rest...)
	b.Podium[1] = person(2, "Maximiliane Alexandra Papadopoulou-Schmidt", "1,910 pts", 0, benFace)
	b.Rest[1] = person(5, "Bartholomew Oyelaran-Fitzgerald", "990 pts", 2, nil)
	b.Rest[3] = person(7, "Gustavo Henrique Pereira da Silva", "760 pts", 0, nil)
	mover := person(9, "Anneliese Christiansen-Vasquez", "640 pts", 6, nil)
	b.Mover = &mover
	s.Board = &b
	return s
}
