package main

// Fault tests for pictures (issue 17, items 2, 5, 7 and 8): the real binary
// with pictures fetched when their posts are, a network that goes away, a
// state directory deleted under it, a disk cap, and pictures that are huge
// once decoded. The helpers of faults_test.go are reused.

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lobbykiosk/kiosk/slide"
)

// pictureServer serves an RSS feed at /feed.rss whose posts point at
// pictures it also serves, and counts the requests for each picture.
type pictureServer struct {
	*httptest.Server
	mu    sync.Mutex
	feed  string
	pics  map[string][]byte
	asked map[string]int
}

func newPictureServer(t testing.TB) *pictureServer {
	s := &pictureServer{pics: map[string][]byte{}, asked: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.URL.Path == "/feed.rss" {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(s.feed))
			return
		}
		body, ok := s.pics[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		s.asked[r.URL.Path]++
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

// post adds a post with picture body at /img/name.
func (s *pictureServer) post(name, text string, body []byte, at time.Time) item {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pics["/img/"+name] = body
	return item{guid: name, author: "Ada Lovelace", text: text, image: s.URL + "/img/" + name, at: at}
}

func (s *pictureServer) setFeed(items ...item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feed = rssFeed("Pictures", items...)
}

// requested is how many of the pictures were asked for at least once.
func (s *pictureServer) requested() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.asked)
}

// pictureConfig writes a kiosk config for the server's feed; extra is
// appended.
func pictureConfig(t *testing.T, url, extra string) (cfg, state string) {
	t.Helper()
	dir := t.TempDir()
	state = filepath.Join(dir, "state")
	cfg = filepath.Join(dir, "kiosk.toml")
	writeFile(t, cfg, fmt.Sprintf(`name = "Picture Lobby"
state_dir = %q
%s

[[source]]
name = "pictures"
kind = "posts"
url = "%s/feed.rss"
refresh = "10s"

[fetch]
timeout = "20s"
max_body_mb = 30

[display]
post_seconds = 600
transition = "none"
`, state, extra, url))
	return cfg, state
}

