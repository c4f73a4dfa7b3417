package admin

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
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
	"lobbykiosk/kiosk/locale"
	"lobbykiosk/kiosk/slide"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages holds one template set per page, each the layout plus that page's
// "main" block.
type pages struct{ sets map[string]*template.Template }

func newPages() (*pages, error) {
	base, err := template.New("").Funcs(template.FuncMap{"dict": dict}).ParseFS(templateFiles, "templates/layout.html")
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

// dict makes the data of a translation with placeholders in a template:
// {{.L.T "admin.pin.hint_kiosk" (dict "Zone" .Zone)}}.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: an odd number of arguments")
	}
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
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
	// L is the page's language: the kiosk's (the hub's on the console).
	L      *locale.Locale
	Title  string
	Page   string // nav key
	Kiosk  string
	CSRF   string
	Flash  *flash
	Counts counts
	// Shown is Counts as the page writes them (the locale's digits).
	Shown countsText
	Zone  string

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
	// AuditIntro and AuditUnreadableText are the audit page's sentences.
	AuditIntro, AuditUnreadableText string
}

type counts struct{ Pending, Shown, Hidden, Failing int }

// countsText is counts written the locale's way, for the badges.
type countsText struct{ Pending, Shown, Hidden, Failing string }

func (c counts) text(l *locale.Locale) countsText {
	return countsText{count(l, c.Pending), count(l, c.Shown), count(l, c.Hidden), count(l, c.Failing)}
}

type postView struct {
	content.Post
	L          *locale.Locale
	StatusText string
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
	// ItemsText and FailuresText are the counts the locale's way.
	ItemsText, FailuresText string
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
	Count    string
	// Line is the queue's one line about the screen.
	Line string
}

