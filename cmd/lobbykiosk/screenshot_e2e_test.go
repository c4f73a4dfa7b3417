package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"lobbykiosk/assets"
)

// TestScreenshotMatchesTheScreen runs the real binary fullscreen under
// Xvfb with the admin page on HTTPS, checks the certificate against the
// fingerprint `lobbykiosk admin` prints, signs in, and compares
// /screenshot.png with `import -window root` taken around it: the page's
// picture must be what the X server shows (it was an all-zero image).
func TestScreenshotMatchesTheScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	display := xvfb(t, 1280, 720)
	gentleXvfb(t, display)
	dir := t.TempDir()
	cfgPath, err := assets.ExtractDemo(dir)
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, []byte("\n[admin]\nlisten = \""+addr+"\"\ntls = \"on\"\n")...)
	if err := os.WriteFile(cfgPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	const password = "tern lobby window 42"
	if code, out, errs := runInput(t, strings.NewReader(password+"\n"+password+"\n"), "admin", "set-password", "--config", cfgPath); code != 0 {
		t.Fatalf("set-password: %d\n%s%s", code, out, errs)
	}
	code, status, errs := runInput(t, strings.NewReader(""), "admin", "--config", cfgPath)
	m := regexp.MustCompile(`SHA-256 ([0-9A-F:]{95})`).FindStringSubmatch(status)
	if code != 0 || m == nil || !strings.Contains(status, "https://"+addr+"/") {
		t.Fatalf("lobbykiosk admin: %d\n%s%s", code, status, errs)
	}
	t.Logf("lobbykiosk admin:\n%s", status)
	fingerprint := strings.ReplaceAll(m[1], ":", "")

	// Long slides: the screen holds still while it is compared.
	k := startKiosk(t, display, "run", "--config", cfgPath, "--slide-scale", "20")
	k.firstFrame(t, display)
	time.Sleep(2 * time.Second) // the first fade has settled

	jar, _ := cookiejar.New(nil)
	var seen string
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		// Self-signed: trusted by its fingerprint, as a person does.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
			seen = strings.ToUpper(hex.EncodeToString(sum[:]))
			return nil
		},
	}}}
	base := "https://" + addr
	var form string
	for i := 0; i < 100; i++ {
		res, err := client.Get(base + "/signin")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			form = string(b)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if seen != fingerprint {
		t.Fatalf("the page's certificate is %s, `lobbykiosk admin` says %s", seen, fingerprint)
	}
	tok := csrfField.FindStringSubmatch(form)
	if tok == nil {
		t.Fatalf("no sign-in form:\n%s\n%s", form, k.output())
	}
	res, err := client.PostForm(base+"/signin", url.Values{"csrf": {tok[1]}, "password": {password}, "next": {"/screen"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/screen" {
		t.Fatalf("sign-in: %d at %s", res.StatusCode, res.Request.URL)
	}
	u, _ := url.Parse(base)
	for _, c := range jar.Cookies(u) {
		if c.Name == "lobbykiosk_session" && !strings.HasPrefix(base, "https") {
			t.Errorf("session cookie over plain HTTP")
		}
	}

	before := screenshot(t, display)
	res, err = client.Get(base + "/screenshot.png")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	after := screenshot(t, display)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("/screenshot.png: %d %s: %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), body, k.output())
	}
	shot, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if shot.Bounds() != before.Bounds() {
		t.Fatalf("screenshot %v, screen %v", shot.Bounds(), before.Bounds())
	}
	if v := variance(shot); v < 200 {
		t.Errorf("the screenshot is blank (variance %.0f)", v)
	}
	d := min(difference(shot, before), difference(shot, after))
	t.Logf("screenshot %s vs screen %s: %.2f%% of sampled pixels differ", savePNG(t, shot, "admin-screenshot.png"), savePNG(t, before, "admin-screen-root.png"), 100*d)
	if d > 0.01 {
		t.Errorf("/screenshot.png differs from the screen in %.1f%% of its pixels (want under 1%%)", 100*d)
	}
	// The "On screen" page shows it.
	res, err = client.Get(base + "/screen")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.Contains(page, []byte(`src="/screenshot.png"`)) {
		t.Errorf("/screen does not show the screenshot")
	}
}
