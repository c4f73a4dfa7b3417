package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/locale"
)

// untilLayout is what a datetime-local input sends, in the kiosk's zone.
const untilLayout = "2006-01-02T15:04"

// decide applies one editor's action to one post, through the same decision
// store and with the same rules as `lobbykiosk moderate`, then answers with
// what the screen will do now: as JSON for the page's script (which keeps
// the page where it is), or by sending the browser back to the card it was
// at (#post-ID) with a message.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, sess *session) {
	id := strings.TrimSpace(r.PostForm.Get("id"))
	action := r.PostForm.Get("action")
	back := safeBack(r.PostForm.Get("back"))
	switch action {
	case "approve", "reject", "pin", "unpin", "revoke":
	default:
		s.fail(w, r, sess, http.StatusBadRequest, fmt.Sprintf("%q is not an action; one of approve, reject, pin, unpin, revoke. Nothing was changed.", action))
		return
	}
	if id == "" {
		s.fail(w, r, sess, http.StatusBadRequest, "The form named no post. Nothing was changed.")
		return
	}
	now := s.now()
	rep := s.eng.Report(now)
	post, ok := findPost(rep, id)
	if !ok {
		s.fail(w, r, sess, http.StatusNotFound, s.words().T("admin.error.gone", map[string]any{"ID": id}))
		return
	}
	// Revoking takes a post off every screen: asked once, by the page's
	// script, or by this page when there is none.
	if action == "revoke" && r.PostForm.Get("confirm") != "yes" {
		s.confirm(w, r, sess, post, back)
		return
	}
	var until time.Time
	if action == "pin" {
		var problem string
		if until, problem = parseUntil(s.words(), r.PostForm.Get("until"), s.eng.CurrentConfig().Location, now); problem != "" {
			s.fail(w, r, sess, http.StatusBadRequest, problem+" "+s.words().T("admin.error.unchanged"))
			return
		}
	}
	var sites []string
	if action == "pin" || action == "approve" {
		var problem string
		if sites, problem = s.formSites(r); problem != "" {
			s.fail(w, r, sess, http.StatusBadRequest, problem+" Nothing was changed.")
			return
		}
	}
	if status, err := s.apply(r, sess, action, post, until, sites); err != nil {
		s.fail(w, r, sess, status, err.Error())
		return
	}
	after := s.eng.Report(now)
	done, _ := findPost(after, post.ID)
	s.log.Info("admin decision", "action", action, "post", post.ID, "source", post.Source, "sites", sites, "status", done.Status, "user", sess.user, "ip", s.clientIP(r))
	f := outcome(s.words(), action, post, done, until, sites, s.eng.CurrentConfig().Location, s.o.Console != nil, s.reach())
	s.answer(w, r, sess, back, rep, after, []string{post.ID}, f)
}

// apply records one decision, and on the hub its line in the audit log.
// The error is worded for the person; status is the HTTP status that goes
// with it.
func (s *Server) apply(r *http.Request, sess *session, action string, post content.Post, until time.Time, sites []string) (int, error) {
	status, err := s.applyDecision(action, post, until, sites)
	if err != nil || s.o.Console == nil {
		return status, err
	}
	e := moderate.Entry(sess.user, action, post.Post, sites, until)
	e.From = s.clientIP(r)
	if err := s.o.Console.Audit.Record(e); err != nil {
		s.log.Error("decision not in the audit log", "action", action, "post", post.ID, "user", sess.user, "err", err)
		return http.StatusInternalServerError, fmt.Errorf("The decision to %s “%s” is saved and takes effect, but the audit log could not be written: %v", action, clip(post.Text, 60), err)
	}
	return http.StatusOK, nil
}

func (s *Server) applyDecision(action string, post content.Post, until time.Time, sites []string) (int, error) {
	dec := s.eng.Decisions()
	var err error
	switch action {
	case "approve":
		err = dec.Approve(post.ID, post.Link, sites...)
	case "reject":
		err = dec.Reject(post.ID, post.Link)
	case "revoke":
		err = dec.Revoke(post.ID, post.Link)
	case "pin":
		err = dec.Pin(post.ID, post.Link, until, sites...)
	case "unpin":
		d, found := dec.Lookup(post.ID, post.Link)
		if !found || d.Action != moderate.ActionPin {
			l := s.words()
			return http.StatusConflict, errors.New(l.T("admin.error.not_pinned", map[string]any{"Quote": quoted(l, post.Text, 60), "Status": l.T("admin.status." + string(post.Status)), "Reason": post.Reason}))
		}
		// The pin may be recorded under an earlier ID of the same post.
		err = dec.Unpin(d.ID)
	}
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, moderate.ErrNotPinned) {
			status = http.StatusConflict
		}
		s.log.Error("admin decision not saved", "action", action, "post", post.ID, "err", err)
		return status, fmt.Errorf("The decision to %s “%s” could not be saved: %v", action, clip(post.Text, 60), err)
	}
	return http.StatusOK, nil
}

