package moderate

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/store"
)

var now = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

func openStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// post is a post that every rule lets through: recent, long enough, an
// ordinary author, from an auto source.
func post(id string, edit ...func(*feeds.Post)) feeds.Post {
	p := feeds.Post{
		ID:        id,
		Source:    "social",
		Network:   "mastodon",
		Author:    feeds.Author{Name: "Grace Hopper", Handle: "@grace@social.example"},
		Text:      "Our team shipped the new visitor badge printer this week.",
		Link:      "https://social.example/@grace/" + id,
		Published: now.Add(-2 * time.Hour),
	}
	for _, e := range edit {
		e(&p)
	}
	return p
}

func text(s string) func(*feeds.Post)   { return func(p *feeds.Post) { p.Text = s } }
func source(s string) func(*feeds.Post) { return func(p *feeds.Post) { p.Source = s } }
func name(n, h string) func(*feeds.Post) {
	return func(p *feeds.Post) { p.Author.Name, p.Author.Handle = n, h }
}
func age(d time.Duration) func(*feeds.Post) { return func(p *feeds.Post) { p.Published = now.Add(-d) } }

func verdict(t *testing.T, m *Moderator, p feeds.Post) Verdict {
	t.Helper()
	vs := m.Apply([]feeds.Post{p}, now)
	if len(vs) != 1 {
		t.Fatalf("Apply returned %d verdicts for 1 post", len(vs))
	}
	return vs[0]
}

func TestBlockedWordsMatchWholeWordsIgnoringCaseAndAccents(t *testing.T) {
	tests := []struct {
		blocked []string
		text    string
		want    string // reason; "" = shown
	}{
		{[]string{"falcon"}, "Falconry lessons for the whole team on Friday!", ""},
		{[]string{"falcon"}, "The FALCON has landed in the Lyon office.", `blocked word "falcon"`},
		{[]string{"falcon"}, "Can't say much about #falcon yet, stay tuned.", `blocked word "falcon"`},
		{[]string{"falcon"}, "Falcon's launch party was a blast, thanks all.", `blocked word "falcon"`},
		{[]string{"falcon"}, "Ｆａｌｃｏｎ written in full-width letters still counts.", `blocked word "falcon"`},
		{[]string{"falcon"}, "A falcón, with an accent, is still a falcon here.", `blocked word "falcon"`},
		{[]string{"project falcon"}, "Big news on Project  Falcón today, more soon.", `blocked word "project falcon"`},
		{[]string{"project falcon"}, "Our project\nFALCON demo went well yesterday.", `blocked word "project falcon"`},
		{[]string{"project falcon"}, "The falcon project has nothing to do with it.", ""},
		{[]string{"project falcon"}, "My project falconry club meets on Tuesdays.", ""},
		{[]string{"Zürich"}, "Greetings from the zurich office, sunny today.", `blocked word "Zürich"`},
		{[]string{"zurich"}, "Greetings from the ZÜRICH office, sunny today.", `blocked word "zurich"`},
		{[]string{"straße"}, "We moved to a new STRASSE near the station.", `blocked word "straße"`},
		{[]string{"søren"}, "Congratulations to Soren on ten years with us!", `blocked word "søren"`},
		{[]string{"机密"}, "这是机密项目的第一张照片，请勿外传。", `blocked word "机密"`},
		{[]string{"!!!", "  "}, "Wow!!! What a week for the whole company!!!", ""},
		{[]string{"damn", "falcon"}, "No bad words at all in this lovely little post.", ""},
		{[]string{"damn", "falcon"}, "Damn, that falcon demo was good.", `blocked word "damn"`},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			m := New(Rules{BlockedWords: tt.blocked}, nil, nil, nil)
			v := verdict(t, m, post("p1", text(tt.text)))
			if tt.want == "" {
				if v.Status != Shown {
					t.Fatalf("blocked %v hid %q: %s %q", tt.blocked, tt.text, v.Status, v.Reason)
				}
				return
			}
			if v.Status != Rejected || v.Reason != tt.want {
				t.Fatalf("blocked %v, text %q: got %s %q, want rejected %q", tt.blocked, tt.text, v.Status, v.Reason, tt.want)
			}
		})
	}
}

