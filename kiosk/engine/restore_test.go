package engine

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/config"
)

// TestRestoreStateAfterTheDirectoryIsDeleted: the state directory is
// deleted under a running engine. Each source's content, the decisions,
// the revocation list and what was added with AlsoKeep come back, and a
// rejected post stays rejected.
func TestRestoreStateAfterTheDirectoryIsDeleted(t *testing.T) {
	srv := httptest.NewServer(&feedServer{hits: map[string]int{}})
	defer srv.Close()
	rev := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"revoked":["https://example.invalid/none"]}`)
	}))
	defer rev.Close()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	cfg, err := config.Parse(filepath.Join(dir, "kiosk.toml"), []byte(`state_dir = "state"
[[source]]
name = "lobby"
kind = "posts"
url = "`+srv.URL+`/lobby.rss"
[moderation]
revocations_url = "`+rev.URL+`"
`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Open(cfg, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	extra := filepath.Join(state, "extra.json")
	e.AlsoKeep(func() bool {
		if _, err := os.Stat(extra); err == nil {
			return false
		}
		return os.WriteFile(extra, []byte("{}"), 0o644) == nil
	})
	e.RefreshOnce(t.Context())
	shown := e.Report(time.Now()).Shown()
	if len(shown) == 0 {
		t.Fatal("no posts")
	}
	if err := e.Decisions().Reject(shown[0].ID, shown[0].Link); err != nil {
		t.Fatal(err)
	}
	if n := e.RestoreState(); n != 1 {
		t.Errorf("with everything in place RestoreState wrote %d files, want only the extra one", n)
	}
	before := listState(t, state)

	if err := os.RemoveAll(state); err != nil {
		t.Fatal(err)
	}
	if n := e.RestoreState(); n != 4 {
		t.Errorf("RestoreState wrote %d files, want 4 (source, decisions, revocations, extra)", n)
	}
	if after := listState(t, state); after != before {
		t.Errorf("state dir after the deletion holds %s, before it held %s", after, before)
	}
	for _, p := range e.Report(time.Now()).Posts {
		if p.ID == shown[0].ID && p.Status != moderate.Rejected {
			t.Errorf("the rejected post is %s after the deletion", p.Status)
		}
	}
	// And for another process: the decision is on disk again.
	again, err := Open(cfg, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range again.Report(time.Now()).Posts {
		if p.ID == shown[0].ID && p.Status != moderate.Rejected {
			t.Errorf("after a restart the rejected post is %s", p.Status)
		}
	}
}

// listState names the JSON files in dir, for comparing.
func listState(t *testing.T, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for i := range m {
		m[i] = filepath.Base(m[i])
	}
	sort.Strings(m)
	return strings.Join(m, " ")
}
