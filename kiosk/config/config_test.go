package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kiosk.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadGood(t *testing.T) {
	p := write(t, `
name = "HQ Lobby"
timezone = "Europe/Berlin"
state_dir = "state"

[[source]]
name = "team-mastodon"
kind = "posts"
url = "https://example.org/@team.rss"
refresh = "15m"

[[source]]
name = "stories"
kind = "folder"
path = "/srv/share/stories"
approval = "manual"
locale = "de-CH"

[display]
hours = ["Mon-Fri 07:30-19:00"]
`)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "HQ Lobby" || c.Location.String() != "Europe/Berlin" {
		t.Errorf("name/zone = %q %v", c.Name, c.Location)
	}
	if want := filepath.Join(filepath.Dir(p), "state"); c.StateDir != want {
		t.Errorf("state_dir = %q, want %q (relative to the config file)", c.StateDir, want)
	}
	if got := c.Sources[0].Refresh.Duration; got != 15*time.Minute {
		t.Errorf("refresh = %v", got)
	}
	if got := c.Sources[1].Refresh.Duration; got != time.Minute {
		t.Errorf("folder default refresh = %v", got)
	}
	if c.Sources[0].Approval != "auto" || c.Sources[1].Approval != "manual" {
		t.Errorf("approval = %q %q", c.Sources[0].Approval, c.Sources[1].Approval)
	}
	if specs := c.Specs(); specs[1].Locale != "de-CH" || specs[0].Locale != "" || specs[1].Timezone != "Europe/Berlin" {
		t.Errorf("specs = %+v", specs)
	}
	if c.Display.PostSeconds != 10 || c.Display.Transition != "fade" || c.Theme.Mode != "dark" {
		t.Errorf("defaults not applied: %+v %+v", c.Display, c.Theme)
	}
	if c.Display.PostMaxSeconds != 20 || c.Display.SafeArea == nil || c.Display.Safe() != 5 {
		t.Errorf("post_max_seconds %g, safe_area %v: want the defaults 20 and 5", c.Display.PostMaxSeconds, c.Display.SafeArea)
	}
}

