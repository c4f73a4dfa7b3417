package config

import (
	"strings"
	"testing"
)

// One line joins a fleet: the hub's URLs follow from it.
func TestFleetHubOneLine(t *testing.T) {
	c, err := Parse("kiosk.toml", []byte("name = \"Berlin Lobby\"\n[fleet]\nhub = \"https://hub.example:8443\"\ntoken = \"tok-0123456789abcdef\"\nsite = \"Berlin\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	f := c.Fleet
	if f.Hub != "https://hub.example:8443/" || f.ConfigURL != "https://hub.example:8443/fleet.toml" ||
		f.HeartbeatURL != "https://hub.example:8443/beat" || c.Moderation.RevocationsURL != "https://hub.example:8443/revocations.json" ||
		f.HeartbeatEvery.Duration != DefaultHeartbeat || c.SiteName() != "Berlin" {
		t.Errorf("derived: %+v revocations %s site %s", f, c.Moderation.RevocationsURL, c.SiteName())
	}
	for src, want := range map[string]bool{
		"https://hub.example:8443/content/posts.json":     true,
		"https://HUB.example:8443/x":                      true,
		"http://hub.example:8443/content/posts.json":      false,
		"https://hub.example/content/posts.json":          false,
		"https://hub.example.evil/content/posts.json":     false,
		"https://evil.example/?https://hub.example:8443/": false,
	} {
		if got := c.FromHub(Source{URL: src}); got != want {
			t.Errorf("FromHub(%s) = %v", src, got)
		}
	}
	if !SameOrigin("https://a.example/x", "https://a.example:443/y") || SameOrigin("https://a.example", "http://a.example:443") {
		t.Error("SameOrigin and default ports")
	}
	// The token is no part of the fingerprint sent to headquarters.
	d := *c
	d.Fleet.Token = "another-token-0123456789"
	if Version(c) != Version(&d) {
		t.Error("the config version depends on the fleet token")
	}
}

const hubHead = "[hub]\nlisten = \":8443\"\ntokens = [\"0123456789abcdef\"]\n"

func TestHubKeysProblems(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"token without hub", "[fleet]\ntoken = \"tok-0123456789abcdef\"\n", ":2: fleet.token: set without fleet.hub"},
		{"hub without token", "[fleet]\nhub = \"https://hub.example/\"\n", ":2: fleet.token: missing"},
		{"hub not a URL", "[fleet]\nhub = \"hub.example\"\ntoken = \"tok-0123456789abcdef\"\n", `:2: fleet.hub: "hub.example" is not an http(s) URL`},
		{"beats too often", "[fleet]\nheartbeat_every = \"100ms\"\n", ":2: fleet.heartbeat_every: 100ms is too often"},
		{"hub without tokens", "[hub]\nlisten = \"0.0.0.0:8443\"\n", ":2: hub.tokens: missing; the hub has no default token"},
		{"short token", "[hub]\nlisten = \"0.0.0.0:8443\"\ntokens = [\"short\"]\n", ":3: hub.tokens: token 1 is 5 characters; at least 16"},
		{"token with a space", "[hub]\nlisten = \"0.0.0.0:8443\"\ntokens = [\"0123456789 abcdef\"]\n", ":3: hub.tokens: token 1 has spaces in it"},
		{"repeated token", "[hub]\nlisten = \":8443\"\ntokens = [\"0123456789abcdef\", \"0123456789abcdef\"]\n", ":3: hub.tokens: token 2 repeats an earlier one"},
		{"bad listen", "[hub]\nlisten = \"8443\"\ntokens = [\"0123456789abcdef\"]\n", `:2: hub.listen: "8443" is not an address`},
		{"refresh too short", "[hub]\nlisten = \":8443\"\ntokens = [\"0123456789abcdef\"]\nrefresh = \"2s\"\n", ":4: hub.refresh: 2s is too often"},
		{"sites in a kiosk's file", "[site.\"Oslo\"]\ntimezone = \"UTC\"\n", `:1: site.Oslo: site sections belong in the hub's config`},
		{"source sites on a kiosk", "[[source]]\nname = \"b\"\nkind = \"posts\"\nurl = \"https://b.example/feed\"\nsites = [\"Berlin\"]\n", `:5: source "b": sites: only a source on the fleet's hub`},
		{"sites on a wins source", hubHead + "[[source]]\nname = \"w\"\nkind = \"wins\"\nurl = \"https://b.example/w.csv\"\nsites = [\"Berlin\"]\n", `:8: source "w": sites: only posts and folder sources`},
		{"a site named twice", hubHead + "[[source]]\nname = \"b\"\nkind = \"posts\"\nurl = \"https://b.example/feed\"\nsites = [\"Berlin\", \" Berlin\"]\n", `:8: source "b": sites: "Berlin" is named twice`},
	} {
		_, err := Parse("kiosk.toml", []byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// Kiosks of one office share its site section; the site is [fleet] site,
// else the kiosk's name.
func TestMergeBySite(t *testing.T) {
	central := []byte("[[source]]\nname = \"hub-posts\"\nkind = \"posts\"\nurl = \"https://hub.example/content/posts.json\"\n[site.\"Berlin\".display]\npost_seconds = 7\n")
	for _, tc := range []struct {
		local string
		want  float64
	}{
		{"name = \"Berlin Cafe\"\n[fleet]\nsite = \"Berlin\"\n", 7},
		{"name = \"Berlin\"\n", 7},
		{"name = \"Oslo Lobby\"\n[fleet]\nsite = \"Oslo\"\n", 10},
	} {
		local, err := Parse("kiosk.toml", []byte(tc.local))
		if err != nil {
			t.Fatal(err)
		}
		c, err := Merge(local, []byte(tc.local), "fleet.toml", central)
		if err != nil {
			t.Fatal(err)
		}
		if c.Display.PostSeconds != tc.want {
			t.Errorf("%q: post_seconds %g, want %g", tc.local, c.Display.PostSeconds, tc.want)
		}
	}
}

// A hub's source for one office keeps its sites; the moderators file is in
// state_dir unless the config says where.
func TestHubSourceSitesAndModeratorsFile(t *testing.T) {
	c, err := Parse("/etc/lobbykiosk/hub.toml", []byte("state_dir = \"/var/lib/hub\"\n"+hubHead+"[[source]]\nname = \"b\"\nkind = \"posts\"\nurl = \"https://b.example/feed\"\nsites = [\" Berlin \"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Sources[0].Sites; len(got) != 1 || got[0] != "Berlin" {
		t.Errorf("sites %q", got)
	}
	if c.Hub.ModeratorsFile != "/var/lib/hub/moderators" {
		t.Errorf("moderators file %s", c.Hub.ModeratorsFile)
	}
}
