// Package config reads and checks a kiosk's TOML configuration. Every problem
// is reported with the file, line and key it comes from, all at once, so the
// person editing /etc/lobbykiosk/kiosk.toml can fix everything in one pass.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/hours"
)

// DefaultPath is where the packaged kiosk looks for its config.
const DefaultPath = "/etc/lobbykiosk/kiosk.toml"

// DefaultStateDir holds the cache and moderation decisions.
const DefaultStateDir = "/var/lib/lobbykiosk"

// Config is one kiosk's configuration.
type Config struct {
	Name     string `toml:"name"`
	Timezone string `toml:"timezone"`
	StateDir string `toml:"state_dir"`

	Sources     []Source    `toml:"source"`
	Fetch       Fetch       `toml:"fetch"`
	Display     Display     `toml:"display"`
	Theme       Theme       `toml:"theme"`
	Moderation  Moderation  `toml:"moderation"`
	Leaderboard Leaderboard `toml:"leaderboard"`
	Admin       Admin       `toml:"admin"`
	Fleet       Fleet       `toml:"fleet"`

	// Path is the file the config was read from ("" for built-in configs).
	Path string `toml:"-"`
	// Location is Timezone resolved (the system's zone when Timezone is empty).
	Location *time.Location `toml:"-"`
	// Warnings are problems that do not stop the kiosk (a logo file that
	// does not exist yet, say): shown by `check`, logged by `run`.
	Warnings []string `toml:"-"`
}

// Source is one [[source]] table.
type Source struct {
	Name     string   `toml:"name"`
	Kind     string   `toml:"kind"`
	URL      string   `toml:"url"`
	Path     string   `toml:"path"`
	Refresh  Duration `toml:"refresh"`
	Approval string   `toml:"approval"`
	Network  string   `toml:"network"`
}

// Spec is what the feeds pipeline needs of the source.
func (s Source) Spec() feeds.SourceSpec {
	return feeds.SourceSpec{
		Name:    s.Name,
		Kind:    feeds.Kind(s.Kind),
		URL:     s.URL,
		Path:    s.Path,
		Refresh: s.Refresh.Duration,
		Network: s.Network,
	}
}

// Specs returns every source's spec, in config order.
func (c *Config) Specs() []feeds.SourceSpec {
	out := make([]feeds.SourceSpec, len(c.Sources))
	for i, s := range c.Sources {
		out[i] = s.Spec()
	}
	return out
}

// Fetch tunes how sources are fetched.
type Fetch struct {
	Timeout   Duration `toml:"timeout"`     // per request, default 20s
	MaxBodyMB int      `toml:"max_body_mb"` // default 10
}

// Display is the playlist, transitions and display hours.
type Display struct {
	PostSeconds        float64  `toml:"post_seconds"`
	WinsSeconds        float64  `toml:"wins_seconds"`
	LeaderboardSeconds float64  `toml:"leaderboard_seconds"`
	WinsEvery          int      `toml:"wins_every"`
	LeaderboardEvery   int      `toml:"leaderboard_every"`
	Transition         string   `toml:"transition"` // fade | none
	TransitionSeconds  float64  `toml:"transition_seconds"`
	Hours              []string `toml:"hours"`
	OnCommand          string   `toml:"on_command"`
	OffCommand         string   `toml:"off_command"`
	Welcome            string   `toml:"welcome"` // message on the welcome slide
	StaleAfter         Duration `toml:"stale_after"`
}

// Theme is the kiosk's branding.
type Theme struct {
	Mode       string `toml:"mode"`       // dark | light
	Accent     string `toml:"accent"`     // #rrggbb
	Background string `toml:"background"` // #rrggbb
	Logo       string `toml:"logo"`       // PNG/JPEG file
	Font       string `toml:"font"`       // TTF/OTF file for scripts the bundled font lacks
}

