// Package config reads and checks a kiosk's TOML configuration. Every problem
// is reported with the file, line and key it comes from, all at once, so the
// person editing /etc/lobbykiosk/kiosk.toml can fix everything in one pass.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/language"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/hours"
	"lobbykiosk/kiosk/locale"
)

// DefaultPath is where the packaged kiosk looks for its config.
const DefaultPath = "/etc/lobbykiosk/kiosk.toml"

// maxSlideSeconds is the longest a slide may stay: a day.
const maxSlideSeconds = 24 * 60 * 60

// maxBodyMB caps fetch.max_body_mb: no feed, list or picture a kiosk shows
// is anywhere near a gigabyte.
const maxBodyMB = 1024

// DefaultStateDir holds the cache and moderation decisions.
const DefaultStateDir = "/var/lib/lobbykiosk"

// DefaultStateDirMaxMB caps the state directory by default. A kiosk on a
// 16 GB SD card has 10 GB or so left after the system; a gigabyte holds a few
// thousand pictures (a kept picture is 100–500 KB), months of posts, and
// leaves the card nine-tenths free for the system's logs and updates.
const DefaultStateDirMaxMB = 1024

// stateDirMaxMB bounds state_dir_max_mb (a terabyte) and minStateDirMB is
// the least that holds the source caches and a screenful of pictures.
const (
	stateDirMaxMB = 1 << 20
	minStateDirMB = 16
)

// Config is one kiosk's configuration.
type Config struct {
	Name     string `toml:"name"`
	Timezone string `toml:"timezone"`
	// Language is the screen's language, a BCP 47 tag ("de", "pt-PT",
	// "ar"); empty means the system's locale, and C/POSIX mean English.
	Language string `toml:"language"`
	StateDir string `toml:"state_dir"`
	// StateDirMaxMB caps what the kiosk keeps in StateDir, in MiB:
	// pictures shown least recently are evicted to stay under it.
	StateDirMaxMB int `toml:"state_dir_max_mb"`

	Sources     []Source    `toml:"source"`
	Fetch       Fetch       `toml:"fetch"`
	Display     Display     `toml:"display"`
	Theme       Theme       `toml:"theme"`
	Moderation  Moderation  `toml:"moderation"`
	Leaderboard Leaderboard `toml:"leaderboard"`
	Admin       Admin       `toml:"admin"`
	Fleet       Fleet       `toml:"fleet"`
	Hub         Hub         `toml:"hub"`
	// Sites are a hub's [site."NAME"] sections, passed on to the kiosks in
	// its /fleet.toml (see hub.go); a kiosk's own file has none.
	Sites map[string]section `toml:"site" json:"-"`

	// Path is the file the config was read from ("" for built-in configs).
	Path string `toml:"-"`
	// Location is Timezone resolved (the system's zone when Timezone is empty).
	Location *time.Location `toml:"-"`
	// Locale is Language resolved (the system's locale when Language is
	// empty, English when that names C, POSIX or an unshipped language).
	Locale *locale.Locale `toml:"-"`
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
	// Locale (BCP 47: "de", "fr-CH", "en-US") forces how the source's
	// numbers and dates read: 1.234 is 1234 in "de", 05/06 is 6 May in
	// "en-US". Without it the file's own values decide.
	Locale string `toml:"locale"`
	// Sites, on the fleet's hub only, limits the source's posts to the
	// kiosks of those sites ([fleet] site): an office's own account,
	// moderated centrally with the rest.
	Sites []string `toml:"sites"`
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
		Locale:  s.Locale,
	}
}

// Specs returns every source's spec, in config order, with the kiosk's
// zone for dates that name none.
func (c *Config) Specs() []feeds.SourceSpec {
	out := make([]feeds.SourceSpec, len(c.Sources))
	for i, s := range c.Sources {
		out[i] = s.Spec()
		out[i].Moderated = c.FromHub(s)
		out[i].Timezone = c.Timezone
	}
	return out
}

