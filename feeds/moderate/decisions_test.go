package moderate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/store"
)

func statusOf(t *testing.T, m *Moderator, p feeds.Post) string {
	t.Helper()
	v := verdict(t, m, p)
	return string(v.Status) + ": " + v.Reason
}

func TestDecisionsSurviveRestartAndResentPosts(t *testing.T) {
	dir := t.TempDir()
	modes := map[string]Mode{"team-blog": Manual, "social": Manual}
	approved := post("a1", source("team-blog"))
	rejected := post("r1", source("team-blog"))
	pinned := post("n1", source("team-blog"))
	revoked := post("v1", source("team-blog"))
	until := now.Add(48 * time.Hour)

	dec, err := OpenDecisions(openStore(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		dec.Approve(approved.ID, approved.Link),
		dec.Reject(rejected.ID, rejected.Link),
		dec.Pin(pinned.ID, pinned.Link, until),
		dec.Revoke(revoked.ID, revoked.Link),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	// A restart: a new store and new Decisions on the same directory.
	dec2, err := OpenDecisions(openStore(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	m := New(Rules{Location: time.UTC}, modes, dec2, nil)

	resentNewID := approved
	resentNewID.ID = "a1-second-fetch" // the feed changed its GUID, same link
	resentNewID.Text = "Edited: " + approved.Text
	resentSameID := rejected
	resentSameID.Link = "" // the feed dropped the link, same ID
	resentLinkCase := pinned
	resentLinkCase.ID = "n1-again"
	resentLinkCase.Link = strings.Replace(pinned.Link, "social.example", "SOCIAL.example", 1)

	tests := []struct {
		post feeds.Post
		want string
	}{
		{approved, "shown: approved by an editor"},
		{resentNewID, "shown: approved by an editor"},
		{rejected, "rejected: rejected by an editor"},
		{resentSameID, "rejected: rejected by an editor"},
		{pinned, "shown: pinned until 2026-11-25 15:00"},
		{resentLinkCase, "shown: pinned until 2026-11-25 15:00"},
		{revoked, "revoked: revoked on this kiosk"},
		{post("undecided", source("team-blog")), "pending: waiting for approval (source team-blog is manual)"},
	}
	for _, tt := range tests {
		if got := statusOf(t, m, tt.post); got != tt.want {
			t.Errorf("post %s after restart: %q, want %q", tt.post.ID, got, tt.want)
		}
	}
}

func TestLatestDecisionWins(t *testing.T) {
	dec, _ := OpenDecisions(openStore(t, t.TempDir()))
	p := post("p", source("team-blog"))
	m := New(Rules{}, map[string]Mode{"team-blog": Manual}, dec, nil)
	steps := []struct {
		do   func() error
		want string
	}{
		{func() error { return dec.Approve(p.ID, p.Link) }, "shown: approved by an editor"},
		{func() error { return dec.Revoke(p.ID, p.Link) }, "revoked: revoked on this kiosk"},
		{func() error { return dec.Approve(p.ID, p.Link) }, "shown: approved by an editor"}, // an editor undoes a revoke
		{func() error { return dec.Pin(p.ID, p.Link, time.Time{}) }, "shown: pinned"},
		{func() error { return dec.Unpin(p.ID) }, "shown: approved by an editor"},
		{func() error { return dec.Reject(p.ID, p.Link) }, "rejected: rejected by an editor"},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		if got := statusOf(t, m, p); got != s.want {
			t.Fatalf("step %d: %q, want %q", i+1, got, s.want)
		}
	}
	if n := len(dec.All()); n != 1 {
		t.Fatalf("%d decisions kept for one post, want 1 (the latest)", n)
	}
}

func TestUnpinANotPinnedPost(t *testing.T) {
	dec, _ := OpenDecisions(openStore(t, t.TempDir()))
	if err := dec.Approve("p", ""); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"p", "nobody"} {
		err := dec.Unpin(id)
		if !errors.Is(err, ErrNotPinned) || !strings.Contains(err.Error(), id) {
			t.Fatalf("Unpin(%q) = %v, want an error naming the post that wraps ErrNotPinned", id, err)
		}
	}
	if d, _ := dec.Lookup("p", ""); d.Action != ActionApprove {
		t.Fatalf("a failed Unpin changed the decision to %q", d.Action)
	}
}

func TestCorruptDecisionsFileFallsBackToRules(t *testing.T) {
	dir := t.TempDir()
	garbage, err := os.ReadFile(filepath.Join("testdata", "random-bytes.bin"))
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, dir)
	if err := os.WriteFile(st.Path(DecisionsKey), garbage, 0o644); err != nil {
		t.Fatal(err)
	}

	dec, err := OpenDecisions(st)
	var ce *store.CorruptError
	if !errors.As(err, &ce) || ce.MovedTo == "" {
		t.Fatalf("OpenDecisions on random bytes: err = %v, want a *store.CorruptError with the file moved aside", err)
	}
	if !strings.Contains(err.Error(), "decisions") || !strings.Contains(err.Error(), ce.MovedTo) {
		t.Fatalf("error %q should say it is the decisions and where the file went", err)
	}
	if moved, _ := os.ReadFile(ce.MovedTo); string(moved) != string(garbage) {
		t.Fatal("the damaged file was not kept aside for inspection")
	}

	// Rules only: auto shows, manual waits, a rule still rejects.
	m := New(Rules{MinText: 20}, map[string]Mode{"team-blog": Manual}, dec, nil)
	for _, tt := range []struct {
		post feeds.Post
		want string
	}{
		{post("a"), "shown: shown: source auto-approves"},
		{post("b", source("team-blog")), "pending: waiting for approval (source team-blog is manual)"},
		{post("c", text("tiny")), "rejected: text shorter than 20 characters"},
	} {
		if got := statusOf(t, m, tt.post); got != tt.want {
			t.Errorf("post %s: %q, want %q", tt.post.ID, got, tt.want)
		}
	}

	// The returned Decisions works: a new decision starts a good file.
	if err := dec.Approve("b", ""); err != nil {
		t.Fatal(err)
	}
	again, err := OpenDecisions(openStore(t, dir))
	if err != nil {
		t.Fatalf("after a new decision the file should read back: %v", err)
	}
	if d, ok := again.Lookup("b", ""); !ok || d.Action != ActionApprove {
		t.Fatalf("decision after recovery not kept: %+v %v", d, ok)
	}
}

func TestReloadPicksUpAnotherWriter(t *testing.T) {
	dir := t.TempDir()
	kiosk, err := OpenDecisions(openStore(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	m := New(Rules{}, map[string]Mode{"team-blog": Manual}, kiosk, nil)
	p := post("p", source("team-blog"))

	changed, err := kiosk.Reload()
	if changed || err != nil {
		t.Fatalf("Reload with nothing written: changed=%v err=%v", changed, err)
	}

	// The CLI is another process: its own store and Decisions.
	cli, err := OpenDecisions(openStore(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		write func() error
		want  string
	}{
		{func() error { return cli.Approve(p.ID, p.Link) }, "shown: approved by an editor"},
		{func() error { return cli.Revoke(p.ID, p.Link) }, "revoked: revoked on this kiosk"},
	}
	before := "pending: waiting for approval (source team-blog is manual)"
	for i, s := range steps {
		if err := s.write(); err != nil {
			t.Fatal(err)
		}
		// Apply never touches the disk; Reload is what brings the change in.
		if got := statusOf(t, m, p); got != before {
			t.Fatalf("step %d: before Reload the kiosk shows %q, want %q", i+1, got, before)
		}
		changed, err := kiosk.Reload()
		if err != nil || !changed {
			t.Fatalf("step %d: Reload after the CLI wrote: changed=%v err=%v", i+1, changed, err)
		}
		if got := statusOf(t, m, p); got != s.want {
			t.Fatalf("step %d: kiosk shows %q, want %q", i+1, got, s.want)
		}
		if changed, _ := kiosk.Reload(); changed {
			t.Fatalf("step %d: a second Reload with no new write reported a change", i+1)
		}
		before = s.want
	}
}

// TestDeletedDecisionsFileIsWrittenBack: the decisions file (or the whole
// state directory) is deleted under the running kiosk. The kiosk must not
// show rejected posts again: it writes what it holds back, and says so.
func TestDeletedDecisionsFileIsWrittenBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	kiosk, _ := OpenDecisions(openStore(t, dir))
	p := post("p")
	if err := kiosk.Reject(p.ID, p.Link); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	_, err := kiosk.Reload()
	var re *RestoredError
	if !errors.As(err, &re) || re.Count != 1 || !strings.Contains(err.Error(), "was deleted while the kiosk ran; wrote the 1 decisions it holds back") {
		t.Fatalf("Reload after the file was deleted: %v", err)
	}
	if got := statusOf(t, New(Rules{}, nil, kiosk, nil), p); got != "rejected: rejected by an editor" {
		t.Errorf("after the deletion the kiosk shows %q", got)
	}
	// Another process sees the decision again.
	other, err := OpenDecisions(openStore(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := other.Lookup(p.ID, p.Link); !ok || d.Action != ActionReject {
		t.Errorf("written-back file holds %+v %v", d, ok)
	}
	if changed, err := kiosk.Reload(); changed || err != nil {
		t.Errorf("a second Reload: changed=%v err=%v", changed, err)
	}
}

func TestReloadKeepsDecisionsWhenTheFileIsDamaged(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	dec, _ := OpenDecisions(st)
	p := post("p")
	if err := dec.Reject(p.ID, p.Link); err != nil {
		t.Fatal(err)
	}
	// Someone edits the file by hand and breaks it.
	if err := os.WriteFile(st.Path(DecisionsKey), []byte(`{"version":1,"data":{"decisions":[{"id":`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := dec.Reload()
	var ce *store.CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("Reload of a broken file: %v, want a *store.CorruptError", err)
	}
	m := New(Rules{}, nil, dec, nil)
	if got := statusOf(t, m, p); got != "rejected: rejected by an editor" {
		t.Fatalf("after a broken hand edit the kiosk shows %q; it should keep the last decisions", got)
	}
	if changed, err := dec.Reload(); changed || err != nil {
		t.Fatalf("the damaged file is reported once: changed=%v err=%v", changed, err)
	}
}

func TestWriterDoesNotUndoAnotherWritersDecision(t *testing.T) {
	dir := t.TempDir()
	kiosk, _ := OpenDecisions(openStore(t, dir))
	cli, _ := OpenDecisions(openStore(t, dir))
	if err := cli.Reject("from-cli", ""); err != nil {
		t.Fatal(err)
	}
	// The kiosk's admin page decides without having reloaded first.
	if err := kiosk.Approve("from-admin", ""); err != nil {
		t.Fatal(err)
	}
	fresh, _ := OpenDecisions(openStore(t, dir))
	for id, want := range map[string]Action{"from-cli": ActionReject, "from-admin": ActionApprove} {
		if d, ok := fresh.Lookup(id, ""); !ok || d.Action != want {
			t.Errorf("post %s: decision %q (found %v), want %q", id, d.Action, ok, want)
		}
	}
}

func TestSkippedDecisionEntriesAreNamed(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	if err := st.Save(DecisionsKey, map[string]any{"decisions": []map[string]any{
		{"id": "good", "action": "reject"},
		{"id": "odd", "action": "promote"},
		{"action": "approve"},
	}}); err != nil {
		t.Fatal(err)
	}
	dec, err := OpenDecisions(st)
	if err == nil || !strings.Contains(err.Error(), `entry 2 (post odd): unknown action "promote"`) || !strings.Contains(err.Error(), "entry 3 has neither id nor link") {
		t.Fatalf("err = %v, want both bad entries named", err)
	}
	if d, ok := dec.Lookup("good", ""); !ok || d.Action != ActionReject {
		t.Fatal("a bad entry lost the good one")
	}
}

func TestDecisionNotSavedLeavesStateAsItWas(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	dec, _ := OpenDecisions(st)
	if err := dec.Approve("kept", ""); err != nil {
		t.Fatal(err)
	}
	// The state dir is replaced by a file, so every save fails (even for
	// root, who could write to a read-only directory).
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := dec.Reject("lost", "")
	if err == nil || !strings.Contains(err.Error(), "decision not saved") {
		t.Fatalf("Reject with no state dir: %v, want \"decision not saved\"", err)
	}
	if _, ok := dec.Lookup("lost", ""); ok {
		t.Fatal("a decision that was not saved is in force")
	}
	if _, ok := dec.Lookup("kept", ""); !ok {
		t.Fatal("an earlier decision was lost by a failed save")
	}
}

// TestDecisionsWhileTheScreenReads: the admin page decides while the player
// moderates and reloads for every slide (run with -race).
func TestDecisionsWhileTheScreenReads(t *testing.T) {
	dec, _ := OpenDecisions(openStore(t, t.TempDir()))
	m := New(Rules{}, map[string]Mode{"team-blog": Manual}, dec, nil)
	posts := []feeds.Post{post("a", source("team-blog")), post("b", source("team-blog"))}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 50; i++ {
			if _, err := dec.Reload(); err != nil {
				t.Error(err)
				return
			}
			for _, v := range m.Apply(posts, now) {
				if v.Status != Shown && v.Status != Pending && v.Status != Rejected {
					t.Errorf("post %s: unexpected %s", v.Post.ID, v.Status)
				}
			}
		}
	}()
	for i := 0; i < 20; i++ {
		p := posts[i%2]
		var err error
		if i%3 == 0 {
			err = dec.Reject(p.ID, p.Link)
		} else {
			err = dec.Approve(p.ID, p.Link)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	<-done
	// The last decisions: i=18 rejected "a", i=19 approved "b".
	if got := statusOf(t, m, posts[0]) + " / " + statusOf(t, m, posts[1]); got != "rejected: rejected by an editor / shown: approved by an editor" {
		t.Fatalf("after the last decisions: %s", got)
	}
}
