package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/feeds/store"
	"lobbykiosk/kiosk/config"
)

const hubUnit = "../../packaging/lobbykiosk-hub.service"

// The .deb's second unit: the hub as a server (no display, multi-user,
// after the network), off unless enabled, and systemd accepts it.
func TestHubUnitVerifies(t *testing.T) {
	data, err := os.ReadFile(hubUnit)
	if err != nil {
		t.Fatal(err)
	}
	unit := string(data)
	for _, want := range []string{
		"ExecStart=/usr/bin/lobbykiosk hub --config /etc/lobbykiosk/hub.toml",
		"ConditionPathExists=/etc/lobbykiosk/hub.toml",
		"User=lobbykiosk",
		"StateDirectory=lobbykiosk-hub",
		"After=network-online.target",
		"WantedBy=multi-user.target",
		"PrivateDevices=yes",
		"ProtectSystem=strict",
	} {
		if !strings.Contains(unit, "\n"+want+"\n") {
			t.Errorf("%s lacks %q", hubUnit, want)
		}
	}
	for _, not := range []string{"DISPLAY", "graphical.target", "XAUTHORITY", "WAYLAND"} {
		if strings.Contains(unit, not) {
			t.Errorf("%s mentions %s: the hub needs no display", hubUnit, not)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	verifyUnit(t, strings.ReplaceAll(unit, "/usr/bin/lobbykiosk", exe))
}

// hubTestConfig is a hub over one local feed; extra is appended.
func hubTestConfig(t *testing.T, listen, approval, extra string) string {
	t.Helper()
	dir := t.TempDir()
	feed := rssFeed("Team",
		item{guid: "a", author: "Ada Lovelace", text: "The first post the hub publishes for every office.", at: time.Now().Add(-time.Hour)},
		item{guid: "b", author: "Grace Hopper", text: "A second post, for the Berlin office's visitors only.", at: time.Now().Add(-2 * time.Hour)})
	writeFile(t, filepath.Join(dir, "team.rss"), feed)
	cfg := filepath.Join(dir, "hub.toml")
	hub := fmt.Sprintf("[hub]\nlisten = %q\ntokens = [\"hub-test-token-0123456789\"]\n", listen)
	if listen == "" {
		hub = "" // a kiosk's config
	}
	writeFile(t, cfg, fmt.Sprintf(`name = "Test hub"
state_dir = "state"

[[source]]
name = "team"
kind = "posts"
path = "team.rss"
approval = %q

%s%s`, approval, hub, extra))
	return cfg
}

// `lobbykiosk hub` starts where there is no display at all, serves, and
// stops cleanly on SIGTERM: the same binary as the kiosk, with Fyne's GL
// driver never started.
func TestHubStartsWithoutDisplay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	addr := freeAddr(t)
	cfg := hubTestConfig(t, addr, "auto", "")
	cmd := exec.Command(binary(t), "hub", "--config", cfg)
	// Nothing of a graphical session: no DISPLAY, no Wayland, no X authority.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C.UTF-8"}
	k := &kioskProc{exited: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = k, k
	k.cmd = cmd
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { k.exited <- cmd.Wait() }()
	defer func() {
		if k.running() {
			cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("hub output:\n%s", k.output())
		}
	}()
	get := func(path string, token bool) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		if token {
			req.Header.Set("Authorization", "Bearer hub-test-token-0123456789")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if !k.running() {
			t.Fatalf("the hub exited: %v", <-k.exited)
		}
		if code, body := get("/"+"content/posts.json", true); code == 200 && strings.Contains(body, "every office") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the hub did not publish the feed within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code, body := get("/healthz", false); code != 200 || strings.TrimSpace(body) != "{\n  \"status\": \"ok\"\n}" {
		t.Errorf("/healthz for anyone: %d %s", code, body)
	}
	if code, _ := get("/fleet.toml", false); code != http.StatusUnauthorized {
		t.Errorf("/fleet.toml without the token: %d", code)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-k.exited:
		if err != nil {
			t.Errorf("the hub's exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the hub did not stop within 10 s of SIGTERM")
	}
	out := k.output()
	for _, bad := range []string{"panic", "GLFW", "X11", "DISPLAY"} {
		if strings.Contains(out, bad) {
			t.Errorf("the hub's output mentions %s:\n%s", bad, out)
		}
	}
}

func TestHubCommandErrors(t *testing.T) {
	addr := freeAddr(t)
	noListen := hubTestConfig(t, "", "auto", "")
	badSite := hubTestConfig(t, addr, "auto", "\n[site.\"Berlin\".display]\npost_seconds = 0.5\n[site.\"Oslo\".moderation]\nrevocations_url = \"https://elsewhere.example/list.json\"\n")
	example := filepath.Join(t.TempDir(), "hub.toml")
	data, err := os.ReadFile("../../packaging/hub.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, example, string(data))
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"no listen", []string{"hub", "--config", noListen}, []string{"has no [hub] listen"}},
		{"a site's mistake, at its line", []string{"hub", "--config", badSite},
			[]string{`hub.toml:15: site.Berlin: display.post_seconds: 0.5 is too short`, `hub.toml:17: site.Oslo.moderation.revocations_url: the hub publishes the fleet's revocation list`}},
		{"check finds it too", []string{"check", "--config", badSite}, []string{`hub.toml:15: site.Berlin: display.post_seconds: 0.5 is too short`}},
		{"the example's token", []string{"check", "--config", example}, []string{"token 1 is the example's; replace it"}},
	} {
		code, _, errs := run(t, tc.args...)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1\n%s", tc.name, code, errs)
		}
		for _, w := range tc.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", tc.name, w, errs)
			}
		}
	}
	// The example with a token of one's own is a good hub config.
	writeFile(t, example, strings.Replace(string(data), "CHANGE-ME-openssl-rand-hex-24", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", 1))
	if code, out, errs := run(t, "check", "--config", example); code != 0 || !strings.Contains(out, "ok") {
		t.Errorf("check on the example with a real token: %d %s %s", code, out, errs)
	}
}

// On the hub, `moderate pin ID --site NAME` pins for that site only (and
// approves there); --site goes with approve and pin only.
func TestModerateForSites(t *testing.T) {
	cfg := hubTestConfig(t, freeAddr(t), "manual", "")
	if code, _, errs := run(t, "content", "--config", cfg); code != 0 {
		t.Fatalf("content: %s", errs)
	}
	r, _ := contentOf(t, cfg)
	var id string
	for _, p := range r.Posts {
		if strings.Contains(p.Text, "Berlin office") {
			id = p.ID
		}
	}
	code, out, errs := run(t, "moderate", "pin", id[:8], "--site", "Berlin", "--config", cfg)
	if code != 0 || !strings.Contains(out, "pinned for Berlin only by an editor (elsewhere waiting for approval") || !strings.Contains(out, "The running hub publishes this within 2s") {
		t.Errorf("moderate pin --site Berlin: %d\n%s%s", code, out, errs)
	}
	_, out, _ = run(t, "moderate", "list", "--config", cfg)
	if !strings.Contains(out, "shown (pinned at Berlin) for Berlin only") {
		t.Errorf("moderate list does not say where the post is pinned:\n%s", out)
	}
	if code, _, errs := run(t, "moderate", "reject", id, "--site", "Berlin", "--config", cfg); code != 2 || !strings.Contains(errs, "--site goes with approve and pin") {
		t.Errorf("reject --site: %d %s", code, errs)
	}
}

// On the hub, every `moderate` decision goes to the audit log as
// "cli:<unix user>", beside the console's.
func TestModerateOnTheHubIsAudited(t *testing.T) {
	cfg := hubTestConfig(t, freeAddr(t), "manual", "")
	r, _ := contentOf(t, cfg)
	var id string
	for _, p := range r.Posts {
		if strings.Contains(p.Text, "every office") {
			id = p.ID
		}
	}
	if code, out, errs := run(t, "moderate", "approve", id, "--site", "Berlin", "--config", cfg); code != 0 {
		t.Fatalf("moderate approve: %d %s %s", code, out, errs)
	}
	if code, out, errs := run(t, "moderate", "revoke", id, "--config", cfg); code != 0 {
		t.Fatalf("moderate revoke: %d %s %s", code, out, errs)
	}
	c, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(c.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	entries, bad, err := moderate.OpenAudit(st).Recent(10)
	if err != nil || bad != 0 || len(entries) != 2 {
		t.Fatalf("audit log: %+v %d %v", entries, bad, err)
	}
	me, _ := user.Current()
	want := "cli:" + me.Username
	if by := os.Getenv("SUDO_USER"); by != "" && by != me.Username {
		want = "cli:" + by + " (as " + me.Username + ")"
	}
	if e := entries[1]; e.Actor != want || e.Action != "approve" || e.ID != id || len(e.Sites) != 1 || e.Sites[0] != "Berlin" || e.Author != "Ada Lovelace" {
		t.Errorf("the approval's audit entry: %+v (want actor %s)", e, want)
	}
	if e := entries[0]; e.Action != "revoke" || e.Actor != want {
		t.Errorf("the revocation's audit entry: %+v", e)
	}
	// A kiosk's own decisions are not the hub's to log.
	kiosk := hubTestConfig(t, "", "manual", "")
	kr, _ := contentOf(t, kiosk)
	if code, _, errs := run(t, "moderate", "approve", kr.Posts[0].ID, "--config", kiosk); code != 0 {
		t.Fatal(errs)
	}
	kc, _ := config.Load(kiosk)
	if _, err := os.Stat(filepath.Join(kc.StateDir, moderate.AuditKey)); !os.IsNotExist(err) {
		t.Errorf("a kiosk's moderate wrote an audit log: %v", err)
	}
}

// Moderators are added, changed and removed with `lobbykiosk admin`, on the
// hub's config only; status lists them.
func TestAdminModerators(t *testing.T) {
	cfg := hubTestConfig(t, freeAddr(t), "manual", "")
	code, out, errs := runInput(t, strings.NewReader("tern lobby window 42\ntern lobby window 42\n"), "admin", "set-password", "--moderator", "Ada Lovelace", "--config", cfg)
	if code != 0 || !strings.Contains(out, "Moderator Ada Lovelace added") {
		t.Fatalf("set-password --moderator: %d %s %s", code, out, errs)
	}
	c, _ := config.Load(cfg)
	if fi, err := os.Stat(c.Hub.ModeratorsFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("moderators file: %v %v", fi, err)
	}
	if code, _, errs := runInput(t, strings.NewReader("password\npassword\n"), "admin", "set-password", "--moderator", "Grace", "--config", cfg); code != 1 || !strings.Contains(errs, "characters") {
		t.Errorf("a weak password: %d %s", code, errs)
	}
	if code, out, _ := runInput(t, strings.NewReader("copper kettle morning 7\ncopper kettle morning 7\n"), "admin", "set-password", "--moderator", "Grace", "--config", cfg); code != 0 || !strings.Contains(out, "added") {
		t.Errorf("Grace: %d %s", code, out)
	}
	if _, out, _ := run(t, "admin", "--config", cfg); !strings.Contains(out, "Moderators:  Ada Lovelace, Grace; hashes in "+c.Hub.ModeratorsFile) {
		t.Errorf("admin status on the hub:\n%s", out)
	}
	if code, out, _ := run(t, "admin", "remove-moderator", "grace", "--config", cfg); code != 0 || !strings.Contains(out, "removed") {
		t.Errorf("remove-moderator: %d %s", code, out)
	}
	if code, _, errs := run(t, "admin", "remove-moderator", "Grace", "--config", cfg); code != 1 || !strings.Contains(errs, `there is no moderator "Grace" (the moderators are: Ada Lovelace)`) {
		t.Errorf("removing her twice: %d %s", code, errs)
	}
	kiosk := hubTestConfig(t, "", "manual", "")
	if code, _, errs := runInput(t, strings.NewReader("tern lobby window 42\ntern lobby window 42\n"), "admin", "set-password", "--moderator", "Ada", "--config", kiosk); code != 1 || !strings.Contains(errs, "moderators are the fleet hub's") {
		t.Errorf("a moderator on a kiosk: %d %s", code, errs)
	}
}

// The hub draws nothing, so its own fonts hold nothing back: on a server
// with DejaVu alone, a Thai post is still approved and published, and each
// kiosk decides with the fonts it has.
func TestHubHoldsNothingBackForFonts(t *testing.T) {
	requireBareFonts(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bkk.rss"), thaiFeed)
	cfg := filepath.Join(dir, "hub.toml")
	writeFile(t, cfg, "state_dir = \"state\"\n[moderation]\nmax_age = \"87600h\"\n[[source]]\nname = \"bkk\"\nkind = \"posts\"\npath = \"bkk.rss\"\n"+
		"[hub]\nlisten = \"127.0.0.1:0\"\ntokens = [\"hub-test-token-0123456789\"]\n")
	posts := contentPosts(t, cfg, true)
	if len(posts) != 2 {
		t.Fatalf("%d posts, want 2: %+v", len(posts), posts)
	}
	for _, p := range posts {
		if p.Status != "shown" {
			t.Errorf("the hub holds %q back: %s (%s)", p.Text, p.Status, p.Reason)
		}
	}
}
