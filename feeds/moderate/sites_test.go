package moderate

import (
	"slices"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

// The hub pins a post "for Berlin": Berlin shows it first; elsewhere it is
// what the rules alone make of it.
func TestDecisionForSomeSites(t *testing.T) {
	dec, err := OpenDecisions(openStore(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	waiting := post("w1", source("manual-src"))
	open := post("o1")
	until := now.Add(24 * time.Hour)
	if err := dec.Pin(waiting.ID, waiting.Link, until, "Berlin"); err != nil {
		t.Fatal(err)
	}
	if err := dec.Pin(open.ID, open.Link, time.Time{}, "Berlin", "Oslo"); err != nil {
		t.Fatal(err)
	}
	modes := map[string]Mode{"manual-src": Manual}

	// On the hub (no site of its own): both verdicts, site by site.
	hub := New(Rules{}, modes, dec, nil)
	v := verdict(t, hub, waiting)
	if v.Status != Shown || !slices.Equal(v.Sites, []string{"Berlin"}) || !v.Pinned || !slices.Equal(v.PinnedSites, []string{"Berlin"}) || !v.PinnedUntil.Equal(until) {
		t.Errorf("hub, waiting post pinned for Berlin: %+v", v)
	}
	if v.Reason != "pinned until 2026-11-24 15:00 for Berlin only by an editor (elsewhere waiting for approval (source manual-src is manual))" {
		t.Errorf("reason %q", v.Reason)
	}
	v = verdict(t, hub, open)
	if v.Status != Shown || v.Sites != nil || !slices.Equal(v.PinnedSites, []string{"Berlin", "Oslo"}) {
		t.Errorf("hub, auto post pinned for two sites: shown everywhere, pinned at two: %+v", v)
	}

	// On a kiosk at each site.
	for _, tc := range []struct {
		site           string
		waiting        Status
		pinnedWaiting  bool
		pinnedOpen     bool
		waitingBecause string
	}{
		{"Berlin", Shown, true, true, "pinned until 2026-11-24 15:00"},
		{"Oslo", Pending, false, true, "waiting for approval (source manual-src is manual)"},
		{"Lyon", Pending, false, false, "waiting for approval (source manual-src is manual)"},
	} {
		k := New(Rules{Site: tc.site}, modes, dec, nil)
		v := verdict(t, k, waiting)
		if v.Status != tc.waiting || v.Pinned != tc.pinnedWaiting || v.Reason != tc.waitingBecause || v.Sites != nil {
			t.Errorf("%s, waiting post: %+v", tc.site, v)
		}
		if v := verdict(t, k, open); v.Status != Shown || v.Pinned != tc.pinnedOpen {
			t.Errorf("%s, auto post: %+v", tc.site, v)
		}
	}
	// A revocation is for every site.
	if err := dec.Revoke(open.ID, open.Link); err != nil {
		t.Fatal(err)
	}
	if v := verdict(t, New(Rules{Site: "Berlin"}, modes, dec, nil), open); v.Status != Revoked {
		t.Errorf("revoked post at Berlin: %+v", v)
	}
}

// A post from the fleet's hub was moderated there: the kiosk follows the
// hub's targeting and pin, skips the rules an editor's approval overrides
// (age, length, mode), and still applies its own policy and decisions.
func TestHubPosts(t *testing.T) {
	hubPost := func(id string, m *feeds.FleetMark, edit ...func(*feeds.Post)) feeds.Post {
		return post(id, append([]func(*feeds.Post){source("hub-posts"), func(p *feeds.Post) { p.Fleet = m }}, edit...)...)
	}
	until := now.Add(time.Hour)
	posts := []feeds.Post{
		hubPost("all", nil, age(400*24*time.Hour), text("ok")),
		hubPost("berlin-only", &feeds.FleetMark{Sites: []string{"Berlin"}}),
		hubPost("pinned-berlin", &feeds.FleetMark{Pinned: true, PinnedUntil: until, PinnedSites: []string{"Berlin"}}),
		hubPost("pin-over", &feeds.FleetMark{Pinned: true, PinnedUntil: now.Add(-time.Minute)}),
		hubPost("blocked", nil, text("All about project falcon today")),
		hubPost("revoked", nil),
	}
	dec, err := OpenDecisions(openStore(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if err := dec.Revoke("revoked", ""); err != nil {
		t.Fatal(err)
	}
	rules := Rules{MaxAge: 30 * 24 * time.Hour, MinText: 10, BlockedWords: []string{"project falcon"}}
	modes := map[string]Mode{"hub-posts": Hub}
	want := map[string]map[string]string{ // site → id → status/pinned/reason
		"Berlin": {
			"all":           "shown approved on the hub",
			"berlin-only":   "shown approved on the hub",
			"pinned-berlin": "shown pinned pinned on the hub until 2026-11-23 16:00",
			"pin-over":      "shown approved on the hub",
			"blocked":       `rejected blocked word "project falcon"`,
			"revoked":       "revoked revoked on this kiosk",
		},
		"Oslo": {
			"all":           "shown approved on the hub",
			"berlin-only":   "rejected for other sites on the hub (Berlin)",
			"pinned-berlin": "shown approved on the hub",
			"pin-over":      "shown approved on the hub",
			"blocked":       `rejected blocked word "project falcon"`,
			"revoked":       "revoked revoked on this kiosk",
		},
	}
	for site, ids := range want {
		r := rules
		r.Site = site
		for _, v := range New(r, modes, dec, nil).Apply(posts, now) {
			got := string(v.Status)
			if v.Pinned {
				got += " pinned"
			}
			got += " " + v.Reason
			if got != ids[v.Post.ID] {
				t.Errorf("%s, %s: %q, want %q", site, v.Post.ID, got, ids[v.Post.ID])
			}
		}
	}
	// A post that is not from the hub cannot pin itself.
	forged := post("forged", func(p *feeds.Post) { p.Fleet = &feeds.FleetMark{Pinned: true} })
	if v := verdict(t, New(Rules{Site: "Berlin"}, modes, dec, nil), forged); v.Pinned {
		t.Errorf("a post from an ordinary source pinned itself: %+v", v)
	}
}

// On the hub, a source for some sites (an office's own account, moderated
// centrally) makes its shown posts for those sites; an editor who names
// other sites decides instead. A kiosk has no say in it: its posts come
// from the hub already targeted.
func TestSourceSitesOnTheHub(t *testing.T) {
	dec, err := OpenDecisions(openStore(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	rules := Rules{SourceSites: map[string][]string{"berlin-social": {"Berlin"}, "berlin-queue": {"Berlin"}}}
	modes := map[string]Mode{"berlin-queue": Manual}
	hub := New(rules, modes, dec, nil)
	own := post("own", source("berlin-social"))
	every := post("every")
	waiting := post("waiting", source("berlin-queue"))
	if v := verdict(t, hub, own); v.Status != Shown || !slices.Equal(v.Sites, []string{"Berlin"}) || v.Reason != "shown: source auto-approves (for Berlin only, as its source is)" {
		t.Errorf("a post of Berlin's source: %+v", v)
	}
	if v := verdict(t, hub, every); v.Status != Shown || v.Sites != nil {
		t.Errorf("a post of a source for every site: %+v", v)
	}
	if v := verdict(t, hub, waiting); v.Status != Pending || !slices.Equal(v.Sites, []string{"Berlin"}) {
		t.Errorf("a waiting post of Berlin's source: %+v", v)
	}
	if err := dec.Approve(waiting.ID, waiting.Link); err != nil {
		t.Fatal(err)
	}
	if v := verdict(t, hub, waiting); v.Status != Shown || !slices.Equal(v.Sites, []string{"Berlin"}) {
		t.Errorf("approved for every site, from Berlin's source: %+v", v)
	}
	if err := dec.Pin(waiting.ID, waiting.Link, time.Time{}, "Oslo"); err != nil {
		t.Fatal(err)
	}
	if v := verdict(t, hub, waiting); v.Status != Shown || !slices.Equal(v.Sites, []string{"Oslo"}) || !slices.Equal(v.PinnedSites, []string{"Oslo"}) {
		t.Errorf("pinned for Oslo by an editor, from Berlin's source: %+v", v)
	}
	kiosk := rules
	kiosk.Site = "Oslo"
	if v := verdict(t, New(kiosk, nil, nil, nil), own); v.Status != Shown || v.Sites != nil {
		t.Errorf("source sites on a kiosk: %+v", v)
	}
}
