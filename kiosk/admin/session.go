package admin

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"lobbykiosk/kiosk/locale"
)

// SessionTTL is how long a sign-in lasts: a working day, so the manager signs
// in once in the morning and a phone left signed in expires overnight.
const SessionTTL = 12 * time.Hour

const (
	sessionCookie = "lobbykiosk_session"
	// signinCookie carries the sign-in form's CSRF token before there is a
	// session (a double-submit token), so another site cannot sign a
	// browser in to this page under the attacker's password.
	signinCookie = "lobbykiosk_signin"
	// maxSessions bounds memory; the oldest sessions go first.
	maxSessions = 64
	// maxForm is the largest form body accepted: the forms hold a few short
	// fields.
	maxForm = 16 << 10
)

// session is one signed-in browser.
type session struct {
	key     string // sha256 of the cookie token: the raw token is never kept
	user    string // the account signed in: "admin", or a moderator's name
	csrf    string
	created time.Time
	expires time.Time
	flash   *flash
}

// flash is a one-time message shown on the next page after an action.
type flash struct {
	Text  string
	Error bool
}

type sessions struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]*session
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{ttl: ttl, m: map[string]*session{}}
}

// token returns n random bytes, URL-safe base64.
func token(n int) string {
	b := make([]byte, n)
	// crypto/rand.Read never fails (it panics if the system cannot supply
	// randomness, which is right: no session without it).
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func keyOf(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// create starts a session for user and returns its cookie token.
func (ss *sessions) create(user string, now time.Time) (string, *session) {
	tok := token(32)
	s := &session{key: keyOf(tok), user: user, csrf: token(32), created: now, expires: now.Add(ss.ttl)}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, v := range ss.m {
		if !now.Before(v.expires) {
			delete(ss.m, k)
		}
	}
	if len(ss.m) >= maxSessions {
		all := make([]*session, 0, len(ss.m))
		for _, v := range ss.m {
			all = append(all, v)
		}
		sort.Slice(all, func(i, j int) bool { return all[i].created.Before(all[j].created) })
		for _, v := range all[:len(all)-maxSessions+1] {
			delete(ss.m, v.key)
		}
	}
	ss.m[s.key] = s
	return tok, s
}

// get returns the live session for a cookie token, or nil.
func (ss *sessions) get(tok string, now time.Time) *session {
	if tok == "" {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[keyOf(tok)]
	if s == nil {
		return nil
	}
	if !now.Before(s.expires) {
		delete(ss.m, s.key)
		return nil
	}
	return s
}

func (ss *sessions) delete(s *session) {
	ss.mu.Lock()
	delete(ss.m, s.key)
	ss.mu.Unlock()
}

func (ss *sessions) setFlash(s *session, f flash) {
	ss.mu.Lock()
	s.flash = &f
	ss.mu.Unlock()
}

func (ss *sessions) popFlash(s *session) *flash {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	f := s.flash
	s.flash = nil
	return f
}

// csrfOK compares a form's token with the session's in constant time.
func csrfOK(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// session is r's live session, or nil. A moderator taken off the
// moderators file is signed out at the next request.
func (s *Server) session(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	now := s.now()
	sess := s.sessions.get(c.Value, now)
	if sess != nil && !s.accounts.has(sess.user, now) {
		s.sessions.delete(sess)
		return nil
	}
	return sess
}

// page wraps a signed-in page: without a session, the browser goes to the
// sign-in page and comes back after.
func (s *Server) page(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := s.session(r)
		if sess == nil {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r, sess)
	})
}

// api wraps a signed-in resource (JSON, pictures): without a session, 401.
func (s *Server) api(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := s.session(r)
		if sess == nil {
			http.Error(w, "Sign in first: this needs a session from /signin.", http.StatusUnauthorized)
			return
		}
		h(w, r, sess)
	})
}

// action wraps a signed-in form post: without a session 401, without the
// session's CSRF token 403, and in both cases nothing changes.
func (s *Server) action(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := s.session(r)
		if sess == nil {
			http.Error(w, "Sign in first: your session has ended or this browser never signed in. Nothing was changed.", http.StatusUnauthorized)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, sess, http.StatusBadRequest, "The form could not be read ("+err.Error()+"). Nothing was changed.")
			return
		}
		if !csrfOK(sess.csrf, r.PostForm.Get("csrf")) {
			s.log.Warn("admin form refused: missing or wrong CSRF token", "ip", s.clientIP(r), "path", r.URL.Path)
			s.fail(w, r, sess, http.StatusForbidden, s.words().T("admin.error.stale"))
			return
		}
		h(w, r, sess)
	})
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

type signinData struct {
	Kiosk   string
	CSRF    string
	Next    string
	Message string
	Error   bool
	// Console: the fleet hub's moderation console; Named: it asks for a
	// moderator's name (Name keeps what was typed).
	Console, Named bool
	Name           string
	// L is the page's language.
	L *locale.Locale
}

