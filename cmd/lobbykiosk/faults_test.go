package main

// Fault tests: the kiosk as a whole against what goes wrong in a lobby — the
// network gone at boot, every kind of broken source at once, damaged state
// files, a full or read-only disk, SIGKILL in the middle of a save, a clock
// that jumps, the X server going away. Single faults are covered where they
// are handled (feeds/fetch, feeds/parse, feeds/images, feeds/store,
// feeds/moderate, kiosk/hours, kiosk/slide); these tests put them together
// through the commands and the real binary, and say what a person would see.
// The heavy ones skip under -short; those that need Xvfb skip without it
// unless LOBBYKIOSK_E2E=1.

import (
	"bufio"
	"bytes"
	binenc "encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"lobbykiosk/assets"
	"lobbykiosk/feeds"
	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/moderate"
	"lobbykiosk/feeds/pipeline"
	"lobbykiosk/feeds/store"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/hours"
	"lobbykiosk/kiosk/playlist"
	"lobbykiosk/kiosk/slide"
)

// ---------------------------------------------------------------- helpers

// item is one post of a test feed.
type item struct {
	guid, author, text, image string
	at                        time.Time
}

// rssFeed writes an RSS 2.0 feed of items.
func rssFeed(title string, items ...item) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"><channel>`)
	fmt.Fprintf(&b, "<title>%s</title><link>https://news.example.com/%s</link>\n", title, slug(title))
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid isPermaLink=\"false\">%s</guid><link>https://news.example.com/%s</link><dc:creator>%s</dc:creator><pubDate>%s</pubDate><description>%s</description>",
			it.guid, it.guid, it.author, it.at.UTC().Format(time.RFC1123Z), it.text)
		if it.image != "" {
			fmt.Fprintf(&b, `<media:content url="%s" type="image/jpeg" medium="image"/>`, it.image)
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

// report is the part of `content --json` these tests read.
type report struct {
	Posts []struct {
		ID, Source, Text, Image, Status, Reason string
		Pinned                                  bool
	} `json:"posts"`
	Sources []sourceRow `json:"sources"`
}

type sourceRow struct {
	Name      string    `json:"name"`
	OK        bool      `json:"ok"`
	Error     string    `json:"error"`
	Warnings  []string  `json:"warnings"`
	Failures  int       `json:"failures"`
	Items     int       `json:"items"`
	FetchedAt time.Time `json:"fetched_at"`
	FromCache bool      `json:"from_cache"`
	Degraded  string    `json:"degraded"`
}

// contentOf runs `content --config cfg --json [extra...]` in-process; the
// command must succeed whatever the faults.
func contentOf(t *testing.T, cfg string, extra ...string) (report, string) {
	t.Helper()
	code, out, errs := run(t, append([]string{"content", "--config", cfg, "--json"}, extra...)...)
	if code != 0 {
		t.Fatalf("content %v: exit %d\n%s", extra, code, errs)
	}
	var r report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("content --json is not JSON: %v\n%s", err, out)
	}
	return r, errs
}

func (r report) source(t *testing.T, name string) sourceRow {
	t.Helper()
	for _, s := range r.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no source %q in %+v", name, r.Sources)
	return sourceRow{}
}

// shown maps the text of every shown post of source to its ID.
func (r report) shown(source string) map[string]string {
	out := map[string]string{}
	for _, p := range r.Posts {
		if p.Source == source && p.Status == "shown" {
			out[p.Text] = p.ID
		}
	}
	return out
}

func (r report) post(t *testing.T, text string) (status string, pinned bool) {
	t.Helper()
	for _, p := range r.Posts {
		if p.Text == text {
			return p.Status, p.Pinned
		}
	}
	return "", false
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// tempFiles lists the store's temp files (a save cut short) in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// kioskProc is the real binary running under an X display, with its
// combined output.
type kioskProc struct {
	cmd    *exec.Cmd
	start  time.Time
	exited chan error
	mu     sync.Mutex
	logs   bytes.Buffer
}

func (k *kioskProc) Write(p []byte) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.logs.Write(p)
}

func (k *kioskProc) output() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.logs.String()
}

// startKiosk starts the binary with args on display; the cleanup stops it
// (SIGINT, then SIGKILL after 10 s).
func startKiosk(t *testing.T, display string, args ...string) *kioskProc {
	t.Helper()
	k := &kioskProc{exited: make(chan error, 1)}
	k.cmd = exec.Command(binary(t), args...)
	k.cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=C.UTF-8", "FYNE_DISABLE_DPI_DETECTION=1")
	k.cmd.Stdout, k.cmd.Stderr = k, k
	k.start = time.Now()
	if err := k.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { k.exited <- k.cmd.Wait() }()
	t.Cleanup(func() {
		if k.running() {
			k.cmd.Process.Signal(os.Interrupt)
			select {
			case err := <-k.exited:
				k.exited <- err
			case <-time.After(10 * time.Second):
				k.cmd.Process.Kill()
			}
		}
		if t.Failed() {
			t.Logf("kiosk output:\n%s", k.output())
		}
	})
	return k
}

// running reports whether the kiosk is still up.
func (k *kioskProc) running() bool {
	select {
	case err := <-k.exited:
		k.exited <- err
		return false
	default:
		return true
	}
}

// clockShown reports whether the clock in the top right corner is drawn.
// Before the player's first slide the window shows a bare "Welcome" with no
// clock, which is not content yet.
func clockShown(img image.Image) bool {
	b := img.Bounds()
	corner := image.Rect(b.Min.X+b.Dx()*85/100, b.Min.Y+b.Dy()/100, b.Max.X-b.Dx()/100, b.Min.Y+b.Dy()/10)
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	return ok && variance(sub.SubImage(corner)) > 200
}

// firstFrame polls the screen until it shows the first slide (not one flat
// colour, the clock drawn) and returns it with the time since the process
// started.
func (k *kioskProc) firstFrame(t *testing.T, display string) (image.Image, time.Duration) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if !k.running() {
			t.Fatalf("kiosk exited early: %v", <-k.exited)
		}
		img := screenshot(t, display)
		if variance(img) > 200 && clockShown(img) {
			return img, time.Since(k.start)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the screen stayed blank for 60 s")
	return nil, 0
}

// gentleXvfb makes the X server on display end with SIGTERM at cleanup, so
// it removes its lock file and socket (xvfb's own cleanup kills it, which
// leaves both behind and uses up a display number for good). Cleanups run
// last-in first-out, so this runs before xvfb's.
func gentleXvfb(t *testing.T, display string) int {
	t.Helper()
	pid := xvfbPID(t, display)
	t.Cleanup(func() {
		p, err := os.FindProcess(pid)
		if err != nil {
			return
		}
		p.Signal(syscall.SIGTERM)
		n := strings.TrimPrefix(display, ":")
		for i := 0; i < 50; i++ {
			if _, err := os.Stat("/tmp/.X" + n + "-lock"); errors.Is(err, fs.ErrNotExist) {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	return pid
}

// xvfbPID is the pid of the X server on display, from its lock file.
func xvfbPID(t *testing.T, display string) int {
	t.Helper()
	b, err := os.ReadFile("/tmp/.X" + strings.TrimPrefix(display, ":") + "-lock")
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("lock file of %s: %v", display, err)
	}
	return pid
}

// cpuTicks is utime+stime of pid in clock ticks, from /proc.
func cpuTicks(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces; fields after it are plain.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, false
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st, true
}

// peakRSS is the process's high-water resident memory, from /proc.
func peakRSS(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.Join(strings.Fields(strings.TrimPrefix(l, "VmHWM:")), " ")
		}
	}
	return "unknown"
}

// ---------------------------------------------------------------- pictures

func goodJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is a PNG whose header claims w×h pixels and that holds nothing
// else: decoding it would take w×h×4 bytes of memory.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binenc.Write(&b, binenc.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binenc.Write(&b, binenc.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binenc.BigEndian.PutUint32(ihdr[0:], w)
	binenc.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IEND", nil)
	return b.Bytes()
}

// ---------------------------------------------------------------- 1. offline at boot

// offlineKiosk is a kiosk that fetched its remote sources once and then
// lost the network: the server is closed, its port has nothing listening,
// the cache in state_dir is warm. extra is appended to the config.
func offlineKiosk(t *testing.T, extra string) (cfg string, warm report) {
	t.Helper()
	now := time.Now()
	posts := rssFeed("Tern and Timber Journal",
		item{"j-1", "Ada Lovelace", "Our new office in Lyon opened today. Come and say hello, there is cake.", "", now.Add(-2 * time.Hour)},
		item{"j-2", "Grace Hopper", "Please welcome Noor, who joins the design team in Berlin this week.", "", now.Add(-5 * time.Hour)},
		item{"j-3", "Hannah Schulz", "Proud of the team: one thousand visitors at the open day on Saturday!", "", now.Add(-26 * time.Hour)},
	)
	wins := `[{"label":"Reach","value":48120,"previous":41000,"period":"this month"},
{"label":"Shares","value":1320,"previous":1190,"period":"this month"},
{"label":"Staff sharing","value":38,"previous":31,"unit":"%","period":"this month"}]`
	mux := http.NewServeMux()
	mux.HandleFunc("/journal.rss", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, posts) })
	mux.HandleFunc("/wins.json", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, wins) })
	srv := httptest.NewServer(mux)

	dir := t.TempDir()
	cfg = filepath.Join(dir, "kiosk.toml")
	writeFile(t, cfg, fmt.Sprintf(`name = "Offline Lobby"
timezone = "Europe/Berlin"
state_dir = "state"

[[source]]
name = "journal"
kind = "posts"
url = "%[1]s/journal.rss"

[[source]]
name = "wins"
kind = "wins"
url = "%[1]s/wins.json"

[fetch]
timeout = "3s"
%[2]s`, srv.URL, extra))
	warm, _ = contentOf(t, cfg)
	srv.Close()
	if n := len(warm.shown("journal")); n != 3 {
		t.Fatalf("warm-up: %d journal posts shown, want 3: %+v", n, warm)
	}
	for _, s := range warm.Sources {
		if !s.OK {
			t.Fatalf("warm-up: source %s not ok: %s", s.Name, s.Error)
		}
	}
	return cfg, warm
}

// TestFaultOfflineAtBoot: the kiosk boots with the network gone. The
// screen must still have the last good content, the sources must say why
// they fail, and the freshness mark must say "offline".
func TestFaultOfflineAtBoot(t *testing.T) {
	cfgPath, warm := offlineKiosk(t, "")
	r, _ := contentOf(t, cfgPath)

	for text, id := range warm.shown("journal") {
		if got := r.shown("journal")[text]; got != id {
			t.Errorf("offline: cached post %s (%q) is not shown", id, text)
		}
	}
	for _, name := range []string{"journal", "wins"} {
		s, w := r.source(t, name), warm.source(t, name)
		if s.OK || s.Failures != 1 || !s.FetchedAt.Equal(w.FetchedAt) || s.Items != w.Items {
			t.Errorf("source %s: ok=%v failures=%d fetched_at=%v items=%d; want failing once, still holding the %d items fetched at %v",
				name, s.OK, s.Failures, s.FetchedAt, s.Items, w.Items, w.FetchedAt)
		}
		for _, word := range []string{"source " + name + ":", "connection refused by http://127.0.0.1:", "(is the server running?)"} {
			if !strings.Contains(s.Error, word) {
				t.Errorf("source %s: error %q does not say %q", name, s.Error, word)
			}
		}
	}
	// The table a person reads says the same.
	_, table, _ := run(t, "content", "--config", cfgPath)
	if !regexp.MustCompile(`journal\s+posts\s+failing \(1\)\s+3\s+\S+ \S+\s+source journal: connection refused`).MatchString(table) {
		t.Errorf("table output does not show journal as failing with its 3 cached items:\n%s", table)
	}

	// What the screen's corner shows: the same decision the running
	// player makes (engine.Player.Chrome), over the same config.
	_, eng, player := openPlayer(t, cfgPath)
	eng.RefreshOnce(t.Context())
	last := warm.source(t, "journal").FetchedAt
	if w := warm.source(t, "wins").FetchedAt; w.After(last) {
		last = w
	}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{last.Add(time.Minute), "offline · updated 1 min ago"},
		{last.Add(3*time.Hour + time.Minute), "offline · updated 3 h ago"},
	} {
		if got := player.Chrome(eng.Report(tc.now), tc.now).Stale; got != tc.want {
			t.Errorf("%s after the last fetch: the corner says %q, want %q", tc.now.Sub(last).Round(time.Minute), got, tc.want)
		}
	}
	if !player.Current().Offline {
		t.Error("the player does not report the screen as offline")
	}
}

