package config

import (
	"errors"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/hours"
)

// Seeds: the real configs (read here, so they follow the files) plus the
// edge cases in testdata/fuzz/<FuzzName>/, which go test runs every time.

// fuzzFile is the name configs are parsed under. It is absolute, so every
// path a checked config holds must be absolute too.
const fuzzFile = "/etc/lobbykiosk/kiosk.toml"

// realConfigs are the configs people start from.
var realConfigs = []string{
	"../../packaging/kiosk.example.toml",
	"../../assets/demo/kiosk.toml",
	"testdata/*.toml",
}

func addFiles(f *testing.F, patterns ...string) {
	f.Helper()
	for _, pat := range patterns {
		names, err := filepath.Glob(pat)
		if err != nil || len(names) == 0 {
			f.Fatalf("no seed files match %s (%v)", pat, err)
		}
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// checkProblems: an error lists at least one problem, each naming the file,
// on a line of its own, at a line the file has (or 0), in valid UTF-8.
func checkProblems(t *testing.T, file string, data []byte, ps []Problem) {
	t.Helper()
	if len(ps) == 0 {
		t.Fatal("error without problems")
	}
	lineCount := strings.Count(string(data), "\n") + 1
	for _, p := range ps {
		if p.File != file {
			t.Errorf("problem names %q, not the file %q: %v", p.File, file, p)
		}
		if p.Line < 0 || p.Line > lineCount {
			t.Errorf("problem at line %d of a %d-line file: %v", p.Line, lineCount, p)
		}
		if strings.TrimSpace(p.Msg) == "" {
			t.Errorf("problem without a message: %+v", p)
		}
		for _, s := range []string{p.Key, p.Msg} {
			if strings.ContainsAny(s, "\r\n") || !utf8.ValidString(s) {
				t.Errorf("problem text %q is not one line of UTF-8", s)
			}
		}
	}
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// fitsDuration: seconds as a float converted to a time.Duration (as the
// engine does) neither overflows nor is NaN.
func fitsDuration(s float64) bool {
	return !math.IsNaN(s) && math.Abs(s) < float64(math.MaxInt64)/float64(time.Second)
}

// checkConfig asserts what the rest of the kiosk relies on in a config that
// passed the check: defaults filled in and every value usable as it is.
func checkConfig(t *testing.T, c *Config) {
	t.Helper()
	if c.Location == nil {
		t.Error("nil Location")
	}
	if strings.TrimSpace(c.Name) == "" {
		t.Error("no name")
	}
	if !filepath.IsAbs(c.StateDir) {
		t.Errorf("state_dir %q is not absolute", c.StateDir)
	}
	if len(c.Sources) > 0 && len(c.Specs()) != len(c.Sources) {
		t.Error("Specs lost sources")
	}
	names := map[string]bool{}
	for _, s := range c.Sources {
		if strings.TrimSpace(s.Name) == "" || names[s.Name] {
			t.Errorf("source name %q empty or repeated", s.Name)
		}
		names[s.Name] = true
		if !feeds.Kind(s.Kind).Valid() {
			t.Errorf("source %q: kind %q", s.Name, s.Kind)
		}
		if (s.URL == "") == (s.Path == "") {
			t.Errorf("source %q: url %q, path %q: want exactly one", s.Name, s.URL, s.Path)
		}
		if s.URL != "" && (!httpURL(s.URL) || s.Kind == string(feeds.KindFolder)) {
			t.Errorf("source %q: url %q", s.Name, s.URL)
		}
		if s.Path != "" && !filepath.IsAbs(s.Path) {
			t.Errorf("source %q: path %q is not absolute", s.Name, s.Path)
		}
		if s.Refresh.Duration < 10*time.Second {
			t.Errorf("source %q: refresh %v", s.Name, s.Refresh)
		}
		if s.Approval != "auto" && s.Approval != "trusted" && s.Approval != "manual" {
			t.Errorf("source %q: approval %q", s.Name, s.Approval)
		}
	}
	if c.Fetch.Timeout.Duration <= 0 {
		t.Errorf("fetch timeout %v", c.Fetch.Timeout)
	}
	// The engine computes the byte limit as MaxBodyMB << 20.
	if mb := int64(c.Fetch.MaxBodyMB); mb <= 0 || mb > math.MaxInt64>>20 {
		t.Errorf("max_body_mb %d", c.Fetch.MaxBodyMB)
	}
	d := c.Display
	for _, s := range []float64{d.PostSeconds, d.WinsSeconds, d.LeaderboardSeconds} {
		if !(s >= 1) || !fitsDuration(s) {
			t.Errorf("slide seconds %g", s)
		}
	}
	if !(d.TransitionSeconds > 0 && d.TransitionSeconds <= 3) {
		t.Errorf("transition_seconds %g", d.TransitionSeconds)
	}
	if !(d.TransitionFPS >= 1 && d.TransitionFPS <= 120) {
		t.Errorf("transition_fps %g", d.TransitionFPS)
	}
	if d.Transition != "fade" && d.Transition != "none" {
		t.Errorf("transition %q", d.Transition)
	}
	if d.StaleAfter.Duration <= 0 {
		t.Errorf("stale_after %v", d.StaleAfter)
	}
	if _, err := hours.Parse(d.Hours); err != nil {
		t.Errorf("hours %q: %v", d.Hours, err)
	}
	if c.Theme.Mode != "dark" && c.Theme.Mode != "light" {
		t.Errorf("theme mode %q", c.Theme.Mode)
	}
	for _, col := range []string{c.Theme.Accent, c.Theme.Background} {
		if _, err := ParseColor(col); col != "" && err != nil {
			t.Errorf("colour %q: %v", col, err)
		}
	}
	for _, p := range []string{c.Theme.Logo, c.Theme.Font} {
		if p != "" && !filepath.IsAbs(p) {
			t.Errorf("theme file %q is not absolute", p)
		}
	}
	m := c.Moderation
	if m.MinText < 0 || m.RevocationsRefresh.Duration <= 0 {
		t.Errorf("moderation %+v", m)
	}
	for _, u := range []string{m.RevocationsURL, c.Fleet.ConfigURL, c.Fleet.HeartbeatURL} {
		if u != "" && !httpURL(u) {
			t.Errorf("URL %q accepted", u)
		}
	}
	lb := c.Leaderboard
	if lb.Period != "month" && lb.Period != "quarter" && lb.Period != "30d" {
		t.Errorf("leaderboard period %q", lb.Period)
	}
	for _, v := range []float64{lb.PointsPerPost, lb.PointsPerLike, lb.PointsPerShare, lb.PointsPerReply, lb.DailyCap} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("leaderboard %+v", lb)
		}
	}
	if c.Fleet.Refresh.Duration <= 0 {
		t.Errorf("fleet refresh %v", c.Fleet.Refresh)
	}
	for _, w := range c.Warnings {
		if w == "" || !utf8.ValidString(w) {
			t.Errorf("warning %q", w)
		}
	}
}

// sameParts is c without what legitimately differs between two equal
// configs: the *time.Location pointer and the warnings.
func sameParts(c *Config) Config {
	v := *c
	v.Location, v.Warnings = nil, nil
	return v
}

func FuzzParse(f *testing.F) {
	addFiles(f, realConfigs...)
	f.Add([]byte(""))
	f.Add([]byte("name = \"x\n"))
	f.Add([]byte("[[source]]\nname = \"a\"\nkind = \"posts\"\nurl = \"https://x.org/f\"\npath = \"/f\"\n[[source]]\nname = \"a\"\nkind = \"wins\"\npath = \"w.csv\"\nrefresh = \"1s\"\n"))
	f.Add([]byte("[display]\npost_seconds = nan\ntransition_seconds = inf\n"))
	f.Add([]byte("source = [{name = \"a\", kind = \"folder\", url = \"https://x.org/\"}]\ndisplay.hours = [\"Mon 25:00-26:00\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(fuzzFile, data)
		if (c == nil) == (err == nil) {
			t.Fatalf("Parse returned config %v and error %v: want exactly one", c != nil, err)
		}
		again, err2 := Parse(fuzzFile, data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error is %T, want *Error: %v", err, err)
			}
			checkProblems(t, fuzzFile, data, pe.Problems)
			if !strings.HasPrefix(err.Error(), fuzzFile+":") {
				t.Errorf("error does not start with the file name: %q", err)
			}
			if err2 == nil || err2.Error() != err.Error() {
				t.Errorf("a second Parse says %v, not %v", err2, err)
			}
			return
		}
		checkConfig(t, c)
		if err2 != nil || !reflect.DeepEqual(sameParts(c), sameParts(again)) || Version(c) != Version(again) {
			t.Errorf("a second Parse gives a different config (%v)", err2)
		}
		// A checked config passes its own check unchanged: validate only
		// fills in what is missing.
		re := sameParts(c)
		re.Sources = slices.Clone(c.Sources) // keeps an empty list empty, not nil
		var ps []Problem
		re.validate(locate(data), func(line int, key, format string, args ...any) {
			ps = append(ps, Problem{Line: line, Key: key, Msg: format})
		})
		if len(ps) > 0 {
			t.Errorf("a checked config fails the check again: %+v", ps)
		}
		if re.Location.String() != c.Location.String() {
			t.Errorf("zone %v became %v", c.Location, re.Location)
		}
		if !reflect.DeepEqual(sameParts(&re), sameParts(c)) {
			t.Errorf("checking again changed the config:\n%+v\n%+v", sameParts(c), sameParts(&re))
		}
	})
}

