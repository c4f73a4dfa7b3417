package moderate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/store"
)

// AuditKey is the store key (the file in state_dir) of the audit log: who
// approved, rejected, pinned, unpinned or revoked which post, when, and for
// which sites. A social-media policy asks for it.
const AuditKey = "audit.jsonl"

// auditTail is how much of the end of the log Recent reads: thousands of
// entries, for a page that shows the newest few hundred.
const auditTail = 1 << 20

// AuditEntry is one decision as the audit log keeps it: enough to read
// without the posts' cache (which forgets posts that leave their feed).
type AuditEntry struct {
	At time.Time `json:"at"`
	// Actor is who decided: a moderator's name on the hub's console, or
	// "cli:<unix user>" for `lobbykiosk moderate`.
	Actor  string   `json:"actor"`
	Action string   `json:"action"` // approve, reject, pin, unpin, revoke
	ID     string   `json:"id"`
	Link   string   `json:"link,omitempty"`
	Source string   `json:"source,omitempty"`
	Author string   `json:"author,omitempty"`
	Text   string   `json:"text,omitempty"` // the post's first words
	Sites  []string `json:"sites,omitempty"`
	// Until is a pin's end (zero: none).
	Until time.Time `json:"until,omitzero"`
	// From is the address the console was used from.
	From string `json:"from,omitempty"`
}

// Audit is the audit log, kept in the store as one JSON line per decision,
// only ever added to. Writers in several processes (the hub, the CLI) take
// the store's lock for each line, as decisions do. A nil *Audit records
// nothing.
type Audit struct {
	st  *store.Store
	now func() time.Time
}

// OpenAudit returns the audit log kept in st.
func OpenAudit(st *store.Store) *Audit { return &Audit{st: st, now: time.Now} }

// Entry is the audit entry for actor's action on p.
func Entry(actor, action string, p feeds.Post, sites []string, until time.Time) AuditEntry {
	name := p.Author.Name
	if name == "" {
		name = p.Author.Handle
	}
	return AuditEntry{Actor: actor, Action: action, ID: p.ID, Link: p.Link, Source: p.Source, Author: name,
		Text: firstWords(p.Text, 120), Sites: sites, Until: until}
}

// Record adds e to the log, stamped now unless it has a time, and flushes
// it to disk before it returns.
func (a *Audit) Record(e AuditEntry) error {
	if a == nil {
		return nil
	}
	if strings.TrimSpace(e.Actor) == "" || e.Action == "" || e.ID == "" {
		return errors.New("audit log: an entry needs who, what and which post")
	}
	if e.At.IsZero() {
		e.At = a.now()
	}
	e.At = e.At.UTC().Truncate(time.Second)
	if !e.Until.IsZero() {
		e.Until = e.Until.UTC()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if err := a.st.Append(AuditKey, line); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

// Recent returns up to n entries, newest first, from the end of the log,
// and how many lines there could not be read (a line torn by a crash, a
// hand edit gone wrong).
func (a *Audit) Recent(n int) (entries []AuditEntry, unreadable int, err error) {
	if a == nil {
		return nil, 0, nil
	}
	data, _, err := a.st.Tail(AuditKey, auditTail)
	if err != nil {
		return nil, 0, fmt.Errorf("audit log: %w", err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	for i := len(lines) - 1; i >= 0 && len(entries) < n; i-- {
		if len(bytes.TrimSpace(lines[i])) == 0 {
			continue
		}
		var e AuditEntry
		if json.Unmarshal(lines[i], &e) != nil || e.Actor == "" || e.At.IsZero() {
			unreadable++
			continue
		}
		entries = append(entries, e)
	}
	return entries, unreadable, nil
}

// Path is the log's file, for people who read all of it.
func (a *Audit) Path() string { return a.st.Path(AuditKey) }

// firstWords cuts s to at most n characters, at a space when there is one.
func firstWords(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