// TestFaultOfflineAtBootUnderXvfb: the real binary boots with the network
// gone. It must show the cached content at once (the time to the first
// frame is logged, not asserted), and the screen it reports through its
// admin API must be marked offline.
func TestFaultOfflineAtBootUnderXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	display := xvfb(t, 1280, 720)
	gentleXvfb(t, display)
	const password = "lobby-fault-test"
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	cfg, _ := offlineKiosk(t, fmt.Sprintf("\n[admin]\nlisten = %q\npassword_hash = %q\n", addr, hash))

	k := startKiosk(t, display, "run", "--config", cfg, "--windowed", "--slide-scale", "0.2")
	first, took := k.firstFrame(t, display)
	t.Logf("network down, cache warm: first content frame %v after the process started (variance %.0f): %s",
		took.Round(10*time.Millisecond), variance(first), savePNG(t, first, "offline-first.png"))

	// OCR-free: the kiosk's own account of its screen.
	admin := signIn(t, "http://"+addr, password)
	var screen struct {
		Offline bool  `json:"offline"`
		Count   int64 `json:"slides_shown"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for !screen.Offline && time.Now().Before(deadline) {
		if !k.running() {
			t.Fatalf("kiosk exited: %v", <-k.exited)
		}
		getJSON(t, admin, "http://"+addr+"/api/screen", &screen)
		if !screen.Offline {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if !screen.Offline {
		t.Fatalf("after 30 s the kiosk does not report its screen as offline (%d slides shown)", screen.Count)
	}
	t.Logf("offline mark on screen %v after start, by slide %d", time.Since(k.start).Round(10*time.Millisecond), screen.Count)
	// The mark is drawn with the next slide: wait for it and keep a picture.
	before := screenshot(t, display)
	deadline = time.Now().Add(15 * time.Second)
	var marked image.Image
	for marked == nil && time.Now().Before(deadline) {
		time.Sleep(300 * time.Millisecond)
		if img := screenshot(t, display); difference(before, img) > 0.15 {
			marked = settled(t, display, img)
		}
	}
	if marked == nil {
		t.Fatal("no new slide within 15 s after going offline")
	}
	if v := variance(marked); v < 200 {
		t.Errorf("offline screen looks blank (variance %.0f)", v)
	}
	t.Logf("offline screen: %s; peak memory %s", savePNG(t, marked, "offline.png"), peakRSS(k.cmd.Process.Pid))
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs in to the admin page at base, waiting for it to come up.
func signIn(t *testing.T, base, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	var page []byte
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := c.Get(base + "/signin")
		if err == nil {
			page, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("admin page never came up: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	m := csrfField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field on the sign-in page:\n%s", page)
	}
	resp, err := c.PostForm(base+"/signin", url.Values{"csrf": {string(m[1])}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in: %s", resp.Status)
	}
	return c
}

func getJSON(t *testing.T, c *http.Client, u string, v any) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", u, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", u, err, body)
	}
}

// ---------------------------------------------------------------- 2. every fault at once

// faultServer serves, on one 127.0.0.1 port, a good feed, a feed of posts
// with broken pictures, and one source for each way a feed breaks.
type faultServer struct {
	*httptest.Server
	quit     chan struct{}
	hugeSent atomic.Int64 // bytes of the 1 GiB answer actually sent
}

const gib = 1 << 30

func newFaultServer(t *testing.T) *faultServer {
	t.Helper()
	mux := http.NewServeMux()
	fsrv := &faultServer{Server: httptest.NewUnstartedServer(mux), quit: make(chan struct{})}
	base := "http://" + fsrv.Listener.Addr().String()
	now := time.Now()
	good := rssFeed("Tern and Timber Journal",
		item{"g-1", "Ada Lovelace", "Our new office in Lyon opened today. Come and say hello, there is cake.", base + "/img/team.jpg", now.Add(-1 * time.Hour)},
		item{"g-2", "Grace Hopper", "Please welcome Noor, who joins the design team in Berlin this week.", "", now.Add(-3 * time.Hour)},
		item{"g-3", "Hannah Schulz", "Proud of the team: one thousand visitors at the open day on Saturday!", "", now.Add(-6 * time.Hour)},
	)
	pictures := rssFeed("Pictures",
		item{"p-bomb", "Maja Keller", "The whole Berlin crew in one frame, for once. Thanks for staying!", base + "/img/bomb.png", now.Add(-2 * time.Hour)},
		item{"p-cut", "Noor Haddad", "Design sprint wall, day three: forty swatches and one decision.", base + "/img/cut.jpg", now.Add(-4 * time.Hour)},
		item{"p-heic", "Luis Ortega", "Volunteering day at the river: forty bags of litter and a lot of laughs.", base + "/img/photo.heic", now.Add(-5 * time.Hour)},
	)
	// 100,000 items, kept small so the feed stays under the 10 MiB cap;
	// their text is too short for min_text, so they never reach the screen.
	var fire strings.Builder
	fire.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Firehose</title><link>https://firehose.example.com/</link>`)
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&fire, "<item><guid>%d</guid><title>f%d</title></item>", i, i)
	}
	fire.WriteString("</channel></rss>")
	firehose := fire.String()

	var bomb strings.Builder
	bomb.WriteString("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">")
	prev := "lol"
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "\n <!ENTITY lol%d \"%s\">", i, strings.Repeat("&"+prev+";", 10))
		prev = fmt.Sprintf("lol%d", i)
	}
	bomb.WriteString("\n]>\n<rss version=\"2.0\"><channel><title>&lol9;</title><link>https://bomb.example.com/</link>" +
		"<item><guid>b-1</guid><description>&lol9; &lol9; &lol9;</description></item></channel></rss>")

	team := goodJPEG(t, 640, 400)
	cut := goodJPEG(t, 400, 300)
	cut = cut[:len(cut)/2]
	heic := []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x00")

	text := func(body, ctype string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			io.WriteString(w, body)
		}
	}
	blob := func(body []byte, ctype string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.Write(body)
		}
	}
	mux.HandleFunc("/good.rss", text(good, "application/rss+xml"))
	mux.HandleFunc("/pictures.rss", text(pictures, "application/rss+xml"))
	mux.HandleFunc("/firehose.rss", text(firehose, "application/rss+xml"))
	mux.HandleFunc("/bomb.rss", text(bomb.String(), "application/rss+xml"))
	mux.HandleFunc("/login", text(`<!DOCTYPE html><html><head><title>Sign in - Example SSO</title></head><body><form>Password <input type=password></form></body></html>`, "text/html"))
	mux.HandleFunc("/img/team.jpg", blob(team, "image/jpeg"))
	mux.HandleFunc("/img/bomb.png", blob(pngBomb(100000, 100000), "image/png"))
	mux.HandleFunc("/img/cut.jpg", blob(cut, "image/jpeg"))
	mux.HandleFunc("/img/photo.heic", blob(heic, "image/heic"))
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal error", http.StatusInternalServerError)
	})
	mux.HandleFunc("/429", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	mux.HandleFunc("/silent", func(w http.ResponseWriter, r *http.Request) {
		select { // never answers
		case <-r.Context().Done():
		case <-fsrv.quit:
		}
	})
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		conn.(*net.TCPConn).SetLinger(0) // Close sends RST, not FIN
		conn.Close()
	})
	mux.HandleFunc("/huge.rss", func(w http.ResponseWriter, r *http.Request) {
		// 1 GiB, streamed from one small buffer: the test never holds it.
		w.Header().Set("Content-Type", "application/rss+xml")
		head := `<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>`
		n, _ := io.WriteString(w, head)
		fsrv.hugeSent.Add(int64(n))
		chunk := bytes.Repeat([]byte("<!-- padding, padding, padding, padding, padding, padding -->\n"), 1024)
		for sent := int64(n); sent < gib; {
			m, err := w.Write(chunk[:min(int64(len(chunk)), gib-sent)])
			sent += int64(m)
			fsrv.hugeSent.Add(int64(m))
			if err != nil {
				return // the kiosk hung up
			}
		}
	})
	fsrv.Start()
	t.Cleanup(func() {
		close(fsrv.quit)
		fsrv.Close()
	})
	return fsrv
}

// faultSources are the broken sources and what their error must say.
var faultSources = []struct {
	name, path string
	words      []string
}{
	{"e500", "/500", []string{"500 Internal Server Error"}},
	{"e429", "/429", []string{"429 Too Many Requests", "retry after 2m0s"}},
	{"silent", "/silent", []string{"no answer from", "within 3s"}},
	{"reset", "/reset", []string{"connection reset by"}},
	{"huge", "/huge.rss", []string{"sent more than 10 MiB", "raise max_body or fix the feed"}},
	{"html", "/login", []string{"not a feed", "HTML page", "Sign in - Example SSO"}},
	{"bomb", "/bomb.rss", []string{"not a feed", "declares XML entities", "entity bomb"}},
}

func faultConfig(t *testing.T, srv *faultServer) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`name = "Fault Lobby"
timezone = "Europe/Berlin"
state_dir = "state"

[fetch]
timeout = "3s"

[moderation]
min_text = 20
`)
	source := func(name, path string) {
		fmt.Fprintf(&b, "\n[[source]]\nname = %q\nkind = \"posts\"\nurl = \"%s%s\"\n", name, srv.URL, path)
	}
	source("good", "/good.rss")
	source("pictures", "/pictures.rss")
	source("firehose", "/firehose.rss")
	for _, f := range faultSources {
		source(f.name, f.path)
	}
	cfg := filepath.Join(t.TempDir(), "kiosk.toml")
	writeFile(t, cfg, b.String())
	return cfg
}