// base builds the parts of a view every page shares, from one report.
func (s *Server) base(sess *session, page, title string, r content.Report, now time.Time) view {
	l := s.words()
	v := view{
		L: l, Title: title, Page: page, Kiosk: s.eng.CurrentConfig().Name, CSRF: sess.csrf,
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
	v.Shown = v.Counts.text(l)
	v.Screen = s.screen(r, now, v)
	return v
}

func (s *Server) report() (content.Report, time.Time) {
	now := s.now()
	return s.eng.Report(now), now
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, now := s.report()
	v := s.base(sess, "queue", s.words().T("admin.queue.title"), rep, now)
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
	v.Filter = newFilterView(v.L, f, pending, len(v.Posts), now)
	s.pages.render(w, s.log, http.StatusOK, "queue", v)
}

func (s *Server) shownPage(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, now := s.report()
	v := s.base(sess, "shown", s.words().T("admin.shown.title"), rep, now)
	// Pinned first, as the playlist plays them.
	for _, p := range rep.Shown() {
		v.Posts = append(v.Posts, s.postView(p, now, v, "/shown"))
	}
	s.pages.render(w, s.log, http.StatusOK, "shown", v)
}

func (s *Server) hiddenPage(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, now := s.report()
	v := s.base(sess, "hidden", s.words().T("admin.hidden.title"), rep, now)
	v.Posts = s.posts(rep, now, v, "/hidden", func(p content.Post) bool {
		return p.Status == moderate.Rejected || p.Status == moderate.Revoked || p.Status == content.Held
	})
	s.pages.render(w, s.log, http.StatusOK, "hidden", v)
}

func (s *Server) sourcesPage(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, now := s.report()
	v := s.base(sess, "sources", s.words().T("admin.sources.title"), rep, now)
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
	v := s.base(sess, "screen", s.words().T("admin.screen.title"), rep, now)
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
		http.Error(w, s.words().T("admin.screen.unknown"), http.StatusServiceUnavailable)
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
	loc, l := s.eng.CurrentConfig().Location, v.L
	pv := postView{
		Post: p, L: l, StatusText: l.T("admin.status." + string(p.Status)), Name: p.Author.Name, CSRF: v.CSRF, Back: back, MinUntil: v.MinUntil, Zone: loc.String(),
		HasImage: p.Image != "", HasAvatar: p.Author.Avatar != "",
		StatusClass: string(p.Status), Reach: v.Reach,
	}
	if v.Console {
		pv.Sites = v.Sites
		pv.SitesText = sitesText(l, p.Sites, p.PinnedSites, p.Pinned)
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
		pv.Name = l.T("admin.unknown_author")
	}
	pv.Initials = initials(pv.Name)
	if !p.Published.IsZero() {
		pv.Age = ago(l, now.Sub(p.Published))
		pv.When = stamp(l, p.Published, loc, true)
		pv.WhenISO = p.Published.Format(time.RFC3339)
	}
	if p.Pinned {
		pv.PinnedText = l.T("admin.pinned.forever")
		if p.PinnedUntil != nil {
			pv.PinnedText = l.T("admin.pinned.until", map[string]any{"Time": stamp(l, *p.PinnedUntil, loc, false)})
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
	c, l := s.o.Current(), v.L
	sv := screenView{Known: true, Kind: kindName(l, c.Kind), On: c.On, Offline: c.Offline, Count: count(l, int(c.Count))}
	if !c.Since.IsZero() {
		sv.Since = clockTime(l, c.Since, s.eng.CurrentConfig().Location)
		sv.SinceAgo = ago(l, now.Sub(c.Since))
	}
	if c.PostID != "" {
		for _, p := range r.Posts {
			if p.ID == c.PostID {
				pv := s.postView(p, now, v, "/")
				sv.Post = &pv
				sv.Kind = l.T("admin.kind.post_by", map[string]any{"Name": pv.Name})
				break
			}
		}
	}
	sv.Line = l.T(map[bool]string{true: "admin.now.on", false: "admin.now.off"}[c.On], map[string]any{"What": sv.Kind})
	if sv.Since != "" {
		sv.Line = l.T("admin.now.since", map[string]any{"Text": sv.Line, "Time": sv.Since})
	}
	return sv
}

func kindName(l *locale.Locale, k slide.Kind) string {
	switch k {
	case slide.KindPost, slide.KindWins, slide.KindLeaderboard, slide.KindWelcome:
		return l.T("admin.kind." + string(k))
	case "":
		return l.T("admin.kind.none")
	}
	return string(k)
}

func failing(src feeds.SourceState) bool { return !src.OK && src.Failures > 0 }

func (s *Server) sourceView(src feeds.SourceState, now time.Time) sourceView {
	loc, l := s.eng.CurrentConfig().Location, s.words()
	never := l.T("admin.sources.never")
	sv := sourceView{SourceState: src, LastOK: never, LastTry: never,
		ItemsText: count(l, src.Items), FailuresText: count(l, src.Failures),
		ReadSummary: src.Reading.Summary(src.Kind), Encoding: src.Reading.EncodingText(), Skips: src.Reading.SkipLines()}
	switch {
	case failing(src):
		sv.State, sv.StateClass = l.T("admin.state.failing"), "bad"
	case src.FromCache:
		sv.State, sv.StateClass = l.T("admin.state.cached"), "warn"
	case !src.OK:
		sv.State, sv.StateClass = l.T("admin.state.unfetched"), "warn"
	default:
		sv.State, sv.StateClass = l.T("admin.state.ok"), "ok"
	}
	when := func(t time.Time) string {
		return stamp(l, t, loc, false) + " (" + ago(l, now.Sub(t)) + ")"
	}
	if !src.FetchedAt.IsZero() {
		sv.LastOK = when(src.FetchedAt)
	}
	if !src.LastAttempt.IsZero() {
		sv.LastTry = when(src.LastAttempt)
	}
	if !src.NextTry.IsZero() {
		next := src.NextTry.In(loc)
		at := l.Number(next.Format("15:04")) + " " + next.Format("MST")
		if y, m, d := next.Date(); y != now.In(loc).Year() || m != now.In(loc).Month() || d != now.In(loc).Day() {
			at = stamp(l, next, loc, false)
		}
		sv.Next = at + " (" + ahead(l, src.NextTry.Sub(now)) + ")"
	}
	return sv
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
