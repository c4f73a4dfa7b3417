package images

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lobbykiosk/feeds/fetch"
)

// imageServer serves files by path on 127.0.0.1, with an ETag that
// answers a conditional GET with 304 as a real server does, and counts the
// requests (fetches) and the 304s among them.
type imageServer struct {
	srv         *httptest.Server
	mu          sync.Mutex
	files       map[string][]byte
	fetches     atomic.Int32
	notModified atomic.Int32
	client      *fetch.Client
}

func newImageServer(t *testing.T, files map[string][]byte) *imageServer {
	s := &imageServer{files: files}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		data, ok := s.files[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		sum := sha256.Sum256(data)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			s.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write(data)
	}))
	t.Cleanup(s.srv.Close)
	s.client = fetch.New("test")
	s.client.Timeout = 5 * time.Second
	return s
}

func (s *imageServer) url(path string) string { return s.srv.URL + path }

// set replaces (or adds) the file at path.
func (s *imageServer) set(path string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = data
}

// fetch is the kiosk's: the feeds' HTTP client, conditional GET included.
func (s *imageServer) fetch(ctx context.Context, r Request) (Response, error) {
	return ClientFetch(s.client)(ctx, r)
}

func quietLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, nil))
}

func newLoader(t *testing.T, o Options) *Loader {
	t.Helper()
	l, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func size(img image.Image) image.Point { return img.Bounds().Size() }

func TestGetUsesDiskCacheAfterRestart(t *testing.T) {
	srv := newImageServer(t, map[string][]byte{
		"/photo.jpg": encodeJPEG(t, halves(750, 500)),
		"/logo.png":  encodePNG(t, withAlpha(500, 500)),
		"/small.gif": encodeGIF(t, halves(40, 20)),
		"/tiny.jpg":  encodeJPEG(t, halves(64, 32)),
	})
	dir := filepath.Join(t.TempDir(), "images")
	tests := []struct {
		path string
		size image.Point
		ext  string // how the disk cache keeps it
	}{
		// Kept to cover the 480×270 box: 480 wide, however tall.
		{"/photo.jpg", image.Pt(480, 320), ".jpg"},
		{"/logo.png", image.Pt(480, 480), ".png"},
		{"/small.gif", image.Pt(40, 20), ".jpg"},
		{"/tiny.jpg", image.Pt(64, 32), ".jpg"},
	}
	small := Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 480, BoxHeight: 270}
	first := newLoader(t, small)
	for _, tc := range tests {
		img, err := first.Get(t.Context(), srv.url(tc.path))
		if err != nil {
			t.Fatal(err)
		}
		if size(img) != tc.size {
			t.Errorf("%s: size %v, want %v", tc.path, size(img), tc.size)
		}
		if _, err := first.Get(t.Context(), srv.url(tc.path)); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.fetches.Load(); n != int32(len(tests)) {
		t.Fatalf("%d fetches for %d images asked for twice, want one each", n, len(tests))
	}
	for _, tc := range tests {
		s, err := first.resolve(srv.url(tc.path))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, s.key+tc.ext)); err != nil {
			t.Errorf("%s: not kept as %s in the disk cache: %v", tc.path, tc.ext, err)
		}
	}

	// The kiosk restarts with the network gone: everything comes from disk.
	srv.srv.Close()
	second := newLoader(t, small)
	for _, tc := range tests {
		img, err := second.Get(t.Context(), srv.url(tc.path))
		if err != nil {
			t.Fatalf("%s after restart: %v", tc.path, err)
		}
		if size(img) != tc.size {
			t.Errorf("%s after restart: size %v, want %v", tc.path, size(img), tc.size)
		}
	}
	if n := srv.fetches.Load(); n != int32(len(tests)) {
		t.Errorf("fetch was called %d times in all, want %d: the disk cache was not used", n, len(tests))
	}
	if logo, _ := second.Get(t.Context(), srv.url("/logo.png")); !near(logo.At(5, 5), clear, 0) || !near(logo.At(5, 400), red, 8) {
		t.Errorf("logo lost its transparency or colour in the disk cache: %v, %v", logo.At(5, 5), logo.At(5, 200))
	}
	if entries, _ := second.Stats(); entries != len(tests) {
		t.Errorf("Stats entries = %d, want %d", entries, len(tests))
	}
}

func TestGetNewBoxSizeIsANewCacheEntry(t *testing.T) {
	srv := newImageServer(t, map[string][]byte{"/photo.jpg": encodeJPEG(t, halves(1800, 1200))})
	dir := t.TempDir()
	hd := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 300, BoxHeight: 300})
	if img, err := hd.Get(t.Context(), srv.url("/photo.jpg")); err != nil || size(img) != image.Pt(450, 300) {
		t.Fatalf("Get = %v, %v", img, err)
	}
	big := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 900, BoxHeight: 900})
	if img, err := big.Get(t.Context(), srv.url("/photo.jpg")); err != nil || size(img) != image.Pt(1350, 900) {
		t.Fatalf("after the screen grew, Get = %v, %v; want 1350×900, not the 450×300 copy", img, err)
	}
}

