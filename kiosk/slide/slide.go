// Package slide holds plain-Go descriptions of what the lobby screen shows:
// one Slide value per screen (a post, the wins, the leaderboard, a welcome),
// already formatted for people ("2 h ago", "12.3 B", "+12 %"), plus the layout
// maths that derive every size and box from the window size. The Fyne layer
// (kiosk/ui) only draws these values, so everything a person reads can be
// tested here without a display.
package slide

import (
	"image"
	"image/color"
	"strconv"
)

// Kind is the kind of a slide.
type Kind string

const (
	KindPost        Kind = "post"
	KindWins        Kind = "wins"
	KindLeaderboard Kind = "leaderboard"
	KindWelcome     Kind = "welcome"
)

// Slide is one screen's worth of content. Exactly the field matching Kind is
// set; a slide whose field is missing is drawn as an empty welcome.
type Slide struct {
	Kind Kind
	Post *Post
	Wins []Win
	// Page and Pages number the wins slides when the metrics need more
	// than one (Pages > 1); Page counts from 0.
	Page, Pages int
	Board       *Board
	Welcome     *Welcome
	// Title heads slides that have a heading of their own ("Our wins"),
	// already in the kiosk's language.
	Title string
}

// Post is an employee post, ready to show.
type Post struct {
	Name, Handle, Network, Team string // Network: mastodon|bluesky|linkedin|x|blog|story|…
	// Mark is the network mark's label ("LinkedIn", "Blog"), in the kiosk's
	// language.
	Mark string
	// Initials are drawn on an AvatarColor disc when Avatar is nil.
	Initials    string
	AvatarColor color.NRGBA
	// Avatar and Picture are nil when there is none; a post without a
	// picture gets the text-only (quote) layout.
	Avatar, Picture image.Image
	Text            string
	Age             string // "2 h ago", "yesterday", "3 d ago", "12 Nov"
}

// Byline is what stands under the name: "@ana@social.example · Design".
func (p *Post) Byline() string {
	return joinDot(p.Handle, p.Team)
}

// joinDot joins the non-empty parts with a middle dot.
func joinDot(parts ...string) string {
	out := ""
	for _, s := range parts {
		if s == "" {
			continue
		}
		if out != "" {
			out += " · "
		}
		out += s
	}
	return out
}

// Trend is which way a win moved against its previous period.
type Trend int

const (
	TrendNone Trend = iota // nothing to compare against: no arrow
	TrendUp
	TrendDown
	TrendFlat
)

// String names the trend for logs and test failures.
func (t Trend) String() string {
	switch t {
	case TrendUp:
		return "up"
	case TrendDown:
		return "down"
	case TrendFlat:
		return "flat"
	}
	return "none"
}

// Win is one big number.
type Win struct {
	Label  string // "Reach"
	Value  string // pre-formatted: "4,812", "1.2 M", "12.3 B"
	Unit   string // "%", "€", "followers", may be empty
	Period string // "this month"
	Change string // "+12 %", "–4 %", "+2.5 pts"; "" when there is nothing to compare
	Trend  Trend
}

// Person is one leaderboard place.
type Person struct {
	Rank                   int
	Name, Handle, Initials string
	AvatarColor            color.NRGBA
	Avatar                 image.Image // nil: initials disc
	Points                 string      // "1,240 pts"
	Change                 int         // places moved up (+) or down (-)
	Moved                  string      // "7 places" when Change > 0, in the kiosk's language
	// Digits writes the rank and the change in the kiosk's digits; nil
	// writes them in ASCII digits.
	Digits func(int) string
}

// RankText is the rank as the screen writes it: "4", "٤".
func (p Person) RankText() string { return p.digits(p.Rank) }

// ChangeText is how many places p moved, without a sign (the arrow says
// which way): "7", "٧".
func (p Person) ChangeText() string {
	if p.Change < 0 {
		return p.digits(-p.Change)
	}
	return p.digits(p.Change)
}

func (p Person) digits(n int) string {
	if p.Digits != nil {
		return p.Digits(n)
	}
	return strconv.Itoa(n)
}

// Board is the leaderboard highlight.
type Board struct {
	Title, Period string
	Podium        []Person // places 1–3, in rank order
	Rest          []Person // the next places, at most 5
	Mover         *Person  // who moved up most; nil when nobody moved up
	MoverLabel    string   // "Biggest mover", in the kiosk's language
}

// Welcome is the slide shown between content, and when there is none.
type Welcome struct {
	Company, Message string
	Logo             image.Image
	// Note is a small line at the bottom (the admin page's address while
	// the kiosk is set up); "" for none.
	Note string
}

// Chrome is what stays on screen across slides.
type Chrome struct {
	Clock string // "14:05"
	// Stale is "" while content is fresh, else what a person should know:
	// "updated 3 h ago" or "offline · updated 3 h ago".
	Stale string
	Logo  image.Image // nil: no logo
	// Notice is for the person who looks after the kiosk, not the lobby:
	// "" nearly always; a config file with mistakes, say.
	Notice string
}