// fuzzLocal is a kiosk's own file as a fleet kiosk has it: it owns the name,
// the state folder, the admin page, the fleet link and the TV commands.
const fuzzLocal = `name = "HQ Lobby"
state_dir = "/var/lib/lobbykiosk"
[[source]]
name = "fallback"
kind = "folder"
path = "/srv/share/stories"
[display]
on_command = "cec-ctl --image-view-on"
off_command = "cec-ctl --standby"
[admin]
listen = "127.0.0.1:8080"
[fleet]
config_url = "https://hq.example.com/fleet.toml"
`

// FuzzMerge feeds Merge central files, as fetched from headquarters: the
// result is a usable config that keeps the kiosk's own settings, or a
// *FleetError naming the URL, never both and never neither.
func FuzzMerge(f *testing.F) {
	addFiles(f, realConfigs...)
	f.Add([]byte("<!DOCTYPE html>\n<html><body>Sign in</body></html>\n"))
	f.Add([]byte("[[source]]\nname = \"a\"\nkind = \"posts\"\nurl = \"https://a.example.com/f\"\n[site.\"HQ Lobby\".display]\noff_command = \"rm -rf /\"\n"))
	f.Add([]byte("[[site.\"HQ Lobby\".source]]\nname = \"s\"\nkind = \"folder\"\npath = \"rel\"\n[site.\"St. Gallen\"]\ntimezone = \"Mars/Base\"\n"))
	local, err := Parse(fuzzFile, []byte(fuzzLocal))
	if err != nil {
		f.Fatal(err)
	}
	const central = "https://hq.example.com/fleet.toml"
	before := Version(local)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Merge(local, []byte(fuzzLocal), central, data)
		if (c == nil) == (err == nil) {
			t.Fatalf("Merge returned config %v and error %v: want exactly one", c != nil, err)
		}
		if Version(local) != before {
			t.Fatal("Merge changed the local config")
		}
		again, err2 := Merge(local, []byte(fuzzLocal), central, data)
		if err != nil {
			var fe *FleetError
			if !errors.As(err, &fe) {
				t.Fatalf("error is %T, want *FleetError: %v", err, err)
			}
			if fe.Name != central {
				t.Errorf("error names %q, not %q", fe.Name, central)
			}
			checkProblems(t, central, data, fe.Problems)
			for _, l := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(l, "fleet config "+central+": ") {
					t.Errorf("error line %q does not name the fleet config", l)
				}
			}
			if err2 == nil || err2.Error() != err.Error() {
				t.Errorf("a second Merge says %v, not %v", err2, err)
			}
			return
		}
		checkConfig(t, c)
		if len(c.Sources) == 0 {
			t.Error("merged config without sources")
		}
		if c.Path != local.Path || c.Name != local.Name || c.StateDir != local.StateDir ||
			!reflect.DeepEqual(c.Admin, local.Admin) || c.Fleet != local.Fleet || c.Fetch.AllowPrivate != local.Fetch.AllowPrivate ||
			c.Display.OnCommand != local.Display.OnCommand || c.Display.OffCommand != local.Display.OffCommand {
			t.Errorf("the fleet config changed a device setting: %+v", c)
		}
		if err2 != nil || !reflect.DeepEqual(sameParts(c), sameParts(again)) || Version(c) != Version(again) {
			t.Errorf("a second Merge gives a different config (%v)", err2)
		}
	})
}
