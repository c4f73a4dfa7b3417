package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// thaiFeed is a Mastodon-style feed with one Thai post and one English one.
const thaiFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Bangkok office</title><link>https://social.example/@bkk</link>
<item><guid>https://social.example/@bkk/1</guid><link>https://social.example/@bkk/1</link>
<pubDate>Fri, 20 Nov 2026 09:00:00 +0000</pubDate>
<description>สวัสดีครับ ทีมงานกรุงเทพฯ ยินดีต้อนรับทุกคนสู่สำนักงานใหม่</description></item>
<item><guid>https://social.example/@bkk/2</guid><link>https://social.example/@bkk/2</link>
<pubDate>Fri, 20 Nov 2026 10:00:00 +0000</pubDate>
<description>Our Bangkok office opened today, welcome everyone to the new space.</description></item>
</channel></rss>`

// dejavuOnly is what /usr/share/fonts holds on a bare system, for
// contentPosts.
const dejavuOnly = "/usr/share/fonts/truetype/dejavu"

// requireBareFonts skips a test that needs to stand for a system without
// the Noto packages: DejaVu and a mount namespace of its own.
func requireBareFonts(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(dejavuOnly); err != nil {
		t.Skip("no DejaVu fonts to stand for a bare system")
	}
	if err := exec.Command("unshare", "--mount", "true").Run(); err != nil {
		t.Skipf("cannot make a mount namespace (needs root and unshare): %v", err)
	}
}

// contentPost is a post as `content --json` reports it.
type contentPost struct{ Text, Status, Reason string }

// contentPosts runs the real binary's `content --json` on cfg; bare runs it
// in a mount namespace where /usr/share/fonts holds only DejaVu.
func contentPosts(t *testing.T, cfg string, bare bool) []contentPost {
	t.Helper()
	args := []string{binary(t), "content", "--config", cfg, "--json"}
	if bare {
		args = append([]string{"unshare", "--mount", "sh", "-c", `mount --bind "$0" /usr/share/fonts && exec "$@"`, dejavuOnly}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("content: %v", err)
	}
	var r struct{ Posts []contentPost }
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return r.Posts
}

// TestContentHoldsBackUndrawableScript runs the real binary as on a system
// without the Noto packages: in a mount namespace of its own, where
// /usr/share/fonts holds only DejaVu. The Thai post is held back and
// `content` says which package to install; the English one is shown. With
// the system's fonts (the Noto packages installed) both are shown.
func TestContentHoldsBackUndrawableScript(t *testing.T) {
	requireBareFonts(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bkk.rss"), []byte(thaiFeed), 0o644)
	cfg := filepath.Join(dir, "kiosk.toml")
	os.WriteFile(cfg, []byte("state_dir = \"state\"\n[moderation]\nmax_age = \"87600h\"\n[[source]]\nname = \"bkk\"\nkind = \"posts\"\npath = \"bkk.rss\"\n"), 0o644)

	content := func(bare bool) map[string][2]string {
		t.Helper()
		got := map[string][2]string{}
		for _, p := range contentPosts(t, cfg, bare) {
			lang := "en"
			if strings.HasPrefix(p.Text, "สวัสดี") {
				lang = "th"
			}
			got[lang] = [2]string{p.Status, p.Reason}
		}
		return got
	}

	bare := content(true)
	if bare["th"] != [2]string{"held", "no font for Thai script: install fonts-noto-core"} {
		t.Errorf("Thai post on a bare system: %q", bare["th"])
	}
	if bare["en"][0] != "shown" {
		t.Errorf("English post on a bare system: %q", bare["en"])
	}
	full := content(false)
	if full["th"][0] != "shown" || full["en"][0] != "shown" {
		t.Errorf("with the system's fonts: %q (is fonts-noto-core installed?)", full)
	}
}