// colourPhoto is a photo-like w×h JPEG of one main colour: a gradient and
// some texture, so it is neither trivial to compress nor mistaken for
// another picture.
func colourPhoto(t testing.TB, w, h int, c color.RGBA, quality int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(uint64(c.R)<<16|uint64(c.G)<<8|uint64(c.B), 7))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			f := 0.8 + 0.2*float64(x+y)/float64(w+h)
			n := int(rng.IntN(25)) - 12
			px := func(v uint8) uint8 { return uint8(max(0, min(255, int(float64(v)*f)+n))) }
			m.SetRGBA(x, y, color.RGBA{px(c.R), px(c.G), px(c.B), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// noisePhoto is a w×h JPEG of random pixels.
func noisePhoto(t testing.TB, w, h int, seed uint64) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(seed, 11))
	for i := range m.Pix {
		m.Pix[i] = byte(rng.Uint32())
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var fivePictures = []struct {
	name string
	c    color.RGBA
}{
	{"red", color.RGBA{0xd0, 0x30, 0x30, 0xff}},
	{"green", color.RGBA{0x30, 0xb0, 0x40, 0xff}},
	{"blue", color.RGBA{0x30, 0x50, 0xd0, 0xff}},
	{"yellow", color.RGBA{0xe0, 0xc0, 0x20, 0xff}},
	{"violet", color.RGBA{0x90, 0x30, 0xc0, 0xff}},
}

// pictureIn reports whether the post slide img shows a picture of colour c
// in its picture box: the box's middle is within a tolerance of c.
func pictureIn(img image.Image, c color.RGBA) bool {
	b := img.Bounds()
	box := slide.PostLayout(slide.SizesFor(float32(b.Dx()), float32(b.Dy())), true).Picture
	var r, g, bl, n int
	for y := int(box.Y + box.H*0.4); y < int(box.Y+box.H*0.6); y += 3 {
		for x := int(box.X + box.W*0.4); x < int(box.X+box.W*0.6); x += 3 {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			r, g, bl, n = r+int(pr>>8), g+int(pg>>8), bl+int(pb>>8), n+1
		}
	}
	if n == 0 {
		return false
	}
	d := func(a int, want uint8) bool { v := a/n - int(want); return v > -45 && v < 45 }
	return d(r, c.R) && d(g, c.G) && d(bl, c.B)
}

// TestFaultPicturesOfflineAfterFetch is the case: five posts with
// pictures, the kiosk up long enough to fetch the feed and show one slide,
// then the network goes. Before, a picture was fetched only when its slide
// first showed, and 4 of 5 came up without it. Now all five are fetched with
// the feed, and every post renders with its picture offline.
func TestFaultPicturesOfflineAfterFetch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary under Xvfb")
	}
	display := xvfb(t, 1280, 720)
	gentleXvfb(t, display)
	srv := newPictureServer(t)
	now := time.Now()
	var items []item
	for i, p := range fivePictures {
		items = append(items, srv.post(p.name+".jpg", fmt.Sprintf("Post %d: the %s wall of the new office.", i+1, p.name),
			colourPhoto(t, 1600, 1000, p.c, 85), now.Add(-time.Duration(i+1)*time.Hour)))
	}
	srv.setFeed(items...)
	cfg, state := pictureConfig(t, srv.URL, "")

	// A slide stays 10 minutes: only the first post's slide comes up.
	k := startKiosk(t, display, "run", "--config", cfg)
	k.firstFrame(t, display)
	deadline := time.Now().Add(45 * time.Second)
	for srv.requested() < len(fivePictures) && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if n := srv.requested(); n != len(fivePictures) {
		t.Fatalf("%d of %d pictures were fetched while the kiosk ran; the rest would be missing offline", n, len(fivePictures))
	}
	// Give the last decode and save a moment, then the network goes.
	waitFor(t, 20*time.Second, "five pictures on disk", func() bool { return len(cachedPictures(t, state)) >= len(fivePictures) })
	srv.Close()
	k.cmd.Process.Signal(os.Interrupt)
	<-k.exited

	out := t.TempDir()
	code, stdout, stderr := run(t, "render", "--config", cfg, "--out", out, "--offline")
	if code != 0 {
		t.Fatalf("render --offline: exit %d\n%s", code, stderr)
	}
	shown := 0
	for _, p := range fivePictures {
		var file string
		for _, f := range strings.Fields(stdout) {
			if strings.Contains(f, "post-") && postMentions(t, cfg, f, p.name) {
				file = f
			}
		}
		img := readPNG(t, file)
		if pictureIn(img, p.c) {
			shown++
		} else {
			t.Errorf("offline, the %s post shows without its picture (%s)", p.name, savePNG(t, img, "offline-"+p.name+".png"))
		}
	}
	t.Logf("offline: %d of %d posts shown with their picture", shown, len(fivePictures))
}

