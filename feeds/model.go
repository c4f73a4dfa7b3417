// Package feeds holds lobbykiosk's content model and the pipeline that fills it:
// sources are fetched, parsed and normalized into Posts, Metrics and Standings,
// and the last good result of each source is kept on disk. Nothing outside this
// package tree sees a gofeed type or an HTTP response.
package feeds

import (
	"fmt"
	"time"
)

// Kind is what a source delivers.
type Kind string

const (
	KindPosts       Kind = "posts"
	KindFolder      Kind = "folder"
	KindWins        Kind = "wins"
	KindLeaderboard Kind = "leaderboard"
)

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindPosts, KindFolder, KindWins, KindLeaderboard:
		return true
	}
	return false
}

// Author is the person behind a post.
type Author struct {
	Name   string `json:"name"`
	Handle string `json:"handle,omitempty"`
	Avatar string `json:"avatar,omitempty"` // absolute URL or file path
	Team   string `json:"team,omitempty"`
}

// Post is one employee post, normalized: plain text, absolute image URL, a
// stable ID. It is what a post slide shows.
type Post struct {
	ID        string    `json:"id"`
	Source    string    `json:"source"`
	Network   string    `json:"network"` // mastodon, bluesky, linkedin, blog, story, ...
	Author    Author    `json:"author"`
	Text      string    `json:"text"`
	Image     string    `json:"image,omitempty"`
	Link      string    `json:"link,omitempty"`
	Published time.Time `json:"published"`
	// DateUnknown is set when the feed gave no date that could be read:
	// Published is then the time the kiosk first saw the post (never a
	// made-up "now"), the post sorts after dated ones and the screen shows
	// no age for it.
	DateUnknown bool `json:"date_unknown,omitempty"`
	// Engagement, when the feed carries it (zero otherwise).
	Likes    int `json:"likes,omitempty"`
	Shares   int `json:"shares,omitempty"`
	Comments int `json:"comments,omitempty"`
	// Reply and Repost let moderation hide them.
	Reply  bool `json:"reply,omitempty"`
	Repost bool `json:"repost,omitempty"`
	// Fleet is what the fleet's hub decided about a post it published
	// (nil for a post from any other source): pins and site targeting.
	Fleet *FleetMark `json:"fleet,omitempty"`
}

// FleetMark is the hub's decision carried by a post from the hub. Only a
// source the kiosk's config names as its hub may set it.
type FleetMark struct {
	// Sites the post is shown at; empty means every site.
	Sites []string `json:"sites,omitempty"`
	// Pinned posts come first, until PinnedUntil (zero: until unpinned),
	// at PinnedSites (empty: wherever the post is shown).
	Pinned      bool      `json:"pinned,omitempty"`
	PinnedUntil time.Time `json:"pinned_until,omitzero"`
	PinnedSites []string  `json:"pinned_sites,omitempty"`
}

// Metric is one "win": a number the social team is proud of.
type Metric struct {
	Label    string  `json:"label"`
	Value    float64 `json:"value"`
	Previous float64 `json:"previous"`
	// HasPrevious is false when the source gave no previous value, so no
	// trend can be shown (a previous of 0 is a real value).
	HasPrevious bool      `json:"has_previous"`
	Unit        string    `json:"unit"`   // "%", "€", "k followers", ...
	Period      string    `json:"period"` // "this month", "Q3", ...
	AsOf        time.Time `json:"as_of,omitempty"`
}

