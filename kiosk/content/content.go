// Package content decides what the screen may show now: the pipeline's
// snapshot, moderated, with the leaderboard made private. It is shared by the
// `content` command, the running kiosk and the admin page, so all three agree.
package content

import (
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/leaderboard"
	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/fonts"
)

// Report is what the screen would rotate, and why the rest would not be shown.
// Its JSON form is the `content --json` output.
type Report struct {
	Posts       []Post              `json:"posts"`
	Wins        []Win               `json:"wins"`
	Leaderboard []feeds.Standing    `json:"leaderboard"`
	Sources     []feeds.SourceState `json:"sources"`
	// Period labels the leaderboard ("November 2026").
	Period string `json:"leaderboard_period,omitempty"`
	// PeriodKind and PeriodStart name the period for a machine: the screen
	// says it in the kiosk's language (a computed leaderboard's, or one
	// from the fleet's hub).
	PeriodKind  string `json:"leaderboard_period_kind,omitempty"`
	PeriodStart string `json:"leaderboard_period_start,omitempty"`
	// Computed is true when the leaderboard was computed from posts.
	Computed bool `json:"leaderboard_computed,omitempty"`
}

// Held is the status of a post that moderation lets through but that no
// installed font can draw: shown, it would be a row of boxes. Its reason
// names the script and the Debian package with a font for it.
const Held moderate.Status = "held"

// Post is a post and its verdict.
type Post struct {
	feeds.Post
	Status      moderate.Status `json:"status"`
	Reason      string          `json:"reason"`
	Pinned      bool            `json:"pinned,omitempty"`
	PinnedUntil *time.Time      `json:"pinned_until,omitempty"`
	// Sites and PinnedSites limit where the post is shown and pinned (on
	// the hub, for a decision that names sites).
	Sites       []string `json:"sites,omitempty"`
	PinnedSites []string `json:"pinned_sites,omitempty"`
}

// Win is a metric as `content` prints it.
type Win struct {
	Label    string  `json:"label"`
	Value    float64 `json:"value"`
	Previous float64 `json:"previous"`
	// HasPrevious is false when no previous value was given (no trend).
	HasPrevious bool   `json:"has_previous"`
	Unit        string `json:"unit"`
	Period      string `json:"period"`
	AsOf        string `json:"as_of,omitempty"`
}

// Shown returns the posts the screen may show, pinned first.
func (r Report) Shown() []Post {
	var pinned, rest []Post
	for _, p := range r.Posts {
		if p.Status != moderate.Shown {
			continue
		}
		if p.Pinned {
			pinned = append(pinned, p)
		} else {
			rest = append(rest, p)
		}
	}
	return append(pinned, rest...)
}

// Rules turns the config's moderation section into the moderator's rules.
func Rules(c *config.Config) (moderate.Rules, map[string]moderate.Mode) {
	m := c.Moderation
	rules := moderate.Rules{
		BlockedWords:   m.BlockedWords,
		BlockedAuthors: m.BlockedAuthors,
		TrustedAuthors: m.TrustedAuthors,
		OptOut:         c.Leaderboard.OptOut,
		MaxAge:         m.MaxAge.Duration,
		HideReplies:    m.HideReplies,
		HideReposts:    m.HideReposts,
		MinText:        m.MinText,
		Location:       c.Location,
	}
	if c.Hub.Listen == "" {
		rules.Site = c.SiteName()
	}
	modes := map[string]moderate.Mode{}
	for _, s := range c.Sources {
		if len(s.Sites) > 0 {
			if rules.SourceSites == nil {
				rules.SourceSites = map[string][]string{}
			}
			rules.SourceSites[s.Name] = s.Sites
		}
		modes[s.Name] = moderate.Mode(s.Approval)
		if c.FromHub(s) {
			modes[s.Name] = moderate.Hub
		}
	}
	return rules, modes
}

// BoardSettings turns the config's leaderboard section into settings.
func BoardSettings(c *config.Config) leaderboard.Settings {
	l := c.Leaderboard
	return leaderboard.Settings{
		Period:           l.Period,
		PointsPerPost:    l.PointsPerPost,
		PointsPerLike:    l.PointsPerLike,
		PointsPerShare:   l.PointsPerShare,
		PointsPerComment: l.PointsPerReply,
		DailyCap:         l.DailyCap,
		OptOut:           l.OptOut,
		Anonymize:        l.Anonymize,
	}
}

// Build moderates snap and assembles the report. The leaderboard comes from a
// leaderboard source when one has content, else it is computed from the
// posts that are shown; privacy applies to both.
func Build(c *config.Config, snap feeds.Snapshot, m *moderate.Moderator, now time.Time) Report {
	r := Report{Sources: snap.Sources}
	var shown []feeds.Post
	for _, v := range m.Apply(snap.Posts, now) {
		p := Post{Post: v.Post, Status: v.Status, Reason: v.Reason, Pinned: v.Pinned, Sites: v.Sites, PinnedSites: v.PinnedSites}
		if v.Status == moderate.Shown && c.Hub.Listen == "" {
			// Everything the slide writes: the text and who wrote it. (The
			// fleet's hub draws nothing: each kiosk decides with its own
			// fonts.)
			a := v.Post.Author
			if why := fonts.Reason(v.Post.Text + "\n" + a.Name + "\n" + a.Handle + "\n" + a.Team); why != "" {
				p.Status, p.Reason = Held, why
			}
		}
		if !v.PinnedUntil.IsZero() {
			t := v.PinnedUntil
			p.PinnedUntil = &t
		}
		r.Posts = append(r.Posts, p)
		if v.Status == moderate.Shown {
			shown = append(shown, v.Post)
		}
	}
	for _, w := range snap.Wins {
		win := Win{Label: w.Label, Value: w.Value, Previous: w.Previous, HasPrevious: w.HasPrevious, Unit: w.Unit, Period: w.Period}
		if !w.AsOf.IsZero() {
			// The day as the sheet's people meant it: "30/11/2026" is
			// midnight in the kiosk's zone, the 29th in UTC east of it.
			loc := c.Location
			if loc == nil {
				loc = time.Local
			}
			win.AsOf = w.AsOf.In(loc).Format("2006-01-02")
		}
		r.Wins = append(r.Wins, win)
	}
	bs := BoardSettings(c)
	board := snap.Leaderboard
	if !hasBoardSource(c) {
		board = leaderboard.Compute(shown, bs, now, c.Location)
		r.Computed = true
		r.Period = leaderboard.PeriodLabel(bs.Period, now, c.Location)
		r.PeriodKind, r.PeriodStart = bs.Period, leaderboard.PeriodStart(bs.Period, now, c.Location)
	} else {
		// An export's own period (the fleet's hub writes the one it
		// computed for, by kind and first day too).
		for _, s := range board {
			if s.Period != "" || s.PeriodKind != "" {
				r.Period, r.PeriodKind, r.PeriodStart = s.Period, s.PeriodKind, s.PeriodStart
				break
			}
		}
	}
	r.Leaderboard = leaderboard.Privacy(board, bs)
	if r.Posts == nil {
		r.Posts = []Post{}
	}
	if r.Wins == nil {
		r.Wins = []Win{}
	}
	if r.Leaderboard == nil {
		r.Leaderboard = []feeds.Standing{}
	}
	return r
}

func hasBoardSource(c *config.Config) bool {
	for _, s := range c.Sources {
		if s.Kind == string(feeds.KindLeaderboard) {
			return true
		}
	}
	return false
}