// safe_area = 0 is a real setting (a screen set to "Just Scan"), not "unset".
func TestSafeAreaZero(t *testing.T) {
	c, err := Parse("kiosk.toml", []byte("[display]\nsafe_area = 0\npost_seconds = 8\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Display.Safe() != 0 {
		t.Errorf("safe_area = 0 read as %g", c.Display.Safe())
	}
	if c.Display.PostMaxSeconds != 16 {
		t.Errorf("post_max_seconds defaults to %g with post_seconds = 8, want 16", c.Display.PostMaxSeconds)
	}
	if (Display{}).Safe() != DefaultSafeArea {
		t.Error("an unvalidated Display has no default safe area")
	}
}

// Each bad config must name the file, the line and the key, so a person can
// go straight to the mistake.
func TestLoadProblems(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string // substrings of the error, each must appear
	}{
		{"unknown key", "name = \"x\"\n[[source]]\nname = \"a\"\nkind = \"posts\"\npath = \"/f\"\nrefersh = \"1m\"\n",
			[]string{":6: source.refersh: unknown key"}},
		{"unknown table", "[dispaly]\npost_seconds = 4\nhours = []\n",
			[]string{":1: dispaly: unknown key"}},
		{"unknown quoted table", "name = \"x\"\n[site.\"HQ Lobby\"]\ntimezone = \"UTC\"\n",
			[]string{`:2: site."HQ Lobby": site sections belong in the hub's config`}},
		{"not a number", "[display]\npost_seconds = nan\nwins_seconds = inf\ntransition_seconds = nan\n[leaderboard]\ndaily_cap = inf\n",
			[]string{":2: display.post_seconds: nan is not a number", ":3: display.wins_seconds: +Inf is too long",
				":4: display.transition_seconds: NaN is out of range", ":6: leaderboard.daily_cap: +Inf is not a number"}},
		{"huge body limit", "[fetch]\nmax_body_mb = 9223372036854775807\n", []string{":2: fetch.max_body_mb: 9223372036854775807 is too large"}},
		{"state dir cap too small", "name = \"x\"\nstate_dir_max_mb = 5\n", []string{":2: state_dir_max_mb: 5 is too small; at least 16"}},
		{"state dir cap negative", "state_dir_max_mb = -1\n", []string{":1: state_dir_max_mb: -1 is too small"}},
		{"state dir cap huge", "state_dir_max_mb = 9223372036854775807\n", []string{":1: state_dir_max_mb: 9223372036854775807 is too large"}},
		{"url without host", "[moderation]\nrevocations_url = \"https:\"\n", []string{`:2: moderation.revocations_url: "https:" is not an http(s) URL`}},
		{"unknown array of tables", "[[sorce]]\nname = \"a\"\n", []string{":1: sorce: unknown key"}},
		{"key in the wrong case", "Name = \"x\"\n[[source]]\nname = \"a\"\nkind = \"posts\"\npath = \"/f\"\n[[Source]]\nName = \"b\"\n[Display]\npost_seconds = 4\n",
			[]string{`:1: Name: unknown key (keys are case-sensitive: write "name")`, `:6: Source: unknown key`, `:8: Display: unknown key`}},
		{"two bad values", "[fetch]\ntimeout = \"X\"\n[display]\nstale_after = false\npost_seconds = \"ten\"\n",
			[]string{":2: fetch.timeout:", ":4: display.stale_after:", ":5: display.post_seconds:"}},
		{"bad duration", "[[source]]\nname = \"a\"\nkind = \"posts\"\npath = \"/f\"\nrefresh = \"ten minutes\"\n",
			[]string{":5:", "refresh", `"ten minutes" is not a duration`}},
		{"duplicate names", "[[source]]\nname = \"a\"\nkind = \"posts\"\npath = \"/f\"\n[[source]]\nname = \"a\"\nkind = \"wins\"\npath = \"/g\"\n",
			[]string{`:6: source "a": name: duplicate: source #1 (line 2)`}},
		{"both url and path", "[[source]]\nname = \"a\"\nkind = \"posts\"\nurl = \"https://x.org/f\"\npath = \"/f\"\n",
			[]string{`:5: source "a": url/path: set either url or path, not both`}},
		{"neither url nor path", "[[source]]\nname = \"a\"\nkind = \"posts\"\n",
			[]string{`:1: source "a": url/path: missing`}},
		{"bad kind", "[[source]]\nname = \"a\"\nkind = \"tweets\"\npath = \"/f\"\n",
			[]string{`:3: source "a": kind: "tweets" is not a kind`}},
		{"bad approval", "[[source]]\nname = \"a\"\nkind = \"posts\"\npath = \"/f\"\napproval = \"yes\"\n",
			[]string{`:5: source "a": approval: "yes" is not a mode`}},
		{"bad locale", "[[source]]\nname = \"a\"\nkind = \"wins\"\npath = \"/f\"\nlocale = \"German\"\n",
			[]string{`:5: source "a": locale: "German" is not a language tag (e.g. "de", "fr-CH", "en-US")`}},
		{"not a url", "[[source]]\nname = \"a\"\nkind = \"posts\"\nurl = \"ftp://x/f\"\n",
			[]string{`:4: source "a": url: "ftp://x/f" is not an http(s) URL`}},
		{"bad zone", "timezone = \"Mars/Olympus\"\n", []string{`:1: timezone: "Mars/Olympus" is not an IANA time zone`}},
		{"bad language", "language = \"xx-!!\"\n", []string{`:1: language: "xx-!!" is not a BCP 47 language tag`}},
		{"unshipped language", "language = \"sw\"\n", []string{`:1: language: "sw" has no translation (shipped: en, `}},
		{"bad colour", "[theme]\naccent = \"blue\"\n", []string{`:2: theme.accent: "blue" is not a colour`}},
		{"bad hours", "[display]\nhours = [\"Someday 7-9\"]\n", []string{":2: display.hours:"}},
		{"safe area out of range", "[display]\nsafe_area = 30\n", []string{":2: display.safe_area: 30 is out of range"}},
		{"negative safe area", "[display]\nsafe_area = -1\n", []string{":2: display.safe_area: -1 is out of range"}},
		{"post max under post time", "[display]\npost_seconds = 12\npost_max_seconds = 8\n", []string{":3: display.post_max_seconds: 8 is shorter than post_seconds (12)"}},
		{"syntax error", "name = \"x\n", []string{":1:"}},
		{"wrong type", "[display]\npost_seconds = \"ten\"\n", []string{":2:", "post_seconds"}},
		{"admin listen without a port", "[admin]\nlisten = \"0.0.0.0\"\n", []string{`:2: admin.listen: "0.0.0.0" is not host:port`}},
		{"admin tls", "[admin]\ntls = \"yes\"\n", []string{`:2: admin.tls: "yes" is not a setting`}},
		{"admin cert without key", "[admin]\ncert_file = \"c.pem\"\n", []string{`:1: admin.key_file: missing; cert_file and key_file go together`}},
		{"admin cert with tls off", "[admin]\ntls = \"off\"\ncert_file = \"c.pem\"\nkey_file = \"k.pem\"\n", []string{`:2: admin.tls: is off, but cert_file is set`}},
		{"admin hostname with a scheme", "[admin]\nhostnames = [\"https://lobby.example.com\"]\n", []string{`:2: admin.hostnames: "https://lobby.example.com" is not a host name`}},
		{"admin proxy not an address", "[admin]\ntrusted_proxies = [\"10.0.0.300\", \"proxy.lan\"]\n",
			[]string{`:2: admin.trusted_proxies: "10.0.0.300" is not an address`, `:2: admin.trusted_proxies: "proxy.lan" is not an address`}},
		{"admin short metrics token", "[admin]\nmetrics_token = \"secret\"\n", []string{`:2: admin.metrics_token: is 6 characters; use at least 16`}},
		{"fetch allow_private not a bool", "[fetch]\nallow_private = \"yes\"\n", []string{":2: fetch.allow_private:"}},
		{"several at once", "[[source]]\nkind = \"posts\"\npath = \"/f\"\n[[source]]\nname = \"b\"\nkind = \"nope\"\npath = \"/f\"\n",
			[]string{"source #1: name: missing", `source "b": kind`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, tc.body)
			_, err := Load(p)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, p) {
				t.Errorf("error does not name the file %s:\n%s", p, msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

func TestAdminDefaults(t *testing.T) {
	p := write(t, "state_dir = \"state\"\n[admin]\nlisten = \"0.0.0.0:8443\"\ntrusted_proxies = [\"127.0.0.1\", \"10.1.0.0/16\", \"::ffff:10.2.0.1\"]\nhostnames = [\"lobby.example.com\"]\n")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(p)
	if want := filepath.Join(dir, "state", "admin-password"); c.Admin.PasswordFile != want {
		t.Errorf("password_file = %q, want %q (in state_dir)", c.Admin.PasswordFile, want)
	}
	if c.Admin.TLS != "auto" {
		t.Errorf("tls = %q, want auto", c.Admin.TLS)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings: %q", c.Warnings)
	}
	for in, want := range map[string]string{"127.0.0.1": "127.0.0.1/32", "10.1.0.0/16": "10.1.0.0/16", "::ffff:10.2.0.1": "10.2.0.1/32", "10.1.2.3/16": "10.1.0.0/16", "fd00::1": "fd00::1/128"} {
		if p, err := ParsePrefix(in); err != nil || p.String() != want {
			t.Errorf("ParsePrefix(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
}

// A config from before the password file still works, and says how to move
// the hash out of it.
func TestPasswordHashInConfigIsAWarning(t *testing.T) {
	p := write(t, "state_dir = \"/var/lib/lobbykiosk\"\n\n[admin]\nlisten = \"127.0.0.1:8080\"\npassword_hash = \"$2a$10$abcdefghijklmnopqrstuu5s2v8xS9zS5XVbY6.aCyGkFdD7bi8dK\"\n")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Admin.PasswordHash == "" {
		t.Error("the old hash was not read")
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], ":5: admin.password_hash:") ||
		!strings.Contains(c.Warnings[0], "/var/lib/lobbykiosk/admin-password") || !strings.Contains(c.Warnings[0], "lobbykiosk admin set-password --config "+p) {
		t.Errorf("warnings = %q", c.Warnings)
	}
}

// TestStateDirCapDefault: without state_dir_max_mb the state directory is
// capped at a size that suits a 16 GB SD card.
func TestStateDirCapDefault(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(path, []byte("name = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.StateDirMaxMB != DefaultStateDirMaxMB || DefaultStateDirMaxMB != 1024 {
		t.Errorf("state_dir_max_mb = %d, want the 1024 default", c.StateDirMaxMB)
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("err = %v", err)
	}
}

func TestLogoMissingIsAWarning(t *testing.T) {
	p := write(t, "[theme]\nlogo = \"missing.png\"\n")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "theme.logo") || !strings.Contains(c.Warnings[0], ":2:") {
		t.Errorf("warnings = %q", c.Warnings)
	}
}

func TestParseColor(t *testing.T) {
	c, err := ParseColor("#1e88e5")
	if err != nil || c.R != 0x1e || c.G != 0x88 || c.B != 0xe5 || c.A != 0xff {
		t.Errorf("%v %v", c, err)
	}
	if _, err := ParseColor("#12"); err == nil {
		t.Error("short colour accepted")
	}
}

// TestBadValueAndMisspeltKeyTogether: a value of the wrong type stops the
// TOML decoder; the misspelt key elsewhere in the file is still reported in
// the same pass, so one check shows everything to fix.
func TestBadValueAndMisspeltKeyTogether(t *testing.T) {
	_, err := Parse("kiosk.toml", []byte("[display]\npost_seconds = \"30 s\"\nwelcom = \"Hi\"\n\n[fetch]\ntimeout = \"20 seconds\"\n"))
	want := []string{
		"kiosk.toml:2: display.post_seconds: ",
		"kiosk.toml:3: display.welcom: unknown key",
		"kiosk.toml:6: fetch.timeout: ",
	}
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != len(want) {
		t.Fatalf("problems: %v", err)
	}
	for i, w := range want {
		if !strings.HasPrefix(ce.Problems[i].String(), w) {
			t.Errorf("problem %d: %q, want %q…", i+1, ce.Problems[i], w)
		}
	}
}
