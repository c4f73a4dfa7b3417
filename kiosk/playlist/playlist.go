// Package playlist decides which slide the kiosk shows next. It is pure
// logic: it knows post IDs, authors, publish times and pins, never a widget
// or a feed, and given the same seed and the same calls it returns the same
// slides.
//
// The policy, in order of precedence:
//
//   - Nothing to show: a Welcome slide. With no posts but wins and/or a
//     leaderboard, those are shown, alternating when both exist.
//   - Wins every WinsEvery post slides and the leaderboard every
//     LeaderboardEvery post slides (defaults 4 and 6; -1 turns one off), when
//     the content exists. When both are due the more overdue one goes first
//     and the other waits for the next post: two of them are never back to
//     back while there are posts.
//   - Posts come in rounds. A round is every pinned post (newest first),
//     then one turn for each author, authors in a shuffled order (seeded).
//     So every pinned post is shown once in every round, before the unpinned
//     ones, and an author with twenty posts gets one slide per round like an
//     author with one: a prolific poster cannot fill the screen. Posts
//     without an author share one turn; authors are matched ignoring case.
//   - In an author's turn the post shown is the one that has waited longest
//     for its weight: a post never shown goes first (the newest arrival
//     first), otherwise the highest weight × turns of that author since the
//     post was last shown. Weights favour the new: 3 for a post published
//     less than 24 hours ago (or in the future: a skewed clock), 2 for less
//     than 7 days, 1 for older or undated posts. So among one author's
//     posts a day-old post is shown about three times as often as a
//     month-old one.
//   - No post twice in a row while there is any other post to show, also
//     across rounds and after Update; and a round that does not open with
//     pinned posts does not open with the author who was just on screen, so
//     a round boundary does not put an author on twice in a row either.
//     With a single post and nothing else it repeats; with a single post and
//     wins or a leaderboard, those are put between the repeats.
//   - Update takes effect at the next Next. A post that is no longer in the
//     list is never chosen again (while it stays out). Posts that arrive
//     while the kiosk runs jump the queue: each of their authors takes its
//     turn at the front of what is left of the current round (after the
//     pinned posts still due in it; an author who already had a turn gets
//     an extra one), and that turn shows the newest arrival. So a new post is
//     on screen at the next post slide, unless pinned posts are still due in
//     the round or wins/leaderboard are due first. A new source with many
//     posts by one author still gets one turn per round. A post that becomes
//     pinned goes to the front the same way. A post that leaves and comes
//     back is not new.
//   - Metrics that need more than one wins slide (SetWinsPages) take turns:
//     each time the wins are due the next page is shown, so every metric
//     reaches the screen.
//
// Durations: a post stays as long as it takes to read (Entry.Read), but at
// least PostSeconds (10 s) and at most MaxPostSeconds (twice PostSeconds);
// wins WinsSeconds (12 s), leaderboard LeaderboardSeconds (12 s); the
// Welcome slide stays PostSeconds before the playlist looks again.
package playlist

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// Kind is the kind of slide.
type Kind string

const (
	Post        Kind = "post"
	Wins        Kind = "wins"
	Leaderboard Kind = "leaderboard"
	Welcome     Kind = "welcome"
)

// Entry is one showable (approved) post, as far as the playlist cares.
type Entry struct {
	ID, Author string
	Published  time.Time
	Pinned     bool
	// Read is how long a person needs to read the post as shown
	// (slide.ReadingTime); 0 gives PostSeconds.
	Read time.Duration
}

// Settings tune the playlist. Zero values take the defaults.
type Settings struct {
	PostSeconds, WinsSeconds, LeaderboardSeconds time.Duration // defaults 10s, 12s, 12s
	// MaxPostSeconds is the longest a long post may stay (default twice
	// PostSeconds, and never less than it).
	MaxPostSeconds              time.Duration
	WinsEvery, LeaderboardEvery int // defaults 4 and 6 posts; 0 = default, negative = never
}

