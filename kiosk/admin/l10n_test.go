package admin

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"lobbykiosk/kiosk/locale"
)

// englishLabels are words of the English page a translated page must not
// show: its buttons, navigation, headings and hints.
var englishLabels = []string{
	">Approve<", ">Reject<", ">Pin<", ">Unpin<", ">Revoke<", ">Sign out<", ">Sign in<",
	"Queue <", "Waiting for approval", "Tick posts to act on several", "All sources", "All authors",
	"Any age", ">Source<", ">Author<", ">Age<", "On screen<", ">Sources<", "Hidden <", "Shown <",
	"Lobby screen admin", "Password", "Pin until", "Revoke this post", "Screen on", "Screen off",
	"min ago", "h ago", "days ago", "Last success", "Last try", "Failures in a row", "Next try",
	"just now", "never", "Open the original", "waiting.", "Approve the selected", "Select every post",
}

// noEnglish fails when a page (its text, labels and tooltips) still has
// one of the English labels.
func noEnglish(t *testing.T, page string, r response) {
	t.Helper()
	for _, w := range englishLabels {
		if strings.Contains(r.text, w) {
			t.Errorf("%s still says %q in English", page, w)
		}
	}
}

func TestAdminPageInGerman(t *testing.T) {
	f := newFixtureIn(t, "de", "")
	b := f.browser("192.0.2.60")
	in := b.get("/signin")
	for _, want := range []string{`<html lang="de" dir="ltr">`, "Verwaltungsseite des Empfangsbildschirms.", ">Passwort<", ">Anmelden<", "<title>Anmelden · Lobby Lyon</title>"} {
		if !strings.Contains(in.text, want) {
			t.Errorf("German sign-in page lacks %q", want)
		}
	}
	noEnglish(t, "/signin", in)
	if r := b.signIn("wrong"); !strings.Contains(r.text, "Falsches Passwort.") {
		t.Errorf("a wrong password in German: %d\n%s", r.StatusCode, r.text)
	}
	b.mustSignIn()

	q := b.get("/")
	for _, want := range []string{
		`<html lang="de" dir="ltr">`, "<h1>Warten auf Freigabe</h1>", ">Abmelden<",
		`Warteschlange <span class="badge" data-count="pending">3</span>`, ">Angezeigt <", ">Quellen <", ">Auf dem Bildschirm<",
		">Freigeben<", ">Ablehnen<", "Beiträge ankreuzen, um mehrere zu bearbeiten", ">Quelle<select", "Alle Quellen (3)", "Alle Autoren",
		"Letzte 7 Tage (3)", `<span id="showing">3</span> von 3 wartenden.`, "vor 3 Std.", "1 mit Fehler",
		// The tooltip: the date in German, with its zone.
		`title="Sa., 21. Nov. 2026, 10:00 CET"`,
		// What the page's script says comes with the page.
		`data-pick-none="Beiträge ankreuzen, um mehrere zu bearbeiten"`, `data-pick-count="{n} ausgewählt"`,
		`data-no-answer="Der Kiosk hat nicht geantwortet; nichts wurde geändert. Bitte erneut versuchen."`,
	} {
		if !strings.Contains(q.text, want) {
			t.Errorf("German queue lacks %q", want)
		}
	}
	noEnglish(t, "/", q)

	lyon := f.post("Lyon")
	if r := b.act("/", lyon.ID, "approve"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	shown := b.get("/shown")
	for _, want := range []string{
		"<h1>In der Rotation des Bildschirms</h1>", "„Lyon is open", "freigegeben. Er kommt mit der nächsten Folie in die Rotation.",
		">angezeigt<", "Anheften bis", "(optional, Kiosk-Zeit, Europe/Paris; leer: ohne Ende)", ">Anheften<", ">Zurückziehen<",
		`data-confirm="Diesen Beitrag zurückziehen? Er verschwindet mit der nächsten Folie vom Bildschirm und bleibt weg."`,
	} {
		if !strings.Contains(shown.text, want) {
			t.Errorf("German /shown lacks %q", want)
		}
	}
	noEnglish(t, "/shown", shown)

	// Without the page's script, revoking asks on a page of its own.
	ask := b.act("/shown", lyon.ID, "revoke")
	for _, want := range []string{"<h1>Diesen Beitrag zurückziehen?</h1>", "verschwindet mit der nächsten Folie vom Bildschirm und bleibt weg, bis jemand ihn wieder anzeigt.", ">Behalten<"} {
		if !strings.Contains(ask.text, want) {
			t.Errorf("German revoke confirmation lacks %q", want)
		}
	}
	noEnglish(t, "confirmation", ask)

	src := b.get("/sources")
	for _, want := range []string{"<h1>Quellen</h1>", "Zuletzt erfolgreich", "Fehler in Folge", "Nächster Versuch", `<span class="pill bad">Fehler</span>`} {
		if !strings.Contains(src.text, want) {
			t.Errorf("German /sources lacks %q", want)
		}
	}
	// Dates the German way, with the kiosk's zone: "So., 6. Dez., 05:19 CET (…)"
	// (the fetch ran on the machine's clock, not the test's).
	if !regexp.MustCompile(`<dt>Letzter Versuch</dt><dd>(So|Mo|Di|Mi|Do|Fr|Sa)\., \d+\. (Jan\.|Feb\.|März|Apr\.|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|Nov\.|Dez\.), \d\d:\d\d CES?T \(.+\)</dd>`).MatchString(src.text) {
		t.Errorf("German /sources writes its last try otherwise:\n%s", src.text)
	}
	// A feed's error is the system's text, kept as it is.
	if !strings.Contains(src.text, "connection refused") {
		t.Error("the feed's own error text was lost")
	}
	noEnglish(t, "/sources", src)
	noEnglish(t, "/hidden", b.get("/hidden"))
	noEnglish(t, "/screen", b.get("/screen"))
}

func TestAdminPageInArabic(t *testing.T) {
	f := newFixtureIn(t, "ar", "")
	b := f.browser("192.0.2.61")
	in := b.get("/signin")
	for _, want := range []string{`<html lang="ar" dir="rtl">`, ">كلمة المرور<", ">دخول<"} {
		if !strings.Contains(in.text, want) {
			t.Errorf("Arabic sign-in page lacks %q", want)
		}
	}
	noEnglish(t, "/signin", in)
	b.mustSignIn()
	q := b.get("/")
	for _, want := range []string{
		`<html lang="ar" dir="rtl">`, "<h1>بانتظار الموافقة</h1>", ">موافقة<", ">رفض<", ">خروج<",
		// Counts in Arabic-Indic digits, in the badge and the sentence.
		`قائمة الانتظار <span class="badge" data-count="pending">٣</span>`, `بانتظار الموافقة: <span id="showing">٣</span> من ٣.`,
		"كل المصادر (٣)", "قبل ٣ ساعات", `data-digits="٠١٢٣٤٥٦٧٨٩"`,
		`title="السبت ٢١ نوفمبر ٢٠٢٦، ١٠:٠٠ CET"`,
		// A post's own text keeps its direction, whatever the page's.
		`<p class="text" dir="auto">`,
	} {
		if !strings.Contains(q.text, want) {
			t.Errorf("Arabic queue lacks %q", want)
		}
	}
	noEnglish(t, "/", q)

	// The message after an action: the post's English text and its
	// author's name isolated, so they keep their order in the Arabic line.
	b.header.Set("Accept", "application/json")
	var out actionResult
	r := b.act("/", f.post("Lyon").ID, "approve")
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatal(err)
	}
	if want := "تمت الموافقة على «\u2068Lyon is open"; !strings.HasPrefix(out.Message, want) || !strings.Contains(out.Message, "لـ\u2068") {
		t.Errorf("Arabic approval message %q, want it to start %q and isolate the name", out.Message, want)
	}
}