// postMentions reports whether the rendered post file is the post about
// colour: render names files by position, so the position of the post in
// `content` tells which is which.
func postMentions(t *testing.T, cfg, file, colour string) bool {
	t.Helper()
	r, _ := contentOf(t, cfg, "--offline")
	var n int
	if _, err := fmt.Sscanf(filepath.Base(file), "post-%02d-", &n); err != nil {
		return false
	}
	i := 0
	for _, p := range r.Posts {
		if p.Status != "shown" {
			continue
		}
		i++
		if i == n {
			return strings.Contains(p.Text, " "+colour+" ")
		}
	}
	return false
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// cachedPictures lists the picture files in state/images.
func cachedPictures(t *testing.T, state string) []string {
	t.Helper()
	var out []string
	entries, _ := os.ReadDir(filepath.Join(state, "images"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".jpg") || strings.HasSuffix(e.Name(), ".png") {
			out = append(out, e.Name())
		}
	}
	return out
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v", what, d)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// duBytes is what du says dir takes on disk: the blocks of its files and
// folders, which is what the cap counts (a file's size is less).
func duBytes(t *testing.T, dir string) int64 {
	t.Helper()
	out, err := exec.Command("du", "-s", "-B1", dir).Output()
	if err != nil {
		t.Fatalf("du %s: %v", dir, err)
	}
	var n int64
	if _, err := fmt.Sscan(string(out), &n); err != nil {
		t.Fatalf("du %s said %q: %v", dir, out, err)
	}
	return n
}

// TestFaultStateDirDeletedWhileRunning: someone clears state_dir while the
// kiosk runs. The pictures folder comes back with every picture in it, from
// the next round of fetching ahead, without a restart.
func TestFaultStateDirDeletedWhileRunning(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary under Xvfb")
	}
	display := xvfb(t, 1280, 720)
	gentleXvfb(t, display)
	srv := newPictureServer(t)
	now := time.Now()
	var items []item
	for i, p := range fivePictures[:3] {
		items = append(items, srv.post(p.name+".jpg", fmt.Sprintf("Post %d about %s.", i+1, p.name), colourPhoto(t, 1200, 800, p.c, 80), now.Add(-time.Duration(i+1)*time.Hour)))
	}
	srv.setFeed(items...)
	cfg, state := pictureConfig(t, srv.URL, "")
	k := startKiosk(t, display, "run", "--config", cfg)
	k.firstFrame(t, display)
	waitFor(t, 45*time.Second, "three pictures on disk", func() bool { return len(cachedPictures(t, state)) == 3 })

	if err := os.RemoveAll(state); err != nil {
		t.Fatal(err)
	}
	// The feed refreshes every 10 s; its next answer starts a round.
	waitFor(t, 60*time.Second, "pictures folder made again with its three pictures", func() bool { return len(cachedPictures(t, state)) == 3 })
	if !k.running() {
		t.Fatal("the kiosk stopped")
	}
	if !strings.Contains(k.output(), "image cache directory was deleted while running; made it again") {
		t.Errorf("the kiosk did not say what happened:\n%s", k.output())
	}
}

// TestFaultDiskCapHolds: a state directory capped at 16 MiB and a feed
// whose pictures take more. While running, the directory stays under its
// cap, and the log says why some pictures are not kept.
func TestFaultDiskCapHolds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary under Xvfb")
	}
	display := xvfb(t, 1280, 720)
	gentleXvfb(t, display)
	srv := newPictureServer(t)
	now := time.Now()
	var items []item
	var total int
	for i := range 30 {
		// Pictures of noise, which no encoder can shrink: kept at about
		// 1.5 MB each, 45 MB in all.
		body := noisePhoto(t, 1600, 1000, uint64(i))
		total += len(body)
		items = append(items, srv.post(fmt.Sprintf("p%02d.jpg", i), fmt.Sprintf("Post number %d.", i), body, now.Add(-time.Duration(i+1)*time.Minute)))
	}
	srv.setFeed(items...)
	cfg, state := pictureConfig(t, srv.URL, "state_dir_max_mb = 16")
	k := startKiosk(t, display, "run", "--config", cfg)
	k.firstFrame(t, display)
	waitFor(t, 180*time.Second, "every picture asked for", func() bool { return srv.requested() == len(items) })
	waitFor(t, 30*time.Second, "the log saying the cap is reached", func() bool { return strings.Contains(k.output(), "at its size cap") })
	used := duBytes(t, state)
	t.Logf("pictures: %.1f MB offered; state_dir takes %.1f MiB on disk (du) in %d pictures under a 16 MiB cap",
		float64(total)/1e6, float64(used)/(1<<20), len(cachedPictures(t, state)))
	if used > 16<<20 {
		t.Errorf("state_dir takes %d bytes on disk (du), over its 16 MiB cap", used)
	}
	if n := len(cachedPictures(t, state)); n < 5 {
		t.Errorf("only %d pictures kept: the cap should hold about ten", n)
	}
}

