package moderate

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"lobbykiosk/feeds/store"
)

// DecisionsKey is the store key (the file in state_dir) of editors' decisions.
const DecisionsKey = "decisions.json"

// Action is what an editor decided about a post.
type Action string

const (
	ActionApprove Action = "approve"
	ActionReject  Action = "reject"
	ActionPin     Action = "pin"
	ActionRevoke  Action = "revoke"
)

// rank orders actions when several decisions match one post (one by its ID,
// another by its link): the stronger one wins, as in the package precedence.
func (a Action) rank() int {
	switch a {
	case ActionRevoke:
		return 4
	case ActionReject:
		return 3
	case ActionPin:
		return 2
	case ActionApprove:
		return 1
	}
	return 0
}

// Decision is one editor's decision about one post. It matches a post by ID,
// or by link, so it sticks when a feed re-sends the post under a new ID.
type Decision struct {
	ID     string    `json:"id"`
	Link   string    `json:"link,omitempty"`
	Action Action    `json:"action"`
	Until  time.Time `json:"until,omitzero"` // pins only; zero = no end
	At     time.Time `json:"at"`             // when it was decided
	// Sites limit an approval or pin to those sites (the hub's
	// "pin for Berlin"); empty means every site.
	Sites []string `json:"sites,omitempty"`
}

type decisionsFile struct {
	Decisions []Decision `json:"decisions"`
}

// ErrNotPinned is returned by Unpin for a post that is not pinned.
var ErrNotPinned = errors.New("not pinned")

// Decisions is editors' decisions, kept in the store so they survive restarts
// and feed refreshes. Several processes may hold it at once (the kiosk, the
// CLI): each change re-reads the file first, and Reload picks up the others'
// changes. It is safe for concurrent use; a nil *Decisions holds none.
type Decisions struct {
	st  *store.Store
	now func() time.Time

	mu    sync.RWMutex
	list  []Decision
	byID  map[string][]int
	byURL map[string][]int
	stamp fileStamp
}

// fileStamp identifies one version of the decisions file without reading it.
// The store replaces the file by renaming a new one over it, so a write shows
// as a new inode even when size and mtime happen to match.
type fileStamp struct {
	info os.FileInfo // nil when there is no file
}

func (a fileStamp) same(b fileStamp) bool {
	if a.info == nil || b.info == nil {
		return a.info == nil && b.info == nil
	}
	return os.SameFile(a.info, b.info) && a.info.Size() == b.info.Size() && a.info.ModTime().Equal(b.info.ModTime())
}

// OpenDecisions reads the decisions kept in st. A damaged file has already
// been moved aside by the store when the error comes back; the *Decisions
// returned is usable (empty, so moderation falls back to the rules) and the
// next decision starts a new file.
func OpenDecisions(st *store.Store) (*Decisions, error) {
	d := &Decisions{st: st, now: time.Now}
	d.index()
	if st == nil {
		return d, errors.New("decisions: no state directory, so decisions cannot be kept")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	_, err := d.readLocked()
	return d, err
}

func (d *Decisions) path() string { return d.st.Path(DecisionsKey) }

func (d *Decisions) statLocked() fileStamp {
	fi, err := os.Stat(d.path())
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{info: fi}
}

// readLocked loads the file into memory. On a damaged file the decisions in
// memory are kept (empty at open): after a hand edit gone wrong, the screen
// should keep what editors decided rather than suddenly show rejected posts.
func (d *Decisions) readLocked() (changed bool, err error) {
	stamp := d.statLocked() // before reading: a write after it is seen next time
	var f decisionsFile
	found, err := d.st.Load(DecisionsKey, &f)
	d.stamp = stamp
	if err != nil {
		var ce *store.CorruptError
		if errors.As(err, &ce) {
			// The store moved it aside; note the missing file so the next
			// Reload does not report it again.
			d.stamp = d.statLocked()
		} else {
			// Unread (permissions, I/O): forget the stamp so the next
			// Reload retries and no change is saved over a file never read.
			d.stamp = fileStamp{}
		}
		return false, fmt.Errorf("moderation decisions: %w", err)
	}
	if !found {
		f = decisionsFile{}
	}
	list, problems := clean(f.Decisions)
	changed = !sameDecisions(d.list, list)
	d.list = list
	d.index()
	if len(problems) > 0 {
		return changed, &skippedError{path: d.path(), problems: problems}
	}
	return changed, nil
}

// skippedError reports decisions that were read but could not be applied;
// the others were.
type skippedError struct {
	path     string
	problems []string
}

func (e *skippedError) Error() string {
	return fmt.Sprintf("moderation decisions in %s: %s", e.path, strings.Join(e.problems, "; "))
}

// clean drops entries that cannot be applied, saying which and why.
func clean(in []Decision) ([]Decision, []string) {
	var out []Decision
	var problems []string
	for i, x := range in {
		switch {
		case x.ID == "" && x.Link == "":
			problems = append(problems, fmt.Sprintf("entry %d has neither id nor link; skipped", i+1))
		case x.Action.rank() == 0:
			problems = append(problems, fmt.Sprintf("entry %d (post %s): unknown action %q; skipped", i+1, x.ID, x.Action))
		default:
			out = append(out, x)
		}
	}
	return out, problems
}

func sameDecisions(a, b []Decision) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.ID != y.ID || x.Link != y.Link || x.Action != y.Action || !x.Until.Equal(y.Until) || !x.At.Equal(y.At) || !slices.Equal(x.Sites, y.Sites) {
			return false
		}
	}
	return true
}

