package admin

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lobbykiosk/feeds/moderate"
)

func TestQueueFilters(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.31")
	b.mustSignIn()
	all := b.get("/")
	for _, want := range []string{`<option value="team-journal">team-journal (3)</option>`, `<option value="Grace Hopper">Grace Hopper (1)</option>`,
		`<option value="1d">Last 24 hours (2)</option>`, `<option value="7d">Last 7 days (3)</option>`, `<span id="showing">3</span> of 3 waiting.`} {
		if !strings.Contains(all.body, want) {
			t.Errorf("the filter bar lacks %s", want)
		}
	}
	for _, tc := range []struct {
		query string
		want  []string // words of the posts listed
		count string
	}{
		{"?author=Grace+Hopper", []string{"Noor"}, `<span id="showing">1</span> of 3 waiting, filtered.`},
		{"?age=1d", []string{"Lyon", "Noor"}, `<span id="showing">2</span> of 3 waiting, filtered.`},
		{"?age=7d&source=team-journal", []string{"Lyon", "Noor", "Proud"}, `<span id="showing">3</span> of 3 waiting, filtered.`},
		{"?source=partner-news", nil, "No waiting post matches this filter."},
		{"?age=forever", []string{"Lyon", "Noor", "Proud"}, `<span id="showing">3</span> of 3 waiting.`},
	} {
		r := b.get("/" + tc.query)
		for _, w := range []string{"Lyon", "Noor", "Proud"} {
			listed := strings.Contains(r.body, `data-post="`+f.post(w).ID+`"`)
			if listed != strings.Contains(strings.Join(tc.want, " "), w) {
				t.Errorf("%s: post %q listed %v", tc.query, w, listed)
			}
		}
		if !strings.Contains(r.body, tc.count) {
			t.Errorf("%s: the page lacks %q", tc.query, tc.count)
		}
		// The filter carries over into each card's form, so the browser
		// comes back to the filtered list.
		if len(tc.want) > 0 && tc.query != "?age=forever" && !strings.Contains(r.text, `name="back" value="/`+tc.query) {
			t.Errorf("%s: the forms do not come back to the filtered queue", tc.query)
		}
	}
}

// Without the page's script: the browser comes back to the card that took
// the approved one's place; with it, the answer says which card goes.
func TestActionKeepsThePlace(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.32")
	b.mustSignIn()
	lyon, noor, proud := f.post("Lyon"), f.post("Noor"), f.post("Proud")
	r := b.act("/?source=team-journal", lyon.ID, "approve")
	if loc := r.Header.Get("Location"); loc != "/?source=team-journal#post-"+noor.ID {
		t.Errorf("after approving the first card: %q, want the filtered queue at the next card (%s)", loc, noor.ID)
	}
	r = b.act("/", proud.ID, "reject")
	if loc := r.Header.Get("Location"); loc != "/#post-"+noor.ID {
		t.Errorf("after rejecting the last card: %q, want the one before it", loc)
	}

	// The script's way: JSON, the card gone, the counts new.
	form := url.Values{"csrf": {b.csrf("/")}, "id": {noor.ID}, "action": {"approve"}, "back": {"/"}}
	b.header.Set("Accept", "application/json")
	res := b.do(http.MethodPost, "/post", form)
	var out actionResult
	if err := json.Unmarshal([]byte(res.body), &out); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("JSON answer: %d %v\n%s", res.StatusCode, err, res.body)
	}
	if !out.OK || len(out.Gone) != 1 || out.Gone[0] != noor.ID || out.Counts.Pending != 0 || !strings.Contains(out.Message, "Approved") {
		t.Errorf("JSON answer %+v", out)
	}
	// On /shown a pin keeps the card and sends its new HTML.
	form = url.Values{"csrf": {b.csrf("/shown")}, "id": {lyon.ID}, "action": {"pin"}, "back": {"/shown"}}
	res = b.do(http.MethodPost, "/post", form)
	out = actionResult{}
	json.Unmarshal([]byte(res.body), &out)
	if card := out.Cards[lyon.ID]; len(out.Gone) != 0 || !strings.Contains(card, `id="post-`+lyon.ID+`"`) || !strings.Contains(card, "Pinned, with no end") || !strings.Contains(card, `value="unpin"`) {
		t.Errorf("pin on /shown: %+v", out)
	}
	// An error is JSON too, and changes nothing.
	res = b.do(http.MethodPost, "/post", url.Values{"csrf": {b.csrf("/")}, "id": {"nope"}, "action": {"approve"}, "back": {"/"}})
	out = actionResult{}
	if json.Unmarshal([]byte(res.body), &out); res.StatusCode != http.StatusNotFound || out.OK || !out.Error || !strings.Contains(out.Message, "no post with ID nope") {
		t.Errorf("JSON error: %d %+v", res.StatusCode, out)
	}
}

