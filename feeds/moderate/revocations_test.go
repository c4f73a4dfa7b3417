package moderate

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/store"
)

// listServer is headquarters: it serves a revocation list with an ETag and
// answers 304 when the kiosk already has it.
type listServer struct {
	*httptest.Server
	mu       sync.Mutex
	body     []byte
	etag     string
	requests []string // "status If-None-Match" per request
	hit      chan struct{}
}

func newListServer(t *testing.T, body []byte, etag string) *listServer {
	t.Helper()
	s := &listServer{body: body, etag: etag, hit: make(chan struct{}, 100)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		inm := r.Header.Get("If-None-Match")
		status := http.StatusOK
		if inm != "" && inm == s.etag {
			status = http.StatusNotModified
		}
		s.requests = append(s.requests, fmt.Sprintf("%d %s", status, inm))
		w.Header().Set("ETag", s.etag)
		w.WriteHeader(status)
		if status == http.StatusOK {
			w.Write(s.body)
		}
		s.hit <- struct{}{}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *listServer) serve(body []byte, etag string) {
	s.mu.Lock()
	s.body, s.etag = body, etag
	s.mu.Unlock()
}

func (s *listServer) log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// revokedCentrally returns revocations that list p when central is set,
// pulled from a real server, and an empty list otherwise.
func revokedCentrally(t *testing.T, st *store.Store, central bool, p feeds.Post) *Revocations {
	t.Helper()
	if !central {
		r, err := OpenRevocations(st, "")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	srv := newListServer(t, []byte(fmt.Sprintf("[%q]", p.ID)), `"1"`)
	r, err := OpenRevocations(st, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Refresh(context.Background(), srv.Client()); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRevocationListConditionalGetBadListAndOffline(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	gone := post("p-central")
	gone2 := post("other-id", func(p *feeds.Post) { p.Link = "https://social.example/@grace/linked" })
	kept := post("p-fine")
	srv := newListServer(t, []byte(`["p-central", "https://social.example/@grace/linked"]`), `"v1"`)

	rev, err := OpenRevocations(openStore(t, dir), srv.URL+"/revoked.json")
	if err != nil {
		t.Fatal(err)
	}
	m := New(Rules{}, nil, nil, rev)
	check := func(step string) {
		t.Helper()
		for _, tt := range []struct {
			p    feeds.Post
			want string
		}{
			{gone, "revoked: revoked by headquarters"},
			{gone2, "revoked: revoked by headquarters"},
			{kept, "shown: shown: source auto-approves"},
		} {
			if got := statusOf(t, m, tt.p); got != tt.want {
				t.Errorf("%s: post %s is %q, want %q", step, tt.p.ID, got, tt.want)
			}
		}
	}

	if err := rev.Refresh(ctx, srv.Client()); err != nil {
		t.Fatal(err)
	}
	check("first pull")
	if err := rev.Refresh(ctx, srv.Client()); err != nil || rev.Err() != nil {
		t.Fatalf("second pull: %v / %v", err, rev.Err())
	}
	if got, want := strings.Join(srv.log(), ", "), `200 , 304 "v1"`; got != want {
		t.Fatalf("requests: %s, want %s (conditional GET, 304 the second time)", got, want)
	}
	check("after 304")

	// Headquarters' server shows a maintenance page with a 200.
	srv.serve(fixture(t, "revocations-outage.html"), `"v2"`)
	err = rev.Refresh(ctx, srv.Client())
	if err == nil || !strings.Contains(err.Error(), "not JSON") || !strings.Contains(err.Error(), "keeping the last good list (2 entries") || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("pull of an HTML page: %v, want an error naming the URL, saying it is not JSON and that the last list is kept", err)
	}
	if rev.Err() == nil || rev.Err().Error() != err.Error() {
		t.Fatalf("Err() = %v, want the refresh error for health", rev.Err())
	}
	check("after a bad list")

	// Restart with the network gone: the list kept on disk still applies.
	srv.Close()
	rev2, err := OpenRevocations(openStore(t, dir), srv.URL+"/revoked.json")
	if err != nil {
		t.Fatal(err)
	}
	m = New(Rules{}, nil, nil, rev2)
	check("after a restart, before any pull")
	if err := rev2.Refresh(ctx, http.DefaultClient); err == nil || rev2.Err() == nil {
		t.Fatal("a pull from a closed server reported no error")
	}
	check("after a restart with the server down")

	// Headquarters publishes a good list again: the new one replaces it.
	srv2 := newListServer(t, []byte(`{"revoked": []}`), `"v3"`)
	rev3, _ := OpenRevocations(openStore(t, dir), srv2.URL)
	if !rev3.Revoked(gone.ID, "") {
		t.Fatal("the list from the old URL should apply until the new URL has answered")
	}
	if err := rev3.Refresh(ctx, srv2.Client()); err != nil {
		t.Fatal(err)
	}
	if got := srv2.log(); len(got) != 1 || got[0] != "200 " {
		t.Fatalf("first pull from a new URL sent validators of the old one: %v", got)
	}
	if got := statusOf(t, New(Rules{}, nil, nil, rev3), gone); got != "shown: shown: source auto-approves" {
		t.Fatalf("after an empty list, post is %q", got)
	}
}

func TestRevocationListForms(t *testing.T) {
	tests := []struct {
		fixture     string
		revoked     []feeds.Post
		wantErrs    []string // each must appear in the error; none = no error
		wantEntries int
	}{
		{
			fixture: "revocations-array.json",
			revoked: []feeds.Post{post("p-revoked-1"), post("x", func(p *feeds.Post) { p.Link = "https://social.example/@ada/110" })},
			wantErrs: []string{"entry 3 is empty; skipped",
				"entry 4 is neither a string nor an object"},
			wantEntries: 2,
		},
		{
			fixture:     "revocations-object.json",
			revoked:     []feeds.Post{post("p-revoked-2"), post("y", func(p *feeds.Post) { p.Link = "https://blog.example.com/leak" })},
			wantErrs:    []string{`entry 3 has neither "id" nor "link"; skipped`},
			wantEntries: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			srv := newListServer(t, fixture(t, tt.fixture), `"a"`)
			rev, _ := OpenRevocations(openStore(t, t.TempDir()), srv.URL)
			err := rev.Refresh(context.Background(), srv.Client())
			for _, want := range tt.wantErrs {
				if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), srv.URL) {
					t.Fatalf("err = %v, want it to name %s and say %q", err, srv.URL, want)
				}
			}
			if rev.Len() != tt.wantEntries {
				t.Fatalf("list holds %d entries, want %d (bad entries skipped, good ones kept)", rev.Len(), tt.wantEntries)
			}
			m := New(Rules{}, nil, nil, rev)
			for _, p := range tt.revoked {
				if got := statusOf(t, m, p); got != "revoked: revoked by headquarters" {
					t.Errorf("post %s (%s): %q", p.ID, p.Link, got)
				}
			}
			if got := statusOf(t, m, post("unlisted")); got != "shown: shown: source auto-approves" {
				t.Errorf("unlisted post: %q", got)
			}
		})
	}
}

