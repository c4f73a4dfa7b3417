// Package moderate decides which posts may reach a lobby screen, and says why
// for every post: the company's rules (blocked words and authors, age, replies,
// reposts, length, opt-outs), each source's approval mode, editors' decisions
// kept on disk, and headquarters' revocation list.
//
// # Precedence
//
// The first of these that applies to a post decides it:
//
//  1. revoked, by headquarters' list or on this kiosk → revoked
//  2. the author opted out of being shown → rejected
//  3. rejected by an editor → rejected
//  4. a blocked author, then a blocked word or phrase → rejected
//  5. pinned or approved by an editor → shown
//  6. hide replies, hide reposts, max age, minimum text → rejected
//  7. the source's approval mode: auto shows, trusted shows trusted authors
//     and keeps the others pending, manual keeps everything pending
//
// A post from the fleet's hub (mode Hub) was moderated there: steps 1 to 5
// still apply on the kiosk (a site's own policy and editors), then the hub's
// verdict does — the post's site targeting and pin — instead of 6 and 7.
//
// An approval or pin may name sites ("pin for Berlin"): at those sites it
// decides as above; elsewhere the post is judged as if it were undecided.
// The hub, which is no site, publishes both: shown where the rules show it,
// and at the named sites whatever the rules say.
//
// So an editor's approval overrides the mode and the hide, age and length
// rules — an editor who approves an old post means to show it — but never a
// blocked author or word, a revocation or an opt-out: the written policy and a
// person's privacy win over one editor's click.
package moderate

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"lobbykiosk/feeds"
)

// Status is what happens to a post.
type Status string

const (
	Shown    Status = "shown"
	Pending  Status = "pending"  // waits for an editor
	Rejected Status = "rejected" // by a rule or an editor
	Revoked  Status = "revoked"  // taken down after the fact
)

// Mode is a source's approval mode.
type Mode string

const (
	Auto    Mode = "auto"    // shown unless a rule blocks it
	Trusted Mode = "trusted" // trusted authors shown, others wait
	Manual  Mode = "manual"  // everything waits for an editor
	// Hub is a source on the fleet's hub: moderated there. It is not a
	// config value; the kiosk gives it to sources at its [fleet] hub.
	Hub Mode = "hub"
)

// Rules is the social-media policy, as configured in [moderation].
type Rules struct {
	BlockedWords   []string // words and phrases, matched whole, ignoring case and accents
	BlockedAuthors []string // names or handles
	TrustedAuthors []string // names or handles
	OptOut         []string // people never shown anywhere (names or handles)
	MaxAge         time.Duration
	HideReplies    bool
	HideReposts    bool
	MinText        int // characters (runes) of text; 0 = no minimum

	// Location is the kiosk's time zone, used to word "pinned until …".
	// Nil means the zone of the time passed to Apply.
	Location *time.Location
	// Site is the kiosk's site ([fleet] site or its name), for decisions
	// and hub posts that name sites; "" on the hub, which serves them all.
	Site string
	// SourceSites, on the hub, are the sites each source's posts are for
	// (by source name; a source not in it is for every site).
	SourceSites map[string][]string
}

// Verdict is one post's fate and the reason, worded for a person.
type Verdict struct {
	Post        feeds.Post
	Status      Status
	Reason      string
	Pinned      bool
	PinnedUntil time.Time // zero when pinned with no end, or not pinned
	// Sites, when set, are the only sites the post is shown at, and
	// PinnedSites the only ones where it is pinned (the hub's verdicts:
	// a kiosk's are for its own site, so it never sets them).
	Sites       []string
	PinnedSites []string
}

// Moderator applies rules, modes, decisions and revocations. It is safe for
// concurrent use; decisions and revocations change under it as editors act
// and the central list is refreshed.
type Moderator struct {
	rules   Rules
	words   []phrase
	blocked []person
	trusted []person
	optOut  []person
	modes   map[string]Mode
	dec     *Decisions
	rev     *Revocations
}