func TestGetLocalFiles(t *testing.T) {
	dir := t.TempDir()
	share := t.TempDir()
	photo := filepath.Join(share, "team photo.jpg")
	if err := os.WriteFile(photo, encodeJPEG(t, halves(800, 400)), 0o644); err != nil {
		t.Fatal(err)
	}
	l := newLoader(t, Options{Dir: dir, BoxWidth: 480, BoxHeight: 270})
	fileURL := (&url.URL{Scheme: "file", Path: photo}).String()
	for _, src := range []string{photo, fileURL} {
		img, err := l.Get(t.Context(), src)
		if err != nil {
			t.Fatalf("Get(%s): %v", src, err)
		}
		if size(img) != image.Pt(540, 270) {
			t.Errorf("Get(%s): size %v, want 540×270 (covering 480×270)", src, size(img))
		}
	}

	// Someone drops a new picture under the same name: it must show.
	if err := os.WriteFile(photo, encodePNG(t, halves(200, 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Minute)
	if err := os.Chtimes(photo, future, future); err != nil {
		t.Fatal(err)
	}
	img, err := l.Get(t.Context(), photo)
	if err != nil {
		t.Fatal(err)
	}
	if size(img) != image.Pt(200, 200) {
		t.Errorf("replaced file: size %v, want the new 200×200 picture", size(img))
	}
}

func TestGetErrorsNameTheImage(t *testing.T) {
	srv := newImageServer(t, map[string][]byte{
		"/huge.png":  pngHeaderOnly(100000, 100000),
		"/cut.jpg":   encodeJPEG(t, halves(200, 100))[:400],
		"/login":     []byte("<html><body>Sign in</body></html>"),
		"/heavy.png": encodePNG(t, noise(100, 100)),
	})
	share := t.TempDir()
	bigFile := filepath.Join(share, "big.png")
	if err := os.WriteFile(bigFile, encodePNG(t, noise(100, 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	withFetch := newLoader(t, Options{Dir: t.TempDir(), Fetch: srv.fetch, MaxBytes: 2000})
	noFetch := newLoader(t, Options{Dir: t.TempDir()})
	tests := []struct {
		l    *Loader
		src  string
		want string
	}{
		{withFetch, srv.url("/huge.png"), "image " + srv.url("/huge.png") + ": header claims 100000×100000 pixels (limit 50 MP)"},
		{withFetch, srv.url("/cut.jpg"), "image " + srv.url("/cut.jpg") + ": truncated JPEG (the file ends before the picture does)"},
		{withFetch, srv.url("/login"), "image " + srv.url("/login") + ": unsupported format (expected JPEG, PNG, GIF or WebP): this is an HTML or XML page, not a picture; check the address"},
		{withFetch, srv.url("/gone.jpg"), "image " + srv.url("/gone.jpg") + ": 404 Not Found from " + srv.url("/gone.jpg")},
		{withFetch, srv.url("/heavy.png"), "image " + srv.url("/heavy.png") + ": "}, // size follows
		{withFetch, bigFile, "image " + bigFile + ": file is over the 2.0 KiB limit"},
		{noFetch, srv.url("/heavy.png"), "image " + srv.url("/heavy.png") + ": web images are not allowed here (no fetcher configured)"},
		{noFetch, filepath.Join(share, "missing.jpg"), "image " + filepath.Join(share, "missing.jpg") + ": file not found"},
		{noFetch, share, "image " + share + ": this is a folder, not an image file"},
		{noFetch, "ftp://example.com/a.jpg", `image ftp://example.com/a.jpg: address scheme "ftp" is not supported (expected an http(s) URL, a file:// URL or a file path)`},
		{noFetch, "file://nas/share/a.jpg", `image file://nas/share/a.jpg: file URL names host "nas"; only local files can be read`},
		{noFetch, "", "image: no address given"},
	}
	for _, tc := range tests {
		img, err := tc.l.Get(t.Context(), tc.src)
		if err == nil {
			t.Errorf("Get(%q) gave a %v image, want an error", tc.src, size(img))
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Get(%q) error\n got %q\nwant %q", tc.src, err, tc.want)
		}
	}
	_, err := withFetch.Get(t.Context(), srv.url("/heavy.png"))
	if err == nil || !strings.HasSuffix(err.Error(), "KiB, over the 2.0 KiB limit") {
		t.Errorf("oversized download error = %v, want it to give the size and the limit", err)
	}
	if entries, bytes := withFetch.Stats(); entries != 0 || bytes != 0 {
		t.Errorf("failed images are held in memory: %d entries, %d bytes", entries, bytes)
	}
}

func TestGetKeepsMemoryWithinBudget(t *testing.T) {
	share := t.TempDir()
	const budget = 100_000
	l := newLoader(t, Options{Budget: budget})
	var last image.Image
	for i := range 20 {
		p := filepath.Join(share, fmt.Sprintf("%02d.png", i))
		if err := os.WriteFile(p, encodePNG(t, halves(64+i, 64)), 0o644); err != nil {
			t.Fatal(err)
		}
		img, err := l.Get(t.Context(), p)
		if err != nil {
			t.Fatal(err)
		}
		if entries, b := l.Stats(); b > budget || entries == 0 {
			t.Fatalf("after %d images: %d entries, %d bytes; want some, within %d", i+1, entries, b, budget)
		}
		last = img
	}
	entries, b := l.Stats()
	if entries >= 20 {
		t.Errorf("%d entries held, want old ones evicted", entries)
	}
	var sum int64
	for i := 20 - entries; i < 20; i++ {
		sum += int64((64 + i) * 64 * 4)
	}
	if b != sum {
		t.Errorf("Stats bytes = %d, want %d for the %d newest images", b, sum, entries)
	}
	if again, _ := l.Get(t.Context(), filepath.Join(share, "19.png")); again != last {
		t.Error("the newest image was not served from memory")
	}
}

func TestConcurrentGetsDecodeOnce(t *testing.T) {
	const callers = 8
	release := make(chan struct{})
	var fetches atomic.Int32
	data := encodeJPEG(t, halves(960, 480))
	joined := make(chan string, callers)
	l := newLoader(t, Options{Dir: t.TempDir(), BoxWidth: 480, BoxHeight: 270, Fetch: func(ctx context.Context, r Request) (Response, error) {
		fetches.Add(1)
		<-release
		return Response{Body: data}, nil
	}})
	l.joined = func(key string) { joined <- key }

	type result struct {
		img image.Image
		err error
	}
	results := make(chan result, callers)
	for range callers {
		go func() {
			img, err := l.Get(t.Context(), "https://cdn.example.com/team.jpg")
			results <- result{img, err}
		}()
	}
	// All but the first wait for its load; then let the load finish.
	for range callers - 1 {
		<-joined
	}
	close(release)
	var first image.Image
	for range callers {
		r := <-results
		if r.err != nil {
			t.Fatal(r.err)
		}
		if first == nil {
			first = r.img
		}
		if r.img != first {
			t.Error("callers got different images: it was decoded more than once")
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("fetched %d times for %d concurrent callers, want 1", n, callers)
	}
	if size(first) != image.Pt(540, 270) {
		t.Errorf("size %v, want 540×270", size(first))
	}
}

func TestGetSurvivesTheFirstCallerGivingUp(t *testing.T) {
	var fetches atomic.Int32
	data := encodePNG(t, halves(20, 10))
	joined := make(chan string, 1)
	started := make(chan struct{})
	l := newLoader(t, Options{Fetch: func(ctx context.Context, r Request) (Response, error) {
		if fetches.Add(1) == 1 {
			close(started)
			<-ctx.Done() // the first caller's slide moved on
			return Response{}, ctx.Err()
		}
		return Response{Body: data}, nil
	}})
	l.joined = func(key string) { joined <- key }
	ctx, cancel := context.WithCancel(t.Context())
	firstErr := make(chan error, 1)
	go func() {
		_, err := l.Get(ctx, "https://cdn.example.com/a.png")
		firstErr <- err
	}()
	<-started
	second := make(chan error, 1)
	var img image.Image
	go func() {
		// Started only once the first load is running, so it joins it.
		var err error
		img, err = l.Get(t.Context(), "https://cdn.example.com/a.png")
		second <- err
	}()
	<-joined
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("first caller: %v, want context.Canceled", err)
	}
	if err := <-second; err != nil {
		t.Fatalf("second caller inherited the first one's cancellation: %v", err)
	}
	if size(img) != image.Pt(20, 10) {
		t.Errorf("size %v, want 20×10", size(img))
	}
}

func TestDamagedDiskCacheFileIsReplaced(t *testing.T) {
	srv := newImageServer(t, map[string][]byte{"/a.jpg": encodeJPEG(t, halves(960, 480))})
	dir := t.TempDir()
	if _, err := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 480, BoxHeight: 270}).Get(t.Context(), srv.url("/a.jpg")); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.jpg"))
	if len(files) != 1 {
		t.Fatalf("disk cache holds %v, want one JPEG", files)
	}
	if err := os.WriteFile(files[0], []byte("\xff\xd8\xff garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	l := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 480, BoxHeight: 270, Logger: quietLogger(&logs)})
	img, err := l.Get(t.Context(), srv.url("/a.jpg"))
	if err != nil || size(img) != image.Pt(540, 270) {
		t.Fatalf("Get = %v, %v; want the image fetched again", img, err)
	}
	if n := srv.fetches.Load(); n != 2 {
		t.Errorf("fetched %d times, want 2 (the damaged copy must be replaced)", n)
	}
	if !strings.Contains(logs.String(), "cached image is damaged") {
		t.Errorf("damaged cache file not logged:\n%s", logs.String())
	}
	if data, _ := os.ReadFile(files[0]); len(data) < 500 {
		t.Error("the damaged cache file was not rewritten")
	}
}

func TestGetShowsImageWhenDiskCacheCannotBeWritten(t *testing.T) {
	srv := newImageServer(t, map[string][]byte{"/a.jpg": encodeJPEG(t, halves(960, 480))})
	dir := filepath.Join(t.TempDir(), "images")
	var logs bytes.Buffer
	l := newLoader(t, Options{Dir: dir, Fetch: srv.fetch, BoxWidth: 480, BoxHeight: 270, Logger: quietLogger(&logs)})
	// The cache directory vanishes and a file takes its place (as root,
	// permissions would not stop the write).
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := l.Get(t.Context(), srv.url("/a.jpg"))
	if err != nil || size(img) != image.Pt(540, 270) {
		t.Fatalf("Get = %v, %v; the picture must show even when it cannot be cached", img, err)
	}
	if !strings.Contains(logs.String(), "cannot be kept in the disk cache") {
		t.Errorf("failed cache write not logged:\n%s", logs.String())
	}
}

func TestNewPrunesTheDiskCache(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-40 * 24 * time.Hour)
	hash := strings.Repeat("ab", 32)
	files := map[string]bool{ // name: should survive
		hash + "-960x1080k2.jpg":            false, // unused for 40 days
		"cd" + hash[2:] + "-960x1080k2.png": true,  // recent
		"ef" + hash[2:] + "-1920x1080.jpg":  false, // an earlier version's copy
		".tmp-123456":                       false, // left by a crash
		"notes.txt":                         true,  // not ours
		"holiday.jpg":                       true,  // not ours, however old
	}
	for name := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "cd") {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	newLoader(t, Options{Dir: dir})
	for name, keep := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if kept := err == nil; kept != keep {
			t.Errorf("%s: kept = %v, want %v", name, kept, keep)
		}
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		o    Options
		want string
	}{
		{Options{Budget: -1}, "must not be negative"},
		{Options{Dir: filepath.Join(file, "images")}, "image cache directory " + filepath.Join(file, "images") + " cannot be created"},
	}
	for _, tc := range tests {
		if _, err := New(tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want %q", tc.o, err, tc.want)
		}
	}
}

func TestByteLRU(t *testing.T) {
	c, err := NewByteLRU[string](10, func(s string) int64 { return int64(len(s)) })
	if err != nil {
		t.Fatal(err)
	}
	c.Add("a", "aaaa")
	c.Add("b", "bbbb")
	if _, ok := c.Get("a"); !ok { // a is now the most recently used
		t.Fatal("a missing")
	}
	c.Add("c", "cccc") // 12 bytes: b, the least recently used, goes
	if _, ok := c.Get("b"); ok {
		t.Error("b should have been evicted")
	}
	if c.Len() != 2 || c.Bytes() != 8 {
		t.Errorf("Len %d Bytes %d, want 2 and 8", c.Len(), c.Bytes())
	}
	c.Add("a", "a") // replacing counts the new size, not both
	if c.Bytes() != 5 {
		t.Errorf("after replacing a: Bytes %d, want 5", c.Bytes())
	}
	c.Add("big", "0123456789AB") // bigger than the budget: not kept
	if c.Len() != 0 || c.Bytes() != 0 {
		t.Errorf("after an oversized value: Len %d Bytes %d, want empty", c.Len(), c.Bytes())
	}
	if _, err := NewByteLRU[string](0, func(s string) int64 { return 1 }); err == nil {
		t.Error("a zero budget was accepted")
	}
}

func TestByteLRUConcurrentBytesStayConsistent(t *testing.T) {
	c, err := NewByteLRU[int](1000, func(v []byte) int64 { return int64(len(v)) })
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 500 {
				c.Add(i%50, make([]byte, 10+w*20+i%7))
				c.Get((i + 3) % 50)
				if b := c.Bytes(); b > 1000 {
					t.Errorf("Bytes %d over the 1000 budget", b)
					return
				}
			}
		})
	}
	wg.Wait()
	// Recount from what is held.
	var sum int64
	for k := range 50 {
		if v, ok := c.cache.Peek(k); ok {
			sum += int64(len(v))
		}
	}
	if sum != c.Bytes() {
		t.Errorf("Bytes %d, but the values held add up to %d", c.Bytes(), sum)
	}
}
