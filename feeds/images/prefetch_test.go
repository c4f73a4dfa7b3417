package images

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestPrefetchThenOffline: a feed's five pictures are fetched ahead, the
// server goes away, and every one of them comes from disk — in a new Loader
// too (the kiosk restarted offline).
func TestPrefetchThenOffline(t *testing.T) {
	files := map[string][]byte{}
	var srcs []string
	srv := newImageServer(t, files)
	for i := range 5 {
		p := fmt.Sprintf("/p%d.jpg", i)
		srv.set(p, encodeJPEG(t, halves(600+i*10, 400)))
		srcs = append(srcs, srv.url(p))
	}
	dir := t.TempDir()
	l := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 300, BoxHeight: 300})
	rep := l.Prefetch(t.Context(), append(srcs, srcs[0], "", "/no/such/local.jpg"))
	if rep.Fetched != 5 || rep.Failed != 0 {
		t.Fatalf("prefetch: %s, want 5 fetched", rep)
	}
	if n, _ := l.Stats(); n != 0 {
		t.Errorf("prefetch filled the memory cache with %d pictures; it holds what is on screen", n)
	}
	srv.srv.Close()
	for _, l := range []*Loader{l, newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 300, BoxHeight: 300})} {
		for i, src := range srcs {
			img, err := l.Get(t.Context(), src)
			if err != nil {
				t.Fatalf("picture %d offline: %v", i, err)
			}
			if want := (300*(600+i*10) + 200) / 400; img.Bounds().Dx() != want {
				t.Errorf("picture %d offline: %v, want %d wide", i, img.Bounds().Size(), want)
			}
		}
	}
}

// TestPrefetchIsPolite: a second round asks for nothing; once a picture is
// due to be checked again it is asked for with its ETag, and the server's
// 304 keeps the copy; a picture changed at the same address (a new avatar)
// is fetched and replaces the old one, in memory too.
func TestPrefetchIsPolite(t *testing.T) {
	srv := newImageServer(t, map[string][]byte{"/ada.png": encodePNG(t, halves(200, 200))})
	dir := t.TempDir()
	now := time.Now()
	l := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 100, BoxHeight: 100, Recheck: time.Hour})
	src := srv.url("/ada.png")
	if rep := l.Prefetch(t.Context(), []string{src}); rep.Fetched != 1 {
		t.Fatalf("first round: %s", rep)
	}
	if rep := l.Prefetch(t.Context(), []string{src}); rep.Kept != 1 || srv.fetches.Load() != 1 {
		t.Fatalf("second round: %s after %d requests; want no request", rep, srv.fetches.Load())
	}
	before, _ := l.Get(t.Context(), src)

	// An hour later: a conditional GET, answered 304.
	ageCache(t, dir, now.Add(-2*time.Hour))
	l = newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 100, BoxHeight: 100, Recheck: time.Hour})
	if rep := l.Prefetch(t.Context(), []string{src}); rep.Unchanged != 1 || srv.notModified.Load() != 1 {
		t.Fatalf("recheck: %s, %d answered 304; want one 304", rep, srv.notModified.Load())
	}
	if rep := l.Prefetch(t.Context(), []string{src}); rep.Kept != 1 {
		t.Fatalf("after the 304 the check is not due again: %s", rep)
	}

	// The avatar changes at the same address.
	ageCache(t, dir, now.Add(-2*time.Hour))
	l = newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 100, BoxHeight: 100, Recheck: time.Hour})
	old, _ := l.Get(t.Context(), src)
	srv.set("/ada.png", encodePNG(t, halves(300, 150)))
	if rep := l.Prefetch(t.Context(), []string{src}); rep.Fetched != 1 {
		t.Fatalf("changed picture: %s", rep)
	}
	now2, err := l.Get(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	if now2.Bounds().Size() == old.Bounds().Size() || now2.Bounds().Size() != image.Pt(200, 100) {
		t.Errorf("after the change the screen gets %v (before %v, first %v), want the new 200×100", now2.Bounds().Size(), old.Bounds().Size(), before.Bounds().Size())
	}
}