// TestFaultEverySourceBroken: one config, every way a source breaks at
// once, plus a good source and posts with broken pictures. The good posts
// must be shown, each broken source must say what happened, and the real
// binary must keep rotating slides.
func TestFaultEverySourceBroken(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches a 1 GiB answer and a 100,000-item feed")
	}
	srv := newFaultServer(t)
	cfgPath := faultConfig(t, srv)

	started := time.Now()
	r, _ := contentOf(t, cfgPath)
	t.Logf("content with every fault: %v; the 1 GiB answer was cut after %.1f MiB had been sent",
		time.Since(started).Round(10*time.Millisecond), float64(srv.hugeSent.Load())/(1<<20))

	for _, name := range []string{"good", "pictures"} {
		if s := r.source(t, name); !s.OK || s.Error != "" || s.Items != 3 {
			t.Errorf("source %s: ok=%v items=%d error=%q, want ok with 3 items", name, s.OK, s.Items, s.Error)
		}
		if n := len(r.shown(name)); n != 3 {
			t.Errorf("source %s: %d posts shown, want 3", name, n)
		}
	}
	for _, f := range faultSources {
		s := r.source(t, f.name)
		if s.OK || s.Failures != 1 {
			t.Errorf("source %s: ok=%v failures=%d, want failing once", f.name, s.OK, s.Failures)
		}
		for _, w := range append([]string{"source " + f.name + ":"}, f.words...) {
			if !strings.Contains(s.Error, w) {
				t.Errorf("source %s: error %q does not say %q", f.name, s.Error, w)
			}
		}
		t.Logf("%-8s %s", f.name, s.Error)
	}
	fire := r.source(t, "firehose")
	// Its items have no dates: that is said too, and they are dated by
	// when the kiosk first saw them.
	if !fire.OK || fire.Items != 500 || len(fire.Warnings) != 2 || fire.Warnings[1] != "feed has 100000 items; kept the newest 500" ||
		!strings.HasPrefix(fire.Warnings[0], "100000 items have no date") {
		t.Errorf("firehose: ok=%v items=%d warnings=%q, want ok, 500 items and the cap named", fire.OK, fire.Items, fire.Warnings)
	}
	for _, p := range r.Posts {
		if p.Source == "firehose" && p.Status == "shown" {
			t.Errorf("firehose post %q is shown; its text is under min_text", p.Text)
			break
		}
		switch p.Source {
		case "good", "pictures", "firehose":
		default:
			t.Errorf("post %q from failing source %s", p.Text, p.Source)
		}
	}

	// A broken picture costs its slide the picture, nothing more: the
	// slides the player builds from this content.
	_, eng, player := openPlayer(t, cfgPath)
	now := time.Now()
	rep := eng.Report(now)
	for _, tc := range []struct {
		text    string
		picture bool
		err     string // what the picture loader says
	}{
		{"Our new office in Lyon opened today. Come and say hello, there is cake.", true, ""},
		{"The whole Berlin crew in one frame, for once. Thanks for staying!", false, "header claims 100000×100000 pixels (limit 50 MP)"},
		{"Design sprint wall, day three: forty swatches and one decision.", false, "truncated JPEG (the file ends before the picture does)"},
		{"Volunteering day at the river: forty bags of litter and a lot of laughs.", false, "unsupported format (expected JPEG, PNG, GIF or WebP): this is a HEIC or AVIF photo; save it as JPEG"},
	} {
		var post *struct{ id, image string }
		for _, p := range rep.Shown() {
			if p.Text == tc.text {
				post = &struct{ id, image string }{p.ID, p.Image}
			}
		}
		if post == nil {
			t.Errorf("post %q is not shown", tc.text)
			continue
		}
		s := player.Build(t.Context(), playlist.Item{Kind: playlist.Post, PostID: post.id}, rep, now)
		if s.Kind != slide.KindPost || s.Post == nil || s.Post.Text != tc.text || (s.Post.Picture != nil) != tc.picture {
			t.Errorf("slide for %q: kind %s, picture %v, want a post slide with picture=%v", tc.text, s.Kind, s.Post != nil && s.Post.Picture != nil, tc.picture)
		}
		_, err := eng.Images.Get(t.Context(), post.image)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("picture %s: error %v, want %q", post.image, err, tc.err)
		}
	}

	// The real binary on this config, for at least 20 s at five times the
	// speed, until it has shown three slides: a slide every 2 s, but a busy
	// machine may take longer to draw them, so the wait is bounded at 60 s.
	display := xvfb(t, 1280, 720)
	gentleXvfb(t, display)
	k := startKiosk(t, display, "run", "--config", cfgPath, "--windowed", "--slide-scale", "0.2")
	first, took := k.firstFrame(t, display)
	t.Logf("first content frame %v after start", took.Round(10*time.Millisecond))
	frames := []image.Image{first}
	last := first
	for (time.Since(k.start) < 20*time.Second || len(frames) < 3) && time.Since(k.start) < time.Minute {
		if !k.running() {
			t.Fatalf("kiosk exited after %v: %v", time.Since(k.start).Round(time.Millisecond), <-k.exited)
		}
		time.Sleep(500 * time.Millisecond)
		img := screenshot(t, display)
		if variance(img) > 200 && difference(last, img) > 0.15 {
			img = settled(t, display, img)
			frames = append(frames, img)
			last = img
		}
	}
	if !k.running() {
		t.Fatalf("kiosk exited: %v", <-k.exited)
	}
	t.Logf("after %v: still running, %d distinct slides seen, peak memory %s", time.Since(k.start).Round(time.Second), len(frames), peakRSS(k.cmd.Process.Pid))
	if len(frames) < 3 {
		t.Errorf("saw %d distinct slides in %v, want at least 3", len(frames), time.Since(k.start).Round(time.Second))
	}
	for i, f := range frames {
		name := savePNG(t, f, fmt.Sprintf("faults-slide-%d.png", i+1))
		if v := variance(f); v < 200 {
			t.Errorf("slide %d looks blank (variance %.0f): %s", i+1, v, name)
		}
	}
	logs := k.output()
	t.Logf("kiosk log: %d \"source failed\", %d \"picture not shown\" lines", strings.Count(logs, `msg="source failed"`), strings.Count(logs, `msg="picture not shown"`))
}

// ---------------------------------------------------------------- 3. damaged and read-only state

// stateKiosk is a kiosk with two remote sources whose content and an
// editor's decisions (a pin, a rejection) are on disk.
type stateKiosk struct {
	cfg, state string
	feeds      map[string]*atomic.Value // path → feed body
	blog       []item                   // the blog feed's items
	pinned     string                   // text of the pinned post
	rejected   string                   // text of the rejected post
	warm       report
}

func newStateKiosk(t *testing.T) *stateKiosk {
	t.Helper()
	now := time.Now()
	k := &stateKiosk{feeds: map[string]*atomic.Value{}}
	blog := []item{
		{"b-1", "Ada Lovelace", "Our new office in Lyon opened today. Come and say hello, there is cake.", "", now.Add(-1 * time.Hour)},
		{"b-2", "Grace Hopper", "Please welcome Noor, who joins the design team in Berlin this week.", "", now.Add(-2 * time.Hour)},
		{"b-3", "Hannah Schulz", "Proud of the team: one thousand visitors at the open day on Saturday!", "", now.Add(-3 * time.Hour)},
	}
	social := []item{
		{"s-1", "Maja Keller", "The whole Berlin crew in one frame, for once. Thanks for staying!", "", now.Add(-4 * time.Hour)},
		{"s-2", "Noor Haddad", "Design sprint wall, day three: forty swatches and one decision.", "", now.Add(-5 * time.Hour)},
	}
	mux := http.NewServeMux()
	for path, body := range map[string]string{"/blog.rss": rssFeed("Blog", blog...), "/social.rss": rssFeed("Social", social...)} {
		v := &atomic.Value{}
		v.Store(body)
		k.feeds[path] = v
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, v.Load().(string)) })
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	k.cfg, k.state = filepath.Join(dir, "kiosk.toml"), filepath.Join(dir, "state")
	writeFile(t, k.cfg, fmt.Sprintf(`name = "State Lobby"
state_dir = "state"

[[source]]
name = "blog"
kind = "posts"
url = "%[1]s/blog.rss"

[[source]]
name = "social"
kind = "posts"
url = "%[1]s/social.rss"
`, srv.URL))
	warm, _ := contentOf(t, k.cfg)
	k.blog, k.pinned, k.rejected = blog, blog[0].text, social[0].text
	for _, step := range [][]string{{"pin", warm.shown("blog")[k.pinned]}, {"reject", warm.shown("social")[k.rejected]}} {
		if code, _, errs := run(t, "moderate", "--config", k.cfg, step[0], step[1]); code != 0 {
			t.Fatalf("moderate %v: exit %d: %s", step, code, errs)
		}
	}
	k.warm, _ = contentOf(t, k.cfg, "--offline")
	k.checkDecisions(t, k.warm, "warm-up")
	if len(k.warm.shown("blog")) != 3 || len(k.warm.shown("social")) != 1 {
		t.Fatalf("warm-up: %+v", k.warm.Posts)
	}
	return k
}

// checkDecisions: the editor's pin and rejection are in force.
func (k *stateKiosk) checkDecisions(t *testing.T, r report, when string) {
	t.Helper()
	if st, pinned := r.post(t, k.pinned); st != "shown" || !pinned {
		t.Errorf("%s: pinned post is %q pinned=%v", when, st, pinned)
	}
	if st, _ := r.post(t, k.rejected); st != "rejected" {
		t.Errorf("%s: rejected post is %q", when, st)
	}
}

// TestFaultDamagedStateFiles: the cache of one source or the decisions file
// is cut short or replaced by random bytes (a disk going bad, a hand edit).
// The kiosk must start, say which file is damaged and where it went, and
// keep everything else.
func TestFaultDamagedStateFiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	damage := map[string]func([]byte) []byte{
		"truncated": func(b []byte) []byte { return b[:len(b)/2] },
		"random bytes": func(b []byte) []byte {
			out := make([]byte, len(b))
			for i := range out {
				out[i] = byte(rng.UintN(256))
			}
			return out
		},
	}
	for _, file := range []string{"source-blog.json", moderate.DecisionsKey} {
		for _, how := range []string{"truncated", "random bytes"} {
			t.Run(file+" "+how, func(t *testing.T) {
				k := newStateKiosk(t)
				path := filepath.Join(k.state, file)
				good, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				bad := damage[how](good)
				writeFile(t, path, string(bad))

				r, errs := contentOf(t, k.cfg, "--offline")
				moved, _ := filepath.Glob(path + ".corrupt-*")
				if len(moved) != 1 {
					t.Fatalf("damaged %s not moved aside: %v", file, moved)
				}
				if kept, _ := os.ReadFile(moved[0]); !bytes.Equal(kept, bad) {
					t.Error("the damaged file was not kept as it was, for inspection")
				}
				if file == moderate.DecisionsKey {
					// Content is untouched; moderation falls back to the rules.
					if len(r.shown("blog")) != 3 || r.source(t, "blog").Error != "" {
						t.Errorf("blog cache lost with the decisions: %+v", r.Sources)
					}
					for _, w := range []string{"moderation decisions", "damaged", moved[0]} {
						if !strings.Contains(errs, w) {
							t.Errorf("content does not report the damaged decisions file (%q missing):\n%s", w, errs)
						}
					}
					st, pinned := r.post(t, k.pinned)
					rst, _ := r.post(t, k.rejected)
					t.Logf("with the decisions file %s: pinned post now %s pinned=%v, rejected post now %s (rules only until the file is restored)", how, st, pinned, rst)
					// A new decision starts a good file.
					if code, _, errs := run(t, "moderate", "--config", k.cfg, "pin", k.warm.shown("blog")[k.pinned]); code != 0 {
						t.Fatalf("pin after damage: exit %d: %s", code, errs)
					}
					r, _ = contentOf(t, k.cfg, "--offline")
					if st, pinned := r.post(t, k.pinned); st != "shown" || !pinned {
						t.Errorf("a new pin after the damage does not hold: %s pinned=%v", st, pinned)
					}
					return
				}
				blog := r.source(t, "blog")
				for _, w := range []string{"source blog: cached content unreadable, starting empty", "is damaged", "moved aside to " + moved[0]} {
					if !strings.Contains(blog.Error, w) {
						t.Errorf("blog error %q does not say %q", blog.Error, w)
					}
				}
				if len(r.shown("blog")) != 0 || len(r.shown("social")) != 1 {
					t.Errorf("offline with a damaged blog cache: blog %d shown, social %d shown; want 0 and 1", len(r.shown("blog")), len(r.shown("social")))
				}
				if st, _ := r.post(t, k.rejected); st != "rejected" {
					t.Errorf("damaged cache, offline: the rejected social post is %q", st)
				}
				// Back online, the source fills again and the pin holds.
				r, _ = contentOf(t, k.cfg)
				if b := r.source(t, "blog"); !b.OK || b.Error != "" || len(r.shown("blog")) != 3 {
					t.Errorf("after a fetch: blog ok=%v error=%q, %d shown", b.OK, b.Error, len(r.shown("blog")))
				}
				k.checkDecisions(t, r, "damaged cache, refetched")
			})
		}
	}
}