// New makes a moderator. modes maps a source name to its mode; a source not
// in it is auto, the config's default. dec and rev may be nil.
func New(rules Rules, modes map[string]Mode, dec *Decisions, rev *Revocations) *Moderator {
	m := &Moderator{
		rules:   rules,
		words:   compilePhrases(rules.BlockedWords),
		blocked: compilePeople(rules.BlockedAuthors),
		trusted: compilePeople(rules.TrustedAuthors),
		optOut:  compilePeople(rules.OptOut),
		modes:   make(map[string]Mode, len(modes)),
		dec:     dec,
		rev:     rev,
	}
	for k, v := range modes {
		m.modes[k] = v
	}
	return m
}

// Apply judges every post at time now and returns the verdicts in the order
// of posts. Putting pinned posts first is the playlist's job.
func (m *Moderator) Apply(posts []feeds.Post, now time.Time) []Verdict {
	loc := m.rules.Location
	if loc == nil {
		loc = now.Location()
	}
	out := make([]Verdict, len(posts))
	for i, p := range posts {
		out[i] = m.judge(p, now, loc)
		if m.rules.Site != "" || len(out[i].Sites) > 0 {
			continue
		}
		// On the hub, a post with no sites named by an editor is for the
		// sites of its source (and listed under them while it waits).
		if ss := m.rules.SourceSites[p.Source]; len(ss) > 0 {
			out[i].Sites = ss
			if out[i].Status == Shown {
				out[i].Reason += " (for " + strings.Join(ss, ", ") + " only, as its source is)"
			}
		}
	}
	return out
}

func (m *Moderator) judge(p feeds.Post, now time.Time, loc *time.Location) Verdict {
	v := Verdict{Post: p}
	set := func(s Status, reason string) Verdict {
		v.Status, v.Reason = s, reason
		return v
	}

	if m.rev.Revoked(p.ID, p.Link) {
		return set(Revoked, "revoked by headquarters")
	}
	d, decided := m.dec.Lookup(p.ID, p.Link)
	if decided && d.Action == ActionRevoke {
		return set(Revoked, "revoked on this kiosk")
	}
	if _, ok := matchPerson(m.optOut, p.Author.Name, p.Author.Handle); ok {
		return set(Rejected, "author opted out")
	}
	if decided && d.Action == ActionReject {
		return set(Rejected, "rejected by an editor")
	}
	if who, ok := matchPerson(m.blocked, p.Author.Name, p.Author.Handle); ok {
		return set(Rejected, fmt.Sprintf("blocked author %q", who.raw))
	}
	if len(m.words) > 0 {
		if w, ok := find(m.words, words(Fold(p.Text))); ok {
			return set(Rejected, fmt.Sprintf("blocked word %q", w.raw))
		}
	}

	mode, ok := m.modes[p.Source]
	if !ok || mode == "" {
		mode = Auto
	}
	if decided && len(d.Sites) > 0 && (d.Action == ActionPin || d.Action == ActionApprove) {
		if m.rules.Site == "" {
			return m.forSites(v, d, m.undecided(p, mode, now, loc), now, loc)
		}
		// A decision for other sites leaves this one undecided.
		decided = slices.Contains(d.Sites, m.rules.Site)
	}
	if decided {
		switch d.Action {
		case ActionPin:
			if d.Until.IsZero() {
				v.Pinned = true
				return set(Shown, "pinned")
			}
			if now.Before(d.Until) {
				v.Pinned, v.PinnedUntil = true, d.Until
				return set(Shown, "pinned until "+d.Until.In(loc).Format("2006-01-02 15:04"))
			}
			// The pin has run out; the editor still chose to show it.
			return set(Shown, "approved by an editor (pin ended "+d.Until.In(loc).Format("2006-01-02 15:04")+")")
		case ActionApprove:
			return set(Shown, "approved by an editor")
		}
	}
	return m.undecided(p, mode, now, loc)
}