func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	if s.session(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	d := signinData{Next: safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Get("out") != "" {
		d.Message = s.words().T("admin.signin.signed_out")
	}
	if s.o.Console != nil && !s.CanSignIn() {
		d.Message, d.Error = s.words().T("admin.signin.no_moderator", map[string]any{"Command": "`sudo lobbykiosk admin set-password --moderator NAME --config " + s.cfg.Path + "`"}), true
	}
	s.renderSignin(w, r, http.StatusOK, d)
}

// renderSignin shows the sign-in form with a fresh pre-session token.
func (s *Server) renderSignin(w http.ResponseWriter, r *http.Request, status int, d signinData) {
	d.Kiosk = s.eng.CurrentConfig().Name
	d.L = s.words()
	d.Console = s.o.Console != nil
	d.Named = d.Console && s.accounts.named(s.now())
	// Keep the browser's token when it has one, so two open sign-in tabs
	// both work.
	if c, err := r.Cookie(signinCookie); err == nil && len(c.Value) == base64.RawURLEncoding.EncodedLen(32) {
		d.CSRF = c.Value
	} else {
		d.CSRF = token(32)
	}
	http.SetCookie(w, s.cookie(r, signinCookie, d.CSRF, 3600))
	w.Header().Set("Cache-Control", "no-store")
	s.pages.render(w, s.log, status, "signin", d)
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	ip := s.clientIP(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.renderSignin(w, r, http.StatusBadRequest, signinData{Message: s.words().T("admin.signin.unreadable"), Error: true})
		return
	}
	d := signinData{Next: safeNext(r.PostForm.Get("next")), Error: true, Name: clip(r.PostForm.Get("name"), maxModeratorName)}
	pre, err := r.Cookie(signinCookie)
	if err != nil || !csrfOK(pre.Value, r.PostForm.Get("csrf")) {
		s.log.Warn("admin sign-in refused: form without its token", "ip", ip)
		d.Message = s.words().T("admin.signin.expired")
		s.renderSignin(w, r, http.StatusForbidden, d)
		return
	}
	// The attempt is reserved before the password is compared: a locked
	// address is refused without a comparison, and parallel guesses from
	// one address wait for each other, so a race gains nothing.
	at, no := s.limit.begin(r.Context(), ip, s.now)
	if no != nil {
		switch {
		case no.busy:
			w.Header().Set("Retry-After", "10")
			d.Message = s.words().T("admin.signin.busy")
		default:
			if no.first {
				s.log.Warn("admin sign-in refused: too many wrong passwords", "ip", ip, "retry_after", no.wait.String())
			}
			w.Header().Set("Retry-After", strconv.Itoa(seconds(no.wait)))
			d.Message = s.words().T("admin.signin.locked", map[string]any{"Wait": wait(s.words(), no.wait)})
		}
		s.renderSignin(w, r, http.StatusTooManyRequests, d)
		return
	}
	name := "" // a kiosk has the admin password only
	if s.o.Console != nil {
		name = r.PostForm.Get("name")
	}
	user, hash, known, problem := s.accounts.lookup(name, s.now())
	if problem != "" {
		s.log.Error("moderators file unreadable; the moderators read before still sign in", "err", problem)
	}
	if !known {
		// Compared all the same: a name that is no account takes as
		// long as a wrong password.
		hash = decoy()
	}
	ok := bcrypt.CompareHashAndPassword(hash, []byte(r.PostForm.Get("password"))) == nil && known
	failures, lock := at.done(ok, s.now())
	if !ok {
		s.log.Warn("admin sign-in failed: wrong name or password", "ip", ip, "name", d.Name, "failures", failures, "locked_for", lock.String())
		d.Message = s.words().T("admin.signin.wrong_password")
		if s.o.Console != nil && s.accounts.named(s.now()) {
			d.Message = s.words().T("admin.signin.wrong_name")
		}
		if lock > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(seconds(lock)))
			d.Message += " " + s.words().T("admin.signin.locked", map[string]any{"Wait": wait(s.words(), lock)})
		}
		s.renderSignin(w, r, http.StatusUnauthorized, d)
		return
	}
	tok, _ := s.sessions.create(user, s.now())
	http.SetCookie(w, s.cookie(r, sessionCookie, tok, int(SessionTTL/time.Second)))
	http.SetCookie(w, s.cookie(r, signinCookie, "", -1))
	s.log.Info("admin signed in", "ip", ip, "user", user)
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request, sess *session) {
	s.sessions.delete(sess)
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	s.log.Info("admin signed out", "ip", s.clientIP(r), "user", sess.user)
	http.Redirect(w, r, "/signin?out=1", http.StatusSeeOther)
}

// seconds rounds up, so a client that waits Retry-After is never early.
func seconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}
