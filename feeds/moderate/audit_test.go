package moderate

import (
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

// The audit log says who did what to which post, newest first, survives a
// reopen (a restart of the hub), takes lines from two writers at once (the
// hub and the CLI), and skips a line a crash tore.
func TestAuditLog(t *testing.T) {
	dir := t.TempDir()
	hub := OpenAudit(openStore(t, dir))
	cli := OpenAudit(openStore(t, dir))
	p := post("p1", func(p *feeds.Post) {
		p.Text = "Welcome to our visitors from the city council, here in Berlin today, and thanks to everyone who made the long day possible."
	})
	until := now.Add(24 * time.Hour)
	e := Entry("ada", "pin", p, []string{"Berlin"}, until)
	e.At, e.From = now, "192.168.1.20"
	if err := hub.Record(e); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := hub
			if i%2 == 1 {
				w = cli
			}
			x := Entry("cli:alice", "approve", post("q"), nil, time.Time{})
			x.At = now.Add(time.Duration(i+1) * time.Second)
			if err := w.Record(x); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// A crash tore the last line; the next entry still reads.
	f, _ := os.OpenFile(hub.Path(), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"at":"2026-11-23T16:00:00Z","actor":"bo`)
	f.Close()
	if err := hub.Record(AuditEntry{Actor: "grace", Action: "revoke", ID: "p1", At: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := hub.Record(AuditEntry{Action: "revoke", ID: "p1"}); err == nil {
		t.Error("an entry without its actor was recorded")
	}

	got, bad, err := OpenAudit(openStore(t, dir)).Recent(100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 22 || bad != 1 {
		t.Fatalf("%d entries and %d unreadable lines, want 22 and 1", len(got), bad)
	}
	if got[0].Actor != "grace" || got[0].Action != "revoke" {
		t.Errorf("newest entry: %+v", got[0])
	}
	first := got[len(got)-1]
	if first.Actor != "ada" || first.Action != "pin" || first.ID != "p1" || first.Source != "social" || first.Author != "Grace Hopper" ||
		!first.Until.Equal(until) || len(first.Sites) != 1 || first.Sites[0] != "Berlin" || first.From != "192.168.1.20" || !first.At.Equal(now) {
		t.Errorf("oldest entry: %+v", first)
	}
	if !strings.HasSuffix(first.Text, "…") || len([]rune(first.Text)) > 121 || !strings.HasPrefix(first.Text, "Welcome to our visitors") {
		t.Errorf("the post's words in the log: %q", first.Text)
	}
	if few, _, _ := hub.Recent(3); len(few) != 3 || few[0].Actor != "grace" {
		t.Errorf("Recent(3): %+v", few)
	}
	if fi, err := os.Stat(hub.Path()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the audit log's mode: %v %v", fi.Mode(), err)
	}
}