// ------------------------------------------------------------------ memory

// bigPictures are the hostile pictures: a 50-megapixel phone photo
// (baseline, and progressive as a web export makes it) and a 205 KB PNG of
// 7000×7000 RGBA pixels, 196 MB once decoded whole.
func bigPictures(t testing.TB) map[string][]byte {
	t.Helper()
	dir := filepath.Join(os.TempDir(), "lobbykiosk-big-pictures")
	os.MkdirAll(dir, 0o755)
	get := func(name string, make func() []byte) []byte {
		p := filepath.Join(dir, name)
		if b, err := os.ReadFile(p); err == nil {
			return b
		}
		b := make()
		os.WriteFile(p, b, 0o644)
		return b
	}
	photo := get("50mp.jpg", func() []byte { return colourPhoto(t, 8660, 5773, color.RGBA{0x40, 0x90, 0xc0, 0xff}, 88) })
	out := map[string][]byte{"50mp.jpg": photo}
	if _, err := exec.LookPath("convert"); err == nil {
		prog := get("50mp-progressive.jpg", func() []byte {
			in, outp := filepath.Join(dir, "50mp.jpg"), filepath.Join(dir, "50mp-progressive.tmp.jpg")
			if b, err := exec.Command("convert", in, "-interlace", "JPEG", outp).CombinedOutput(); err != nil {
				t.Logf("no progressive JPEG: convert: %v %s", err, b)
				return nil
			}
			b, _ := os.ReadFile(outp)
			return b
		})
		if len(prog) > 0 {
			out["50mp-progressive.jpg"] = prog
		}
	}
	out["7000x7000.png"] = get("7000x7000.png", func() []byte {
		m := image.NewNRGBA(image.Rect(0, 0, 7000, 7000))
		for i := 0; i < len(m.Pix); i += 4 {
			m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = 0xc0, 0x50, 0x40, 0xff
		}
		var b bytes.Buffer
		(&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, m)
		return b.Bytes()
	})
	return out
}

// peakRSSOf runs the binary with args and returns its peak resident memory:
// the VmHWM of its /proc status, sampled every 10 ms until it exits. (The
// rusage that wait4 returns will not do: Linux carries the parent's
// high-water mark over fork and exec, so a test process that made a 50 MP
// picture reports its own size for the child.)
func peakRSSOf(t testing.TB, args ...string) (mib float64, stderr string) {
	t.Helper()
	cmd := exec.Command(binPathFor(t), args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if kb := vmHWM(cmd.Process.Pid); kb > peak {
			peak = kb
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%v: %v\n%s", args, err, errb.String())
			}
			return float64(peak) / 1024, errb.String()
		case <-tick.C:
		}
	}
}

// vmHWM is the peak resident memory of pid in KiB, 0 when unknown.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb
		}
	}
	return 0
}