// Fetch tunes how sources are fetched.
type Fetch struct {
	Timeout   Duration `toml:"timeout"`     // per request, default 20s
	MaxBodyMB int      `toml:"max_body_mb"` // default 10
	// AllowPrivate lets pictures and avatars named by a remote feed come
	// from private (LAN) addresses the feed itself does not live on.
	// Loopback, link-local and the kiosk's own addresses stay refused.
	// Only the kiosk's own file may set it.
	AllowPrivate bool `toml:"allow_private"`
	// MaxDrop is the largest share of a source's items that may vanish in
	// one fetch before the answer is held as suspicious (0.8: a fall by
	// more than 80 %); default 1, only an answer with nothing in it.
	MaxDrop float64 `toml:"max_drop"`
	// EmptyGrace is how long such an answer is held, the last good content
	// shown; default moderation.max_age when set, else 72h.
	EmptyGrace Duration `toml:"empty_grace"`
}

// DefaultTransitionFPS is display.transition_fps when unset.
const DefaultTransitionFPS = 8

// Display is the playlist, transitions and display hours.
type Display struct {
	PostSeconds        float64 `toml:"post_seconds"`
	WinsSeconds        float64 `toml:"wins_seconds"`
	LeaderboardSeconds float64 `toml:"leaderboard_seconds"`
	WinsEvery          int     `toml:"wins_every"`
	LeaderboardEvery   int     `toml:"leaderboard_every"`
	Transition         string  `toml:"transition"` // fade | none
	TransitionSeconds  float64 `toml:"transition_seconds"`
	// TransitionFPS is how many times a second the fade repaints the screen.
	// Without a GPU (a mini-PC on llvmpipe, or Xvfb) every repaint of a
	// 1080p window costs tens of milliseconds of CPU whatever it shows, so
	// the default is a few steps; 60 gives a smooth fade where a GPU draws.
	TransitionFPS float64  `toml:"transition_fps"`
	Hours         []string `toml:"hours"`
	OnCommand     string   `toml:"on_command"`
	OffCommand    string   `toml:"off_command"`
	Welcome       string   `toml:"welcome"` // message on the welcome slide
	StaleAfter    Duration `toml:"stale_after"`
	// SafeArea is the share of each side, in per cent, that the TV may crop
	// (overscan): no text, pill or number is drawn there. nil until
	// validated, then DefaultSafeArea unless the file says otherwise; 0 is
	// for a screen set to "Just Scan" (or a monitor). Read it with Safe.
	SafeArea *float64 `toml:"safe_area"`
	// PostMaxSeconds is the longest a long post stays: a post stays as long
	// as it takes to read (slide.ReadingTime), between PostSeconds and this.
	// Default twice PostSeconds.
	PostMaxSeconds float64 `toml:"post_max_seconds"`
}

// DefaultSafeArea is display.safe_area when the config does not set it: the
// 5 % "title safe" margin of broadcast practice.
const DefaultSafeArea = 5

// maxSafeArea is the largest display.safe_area: a fifth of each side is
// already more than any TV crops.
const maxSafeArea = 20

// Safe is the safe area in per cent of each side.
func (d Display) Safe() float64 {
	if d.SafeArea == nil {
		return DefaultSafeArea
	}
	return *d.SafeArea
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
	Listen string `toml:"listen"`
	// PasswordFile holds the bcrypt hash of the password (written by
	// `lobbykiosk admin set-password`, mode 0600, owned by the kiosk's
	// user); default state_dir/admin-password.
	PasswordFile string `toml:"password_file"`
	// PasswordHash is where older versions kept the hash, in this
	// (world-readable) file. Still read, with a warning saying how to move
	// it.
	PasswordHash string `toml:"password_hash"`
	// TLS is "auto" (HTTPS unless listening on loopback only), "on" or
	// "off" (plain HTTP: behind a TLS proxy on the same machine).
	TLS string `toml:"tls"`
	// CertFile and KeyFile are the admin's own certificate and key (PEM);
	// without them a self-signed one is made in state_dir.
	CertFile string `toml:"cert_file"`
	KeyFile  string `toml:"key_file"`
	// Hostnames are the names the page answers to besides IP addresses,
	// localhost and the machine's own name: a Host header naming anything
	// else (DNS rebinding) is refused.
	Hostnames []string `toml:"hostnames"`
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies
	// whose X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustedProxies []string `toml:"trusted_proxies"`
	// MetricsToken lets a scraper read /metrics with
	// "Authorization: Bearer TOKEN"; without it /metrics needs a sign-in.
	MetricsToken string `toml:"metrics_token"`
}

