package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const hqURL = "https://hq.example.com/fleet.toml"

func fleetFixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fleet.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// localKiosk parses a kiosk's own file as Load would.
func localKiosk(t *testing.T, body string) (*Config, []byte) {
	t.Helper()
	p := write(t, body)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return c, []byte(body)
}

func sourceNames(c *Config) []string {
	var out []string
	for _, s := range c.Sources {
		out = append(out, s.Name+"="+s.URL+s.Path)
	}
	return out
}

func TestMergeSites(t *testing.T) {
	central := fleetFixture(t)
	cases := []struct {
		kiosk      string
		sources    []string
		accent     string
		mode       string
		postSecs   float64
		zone       string
		warnSubstr string
	}{
		{"HQ Lobby", []string{
			"company-blog=https://blog.example.com/feed.xml",
			"wins=https://hq.example.com/wins-hq.csv", // the site's replaces the common one, in place
			"hq-mastodon=https://social.example.com/@hq.rss",
		}, "#e53935", "dark", 9, "Europe/Oslo", ""},
		{"St. Gallen", []string{
			"company-blog=https://blog.example.com/feed.xml",
			"wins=https://hq.example.com/wins.csv",
			"stories=/srv/share/stories",
		}, "#1e88e5", "dark", 14, "Europe/Berlin", ""},
		{"Oslo Lobby", []string{
			"company-blog=https://blog.example.com/feed.xml",
			"wins=https://hq.example.com/wins.csv",
		}, "#1e88e5", "dark", 9, "Europe/Berlin", `no [site."Oslo Lobby"] section; using the common settings`},
	}
	for _, tc := range cases {
		t.Run(tc.kiosk, func(t *testing.T) {
			local, data := localKiosk(t, "name = \""+tc.kiosk+"\"\nstate_dir = \"/var/lib/k\"\n")
			c, err := Merge(local, data, hqURL, central)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(sourceNames(c), " "); got != strings.Join(tc.sources, " ") {
				t.Errorf("sources\n got %s\nwant %s", got, strings.Join(tc.sources, " "))
			}
			if c.Theme.Accent != tc.accent || c.Theme.Mode != tc.mode {
				t.Errorf("theme = %+v, want accent %s mode %s", c.Theme, tc.accent, tc.mode)
			}
			if c.Display.PostSeconds != tc.postSecs {
				t.Errorf("post_seconds = %g, want %g", c.Display.PostSeconds, tc.postSecs)
			}
			if c.Display.WinsSeconds != 12 || c.Display.Transition != "fade" {
				t.Errorf("defaults not filled in: %+v", c.Display)
			}
			if c.Location.String() != tc.zone {
				t.Errorf("zone = %v, want %s", c.Location, tc.zone)
			}
			if got := c.Moderation.BlockedWords; len(got) != 1 || got[0] != "Project Falcon" {
				t.Errorf("blocked words = %q", got)
			}
			if c.Name != tc.kiosk || c.StateDir != "/var/lib/k" || c.Path != local.Path {
				t.Errorf("device settings lost: name %q state %q path %q", c.Name, c.StateDir, c.Path)
			}
			warns := strings.Join(c.Warnings, "\n")
			if tc.warnSubstr == "" && warns != "" {
				t.Errorf("unexpected warnings: %s", warns)
			}
			if !strings.Contains(warns, tc.warnSubstr) {
				t.Errorf("warnings lack %q:\n%s", tc.warnSubstr, warns)
			}
		})
	}
}