func (d *Decisions) index() {
	d.byID = make(map[string][]int, len(d.list))
	d.byURL = make(map[string][]int, len(d.list))
	for i, x := range d.list {
		if x.ID != "" {
			d.byID[x.ID] = append(d.byID[x.ID], i)
		}
		if l := normLink(x.Link); l != "" {
			d.byURL[l] = append(d.byURL[l], i)
		}
	}
}

// normLink makes trivially different spellings of one link equal: spaces
// around it, and the case of the scheme and host.
func normLink(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	return u.String()
}

// Reload re-reads the file when another process (the CLI, another kiosk
// process) has changed it since it was last read or written here. It costs
// one stat when nothing changed, so it can be called before every slide.
// changed reports whether the decisions are now different.
func (d *Decisions) Reload() (changed bool, err error) {
	if d == nil || d.st == nil {
		return false, nil
	}
	d.mu.RLock()
	same := d.stamp.same(d.statLocked())
	d.mu.RUnlock()
	if same {
		return false, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stamp.info != nil && len(d.list) > 0 && d.missingLocked() {
		return false, d.restoreLocked()
	}
	return d.readLocked()
}

// missingLocked reports whether the decisions file is gone (not merely
// unreadable).
func (d *Decisions) missingLocked() bool {
	_, err := os.Stat(d.path())
	return errors.Is(err, os.ErrNotExist)
}

// Lookup returns the decision that applies to a post with this ID and link.
// When one decision matches the ID and another the link, the stronger one
// wins (revoke, reject, pin, approve).
func (d *Decisions) Lookup(id, link string) (Decision, bool) {
	if d == nil {
		return Decision{}, false
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	best, found := Decision{}, false
	consider := func(idx []int) {
		for _, i := range idx {
			x := d.list[i]
			if !found || x.Action.rank() > best.Action.rank() {
				best, found = x, true
			}
		}
	}
	if id != "" {
		consider(d.byID[id])
	}
	if l := normLink(link); l != "" {
		consider(d.byURL[l])
	}
	return best, found
}

// All returns every decision, oldest first.
func (d *Decisions) All() []Decision {
	if d == nil {
		return nil
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	return append([]Decision(nil), d.list...)
}

// Approve shows the post whatever its source's mode, age or length; blocked
// words and authors still hide it. With sites, at those sites only.
func (d *Decisions) Approve(id, link string, sites ...string) error {
	return d.decide(Decision{ID: id, Link: link, Action: ActionApprove, Sites: sites})
}

// Reject hides the post.
func (d *Decisions) Reject(id, link string) error {
	return d.decide(Decision{ID: id, Link: link, Action: ActionReject})
}

// Pin shows the post first in the playlist until the given time (zero: until
// unpinned). Pinning approves. With sites, both hold at those sites only.
func (d *Decisions) Pin(id, link string, until time.Time, sites ...string) error {
	return d.decide(Decision{ID: id, Link: link, Action: ActionPin, Until: until, Sites: sites})
}

// Revoke takes the post off this kiosk's screen, even if it was approved.
// A later Approve or Pin puts it back.
func (d *Decisions) Revoke(id, link string) error {
	return d.decide(Decision{ID: id, Link: link, Action: ActionRevoke})
}

// Unpin turns a pin into a plain approval: the post stays on screen, no longer
// first. A post that is not pinned is an error wrapping ErrNotPinned.
func (d *Decisions) Unpin(id string) error {
	return d.change(func(list []Decision) ([]Decision, error) {
		hit := false
		for i := range list {
			if list[i].ID == id && list[i].Action == ActionPin {
				list[i].Action, list[i].Until, list[i].At = ActionApprove, time.Time{}, d.now().UTC()
				hit = true
			}
		}
		if !hit {
			return nil, fmt.Errorf("post %s: %w", id, ErrNotPinned)
		}
		return list, nil
	})
}

// decide records x, replacing every earlier decision about the same post
// (same ID, or same link): the latest decision is the editor's intent.
func (d *Decisions) decide(x Decision) error {
	x.ID, x.Link = strings.TrimSpace(x.ID), strings.TrimSpace(x.Link)
	if x.ID == "" && x.Link == "" {
		return errors.New("a decision needs a post ID or link")
	}
	x.At = d.now().UTC()
	if !x.Until.IsZero() {
		x.Until = x.Until.UTC()
	}
	l := normLink(x.Link)
	return d.change(func(list []Decision) ([]Decision, error) {
		out := list[:0]
		for _, y := range list {
			if (x.ID != "" && y.ID == x.ID) || (l != "" && normLink(y.Link) == l) {
				continue
			}
			out = append(out, y)
		}
		return append(out, x), nil
	})
}

// LockWait is how long a decision waits for another writer (the admin page,
// `lobbykiosk moderate`, a hub) to finish before it fails with the reason.
var LockWait = store.DefaultLockWait

// change applies edit to the freshest decisions and saves them, as one
// transaction between processes: under the store's lock on the decisions
// file, it reads the file, edits and saves, so a decision another process
// saved a moment ago is built upon, never overwritten. If the lock cannot be
// had or saving fails, nothing changes, in memory or on disk, and the error
// says why: a writer never reports success for a decision it lost.
func (d *Decisions) change(edit func([]Decision) ([]Decision, error)) error {
	if d == nil || d.st == nil {
		return errors.New("decisions cannot be saved: no state directory")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	unlock, err := d.st.Lock(DecisionsKey, LockWait)
	if err != nil {
		return fmt.Errorf("decision not saved: %w", err)
	}
	defer unlock()
	// Read under the lock, always: a check of the file's stamp first would
	// leave a gap between that check and the save.
	if _, err := d.readLocked(); err != nil {
		var ce *store.CorruptError
		var se *skippedError
		if !errors.As(err, &ce) && !errors.As(err, &se) {
			// The file is there but cannot be read (permissions):
			// saving now would overwrite decisions never seen.
			return fmt.Errorf("decision not saved: %w", err)
		}
		// A damaged file was moved aside, or bad entries skipped: what
		// is in memory is the best there is, and saving repairs the file.
	}
	next, err := edit(append([]Decision(nil), d.list...))
	if err != nil {
		return err
	}
	if err := d.st.Save(DecisionsKey, decisionsFile{Decisions: next}); err != nil {
		return fmt.Errorf("decision not saved: %w", err)
	}
	d.list = next
	d.index()
	d.stamp = d.statLocked()
	return nil
}

// restoreLocked writes the decisions held in memory back to a file that was
// deleted under a running kiosk (the state directory removed by a cleanup
// script or by hand): without it the screen would show rejected and revoked
// posts again at the next slide. d.mu must be held.
func (d *Decisions) restoreLocked() error {
	unlock, err := d.st.Lock(DecisionsKey, LockWait)
	if err != nil {
		return fmt.Errorf("moderation decisions: %s was deleted and cannot be written back: %w", d.path(), err)
	}
	defer unlock()
	if d.statLocked().info != nil {
		// Someone wrote a new file meanwhile: that one counts.
		_, err := d.readLocked()
		return err
	}
	if err := d.st.Save(DecisionsKey, decisionsFile{Decisions: d.list}); err != nil {
		return fmt.Errorf("moderation decisions: %s was deleted and cannot be written back: %w", d.path(), err)
	}
	d.stamp = d.statLocked()
	return &RestoredError{Path: d.path(), Count: len(d.list)}
}

// RestoredError tells that Reload found the decisions file deleted and wrote
// the decisions in memory back: nothing is lost, but someone removed it.
type RestoredError struct {
	Path  string
	Count int
}

func (e *RestoredError) Error() string {
	return fmt.Sprintf("moderation decisions: %s was deleted while the kiosk ran; wrote the %d decisions it holds back (to clear decisions, stop the kiosk first)", e.Path, e.Count)
}