// WithDefaults fills in the defaults for zero (or negative) durations and
// zero intervals.
func (s Settings) WithDefaults() Settings {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&s.PostSeconds, 10*time.Second)
	def(&s.WinsSeconds, 12*time.Second)
	def(&s.LeaderboardSeconds, 12*time.Second)
	def(&s.MaxPostSeconds, 2*s.PostSeconds)
	s.MaxPostSeconds = max(s.MaxPostSeconds, s.PostSeconds)
	if s.WinsEvery == 0 {
		s.WinsEvery = 4
	}
	if s.LeaderboardEvery == 0 {
		s.LeaderboardEvery = 6
	}
	return s
}

// Item is one slide to show: a post (PostID), wins (page Page of them), the
// leaderboard, or the welcome slide, and how long to show it.
type Item struct {
	Kind     Kind
	PostID   string
	Page     int
	Duration time.Duration
}

// PostDuration is how long a post that takes read to read stays on screen.
func (s Settings) PostDuration(read time.Duration) time.Duration {
	s = s.WithDefaults()
	return max(s.PostSeconds, min(read, s.MaxPostSeconds))
}

// Playlist is the rotation state. It is safe for concurrent use: the
// pipeline may Update while the screen calls Next.
type Playlist struct {
	mu  sync.Mutex
	set Settings
	rng *rand.Rand

	posts      map[string]*post
	pinned     []*post            // newest first
	authors    map[string]*author // unpinned posts by author key
	authorKeys []string           // sorted, so shuffles depend on the seed only
	wins, lb   bool
	winsPages  int // how many wins slides the metrics make
	winsPage   int // the page the wins show next

	round []slot // what is left of the current round

	gen   int            // Update count
	known map[string]int // post ID -> last Update it was in, to tell new posts from old

	started               bool   // Next has been called: new content then jumps the queue
	lastKind              Kind   // the slide on screen
	lastPost              string // the last post shown, and its author
	lastAuthor            string
	lastSpecial           Kind // Wins or Leaderboard, whichever was shown last
	sinceWins, sinceBoard int  // post slides since wins / since the leaderboard
}

type post struct {
	Entry
	author   string // key
	arrived  int    // Update it arrived in while running; 0 for the initial content
	shown    bool
	lastTurn int // the author's turn count when last shown
}

type author struct {
	posts []*post // unpinned, sorted by ID
	turns int
}

// slot is one place in a round: a pinned post, or an author's turn, which
// picks the post when it comes up so an Update in between is respected.
type slot struct {
	pinned string
	author string
}

// forgetAfter is how many Updates a post ID is remembered after it left, so
// a post that blinks out of a flaky feed and back is not treated as new.
const forgetAfter = 1000

// New returns an empty playlist; Next shows Welcome until Update gives it
// content. The seed fixes the shuffles, so a seed replays the same order.
func New(s Settings, seed int64) *Playlist {
	return &Playlist{
		set:     s.WithDefaults(),
		rng:     rand.New(rand.NewPCG(uint64(seed), 0x6c6f6262796b696f)),
		posts:   map[string]*post{},
		authors: map[string]*author{},
		known:   map[string]int{},
	}
}

func authorKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Update replaces the available content. New posts become eligible at the
// next Next call; a post that disappeared is never returned again (unless it
// comes back). Entries with an empty ID are ignored; for a repeated ID the
// first entry counts.
func (p *Playlist) Update(posts []Entry, haveWins, haveLeaderboard bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gen++
	p.wins, p.lb = haveWins, haveLeaderboard

	old := p.posts
	p.posts = make(map[string]*post, len(posts))
	var newPinned, newUnpinned []*post
	for _, e := range posts {
		if e.ID == "" || p.posts[e.ID] != nil {
			continue
		}
		key := authorKey(e.Author)
		np := &post{Entry: e, author: key}
		prev := old[e.ID]
		if prev != nil {
			np.shown, np.lastTurn, np.arrived = prev.shown, prev.lastTurn, prev.arrived
			if prev.author != key {
				np.lastTurn = 0 // the turn count was the other author's
			}
		}
		_, seen := p.known[e.ID]
		if p.started && !seen {
			np.arrived = p.gen
		}
		switch {
		case e.Pinned && (prev == nil || !prev.Pinned):
			newPinned = append(newPinned, np)
		case !e.Pinned && !seen:
			newUnpinned = append(newUnpinned, np)
		}
		p.posts[e.ID] = np
		p.known[e.ID] = p.gen
	}
	for id, g := range p.known {
		if p.gen-g > forgetAfter {
			delete(p.known, id)
		}
	}

	oldAuthors := p.authors
	p.authors = map[string]*author{}
	p.pinned = p.pinned[:0]
	for _, pst := range p.posts {
		if pst.Pinned {
			p.pinned = append(p.pinned, pst)
			continue
		}
		a := p.authors[pst.author]
		if a == nil {
			a = &author{}
			if o := oldAuthors[pst.author]; o != nil {
				a.turns = o.turns
			}
			p.authors[pst.author] = a
		}
		a.posts = append(a.posts, pst)
	}
	slices.SortFunc(p.pinned, newestFirst)
	p.authorKeys = p.authorKeys[:0]
	for k, a := range p.authors {
		slices.SortFunc(a.posts, func(x, y *post) int { return strings.Compare(x.ID, y.ID) })
		p.authorKeys = append(p.authorKeys, k)
	}
	slices.Sort(p.authorKeys)

	if !p.started {
		p.round = nil
		return
	}
	p.requeue(newPinned, newUnpinned)
}