// Moderation is the social-media policy applied to posts.
type Moderation struct {
	BlockedWords       []string `toml:"blocked_words"`
	BlockedAuthors     []string `toml:"blocked_authors"`
	TrustedAuthors     []string `toml:"trusted_authors"`
	MaxAge             Duration `toml:"max_age"`
	HideReplies        bool     `toml:"hide_replies"`
	HideReposts        bool     `toml:"hide_reposts"`
	MinText            int      `toml:"min_text"`
	RevocationsURL     string   `toml:"revocations_url"`
	RevocationsRefresh Duration `toml:"revocations_refresh"`
}

// Leaderboard configures the locally computed leaderboard and privacy.
type Leaderboard struct {
	Period         string   `toml:"period"` // month | quarter | 30d
	PointsPerPost  float64  `toml:"points_per_post"`
	PointsPerLike  float64  `toml:"points_per_like"`
	PointsPerShare float64  `toml:"points_per_share"`
	PointsPerReply float64  `toml:"points_per_comment"`
	DailyCap       float64  `toml:"daily_cap"`
	OptOut         []string `toml:"opt_out"`
	Anonymize      bool     `toml:"anonymize"`
}

// Admin is the admin web page (off unless Listen is set).
type Admin struct {
	Listen       string `toml:"listen"`
	PasswordHash string `toml:"password_hash"`
}

// Fleet is the link to headquarters.
type Fleet struct {
	ConfigURL    string   `toml:"config_url"`
	Refresh      Duration `toml:"refresh"`
	HeartbeatURL string   `toml:"heartbeat_url"`
}

// Duration is a Go duration written as a string ("10m", "1h30m").
type Duration struct{ time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		d.Duration = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		// Spreadsheets and humans write "30 days"; say what is accepted.
		return fmt.Errorf("%q is not a duration (use Go's form: \"90s\", \"10m\", \"2h\", \"720h\" for 30 days)", s)
	}
	if v < 0 {
		return fmt.Errorf("%q is negative", s)
	}
	d.Duration = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Problem is one thing wrong with a config file.
type Problem struct {
	File string
	Line int // 0 when unknown
	Key  string
	Msg  string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Key != "" {
		fmt.Fprintf(&b, ": %s", p.Key)
	}
	fmt.Fprintf(&b, ": %s", p.Msg)
	return b.String()
}

// Error lists every problem found in one file.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Load reads and checks the config at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config %s does not exist (copy packaging/kiosk.example.toml there, or pass --config FILE)", path)
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse reads and checks a config held in memory; name is used in errors.
func Parse(name string, data []byte) (*Config, error) {
	c, problems := decode(name, data)
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return c, nil
}

func decode(name string, data []byte) (*Config, []Problem) {
	c := Config{Path: name}
	loc := locate(data)
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, []Problem{{File: name, Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message}}
		}
		// Type mismatches come as plain errors with the line in the text.
		if m := typeErr.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, []Problem{{File: name, Line: line, Key: m[2], Msg: m[3]}}
		}
		return nil, []Problem{{File: name, Msg: err.Error()}}
	}
	var ps []Problem
	add := func(line int, key, format string, args ...any) {
		ps = append(ps, Problem{File: name, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	for _, k := range md.Undecoded() {
		// A whole unknown table is reported once, not once per key inside it.
		if len(k) > 1 && isUndecodedTable(md, k[:len(k)-1]) {
			continue
		}
		add(loc.first(k.String()), k.String(), "unknown key (misspelt? see packaging/kiosk.example.toml)")
	}
	c.validate(loc, add)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return &c, ps
}

var typeErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]+)"\): (.*)$`)

func isUndecodedTable(md toml.MetaData, k toml.Key) bool {
	for _, u := range md.Undecoded() {
		if u.String() == k.String() {
			return true
		}
	}
	return false
}