// TestConsoleInGerman: the hub's console speaks the hub's language, sites,
// the audit log and the fleet-wide questions included.
func TestConsoleInGerman(t *testing.T) {
	c := newConsoleIn(t, "de")
	b := c.browser("192.0.2.63")
	in := b.get("/signin")
	for _, want := range []string{"Moderationskonsole der Empfangsbildschirme aller Standorte.", `<label for="name">Name</label>`, "Ihr Moderatorname"} {
		if !strings.Contains(in.text, want) {
			t.Errorf("German console sign-in lacks %q", want)
		}
	}
	if r := b.signInAs("Nobody", adaPassword); !strings.Contains(r.text, "Falscher Name oder falsches Passwort.") {
		t.Errorf("a wrong name in German: %d", r.StatusCode)
	}
	if r := b.signInAs("Ada Lovelace", adaPassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", r.StatusCode)
	}
	q := b.get("/")
	for _, want := range []string{
		"Moderation für alle Standorte", "Angemeldet als <strong data-user>Ada Lovelace</strong>", `<a href="/fleet">Standorte</a>`, ">Protokoll<",
		"Nur für einige Standorte", "(keiner gewählt: alle Standorte)",
		"Was hier freigegeben wird, ist innerhalb von 44 Sekunden auf allen Bildschirmen.",
	} {
		if !strings.Contains(q.text, want) {
			t.Errorf("German console lacks %q", want)
		}
	}
	noEnglish(t, "console /", q)
	lyon := c.post("Lyon")
	r := b.act("/", lyon.ID, "approve", "site", "Lyon")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve for Lyon: %d\n%s", r.StatusCode, r.text)
	}
	shown := b.get("/shown")
	for _, want := range []string{`<p class="where">Nur für Lyon</p>`, "für Lyon freigegeben. Er kommt innerhalb von 44 Sekunden auf allen Bildschirmen in die Rotation.", ">Überall zurückziehen<",
		`data-confirm="Diesen Beitrag überall zurückziehen? Er verschwindet innerhalb von 44 Sekunden von allen Bildschirmen und bleibt weg."`} {
		if !strings.Contains(shown.text, want) {
			t.Errorf("German console /shown lacks %q", want)
		}
	}
	noEnglish(t, "console /shown", shown)
	audit := b.get("/audit")
	for _, want := range []string{"<h1>Protokoll</h1>", "<th>Wann</th><th>Wer</th><th>Was</th><th>Beitrag</th>", "freigegeben für Lyon", "Ganzes Protokoll herunterladen", "(die letzten 1)"} {
		if !strings.Contains(audit.text, want) {
			t.Errorf("German audit page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<time datetime="[^"]+">\d+\. (Jan\.|Feb\.|März|Apr\.|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|Nov\.|Dez\.) \d{4}, \d\d:\d\d:\d\d CES?T</time>`).MatchString(audit.text) {
		t.Errorf("the audit page's time is not German with its zone:\n%s", audit.text)
	}
	noEnglish(t, "/audit", audit)
}

// TestToastPlurals: the message after a bulk action counts the posts in
// the language's plural forms, and its number the language's way.
func TestToastPlurals(t *testing.T) {
	for _, tc := range []struct {
		lang     string
		one, two string
	}{
		{"en", "Approved 1 post. They join the rotation at the next slide.", "Approved 2 posts. They join the rotation at the next slide."},
		{"de", "1 Beitrag freigegeben. Sie kommen mit der nächsten Folie in die Rotation.", "2 Beiträge freigegeben. Sie kommen mit der nächsten Folie in die Rotation."},
		{"pl", "Zatwierdzono 1 post.", "Zatwierdzono 2 posty."},
		{"ar", "تمت الموافقة على منشور واحد.", "تمت الموافقة على منشورين."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f := newFixtureIn(t, tc.lang, "")
			b := f.browser("192.0.2.62")
			b.mustSignIn()
			b.header.Set("Accept", "application/json")
			bulk := func(ids ...string) actionResult {
				r := b.do(http.MethodPost, "/posts", url.Values{"csrf": {b.csrf("/")}, "id": ids, "action": {"approve"}, "back": {"/"}})
				var out actionResult
				if err := json.Unmarshal([]byte(r.body), &out); err != nil {
					t.Fatalf("%d %v\n%s", r.StatusCode, err, r.body)
				}
				return out
			}
			if out := bulk(f.post("Lyon").ID); !strings.HasPrefix(out.Message, tc.one) {
				t.Errorf("one post: %q, want %q", out.Message, tc.one)
			}
			out := bulk(f.post("Noor").ID, f.post("Proud").ID)
			if !strings.HasPrefix(out.Message, tc.two) {
				t.Errorf("two posts: %q, want %q", out.Message, tc.two)
			}
			l, _ := locale.For(tc.lang)
			if want := count(l, 3); out.Shown.Shown != want {
				t.Errorf("the badge's count %q, want %q", out.Shown.Shown, want)
			}
		})
	}
}

func TestCountsTheLocaleWay(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1240, "1,240"}, {"de", 1240, "1.240"}, {"fr", 1240, "1\u202f240"}, {"pl", 1240, "1240"}, {"pl", 12400, "12\u00a0400"},
		{"ar", 1240, "١٬٢٤٠"}, {"de", 7, "7"}, {"de", 1234567, "1.234.567"},
	} {
		l, err := locale.For(tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		if got := count(l, tc.n); got != tc.want {
			t.Errorf("%s: count(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}
