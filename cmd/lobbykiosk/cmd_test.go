package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"lobbykiosk/assets"
	"lobbykiosk/kiosk/config"
)

// run runs a subcommand in-process, as a user would from a shell.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = dispatch(context.Background(), &env{stdin: strings.NewReader(""), stdout: &o, stderr: &e}, args)
	return code, o.String(), e.String()
}

const example = "../../packaging/kiosk.example.toml"

// exampleConfig writes a copy of the example config into a temporary folder
// and returns its path. The example's state_dir is the packaged
// /var/lib/lobbykiosk and its sources read ../assets/demo relative to
// packaging/, so the copy sets state_dir in that folder and names the demo by
// its absolute path in this checkout: a test writes nothing outside
// t.TempDir(). Everything else is the example as shipped.
func exampleConfig(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	demo, err := filepath.Abs("../../assets/demo")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// TOML basic strings escape as Go's do for these two.
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace
	body := strings.ReplaceAll(string(data), `"../assets/demo/`, `"`+esc(demo)+`/`)
	stateDir := `state_dir = "` + esc(filepath.Join(dir, "state")) + `"`
	if re := regexp.MustCompile(`(?m)^state_dir\s*=.*$`); re.MatchString(body) {
		body = re.ReplaceAllLiteralString(body, stateDir)
	} else {
		body = stateDir + "\n" + body
	}
	if m := regexp.MustCompile(`(?m)^[^#\n]*"\.\./.*$`).FindString(body); m != "" {
		t.Fatalf("%s: a relative path this copy does not rewrite: %s", example, m)
	}
	p := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The demo's posts have fixed dates (31 Oct - 21 Nov 2026): a max_age in the
// shipped config would hide all of them a few weeks after that, and the
// installed package would show an empty screen.
func TestExampleDoesNotAgeOut(t *testing.T) {
	c, err := config.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	if c.Moderation.MaxAge.Duration != 0 {
		t.Errorf("%s sets [moderation] max_age = %v: the demo's fixed-date posts would all be hidden once older", example, c.Moderation.MaxAge.Duration)
	}
}

func TestCheck(t *testing.T) {
	code, out, errs := run(t, "check", "--config", exampleConfig(t))
	if code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("check example: code %d\n%s\n%s", code, out, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("name = \"x\"\n[[source]]\nname = \"a\"\nkind = \"posts\"\nurl = \"https://x.org/f\"\npath = \"/f\"\nrefresh = \"soon\"\n"), 0o644)
	code, _, errs = run(t, "check", "--config", bad)
	if code == 0 {
		t.Fatal("bad config accepted")
	}
	for _, want := range []string{bad + ":7: source.refresh: \"soon\" is not a duration", bad + ":"} {
		if !strings.Contains(errs, want) {
			t.Errorf("error lacks %q:\n%s", want, errs)
		}
	}
}

// contentJSON is the documented shape of `content --json`.
type contentJSON struct {
	Posts []struct {
		ID, Source, Network, Text, Image, Link, Published, Status, Reason string
		Author                                                            struct{ Name, Handle, Avatar string }
	}
	Wins []struct {
		Label    string
		Value    *float64
		Previous *float64
		Unit     string
		Period   string
	}
	Leaderboard []struct {
		Rank   int
		Name   string
		Handle string
		Points *float64
		Change *int
	}
	Sources []struct {
		Name, Kind, Error string
		OK                *bool
		FetchedAt         string `json:"fetched_at"`
		Items             *int
	}
}

func decodeContent(t *testing.T, out string) contentJSON {
	t.Helper()
	var c contentJSON
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return c
}

func TestContentDemoJSON(t *testing.T) {
	// The demo through a config, so its files outlive the command and
	// pictures can be checked; `--demo` itself is the same config.
	cfg, err := assets.ExtractDemo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errs := run(t, "content", "--demo", "--json"); code != 0 || len(decodeContent(t, out).Posts) == 0 {
		t.Fatalf("content --demo: code %d: %s", code, errs)
	}
	code, out, errs := run(t, "content", "--config", cfg, "--json")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	c := decodeContent(t, out)
	if len(c.Posts) < 20 || len(c.Wins) < 3 || len(c.Leaderboard) < 5 {
		t.Fatalf("demo content too small: %d posts, %d wins, %d leaderboard", len(c.Posts), len(c.Wins), len(c.Leaderboard))
	}
	authors := map[string]bool{}
	pictures := 0
	for _, p := range c.Posts {
		if p.ID == "" || p.Text == "" || p.Author.Name == "" || p.Published == "" || p.Status != "shown" || p.Reason == "" {
			t.Errorf("incomplete post: %+v", p)
		}
		authors[p.Author.Name] = true
		if p.Image != "" {
			if _, err := os.Stat(p.Image); err != nil {
				t.Errorf("post %s: picture %s: %v", p.ID, p.Image, err)
			}
			pictures++
		}
	}
	if len(authors) < 12 || pictures < 5 {
		t.Errorf("%d authors, %d pictures", len(authors), pictures)
	}
	for _, w := range c.Wins {
		if w.Label == "" || w.Value == nil || w.Previous == nil {
			t.Errorf("incomplete win: %+v", w)
		}
	}
	for _, s := range c.Sources {
		if s.OK == nil || !*s.OK || s.Error != "" || s.Items == nil || *s.Items == 0 || s.FetchedAt == "" {
			t.Errorf("demo source not healthy: %+v", s)
		}
	}
}

func TestContentExampleConfig(t *testing.T) {
	example := exampleConfig(t)
	code, out, errs := run(t, "content", "--config", example, "--json")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	c := decodeContent(t, out)
	shown, other := 0, 0
	for _, p := range c.Posts {
		if p.Status == "shown" {
			shown++
		} else {
			other++
		}
	}
	if shown == 0 || len(c.Sources) != 7 {
		t.Errorf("shown %d, other %d, sources %d", shown, other, len(c.Sources))
	}
	// Readable form: the same content as a table.
	code, out, _ = run(t, "content", "--config", example)
	if code != 0 || !strings.Contains(out, "POSTS") || !strings.Contains(out, "SOURCES") {
		t.Errorf("table output:\n%s", out)
	}
}

// A source that fails is reported in the output; the command still exits 0.
func TestContentWithBrokenSource(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "k.toml")
	os.WriteFile(filepath.Join(dir, "bad.rss"), []byte("<html><body>Login required</body></html>"), 0o644)
	os.WriteFile(cfg, []byte("state_dir = \"state\"\n[[source]]\nname = \"broken\"\nkind = \"posts\"\npath = \"bad.rss\"\n"), 0o644)
	code, out, errs := run(t, "content", "--config", cfg, "--json")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	c := decodeContent(t, out)
	if len(c.Sources) != 1 || *c.Sources[0].OK || !strings.Contains(c.Sources[0].Error, "source broken") || !strings.Contains(c.Sources[0].Error, "HTML") {
		t.Errorf("sources = %+v", c.Sources)
	}
}

