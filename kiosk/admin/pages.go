package admin

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/slide"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages holds one template set per page, each the layout plus that page's
// "main" block.
type pages struct{ sets map[string]*template.Template }

func newPages() (*pages, error) {
	base, err := template.New("").ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range []string{"queue", "shown", "hidden", "sources", "screen", "error", "signin", "confirm", "card", "audit"} {
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		p.sets[name] = t
	}
	return p, nil
}

// render writes a page whole or not at all: a template error mid-page would
// leave half a page with a 200.
func (p *pages) render(w http.ResponseWriter, log *slog.Logger, status int, name string, data any) {
	var b bytes.Buffer
	entry := "layout"
	switch name {
	case "signin", "card":
		entry = name
	}
	if err := p.sets[name].ExecuteTemplate(&b, entry, data); err != nil {
		log.Error("admin page not rendered", "page", name, "err", err)
		http.Error(w, "The page could not be shown; the kiosk's log says why.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// view is what every signed-in page gets.
type view struct {
	Title  string
	Page   string // nav key
	Kiosk  string
	CSRF   string
	Flash  *flash
	Counts counts
	Zone   string

	Screen  screenView
	Posts   []postView
	Sources []sourceView
	// Error is the message of the error page.
	Error string
	Back  string
	// Screenshot is true when the kiosk has a window to take one of.
	Screenshot bool
	// MinUntil is the earliest pin end the form accepts (datetime-local).
	MinUntil string
	// Filter is the queue's filter bar.
	Filter filterView
	// Confirm is the post a confirmation page asks about.
	Confirm *postView

	// Console is set on the fleet hub's moderation console; User is who
	// is signed in, Reach when a decision is on every screen.
	Console     bool
	User, Reach string
	// Sites are the fleet's sites, for decisions that name some.
	Sites []string
	// Audit is the audit page's entries, newest first; AuditUnreadable
	// counts lines of the log that could not be read.
	Audit           []auditView
	AuditUnreadable int
}

type counts struct{ Pending, Shown, Hidden, Failing int }

type postView struct {
	content.Post
	Name       string
	Initials   string
	Age        string
	When       string // local date and time
	WhenISO    string
	PinnedText string
	HasImage   bool
	HasAvatar  bool
	// ImageError says why the picture is not shown, when loading it
	// failed before (it is not tried on every page view).
	ImageError  string
	CSRF, Back  string
	MinUntil    string
	OnScreen    bool
	StatusClass string
	// Pick shows the checkbox that selects the card for a bulk action.
	Pick bool
	// Zone is the kiosk's time zone, which the pin form's time is in.
	Zone string
	// Sites are the fleet's sites an approval or pin may be limited to
	// (the hub's console; none on a kiosk); SitesText says where the post
	// goes now.
	Sites     []string
	SitesText string
	// Reach is when a decision is on screen ("at the next slide").
	Reach string
}

type sourceView struct {
	feeds.SourceState
	State, StateClass string
	LastOK, LastTry   string
	Next              string
	// How its document was read: for the social team to fix the file.
	ReadSummary, Encoding string
	Skips                 []string
}

type screenView struct {
	Known    bool
	Kind     string
	Post     *postView
	Since    string
	SinceAgo string
	On       bool
	Offline  bool
	Count    int64
}

// base builds the parts of a view every page shares, from one report.
func (s *Server) base(sess *session, page, title string, r content.Report, now time.Time) view {
	v := view{
		Title: title, Page: page, Kiosk: s.eng.CurrentConfig().Name, CSRF: sess.csrf,
		Flash: s.sessions.popFlash(sess), Zone: s.eng.CurrentConfig().Location.String(),
		Screenshot: s.o.Screenshot != nil,
		MinUntil:   now.In(s.eng.CurrentConfig().Location).Format(untilLayout),
		Console:    s.o.Console != nil, User: sess.user, Reach: s.reach(), Sites: s.sites(),
	}
	for _, p := range r.Posts {
		switch p.Status {
		case moderate.Pending:
			v.Counts.Pending++
		case moderate.Shown:
			v.Counts.Shown++
		default:
			v.Counts.Hidden++
		}
	}
	for _, src := range r.Sources {
		if failing(src) {
			v.Counts.Failing++
		}
	}
	v.Screen = s.screen(r, now, v)
	return v
}

func (s *Server) report() (content.Report, time.Time) {
	now := s.now()
	return s.eng.Report(now), now
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, now := s.report()
	v := s.base(sess, "queue", "Waiting for approval", rep, now)
	f := readFilter(r.URL.Query())
	back := "/" + f.query()
	var pending []content.Post
	for _, p := range rep.Posts {
		if p.Status == moderate.Pending {
			pending = append(pending, p)
		}
	}
	for _, p := range pending {
		if f.keep(p, now) {
			pv := s.postView(p, now, v, back)
			pv.Pick = true
			v.Posts = append(v.Posts, pv)
		}
	}
	v.Filter = newFilterView(f, pending, len(v.Posts), now)
	s.pages.render(w, s.log, http.StatusOK, "queue", v)
}

func (s *Server) shownPage(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, now := s.report()
	v := s.base(sess, "shown", "On the screen's rotation", rep, now)
	// Pinned first, as the playlist plays them.
	for _, p := range rep.Shown() {
		v.Posts = append(v.Posts, s.postView(p, now, v, "/shown"))
	}
	s.pages.render(w, s.log, http.StatusOK, "shown", v)
}

func (s *Server) hiddenPage(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, now := s.report()
	v := s.base(sess, "hidden", "Rejected, revoked and held back", rep, now)
	v.Posts = s.posts(rep, now, v, "/hidden", func(p content.Post) bool {
		return p.Status == moderate.Rejected || p.Status == moderate.Revoked || p.Status == content.Held
	})
	s.pages.render(w, s.log, http.StatusOK, "hidden", v)
}

func (s *Server) sourcesPage(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, now := s.report()
	v := s.base(sess, "sources", "Sources", rep, now)
	for _, src := range rep.Sources {
		v.Sources = append(v.Sources, s.sourceView(src, now))
	}
	// What needs attention first: failing, then not fetched yet or only
	// cached, then the ones that work; config order within each.
	rank := map[string]int{"bad": 0, "warn": 1, "ok": 2}
	sort.SliceStable(v.Sources, func(i, j int) bool { return rank[v.Sources[i].StateClass] < rank[v.Sources[j].StateClass] })
	s.pages.render(w, s.log, http.StatusOK, "sources", v)
}

func (s *Server) screenPage(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, now := s.report()
	v := s.base(sess, "screen", "On screen now", rep, now)
	if v.Screen.Post != nil {
		v.Screen.Post.Back = "/screen"
	}
	s.pages.render(w, s.log, http.StatusOK, "screen", v)
}

// fail shows an error page with the status, keeping the navigation; the
// page's script gets the message as JSON.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, sess *session, status int, msg string) {
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		writeJSONBody(w, actionResult{Message: msg, Error: true})
		return
	}
	rep, now := s.report()
	v := s.base(sess, "", http.StatusText(status), rep, now)
	v.Error = msg
	v.Back = safeBack(r.PostForm.Get("back"))
	s.pages.render(w, s.log, status, "error", v)
}

func (s *Server) apiContent(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, _ := s.report()
	writeJSON(w, rep)
}

func (s *Server) apiScreen(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.o.Current == nil {
		http.Error(w, "This admin page runs without the screen, so what is on it is not known.", http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, s.o.Current())
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	writeJSONBody(w, v)
}

func writeJSONBody(w http.ResponseWriter, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (s *Server) posts(r content.Report, now time.Time, v view, back string, keep func(content.Post) bool) []postView {
	var out []postView
	for _, p := range r.Posts {
		if keep(p) {
			out = append(out, s.postView(p, now, v, back))
		}
	}
	return out
}

func (s *Server) postView(p content.Post, now time.Time, v view, back string) postView {
	loc := s.eng.CurrentConfig().Location
	pv := postView{
		Post: p, Name: p.Author.Name, CSRF: v.CSRF, Back: back, MinUntil: v.MinUntil, Zone: loc.String(),
		HasImage: p.Image != "", HasAvatar: p.Author.Avatar != "",
		StatusClass: string(p.Status), Reach: v.Reach,
	}
	if v.Console {
		pv.Sites = v.Sites
		pv.SitesText = sitesText(p.Sites, p.PinnedSites, p.Pinned)
	}
	if f := s.eng.PictureFailure(p.Image); p.Image != "" && f != nil {
		pv.HasImage, pv.ImageError = false, f.Describe(loc)
	}
	if f := s.eng.PictureFailure(p.Author.Avatar); p.Author.Avatar != "" && f != nil {
		pv.HasAvatar = false
	}
	if pv.Name == "" {
		pv.Name = p.Author.Handle
	}
	if pv.Name == "" {
		pv.Name = "Unknown author"
	}
	pv.Initials = initials(pv.Name)
	if !p.Published.IsZero() {
		pv.Age = ago(now.Sub(p.Published))
		pv.When = p.Published.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
		pv.WhenISO = p.Published.Format(time.RFC3339)
	}
	if p.Pinned {
		pv.PinnedText = "Pinned, with no end"
		if p.PinnedUntil != nil {
			pv.PinnedText = "Pinned until " + p.PinnedUntil.In(loc).Format(stampLayout)
		}
	}
	if cur := v.Screen; cur.Known && cur.Post != nil && cur.Post.ID == p.ID {
		pv.OnScreen = true
	}
	return pv
}

func (s *Server) screen(r content.Report, now time.Time, v view) screenView {
	if s.o.Current == nil {
		return screenView{}
	}
	c := s.o.Current()
	sv := screenView{Known: true, Kind: kindName(c.Kind), On: c.On, Offline: c.Offline, Count: c.Count}
	if !c.Since.IsZero() {
		sv.Since = c.Since.In(s.eng.CurrentConfig().Location).Format("15:04:05 MST")
		sv.SinceAgo = ago(now.Sub(c.Since))
	}
	if c.PostID != "" {
		for _, p := range r.Posts {
			if p.ID == c.PostID {
				pv := s.postView(p, now, v, "/")
				sv.Post = &pv
				break
			}
		}
	}
	return sv
}

func kindName(k slide.Kind) string {
	switch k {
	case slide.KindPost:
		return "a post"
	case slide.KindWins:
		return "the wins"
	case slide.KindLeaderboard:
		return "the leaderboard"
	case slide.KindWelcome:
		return "the welcome slide"
	case "":
		return "nothing yet"
	}
	return string(k)
}

func failing(src feeds.SourceState) bool { return !src.OK && src.Failures > 0 }

func (s *Server) sourceView(src feeds.SourceState, now time.Time) sourceView {
	loc := s.eng.CurrentConfig().Location
	sv := sourceView{SourceState: src, LastOK: "never", LastTry: "never",
		ReadSummary: src.Reading.Summary(src.Kind), Encoding: src.Reading.EncodingText(), Skips: src.Reading.SkipLines()}
	switch {
	case failing(src):
		sv.State, sv.StateClass = "failing", "bad"
	case src.FromCache:
		sv.State, sv.StateClass = "cached, not refreshed yet", "warn"
	case !src.OK:
		sv.State, sv.StateClass = "not fetched yet", "warn"
	default:
		sv.State, sv.StateClass = "ok", "ok"
	}
	stamp := func(t time.Time) string {
		return t.In(loc).Format(stampLayout) + " (" + ago(now.Sub(t)) + ")"
	}
	if !src.FetchedAt.IsZero() {
		sv.LastOK = stamp(src.FetchedAt)
	}
	if !src.LastAttempt.IsZero() {
		sv.LastTry = stamp(src.LastAttempt)
	}
	if !src.NextTry.IsZero() {
		layout := "15:04 MST"
		if y, m, d := src.NextTry.In(loc).Date(); y != now.In(loc).Year() || m != now.In(loc).Month() || d != now.In(loc).Day() {
			layout = stampLayout
		}
		sv.Next = src.NextTry.In(loc).Format(layout) + " (" + ahead(src.NextTry.Sub(now)) + ")"
	}
	return sv
}

// stampLayout is how the page writes a time: with its zone, the kiosk's,
// which need not be the browser's.
const stampLayout = "Mon 2 Jan, 15:04 MST"

// ahead words a wait for a person glancing at a phone.
func ahead(d time.Duration) string {
	switch {
	case d <= 0:
		return "due now"
	case d < time.Minute:
		return "in less than a minute"
	case d < time.Hour:
		return fmt.Sprintf("in %d min", int((d+time.Minute-1)/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("in %d h", int(d/time.Hour))
	}
	return fmt.Sprintf("in %d days", int(d/(24*time.Hour)))
}

// ago words a duration for a person glancing at a phone.
func ago(d time.Duration) string {
	switch {
	case d < 0:
		return "in the future"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	case d < 60*24*time.Hour:
		return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%d months ago", int(d/(30*24*time.Hour)))
}

func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(strings.TrimPrefix(name, "@")) {
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, unicode.ToUpper(r))
				break
			}
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// backPages are the places an action may send the browser back to.
var backPages = map[string]bool{"/": true, "/shown": true, "/hidden": true, "/screen": true, "/sources": true}

// safeBack keeps the redirect after an action on one of the page's own
// pages, with the queue's filter and nothing else, whatever the form says.
func safeBack(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || !backPages[u.Path] {
		return "/"
	}
	if u.Path == "/" {
		return "/" + readFilter(u.Query()).query()
	}
	return u.Path
}