func newestFirst(x, y *post) int {
	if c := y.Published.Compare(x.Published); c != 0 {
		return c
	}
	return strings.Compare(x.ID, y.ID)
}

// requeue drops the slots of the current round that lost their content and
// puts new pinned posts, then the authors of new posts, at its front.
func (p *Playlist) requeue(newPinned, newUnpinned []*post) {
	slices.SortFunc(newPinned, newestFirst)
	slices.SortFunc(newUnpinned, newestFirst)
	front := map[slot]bool{}
	var pinnedFront, authorFront []slot
	for _, pst := range newPinned {
		s := slot{pinned: pst.ID}
		front[s] = true
		pinnedFront = append(pinnedFront, s)
	}
	for _, pst := range newUnpinned {
		s := slot{author: pst.author}
		if !front[s] {
			front[s] = true
			authorFront = append(authorFront, s)
		}
	}
	var duePinned, rest []slot
	for _, s := range p.round {
		switch {
		case front[s]:
		case s.pinned != "":
			if pst := p.posts[s.pinned]; pst != nil && pst.Pinned {
				duePinned = append(duePinned, s)
			}
		case p.authors[s.author] != nil:
			rest = append(rest, s)
		}
	}
	p.round = slices.Concat(duePinned, pinnedFront, authorFront, rest)
}

// SetWinsPages says how many wins slides the metrics make (slide.WinsPages);
// the wins show them in turn. It takes effect at the next Next.
func (p *Playlist) SetWinsPages(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.winsPages = max(1, n)
	if p.winsPage >= p.winsPages {
		p.winsPage = 0
	}
}

// Next returns the next slide and moves the rotation on. It always returns
// something: Welcome when there is nothing else. now is used to weigh posts
// by age.
func (p *Playlist) Next(now time.Time) Item {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started = true
	it := p.next(now)
	p.lastKind = it.Kind
	switch it.Kind {
	case Post:
		p.sinceWins++
		p.sinceBoard++
	case Wins:
		p.sinceWins = 0
		p.lastSpecial = Wins
	case Leaderboard:
		p.sinceBoard = 0
		p.lastSpecial = Leaderboard
	}
	return it
}

func (p *Playlist) next(now time.Time) Item {
	wins := p.wins && p.set.WinsEvery > 0
	lb := p.lb && p.set.LeaderboardEvery > 0
	if len(p.posts) == 0 {
		switch {
		case wins && lb:
			return p.special(p.other())
		case wins:
			return p.special(Wins)
		case lb:
			return p.special(Leaderboard)
		}
		return Item{Kind: Welcome, Duration: p.set.PostSeconds}
	}
	if p.lastKind == Post {
		wDue := wins && p.sinceWins >= p.set.WinsEvery
		lDue := lb && p.sinceBoard >= p.set.LeaderboardEvery
		switch {
		case wDue && lDue:
			w, l := p.sinceWins-p.set.WinsEvery, p.sinceBoard-p.set.LeaderboardEvery
			switch {
			case w > l:
				return p.special(Wins)
			case l > w:
				return p.special(Leaderboard)
			}
			return p.special(p.other())
		case wDue:
			return p.special(Wins)
		case lDue:
			return p.special(Leaderboard)
		}
	}
	exclude := ""
	if p.lastKind == Post {
		exclude = p.lastPost
		// One post and it is on screen: anything else is better than a repeat.
		if _, on := p.posts[exclude]; on && len(p.posts) == 1 && (wins || lb) {
			switch {
			case wins && lb:
				return p.special(p.other())
			case wins:
				return p.special(Wins)
			}
			return p.special(Leaderboard)
		}
	}
	pst := p.pick(now, exclude)
	pst.shown = true
	p.lastPost, p.lastAuthor = pst.ID, pst.author
	return Item{Kind: Post, PostID: pst.ID, Duration: p.set.PostDuration(pst.Read)}
}