// Change is the relative change against the previous period, as a fraction
// (0.12 = +12 %). ok is false when there is nothing to compare against.
func (m Metric) Change() (frac float64, ok bool) {
	if !m.HasPrevious || m.Previous == 0 {
		return 0, false
	}
	return (m.Value - m.Previous) / abs(m.Previous), true
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// Standing is one leaderboard row.
type Standing struct {
	Rank   int     `json:"rank"`
	Name   string  `json:"name"`
	Handle string  `json:"handle,omitempty"`
	Avatar string  `json:"avatar,omitempty"`
	Points float64 `json:"points"`
	Change int     `json:"change"` // places moved up (+) or down (-) since the last period
	Badge  string  `json:"badge,omitempty"`
	// Period is what the standings are for ("November 2026", "Q3"), when
	// the export says.
	Period string `json:"period,omitempty"`
	// PeriodKind (month, quarter, 30d) and PeriodStart (its first day, a
	// calendar date "2026-11-01") say the same for a machine: the fleet's
	// hub writes them, so each kiosk names the period in its own language.
	PeriodKind  string `json:"period_kind,omitempty"`
	PeriodStart string `json:"period_start,omitempty"`
}

// Result is what one successful fetch of one source yields.
type Result struct {
	Posts       []Post     `json:"posts,omitempty"`
	Wins        []Metric   `json:"wins,omitempty"`
	Leaderboard []Standing `json:"leaderboard,omitempty"`
	// Warnings are problems that did not stop the source: a cell that
	// could not be read, items cut because the feed was too long.
	Warnings []string `json:"warnings,omitempty"`
	// Reading says how the document was read.
	Reading Reading `json:"reading"`
}

// MaxSkips is how many skipped items or rows a Reading lists by name; the
// rest are counted.
const MaxSkips = 5

// Reading tells the social team how a source's document was read, so they
// know what to fix in it: the text encoding, how many items or rows it had,
// which were skipped and why, and how values that could be read two ways
// were read.
type Reading struct {
	Encoding string `json:"encoding,omitempty"` // "UTF-8", "windows-1252", "UTF-16LE", ...
	// EncodingFrom says how the encoding was known: "byte order mark",
	// "HTTP charset", "XML declaration", "<meta charset>", "detected",
	// "assumed".
	EncodingFrom string `json:"encoding_from,omitempty"`
	Read         int    `json:"read"`    // items of a feed, data rows of a table, files of a folder
	Skipped      int    `json:"skipped"` // of those, how many show nothing
	// Skips are the first MaxSkips of them, in document order.
	Skips []Skip `json:"skips,omitempty"`
	// Choices say how ambiguous values were read ("1.234" as 1234 because
	// the file writes "12,5"), so a wrong guess can be spotted and forced
	// with the source's locale.
	Choices []string `json:"choices,omitempty"`
}

// Summary words how much was read: "6 rows read, 1 skipped"; "" when
// nothing was.
func (r Reading) Summary(k Kind) string {
	if r.Read == 0 && r.Encoding == "" {
		return ""
	}
	unit := "rows"
	switch k {
	case KindPosts:
		unit = "items"
	case KindFolder:
		unit = "files"
	}
	return fmt.Sprintf("%d %s read, %d skipped", r.Read, unit, r.Skipped)
}

// EncodingText words the encoding and how it was known:
// `windows-1252 (HTTP charset "windows-1252")`; "" when unknown.
func (r Reading) EncodingText() string {
	if r.Encoding == "" || r.EncodingFrom == "" {
		return r.Encoding
	}
	return r.Encoding + " (" + r.EncodingFrom + ")"
}

// SkipLines words the listed skips, and how many more there were.
func (r Reading) SkipLines() []string {
	var out []string
	for _, s := range r.Skips {
		out = append(out, s.String())
	}
	if n := r.Skipped - len(r.Skips); n > 0 {
		out = append(out, fmt.Sprintf("and %d more", n))
	}
	return out
}

// Skip is one item or row that was not used.
type Skip struct {
	Row    int    `json:"row,omitempty"`  // a table's CSV line or JSON list position (from 1)
	Item   int    `json:"item,omitempty"` // a feed item's position (from 1)
	What   string `json:"what,omitempty"` // a file name, for a folder
	Reason string `json:"reason"`
}

// String words a skip: "row 5: column value: cannot read …".
func (s Skip) String() string {
	switch {
	case s.What != "":
		return s.What + ": " + s.Reason
	case s.Row > 0:
		return fmt.Sprintf("row %d: %s", s.Row, s.Reason)
	case s.Item > 0:
		return fmt.Sprintf("item %d: %s", s.Item, s.Reason)
	}
	return s.Reason
}

// Items counts what the result holds.
func (r Result) Items() int { return len(r.Posts) + len(r.Wins) + len(r.Leaderboard) }

// SourceState is the health of one source, as shown by `content`, the admin
// page and /healthz.
type SourceState struct {
	Name        string    `json:"name"`
	Kind        Kind      `json:"kind"`
	OK          bool      `json:"ok"`
	Error       string    `json:"error,omitempty"`
	FetchedAt   time.Time `json:"fetched_at,omitempty"`   // last time content was (re)confirmed good
	LastAttempt time.Time `json:"last_attempt,omitempty"` // last try, good or bad
	Failures    int       `json:"failures"`               // consecutive
	NextTry     time.Time `json:"next_try,omitempty"`
	Items       int       `json:"items"`
	Warnings    []string  `json:"warnings,omitempty"`
	FromCache   bool      `json:"from_cache,omitempty"` // content loaded from disk, not yet refreshed
	// Degraded says why the source answered but its answer is not shown:
	// it came back empty, or with far fewer items, and its last good
	// content is kept for a grace period. OK is false meanwhile.
	Degraded string `json:"degraded,omitempty"`
	// Unreachable is set when the last try got no answer at all (no
	// network, DNS, connection refused, a timeout) rather than a bad one:
	// the screen says "offline" only when every remote source is.
	Unreachable bool `json:"unreachable,omitempty"`
	// Remote is set for sources fetched over the network (a url).
	Remote bool `json:"remote,omitempty"`
	// Reading is how the content now held was read (encoding, rows read
	// and skipped).
	Reading Reading `json:"reading"`
}

// Snapshot is everything every source currently holds, before moderation.
type Snapshot struct {
	Posts       []Post        `json:"posts"`
	Wins        []Metric      `json:"wins"`
	Leaderboard []Standing    `json:"leaderboard"`
	Sources     []SourceState `json:"sources"`
}

// SourceSpec is what the pipeline needs to know about one configured source.
// The kiosk's config package builds it; feeds knows nothing of TOML.
type SourceSpec struct {
	Name    string
	Kind    Kind
	URL     string // either URL ...
	Path    string // ... or a file or folder
	Refresh time.Duration
	Network string // optional override of the network mark ("mastodon", "linkedin"...)
	// Moderated is set for a source on the fleet's hub: its posts arrive
	// moderated, keeping the hub's IDs, pins and site targeting.
	Moderated bool
	// Locale (BCP 47, "de", "en-US") forces how the source's numbers and
	// dates are read: 1.234 as 1234 in "de", 11/12 as 12 November in "en-US".
	// Empty: decided from the document itself.
	Locale string
	// Timezone (IANA name) is the kiosk's zone, for dates that name none;
	// empty means the system's.
	Timezone string
}

// DefaultRefresh is how often a kind is fetched when the config does not say.
func DefaultRefresh(k Kind) time.Duration {
	switch k {
	case KindFolder:
		return time.Minute
	case KindWins, KindLeaderboard:
		return 30 * time.Minute
	default:
		return 10 * time.Minute
	}
}
