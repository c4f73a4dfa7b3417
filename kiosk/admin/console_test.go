package admin

import (
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"lobbykiosk/feeds/moderate"
)

const (
	adaPassword   = "analytical engine notes"
	gracePassword = "nanosecond wire lengths"
	fleetToken    = "fleet-token-0123456789abcdef"
)

// console is the admin page as the fleet hub's moderation console: the
// fixture's config with [hub], two moderators in the moderators file, the
// sites Lyon and Berlin, the team-journal source for Lyon only.
type console struct {
	*fixture
	audit *moderate.Audit
}

func newConsole(t *testing.T) *console {
	t.Helper()
	return newConsoleIn(t, "en")
}

// newConsoleIn is newConsole with the hub's language set to lang.
func newConsoleIn(t *testing.T, lang string) *console {
	t.Helper()
	c := &console{}
	hubConfig := "\n[hub]\nlisten = \"127.0.0.1:0\"\ntokens = [\"" + fleetToken + "\"]\nurl = \"https://hub.example.com/\"\n"
	c.fixture = newFixtureIn(t, lang, hubConfig, func(o *Options) {
		for name, pw := range map[string]string{"Ada Lovelace": adaPassword, "Grace": gracePassword} {
			h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := SetModerator(o.Config.Hub.ModeratorsFile, name, string(h)); err != nil {
				t.Fatal(err)
			}
		}
		c.audit = moderate.OpenAudit(o.Engine.Store)
		o.Console = &Console{
			Sites: func() []string { return []string{"Lyon", "Berlin", "Lyon"} },
			Audit: c.audit,
			Token: func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+fleetToken },
			Bound: 44 * time.Second,
		}
	})
	cfg := *c.cfg
	cfg.Sources = slices.Clone(cfg.Sources)
	cfg.Sources[0].Sites = []string{"Lyon"}
	c.eng.Reconfigure(&cfg)
	return c
}

// signInAs fills in the console's sign-in form.
func (b *browser) signInAs(name, password string) response {
	b.t.Helper()
	tok := b.csrf("/signin")
	return b.do(http.MethodPost, "/signin", url.Values{"csrf": {tok}, "name": {name}, "password": {password}, "next": {"/"}})
}

