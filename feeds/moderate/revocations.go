package moderate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/store"
)

// RevocationsKey is the store key (the file in state_dir) of the last good
// central revocation list.
const RevocationsKey = "revocations.json"

type revocationsFile struct {
	URL        string           `json:"url"`
	Validators fetch.Validators `json:"validators"`
	FetchedAt  time.Time        `json:"fetched_at"`
	IDs        []string         `json:"ids"`
	Links      []string         `json:"links"`
}

// Revocations is headquarters' list of posts to take off every screen,
// pulled from [moderation] revocations_url and kept on disk, so a post
// revoked while the kiosk was online stays off after a restart without
// network. The list matches posts by ID or by link. It is safe for concurrent
// use; a nil *Revocations revokes nothing.
type Revocations struct {
	st  *store.Store
	url string
	now func() time.Time

	mu    sync.RWMutex
	file  revocationsFile
	ids   map[string]bool
	links map[string]bool
	err   error
}

// OpenRevocations reads the last good list kept in st; url is where Refresh
// pulls it from ("" turns pulling off). A list kept from an earlier URL still
// applies until the new one has been fetched: a post headquarters took down
// stays down. A damaged file has been moved aside when the error comes back;
// the *Revocations returned is usable either way.
func OpenRevocations(st *store.Store, url string) (*Revocations, error) {
	r := &Revocations{st: st, url: strings.TrimSpace(url), now: time.Now}
	r.index()
	if st == nil {
		return r, errors.New("revocation list: no state directory, so the list cannot be kept")
	}
	var f revocationsFile
	found, err := st.Load(RevocationsKey, &f)
	if err != nil {
		return r, fmt.Errorf("revocation list: %w", err)
	}
	if found {
		r.file = f
		r.index()
	}
	return r, nil
}

func (r *Revocations) index() {
	r.ids = make(map[string]bool, len(r.file.IDs))
	r.links = make(map[string]bool, len(r.file.Links))
	for _, id := range r.file.IDs {
		r.ids[id] = true
	}
	for _, l := range r.file.Links {
		r.links[normLink(l)] = true
	}
}

// Revoked reports whether the post with this ID or link is on the list.
func (r *Revocations) Revoked(id, link string) bool {
	if r == nil {
		return false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if id != "" && r.ids[id] {
		return true
	}
	l := normLink(link)
	return l != "" && r.links[l]
}

// Len is how many entries the list in use holds.
func (r *Revocations) Len() int {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.file.IDs) + len(r.file.Links)
}

// Entries are the IDs and links on the list in use (the hub passes its own
// central list on to its kiosks).
func (r *Revocations) Entries() (ids, links []string) {
	if r == nil {
		return nil, nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]string(nil), r.file.IDs...), append([]string(nil), r.file.Links...)
}

// FetchedAt is when the list in use was fetched (zero if never).
func (r *Revocations) FetchedAt() time.Time {
	if r == nil {
		return time.Time{}
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.file.FetchedAt
}

// Err is the last refresh's problem, for health pages; nil when it went well.
func (r *Revocations) Err() error {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.err
}

// Refresh pulls the list with a conditional GET through client (nil: a
// default client). An unchanged list costs one 304. A list that cannot be
// fetched or read leaves the last good one in force; the error is returned
// and kept for Err.
func (r *Revocations) Refresh(ctx context.Context, client *http.Client) error {
	return r.RefreshWith(ctx, &fetch.Client{HTTP: client})
}

// RefreshWith is Refresh through a fetch client (its User-Agent, timeout
// and body cap).
func (r *Revocations) RefreshWith(ctx context.Context, c *fetch.Client) error {
	if r == nil || r.url == "" {
		return nil
	}
	if c == nil {
		c = &fetch.Client{}
	}
	r.mu.RLock()
	var val fetch.Validators
	if r.file.URL == r.url {
		// Validators from another URL would make the new one answer 304
		// to a list we never had.
		val = r.file.Validators
	}
	r.mu.RUnlock()

	resp, err := c.Get(ctx, r.url, val)
	if err != nil {
		return r.fail(fmt.Errorf("revocation list: %w; %s", err, r.keeping()))
	}
	if resp.NotModified {
		r.mu.Lock()
		r.err = nil
		r.mu.Unlock()
		return nil
	}
	ids, links, problems, err := parseRevocations(resp.Body)
	if err != nil {
		return r.fail(fmt.Errorf("revocation list %s: %w; %s", r.url, err, r.keeping()))
	}
	f := revocationsFile{URL: r.url, Validators: resp.Validators, FetchedAt: r.now().UTC(), IDs: ids, Links: links}
	var errs []error
	if len(problems) > 0 {
		errs = append(errs, fmt.Errorf("revocation list %s: %s", r.url, strings.Join(problems, "; ")))
	}
	if r.st != nil {
		if err := r.st.Save(RevocationsKey, f); err != nil {
			// The list still applies now; it just would not survive a restart.
			errs = append(errs, fmt.Errorf("revocation list not kept on disk: %w", err))
		}
	}
	r.mu.Lock()
	r.file = f
	r.index()
	r.err = errors.Join(errs...)
	err = r.err
	r.mu.Unlock()
	return err
}

// Restore writes the list in force back to disk when its file is gone (the
// state directory deleted while the kiosk runs): otherwise a restart without
// network would bring revoked posts back. It reports whether it wrote.
func (r *Revocations) Restore() (bool, error) {
	if r == nil || r.st == nil {
		return false, nil
	}
	r.mu.RLock()
	f := r.file
	r.mu.RUnlock()
	if f.FetchedAt.IsZero() || !r.st.Missing(RevocationsKey) {
		return false, nil
	}
	if err := r.st.Save(RevocationsKey, f); err != nil {
		return false, fmt.Errorf("revocation list not written back: %w", err)
	}
	return true, nil
}

func (r *Revocations) fail(err error) error {
	r.mu.Lock()
	r.err = err
	r.mu.Unlock()
	return err
}

// keeping says which list stays in force after a failed refresh.
func (r *Revocations) keeping() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.file.FetchedAt.IsZero() {
		return "no list has been fetched yet"
	}
	return fmt.Sprintf("keeping the last good list (%d entries, fetched %s)",
		len(r.file.IDs)+len(r.file.Links), r.file.FetchedAt.UTC().Format("2006-01-02 15:04 UTC"))
}