// bulk applies approve or reject to every selected post of the queue.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request, sess *session) {
	action := r.PostForm.Get("action")
	back := safeBack(r.PostForm.Get("back"))
	if action != "approve" && action != "reject" {
		s.fail(w, r, sess, http.StatusBadRequest, fmt.Sprintf("%q is not an action for several posts; approve or reject. Nothing was changed.", action))
		return
	}
	ids := r.PostForm["id"]
	if len(ids) == 0 {
		s.fail(w, r, sess, http.StatusBadRequest, s.words().T("admin.bulk.nothing"))
		return
	}
	if len(ids) > 500 {
		s.fail(w, r, sess, http.StatusBadRequest, "More than 500 posts at once; select fewer. Nothing was changed.")
		return
	}
	now := s.now()
	rep := s.eng.Report(now)
	var done, missing, failed, held []string
	for _, id := range ids {
		post, ok := findPost(rep, id)
		if !ok {
			missing = append(missing, id)
			continue
		}
		if _, err := s.apply(r, sess, action, post, time.Time{}, nil); err != nil {
			failed = append(failed, err.Error())
			continue
		}
		done = append(done, post.ID)
	}
	after := s.eng.Report(now)
	l := s.words()
	for _, id := range done {
		if p, _ := findPost(after, id); action == "approve" && p.Status != moderate.Shown {
			held = append(held, quoted(l, p.Text, 40)+" ("+isolated(l, p.Reason)+")")
		}
	}
	s.log.Info("admin decision", "action", action, "posts", len(done), "user", sess.user, "ip", s.clientIP(r))
	f := flash{Text: plural(l, map[string]string{"approve": "admin.bulk.approved", "reject": "admin.bulk.rejected"}[action], len(done))}
	if action == "approve" && len(done) > len(held) {
		key := "admin.bulk.join"
		if s.o.Console != nil {
			key = "admin.bulk.join_all"
		}
		f.Text += " " + l.T(key, map[string]any{"Reach": s.reach()})
	}
	if len(held) > 0 {
		f.Error = true
		f.Text += " " + l.T("admin.bulk.held", map[string]any{"List": strings.Join(held, "; ")})
	}
	if len(missing) > 0 {
		f.Error = true
		f.Text += " " + plural(l, "admin.bulk.missing", len(missing))
	}
	if len(failed) > 0 {
		f.Error = true
		f.Text += " " + strings.Join(failed, " ")
	}
	s.answer(w, r, sess, back, rep, after, done, f)
}

// reach is when a decision made here is on screen: at the kiosk's next
// slide, or within the hub's bound on every screen.
func (s *Server) reach() string {
	l := s.words()
	if c := s.o.Console; c != nil && c.Bound > 0 {
		return l.T("admin.reach.within", map[string]any{"Wait": wait(l, c.Bound)})
	}
	return l.T("admin.reach.next_slide")
}

// actionResult is what the page's script gets after an action.
type actionResult struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
	Error   bool   `json:"error"`
	// Gone are the cards that leave the page; Cards the new HTML of those
	// that stay, by post ID.
	Gone   []string          `json:"gone"`
	Cards  map[string]string `json:"cards"`
	Counts counts            `json:"counts"`
	// Shown are Counts written the page's way, for the badges.
	Shown countsText `json:"shown"`
}

