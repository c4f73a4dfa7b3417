package slide

import (
	"image"
	"sort"
	"strings"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/locale"
)

// MaxRest is how many places after the podium a leaderboard lists.
const MaxRest = 5

// Pictures smaller than minPictureSide on a side (tracking pixels, icons) or
// more elongated than maxPictureAspect (banners) would show as a blurry slab
// or a meaningless strip once cover-cropped; such posts get the text layout.
const (
	minPictureSide   = 64
	maxPictureAspect = 3.5
	minAvatarSide    = 8
	// maxPictureSide rejects unbounded images (image.Uniform) and
	// decompression bombs that slipped past the image loader.
	maxPictureSide = 1 << 15
)

// UsablePicture reports whether img is worth a post's picture area.
func UsablePicture(img image.Image) bool {
	if img == nil {
		return false
	}
	b := img.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	if w < minPictureSide || h < minPictureSide || w > maxPictureSide || h > maxPictureSide {
		return false
	}
	return w/h <= maxPictureAspect && h/w <= maxPictureAspect
}

// UsableAvatar reports whether img can stand in for the initials disc.
func UsableAvatar(img image.Image) bool {
	if img == nil {
		return false
	}
	b := img.Bounds()
	return b.Dx() >= minAvatarSide && b.Dy() >= minAvatarSide && b.Dx() <= maxPictureSide && b.Dy() <= maxPictureSide
}

// FromPost builds a post slide. avatar and picture are the decoded images
// (nil when none or not loaded); an unusable picture gives the text layout
// and an unusable avatar the initials disc. now and loc date the post, in
// language l (nil: English).
func FromPost(p feeds.Post, avatar, picture image.Image, now time.Time, loc *time.Location, l *locale.Locale) Slide {
	name := strings.TrimSpace(p.Author.Name)
	handle := strings.TrimSpace(p.Author.Handle)
	if name == "" {
		name = handle
		handle = ""
	}
	if name == "" {
		name = strings.TrimSpace(p.Source)
	}
	initials := Initials(name)
	if initials == "" {
		initials = Initials(handle)
	}
	out := &Post{
		Name:        name,
		Handle:      handle,
		Network:     strings.ToLower(strings.TrimSpace(p.Network)),
		Mark:        NetworkLabel(l, p.Network),
		Team:        strings.TrimSpace(p.Author.Team),
		Initials:    initials,
		AvatarColor: AvatarColor(name),
		Text:        strings.TrimSpace(p.Text),
		Age:         Age(l, p.Published, now, loc),
	}
	if p.DateUnknown {
		out.Age = "" // first seen is not when it was posted
	}
	if UsableAvatar(avatar) {
		out.Avatar = avatar
	}
	if UsablePicture(picture) {
		out.Picture = picture
	}
	return Slide{Kind: KindPost, Post: out}
}

// FromLeaderboard builds the leaderboard slide: the top three on the podium,
// the next MaxRest in a list, and the biggest mover among the rows below the
// podium (someone on the podium is on screen already, and "biggest mover"
// beside the winner would say it twice). Rows are
// ordered by rank (rows without a rank go last, by points). avatars is looked
// up by the row's avatar URL, then handle, then name. Words and numbers are
// in language l (nil: English).
func FromLeaderboard(rows []feeds.Standing, avatars map[string]image.Image, period string, l *locale.Locale) Slide {
	sorted := append([]feeds.Standing(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool {
		ri, rj := sorted[i].Rank, sorted[j].Rank
		switch {
		case ri > 0 && rj > 0:
			return ri < rj
		case ri > 0:
			return true
		case rj > 0:
			return false
		}
		return sorted[i].Points > sorted[j].Points
	})
	b := &Board{Title: say(l, "board.title"), Period: strings.TrimSpace(period), MoverLabel: say(l, "board.mover")}
	var people []Person
	for i, r := range sorted {
		if r.Rank <= 0 {
			r.Rank = i + 1
		}
		people = append(people, person(r, avatars, l))
	}
	for i, p := range people {
		switch {
		case i < 3:
			b.Podium = append(b.Podium, p)
		case i < 3+MaxRest:
			b.Rest = append(b.Rest, p)
		}
	}
	b.Mover = Mover(people[min(3, len(people)):])
	return Slide{Kind: KindLeaderboard, Board: b}
}

// Mover is the person who moved up the most places, the better placed one on
// a tie; nil when nobody moved up.
func Mover(people []Person) *Person {
	var best *Person
	for i := range people {
		p := people[i]
		if p.Change <= 0 {
			continue
		}
		if best == nil || p.Change > best.Change || (p.Change == best.Change && p.Rank < best.Rank) {
			best = &p
		}
	}
	return best
}

func person(r feeds.Standing, avatars map[string]image.Image, l *locale.Locale) Person {
	name := strings.TrimSpace(r.Name)
	if name == "" {
		name = strings.TrimSpace(r.Handle)
	}
	p := Person{
		Rank:        r.Rank,
		Name:        name,
		Handle:      strings.TrimSpace(r.Handle),
		Initials:    Initials(name),
		AvatarColor: AvatarColor(name),
		Points:      FormatPoints(l, r.Points),
		Change:      r.Change,
	}
	if r.Change > 0 {
		p.Moved = FormatMoved(l, r.Change)
	}
	if l != nil {
		p.Digits = l.Int
	}
	for _, key := range []string{r.Avatar, r.Handle, r.Name} {
		if key == "" {
			continue
		}
		if img := avatars[key]; UsableAvatar(img) {
			p.Avatar = img
			break
		}
	}
	return p
}

// WelcomeSlide builds the welcome slide; an empty message reads "Welcome"
// in language l (nil: English).
func WelcomeSlide(company, message string, logo image.Image, l *locale.Locale) Slide {
	message = strings.TrimSpace(message)
	if message == "" {
		message = say(l, "welcome")
	}
	return Slide{Kind: KindWelcome, Welcome: &Welcome{
		Company: strings.TrimSpace(company),
		Message: message,
		Logo:    logo,
	}}
}

// say is l's word for key, English when l is nil.
func say(l *locale.Locale, key string) string {
	if l == nil {
		l = locale.English()
	}
	return l.T(key)
}
