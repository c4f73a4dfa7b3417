package config

import (
	"bytes"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"lobbykiosk/feeds"
)

// A fleet with a head: `lobbykiosk hub` reads a kiosk-format config with a
// [hub] table (and [site."NAME"] sections, which it passes on to the kiosks
// in its /fleet.toml), and a kiosk joins it with one line:
//
//	[fleet]
//	hub = "https://hub.example/"
//	token = "…"
//
// from which the kiosk derives where its central config, revocation list
// and heartbeat go.

// Hub is the fleet's head, [hub]: read by `lobbykiosk hub` only.
type Hub struct {
	// Listen is the hub's address ("0.0.0.0:8443").
	Listen string `toml:"listen"`
	// Tokens are the fleet tokens kiosks present as "Authorization: Bearer
	// …". Two during a rotation: the new one is added, the kiosks are given
	// it, the old one is removed.
	Tokens []string `toml:"tokens"`
	// URL is where the kiosks reach the hub, used in /fleet.toml and in the
	// links of /content/posts.json. Empty: the address each request names
	// (set it when a proxy or cache is in front).
	URL string `toml:"url"`
	// Refresh is how often kiosks check the hub's posts and revocation list:
	// a decision made on the hub reaches every screen within it (plus the
	// hub's publishing tick and one slide).
	Refresh Duration `toml:"refresh"`
	// ModeratorsFile holds the moderators' names and bcrypt hashes (written
	// by `lobbykiosk admin set-password --moderator NAME`, mode 0600, owned
	// by the hub's user); default state_dir/moderators.
	ModeratorsFile string `toml:"moderators_file"`
}

// ModeratorsFileName is the moderators file's name in state_dir.
const ModeratorsFileName = "moderators"

// Hub defaults and limits.
const (
	DefaultHubRefresh  = 30 * time.Second
	DefaultHeartbeat   = time.Minute
	minHubToken        = 16
	minHeartbeatPeriod = time.Second
)

// HubPaths are the hub's resources a kiosk derives from [fleet] hub.
const (
	HubFleetPath       = "fleet.toml"
	HubRevocationsPath = "revocations.json"
	HubBeatPath        = "beat"
)

// SiteName is the site this kiosk belongs to: [fleet] site, or its name.
// Several screens in one office share a site, and with it the site's
// section of the central config and what the hub targets at that site.
func (c *Config) SiteName() string {
	if s := strings.TrimSpace(c.Fleet.Site); s != "" {
		return s
	}
	return c.Name
}

// FromHub reports whether source s is served by the fleet's hub ([fleet]
// hub): its posts come moderated, with the hub's IDs, pins and site
// targeting, which no other feed is trusted to set.
func (c *Config) FromHub(s Source) bool {
	return c.Fleet.Hub != "" && s.URL != "" && SameOrigin(s.URL, c.Fleet.Hub)
}

// SameOrigin reports whether two http(s) URLs have the same scheme, host and
// port (a default port written out or not).
func SameOrigin(a, b string) bool {
	oa, ok1 := origin(a)
	ob, ok2 := origin(b)
	return ok1 && ok2 && oa == ob
}

func origin(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		default:
			return "", false
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port, true
}