// readOnly makes dir unwritable for this process: chmod for a normal user;
// as root, for whom permission bits do not count, the immutable attribute.
func readOnly(t *testing.T, dir string) string {
	t.Helper()
	how := "chmod 0555"
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
			t.Skipf("running as root and chattr +i is not available (%v: %s); the read-only store is covered by TestFaultDiskFullOrReadOnly", err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
		how = "chattr +i (root ignores permission bits)"
	} else {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
	}
	probe := filepath.Join(dir, "probe")
	if err := os.WriteFile(probe, nil, 0o644); err == nil {
		os.Remove(probe)
		t.Fatalf("%s did not make %s read-only", how, dir)
	}
	return how
}

// TestFaultReadOnlyStateDir: the state directory cannot be written (an SD
// card gone read-only, wrong ownership). The kiosk must still show what is
// cached and what it fetches, say why nothing is saved, and refuse new
// decisions with a reason, changing nothing.
func TestFaultReadOnlyStateDir(t *testing.T) {
	k := newStateKiosk(t)
	before := map[string][]byte{}
	for _, f := range []string{"source-blog.json", "source-social.json", moderate.DecisionsKey} {
		b, err := os.ReadFile(filepath.Join(k.state, f))
		if err != nil {
			t.Fatal(err)
		}
		before[f] = b
	}
	t.Logf("read-only by %s", readOnly(t, k.state))
	newPost := "Fresh from the press: the autumn newsletter is out, with twelve stories."
	k.feeds["/blog.rss"].Store(rssFeed("Blog", append([]item{{"b-4", "Luis Ortega", newPost, "", time.Now()}}, k.blog...)...))

	r, errs := contentOf(t, k.cfg)
	if strings.Contains(errs, "temporary state dir") {
		t.Errorf("the cache was given up for a temporary dir:\n%s", errs)
	}
	blog := r.source(t, "blog")
	if !blog.OK || r.shown("blog")[newPost] == "" {
		t.Errorf("fetched post not shown: blog ok=%v, %+v", blog.OK, r.Posts)
	}
	saveWarn := strings.Join(blog.Warnings, "\n")
	for _, w := range []string{"source blog: could not save the cache", k.state} {
		if !strings.Contains(saveWarn, w) {
			t.Errorf("blog warnings %q do not say %q", blog.Warnings, w)
		}
	}
	if !strings.Contains(saveWarn, "permission denied; let the kiosk's user write to") && !strings.Contains(saveWarn, "read-only") {
		t.Errorf("blog warnings %q do not say why", blog.Warnings)
	}
	k.checkDecisions(t, r, "read-only, online")

	// The fetched post was not saved, so only cached posts can be decided on.
	code, out, errs := run(t, "moderate", "--config", k.cfg, "reject", r.shown("blog")[k.blog[1].text])
	if code == 0 {
		t.Errorf("a decision on a read-only state dir reported success:\n%s", out)
	}
	if !strings.Contains(errs, filepath.Join(k.state, moderate.DecisionsKey)) || !strings.Contains(errs, "not saved") {
		t.Errorf("the refused decision does not name the file and say it was not saved:\n%s", errs)
	}
	t.Logf("refused decision: %s", strings.TrimSpace(errs))

	r, _ = contentOf(t, k.cfg, "--offline")
	if len(r.shown("blog")) != 3 || len(r.shown("social")) != 1 {
		t.Errorf("offline after the read-only run: blog %d social %d shown, want the 3 and 1 cached", len(r.shown("blog")), len(r.shown("social")))
	}
	k.checkDecisions(t, r, "read-only, offline")
	for f, b := range before {
		if now, _ := os.ReadFile(filepath.Join(k.state, f)); !bytes.Equal(now, b) {
			t.Errorf("%s changed in a read-only dir", f)
		}
	}
	if left := tempFiles(t, k.state); len(left) > 0 {
		t.Errorf("temp files left: %v", left)
	}
}

// ---------------------------------------------------------------- 4. disk full

// faultyFS is the real file system until fail is set; then writes to new
// temp files fail with err after a few bytes (disk full: ENOSPC) or temp
// files cannot even be created (read-only: EROFS).
type faultyFS struct {
	store.FS
	err  syscall.Errno
	fail atomic.Bool
}

func (f *faultyFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

func (f *faultyFS) CreateTemp(dir, pattern string) (store.File, error) {
	if f.fail.Load() && f.err == syscall.EROFS {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: f.err}
	}
	file, err := f.FS.CreateTemp(dir, pattern)
	if err != nil || !f.fail.Load() {
		return file, err
	}
	return fullFile{file, f.err}, nil
}

type fullFile struct {
	store.File
	err error
}

func (f fullFile) Write(p []byte) (int, error) {
	n, _ := f.File.Write(p[:min(len(p), 512)])
	return n, &fs.PathError{Op: "write", Path: f.Name(), Err: f.err}
}

// TestFaultDiskFullOrReadOnly: the disk fills up (or turns read-only) while
// the kiosk runs. Saving the cache fails; the source keeps showing its
// content, says the disk is the problem, and the file on disk stays the
// last good one.
func TestFaultDiskFullOrReadOnly(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  syscall.Errno
		want string
	}{
		{"disk full", syscall.ENOSPC, "the disk is full; free some space on it"},
		{"read-only", syscall.EROFS, "the file system is read-only; check the disk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body atomic.Value
			status := atomic.Int32{}
			now := time.Now()
			v1 := []item{
				{"1", "Ada Lovelace", "Our new office in Lyon opened today. Come and say hello, there is cake.", "", now.Add(-2 * time.Hour)},
				{"2", "Grace Hopper", "Please welcome Noor, who joins the design team in Berlin this week.", "", now.Add(-3 * time.Hour)},
			}
			v2 := append([]item{{"3", "Hannah Schulz", "Proud of the team: one thousand visitors at the open day on Saturday!", "", now.Add(-time.Hour)}}, v1...)
			body.Store(rssFeed("Blog", v1...))
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if s := status.Load(); s != 0 {
					http.Error(w, "down", int(s))
					return
				}
				io.WriteString(w, body.Load().(string))
			}))
			defer srv.Close()
			dir := t.TempDir()
			specs := []feeds.SourceSpec{{Name: "blog", Kind: feeds.KindPosts, URL: srv.URL + "/blog.rss"}}
			open := func(fsys store.FS) *pipeline.Pipeline {
				st, err := store.Open(dir, store.WithFS(fsys), store.WithLogger(discard()))
				if err != nil {
					t.Fatal(err)
				}
				p := pipeline.New(specs, pipeline.Options{Store: st, Client: fetch.New("test"), Logger: discard()})
				p.LoadCache()
				return p
			}
			posts := func(p *pipeline.Pipeline) int { return len(p.Snapshot().Posts) }
			state := func(p *pipeline.Pipeline) feeds.SourceState { return p.Snapshot().Sources[0] }

			// A good day: v1 fetched and saved.
			p := open(store.OS)
			p.RefreshAll(t.Context())
			if n := posts(p); n != 2 {
				t.Fatalf("v1: %d posts", n)
			}
			saved, _ := os.ReadFile(filepath.Join(dir, "source-blog.json"))

			// Restart; the disk fails; the feed has a new post.
			disk := &faultyFS{FS: store.OS, err: tc.err}
			p = open(disk)
			if n := posts(p); n != 2 {
				t.Fatalf("restart: %d cached posts, want 2", n)
			}
			disk.fail.Store(true)
			body.Store(rssFeed("Blog", v2...))
			p.RefreshAll(t.Context())
			st := state(p)
			if !st.OK || st.Error != "" || posts(p) != 3 {
				t.Errorf("fetch with a failing disk: ok=%v error=%q, %d posts; want ok and the 3 fetched posts shown", st.OK, st.Error, posts(p))
			}
			warn := strings.Join(st.Warnings, "\n")
			for _, w := range []string{"source blog: could not save the cache", filepath.Join(dir, "source-blog.json"), tc.want} {
				if !strings.Contains(warn, w) {
					t.Errorf("warnings %q do not say %q", st.Warnings, w)
				}
			}
			t.Logf("warning: %s", warn)
			if now, _ := os.ReadFile(filepath.Join(dir, "source-blog.json")); !bytes.Equal(now, saved) {
				t.Error("the cache file changed although its save failed")
			}
			if left := tempFiles(t, dir); len(left) > 0 {
				t.Errorf("temp files left by the failed save: %v", left)
			}

			// The feed goes down too: the screen keeps what it has.
			status.Store(http.StatusInternalServerError)
			p.RefreshAll(t.Context())
			if st := state(p); st.OK || posts(p) != 3 {
				t.Errorf("feed down on a failing disk: ok=%v, %d posts; want failing with the 3 posts kept", st.OK, posts(p))
			}

			// Restart on the failing disk: the last good file loads.
			if n := posts(open(disk)); n != 2 {
				t.Errorf("restart on the failing disk: %d posts from the cache, want the 2 last saved", n)
			}
			// Space freed, feed back: the next fetch is saved.
			disk.fail.Store(false)
			status.Store(0)
			p.RefreshAll(t.Context())
			if st := state(p); !st.OK || len(st.Warnings) != 0 {
				t.Errorf("disk and feed back: ok=%v warnings=%q", st.OK, st.Warnings)
			}
			if n := posts(open(store.OS)); n != 3 {
				t.Errorf("after recovery the cache holds %d posts, want 3", n)
			}
		})
	}
}

// ---------------------------------------------------------------- 5. SIGKILL while saving

// killerEntry is what testdata/killer saves.
type killerEntry struct {
	Seq    int          `json:"seq"`
	Result feeds.Result `json:"result"`
}

const (
	killerKey   = "source-firehose.json"
	killerPosts = 2000
)