// PasswordFileName is the admin password file's name in state_dir.
const PasswordFileName = "admin-password"

// DefaultPasswordFile is where the admin password hash lives when
// [admin] password_file is not set.
func (c *Config) DefaultPasswordFile() string {
	return filepath.Join(c.StateDir, PasswordFileName)
}

// MinMetricsToken is the shortest metrics_token accepted, in characters.
const MinMetricsToken = 16

// Fleet is the link to headquarters.
type Fleet struct {
	ConfigURL    string   `toml:"config_url"`
	Refresh      Duration `toml:"refresh"`
	HeartbeatURL string   `toml:"heartbeat_url"`
	// Hub is the fleet's hub (`lobbykiosk hub`); with it, config_url,
	// heartbeat_url and the revocation list default to the hub's.
	Hub   string `toml:"hub"`
	Token string `toml:"token"` // sent as a bearer token to the hub, and only there
	// Site is the office this kiosk is in (default: its name): its section
	// of the central config, and what the hub targets at it.
	Site string `toml:"site"`
	// HeartbeatEvery is how often the heartbeat is sent (1m); a screen
	// thumbnail goes to the hub every fifth beat.
	HeartbeatEvery Duration `toml:"heartbeat_every"`
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
		var unknown []Problem
		ps := decodeProblems(name, data, err, func(text string) error {
			md, err := toml.Decode(text, &Config{})
			if err == nil {
				// The values that did not fit are blanked out now and the
				// rest reads: its misspelt keys are reported with them, all
				// at once, not after the person fixed the first.
				unknown = unknownKeys(name, md, loc)
			}
			return err
		})
		ps = append(ps, unknown...)
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
		return nil, ps
	}
	ps := unknownKeys(name, md, loc)
	add := func(line int, key, format string, args ...any) {
		ps = append(ps, Problem{File: name, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if cps := caseProblems(name, md, reflect.TypeFor[Config](), loc); len(cps) > 0 {
		// Which of "source" and "Source" was read is a matter of chance:
		// checking the values would report different problems each time.
		ps = append(ps, cps...)
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
		return &c, ps
	}
	c.validate(loc, add)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return &c, ps
}

// unknownKeys reports the keys md could not place in the config.
func unknownKeys(name string, md toml.MetaData, loc lines) []Problem {
	var ps []Problem
	for _, k := range md.Undecoded() {
		// A whole unknown table is reported once, not once per key inside it.
		if len(k) > 1 && isUndecodedTable(md, k[:len(k)-1]) {
			continue
		}
		// locate records keys without their quotes (site.HQ Lobby), so a
		// quoted key is looked up in that form, as in a fleet config.
		ps = append(ps, Problem{File: name, Line: loc.first(plainKey(k...)), Key: k.String(), Msg: "unknown key (misspelt? see packaging/kiosk.example.toml)"})
	}
	return ps
}

// typeErr is how toml.Decode words a value of the wrong type; the key may
// hold escaped quotes (site."HQ Lobby".display.post_seconds).
var typeErr = regexp.MustCompile(`^toml: line (\d+) \(last key "((?:[^"\\]|\\.)*)"\): (.*)$`)

// decodeProblems turns a failed toml.Decode of data into problems. A syntax
// error is the one problem: nothing after it can be read. Values that do
// not fit (a wrong type, a bad duration) are all reported, not only the
// first: Decode stops at the first it meets, and which one that is depends
// on Go's random map order, so a file with two showed a different problem
// on each check (found by FuzzParse). Each reported line is blanked and the
// text decoded again with decode until no such problem is left (or 100 are
// found: each round decodes the whole file again).
func decodeProblems(name string, data []byte, err error, decode func(text string) error) []Problem {
	if !wellFormed(string(data)) {
		return []Problem{valueProblem(name, err)}
	}
	text := bytes.Clone(data)
	var ps []Problem
	blanked := map[int]bool{}
	for err != nil && len(ps) < 100 {
		p := valueProblem(name, err)
		ps = append(ps, p)
		if blanked[p.Line] || !blankLine(text, p.Line) {
			break
		}
		blanked[p.Line] = true
		// Blanking the first line of a value written over several lines
		// breaks the syntax: stop there, what was found is genuine.
		if !wellFormed(string(text)) {
			break
		}
		err = decode(string(text))
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return ps
}

// wellFormed reports whether text is TOML at all, whatever it holds.
func wellFormed(text string) bool {
	var v map[string]any
	_, err := toml.Decode(text, &v)
	return err == nil
}

// valueProblem is err from toml.Decode as a problem: located when toml says
// where (a ParseError, or a type mismatch with the line in its text).
func valueProblem(name string, err error) Problem {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return Problem{File: name, Line: pe.Position.Line, Key: oneLine(pe.LastKey), Msg: oneLine(pe.Message)}
	}
	if m := typeErr.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		key, uerr := strconv.Unquote(`"` + m[2] + `"`)
		if uerr != nil {
			key = m[2]
		}
		return Problem{File: name, Line: line, Key: oneLine(key), Msg: oneLine(m[3])}
	}
	return Problem{File: name, Msg: oneLine(err.Error())}
}

// oneLine keeps text from toml on the one line a problem has, in UTF-8: its
// lexer quotes the offending input raw at times, newlines and control
// characters included (found by FuzzParse).
func oneLine(s string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if r < ' ' || r == 0x7f {
			fmt.Fprintf(&b, "\\x%02x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// blankLine overwrites line n (from 1) of text with spaces, in place.
func blankLine(text []byte, n int) bool {
	if n < 1 {
		return false
	}
	start := 0
	for ; n > 1; n-- {
		i := bytes.IndexByte(text[start:], '\n')
		if i < 0 {
			return false
		}
		start += i + 1
	}
	end := len(text)
	if i := bytes.IndexByte(text[start:], '\n'); i >= 0 {
		end = start + i
	}
	for i := start; i < end; i++ {
		text[i] = ' '
	}
	return true
}

// caseProblems reports the keys that name a setting only when case is
// ignored ("Name", "[[Source]]"). toml.Decode accepts them, but in a file
// holding both "source" and "Source" which one it reads depends on Go's
// random map order (found by FuzzParse). TOML keys are case-sensitive, and
// so are a kiosk's: such a key is an unknown key. t is the decoded type.
func caseProblems(name string, md toml.MetaData, t reflect.Type, loc lines) []Problem {
	var ps []Problem
	for _, k := range md.Keys() {
		// Only the first wrongly cased part is reported, not every key
		// inside a table named in the wrong case.
		if i, want := wrongCase(t, k); i >= 0 && i == len(k)-1 {
			ps = append(ps, Problem{File: name, Line: loc.first(plainKey(k...)), Key: k.String(),
				Msg: fmt.Sprintf("unknown key (keys are case-sensitive: write %q)", want)})
		}
	}
	return ps
}

// wrongCase finds the first part of k that names a field of t only when
// case is ignored, and returns its index and the field's key; -1 if none.
func wrongCase(t reflect.Type, k toml.Key) (int, string) {
	for i, part := range k {
		for t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			ft, key := tomlField(t, part)
			if ft == nil {
				return -1, ""
			}
			if key != part {
				return i, key
			}
			t = ft
		default:
			return -1, ""
		}
	}
	return -1, ""
}

// tomlField finds the field of struct t that toml.Decode reads key into, as
// it does: the field named key, else one named key in another case. Fields
// of untagged embedded structs count as t's own.
func tomlField(t reflect.Type, key string) (reflect.Type, string) {
	var ft reflect.Type
	name := ""
	var walk func(t reflect.Type) bool
	walk = func(t reflect.Type) bool {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			switch {
			case tag == "-":
				continue
			case f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct:
				if walk(f.Type) {
					return true
				}
				continue
			case !f.IsExported():
				continue
			case tag == "":
				tag = f.Name
			}
			if tag == key {
				ft, name = f.Type, tag
				return true
			}
			if name == "" && strings.EqualFold(tag, key) {
				ft, name = f.Type, tag
			}
		}
		return false
	}
	walk(t)
	return ft, name
}

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
	c.Locale = locale.System()
	if c.Language != "" {
		l, err := locale.For(c.Language)
		if err != nil {
			add(loc.first("language"), "language", "%s", err)
		} else {
			c.Locale = l
		}
	}
	if c.StateDir == "" {
		c.StateDir = DefaultStateDir
	}
	c.StateDir = c.resolve(c.StateDir)
	switch {
	case c.StateDirMaxMB == 0:
		c.StateDirMaxMB = DefaultStateDirMaxMB
	case c.StateDirMaxMB < minStateDirMB:
		add(loc.first("state_dir_max_mb"), "state_dir_max_mb", "%d is too small; at least %d (the sources' caches and a screenful of pictures)", c.StateDirMaxMB, minStateDirMB)
	case c.StateDirMaxMB > stateDirMaxMB:
		add(loc.first("state_dir_max_mb"), "state_dir_max_mb", "%d is too large; at most %d (a terabyte)", c.StateDirMaxMB, stateDirMaxMB)
	}
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
			if !webURL(s.URL) {
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
		if s.Locale != "" {
			if _, err := language.Parse(s.Locale); err != nil {
				add(at("locale"), key("locale"), "%q is not a language tag (e.g. \"de\", \"fr-CH\", \"en-US\")", s.Locale)
			}
		}
		c.validateSourceSites(s, at, key, add)
	}

	if c.Fetch.Timeout.Duration == 0 {
		c.Fetch.Timeout.Duration = 20 * time.Second
	}
	switch {
	case c.Fetch.MaxBodyMB == 0:
		c.Fetch.MaxBodyMB = 10
	case c.Fetch.MaxBodyMB < 0:
		add(loc.first("fetch.max_body_mb"), "fetch.max_body_mb", "must be positive")
	case c.Fetch.MaxBodyMB > maxBodyMB:
		// The engine's byte limit is MaxBodyMB << 20, which a huge value
		// overflowed.
		add(loc.first("fetch.max_body_mb"), "fetch.max_body_mb", "%d is too large; at most %d", c.Fetch.MaxBodyMB, maxBodyMB)
	}

	switch mdrop := c.Fetch.MaxDrop; {
	case mdrop == 0:
		c.Fetch.MaxDrop = 1
	case !(mdrop > 0 && mdrop <= 1): // NaN too
		add(loc.first("fetch.max_drop"), "fetch.max_drop", "%g is not a share; between 0 and 1 (0.8 holds an answer that lost more than 80 %% of the items)", mdrop)
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
		// TOML has nan and inf: NaN passed the checks above, and inf or a
		// huge value overflowed the engine's time.Duration (found by
		// FuzzParse).
		case math.IsNaN(*f.v):
			add(loc.first("display."+f.key), "display."+f.key, "nan is not a number of seconds")
		case *f.v > maxSlideSeconds:
			add(loc.first("display."+f.key), "display."+f.key, "%g is too long; at most %d (a day)", *f.v, maxSlideSeconds)
		}
	}
	switch {
	case d.PostMaxSeconds == 0:
		d.PostMaxSeconds = 2 * d.PostSeconds
	case math.IsNaN(d.PostMaxSeconds):
		add(loc.first("display.post_max_seconds"), "display.post_max_seconds", "nan is not a number of seconds")
	case d.PostMaxSeconds < d.PostSeconds:
		add(loc.first("display.post_max_seconds"), "display.post_max_seconds", "%g is shorter than post_seconds (%g): a long post cannot stay less than a short one", d.PostMaxSeconds, d.PostSeconds)
	case d.PostMaxSeconds > maxSlideSeconds:
		add(loc.first("display.post_max_seconds"), "display.post_max_seconds", "%g is too long; at most %d (a day)", d.PostMaxSeconds, maxSlideSeconds)
	}
	if d.SafeArea == nil {
		v := float64(DefaultSafeArea)
		d.SafeArea = &v
	} else if v := *d.SafeArea; !(v >= 0 && v <= maxSafeArea) { // NaN too
		add(loc.first("display.safe_area"), "display.safe_area", "%g is out of range (0 to %d per cent of each side; 0 for a screen set to \"Just Scan\")", v, maxSafeArea)
	}
	switch d.Transition {
	case "":
		d.Transition = "fade"
	case "fade", "none":
	default:
		add(loc.first("display.transition"), "display.transition", "%q is not a transition; fade or none", d.Transition)
	}
	if d.TransitionFPS == 0 {
		d.TransitionFPS = DefaultTransitionFPS
	} else if !(d.TransitionFPS >= 1 && d.TransitionFPS <= 120) { // NaN too
		add(loc.first("display.transition_fps"), "display.transition_fps", "%g is out of range (1 to 120)", d.TransitionFPS)
	}
	if d.TransitionSeconds == 0 {
		d.TransitionSeconds = 0.6
	} else if !(d.TransitionSeconds >= 0 && d.TransitionSeconds <= 3) { // NaN too
		add(loc.first("display.transition_seconds"), "display.transition_seconds", "%g is out of range (0 to 3)", d.TransitionSeconds)
	}
	if d.StaleAfter.Duration == 0 {
		d.StaleAfter.Duration = 3 * time.Hour
	}
	if _, err := hours.Parse(d.Hours); err != nil {
		// One problem per bad entry: hours.Parse joins them with newlines,
		// which broke the one line a problem has (found by FuzzParse).
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			add(loc.first("display.hours"), "display.hours", "%v", e)
		}
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
		if !webURL(m.RevocationsURL) {
			add(loc.first("moderation.revocations_url"), "moderation.revocations_url", "%q is not an http(s) URL", m.RevocationsURL)
		}
	}
	if m.RevocationsRefresh.Duration == 0 {
		m.RevocationsRefresh.Duration = time.Minute
	}
	if c.Fetch.EmptyGrace.Duration == 0 {
		// Held content older than max_age would not be shown anyway.
		c.Fetch.EmptyGrace.Duration = 72 * time.Hour
		if m.MaxAge.Duration > 0 {
			c.Fetch.EmptyGrace.Duration = m.MaxAge.Duration
		}
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
	// TOML's nan and inf would make every score NaN or infinite.
	for _, f := range []struct {
		key string
		v   float64
	}{{"points_per_post", lb.PointsPerPost}, {"points_per_like", lb.PointsPerLike}, {"points_per_share", lb.PointsPerShare},
		{"points_per_comment", lb.PointsPerReply}, {"daily_cap", lb.DailyCap}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			add(loc.first("leaderboard."+f.key), "leaderboard."+f.key, "%g is not a number of points", f.v)
		}
	}

	c.validateAdmin(loc, add)

	if c.Fleet.Refresh.Duration == 0 {
		c.Fleet.Refresh.Duration = 5 * time.Minute
	}
	for _, f := range []struct{ key, v string }{{"config_url", c.Fleet.ConfigURL}, {"heartbeat_url", c.Fleet.HeartbeatURL}} {
		if f.v != "" {
			if !webURL(f.v) {
				add(loc.first("fleet."+f.key), "fleet."+f.key, "%q is not an http(s) URL", f.v)
			}
		}
	}
	c.validateHub(loc, add)
}