// other is the special slide that was not shown last (wins first).
func (p *Playlist) other() Kind {
	if p.lastSpecial == Wins {
		return Leaderboard
	}
	return Wins
}

func (p *Playlist) special(k Kind) Item {
	if k == Wins {
		it := Item{Kind: Wins, Page: p.winsPage, Duration: p.set.WinsSeconds}
		p.winsPage = (p.winsPage + 1) % max(1, p.winsPages)
		return it
	}
	return Item{Kind: Leaderboard, Duration: p.set.LeaderboardSeconds}
}

// pick takes the first slot of the round that can show something other than
// exclude, starting a new round when this one is used up. There is at least
// one post.
func (p *Playlist) pick(now time.Time, exclude string) *post {
	for range 2 {
		if len(p.round) == 0 {
			p.round = p.newRound()
		}
		for i, s := range p.round {
			if pst := p.resolve(s, now, exclude); pst != nil {
				p.round = slices.Delete(p.round, i, i+1)
				return pst
			}
		}
		// Only exclude is left in this round: go on with the next one.
		p.round = p.round[:0]
	}
	// Every slot could only show exclude, so it is the only post: it repeats.
	return p.posts[exclude]
}

func (p *Playlist) newRound() []slot {
	r := make([]slot, 0, len(p.pinned)+len(p.authorKeys))
	for _, pst := range p.pinned {
		r = append(r, slot{pinned: pst.ID})
	}
	turns := make([]slot, len(p.authorKeys))
	for i, k := range p.authorKeys {
		turns[i] = slot{author: k}
	}
	p.rng.Shuffle(len(turns), func(i, j int) { turns[i], turns[j] = turns[j], turns[i] })
	// Round-robin would put the author just on screen first again when the
	// shuffle happens to start with them.
	if len(p.pinned) == 0 && len(turns) > 1 && turns[0].author == p.lastAuthor {
		j := 1 + p.rng.IntN(len(turns)-1)
		turns[0], turns[j] = turns[j], turns[0]
	}
	return append(r, turns...)
}

// resolve returns the post a slot shows now, or nil if it can only show
// exclude (or nothing any more).
func (p *Playlist) resolve(s slot, now time.Time, exclude string) *post {
	if s.pinned != "" {
		if pst := p.posts[s.pinned]; pst != nil && pst.Pinned && pst.ID != exclude {
			return pst
		}
		return nil
	}
	a := p.authors[s.author]
	if a == nil {
		return nil
	}
	turn := a.turns + 1
	var best *post
	for _, pst := range a.posts {
		if pst.ID == exclude {
			continue
		}
		if best == nil || better(pst, best, now, turn) {
			best = pst
		}
	}
	if best != nil {
		a.turns = turn
		best.lastTurn = turn
	}
	return best
}

// better reports whether x should go before y in an author's turn.
func better(x, y *post, now time.Time, turn int) bool {
	if x.shown != y.shown {
		return !x.shown
	}
	wx, wy := weight(x.Published, now), weight(y.Published, now)
	if !x.shown {
		if x.arrived != y.arrived {
			return x.arrived > y.arrived
		}
	} else if c := cmp.Compare(wx*(turn-x.lastTurn), wy*(turn-y.lastTurn)); c != 0 {
		return c > 0
	}
	if wx != wy {
		return wx > wy
	}
	return newestFirst(x, y) < 0
}

// weight is how much more often a post is shown for being recent.
func weight(published, now time.Time) int {
	if published.IsZero() {
		return 1
	}
	switch age := now.Sub(published); {
	case age < 24*time.Hour:
		return 3
	case age < 7*24*time.Hour:
		return 2
	}
	return 1
}
