package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/content"
)

// untilLayout is what a datetime-local input sends, in the kiosk's zone.
const untilLayout = "2006-01-02T15:04"

// decide applies one editor's action to one post, through the same decision
// store and with the same rules as `lobbykiosk moderate`, then sends the
// browser back with a message saying what the screen will do now.
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
	post, ok := findPost(s.eng.Report(now), id)
	if !ok {
		s.fail(w, r, sess, http.StatusNotFound, fmt.Sprintf("There is no post with ID %s among this kiosk's posts: it may have left its feed since the page was loaded. Nothing was changed; reload the page.", id))
		return
	}
	dec := s.eng.Decisions()
	var err error
	var until time.Time
	switch action {
	case "approve":
		err = dec.Approve(post.ID, post.Link)
	case "reject":
		err = dec.Reject(post.ID, post.Link)
	case "revoke":
		err = dec.Revoke(post.ID, post.Link)
	case "pin":
		var problem string
		if until, problem = parseUntil(r.PostForm.Get("until"), s.eng.CurrentConfig().Location, now); problem != "" {
			s.fail(w, r, sess, http.StatusBadRequest, problem+" Nothing was changed.")
			return
		}
		err = dec.Pin(post.ID, post.Link, until)
	case "unpin":
		d, found := dec.Lookup(post.ID, post.Link)
		if !found || d.Action != moderate.ActionPin {
			s.fail(w, r, sess, http.StatusConflict, fmt.Sprintf("“%s” is not pinned (it is %s: %s). Nothing was changed.", clip(post.Text, 60), post.Status, post.Reason))
			return
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
		s.fail(w, r, sess, status, fmt.Sprintf("The decision to %s “%s” could not be saved: %v", action, clip(post.Text, 60), err))
		return
	}
	after, _ := findPost(s.eng.Report(now), post.ID)
	s.log.Info("admin decision", "action", action, "post", post.ID, "source", post.Source, "status", after.Status, "ip", clientIP(r))
	s.sessions.setFlash(sess, outcome(action, post, after, until, s.eng.CurrentConfig().Location))
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// outcome words what an action did, and warns when policy still keeps the
// post off screen: an approval never beats a blocked word or a revocation.
func outcome(action string, before, after content.Post, until time.Time, loc *time.Location) flash {
	what := "“" + clip(before.Text, 60) + "”"
	if n := before.Author.Name; n != "" {
		what += " by " + n
	}
	var text string
	switch action {
	case "approve":
		text = "Approved " + what + "."
	case "reject":
		text = "Rejected " + what + ": it stays off screen."
	case "revoke":
		text = "Revoked " + what + ": it leaves the screen at the next slide."
	case "unpin":
		text = "Unpinned " + what + ": it stays in the rotation, no longer first."
	case "pin":
		text = "Pinned " + what
		if !until.IsZero() {
			text += " until " + until.In(loc).Format("Mon 2 Jan, 15:04 MST")
		}
		text += ": it comes first in the rotation."
	}
	if (action == "approve" || action == "pin") && after.Status != moderate.Shown {
		return flash{Text: text + " It is still not shown: " + after.Reason + " (the policy wins over an approval).", Error: true}
	}
	if action == "approve" {
		text += " It joins the rotation at the next slide."
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
func parseUntil(s string, loc *time.Location, now time.Time) (t time.Time, problem string) {
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
		return time.Time{}, fmt.Sprintf("Pin until %q is not a date and time; use the form's picker (%s, kiosk time, %s).", s, now.Add(24*time.Hour).In(loc).Format(untilLayout), loc)
	}
	if !t.After(now) {
		return time.Time{}, fmt.Sprintf("Pin until %s is in the past (it is now %s, kiosk time).", t.In(loc).Format("Mon 2 Jan, 15:04 MST"), now.In(loc).Format("Mon 2 Jan, 15:04 MST"))
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