// validateHub checks [hub] and the fleet keys that join a hub, and derives
// the URLs a kiosk in a fleet uses from [fleet] hub.
func (c *Config) validateHub(loc lines, add func(line int, key, format string, args ...any)) {
	f := &c.Fleet
	f.Site = strings.TrimSpace(f.Site)
	switch {
	case f.HeartbeatEvery.Duration == 0:
		f.HeartbeatEvery.Duration = DefaultHeartbeat
	case f.HeartbeatEvery.Duration < minHeartbeatPeriod:
		add(loc.first("fleet.heartbeat_every"), "fleet.heartbeat_every", "%s is too often; at least 1s", f.HeartbeatEvery.Duration)
	}
	if f.Hub != "" {
		if !webURL(f.Hub) {
			add(loc.first("fleet.hub"), "fleet.hub", "%q is not an http(s) URL", f.Hub)
		} else {
			if !strings.HasSuffix(f.Hub, "/") {
				f.Hub += "/"
			}
			if strings.TrimSpace(f.Token) == "" {
				add(loc.first("fleet.hub"), "fleet.token", "missing; the hub answers only kiosks that present one of its [hub] tokens")
			}
			if f.ConfigURL == "" {
				f.ConfigURL = f.Hub + HubFleetPath
			}
			if f.HeartbeatURL == "" {
				f.HeartbeatURL = f.Hub + HubBeatPath
			}
			c.useHub()
		}
	} else if f.Token != "" {
		add(loc.first("fleet.token"), "fleet.token", "set without fleet.hub; the token is only ever sent to the hub")
	}

	h := &c.Hub
	if h.Refresh.Duration == 0 {
		h.Refresh.Duration = DefaultHubRefresh
	} else if h.Refresh.Duration < 10*time.Second {
		add(loc.first("hub.refresh"), "hub.refresh", "%s is too often; at least 10s (the kiosks' sources refresh no faster)", h.Refresh.Duration)
	}
	if h.URL != "" {
		if !webURL(h.URL) {
			add(loc.first("hub.url"), "hub.url", "%q is not an http(s) URL", h.URL)
		} else if !strings.HasSuffix(h.URL, "/") {
			h.URL += "/"
		}
	}
	if h.Listen == "" {
		if len(h.Tokens) > 0 {
			add(loc.first("hub.tokens"), "hub.tokens", "set without hub.listen; only `lobbykiosk hub` reads [hub]")
		}
		for _, name := range sortedSites(c.Sites) {
			add(loc.first(plainKey("site", name)), toml.Key{"site", name}.String(),
				"site sections belong in the hub's config (with [hub] listen) or in headquarters' central file, not in a kiosk's own file")
		}
		return
	}
	if h.ModeratorsFile == "" {
		h.ModeratorsFile = filepath.Join(c.StateDir, ModeratorsFileName)
	}
	h.ModeratorsFile = c.resolve(h.ModeratorsFile)
	if _, _, err := net.SplitHostPort(h.Listen); err != nil {
		add(loc.first("hub.listen"), "hub.listen", "%q is not an address like \"0.0.0.0:8443\" (%v)", h.Listen, err)
	}
	if len(h.Tokens) == 0 {
		add(loc.first("hub.listen"), "hub.tokens", "missing; the hub has no default token: generate one with `openssl rand -hex 24` and give it to the kiosks as [fleet] token")
	}
	seen := map[string]bool{}
	for i, t := range h.Tokens {
		switch {
		case strings.TrimSpace(t) != t || strings.ContainsAny(t, "\r\n\t "):
			add(loc.first("hub.tokens"), "hub.tokens", "token %d has spaces in it; it travels in an HTTP header", i+1)
		case len(t) < minHubToken:
			add(loc.first("hub.tokens"), "hub.tokens", "token %d is %d characters; at least %d (`openssl rand -hex 24` makes a good one)", i+1, len(t), minHubToken)
		case seen[t]:
			add(loc.first("hub.tokens"), "hub.tokens", "token %d repeats an earlier one", i+1)
		case strings.HasPrefix(strings.ToUpper(t), "CHANGE-ME"):
			add(loc.first("hub.tokens"), "hub.tokens", "token %d is the example's; replace it with your own (`openssl rand -hex 24`)", i+1)
		}
		seen[t] = true
	}
}

// validateSourceSites checks a source's sites: the hub's posts sources
// only, each named once.
func (c *Config) validateSourceSites(s *Source, at func(string) int, key func(string) string, add func(line int, key, format string, args ...any)) {
	if len(s.Sites) == 0 {
		return
	}
	switch {
	case c.Hub.Listen == "":
		add(at("sites"), key("sites"), "only a source on the fleet's hub ([hub] listen) names sites; a kiosk's own sources are for its own screen")
		return
	case s.Kind != string(feeds.KindPosts) && s.Kind != string(feeds.KindFolder):
		add(at("sites"), key("sites"), "only posts and folder sources are for some sites; the wins and the leaderboard go to every kiosk")
		return
	}
	seen := map[string]bool{}
	for i, name := range s.Sites {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
			add(at("sites"), key("sites"), "site %d is empty", i+1)
		case seen[name]:
			add(at("sites"), key("sites"), "%q is named twice", name)
		}
		seen[name] = true
		s.Sites[i] = name
	}
}