// TestFaultSIGKILLWhileSaving kills a process that saves a large cache entry
// in a loop (testdata/killer, through feeds/store) 100 times at random
// moments. After every kill the store must open without leftovers and load
// a whole entry: the last save the process finished, or the one it was
// making — never a torn or mixed file.
func TestFaultSIGKILLWhileSaving(t *testing.T) {
	if testing.Short() {
		t.Skip("100 processes")
	}
	bin := filepath.Join(t.TempDir(), "killer")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/killer").CombinedOutput(); err != nil {
		t.Fatalf("go build testdata/killer: %v\n%s", err, out)
	}
	dir := t.TempDir()
	st, err := store.Open(dir, store.WithLogger(discard()))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(killerKey, killerEntry{Seq: 0, Result: feeds.Result{Posts: []feeds.Post{{ID: "seed", Text: "save 0 seed"}}}}); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(filepath.Join(dir, killerKey))

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	acked := 0 // the last save a killed process reported done
	var midWrite, newer, noSave int
	started := time.Now()
	for kill := 1; kill <= 100; kill++ {
		cmd := exec.Command(bin, dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		saves := make(chan int, 1024) // each save the process reports done
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "saved ")); err == nil {
					saves <- n
				}
			}
			close(saves)
		}()
		// A random moment, three ways: anywhere in the first 150 ms
		// (opening, loading, the first save); within 40 ms after the first
		// or second save (encoding, writing, flushing, renaming the next);
		// or within 2 ms of a temp file appearing, so that many kills cut
		// a save in the middle of its write.
		last := -1
		switch rng.IntN(3) {
		case 0:
			time.Sleep(time.Duration(rng.IntN(150_000)) * time.Microsecond)
		case 1:
			for range 1 + rng.IntN(2) {
				select {
				case last = <-saves:
				case <-time.After(10 * time.Second):
					t.Fatalf("kill %d: the saver reported no save in 10 s: %s", kill, stderr.String())
				}
			}
			time.Sleep(time.Duration(rng.IntN(40_000)) * time.Microsecond)
		case 2:
			for deadline := time.Now().Add(10 * time.Second); len(tempFiles(t, dir)) == 0; {
				if time.Now().After(deadline) {
					t.Fatalf("kill %d: the saver wrote no temp file in 10 s: %s", kill, stderr.String())
				}
				time.Sleep(200 * time.Microsecond)
			}
			time.Sleep(time.Duration(rng.IntN(2_000)) * time.Microsecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		for n := range saves {
			last = n
		}
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("kill %d: the saver ended on its own (%v): %s", kill, err, stderr.String())
		}
		if last >= 0 {
			acked = last
		} else {
			noSave++
		}

		if len(tempFiles(t, dir)) > 0 {
			midWrite++
		}
		st, err := store.Open(dir, store.WithLogger(discard()))
		if err != nil {
			t.Fatalf("kill %d: %v", kill, err)
		}
		if left := tempFiles(t, dir); len(left) > 0 {
			t.Fatalf("kill %d: temp files left after Open: %v", kill, left)
		}
		var e killerEntry
		found, err := st.Load(killerKey, &e)
		if err != nil || !found {
			t.Fatalf("kill %d: cache does not load: found=%v err=%v", kill, found, err)
		}
		if e.Seq != acked && e.Seq != acked+1 {
			t.Fatalf("kill %d: cache holds save %d; the killed process had finished save %d", kill, e.Seq, acked)
		}
		if e.Seq > 0 {
			if len(e.Result.Posts) != killerPosts {
				t.Fatalf("kill %d: save %d holds %d posts, want %d", kill, e.Seq, len(e.Result.Posts), killerPosts)
			}
			prefix := fmt.Sprintf("save %d post ", e.Seq)
			for i, p := range e.Result.Posts {
				if !strings.HasPrefix(p.Text, prefix+strconv.Itoa(i)+" ") || p.ID != fmt.Sprintf("s%d-p%d", e.Seq, i) {
					t.Fatalf("kill %d: post %d of save %d is %q: a mixed file", kill, i, e.Seq, p.ID)
				}
			}
		}
		if e.Seq == acked+1 {
			newer++
		}
		acked = e.Seq
	}
	if corrupt, _ := filepath.Glob(filepath.Join(dir, "*.corrupt-*")); len(corrupt) > 0 {
		t.Errorf("files moved aside as damaged: %v", corrupt)
	}
	fi, _ := os.Stat(filepath.Join(dir, killerKey))
	t.Logf("100 kills in %v: reached save %d (%.1f MB each); %d kills left a temp file (cut mid-save), %d landed between rename and report, %d before the process finished any save",
		time.Since(started).Round(100*time.Millisecond), acked, float64(fi.Size())/1e6, midWrite, newer, noSave)
	if acked == 0 || os.SameFile(info, fi) {
		t.Error("no save ever completed: the kills did not test anything")
	}
}

// ---------------------------------------------------------------- 6. clock jumps

// TestFaultClockJumps: the system clock is set back an hour (NTP after a
// drifting RTC) and forward a day (a dead RTC battery, then the network).
// What the screen says must stay sane at every reading: no "-1 h ago", no
// freshness mark for content "from the future", display hours that follow
// the new time. The same code paths the player runs: Report, Build, Chrome.
func TestFaultClockJumps(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("Mon 2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	published := at("Fri 2026-03-06 16:30")
	fetched := at("Fri 2026-03-06 18:20")
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "kiosk.toml")
	const feedURL = "http://127.0.0.1:9/journal.rss" // never fetched: the cache is the content
	writeFile(t, cfgPath, `name = "Clock Lobby"
timezone = "Europe/Berlin"
state_dir = "state"

[[source]]
name = "journal"
kind = "posts"
url = "`+feedURL+`"

[display]
stale_after = "3h"
hours = ["Mon-Fri 07:30-19:00", "Sat 09:00-13:00"]

[moderation]
max_age = "720h"
`)
	st, err := store.Open(filepath.Join(dir, "state"), store.WithLogger(discard()))
	if err != nil {
		t.Fatal(err)
	}
	text := "Our new office in Lyon opened today. Come and say hello, there is cake."
	if err := st.Save("source-journal.json", map[string]any{
		"origin": feedURL, "fetched_at": fetched,
		"result": feeds.Result{Posts: []feeds.Post{{ID: "j-1", Source: "journal", Network: "blog", Author: feeds.Author{Name: "Ada Lovelace"}, Text: text, Published: published}}},
	}); err != nil {
		t.Fatal(err)
	}
	cfg, eng, player := openPlayer(t, cfgPath)
	sched, err := hours.Parse(cfg.Display.Hours)
	if err != nil {
		t.Fatal(err)
	}

	// Readings of the wall clock, in the order a kiosk would see them.
	readings := []struct {
		name       string
		now        time.Time
		age, stale string
		clock      string
		on         bool
		nextChange time.Time
	}{
		{"on time", at("Fri 2026-03-06 18:30"), "2 h ago", "", "18:30", true, at("Fri 2026-03-06 19:00")},
		{"set back an hour", at("Fri 2026-03-06 17:30"), "1 h ago", "", "17:30", true, at("Fri 2026-03-06 19:00")},
		{"set back before the post", at("Fri 2026-03-06 15:30"), "just now", "", "15:30", true, at("Fri 2026-03-06 19:00")},
		{"forward a day", at("Sat 2026-03-07 18:30"), "yesterday", "updated yesterday", "18:30", false, at("Mon 2026-03-09 07:30")},
		{"forward a day, morning", at("Sat 2026-03-07 10:30"), "yesterday", "updated yesterday", "10:30", true, at("Sat 2026-03-07 13:00")},
		{"back to the true time", at("Fri 2026-03-06 18:31"), "2 h ago", "", "18:31", true, at("Fri 2026-03-06 19:00")},
	}
	for _, r := range readings {
		rep := eng.Report(r.now)
		shown := rep.Shown()
		if len(shown) != 1 {
			t.Errorf("%s: %d posts shown, want the one (moderation at the jumped time): %+v", r.name, len(shown), rep.Posts)
			continue
		}
		s := player.Build(t.Context(), playlist.Item{Kind: playlist.Post, PostID: shown[0].ID}, rep, r.now)
		ch := player.Chrome(rep, r.now)
		if s.Post == nil || s.Post.Age != r.age || strings.Contains(s.Post.Age, "-") {
			t.Errorf("%s: post age %q, want %q", r.name, s.Post.Age, r.age)
		}
		if ch.Stale != r.stale || ch.Clock != r.clock {
			t.Errorf("%s: corner %q clock %q, want %q and %q", r.name, ch.Stale, ch.Clock, r.stale, r.clock)
		}
		if on := sched.On(r.now); on != r.on {
			t.Errorf("%s: display on = %v, want %v", r.name, on, r.on)
		}
		if next := sched.Next(r.now); !next.Equal(r.nextChange) {
			t.Errorf("%s: next display change %s, want %s", r.name, next.In(berlin).Format("Mon 15:04"), r.nextChange.Format("Mon 15:04"))
		}
	}
}

// ---------------------------------------------------------------- 7. X server gone