// ageCache sets the "checked" time kept in every cached file to t.
func ageCache(t *testing.T, dir string, at time.Time) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*k2.*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := readMeta(data)
		if err != nil {
			t.Fatal(err)
		}
		body, err := stripMeta(data)
		if err != nil {
			t.Fatal(err)
		}
		m.checked = at
		if body, err = withMeta(body, m); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDiskCapEvictsLeastRecentlyShown: the disk cache stays under its cap
// while running; what goes first is what was shown longest ago, not what
// was fetched first.
func TestDiskCapEvictsLeastRecentlyShown(t *testing.T) {
	files := map[string][]byte{}
	srv := newImageServer(t, files)
	var srcs []string
	for i := range 6 {
		p := fmt.Sprintf("/p%d.png", i)
		srv.set(p, encodePNG(t, seeded(100, 100, i))) // 40 KB each, the box's size: kept as is
		srcs = append(srcs, srv.url(p))
	}
	one := int64(len(files["/p0.png"]))
	dir := t.TempDir()
	var logs bytes.Buffer
	// Room for four pictures, with a state directory holding 10 KB besides.
	l := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 100, BoxHeight: 100,
		DiskLimit: 4*one + 10_000 + one/2, DiskOther: func() int64 { return 10_000 }, Logger: quietLogger(&logs)})
	for i := range 4 {
		if _, err := l.Get(t.Context(), srcs[i]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // distinct times
	}
	// p0 is shown again: now p1 is the one shown longest ago.
	if _, err := l.Get(t.Context(), srcs[0]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	for i := 4; i < 6; i++ {
		if _, err := l.Get(t.Context(), srcs[i]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	n, bytes := l.DiskStats()
	if n != 4 || bytes > 4*one+one/2 {
		t.Errorf("disk cache holds %d files, %d bytes; want 4 within the cap", n, bytes)
	}
	kept := map[int]bool{}
	for i, src := range srcs {
		s, _ := l.resolve(src)
		if _, err := os.Stat(filepath.Join(dir, s.key+".png")); err == nil {
			kept[i] = true
		}
	}
	for i, want := range map[int]bool{0: true, 1: false, 2: false, 3: true, 4: true, 5: true} {
		if kept[i] != want {
			t.Errorf("picture %d kept = %v, want %v (kept: %v)", i, kept[i], want, kept)
		}
	}
	// A restart keeps the order: the file times say when each was shown.
	l2 := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 100, BoxHeight: 100, DiskLimit: 3*one + 10_000 + one/2,
		DiskOther: func() int64 { return 10_000 }, Logger: quietLogger(&logs)})
	if n, _ := l2.DiskStats(); n != 3 {
		t.Errorf("after a restart with a smaller cap %d files, want 3", n)
	}
	if !strings.Contains(logs.String(), "evicted") {
		t.Errorf("eviction not logged:\n%s", logs.String())
	}
}

// TestPrefetchDoesNotChurnAFullCache: when the showable pictures do not all
// fit under the cap, a round keeps what fits and says how many it could not
// keep, instead of evicting its own pictures one after the other.
func TestPrefetchDoesNotChurnAFullCache(t *testing.T) {
	files := map[string][]byte{}
	srv := newImageServer(t, files)
	var srcs []string
	for i := range 5 {
		p := fmt.Sprintf("/p%d.png", i)
		srv.set(p, encodePNG(t, seeded(100, 100, i)))
		srcs = append(srcs, srv.url(p))
	}
	one := int64(len(files["/p0.png"]))
	var logs bytes.Buffer
	l := newLoader(t, Options{Dir: t.TempDir(), Fetch: srv.fetch, BoxWidth: 100, BoxHeight: 100, DiskLimit: 3*one + one/2,
		Prefetchers: 1, Logger: quietLogger(&logs)})
	rep := l.Prefetch(t.Context(), srcs)
	if rep.Fetched != 3 || rep.Full != 2 {
		t.Errorf("round: %s, want 3 kept and 2 not kept", rep)
	}
	if n, _ := l.DiskStats(); n != 3 {
		t.Errorf("%d files kept, want 3", n)
	}
	if !strings.Contains(logs.String(), "state_dir_max_mb") {
		t.Errorf("the full cache is not explained in the log:\n%s", logs.String())
	}
}

// TestDeletedCacheFolderIsMadeAgain: someone deletes state_dir (or its
// images folder) while the kiosk runs. The next picture saved makes it again,
// and a prefetch round puts back every picture that was in it.
func TestDeletedCacheFolderIsMadeAgain(t *testing.T) {
	srv := newImageServer(t, map[string][]byte{"/a.jpg": encodeJPEG(t, halves(600, 400)), "/b.jpg": encodeJPEG(t, halves(600, 400))})
	state := t.TempDir()
	dir := filepath.Join(state, "images")
	var logs bytes.Buffer
	l := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 300, BoxHeight: 300, Logger: quietLogger(&logs)})
	srcs := []string{srv.url("/a.jpg"), srv.url("/b.jpg")}
	if rep := l.Prefetch(t.Context(), srcs); rep.Fetched != 2 {
		t.Fatal(rep)
	}
	if err := os.RemoveAll(state); err != nil {
		t.Fatal(err)
	}
	rep := l.Prefetch(context.Background(), srcs)
	if rep.Fetched != 2 {
		t.Errorf("after the folder went: %s, want both fetched again", rep)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 2 {
		t.Fatalf("images folder after the round: %v, %v; want it back with 2 pictures", entries, err)
	}
	if n, _ := l.DiskStats(); n != 2 {
		t.Errorf("index says %d files, want 2", n)
	}
	if !strings.Contains(logs.String(), "deleted while running") {
		t.Errorf("not logged:\n%s", logs.String())
	}
}