func TestRevocationsCorruptFileOnDisk(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	if err := os.WriteFile(st.Path(RevocationsKey), fixture(t, "random-bytes.bin"), 0o644); err != nil {
		t.Fatal(err)
	}
	rev, err := OpenRevocations(st, "")
	if err == nil || !strings.Contains(err.Error(), "revocation list") {
		t.Fatalf("err = %v, want the damaged revocation list reported", err)
	}
	if rev == nil || rev.Len() != 0 || rev.Refresh(context.Background(), nil) != nil {
		t.Fatal("Revocations should be usable and empty after a damaged file")
	}
}

func TestRevocationsRunPullsRepeatedly(t *testing.T) {
	srv := newListServer(t, []byte(`["p"]`), `"r"`)
	rev, _ := OpenRevocations(openStore(t, t.TempDir()), srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		rev.Run(ctx, srv.Client(), time.Millisecond, slog.New(slog.DiscardHandler))
		close(done)
	}()
	<-srv.hit
	<-srv.hit
	cancel()
	<-done
	got := srv.log()
	if len(got) < 2 || got[0] != "200 " || got[1] != `304 "r"` {
		t.Fatalf("requests: %v, want a full pull then conditional ones", got)
	}
	if !rev.Revoked("p", "") {
		t.Fatal("Run did not apply the list")
	}
}