// useHub points the revocation list at the hub when nothing else names one:
// the hub's /fleet.toml sets it, but a kiosk that has never reached the hub
// (or a merged config without it) still pulls the hub's list.
func (c *Config) useHub() {
	if c.Fleet.Hub != "" && c.Moderation.RevocationsURL == "" {
		c.Moderation.RevocationsURL = c.Fleet.Hub + HubRevocationsPath
	}
}

func sortedSites(m map[string]section) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SiteNames are the hub config's [site."NAME"] sections, sorted.
func (c *Config) SiteNames() []string { return sortedSites(c.Sites) }

// hubOwnKeys are what a hub's config may hold beyond what a central file
// may: the hub's own device settings.
var hubOwnKeys = map[string]bool{"name": true, "state_dir": true, "admin": true, "fleet": true, "hub": true}

// CheckHubSites checks every [site."NAME"] section of a hub's config (data,
// as read from c.Path) the way each kiosk of that site will merge it, so a
// mistake is reported by the hub, with its line, before any kiosk sees it.
func CheckHubSites(c *Config, data []byte) error {
	name := c.Path
	f, md, loc, ps := decodeCentral(name, data)
	keep := ps[:0]
	for _, p := range ps {
		first, _, _ := strings.Cut(p.Key, ".")
		if hubOwnKeys[first] || p.Key == "display.on_command" || p.Key == "display.off_command" {
			continue // the hub's own settings, checked by Parse
		}
		keep = append(keep, p)
	}
	ps = keep
	if f != nil {
		// The hub's own sources are the hub's to fetch (checked by Parse,
		// relative paths and all); the kiosks get the hub's content instead.
		f.Sources = nil
		for _, site := range sortedSites(f.Site) {
			_, sp := f.merge(md, loc, site, c, name)
			ps = append(ps, sp...)
			for _, k := range []string{"revocations_url", "revocations_refresh"} {
				if md.IsDefined("site", site, "moderation", k) {
					key := plainKey("site", site, "moderation", k)
					ps = append(ps, Problem{File: name, Line: loc.first(key), Key: key,
						Msg: "the hub publishes the fleet's revocation list; a site cannot replace it"})
				}
			}
		}
	}
	if ps = dedupe(ps); len(ps) > 0 {
		return &Error{Problems: ps}
	}
	return nil
}

// HubSource is one source the hub's /fleet.toml gives every kiosk.
type HubSource struct {
	Name, Kind, URL string
	Refresh         time.Duration
}

// FleetTOML writes the central config a hub publishes: the hub's config
// (data, as read from c.Path) without what belongs to the hub itself (name,
// state_dir, [admin], [fleet], [hub], display commands), its sources
// replaced by the hub's own content, its revocation list the hub's, and the
// [site."NAME"] sections as written — a site's own sources among them, which
// that site's kiosks fetch and moderate themselves.
func FleetTOML(c *Config, data []byte, sources []HubSource, revocations string) ([]byte, error) {
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", c.Path, err)
	}
	for k := range hubOwnKeys {
		delete(doc, k)
	}
	dropCommands(doc)
	if sites, ok := doc["site"].(map[string]any); ok {
		for _, s := range sites {
			if sm, ok := s.(map[string]any); ok {
				dropCommands(sm)
			}
		}
	}
	srcs := make([]map[string]any, len(sources))
	for i, s := range sources {
		srcs[i] = map[string]any{"name": s.Name, "kind": s.Kind, "url": s.URL, "refresh": s.Refresh.String()}
	}
	doc["source"] = srcs
	mod, _ := doc["moderation"].(map[string]any)
	if mod == nil {
		mod = map[string]any{}
	}
	mod["revocations_url"] = revocations
	mod["revocations_refresh"] = c.Hub.Refresh.Duration.String()
	doc["moderation"] = mod

	var b bytes.Buffer
	fmt.Fprintf(&b, "# The fleet's central config, written by `lobbykiosk hub` from %s.\n", c.Path)
	b.WriteString("# Kiosks merge it under their own file; change the hub's config, not this.\n\n")
	if err := toml.NewEncoder(&b).Encode(doc); err != nil {
		return nil, fmt.Errorf("fleet config: %w", err)
	}
	return b.Bytes(), nil
}

func dropCommands(m map[string]any) {
	if d, ok := m["display"].(map[string]any); ok {
		delete(d, "on_command")
		delete(d, "off_command")
	}
}