// The kiosk's own file keeps the device: its name, state, admin page, fleet
// link, the TV commands and, when it sets one, its time zone.
func TestMergeKeepsDeviceSettings(t *testing.T) {
	local, data := localKiosk(t, `
name = "HQ Lobby"
timezone = "America/New_York"
state_dir = "/var/lib/hq"

[admin]
listen = "127.0.0.1:8080"

[fetch]
allow_private = true

[fleet]
config_url = "https://hq.example.com/fleet.toml"
refresh = "2m"

[display]
on_command = "cec-ctl --to 0 --image-view-on"
off_command = "cec-ctl --to 0 --standby"
post_seconds = 30

[[source]]
name = "local-only"
kind = "posts"
url = "https://example.org/local.rss"
`)
	c, err := Merge(local, data, hqURL, fleetFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.Location.String() != "America/New_York" || c.Timezone != "America/New_York" {
		t.Errorf("zone = %v, want the local one", c.Location)
	}
	if c.Admin.Listen != "127.0.0.1:8080" || c.Fleet.Refresh.Duration != 2*time.Minute || c.StateDir != "/var/lib/hq" {
		t.Errorf("device settings: admin %+v fleet %+v state %q", c.Admin, c.Fleet, c.StateDir)
	}
	if !c.Fetch.AllowPrivate {
		t.Error("fetch.allow_private from the kiosk's own file was lost")
	}
	if c.Display.OnCommand != "cec-ctl --to 0 --image-view-on" || c.Display.OffCommand != "cec-ctl --to 0 --standby" {
		t.Errorf("TV commands = %q / %q", c.Display.OnCommand, c.Display.OffCommand)
	}
	if c.Display.PostSeconds != 9 {
		t.Errorf("post_seconds = %g: the central value should replace the local one", c.Display.PostSeconds)
	}
	for _, s := range c.Sources {
		if s.Name == "local-only" {
			t.Errorf("local source kept while the fleet config is in use")
		}
	}
	warns := strings.Join(c.Warnings, "\n")
	for _, want := range []string{local.Path + ": [[source]], [display] set here", "ignored"} {
		if !strings.Contains(warns, want) {
			t.Errorf("warnings lack %q:\n%s", want, warns)
		}
	}
}

// A broken central file is rejected as a whole, each problem with its line
// and key, worded as a fleet config problem.
func TestMergeRejects(t *testing.T) {
	good := string(fleetFixture(t))
	// at(k) is the line of the k-th line appended after good's blank line.
	n := strings.Count(good, "\n")
	at := func(k int) string { return fmt.Sprintf("line %d: ", n+1+k) }
	cases := []struct {
		name, body string
		want       []string
	}{
		{"html page", "<!DOCTYPE html>\n<html><body>Sign in</body></html>\n",
			[]string{"fleet config " + hqURL + ": line 1: this is an HTML page, not a TOML file"}},
		{"toml syntax", "[[source]]\nname = \"a\nkind = \"posts\"\n",
			[]string{"fleet config " + hqURL + ": line 2:"}},
		{"no source at all", "[theme]\naccent = \"#ffffff\"\n[site.\"HQ Lobby\".theme]\nmode = \"light\"\n",
			[]string{"removes every source", `kiosk "HQ Lobby"`}},
		{"bad kind in a site", good + "\n[[site.\"Oslo Lobby\".source]]\nname = \"x\"\nkind = \"tweets\"\nurl = \"https://x.example.com/f\"\n",
			[]string{"fleet config " + hqURL + ": " + at(3) + `site."Oslo Lobby": source "x": kind: "tweets" is not a kind`}},
		{"bad common value", strings.Replace(good, "post_seconds = 9", "post_seconds = 0.5", 1),
			[]string{"line 20: display.post_seconds: 0.5 is too short"}},
		{"type error in a quoted site", good + "\n[site.\"Oslo Lobby\".display]\npost_seconds = \"ten\"\n",
			[]string{at(2) + `site."Oslo Lobby".display.post_seconds: incompatible types`}},
		{"unknown key in a site", good + "\n[site.\"Oslo Lobby\".theme]\naccnet = \"#000000\"\n",
			[]string{at(2) + `site."Oslo Lobby".theme.accnet: unknown key`}},
		{"relative path", good + "\n[[site.\"Oslo Lobby\".source]]\nname = \"share\"\nkind = \"folder\"\npath = \"stories\"\n",
			[]string{at(4) + `site."Oslo Lobby": source "share": path: "stories" is relative`}},
		{"device key", "state_dir = \"/tmp/x\"\n" + good,
			[]string{"line 1: state_dir: belongs to each kiosk's own file"}},
		{"device key in a site", good + "\n[site.\"Oslo Lobby\".admin]\nlisten = \":80\"\n",
			[]string{at(1) + `site."Oslo Lobby".admin: belongs to each kiosk's own file`}},
		{"TV command", good + "\n[site.\"Oslo Lobby\".display]\noff_command = \"rm -rf /\"\n",
			[]string{at(2) + `site."Oslo Lobby".display.off_command: belongs to each kiosk's own file`}},
		{"private pictures", good + "\n[site.\"Oslo Lobby\".fetch]\nallow_private = true\n",
			[]string{at(2) + `site."Oslo Lobby".fetch.allow_private: belongs to each kiosk's own file`}},
		{"private pictures for all", strings.Replace(good, "[display]", "[fetch]\nallow_private = true\n\n[display]", 1),
			[]string{"fetch.allow_private: belongs to each kiosk's own file"}},
		{"site name with a dot", strings.Replace(good, "post_seconds = 14", "post_seconds = 0.2", 1),
			[]string{`line 44: site."St. Gallen": display.post_seconds: 0.2 is too short`}},
		{"bad time zone", strings.Replace(good, `timezone = "Europe/Oslo"`, `timezone = "Oslo"`, 1),
			[]string{`line 28: site."HQ Lobby": timezone: "Oslo" is not an IANA time zone`}},
	}
	local, data := localKiosk(t, "name = \"HQ Lobby\"\n")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Merge(local, data, hqURL, []byte(tc.body))
			if err == nil {
				t.Fatalf("accepted; sources %v", sourceNames(c))
			}
			var fe *FleetError
			if !errors.As(err, &fe) {
				t.Fatalf("error is %T, want *FleetError: %v", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// A central file with no site sections is a plain common config: nothing
// to warn about.
func TestMergeCommonOnly(t *testing.T) {
	local, data := localKiosk(t, "name = \"Lab\"\n")
	c, err := Merge(local, data, hqURL, []byte("[[source]]\nname = \"a\"\nkind = \"posts\"\nurl = \"https://a.example.com/f\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) != 1 || len(c.Warnings) != 0 {
		t.Errorf("sources %v warnings %q", sourceNames(c), c.Warnings)
	}
}

func TestVersion(t *testing.T) {
	local, data := localKiosk(t, "name = \"HQ Lobby\"\n")
	central := string(fleetFixture(t))
	a, err := Merge(local, data, hqURL, []byte(central))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Merge(local, data, hqURL, []byte(central))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Merge(local, data, hqURL, []byte(strings.Replace(central, `"Project Falcon"`, `"Project Falcon", "Hawk"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if Version(a) == "" || Version(a) != Version(b) {
		t.Errorf("same settings, versions %q and %q", Version(a), Version(b))
	}
	if Version(a) == Version(c) {
		t.Errorf("a new blocked word left the version at %q", Version(a))
	}
}

// language comes from the kiosk's own file, else its site in the fleet
// file, else the fleet file's common one.
func TestMergeLanguage(t *testing.T) {
	fleet := strings.Replace(string(fleetFixture(t)), "timezone = \"Europe/Berlin\"\n", "timezone = \"Europe/Berlin\"\nlanguage = \"de\"\n", 1)
	fleet += "\n[site.\"Lisbon\"]\nlanguage = \"pt-PT\"\n"
	for _, c := range []struct{ local, want string }{
		{"name = \"Lisbon\"\n", "pt-PT"},
		{"name = \"St. Gallen\"\n", "de"},
		{"name = \"Lisbon\"\nlanguage = \"ar\"\n", "ar"},
	} {
		local, data := localKiosk(t, c.local+"[[source]]\nname = \"x\"\nkind = \"posts\"\nurl = \"https://example.org/x.rss\"\n")
		got, err := Merge(local, data, hqURL, []byte(fleet))
		if err != nil {
			t.Fatal(err)
		}
		if got.Locale.Lang() != c.want {
			t.Errorf("%q: language %s, want %s", c.local, got.Locale.Lang(), c.want)
		}
	}
	bad := strings.Replace(fleet, "language = \"pt-PT\"", "language = \"klingon\"", 1)
	local, data := localKiosk(t, "name = \"Lisbon\"\n")
	if _, err := Merge(local, data, hqURL, []byte(bad)); err == nil || !strings.Contains(err.Error(), `language: "klingon"`) {
		t.Errorf("a bad site language gave %v", err)
	}
}