// wantsJSON reports whether the page's script sent the form.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// answer ends an action: JSON for the script, or a redirect back to where
// the browser was, with the message for the next page.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, sess *session, back string, before, after content.Report, ids []string, f flash) {
	now := s.now()
	path, filt := pageOf(back)
	acted := map[string]bool{}
	for _, id := range ids {
		acted[id] = true
	}
	if !wantsJSON(r) {
		s.sessions.setFlash(sess, f)
		target := back
		if a := anchorAfter(listOf(back, before, now), listOf(back, after, now), acted); a != "" {
			target += "#post-" + a
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	v := s.base(sess, "", "", after, now)
	v.Flash = nil
	res := actionResult{OK: true, Message: f.Text, Error: f.Error, Gone: []string{}, Cards: map[string]string{}, Counts: v.Counts, Shown: v.Shown}
	for _, id := range ids {
		p, ok := findPost(after, id)
		if !ok || !belongs(path, filt, p, now) {
			res.Gone = append(res.Gone, id)
			continue
		}
		pv := s.postView(p, now, v, back)
		pv.Pick = path == "/"
		var b strings.Builder
		if err := s.pages.sets["card"].ExecuteTemplate(&b, "card", pv); err != nil {
			s.log.Error("admin card not rendered", "err", err)
			res.Gone = append(res.Gone, id) // the script reloads the page for it
			continue
		}
		res.Cards[id] = b.String()
	}
	writeJSON(w, res)
}

// confirm asks, on a page of its own, whether to revoke post: what a
// browser without the page's script gets.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request, sess *session, post content.Post, back string) {
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		writeJSONBody(w, actionResult{Message: s.words().T("admin.confirm.needed"), Error: true})
		return
	}
	rep, now := s.report()
	v := s.base(sess, "", s.words().T("admin.confirm.title"), rep, now)
	pv := s.postView(post, now, v, back)
	v.Confirm = &pv
	v.Back = back + "#post-" + post.ID
	s.pages.render(w, s.log, http.StatusOK, "confirm", v)
}

// outcome words what an action did and when the screens follow ("the
// screen" "at the next slide" on a kiosk, "every screen" "within 52
// seconds" on the hub), and warns when policy still keeps the post off
// screen: an approval never beats a blocked word or a revocation.
func outcome(l *locale.Locale, action string, before, after content.Post, until time.Time, sites []string, loc *time.Location, fleet bool, reach string) flash {
	what := quoted(l, before.Text, 60)
	if n := before.Author.Name; n != "" {
		what = l.T("admin.what.by", map[string]any{"Quote": what, "Name": isolated(l, n)})
	}
	if len(sites) > 0 {
		what = l.T("admin.what.for", map[string]any{"What": what, "Sites": list(l, sites)})
	}
	all := map[bool]string{true: "_all"}[fleet]
	data := map[string]any{"What": what, "Reach": reach}
	var text string
	switch action {
	case "approve":
		text = l.T("admin.done.approved", data)
	case "reject":
		text = l.T("admin.done.rejected", data)
	case "revoke":
		text = l.T("admin.done.revoked"+all, data)
	case "unpin":
		text = l.T("admin.done.unpinned", data)
	case "pin":
		if until.IsZero() {
			text = l.T("admin.done.pinned", data)
		} else {
			data["Time"] = stamp(l, until, loc, false)
			text = l.T("admin.done.pinned_until", data)
		}
	}
	if (action == "approve" || action == "pin") && after.Status != moderate.Shown {
		return flash{Text: text + " " + l.T("admin.done.still_held", map[string]any{"Reason": isolated(l, after.Reason)}), Error: true}
	}
	if action == "approve" {
		text += " " + l.T("admin.done.joins"+all, data)
	}
	return flash{Text: text}
}

func findPost(r content.Report, id string) (content.Post, bool) {
	for _, p := range r.Posts {
		if p.ID == id {
			return p, true
		}
	}
	return content.Post{}, false
}

// parseUntil reads the pin form's optional end, in the kiosk's zone (what
// the screen's clock shows). Empty means no end. problem is a sentence for
// the person when the time cannot be used.
func parseUntil(l *locale.Locale, s string, loc *time.Location, now time.Time) (t time.Time, problem string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, ""
	}
	var err error
	for _, layout := range []string{untilLayout, untilLayout + ":05", time.RFC3339} {
		if t, err = time.ParseInLocation(layout, s, loc); err == nil {
			break
		}
	}
	if err != nil {
		return time.Time{}, l.T("admin.pin.bad_time", map[string]any{"Value": strconv.Quote(s), "Example": now.Add(24 * time.Hour).In(loc).Format(untilLayout), "Zone": loc.String()})
	}
	if !t.After(now) {
		return time.Time{}, l.T("admin.pin.past", map[string]any{"Time": stamp(l, t, loc, false), "Now": stamp(l, now, loc, false)})
	}
	return t, ""
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}
