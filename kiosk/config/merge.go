package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// The central ("fleet") config is a TOML file headquarters publishes for
// every kiosk. It holds what the screens show — [[source]], [moderation],
// [leaderboard], [display], [theme], [fetch] and optionally timezone and
// language — and
// [site."NAME"] sections for the kiosk of that name:
//
//	[[site."HQ Lobby".source]]   added to the common sources; one with the
//	                             name of a common source replaces it
//	[site."HQ Lobby".theme]      overrides the common [theme] key by key
//	[site."HQ Lobby"]
//	timezone = "Europe/Oslo"     overrides the common timezone
//	language = "nb"              overrides the common language
//
// What belongs to the device stays with the kiosk's own file and cannot be
// set centrally: name, state_dir, [admin], [fleet], and display.on_command /
// off_command (a file fetched over the network must not choose the shell
// commands a kiosk runs). timezone and language are the kiosk's own when its
// file sets them, else the central ones. While a central config is in use, the content
// settings of the kiosk's own file are ignored (and a warning says so): they
// are what the kiosk shows before it ever got a central config.

// deviceKeys are the top-level keys only the kiosk's own file may set.
var deviceKeys = map[string]bool{"name": true, "state_dir": true, "admin": true, "fleet": true, "hub": true}

// deviceDisplayKeys are the [display] keys only the kiosk's own file may set.
var deviceDisplayKeys = []string{"on_command", "off_command"}

// contentTables are the tables the central file supplies, merged key by key.
var contentTables = []string{"fetch", "display", "theme", "moderation", "leaderboard"}

// section is what the central file may set, at its top level or in a site.
type section struct {
	Timezone    string      `toml:"timezone"`
	Language    string      `toml:"language"`
	Sources     []Source    `toml:"source"`
	Fetch       Fetch       `toml:"fetch"`
	Display     Display     `toml:"display"`
	Theme       Theme       `toml:"theme"`
	Moderation  Moderation  `toml:"moderation"`
	Leaderboard Leaderboard `toml:"leaderboard"`
}

type centralFile struct {
	section
	Site map[string]section `toml:"site"`
}

// FleetError is a central config that cannot be used, with every problem
// found in it. The kiosk keeps its last good central config.
type FleetError struct {
	Name     string // where the file came from (its URL)
	Problems []Problem
}

func (e *FleetError) Error() string {
	out := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		var b strings.Builder
		fmt.Fprintf(&b, "fleet config %s: ", e.Name)
		if p.Line > 0 {
			fmt.Fprintf(&b, "line %d: ", p.Line)
		}
		if p.Key != "" {
			fmt.Fprintf(&b, "%s: ", p.Key)
		}
		b.WriteString(p.Msg)
		out[i] = b.String()
	}
	return strings.Join(out, "\n")
}