// validateAdmin checks [admin] and fills its defaults.
func (c *Config) validateAdmin(loc lines, add func(line int, key, format string, args ...any)) {
	a := &c.Admin
	if a.Listen != "" {
		if _, _, err := net.SplitHostPort(a.Listen); err != nil {
			add(loc.first("admin.listen"), "admin.listen", "%q is not host:port (for example \"127.0.0.1:8080\", or \"0.0.0.0:8443\" for the LAN)", a.Listen)
		}
	}
	if a.PasswordFile == "" {
		a.PasswordFile = c.DefaultPasswordFile()
	}
	a.PasswordFile = c.resolve(a.PasswordFile)
	if a.PasswordHash != "" {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s:%d: admin.password_hash: the admin password's hash is in this file, which other users of the machine may read; "+
			"move it to %s (readable by the kiosk only) with `sudo lobbykiosk admin set-password --config %s`, which also removes this line",
			c.Path, loc.first("admin.password_hash"), a.PasswordFile, c.Path))
	}
	switch a.TLS {
	case "":
		a.TLS = "auto"
	case "auto", "on", "off":
	default:
		add(loc.first("admin.tls"), "admin.tls", "%q is not a setting; auto (HTTPS unless the page listens on loopback only), on or off", a.TLS)
	}
	a.CertFile, a.KeyFile = c.resolve(a.CertFile), c.resolve(a.KeyFile)
	switch {
	case (a.CertFile == "") != (a.KeyFile == ""):
		key := "admin.cert_file"
		if a.CertFile != "" {
			key = "admin.key_file"
		}
		add(loc.first("admin"), key, "missing; cert_file and key_file go together (or leave both out for a self-signed certificate)")
	case a.CertFile != "" && a.TLS == "off":
		add(loc.first("admin.tls"), "admin.tls", "is off, but cert_file is set: remove one of them")
	}
	for i, h := range a.Hostnames {
		if h = strings.TrimSpace(h); h == "" || strings.ContainsAny(h, "/:@ ") {
			add(loc.first("admin.hostnames"), "admin.hostnames", "%q is not a host name (only the name: \"lobby.example.com\", no scheme or port)", a.Hostnames[i])
		}
	}
	for _, p := range a.TrustedProxies {
		if _, err := ParsePrefix(p); err != nil {
			add(loc.first("admin.trusted_proxies"), "admin.trusted_proxies", "%v", err)
		}
	}
	if t := a.MetricsToken; t != "" && len(t) < MinMetricsToken {
		add(loc.first("admin.metrics_token"), "admin.metrics_token", "is %d characters; use at least %d random ones (for example the output of `openssl rand -hex 16`)", len(t), MinMetricsToken)
	}
}

// ParsePrefix reads an address ("192.168.1.10") or a CIDR range
// ("10.0.0.0/8", "fd00::/8") as a prefix.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an address or CIDR range (\"192.168.1.10\", \"10.0.0.0/8\")", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or CIDR range (\"192.168.1.10\", \"10.0.0.0/8\")", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// webURL reports whether s is an http(s) URL with a host: "https:" alone
// passed a check of the scheme only, and can never be fetched.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// resolve makes a relative path relative to the config file's folder, so a
// config and the files it names can be moved together.
func (c *Config) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || c.Path == "" {
		return p
	}
	return filepath.Join(filepath.Dir(c.Path), p)
}