func TestRulesAndModes(t *testing.T) {
	modes := map[string]Mode{"social": Auto, "team-blog": Manual, "linkedin": Trusted}
	base := Rules{
		BlockedAuthors: []string{"@troll@social.example", "Mallory Meddler"},
		TrustedAuthors: []string{"ada lovelace", "grace.bsky.social"},
		OptOut:         []string{"@shy@social.example"},
		MaxAge:         30 * 24 * time.Hour,
		HideReplies:    true,
		HideReposts:    true,
		MinText:        20,
	}
	tests := []struct {
		name       string
		rules      *Rules // nil = base
		post       feeds.Post
		wantStatus Status
		wantReason string
	}{
		{"auto source shows", nil, post("a"), Shown, "shown: source auto-approves"},
		{"source missing from modes is auto", nil, post("a", source("folder")), Shown, "shown: source auto-approves"},
		{"manual source waits", nil, post("a", source("team-blog")), Pending, "waiting for approval (source team-blog is manual)"},
		{"manual waits even for trusted authors", nil, post("a", source("team-blog"), name("Ada Lovelace", "")), Pending, "waiting for approval (source team-blog is manual)"},
		{"trusted source, trusted by name", nil, post("a", source("linkedin"), name("ADA LOVELACE", "")), Shown, "shown: trusted author"},
		{"trusted source, trusted by handle with @", nil, post("a", source("linkedin"), name("G. Hopper", "@grace.bsky.social")), Shown, "shown: trusted author"},
		{"trusted source, other author waits", nil, post("a", source("linkedin")), Pending, "author not trusted: waiting for approval"},
		{"blocked author by handle", nil, post("a", name("Troll", "@Troll@social.example")), Rejected, `blocked author "@troll@social.example"`},
		{"blocked author by handle without @", &Rules{BlockedAuthors: []string{"troll@social.example"}}, post("a", name("Troll", "@troll@social.example")), Rejected, `blocked author "troll@social.example"`},
		{"blocked author by name, accents and case ignored", nil, post("a", name("mallory  MÉDDLER", "")), Rejected, `blocked author "Mallory Meddler"`},
		{"opted-out author", nil, post("a", name("Shy Person", "@shy@social.example")), Rejected, "author opted out"},
		{"reply hidden", nil, post("a", func(p *feeds.Post) { p.Reply = true }), Rejected, "reply hidden"},
		{"reply shown when not hidden", &Rules{}, post("a", func(p *feeds.Post) { p.Reply = true }), Shown, "shown: source auto-approves"},
		{"repost hidden", nil, post("a", func(p *feeds.Post) { p.Repost = true }), Rejected, "repost hidden"},
		{"repost shown when not hidden", &Rules{}, post("a", func(p *feeds.Post) { p.Repost = true }), Shown, "shown: source auto-approves"},
		{"older than max_age", nil, post("a", age(31*24*time.Hour)), Rejected, "older than 30 days"},
		{"just inside max_age", nil, post("a", age(30*24*time.Hour)), Shown, "shown: source auto-approves"},
		{"max_age in hours", &Rules{MaxAge: 36 * time.Hour}, post("a", age(37*time.Hour)), Rejected, "older than 36 hours"},
		// A post whose date is unknown is as old as the time it was first seen.
		{"date unknown, first seen long ago", nil, post("a", age(31*24*time.Hour), func(p *feeds.Post) { p.DateUnknown = true }), Rejected, "older than 30 days"},
		{"date unknown, first seen lately", nil, post("a", age(time.Hour), func(p *feeds.Post) { p.DateUnknown = true }), Shown, "shown: source auto-approves"},
		{"no max_age keeps old posts", &Rules{}, post("a", age(400*24*time.Hour)), Shown, "shown: source auto-approves"},
		{"text too short", nil, post("a", text("Great day!")), Rejected, "text shorter than 20 characters"},
		{"min_text counts characters, not bytes", nil, post("a", text("Ça été génial, équipe!")), Shown, "shown: source auto-approves"},
		{"min_text ignores surrounding spaces", nil, post("a", text("   Great day!                  ")), Rejected, "text shorter than 20 characters"},
		{"hide rule before mode", nil, post("a", source("team-blog"), func(p *feeds.Post) { p.Repost = true }), Rejected, "repost hidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			if tt.rules != nil {
				r = *tt.rules
			}
			v := verdict(t, New(r, modes, nil, nil), tt.post)
			if v.Status != tt.wantStatus || v.Reason != tt.wantReason {
				t.Fatalf("got %s %q, want %s %q", v.Status, v.Reason, tt.wantStatus, tt.wantReason)
			}
			if v.Post.ID != tt.post.ID {
				t.Fatalf("verdict carries post %q, want %q", v.Post.ID, tt.post.ID)
			}
		})
	}
}

func TestApplyKeepsOrder(t *testing.T) {
	m := New(Rules{MinText: 20}, map[string]Mode{"team-blog": Manual}, nil, nil)
	posts := []feeds.Post{post("1"), post("2", text("short")), post("3", source("team-blog")), post("4")}
	vs := m.Apply(posts, now)
	var got []string
	for _, v := range vs {
		got = append(got, v.Post.ID+":"+string(v.Status))
	}
	if want := "1:shown 2:rejected 3:pending 4:shown"; strings.Join(got, " ") != want {
		t.Fatalf("got %s, want %s", strings.Join(got, " "), want)
	}
}