// Merge lays the central config (centralData, fetched from centralName)
// under the kiosk's own config: local (as Parse returned it) and localData
// (its text). The result is the config the kiosk runs with. The central file
// is checked as a whole, every site section included, so every kiosk agrees
// on whether it is good; an error is a *FleetError naming lines and keys.
// A merged config without a single source is an error too. A kiosk whose
// name has no site section gets the common settings and a warning.
func Merge(local *Config, localData []byte, centralName string, centralData []byte) (*Config, error) {
	if local == nil {
		return nil, errors.New("fleet config: no local config to merge into")
	}
	fail := func(ps []Problem) error { return &FleetError{Name: centralName, Problems: ps} }
	if looksLikeHTML(centralData) {
		return nil, fail([]Problem{{File: centralName, Line: 1,
			Msg: "this is an HTML page, not a TOML file (a login or error page answered instead of the config?)"}})
	}
	f, md, loc, ps := decodeCentral(centralName, centralData)
	if len(ps) > 0 {
		return nil, fail(ps)
	}

	// The common part alone, then every site: a mistake anywhere is found by
	// every kiosk, not only by the one whose site it is in.
	sites := make([]string, 0, len(f.Site))
	for name := range f.Site {
		sites = append(sites, name)
	}
	sort.Strings(sites)
	_, own := f.Site[local.SiteName()]
	var cfg *Config
	for _, site := range append([]string{""}, sites...) {
		c, sp := f.merge(md, loc, site, local, centralName)
		ps = append(ps, sp...)
		if (own && site == local.SiteName()) || (!own && site == "") {
			cfg = c
		}
	}
	ps = dedupe(ps)
	if len(ps) == 0 && len(cfg.Sources) == 0 {
		where := "the common part has no [[source]]"
		if own {
			where += " and neither has [site." + quoteKey(local.SiteName()) + "]"
		}
		ps = append(ps, Problem{File: centralName,
			Msg: fmt.Sprintf("removes every source: kiosk %q would have nothing to show (%s)", local.Name, where)})
	}
	if len(ps) > 0 {
		return nil, fail(ps)
	}

	if !own && len(sites) > 0 {
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("fleet config %s: no [site.%s] section; using the common settings (sections: %s)",
			centralName, quoteKey(local.SiteName()), quoteList(sites)))
	}
	if ignored := localContent(localData); len(ignored) > 0 {
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: %s set here; the fleet config supplies these, so the local ones are ignored while it is in use",
			local.Path, strings.Join(ignored, ", ")))
	}
	return cfg, nil
}

// decodeCentral reads the central file and reports syntax, type and
// unknown-key problems, located.
func decodeCentral(name string, data []byte) (*centralFile, toml.MetaData, lines, []Problem) {
	var f centralFile
	loc := locate(data)
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return nil, md, loc, decodeProblems(name, data, err, func(text string) error {
			_, err := toml.Decode(text, &centralFile{})
			return err
		})
	}
	var ps []Problem
	for _, k := range md.Undecoded() {
		if len(k) > 1 && isUndecodedTable(md, k[:len(k)-1]) {
			continue
		}
		msg := "unknown key (misspelt? see packaging/kiosk.example.toml)"
		if isDeviceKey(k) {
			msg = "belongs to each kiosk's own file (name, state_dir, [admin], [fleet]); the fleet config cannot set it"
		}
		ps = append(ps, Problem{File: name, Line: loc.first(plainKey(k...)), Key: k.String(), Msg: msg})
	}
	ps = append(ps, caseProblems(name, md, reflect.TypeFor[centralFile](), loc)...)
	check := func(prefix ...string) {
		for _, dk := range deviceDisplayKeys {
			k := toml.Key(append(append([]string{}, prefix...), "display", dk))
			if md.IsDefined(k...) {
				ps = append(ps, Problem{File: name, Line: loc.first(plainKey(k...)), Key: k.String(),
					Msg: "belongs to each kiosk's own file: a config fetched over the network does not choose the commands a kiosk runs"})
			}
		}
	}
	// Which LAN hosts a kiosk's pictures may come from is the office's
	// call, not a file's from the network.
	private := func(prefix ...string) {
		k := toml.Key(append(append([]string{}, prefix...), "fetch", "allow_private"))
		if md.IsDefined(k...) {
			ps = append(ps, Problem{File: name, Line: loc.first(plainKey(k...)), Key: k.String(),
				Msg: "belongs to each kiosk's own file: a config fetched over the network does not open the office's network to the pictures of a feed"})
		}
	}
	check()
	private()
	for site := range f.Site {
		check("site", site)
		private("site", site)
	}
	return &f, md, loc, ps
}

func isDeviceKey(k toml.Key) bool {
	if len(k) >= 3 && k[0] == "site" {
		k = k[2:]
	}
	return len(k) > 0 && deviceKeys[k[0]]
}

// plainKey is a key as locate records it: pieces joined by dots, quotes
// dropped. Running it through unquote keeps names that hold a dot ("St.
// Gallen") in the same (lossy) form locate gives them.
func plainKey(parts ...string) string { return unquote(strings.Join(parts, ".")) }