func TestRenderDemo(t *testing.T) {
	out := t.TempDir()
	code, stdout, errs := run(t, "render", "--demo", "--out", out, "--size", "1280x720")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	for _, want := range []string{"wins.png", "leaderboard.png", "welcome.png", "post-01-"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("render did not write %s:\n%s", want, stdout)
		}
	}
	for _, f := range strings.Fields(stdout) {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 720 {
			t.Errorf("%s is %v, want 1280x720", f, b)
		}
		if v := variance(img); v < 100 {
			t.Errorf("%s looks blank (variance %.0f)", f, v)
		}
	}
	if code, _, errs := run(t, "render", "--demo", "--out", out, "--size", "huge"); code == 0 || !strings.Contains(errs, "--size") {
		t.Errorf("bad size: code %d, %s", code, errs)
	}
}

// Metrics that need two wins slides are rendered as two files (which metric
// is on which page is slide's TestWinsPages).
func TestRenderWinsPages(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "k.toml")
	os.WriteFile(filepath.Join(dir, "wins.csv"), []byte("label,value,previous\nReach,1200000,948000\nShares,4812,3960\nFollowers,1340,1512\nStaff sharing,61,54\nComments,870,\nNet followers,420,-100\n"), 0o644)
	os.WriteFile(cfg, []byte("state_dir = \"state\"\n[[source]]\nname = \"wins\"\nkind = \"wins\"\npath = \"wins.csv\"\n"), 0o644)
	out := filepath.Join(dir, "out")
	code, stdout, errs := run(t, "render", "--config", cfg, "--out", out, "--size", "640x360")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	for _, want := range []string{"wins-1.png", "wins-2.png"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("render did not write %s:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "wins.png") || strings.Contains(stdout, "wins-3.png") {
		t.Errorf("six metrics make two wins slides:\n%s", stdout)
	}
}
