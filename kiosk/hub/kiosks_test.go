package hub

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"lobbykiosk/kiosk/health"
)

func beatJSON(t *testing.T, b health.Beat) []byte {
	t.Helper()
	body, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func (th *testHub) send(t *testing.T, method, path string, body []byte, headers ...string) *http.Response {
	t.Helper()
	r, _ := do(t, method, th.srv.URL+path, body, append(bearer(token1), headers...)...)
	return r
}

// jpegClaiming is a JPEG header that claims w×h pixels and holds none.
func jpegClaiming(t *testing.T, w, h uint16) []byte {
	t.Helper()
	small := testJPEG(t, 8, 8, color.RGBA{1, 2, 3, 255})
	i := bytes.Index(small, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 in the test JPEG")
	}
	out := bytes.Clone(small)
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	return out
}

// berlinBeat is the heartbeat of the Berlin lobby's kiosk, showing the
// hub's post about the lobby screen, one of its sources failing.
func berlinBeat(th *testHub) health.Beat {
	var onScreen string
	for _, p := range th.eng.Report(time.Now()).Shown() {
		if strings.Contains(p.Text, "Our lobby screen") {
			onScreen = p.ID
		}
	}
	return health.Beat{Name: "Berlin Lobby", Site: "Berlin", Version: "1.2.3", ConfigVersion: "abc123", Status: "ok",
		DisplayOn: true, Slide: "post", PostID: onScreen, FailingSources: []string{"intranet"}, EverySeconds: 60}
}

// Heartbeats and thumbnails are checked before anything is kept; a kiosk
// shows offline once three beats are missing; /metrics says so per kiosk.
func TestKioskBeatsAndThumbnails(t *testing.T) {
	o := newOrigin(t)
	th := newTestHub(t, o, "")
	good := berlinBeat(th)
	onScreen := good.PostID

	for _, tc := range []struct {
		name string
		body []byte
		code int
	}{
		{"not JSON", []byte("hello"), http.StatusBadRequest},
		{"two objects", append(beatJSON(t, good), beatJSON(t, good)...), http.StatusBadRequest},
		{"no name", beatJSON(t, health.Beat{Site: "Berlin"}), http.StatusBadRequest},
		{"control characters in the name", beatJSON(t, health.Beat{Name: "Lobby\x1b[2J"}), http.StatusBadRequest},
		{"a name of 200 characters", beatJSON(t, health.Beat{Name: strings.Repeat("x", 200)}), http.StatusBadRequest},
		{"over 16 KiB", beatJSON(t, health.Beat{Name: "big", Error: strings.Repeat("e", 20<<10)}), http.StatusRequestEntityTooLarge},
		{"good", beatJSON(t, good), http.StatusNoContent},
	} {
		if r := th.send(t, http.MethodPost, "/beat", tc.body); r.StatusCode != tc.code {
			t.Errorf("heartbeat, %s: %s, want %d", tc.name, r.Status, tc.code)
		}
	}
	if n := len(th.fleet.list()); n != 1 {
		t.Fatalf("the hub keeps %d kiosks after one good heartbeat", n)
	}

	thumb := testJPEG(t, 480, 270, color.RGBA{10, 200, 10, 255})
	path := "/kiosk/" + url.PathEscape("Berlin Lobby") + "/screen.jpg"
	for _, tc := range []struct {
		name, path, ctype string
		body              []byte
		code              int
	}{
		{"a kiosk that never beat", "/kiosk/Nobody/screen.jpg", "image/jpeg", thumb, http.StatusNotFound},
		{"not image/jpeg", path, "image/png", thumb, http.StatusUnsupportedMediaType},
		{"HTML", path, "image/jpeg", []byte("<html></html>"), http.StatusBadRequest},
		{"a header claiming 60000×60000", path, "image/jpeg", jpegClaiming(t, 60000, 60000), http.StatusBadRequest},
		{"cut short", path, "image/jpeg", thumb[:len(thumb)/2], http.StatusBadRequest},
		{"over 256 KiB", path, "image/jpeg", append(bytes.Clone(thumb), make([]byte, 300<<10)...), http.StatusRequestEntityTooLarge},
		{"good", path, "image/jpeg", thumb, http.StatusNoContent},
	} {
		if r := th.send(t, http.MethodPut, tc.path, tc.body, "Content-Type", tc.ctype); r.StatusCode != tc.code {
			t.Errorf("thumbnail, %s: %s, want %d", tc.name, r.Status, tc.code)
		}
	}
	r, body := th.get(t, path, bearer(token2)...)
	if r.StatusCode != http.StatusOK || !bytes.Equal(body, thumb) {
		t.Errorf("the thumbnail back: %s, %d bytes (sent %d)", r.Status, len(body), len(thumb))
	}

	up := func() string {
		_, m := th.get(t, "/metrics", bearer(token1)...)
		for _, line := range strings.Split(string(m), "\n") {
			if strings.HasPrefix(line, `lobbykiosk_hub_kiosk_up{kiosk="Berlin Lobby",site="Berlin"} `) {
				return strings.TrimPrefix(line, `lobbykiosk_hub_kiosk_up{kiosk="Berlin Lobby",site="Berlin"} `)
			}
		}
		t.Fatalf("no up metric for the kiosk:\n%s", m)
		return ""
	}
	if got := up(); got != "1" {
		t.Errorf("up right after a beat: %s", got)
	}
	th.clock.Add(2*time.Minute + 59*time.Second)
	if got := up(); got != "1" {
		t.Errorf("up after two missed beats: %s", got)
	}
	th.clock.Add(2 * time.Second)
	if got := up(); got != "0" {
		t.Errorf("up after three missed beats: %s", got)
	}
	_, page := th.get(t, "/fleet", bearer(token1)...)
	for _, want := range []string{`data-kiosk="Berlin Lobby" data-state="offline"`, "3 heartbeats missed", "intranet", "1.2.3",
		`src="/kiosk/Berlin%20Lobby/screen.jpg?at=`, "Our lobby screen now shows"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the Fleet page lacks %q", want)
		}
	}
	if bytes.Contains(page, []byte("<script")) || bytes.Contains(page, []byte("http://")) || bytes.Contains(page, []byte("https://")) {
		t.Error("the Fleet page loads something from elsewhere or runs a script")
	}

	// The state survives a restart of the hub.
	th.SaveKiosks()
	reg, err := newRegistry(th.fleet.dir, th.eng.Store, quiet(), th.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	if ks := reg.list(); len(ks) != 1 || ks[0].Thumb == "" || ks[0].Site != "Berlin" || ks[0].PostID != onScreen {
		t.Errorf("after a restart: %+v", ks)
	}
}

// The thumbnail a kiosk sends fits the hub's bounds whatever the screen.
func TestThumbnailFitsTheHub(t *testing.T) {
	for _, size := range []image.Point{{3840, 2160}, {1080, 1920}, {1280, 720}, {7, 5}} {
		frame := image.NewRGBA(image.Rectangle{Max: size})
		body, err := health.Thumbnail(frame)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if len(body) > MaxThumbBytes || cfg.Width > MaxThumbWidth || cfg.Height > MaxThumbHeight || cfg.Width*cfg.Height > MaxThumbPixels {
			t.Errorf("a %v frame makes a %d×%d thumbnail of %d bytes", size, cfg.Width, cfg.Height, len(body))
		}
	}
}