// quoteKey is a site name as it is written in a TOML header.
func quoteKey(name string) string { return toml.Key{name}.String() }

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// merge builds the config of the kiosk named site ("" for the common part
// alone), checks it with validate, and returns it with its problems.
func (f *centralFile) merge(md toml.MetaData, loc lines, site string, local *Config, name string) (*Config, []Problem) {
	c := &Config{Path: name}
	sec := f.section
	// Sources are copied: validate fills in defaults on them.
	c.Sources = append([]Source(nil), sec.Sources...)
	origins := make([]string, len(c.Sources))
	for i := range c.Sources {
		origins[i] = fmt.Sprintf("source[%d]", i)
	}
	c.Timezone, c.Language = sec.Timezone, sec.Language
	c.Fetch, c.Display, c.Theme, c.Moderation, c.Leaderboard = sec.Fetch, sec.Display, sec.Theme, sec.Moderation, sec.Leaderboard

	sitePrefix := ""
	if site != "" {
		sitePrefix = plainKey("site", site)
		s := f.Site[site]
		if md.IsDefined("site", site, "timezone") {
			c.Timezone = s.Timezone
		}
		if md.IsDefined("site", site, "language") {
			c.Language = s.Language
		}
		overlay(md, []string{"site", site, "fetch"}, &c.Fetch, s.Fetch)
		overlay(md, []string{"site", site, "display"}, &c.Display, s.Display)
		overlay(md, []string{"site", site, "theme"}, &c.Theme, s.Theme)
		overlay(md, []string{"site", site, "moderation"}, &c.Moderation, s.Moderation)
		overlay(md, []string{"site", site, "leaderboard"}, &c.Leaderboard, s.Leaderboard)
		for i, src := range s.Sources {
			origin := fmt.Sprintf("%s.source[%d]", sitePrefix, i)
			j := indexOf(c.Sources, src.Name)
			if src.Name == "" || j < 0 {
				c.Sources = append(c.Sources, src)
				origins = append(origins, origin)
				continue
			}
			c.Sources[j], origins[j] = src, origin
		}
	}

	// The kiosk's own settings.
	c.Name, c.StateDir, c.Admin, c.Fleet = local.Name, local.StateDir, local.Admin, local.Fleet
	c.Display.OnCommand, c.Display.OffCommand = local.Display.OnCommand, local.Display.OffCommand
	c.Fetch.AllowPrivate = local.Fetch.AllowPrivate
	if local.Timezone != "" {
		c.Timezone = local.Timezone
	}
	if local.Language != "" {
		c.Language = local.Language
	}

	mloc, siteLines := mergedLines(loc, sitePrefix, origins)
	var ps []Problem
	add := func(line int, key, format string, args ...any) {
		if siteLines[line] {
			key = "site." + quoteKey(site) + ": " + key
		}
		ps = append(ps, Problem{File: name, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	for i, s := range c.Sources {
		if s.Path != "" && !filepath.IsAbs(s.Path) {
			add(mloc.at("source", i, "path"), fmt.Sprintf("source %q: path", s.Name),
				"%q is relative, and a fleet config has no folder to be relative to; give the full path on the kiosk (/srv/…)", s.Path)
		}
	}
	for _, t := range []struct{ key, v string }{{"logo", c.Theme.Logo}, {"font", c.Theme.Font}} {
		if t.v != "" && !filepath.IsAbs(t.v) {
			add(mloc.first("theme."+t.key), "theme."+t.key,
				"%q is relative, and a fleet config has no folder to be relative to; give the full path on the kiosk", t.v)
		}
	}
	c.validate(mloc, add)

	// validate fills defaults in; what the device owns is the local file's,
	// exactly as it was checked there.
	c.Path = local.Path
	c.Name, c.StateDir, c.Fleet = local.Name, local.StateDir, local.Fleet
	c.useHub()
	if local.Timezone != "" {
		c.Location = local.Location
	}
	if local.Language != "" {
		c.Locale = local.Locale
	}
	return c, ps
}

func indexOf(ss []Source, name string) int {
	for i, s := range ss {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// overlay copies into dst every field of src whose key the site sets, so a
// site overrides a table key by key and keeps the common values of the rest.
func overlay(md toml.MetaData, prefix []string, dst, src any) {
	dv := reflect.ValueOf(dst).Elem()
	sv := reflect.ValueOf(src)
	t := sv.Type()
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		if md.IsDefined(append(append([]string{}, prefix...), tag)...) {
			dv.Field(i).Set(sv.Field(i))
		}
	}
}

// mergedLines re-keys the central file's line map for one merged config, as
// validate expects it ("display.hours", "source[2].url"): a site's keys win
// over the common ones, and each merged source gets the lines of the entry
// it came from. siteLines are the lines inside the site's section.
func mergedLines(loc lines, sitePrefix string, origins []string) (lines, map[int]bool) {
	out := lines{}
	siteLines := map[int]bool{}
	var fromSite []string
	for k, ns := range loc {
		switch {
		case sitePrefix != "" && strings.HasPrefix(k, sitePrefix+"."):
			fromSite = append(fromSite, k)
			for _, n := range ns {
				siteLines[n] = true
			}
		case k == sitePrefix:
			for _, n := range ns {
				siteLines[n] = true
			}
		case strings.HasPrefix(k, "site."), strings.HasPrefix(k, "source["):
		default:
			out[k] = ns
		}
	}
	for _, k := range fromSite {
		rest := k[len(sitePrefix)+1:]
		if !strings.HasPrefix(rest, "source[") {
			out[rest] = loc[k]
		}
	}
	for j, origin := range origins {
		for k, ns := range loc {
			if k == origin || strings.HasPrefix(k, origin+".") {
				out[fmt.Sprintf("source[%d]%s", j, k[len(origin):])] = ns
			}
		}
	}
	return out, siteLines
}

func dedupe(ps []Problem) []Problem {
	seen := map[Problem]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// looksLikeHTML catches the usual wrong answer for a config URL: a captive
// portal, a login page or a web server's error page served with 200.
func looksLikeHTML(data []byte) bool {
	head := bytes.ToLower(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	if len(head) > 512 {
		head = head[:512]
	}
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) ||
		bytes.HasPrefix(head, []byte("<head")) || bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("<html"))
}

// localContent names the content settings the kiosk's own file sets, which
// a central config replaces.
func localContent(data []byte) []string {
	var v map[string]any
	md, err := toml.Decode(string(data), &v)
	if err != nil {
		return nil
	}
	var out []string
	if md.IsDefined("source") {
		out = append(out, "[[source]]")
	}
	for _, t := range contentTables {
		tv, ok := v[t].(map[string]any)
		if !ok {
			continue
		}
		for k := range tv {
			if !localKey(t, k) {
				out = append(out, "["+t+"]")
				break
			}
		}
	}
	return out
}

// localKey reports whether key k of content table t stays the kiosk's own
// under a central config.
func localKey(t, k string) bool {
	return t == "display" && (k == "on_command" || k == "off_command") || t == "fetch" && k == "allow_private"
}

// Version is a short fingerprint of everything in c that changes what the
// kiosk does: two kiosks with the same Version run the same settings.
func Version(c *Config) string {
	if c == nil {
		return ""
	}
	v := *c
	// The admin password hash has no business in a fingerprint that is
	// sent to headquarters.
	v.Path, v.Warnings, v.Location, v.Admin, v.Hub = "", nil, nil, Admin{}, Hub{}
	v.Fleet.Token = "" // nor the fleet token
	b, err := json.Marshal(struct {
		Config
		Zone string
	}{v, c.Location.String()})
	if err != nil { // a Config always encodes; be safe anyway
		b = fmt.Appendf(nil, "%#v", v)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}