// TestFaultXServerGone: the X server dies under the running kiosk (the
// display manager restarts, the TV's session ends). The kiosk must exit
// non-zero within seconds, without spinning, so systemd restarts it.
func TestFaultXServerGone(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	display := xvfb(t, 1280, 720)
	xpid := xvfbPID(t, display)
	cfg, err := assets.ExtractDemo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k := startKiosk(t, display, "run", "--config", cfg, "--windowed", "--slide-scale", "0.3")
	k.firstFrame(t, display)
	pid := k.cmd.Process.Pid
	type sample struct {
		at    time.Time
		ticks int64
	}
	var samples []sample
	sampleCPU := func() {
		if ticks, ok := cpuTicks(pid); ok {
			samples = append(samples, sample{time.Now(), ticks})
		}
	}
	// Two seconds of normal running, to compare with.
	for i := 0; i < 20; i++ {
		sampleCPU()
		time.Sleep(100 * time.Millisecond)
	}
	sampleCPU()
	atKill := samples[len(samples)-1]

	// Kill the X server this test started, as a crash would: no goodbye.
	if err := syscall.Kill(xpid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	n := strings.TrimPrefix(display, ":")
	t.Cleanup(func() { // a killed Xvfb leaves these behind
		os.Remove("/tmp/.X" + n + "-lock")
		os.Remove("/tmp/.X11-unix/X" + n)
	})
	killed := time.Now()
	var exitErr error
	deadline := killed.Add(15 * time.Second)
	for exited := false; !exited; {
		select {
		case exitErr = <-k.exited:
			k.exited <- exitErr
			exited = true
		case <-time.After(20 * time.Millisecond):
			sampleCPU()
			if time.Now().After(deadline) {
				t.Fatalf("the kiosk is still running 15 s after its X server died; CPU ticks %v", samples)
			}
		}
	}
	took := time.Since(killed)
	var ee *exec.ExitError
	if !errors.As(exitErr, &ee) || ee.ExitCode() == 0 {
		t.Errorf("the kiosk ended with %v after its X server died; want a non-zero exit so systemd restarts it", exitErr)
	}
	last := samples[len(samples)-1]
	normal := atKill.ticks - samples[0].ticks
	lastLine := strings.TrimSpace(k.output())
	lastLine = lastLine[strings.LastIndexByte(lastLine, '\n')+1:]
	t.Logf("X server killed: the kiosk exited after %v with %v, last words %q; CPU: %d ticks in the %v before the kill, %d ticks from the kill to its last sample %v later",
		took.Round(time.Millisecond), exitErr, lastLine, normal, atKill.at.Sub(samples[0].at).Round(100*time.Millisecond),
		last.ticks-atKill.ticks, last.at.Sub(killed).Round(time.Millisecond))
}

// openPlayer loads cfgPath and opens its engine and a player without a
// screen: the code paths the running kiosk takes to build slides.
func openPlayer(t *testing.T, cfgPath string) (*config.Config, *engine.Engine, *engine.Player) {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(cfg, engine.Options{Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, eng, engine.NewPlayer(eng, nil, nil)
}

// ---------------------------------------------------------------- 8. two people moderating at once

// sharedDir is a folder other users may enter (t.TempDir is the test
// user's alone): for processes that run as the kiosk's user.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lobbykiosk-shared-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// moderationKiosk is a kiosk with n cached posts from a feed file, all
// waiting for approval; it returns the config and the posts' IDs in feed
// order.
func moderationKiosk(t *testing.T, dir string, n int) (cfg string, ids []string) {
	t.Helper()
	now := time.Now()
	var items []item
	for i := range n {
		items = append(items, item{fmt.Sprintf("m-%02d", i), "Ada Lovelace",
			fmt.Sprintf("Story number %d from the Lyon office: the new team met the city's mayor today.", i), "", now.Add(-time.Duration(i+1) * time.Minute)})
	}
	writeFile(t, filepath.Join(dir, "feed.rss"), rssFeed("Stories", items...))
	cfg = filepath.Join(dir, "kiosk.toml")
	writeFile(t, cfg, `name = "Moderation Lobby"
state_dir = "state"

[[source]]
name = "stories"
kind = "posts"
path = "feed.rss"
approval = "manual"
`)
	r, _ := contentOf(t, cfg)
	byText := map[string]string{}
	for _, p := range r.Posts {
		if p.Status != "pending" {
			t.Fatalf("warm-up: post %q is %s, want pending", p.Text, p.Status)
		}
		byText[p.Text] = p.ID
	}
	for _, it := range items {
		id := byText[it.text]
		if id == "" {
			t.Fatalf("warm-up: post %q not cached", it.text)
		}
		ids = append(ids, id)
	}
	return cfg, ids
}

// TestFaultConcurrentModerators: 20 real `lobbykiosk moderate` processes
// decide at the same moment while the admin page (the same decisions API,
// in this process) decides on four more. Every writer that exits 0 must have
// its decision on disk; none may be lost. A writer that cannot get the lock
// must fail with the reason, not exit 0.
func TestFaultConcurrentModerators(t *testing.T) {
	if testing.Short() {
		t.Skip("20 processes")
	}
	bin := binary(t)
	cfg, ids := moderationKiosk(t, t.TempDir(), 24)
	actions := []string{"approve", "reject", "pin", "revoke"}
	want := map[string]string{"approve": "shown", "reject": "rejected", "pin": "shown", "revoke": "revoked"}

	// The admin page's writer: the running kiosk's engine.
	_, eng, _ := openPlayer(t, cfg)
	dec := eng.Decisions()

	type result struct {
		id, action string
		err        error
		out        string
	}
	results := make(chan result, 24)
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for i := range 20 {
		c := exec.Command(bin, "moderate", "--config", cfg, actions[i%4], ids[i])
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		cmds, outs = append(cmds, c), append(outs, &out)
	}
	started := time.Now()
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i := 20; i < 24; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch actions[i%4] {
			case "approve":
				err = dec.Approve(ids[i], "")
			case "reject":
				err = dec.Reject(ids[i], "")
			case "pin":
				err = dec.Pin(ids[i], "", time.Time{})
			case "revoke":
				err = dec.Revoke(ids[i], "")
			}
			results <- result{ids[i], actions[i%4], err, "admin page"}
		}()
	}
	for i, c := range cmds {
		results <- result{ids[i], actions[i%4], c.Wait(), outs[i].String()}
	}
	wg.Wait()
	close(results)
	took := time.Since(started)

	r, _ := contentOf(t, cfg, "--offline")
	status := map[string]string{}
	pinned := map[string]bool{}
	for _, p := range r.Posts {
		status[p.ID], pinned[p.ID] = p.Status, p.Pinned
	}
	ok := 0
	for res := range results {
		if res.err != nil {
			t.Logf("%s %s failed: %v: %s", res.action, res.id, res.err, lastLine(res.out))
			// Allowed only with a reason, and then the post is unchanged.
			if !strings.Contains(res.out, "not saved") {
				t.Errorf("%s %s failed without saying why: %v\n%s", res.action, res.id, res.err, res.out)
			}
			if status[res.id] != "pending" {
				t.Errorf("%s %s failed, yet the post is %s", res.action, res.id, status[res.id])
			}
			continue
		}
		ok++
		if status[res.id] != want[res.action] || pinned[res.id] != (res.action == "pin") {
			t.Errorf("%s %s reported success (%s), but the post is %s pinned=%v: the decision was lost",
				res.action, res.id, strings.TrimSpace(res.out), status[res.id], pinned[res.id])
		}
	}
	var onDisk struct {
		Data struct{ Decisions []moderate.Decision } `json:"data"`
	}
	raw, _ := os.ReadFile(filepath.Join(filepath.Dir(cfg), "state", moderate.DecisionsKey))
	json.Unmarshal(raw, &onDisk)
	t.Logf("20 moderate processes and 4 admin-page decisions at once: %d of 24 succeeded in %v; %d decisions in the file",
		ok, took.Round(time.Millisecond), len(onDisk.Data.Decisions))
	if ok != 24 || len(onDisk.Data.Decisions) != 24 {
		t.Errorf("%d writers succeeded and the file holds %d decisions; want all 24 (the lock waits %s)", ok, len(onDisk.Data.Decisions), store.DefaultLockWait)
	}

	// A writer that cannot get the lock: fails with the reason, exit 1.
	st, err := store.Open(filepath.Join(filepath.Dir(cfg), "state"), store.WithLogger(discard()))
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := st.Lock(moderate.DecisionsKey, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(bin, "moderate", "--config", cfg, "reject", ids[0])
	out, err := c.CombinedOutput()
	unlock()
	msg := strings.TrimSpace(string(out))
	if err == nil {
		t.Errorf("moderate with the lock held by another writer exited 0:\n%s", msg)
	}
	for _, w := range []string{"decision not saved", "pid " + strconv.Itoa(os.Getpid()), "did not let go within 10s", "try again"} {
		if !strings.Contains(msg, w) {
			t.Errorf("the writer that gave up does not say %q:\n%s", w, msg)
		}
	}
	t.Logf("with the lock held: %s", msg)
	if r, _ := contentOf(t, cfg, "--offline"); r.Posts != nil {
		for _, p := range r.Posts {
			if p.ID == ids[0] && p.Status != want[actions[0]] {
				t.Errorf("the refused reject changed post %s to %s", ids[0], p.Status)
			}
		}
	}
}

// TestFaultSudoModerate: `sudo lobbykiosk moderate` writes into the state
// directory of the kiosk's user. The decisions file must stay that user's,
// so the kiosk (running as that user) reads the decision and can make the
// next one.
func TestFaultSudoModerate(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: it runs moderate as root and the kiosk as another user")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	const uid, gid = 65534, 65534 // nobody: the kiosk's user here
	dir := sharedDir(t)
	bin := filepath.Join(dir, "lobbykiosk")
	if err := exec.Command("cp", binary(t), bin).Run(); err != nil {
		t.Fatal(err)
	}
	cfg, ids := moderationKiosk(t, dir, 2)
	state := filepath.Join(dir, "state")
	if out, err := exec.Command("chown", "-R", fmt.Sprintf("%d:%d", uid, gid), state).CombinedOutput(); err != nil {
		t.Fatalf("chown: %v %s", err, out)
	}
	asKiosk := func(args ...string) (string, error) {
		c := exec.Command(bin, args...)
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
		c.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir}
		out, err := c.CombinedOutput()
		return string(out), err
	}

	// sudo lobbykiosk moderate: this test runs as root.
	if out, err := exec.Command(bin, "moderate", "--config", cfg, "reject", ids[0]).CombinedOutput(); err != nil {
		t.Fatalf("moderate as root: %v\n%s", err, out)
	}
	for _, f := range []string{moderate.DecisionsKey, moderate.DecisionsKey + ".lock", ""} {
		fi, err := os.Stat(filepath.Join(state, f))
		if err != nil {
			t.Fatal(err)
		}
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != uid || st.Gid != gid {
			t.Errorf("after sudo moderate, %s belongs to %d:%d, want the kiosk's user %d:%d", filepath.Join(state, f), st.Uid, st.Gid, uid, gid)
		}
	}
	// The kiosk's user reads it (what the running kiosk does before each
	// slide) and decides next.
	out, err := asKiosk("content", "--config", cfg, "--offline", "--json")
	if err != nil {
		t.Fatalf("content as the kiosk's user: %v\n%s", err, out)
	}
	if strings.Contains(out, "permission denied") || !strings.Contains(out, `"status": "rejected"`) {
		t.Errorf("the kiosk's user does not see the decision root made:\n%s", out)
	}
	if out, err := asKiosk("moderate", "--config", cfg, "pin", ids[1]); err != nil {
		t.Errorf("moderate as the kiosk's user after root: %v\n%s", err, out)
	}
	r, _ := contentOf(t, cfg, "--offline")
	if st, _ := r.post(t, "Story number 0 from the Lyon office: the new team met the city's mayor today."); st != "rejected" {
		t.Errorf("root's reject is now %q", st)
	}
	if st, pinned := r.post(t, "Story number 1 from the Lyon office: the new team met the city's mayor today."); st != "shown" || !pinned {
		t.Errorf("the kiosk user's pin is %q pinned=%v", st, pinned)
	}

	// A user who may not write there is told whom to run it as.
	c := exec.Command(bin, "moderate", "--config", cfg, "approve", ids[0])
	c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65533, Gid: 65533}}
	if err := os.Chmod(state, 0o755); err != nil {
		t.Fatal(err)
	}
	o, err := c.CombinedOutput()
	if err == nil || !strings.Contains(string(o), "run it as the kiosk's user: sudo -u nobody lobbykiosk moderate") {
		t.Errorf("moderate by a user who may not write: %v\n%s", err, o)
	}
	t.Logf("another user: %s", strings.TrimSpace(string(o)))
}

// lastLine is the last line of s, trimmed.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// ---------------------------------------------------------------- 9. a feed that dies quietly

// binContent runs the real binary's `content --json` and decodes it.
func binContent(t *testing.T, cfg string, extra ...string) report {
	t.Helper()
	out, err := exec.Command(binary(t), append([]string{"content", "--config", cfg, "--json"}, extra...)...).Output()
	if err != nil {
		t.Fatalf("lobbykiosk content: %v", err)
	}
	var r report
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("content --json: %v\n%s", err, out)
	}
	return r
}