// Moderators sign in by name with their own password; a wrong name takes
// the same answer as a wrong password; the admin password is "admin".
func TestConsoleSignIn(t *testing.T) {
	c := newConsole(t)
	b := c.browser("192.0.2.50")
	form := b.get("/signin")
	for _, want := range []string{`id="name"`, "Moderation console of the fleet"} {
		if !strings.Contains(form.body, want) {
			t.Errorf("the sign-in form lacks %s", want)
		}
	}
	if r := b.signInAs("Nobody", adaPassword); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.text, "Wrong name or password.") {
		t.Errorf("an unknown name: %d", r.StatusCode)
	}
	if r := b.signInAs("Grace", adaPassword); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.text, "Wrong name or password.") {
		t.Errorf("another moderator's password: %d", r.StatusCode)
	}
	if r := b.signInAs("ada lovelace", adaPassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as ada lovelace: %d %s", r.StatusCode, r.text)
	}
	page := b.get("/")
	for _, want := range []string{"Fleet moderation console", `Signed in as <strong data-user>Ada Lovelace</strong>`, `href="/fleet"`, `href="/audit"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the console lacks %s", want)
		}
	}
	if strings.Contains(page.body, `href="/screen"`) {
		t.Error("the hub's console links to a screen it does not have")
	}
	adm := c.browser("192.0.2.51")
	if r := adm.signInAs("admin", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the admin password as admin: %d", r.StatusCode)
	}

	// Grace is taken off the file: her session ends at her next click.
	g := c.browser("192.0.2.52")
	if r := g.signInAs("Grace", gracePassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as Grace: %d", r.StatusCode)
	}
	if removed, err := RemoveModerator(c.cfg.Hub.ModeratorsFile, "grace"); !removed || err != nil {
		t.Fatalf("remove Grace: %v %v", removed, err)
	}
	c.clock.Add(2 * time.Second) // the file is looked at again at most once a second
	if r := g.get("/"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/signin") {
		t.Errorf("a removed moderator's page: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := b.get("/"); r.StatusCode != http.StatusOK {
		t.Errorf("Ada's session after Grace's removal: %d", r.StatusCode)
	}
}

// A decision on the console names its moderator, its sites and its pin's end
// in the audit log, which the Audit page shows newest first; the forms offer
// the fleet's sites; an unknown site changes nothing.
func TestConsoleDecisionsAreAudited(t *testing.T) {
	c := newConsole(t)
	b := c.browser("192.0.2.60")
	if r := b.signInAs("Ada Lovelace", adaPassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", r.StatusCode)
	}
	lyon, noor, proud := c.post("Lyon"), c.post("Noor"), c.post("Proud")
	queue := b.get("/")
	for _, want := range []string{`<input type="checkbox" name="site" value="Berlin">Berlin</label>`, `<input type="checkbox" name="site" value="Lyon">Lyon</label>`,
		"What is approved here is on every screen within 44 seconds."} {
		if !strings.Contains(queue.body, want) {
			t.Errorf("the queue lacks %s", want)
		}
	}
	if n := strings.Count(queue.body, `value="Lyon">Lyon</label>`); n != 3 {
		t.Errorf("Lyon is offered %d times, want once per waiting post (3)", n)
	}

	if r := b.act("/", lyon.ID, "approve", "site", "Paris"); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.text, `"Paris" is not a site of this fleet (Berlin, Lyon)`) {
		t.Errorf("approve for an unknown site: %d %s", r.StatusCode, r.text)
	}
	if len(c.decisions()) != 0 {
		t.Fatalf("a refused form left decisions: %+v", c.decisions())
	}
	form := url.Values{"csrf": {b.csrf("/")}, "id": {noor.ID}, "action": {"pin"}, "back": {"/"}, "site": {"Berlin"}, "until": {"2026-11-25T18:00"}}
	if r := b.do(http.MethodPost, "/post", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pin for Berlin: %d %s", r.StatusCode, r.text)
	}
	if flash := b.get("/shown").text; !strings.Contains(flash, "for Berlin until Wed 25 Nov, 18:00 CET: it comes first in the rotation.") {
		t.Errorf("the pin's message: %s", flash)
	}
	d, _ := c.eng.Decisions().Lookup(noor.ID, noor.Link)
	if d.Action != moderate.ActionPin || !slices.Equal(d.Sites, []string{"Berlin"}) {
		t.Errorf("the pin recorded: %+v", d)
	}
	shown := b.get("/shown")
	if !strings.Contains(shown.text, "For Berlin only; pinned at Berlin") {
		t.Errorf("the Shown page does not say where the pinned post goes")
	}
	bulk := url.Values{"csrf": {b.csrf("/")}, "id": {lyon.ID, proud.ID}, "action": {"approve"}, "back": {"/"}}
	if r := b.do(http.MethodPost, "/posts", bulk); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk approve: %d", r.StatusCode)
	}
	if r := b.act("/shown", lyon.ID, "revoke", "confirm", "yes"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	// A form without its token changes nothing and logs nothing.
	if r := b.do(http.MethodPost, "/post", url.Values{"id": {proud.ID}, "action": {"reject"}, "back": {"/"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a form without its CSRF token: %d", r.StatusCode)
	}

	entries, bad, err := c.audit.Recent(10)
	if err != nil || bad != 0 {
		t.Fatal(err, bad)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Actor+" "+e.Action+" "+e.ID+" "+strings.Join(e.Sites, ",")+" "+e.From)
	}
	want := []string{
		"Ada Lovelace revoke " + lyon.ID + "  192.0.2.60",
		"Ada Lovelace approve " + proud.ID + "  192.0.2.60",
		"Ada Lovelace approve " + lyon.ID + "  192.0.2.60",
		"Ada Lovelace pin " + noor.ID + " Berlin 192.0.2.60",
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit log:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if e := entries[3]; e.Until.IsZero() || e.Author != "Grace Hopper" || !strings.Contains(e.Text, "Noor") {
		t.Errorf("the pin's audit entry: %+v", e)
	}

	page := b.get("/audit")
	for _, want := range []string{"Audit log", "pinned for Berlin until Wed 25 Nov, 18:00 CET", "revoked", "Ada Lovelace", "192.0.2.60", `href="/audit.jsonl"`} {
		if !strings.Contains(page.text, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
	if i, j := strings.Index(page.body, `class="act-revoke"`), strings.Index(page.body, `class="act-pin"`); i < 0 || j < 0 || i > j {
		t.Error("the audit page does not list the newest first")
	}
	if r := b.get("/audit.jsonl"); r.StatusCode != http.StatusOK || strings.Count(r.body, "\n") != 4 {
		t.Errorf("the whole log: %d, %d lines", r.StatusCode, strings.Count(r.body, "\n"))
	}
	if r := c.browser("192.0.2.61").get("/audit.jsonl"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("the audit log without a session: %d", r.StatusCode)
	}
	// Another process (a restarted hub) reads the same log.
	if again, _, _ := moderate.OpenAudit(c.eng.Store).Recent(10); len(again) != 4 {
		t.Errorf("the log after a reopen holds %d entries", len(again))
	}
}

// The queue's site filter: posts of a source for some sites, and those for
// every site.
func TestConsoleSiteFilter(t *testing.T) {
	c := newConsole(t)
	b := c.browser("192.0.2.70")
	if r := b.signInAs("Grace", gracePassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", r.StatusCode)
	}
	all := b.get("/")
	if !strings.Contains(all.body, `<option value="Lyon">Lyon (3)</option>`) {
		t.Errorf("the site filter lacks Lyon (3):\n%s", all.body)
	}
	if r := b.get("/?site=Lyon"); !strings.Contains(r.body, `<span id="showing">3</span> of 3 waiting, filtered.`) {
		t.Error("the Lyon filter does not list Lyon's posts")
	}
	if r := b.get("/?site=Berlin"); !strings.Contains(r.text, "No waiting post matches this filter.") {
		t.Error("the Berlin filter lists posts of a source for Lyon")
	}
	if r := b.get("/?site=*"); !strings.Contains(r.text, "No waiting post matches this filter.") {
		t.Error("the every-site filter lists posts of a source for Lyon")
	}
}

// A kiosk asking the hub with its token passes the Host check whatever name
// it knows the hub by; a browser on a name the hub does not answer to does
// not. The page's script needs a session like everything else.
func TestConsoleHostCheckAndToken(t *testing.T) {
	c := newConsole(t)
	c.srv.Mount("GET /content/posts.json", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) }))
	b := c.browser("192.0.2.80")
	b.host = "rebind.attacker.example"
	if r := b.get("/content/posts.json"); r.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("a browser on a foreign name: %d", r.StatusCode)
	}
	b.header.Set("Authorization", "Bearer "+fleetToken)
	if r := b.get("/content/posts.json"); r.StatusCode != http.StatusOK {
		t.Errorf("a kiosk with its token on another name: %d", r.StatusCode)
	}
	named := c.browser("192.0.2.81")
	named.host = "hub.example.com"
	if r := named.get("/signin"); r.StatusCode != http.StatusOK {
		t.Errorf("a browser on [hub] url's name: %d", r.StatusCode)
	}
	if r := named.get("/admin.js"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("the page's script without a session: %d", r.StatusCode)
	}
}

// The moderators file: names checked, a name changed in any case, one
// removed, a broken line named.
func TestModeratorsFile(t *testing.T) {
	path := t.TempDir() + "/moderators"
	h, _ := bcrypt.GenerateFromPassword([]byte("x"), bcrypt.MinCost)
	for _, bad := range []string{"", " ada", "a:b", "admin", "Admin", strings.Repeat("x", 41), "tab\there"} {
		if _, err := SetModerator(path, bad, string(h)); err == nil {
			t.Errorf("moderator name %q accepted", bad)
		}
	}
	if added, err := SetModerator(path, "Zoë Müller", string(h)); !added || err != nil {
		t.Fatal(added, err)
	}
	if added, err := SetModerator(path, "zoë müller", string(h)); added || err != nil {
		t.Errorf("the same name in other case: added %v, %v", added, err)
	}
	if _, err := SetModerator(path, "Bo", string(h)); err != nil {
		t.Fatal(err)
	}
	if names, err := ModeratorNames(path); err != nil || !slices.Equal(names, []string{"Bo", "Zoë Müller"}) {
		t.Errorf("names %q %v", names, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the moderators file's mode: %v", fi.Mode())
	}
	if removed, err := RemoveModerator(path, "nobody"); removed || err != nil {
		t.Errorf("removing nobody: %v %v", removed, err)
	}
	if err := os.WriteFile(path, []byte("# moderators\nBo:"+string(h)+"\nbroken line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ModeratorNames(path); err == nil || !strings.Contains(err.Error(), path+":3: not name:hash") {
		t.Errorf("a broken line: %v", err)
	}
}

// A hub started before anyone was made a moderator: its console says how
// to add one, and the first one added signs in without a restart.
func TestConsoleWithoutModeratorsYet(t *testing.T) {
	hubConfig := "\n[hub]\nlisten = \"127.0.0.1:0\"\ntokens = [\"" + fleetToken + "\"]\n"
	f := newFixtureWith(t, hubConfig, func(o *Options) {
		if err := os.Remove(o.Config.Admin.PasswordFile); err != nil {
			t.Fatal(err)
		}
		o.Console = &Console{Audit: moderate.OpenAudit(o.Engine.Store)}
	})
	if f.srv.CanSignIn() {
		t.Fatal("CanSignIn with no moderator and no admin password")
	}
	b := f.browser("192.0.2.90")
	if r := b.get("/signin"); !strings.Contains(r.text, "No moderator can sign in yet: add one on the hub with `sudo lobbykiosk admin set-password --moderator NAME") {
		t.Errorf("the sign-in page of a console without moderators:\n%s", r.text)
	}
	if r := b.signInAs("admin", testPassword); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("the removed admin password: %d", r.StatusCode)
	}
	h, _ := bcrypt.GenerateFromPassword([]byte(adaPassword), bcrypt.MinCost)
	if _, err := SetModerator(f.cfg.Hub.ModeratorsFile, "Ada", string(h)); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(2 * time.Second)
	if r := b.signInAs("Ada", adaPassword); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the first moderator, added while the hub runs: %d %s", r.StatusCode, r.text)
	}
}