// Run refreshes the list now and then every interval until ctx ends,
// logging failures (the last one is also in Err).
func (r *Revocations) Run(ctx context.Context, client *http.Client, every time.Duration, log *slog.Logger) {
	if r == nil || r.url == "" {
		return
	}
	if every <= 0 {
		every = time.Minute
	}
	if log == nil {
		log = slog.Default()
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := r.Refresh(ctx, client); err != nil && ctx.Err() == nil {
			log.Warn("revocation list refresh failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// parseRevocations reads either form headquarters may publish:
//
//	["3f2a9c", "https://social.example/@ada/1"]
//	{"revoked": [{"id": "3f2a9c"}, {"link": "https://social.example/@ada/1"}]}
//
// A string that is an http(s) URL is a link, anything else a post ID. A bad
// entry is skipped and named in problems; the others still apply. err is set
// only when the document as a whole is unusable, so the last good list stays.
func parseRevocations(body []byte) (ids, links, problems []string, err error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil, nil, errors.New("the list is empty (expected a JSON array or {\"revoked\": [...]})")
	}
	var entries []json.RawMessage
	switch body[0] {
	case '[':
		if err := json.Unmarshal(body, &entries); err != nil {
			return nil, nil, nil, fmt.Errorf("not valid JSON: %w", err)
		}
	case '{':
		var doc struct {
			Revoked *[]json.RawMessage `json:"revoked"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			return nil, nil, nil, fmt.Errorf("not valid JSON: %w", err)
		}
		if doc.Revoked == nil {
			return nil, nil, nil, errors.New("the object has no \"revoked\" list")
		}
		entries = *doc.Revoked
	default:
		return nil, nil, nil, errors.New("not JSON (expected an array of IDs and links, or {\"revoked\": [...]})")
	}
	ids, links = []string{}, []string{}
	add := func(s string) {
		if isLink(s) {
			links = append(links, s)
		} else {
			ids = append(ids, s)
		}
	}
	for i, raw := range entries {
		n := i + 1
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			if s = strings.TrimSpace(s); s == "" {
				problems = append(problems, fmt.Sprintf("entry %d is empty; skipped", n))
				continue
			}
			add(s)
			continue
		}
		var obj struct {
			ID   *json.RawMessage `json:"id"`
			Link string           `json:"link"`
			URL  string           `json:"url"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			problems = append(problems, fmt.Sprintf("entry %d is neither a string nor an object with \"id\" or \"link\"; skipped", n))
			continue
		}
		id := ""
		if obj.ID != nil {
			// IDs are strings, but a spreadsheet export may write a number.
			var v any
			_ = json.Unmarshal(*obj.ID, &v)
			switch x := v.(type) {
			case string:
				id = strings.TrimSpace(x)
			case float64:
				id = strings.TrimSpace(string(*obj.ID))
			}
		}
		link := strings.TrimSpace(obj.Link)
		if link == "" {
			link = strings.TrimSpace(obj.URL)
		}
		if id == "" && link == "" {
			problems = append(problems, fmt.Sprintf("entry %d has neither \"id\" nor \"link\"; skipped", n))
			continue
		}
		if id != "" {
			ids = append(ids, id)
		}
		if link != "" {
			links = append(links, link)
		}
	}
	return ids, links, problems, nil
}

func isLink(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}