// TestFaultDeadFeed: a feed turns into an empty channel, a JSON Feed loses
// its items, a third feed falls from ten items to one. None may look
// healthy: each keeps its last good posts on screen and is reported
// degraded with the reason, its fetched_at not refreshed; after the grace
// (empty_grace) the empty answer is taken and the source says so.
func TestFaultDeadFeed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	now := time.Now()
	var rss, shrink, jsonFeed atomic.Value
	var items []item
	for i := range 10 {
		items = append(items, item{fmt.Sprintf("d-%d", i), "Grace Hopper", fmt.Sprintf("Team news number %d: the new coffee machine works and everyone is happy.", i), "", now.Add(-time.Duration(i+1) * time.Hour)})
	}
	rss.Store(rssFeed("Journal", items[:3]...))
	for i := range items {
		items[i].guid = fmt.Sprintf("s-%d", i) // the shrinking feed's own posts
	}
	shrink.Store(rssFeed("Shrinking", items...))
	jsonItems := func(n int) string {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf(`{"id":"j-%d","url":"https://blog.example.com/%d","content_text":"From the blog, story %d: the Lyon office opens its doors on Saturday.","date_published":%q,"authors":[{"name":"Ada Lovelace"}]}`,
				i, i, i, now.Add(-time.Duration(i+2)*time.Hour).UTC().Format(time.RFC3339)))
		}
		return `{"version":"https://jsonfeed.org/version/1.1","title":"Blog","items":[` + strings.Join(parts, ",") + `]}`
	}
	jsonFeed.Store(jsonItems(2))
	mux := http.NewServeMux()
	for path, v := range map[string]*atomic.Value{"/journal.rss": &rss, "/shrink.rss": &shrink, "/blog.json": &jsonFeed} {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, v.Load().(string)) })
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := filepath.Join(t.TempDir(), "kiosk.toml")
	writeFile(t, cfg, fmt.Sprintf(`name = "Quiet Lobby"
state_dir = "state"

[[source]]
name = "journal"
kind = "posts"
url = "%[1]s/journal.rss"

[[source]]
name = "blog"
kind = "posts"
url = "%[1]s/blog.json"

[[source]]
name = "shrinking"
kind = "posts"
url = "%[1]s/shrink.rss"

[fetch]
max_drop = 0.8
empty_grace = "3s"
`, srv.URL))
	warm := binContent(t, cfg)
	want := map[string]int{"journal": 3, "blog": 2, "shrinking": 10}
	for name, n := range want {
		if got := len(warm.shown(name)); got != n || !warm.source(t, name).OK {
			t.Fatalf("warm-up: %s shows %d, want %d: %+v", name, got, n, warm.source(t, name))
		}
	}

	rss.Store(rssFeed("Journal"))
	jsonFeed.Store(jsonItems(0))
	shrink.Store(rssFeed("Shrinking", items[0]))
	r := binContent(t, cfg)
	held := time.Now() // the grace started before this
	for name, why := range map[string]string{"journal": "answers with nothing", "blog": "answers with nothing", "shrinking": "answers with 1 item instead of 10"} {
		s, w := r.source(t, name), warm.source(t, name)
		if got := len(r.shown(name)); got != want[name] {
			t.Errorf("%s: %d posts shown after its feed emptied, want the last good %d", name, got, want[name])
		}
		degraded := s.Degraded
		if s.OK || s.Error != "" || !s.FetchedAt.Equal(w.FetchedAt) || !strings.Contains(degraded, "source "+name+": "+why) ||
			!strings.Contains(degraded, fmt.Sprintf("showing the last good %d until", want[name])) {
			t.Errorf("%s: ok=%v error=%q fetched_at %v (was %v) degraded %q; want not ok, degraded saying %q, fetched_at unchanged",
				name, s.OK, s.Error, s.FetchedAt, w.FetchedAt, degraded, why)
		}
		t.Logf("%s: %s", name, degraded)
	}
	_, table, _ := run(t, "content", "--config", cfg, "--offline")
	if !regexp.MustCompile(`journal\s+posts\s+degraded\s+3\s+`).MatchString(table) {
		t.Errorf("the table does not show journal as degraded with its 3 items:\n%s", table)
	}

	// After the grace the answers are taken as they are.
	time.Sleep(time.Until(held.Add(3 * time.Second)))
	r = binContent(t, cfg)
	for name, n := range map[string]int{"journal": 0, "blog": 0, "shrinking": 1} {
		s := r.source(t, name)
		if got := len(r.shown(name)); got != n || !s.OK || !strings.Contains(strings.Join(s.Warnings, " "), "its last good content was dropped after 3s") {
			t.Errorf("%s after the grace: %d shown (want %d), ok=%v, warnings %q: %+v", name, got, n, s.OK, s.Warnings, s)
		}
	}
}

// ---------------------------------------------------------------- 10. one flapping feed