// binPathFor is binary() for benchmarks too.
func binPathFor(t testing.TB) string {
	if tt, ok := t.(*testing.T); ok {
		return binary(tt)
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lobbykiosk-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "lobbykiosk")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// BenchmarkPictureMemory reports the peak resident memory of the real
// process (`lobbykiosk render` at 1920×1080: the whole pipeline, the
// picture decoded and every slide drawn by the software renderer) for a
// feed of ordinary pictures and for each of the hostile ones. Run
// it with -benchtime 1x: each iteration is a whole process.
//
//	go test -run '^$' -bench PictureMemory -benchtime 1x ./cmd/lobbykiosk
func BenchmarkPictureMemory(b *testing.B) {
	big := bigPictures(b)
	cases := []struct {
		name string
		pics map[string][]byte
	}{
		{"ordinary", map[string][]byte{"a.jpg": colourPhoto(b, 1600, 1000, color.RGBA{0xd0, 0x30, 0x30, 0xff}, 85)}},
	}
	for _, name := range []string{"50mp.jpg", "50mp-progressive.jpg", "7000x7000.png"} {
		if body, ok := big[name]; ok {
			cases = append(cases, struct {
				name string
				pics map[string][]byte
			}{name, map[string][]byte{name: body}})
		}
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			srv := newPictureServer(b)
			defer srv.Close()
			var items []item
			for name, body := range tc.pics {
				items = append(items, srv.post(name, "A picture from the office party: "+name, body, time.Now().Add(-time.Hour)))
			}
			srv.setFeed(items...)
			for i := 0; i < b.N; i++ {
				dir := b.TempDir()
				cfg := filepath.Join(dir, "kiosk.toml")
				os.WriteFile(cfg, []byte(fmt.Sprintf("name = \"Memory\"\nstate_dir = %q\n[[source]]\nname = \"p\"\nkind = \"posts\"\nurl = \"%s/feed.rss\"\n[fetch]\nmax_body_mb = 30\n",
					filepath.Join(dir, "state"), srv.URL)), 0o644)
				mib, stderr := peakRSSOf(b, "render", "--config", cfg, "--out", filepath.Join(dir, "out"))
				if strings.Contains(stderr, "picture not shown") {
					b.Fatalf("%s was not shown:\n%s", tc.name, stderr)
				}
				b.ReportMetric(mib, "peak-RSS-MiB")
				b.ReportMetric(float64(len(tc.pics[firstKey(tc.pics)]))/(1<<20), "file-MiB")
			}
		})
	}
}

func firstKey(m map[string][]byte) string {
	for k := range m {
		return k
	}
	return ""
}

// TestKioskPictureMemory measures the running kiosk, the setting:
// `lobbykiosk run` under Xvfb at 1920×1080 showing a feed of the big
// pictures (2 s slides), against the same feed of ordinary photos. It logs
// the peak resident memory of each and fails if a picture was not shown.
// It takes a minute and a half, so it runs only when asked:
//
//	LOBBYKIOSK_MEMORY=1 go test -run KioskPictureMemory -v ./cmd/lobbykiosk
func TestKioskPictureMemory(t *testing.T) {
	if os.Getenv("LOBBYKIOSK_MEMORY") == "" {
		t.Skip("set LOBBYKIOSK_MEMORY=1 to measure")
	}
	big := bigPictures(t)
	ordinary := map[string][]byte{}
	for i, p := range fivePictures[:len(big)] {
		ordinary[fmt.Sprintf("o%d.jpg", i)] = colourPhoto(t, 1600, 1000, p.c, 85)
	}
	for _, tc := range []struct {
		name string
		pics map[string][]byte
	}{{"ordinary photos", ordinary}, {"50 MP JPEGs and a 7000×7000 PNG", big}} {
		display := xvfb(t, 1920, 1080)
		gentleXvfb(t, display)
		srv := newPictureServer(t)
		var items []item
		i := 0
		for name, body := range tc.pics {
			i++
			items = append(items, srv.post(name, "A picture: "+name, body, time.Now().Add(-time.Duration(i)*time.Hour)))
		}
		srv.setFeed(items...)
		cfg, _ := pictureConfig(t, srv.URL, "")
		writeFile(t, cfg, strings.Replace(readFileString(t, cfg), "post_seconds = 600", "post_seconds = 2", 1))
		k := startKiosk(t, display, "run", "--config", cfg)
		k.firstFrame(t, display)
		time.Sleep(40 * time.Second)
		peak := vmHWM(k.cmd.Process.Pid)
		// A slide gives its pictures 5 s; while the first round of
		// fetching ahead decodes the 50 MP photos the first slides may
		// run out of time and show without one. Anything else is a fault.
		for _, l := range strings.Split(k.output(), "\n") {
			if strings.Contains(l, "picture not shown") && !strings.Contains(l, "deadline exceeded") {
				t.Errorf("%s: %s", tc.name, l)
			}
		}
		t.Logf("%s: peak RSS of the kiosk %.0f MiB", tc.name, float64(peak)/1024)
		k.cmd.Process.Signal(os.Interrupt)
		<-k.exited
	}
}

func readFileString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
