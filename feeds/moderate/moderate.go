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
// So an editor's approval overrides the mode and the hide, age and length
// rules — an editor who approves an old post means to show it — but never a
// blocked author or word, a revocation or an opt-out: the written policy and a
// person's privacy win over one editor's click.
package moderate

import (
	"fmt"
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
}

// Verdict is one post's fate and the reason, worded for a person.
type Verdict struct {
	Post        feeds.Post
	Status      Status
	Reason      string
	Pinned      bool
	PinnedUntil time.Time // zero when pinned with no end, or not pinned
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

	mode, ok := m.modes[p.Source]
	if !ok || mode == "" {
		mode = Auto
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