// undecided judges a post no editor decided about (or not for this site),
// and that no rule above rejected: the hub's verdict for a hub post, else
// the hide, age and length rules, then the source's mode.
func (m *Moderator) undecided(p feeds.Post, mode Mode, now time.Time, loc *time.Location) Verdict {
	v := Verdict{Post: p}
	set := func(s Status, reason string) Verdict {
		v.Status, v.Reason = s, reason
		return v
	}
	if mode == Hub {
		return m.fromHub(v, now, loc)
	}
	if m.rules.HideReplies && p.Reply {
		return set(Rejected, "reply hidden")
	}
	if m.rules.HideReposts && p.Repost {
		return set(Rejected, "repost hidden")
	}
	// A post whose date is unknown is dated by the pipeline with the time
	// it was first seen (kept across restarts), so its age counts from
	// then; a zero time only comes from a caller that did not date it.
	if m.rules.MaxAge > 0 && !p.Published.IsZero() && now.Sub(p.Published) > m.rules.MaxAge {
		return set(Rejected, "older than "+humanDuration(m.rules.MaxAge))
	}
	if m.rules.MinText > 0 && utf8.RuneCountInString(strings.TrimSpace(p.Text)) < m.rules.MinText {
		return set(Rejected, fmt.Sprintf("text shorter than %d characters", m.rules.MinText))
	}

	switch mode {
	case Auto:
		return set(Shown, "shown: source auto-approves")
	case Trusted:
		if _, ok := matchPerson(m.trusted, p.Author.Name, p.Author.Handle); ok {
			return set(Shown, "shown: trusted author")
		}
		return set(Pending, "author not trusted: waiting for approval")
	case Manual:
		return set(Pending, fmt.Sprintf("waiting for approval (source %s is manual)", p.Source))
	default:
		// The config rejects unknown modes; if one slips through, the safe
		// side is to show nothing unapproved.
		return set(Pending, fmt.Sprintf("waiting for approval (source %s has unknown approval mode %q)", p.Source, mode))
	}
}

// forSites is the hub's verdict on a post an editor approved or pinned for
// some sites (d.Sites): shown everywhere the rules alone would show it
// (base), and at those sites whatever they say; pinned at those sites.
func (m *Moderator) forSites(v Verdict, d Decision, base Verdict, now time.Time, loc *time.Location) Verdict {
	where := strings.Join(d.Sites, ", ")
	v.Status = Shown
	if base.Status != Shown {
		v.Sites = d.Sites
	}
	what := "approved"
	if d.Action == ActionPin && (d.Until.IsZero() || now.Before(d.Until)) {
		v.Pinned, v.PinnedUntil, v.PinnedSites = true, d.Until, d.Sites
		what = "pinned"
		if !d.Until.IsZero() {
			what += " until " + d.Until.In(loc).Format("2006-01-02 15:04")
		}
	}
	if base.Status == Shown {
		v.Reason = fmt.Sprintf("%s for %s by an editor; everywhere %s", what, where, base.Reason)
	} else {
		v.Reason = fmt.Sprintf("%s for %s only by an editor (elsewhere %s)", what, where, base.Reason)
	}
	return v
}

// fromHub is the hub's verdict on one of its posts, at this kiosk's site.
func (m *Moderator) fromHub(v Verdict, now time.Time, loc *time.Location) Verdict {
	mk, site := v.Post.Fleet, m.rules.Site
	v.Status, v.Reason = Shown, "approved on the hub"
	if mk == nil {
		return v
	}
	if len(mk.Sites) > 0 {
		if site == "" {
			v.Sites = mk.Sites
		} else if !slices.Contains(mk.Sites, site) {
			v.Status, v.Reason = Rejected, "for other sites on the hub ("+strings.Join(mk.Sites, ", ")+")"
			return v
		}
	}
	here := len(mk.PinnedSites) == 0 || site == "" || slices.Contains(mk.PinnedSites, site)
	if mk.Pinned && here && (mk.PinnedUntil.IsZero() || now.Before(mk.PinnedUntil)) {
		v.Pinned, v.PinnedUntil = true, mk.PinnedUntil
		if site == "" {
			v.PinnedSites = mk.PinnedSites
		}
		v.Reason = "pinned on the hub"
		if !mk.PinnedUntil.IsZero() {
			v.Reason += " until " + mk.PinnedUntil.In(loc).Format("2006-01-02 15:04")
		}
	}
	return v
}

// humanDuration words a max_age the way people set it: "30 days", "36 hours".
func humanDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minute")
	}
	return d.String()
}