// Revoke asks once: without the script on a page of its own, and the
// script must say it asked.
func TestRevokeAsksFirst(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.33")
	b.mustSignIn()
	lyon := f.post("Lyon")
	b.act("/", lyon.ID, "approve")
	r := b.act("/shown", lyon.ID, "revoke")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.text, "Revoke this post?") || !strings.Contains(r.body, `name="confirm" value="yes"`) || !strings.Contains(r.body, `href="/shown#post-`+lyon.ID+`"`) {
		t.Fatalf("revoke without confirmation: %d\n%s", r.StatusCode, r.body)
	}
	if p := f.post("Lyon"); p.Status != moderate.Shown {
		t.Fatalf("asking changed the post: %s", p.Status)
	}
	b.header.Set("Accept", "application/json")
	if r := b.act("/shown", lyon.ID, "revoke"); r.StatusCode != http.StatusConflict {
		t.Errorf("the script's revoke without confirm=yes: %d, want 409", r.StatusCode)
	}
	if p := f.post("Lyon"); p.Status != moderate.Shown {
		t.Fatalf("a revoke without confirmation went through: %s", p.Status)
	}
	b.header.Del("Accept")
	if r := b.act("/shown", lyon.ID, "revoke", "confirm", "yes"); r.StatusCode != http.StatusSeeOther || f.post("Lyon").Status != moderate.Revoked {
		t.Errorf("confirmed revoke: %d, %s", r.StatusCode, f.post("Lyon").Status)
	}
	if !strings.Contains(b.get("/shown").body, `data-confirm="Revoke this post?`) && strings.Contains(b.get("/shown").body, `value="revoke"`) {
		t.Error("the revoke button does not ask")
	}
}

func TestBulkApproveAndReject(t *testing.T) {
	f := newFixture(t)
	b := f.browser("192.0.2.34")
	b.mustSignIn()
	lyon, noor, proud := f.post("Lyon"), f.post("Noor"), f.post("Proud")
	q := b.get("/")
	for _, want := range []string{`<form id="bulk" class="bulk bulkbar" method="post" action="/posts">`, `class="pick" name="id" value="` + lyon.ID + `" form="bulk"`} {
		if !strings.Contains(q.body, want) {
			t.Errorf("the queue lacks %s", want)
		}
	}
	r := b.do(http.MethodPost, "/posts", url.Values{"csrf": {b.csrf("/")}, "id": {lyon.ID, proud.ID}, "action": {"approve"}, "back": {"/"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/#post-"+noor.ID {
		t.Fatalf("bulk approve: %d to %q\n%s", r.StatusCode, r.Header.Get("Location"), r.body)
	}
	if !strings.Contains(b.get("/").text, "Approved 2 posts. They join the rotation at the next slide.") {
		t.Error("no message after the bulk approval")
	}
	for _, w := range []string{"Lyon", "Proud"} {
		if p := f.reopened(w); p.Status != moderate.Shown {
			t.Errorf("%s: %s after bulk approve", w, p.Status)
		}
	}
	b.header.Set("Accept", "application/json")
	r = b.do(http.MethodPost, "/posts", url.Values{"csrf": {b.csrf("/")}, "id": {noor.ID, "gone-id"}, "action": {"reject"}, "back": {"/"}})
	var out actionResult
	json.Unmarshal([]byte(r.body), &out)
	if !out.OK || len(out.Gone) != 1 || !out.Error || !strings.Contains(out.Message, "Rejected 1 post. 1 post has left the feed") {
		t.Errorf("bulk reject: %+v", out)
	}
	if p := f.post("Noor"); p.Status != moderate.Rejected {
		t.Errorf("Noor: %s", p.Status)
	}
	for _, bad := range []url.Values{
		{"action": {"revoke"}, "id": {lyon.ID}},
		{"action": {"approve"}},
	} {
		bad.Set("csrf", b.csrf("/"))
		if r := b.do(http.MethodPost, "/posts", bad); r.StatusCode != http.StatusBadRequest {
			t.Errorf("bulk %v: %d", bad, r.StatusCode)
		}
	}
}