// seeded is noise (which does not compress) that differs with seed.
func seeded(w, h, seed int) *image.NRGBA {
	m := noise(w, h)
	for i := range m.Pix {
		m.Pix[i] ^= byte(seed * 37)
	}
	return m
}

// TestPrefetchLeavesABrokenPictureAlone: a picture that cannot be decoded
// is asked for once, not again at every round (each feed change).
func TestPrefetchLeavesABrokenPictureAlone(t *testing.T) {
	srv := newImageServer(t, map[string][]byte{"/cut.jpg": encodeJPEG(t, halves(200, 100))[:300]})
	l := newLoader(t, Options{Dir: t.TempDir(), Fetch: srv.fetch, Logger: quietLogger(&bytes.Buffer{})})
	for range 3 {
		if rep := l.Prefetch(t.Context(), []string{srv.url("/cut.jpg")}); rep.Failed != 1 {
			t.Fatalf("round: %s, want 1 failed", rep)
		}
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Errorf("the broken picture was asked for %d times in 3 rounds, want once", n)
	}
	// The slide still tries.
	if _, err := l.Get(t.Context(), srv.url("/cut.jpg")); err == nil || srv.fetches.Load() != 2 {
		t.Errorf("Get = %v after %d fetches; want it to try again and fail", err, srv.fetches.Load())
	}
}

// A picture whose post left its feed during the round (the fetcher says
// ErrUnnamed) is no failure: not counted, not logged, and not kept from
// the next round, when a post may name it again.
func TestPrefetchSkipsAPictureNoPostNames(t *testing.T) {
	var named atomic.Bool
	var asked atomic.Int64
	var log bytes.Buffer
	data := encodeJPEG(t, halves(200, 100))
	fetch := func(_ context.Context, r Request) (Response, error) {
		asked.Add(1)
		if !named.Load() {
			return Response{}, fmt.Errorf("%s: %w", r.URL, ErrUnnamed)
		}
		return Response{Body: data}, nil
	}
	l := newLoader(t, Options{Dir: t.TempDir(), Fetch: fetch, Logger: quietLogger(&log)})
	const src = "http://10.0.0.5/left.jpg"
	if rep := l.Prefetch(t.Context(), []string{src}); rep.Failed != 0 || rep.Fetched != 0 {
		t.Errorf("round with the post gone: %s, want nothing failed or fetched", rep)
	}
	if log.Len() > 0 {
		t.Errorf("logged: %s", log.String())
	}
	named.Store(true)
	if rep := l.Prefetch(t.Context(), []string{src}); rep.Fetched != 1 {
		t.Errorf("round with the post back: %s, want it fetched", rep)
	}
	if n := asked.Load(); n != 2 {
		t.Errorf("asked %d times, want 2", n)
	}
}