// TestFaultFlappingFeedIsNotOffline: one feed of two fails — 500s, resets,
// an answer now and then — while the network is fine. The corner must not
// say "offline"; health must name the failing source. Only when no source
// can be reached does the corner say offline. The real binary, its screen
// state read through its admin API.
func TestFaultFlappingFeedIsNotOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	now := time.Now()
	good := rssFeed("Journal", item{"f-1", "Ada Lovelace", "Our new office in Lyon opened today. Come and say hello, there is cake.", "", now.Add(-time.Hour)})
	var hits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/good.rss", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, good) })
	mux.HandleFunc("/flap.rss", func(w http.ResponseWriter, r *http.Request) {
		switch hits.Add(1) % 3 {
		case 1:
			http.Error(w, "upstream timeout", http.StatusBadGateway)
		case 2:
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		default:
			io.WriteString(w, rssFeed("Flap", item{"x-1", "Noor Haddad", "Design sprint wall, day three: forty swatches and one decision.", "", now.Add(-2 * time.Hour)}))
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// Every way the flapping feed fails, in the player's own corner logic.
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "kiosk.toml")
	writeFile(t, cfgPath, fmt.Sprintf(`name = "Flap Lobby"
state_dir = "state"

[[source]]
name = "journal"
kind = "posts"
url = "%[1]s/good.rss"

[[source]]
name = "flap"
kind = "posts"
url = "%[1]s/flap.rss"

[fetch]
timeout = "3s"
`, srv.URL))
	_, eng, player := openPlayer(t, cfgPath)
	for i := range 3 {
		eng.RefreshOnce(t.Context())
		n := time.Now()
		rep := eng.Report(n)
		if st := player.Chrome(rep, n).Stale; st != "" || player.Current().Offline {
			t.Errorf("fetch %d (flap: %s): the corner says %q, offline=%v", i+1, rep.Sources[1].Error, st, player.Current().Offline)
		}
	}
	// One source, answering 500: reached, so not offline either.
	single := filepath.Join(dir, "single.toml")
	writeFile(t, single, fmt.Sprintf("name = \"Single\"\nstate_dir = \"single\"\n[[source]]\nname = \"down\"\nkind = \"posts\"\nurl = \"%s/missing\"\n", srv.URL))
	_, eng1, player1 := openPlayer(t, single)
	eng1.RefreshOnce(t.Context())
	if rep := eng1.Report(time.Now()); player1.Chrome(rep, time.Now()).Stale != "" || player1.Current().Offline {
		t.Errorf("a lone source answering 404 made the corner say %q", player1.Chrome(rep, time.Now()).Stale)
	}

	// The real binary.
	display := xvfb(t, 1280, 720)
	gentleXvfb(t, display)
	const password = "lobby-fault-test"
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "\n[admin]\nlisten = %q\npassword_hash = %q\n", addr, hash)
	f.Close()
	hits.Store(0) // the kiosk's first fetch of flap gets a 502
	k := startKiosk(t, display, "run", "--config", cfgPath, "--windowed", "--slide-scale", "0.2")
	k.firstFrame(t, display)
	admin := signIn(t, "http://"+addr, password)
	var health struct {
		Sources []sourceRow `json:"sources"`
		Screen  struct {
			Offline bool  `json:"offline"`
			Count   int64 `json:"slides_shown"`
		} `json:"screen"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		healthz(t, admin, "http://"+addr+"/healthz", &health)
		if len(health.Sources) == 2 && health.Sources[1].Failures > 0 && health.Screen.Count >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the flapping source never failed within 20 s: %+v", health)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if health.Screen.Offline {
		t.Errorf("the real kiosk reports its screen offline while only %q fails: %s", health.Sources[1].Name, health.Sources[1].Error)
	}
	if s := health.Sources[1]; s.OK || !strings.Contains(s.Error, "source flap: 502 Bad Gateway") {
		t.Errorf("health does not name the failing source: %+v", s)
	}
	if s := health.Sources[0]; !s.OK {
		t.Errorf("the good source is not ok in health: %+v", s)
	}
	t.Logf("flap failing (%s), screen offline=%v after %d slides", health.Sources[1].Error, health.Screen.Offline, health.Screen.Count)
}

// healthz reads the signed-in /healthz (503 is a valid answer there).
func healthz(t *testing.T, c *http.Client, u string, v any) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %s: %v\n%s", u, resp.Status, err, body)
	}
}

// ---------------------------------------------------------------- 11. display failures in one line

// xauthority writes an X authority file holding one cookie for any display
// of any host (FamilyWild), as xauth would.
func xauthority(t *testing.T, cookie []byte) string {
	t.Helper()
	var b bytes.Buffer
	field := func(s []byte) {
		binenc.Write(&b, binenc.BigEndian, uint16(len(s)))
		b.Write(s)
	}
	binenc.Write(&b, binenc.BigEndian, uint16(65535))
	field(nil)
	field(nil)
	field([]byte("MIT-MAGIC-COOKIE-1"))
	field(cookie)
	p := filepath.Join(t.TempDir(), "Xauthority")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFaultDisplayFailures: the real kiosk started on a display it cannot
// use — a stale X socket (the X server was killed, as a display manager
// restart leaves it), a refused cookie, an XAUTHORITY that does not exist,
// a Wayland session without X — must say what is wrong in one line and exit
// non-zero within seconds, so systemd tries again: no Go or C stack trace.
// With the right cookie the same display shows the slides.
func TestFaultDisplayFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	bin := binary(t)
	cfg, err := assets.ExtractDemo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()

	// A display that was there and was killed: its socket stays behind.
	stale := xvfb(t, 640, 480)
	if err := syscall.Kill(xvfbPID(t, stale), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	n := strings.TrimPrefix(stale, ":")
	t.Cleanup(func() {
		os.Remove("/tmp/.X" + n + "-lock")
		os.Remove("/tmp/.X11-unix/X" + n)
	})
	for deadline := time.Now().Add(5 * time.Second); ; {
		if c, err := net.Dial("unix", "/tmp/.X11-unix/X"+n); err != nil {
			break
		} else {
			c.Close()
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed X server still answers")
		}
		time.Sleep(50 * time.Millisecond)
	}

	right := []byte("lobbykiosk-tests")
	locked := xvfbWith(t, 1280, 720, "-auth", xauthority(t, right))
	gentleXvfb(t, locked)
	wrong := xauthority(t, []byte("not-the-cookie!!"))

	for _, tc := range []struct {
		name string
		env  []string
		want []string
	}{
		{"stale X socket", []string{"DISPLAY=" + stale},
			[]string{"X display " + stale + ": /tmp/.X11-unix/X" + n + " is left over from an X server that has stopped (connection refused)"}},
		{"refused cookie", []string{"DISPLAY=" + locked, "XAUTHORITY=" + wrong},
			[]string{"X display " + locked + " refused the kiosk", "XAUTHORITY=" + wrong + ": its MIT-MAGIC-COOKIE-1 for display " + locked + " was sent", "point XAUTHORITY at"}},
		{"XAUTHORITY missing", []string{"DISPLAY=" + locked, "XAUTHORITY=/var/lib/lobbykiosk/.Xauthority-gone"},
			[]string{"refused the kiosk: \"Authorization required", "XAUTHORITY=/var/lib/lobbykiosk/.Xauthority-gone does not exist, so no cookie was sent"}},
		{"Wayland without X", []string{"WAYLAND_DISPLAY=wayland-0", "XDG_RUNTIME_DIR=" + home},
			[]string{"no X display: WAYLAND_DISPLAY=wayland-0 is set, but this build draws through X11"}},
		{"no display yet", []string{"DISPLAY=:289"},
			[]string{"X display :289 is not up yet"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := exec.Command(bin, "run", "--config", cfg)
			c.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=C.UTF-8", "LANGUAGE=en"}, tc.env...)
			start := time.Now()
			out, err := c.CombinedOutput()
			took := time.Since(start)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() == 0 {
				t.Errorf("exit %v, want a non-zero exit so the service tries again", err)
			}
			msg := strings.TrimSpace(string(out))
			if strings.Count(msg, "\n") > 0 || strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine") || !strings.HasPrefix(msg, "lobbykiosk: ") {
				t.Errorf("want one line, got:\n%s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not say %q", msg, w)
				}
			}
			if took > 10*time.Second {
				t.Errorf("took %v to give up", took)
			}
			t.Logf("%v: %s", took.Round(time.Millisecond), msg)
		})
	}

	// The right cookie: the check lets the kiosk through and it draws.
	t.Setenv("XAUTHORITY", xauthority(t, right))
	k := startKiosk(t, locked, "run", "--config", cfg, "--windowed")
	img, took := k.firstFrame(t, locked)
	t.Logf("with the right cookie: first frame after %v (variance %.0f)", took.Round(10*time.Millisecond), variance(img))
}

// ---------------------------------------------------------------- 12. a typo in the config

// redNotice counts the pixels of the config notice's red in the top tenth of
// img.
func redNotice(img image.Image) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Min.Y+b.Dy()/8; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, 0xc6) && near(g>>8, 0x28) && near(bl>>8, 0x28) {
				n++
			}
		}
	}
	return n
}

func near(a uint32, b int) bool { return int(a)-b < 10 && b-int(a) < 10 }

// TestFaultConfigMistakes: a typo in the kiosk's own file, found at the next
// reboot, must not blank the screen: the kiosk runs the last config that
// started well, shows a small notice on screen and the problems with
// file:line: key in its log and health. While it runs, a good edit applies at
// the next slide and a bad one is refused with the reason; SIGHUP reads the
// file again instead of killing the kiosk. `check` stays strict. The real
// binary under Xvfb.
func TestFaultConfigMistakes(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	now := time.Now()
	feed := rssFeed("Journal",
		item{"c-1", "Ada Lovelace", "Our new office in Lyon opened today. Come and say hello, there is cake.", "", now.Add(-time.Hour)},
		item{"c-2", "Grace Hopper", "Please welcome Noor, who joins the design team in Berlin this week.", "", now.Add(-2 * time.Hour)})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, feed) }))
	defer srv.Close()
	const password = "lobby-fault-test"
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "kiosk.toml")
	file := func(display string) string {
		return fmt.Sprintf(`name = "Typo Lobby"
state_dir = "state"

[[source]]
name = "journal"
kind = "posts"
url = "%s/journal.rss"

[display]
%s

[admin]
listen = %q
password_hash = %q
`, srv.URL, display, addr, hash)
	}
	good := file("post_seconds = 10\nwelcome = \"Hello\"")
	writeFile(t, cfgPath, good)
	display := xvfb(t, 1280, 720)
	gentleXvfb(t, display)

	// A good day: the kiosk starts, and keeps this file as its last good copy.
	k := startKiosk(t, display, "run", "--config", cfgPath, "--windowed", "--slide-scale", "0.2")
	k.firstFrame(t, display)
	kept := filepath.Join(dir, "state", "config-last-good.json")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, err := os.Stat(kept); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the kiosk showed slides but kept no copy of its config")
		}
	}
	k.cmd.Process.Signal(syscall.SIGTERM)
	<-k.exited

	// Someone edits the file and gets it wrong; nobody notices until the
	// next power cut.
	broken := file("post_seconds = \"30 s\"\nwelcom = \"Hello\"")
	writeFile(t, cfgPath, broken)
	if code, _, errs := run(t, "check", "--config", cfgPath); code == 0 || !strings.Contains(errs, cfgPath+":10: display.post_seconds:") || !strings.Contains(errs, cfgPath+":11: display.welcom: unknown key") {
		t.Errorf("check on the broken file: exit %d\n%s", code, errs)
	}
	k = startKiosk(t, display, "run", "--config", cfgPath, "--windowed", "--slide-scale", "0.2")
	img, took := k.firstFrame(t, display)
	t.Logf("broken file at boot: first frame after %v, from the last good copy", took.Round(10*time.Millisecond))
	logs := k.output()
	for _, w := range []string{"config file has mistakes; the kiosk runs the last copy that worked", cfgPath + ":10: display.post_seconds:", cfgPath + ":11: display.welcom: unknown key"} {
		if !strings.Contains(logs, w) {
			t.Errorf("the log does not say %q:\n%s", w, logs)
		}
	}
	admin := signIn(t, "http://"+addr, password)
	type healthBody struct {
		ConfigVersion string   `json:"config_version"`
		Problems      []string `json:"problems"`
		ConfigFile    struct {
			InUse    string   `json:"in_use"`
			Problems []string `json:"problems"`
			Notice   string   `json:"notice"`
		} `json:"config_file"`
	}
	// A fresh value each time: fields a new answer leaves out must not
	// keep the old one's.
	poll := func() (h healthBody) {
		healthz(t, admin, "http://"+addr+"/healthz", &h)
		return h
	}
	h := poll()
	if len(h.ConfigFile.Problems) != 2 || !strings.HasPrefix(h.ConfigFile.Problems[0], cfgPath+":10: display.post_seconds:") ||
		!strings.HasPrefix(h.ConfigFile.InUse, "the last good copy, kept ") || !strings.Contains(strings.Join(h.Problems, "\n"), cfgPath+":11: display.welcom") {
		t.Errorf("health does not report the broken file: %+v", h)
	}
	waitScreen := func(what string, ok func(image.Image) bool) image.Image {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			if !k.running() {
				t.Fatalf("%s: the kiosk exited: %v", what, <-k.exited)
			}
			img := screenshot(t, display)
			if ok(img) {
				return img
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: not on screen within 20 s: %s", what, savePNG(t, img, "config-timeout.png"))
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	img = waitScreen("the notice", func(img image.Image) bool { return redNotice(img) > 500 })
	t.Logf("notice on screen (%d red pixels): %s; health says %q", redNotice(img), savePNG(t, img, "config-notice.png"), h.ConfigFile.Notice)
	startVersion := h.ConfigVersion

	// Fixed while it runs: applied at the next slide, the notice goes.
	writeFile(t, cfgPath, file("post_seconds = 12\nwelcome = \"Hello again\""))
	deadline := time.Now().Add(15 * time.Second)
	for h = poll(); h.ConfigVersion == startVersion || len(h.ConfigFile.Problems) > 0; h = poll() {
		if time.Now().After(deadline) {
			t.Fatalf("a good edit was not applied within 15 s: %+v", h)
		}
		time.Sleep(200 * time.Millisecond)
	}
	fixedVersion := h.ConfigVersion
	waitScreen("the notice gone", func(img image.Image) bool { return redNotice(img) == 0 && variance(img) > 200 })
	if !strings.Contains(k.output(), "config file applied; the screen follows at the next slide") {
		t.Error("the log does not say the edit was applied")
	}

	// A bad edit while it runs: refused, the running settings stay.
	writeFile(t, cfgPath, file("post_seconds = 12\nwelcome = \"Hello again\"\ntransition = \"wipe\""))
	deadline = time.Now().Add(15 * time.Second)
	for h = poll(); len(h.ConfigFile.Problems) == 0; h = poll() {
		if time.Now().After(deadline) {
			t.Fatalf("a bad edit was not reported within 15 s: %+v", h)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if h.ConfigVersion != fixedVersion || !strings.Contains(h.ConfigFile.Problems[0], cfgPath+":12: display.transition: \"wipe\" is not a transition") {
		t.Errorf("after a bad edit: version %s (running %s), problems %q", h.ConfigVersion, fixedVersion, h.ConfigFile.Problems)
	}
	waitScreen("the notice back", func(img image.Image) bool { return redNotice(img) > 500 })

	// SIGHUP reads the file again, and the kiosk stays up.
	writeFile(t, cfgPath, file("post_seconds = 12\nwelcome = \"Hello again\""))
	if err := k.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(15 * time.Second)
	for h = poll(); len(h.ConfigFile.Problems) > 0; h = poll() {
		if time.Now().After(deadline) {
			t.Fatalf("the fixed file was not read within 15 s of SIGHUP: %+v", h)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second)
	if !k.running() {
		t.Fatalf("SIGHUP ended the kiosk: %v", <-k.exited)
	}
	if !strings.Contains(k.output(), "SIGHUP: reading the config file again") {
		t.Error("the log does not mention SIGHUP")
	}
}

// ---------------------------------------------------------------- 13. state_dir deleted while running

// TestFaultStateDirDeleted: the state directory is removed under the running
// kiosk (a cleanup script, `rm -rf` by hand), then replaced by an empty tmpfs
// (a remount). Everything the kiosk keeps there must come back while it runs
// — each source's content, the editors' decisions, the revocation list, the
// last good config — so that the next start, offline, still has it, and a
// rejected post stays rejected. The real binary under Xvfb.
func TestFaultStateDirDeleted(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	k := newStateKiosk(t)
	revoked := k.warm.shown("blog")[k.blog[2].text]
	rev := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"revoked":[%q]}`, revoked)
	}))
	defer rev.Close()
	f, err := os.OpenFile(k.cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "\n[moderation]\nrevocations_url = %q\n", rev.URL)
	f.Close()

	display := xvfb(t, 1280, 720)
	gentleXvfb(t, display)
	kp := startKiosk(t, display, "run", "--config", k.cfg, "--windowed", "--slide-scale", "0.2")
	kp.firstFrame(t, display)
	want := []string{"config-last-good.json", moderate.DecisionsKey, moderate.RevocationsKey, "source-blog.json", "source-social.json"}
	waitFiles := func(what string) time.Duration {
		t.Helper()
		start := time.Now()
		for {
			var missing []string
			for _, f := range want {
				if _, err := os.Stat(filepath.Join(k.state, f)); err != nil {
					missing = append(missing, f)
				}
			}
			if len(missing) == 0 {
				return time.Since(start)
			}
			if !kp.running() {
				t.Fatalf("%s: the kiosk exited: %v", what, <-kp.exited)
			}
			if time.Since(start) > 40*time.Second {
				t.Fatalf("%s: after 40 s these are still missing from %s: %v", what, k.state, missing)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	waitFiles("at start")
	check := func(when string) {
		t.Helper()
		r, _ := contentOf(t, k.cfg, "--offline")
		k.checkDecisions(t, r, when)
		if st, _ := r.post(t, k.blog[2].text); st != "revoked" {
			t.Errorf("%s: the revoked post is %q", when, st)
		}
		if len(r.shown("blog")) != 2 || len(r.shown("social")) != 1 {
			t.Errorf("%s: offline from the state dir, blog %d social %d shown; want 2 and 1", when, len(r.shown("blog")), len(r.shown("social")))
		}
	}
	check("before the deletion")

	if err := os.RemoveAll(k.state); err != nil {
		t.Fatal(err)
	}
	took := waitFiles("after rm -rf")
	t.Logf("rm -rf state_dir: every file back after %v", took.Round(100*time.Millisecond))
	check("after rm -rf")

	// A tmpfs mounted over it: the folder is there, and empty.
	if os.Geteuid() != 0 {
		t.Log("not root: the tmpfs remount is not tried")
	} else if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "tmpfs", k.state).CombinedOutput(); err != nil {
		t.Logf("tmpfs cannot be mounted here (%v: %s); the remount case is not tried", err, strings.TrimSpace(string(out)))
	} else {
		t.Cleanup(func() { exec.Command("umount", "-l", k.state).Run() })
		took := waitFiles("after a tmpfs remount")
		t.Logf("empty tmpfs mounted over state_dir: every file back after %v", took.Round(100*time.Millisecond))
		check("on the new tmpfs")
	}
	if !strings.Contains(kp.output(), "state files were deleted while the kiosk ran; wrote back what it holds") {
		t.Error("the log does not say the files were written back")
	}
}