// TestPrecedence checks the order documented in the package comment, one
// neighbouring pair at a time.
func TestPrecedence(t *testing.T) {
	pinUntil := now.Add(27 * time.Hour) // 2026-11-24 18:00 UTC
	tests := []struct {
		name       string
		post       feeds.Post
		decide     func(d *Decisions, p feeds.Post) error
		central    bool // on headquarters' list
		wantStatus Status
		wantReason string
		wantPinned bool
	}{
		{"central revoke beats editor approve", post("p"), approve, true, Revoked, "revoked by headquarters", false},
		{"central revoke beats pin", post("p"), pin(pinUntil), true, Revoked, "revoked by headquarters", false},
		{"local revoke hides a shown post", post("p"), revoke, false, Revoked, "revoked on this kiosk", false},
		{"local revoke beats opt-out", post("p", name("Shy", "@shy")), revoke, false, Revoked, "revoked on this kiosk", false},
		{"opt-out beats editor approve", post("p", name("Shy", "@shy")), approve, false, Rejected, "author opted out", false},
		{"opt-out beats pin", post("p", name("Shy", "shy")), pin(time.Time{}), false, Rejected, "author opted out", false},
		{"editor reject beats auto", post("p"), reject, false, Rejected, "rejected by an editor", false},
		{"editor reject beats blocked word (reason)", post("p", text("All about project falcon, sorry.")), reject, false, Rejected, "rejected by an editor", false},
		{"blocked word beats editor approve", post("p", text("All about project falcon, sorry.")), approve, false, Rejected, `blocked word "project falcon"`, false},
		{"blocked word beats pin", post("p", text("All about project falcon, sorry.")), pin(pinUntil), false, Rejected, `blocked word "project falcon"`, false},
		{"blocked author beats editor approve", post("p", name("Troll", "@troll")), approve, false, Rejected, `blocked author "troll"`, false},
		{"approve beats manual mode", post("p", source("team-blog")), approve, false, Shown, "approved by an editor", false},
		{"approve beats trusted mode", post("p", source("linkedin")), approve, false, Shown, "approved by an editor", false},
		{"approve beats max_age", post("p", age(90*24*time.Hour)), approve, false, Shown, "approved by an editor", false},
		{"approve beats min_text", post("p", text("Yay!")), approve, false, Shown, "approved by an editor", false},
		{"approve beats hide replies", post("p", func(p *feeds.Post) { p.Reply = true }), approve, false, Shown, "approved by an editor", false},
		{"pin with an end beats manual mode", post("p", source("team-blog")), pin(pinUntil), false, Shown, "pinned until 2026-11-24 18:00", true},
		{"pin without end", post("p"), pin(time.Time{}), false, Shown, "pinned", true},
		{"expired pin is still an approval", post("p", source("team-blog")), pin(now.Add(-time.Hour)), false, Shown, "approved by an editor (pin ended 2026-11-23 14:00)", false},
		{"no decision: max_age before mode", post("p", source("team-blog"), age(90*24*time.Hour)), nil, false, Rejected, "older than 30 days", false},
	}
	rules := Rules{
		BlockedWords:   []string{"project falcon"},
		BlockedAuthors: []string{"troll"},
		OptOut:         []string{"@shy"},
		MaxAge:         30 * 24 * time.Hour,
		HideReplies:    true,
		MinText:        20,
		Location:       time.UTC,
	}
	modes := map[string]Mode{"social": Auto, "team-blog": Manual, "linkedin": Trusted}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t, t.TempDir())
			dec, err := OpenDecisions(st)
			if err != nil {
				t.Fatal(err)
			}
			if tt.decide != nil {
				if err := tt.decide(dec, tt.post); err != nil {
					t.Fatal(err)
				}
			}
			rev := revokedCentrally(t, st, tt.central, tt.post)
			v := verdict(t, New(rules, modes, dec, rev), tt.post)
			if v.Status != tt.wantStatus || v.Reason != tt.wantReason || v.Pinned != tt.wantPinned {
				t.Fatalf("got %s %q pinned=%v, want %s %q pinned=%v", v.Status, v.Reason, v.Pinned, tt.wantStatus, tt.wantReason, tt.wantPinned)
			}
			if tt.wantPinned && tt.wantReason != "pinned" && !v.PinnedUntil.Equal(pinUntil) {
				t.Fatalf("PinnedUntil = %v, want %v", v.PinnedUntil, pinUntil)
			}
		})
	}
}

func approve(d *Decisions, p feeds.Post) error { return d.Approve(p.ID, p.Link) }
func reject(d *Decisions, p feeds.Post) error  { return d.Reject(p.ID, p.Link) }
func revoke(d *Decisions, p feeds.Post) error  { return d.Revoke(p.ID, p.Link) }
func pin(until time.Time) func(d *Decisions, p feeds.Post) error {
	return func(d *Decisions, p feeds.Post) error { return d.Pin(p.ID, p.Link, until) }
}

func TestPinnedUntilIsWordedInTheKioskZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	dec, _ := OpenDecisions(openStore(t, t.TempDir()))
	p := post("p")
	if err := dec.Pin(p.ID, p.Link, time.Date(2026, 11, 24, 18, 0, 0, 0, berlin)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		rules Rules
		now   time.Time
	}{
		{Rules{Location: berlin}, now}, // zone from the rules
		{Rules{}, now.In(berlin)},      // zone from now
	} {
		v := New(tt.rules, nil, dec, nil).Apply([]feeds.Post{p}, tt.now)[0]
		if v.Reason != "pinned until 2026-11-24 18:00" {
			t.Fatalf("reason %q, want the pin's end in Berlin time", v.Reason)
		}
	}
}
