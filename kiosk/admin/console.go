package admin

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/locale"
)

// The fleet hub's moderation console is this page with Options.Console set:
// the same queue, sign-in, CSRF tokens and limits, with sites to approve
// and pin for, moderators by name, and the audit log.

// auditShown is how many audit entries the page lists, newest first.
const auditShown = 300

// sites lists the fleet's sites, sorted; none on a kiosk.
func (s *Server) sites() []string {
	if s.o.Console == nil || s.o.Console.Sites == nil {
		return nil
	}
	var out []string
	for _, x := range s.o.Console.Sites() {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// formSites reads the sites an approval or pin is for (the form's "site"
// boxes; none ticked: every site). problem is a sentence for the person
// when one is not a site of the fleet.
func (s *Server) formSites(r *http.Request) (sites []string, problem string) {
	raw := r.PostForm["site"]
	if len(raw) == 0 {
		return nil, ""
	}
	if s.o.Console == nil {
		return nil, "This kiosk is one site; its decisions are for its own screen."
	}
	known := s.sites()
	for _, x := range raw {
		x = strings.TrimSpace(x)
		if x == "" || slices.Contains(sites, x) {
			continue
		}
		if !slices.Contains(known, x) {
			l := s.words()
			return nil, l.T("admin.error.unknown_site", map[string]any{"Site": strconv.Quote(clip(x, 40)), "Sites": list(l, known)})
		}
		sites = append(sites, x)
	}
	return sites, ""
}

// sitesText words where a post goes, for its card on the hub.
func sitesText(l *locale.Locale, sites, pinned []string, isPinned bool) string {
	var parts []string
	if len(sites) > 0 {
		parts = append(parts, l.T("admin.sites.only", map[string]any{"Sites": list(l, sites)}))
	}
	if isPinned && len(pinned) > 0 {
		parts = append(parts, l.T("admin.sites.pinned_at", map[string]any{"Sites": list(l, pinned)}))
	}
	return strings.Join(parts, "; ")
}

// auditView is one line of the audit page.
type auditView struct {
	moderate.AuditEntry
	When, WhenISO, What string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, sess *session) {
	rep, now := s.report()
	v := s.base(sess, "audit", s.words().T("admin.audit.title"), rep, now)
	entries, bad, err := s.o.Console.Audit.Recent(auditShown)
	if err != nil {
		v.Error = err.Error()
	}
	v.AuditUnreadable = bad
	loc, l := s.eng.CurrentConfig().Location, v.L
	for _, e := range entries {
		what := e.Action
		switch e.Action {
		case "approve", "reject", "pin", "unpin", "revoke":
			what = l.T("admin.audit." + e.Action)
		}
		if len(e.Sites) > 0 {
			what = l.T("admin.audit.for", map[string]any{"What": what, "Sites": list(l, e.Sites)})
		}
		if !e.Until.IsZero() {
			what = l.T("admin.audit.until", map[string]any{"What": what, "Time": stamp(l, e.Until, loc, false)})
		}
		at := e.At.In(loc)
		v.Audit = append(v.Audit, auditView{AuditEntry: e, What: what,
			When: l.Date(at, true) + ", " + clockTime(l, at, loc), WhenISO: e.At.Format(time.RFC3339)})
	}
	v.AuditIntro = l.T("admin.audit.intro", map[string]any{"N": count(l, len(entries))})
	if bad > 0 {
		v.AuditUnreadableText = plural(l, "admin.audit.unreadable", bad)
	}
	s.pages.render(w, s.log, http.StatusOK, "audit", v)
}

// auditFile serves the whole log, for the people who keep the policy.
func (s *Server) auditFile(w http.ResponseWriter, r *http.Request, sess *session) {
	f, err := os.Open(s.o.Console.Audit.Path())
	if errors.Is(err, fs.ErrNotExist) {
		w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
		return // nothing decided yet: an empty log
	}
	if err != nil {
		http.Error(w, "The audit log cannot be read: "+err.Error(), http.StatusInternalServerError)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		http.Error(w, "The audit log cannot be read: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="lobbykiosk-audit.jsonl"`)
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", fi.ModTime(), f)
}