// validate checks values and fills defaults. add reports a problem.
func (c *Config) validate(loc lines, add func(line int, key, format string, args ...any)) {
	if strings.TrimSpace(c.Name) == "" {
		if h, err := os.Hostname(); err == nil {
			c.Name = h
		} else {
			c.Name = "lobbykiosk"
		}
	}
	c.Location = time.Local
	if c.Timezone != "" {
		l, err := time.LoadLocation(c.Timezone)
		if err != nil {
			add(loc.first("timezone"), "timezone", "%q is not an IANA time zone (e.g. \"Europe/Berlin\")", c.Timezone)
		} else {
			c.Location = l
		}
	}
	if c.StateDir == "" {
		c.StateDir = DefaultStateDir
	}
	c.StateDir = c.resolve(c.StateDir)
	c.Theme.Logo = c.resolve(c.Theme.Logo)
	c.Theme.Font = c.resolve(c.Theme.Font)

	seen := map[string]int{}
	for i := range c.Sources {
		s := &c.Sources[i]
		at := func(key string) int { return loc.at("source", i, key) }
		key := func(k string) string {
			if s.Name != "" {
				return fmt.Sprintf("source %q: %s", s.Name, k)
			}
			return fmt.Sprintf("source #%d: %s", i+1, k)
		}
		switch {
		case strings.TrimSpace(s.Name) == "":
			add(at(""), key("name"), "missing; every source needs a unique name")
		default:
			if j, dup := seen[s.Name]; dup {
				add(at("name"), key("name"), "duplicate: source #%d (line %d) already uses this name", j+1, loc.at("source", j, "name"))
			} else {
				seen[s.Name] = i
			}
		}
		if !feeds.Kind(s.Kind).Valid() {
			if s.Kind == "" {
				add(at(""), key("kind"), "missing; one of posts, folder, wins, leaderboard")
			} else {
				add(at("kind"), key("kind"), "%q is not a kind; one of posts, folder, wins, leaderboard", s.Kind)
			}
		}
		s.Path = c.resolve(s.Path)
		switch {
		case s.URL != "" && s.Path != "":
			add(at("path"), key("url/path"), "set either url or path, not both")
		case s.URL == "" && s.Path == "":
			add(at(""), key("url/path"), "missing; set url = \"https://…\" or path = \"/srv/…\"")
		case s.URL != "":
			u, err := url.Parse(s.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				add(at("url"), key("url"), "%q is not an http(s) URL", s.URL)
			}
		}
		if s.Kind == string(feeds.KindFolder) && s.URL != "" {
			add(at("url"), key("url"), "a folder source reads a local or mounted folder: use path")
		}
		if s.Refresh.Duration == 0 {
			s.Refresh.Duration = feeds.DefaultRefresh(feeds.Kind(s.Kind))
		} else if s.Refresh.Duration < 10*time.Second {
			add(at("refresh"), key("refresh"), "%s is too often; at least 10s", s.Refresh.Duration)
		}
		switch s.Approval {
		case "":
			s.Approval = "auto"
		case "auto", "trusted", "manual":
		default:
			add(at("approval"), key("approval"), "%q is not a mode; one of auto, trusted, manual", s.Approval)
		}
	}

	if c.Fetch.Timeout.Duration == 0 {
		c.Fetch.Timeout.Duration = 20 * time.Second
	}
	if c.Fetch.MaxBodyMB == 0 {
		c.Fetch.MaxBodyMB = 10
	} else if c.Fetch.MaxBodyMB < 0 {
		add(loc.first("fetch.max_body_mb"), "fetch.max_body_mb", "must be positive")
	}

	d := &c.Display
	for _, f := range []struct {
		key string
		v   *float64
		def float64
	}{{"post_seconds", &d.PostSeconds, 10}, {"wins_seconds", &d.WinsSeconds, 12}, {"leaderboard_seconds", &d.LeaderboardSeconds, 12}} {
		switch {
		case *f.v == 0:
			*f.v = f.def
		case *f.v < 1:
			add(loc.first("display."+f.key), "display."+f.key, "%g is too short; at least 1 second", *f.v)
		}
	}
	switch d.Transition {
	case "":
		d.Transition = "fade"
	case "fade", "none":
	default:
		add(loc.first("display.transition"), "display.transition", "%q is not a transition; fade or none", d.Transition)
	}
	if d.TransitionSeconds == 0 {
		d.TransitionSeconds = 0.6
	} else if d.TransitionSeconds < 0 || d.TransitionSeconds > 3 {
		add(loc.first("display.transition_seconds"), "display.transition_seconds", "%g is out of range (0 to 3)", d.TransitionSeconds)
	}
	if d.StaleAfter.Duration == 0 {
		d.StaleAfter.Duration = 3 * time.Hour
	}
	if _, err := hours.Parse(d.Hours); err != nil {
		add(loc.first("display.hours"), "display.hours", "%v", err)
	}

	t := &c.Theme
	switch t.Mode {
	case "":
		t.Mode = "dark"
	case "dark", "light":
	default:
		add(loc.first("theme.mode"), "theme.mode", "%q is not a mode; dark or light", t.Mode)
	}
	for _, f := range []struct{ key, v string }{{"accent", t.Accent}, {"background", t.Background}} {
		if f.v != "" {
			if _, err := ParseColor(f.v); err != nil {
				add(loc.first("theme."+f.key), "theme."+f.key, "%v", err)
			}
		}
	}
	for _, f := range []struct{ key, v string }{{"logo", t.Logo}, {"font", t.Font}} {
		if f.v != "" {
			if _, err := os.Stat(f.v); err != nil {
				// Not fatal: the kiosk shows the default and says why.
				c.Warnings = append(c.Warnings, fmt.Sprintf("%s:%d: theme.%s: %s cannot be read (%v); the default is used", c.Path, loc.first("theme."+f.key), f.key, f.v, errors.Unwrap(err)))
			}
		}
	}

	m := &c.Moderation
	if m.MinText < 0 {
		add(loc.first("moderation.min_text"), "moderation.min_text", "must not be negative")
	}
	if m.RevocationsURL != "" {
		if u, err := url.Parse(m.RevocationsURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			add(loc.first("moderation.revocations_url"), "moderation.revocations_url", "%q is not an http(s) URL", m.RevocationsURL)
		}
	}
	if m.RevocationsRefresh.Duration == 0 {
		m.RevocationsRefresh.Duration = time.Minute
	}

	lb := &c.Leaderboard
	switch lb.Period {
	case "":
		lb.Period = "month"
	case "month", "quarter", "30d":
	default:
		add(loc.first("leaderboard.period"), "leaderboard.period", "%q is not a period; month, quarter or 30d", lb.Period)
	}
	if lb.PointsPerPost == 0 && lb.PointsPerLike == 0 && lb.PointsPerShare == 0 && lb.PointsPerReply == 0 {
		lb.PointsPerPost, lb.PointsPerLike, lb.PointsPerShare, lb.PointsPerReply = 10, 1, 3, 2
	}
	if lb.DailyCap == 0 {
		lb.DailyCap = 50
	}

	if c.Fleet.Refresh.Duration == 0 {
		c.Fleet.Refresh.Duration = 5 * time.Minute
	}
	for _, f := range []struct{ key, v string }{{"config_url", c.Fleet.ConfigURL}, {"heartbeat_url", c.Fleet.HeartbeatURL}} {
		if f.v != "" {
			if u, err := url.Parse(f.v); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				add(loc.first("fleet."+f.key), "fleet."+f.key, "%q is not an http(s) URL", f.v)
			}
		}
	}
}

// resolve makes a relative path relative to the config file's folder, so a
// config and the files it names can be moved together.
func (c *Config) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || c.Path == "" {
		return p
	}
	return filepath.Join(filepath.Dir(c.Path), p)
}
