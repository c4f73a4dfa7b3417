// Package fonts knows which characters the kiosk can draw: those of the
// fonts bundled with Fyne (Noto Sans and its emoji font) and those of the
// system's fonts (the Noto packages the .deb pulls in), through
// go-text's index of the system fonts. It says which script a text needs
// a font for and which Debian package has one, so a post no installed font
// can draw is held back with that reason instead of shown as boxes; and it
// picks and loads, only when a line needs one, the system face that draws a
// whole run of a script (so an Arabic word is shaped in one font and joins).
package fonts

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode"

	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/font/opentype/tables"
	"github.com/go-text/typesetting/fontscan"
)

var (
	loadOnce  sync.Once
	system    []fontscan.Footprint
	bundled   []font.Cmap
	loadErr   error
	cacheUsed string
)

// Load indexes the system's fonts once per process. The index is cached in
// the first writable of the user's cache folder and dirs (the state
// folder, say), and of the temporary folder: go-text, which Fyne uses for
// its fallback fonts too, refuses to use the system fonts at all when it
// cannot write that cache, and a service user may have no home. Call it
// before Fyne measures any text, so that Fyne shares this index instead
// of failing to make its own. The first scan of a few hundred font files
// takes seconds; later starts read the cache.
func Load(dirs ...string) error {
	loadOnce.Do(func() {
		for _, f := range []fyneFont{theme.DefaultTextFont(), theme.DefaultEmojiFont()} {
			if cm, err := cmapOf(f.Content()); err == nil {
				bundled = append(bundled, cm)
			}
		}
		var cands []string
		if d, err := os.UserCacheDir(); err == nil {
			cands = append(cands, d)
		}
		for _, d := range dirs {
			if d != "" {
				cands = append(cands, filepath.Join(d, ".cache"))
			}
		}
		cands = append(cands, filepath.Join(os.TempDir(), fmt.Sprintf("lobbykiosk-fonts-%d", os.Getuid())))
		for _, d := range cands {
			if writable(d) {
				cacheUsed = d
				break
			}
		}
		system, loadErr = fontscan.SystemFonts(quiet{}, cacheUsed)
		if loadErr != nil {
			loadErr = fmt.Errorf("system fonts (index cached in %s): %w", cacheUsed, loadErr)
		}
	})
	return loadErr
}

type fyneFont interface{ Content() []byte }

// quiet drops go-text's per-font scan chatter.
type quiet struct{}

func (quiet) Printf(string, ...any) {}

func writable(dir string) bool {
	if os.MkdirAll(dir, 0o755) != nil {
		return false
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

// cmapOf reads only the character map of a font file, not its glyphs.
func cmapOf(data []byte) (font.Cmap, error) {
	ld, err := ot.NewLoader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	raw, err := ld.RawTable(ot.MustNewTag("cmap"))
	if err != nil {
		return nil, err
	}
	t, _, err := tables.ParseCmap(raw)
	if err != nil {
		return nil, err
	}
	cm, _, err := font.ProcessCmap(t, 0)
	return cm, err
}

// InBundled reports whether Fyne's bundled fonts draw r.
func InBundled(r rune) bool {
	Load()
	for _, cm := range bundled {
		if _, ok := cm.Lookup(r); ok {
			return true
		}
	}
	return false
}

// drawable remembers Drawable's answers for installed fonts: content asks
// about every character of every post at each slide.
var drawable sync.Map // rune → bool

// Drawable reports whether some font, bundled, configured or installed,
// draws r.
func Drawable(r rune) bool {
	if InBundled(r) {
		return true
	}
	if c := customFace(); c != nil {
		if _, ok := c.NominalGlyph(r); ok {
			return true
		}
	}
	if ok, known := drawable.Load(r); known {
		return ok.(bool)
	}
	ok := false
	for i := range system {
		if system[i].Runes.Contains(r) {
			ok = true
			break
		}
	}
	drawable.Store(r, ok)
	return ok
}

// invisible are characters no font needs to draw: spaces, controls, and
// format characters (joiners, direction marks, variation selectors).
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

// Missing is what keeps text off the screen: the first letter, mark or
// digit that no font draws, the name of its script ("Thai") and the Debian
// package that has a font for it. ok is true when every word can be drawn.
// Symbols and emoji do not count: one new emoji no font has yet shows as a
// box, and holding its post back for it would cost more than it saves.
func Missing(text string) (r rune, script, pkg string, ok bool) {
	Load()
	for _, r := range text {
		if invisible(r) || !(unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)) || Drawable(r) {
			continue
		}
		script = scriptOf(r)
		return r, script, packageFor(script, r), false
	}
	return 0, "", "", true
}

// Reason says why text cannot be shown, for `content`, health and the
// admin page: "no font for Thai script: install fonts-noto-core". It is ""
// when every character can be drawn.
func Reason(text string) string {
	r, script, pkg, ok := Missing(text)
	if ok {
		return ""
	}
	if script != "" {
		return fmt.Sprintf("no font for %s script: install %s", script, pkg)
	}
	return fmt.Sprintf("no font for %q (U+%04X): install %s", string(r), r, pkg) // a letter of no script: unlikely
}

// scriptOf names r's Unicode script ("Devanagari"), "" for Common and
// Inherited characters (symbols, punctuation).
func scriptOf(r rune) string {
	names := make([]string, 0, len(unicode.Scripts))
	for name := range unicode.Scripts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "Common" || name == "Inherited" {
			continue
		}
		if unicode.Is(unicode.Scripts[name], r) {
			return strings.ReplaceAll(name, "_", " ")
		}
	}
	return ""
}

// cjk are the scripts Debian's fonts-noto-cjk covers; fonts-noto-core has
// the other living scripts, fonts-noto-extra the rest.
var cjk = map[string]bool{"Han": true, "Hiragana": true, "Katakana": true, "Hangul": true, "Bopomofo": true}

func packageFor(script string, r rune) string {
	if cjk[script] {
		return "fonts-noto-cjk"
	}
	return "fonts-noto-core"
}

// Count is how many system font faces are indexed.
func Count() int {
	Load()
	return len(system)
}

// LogLoad loads the index and logs what it found, once, for the kiosk's
// start-up log.
func LogLoad(log *slog.Logger, dirs ...string) {
	if err := Load(dirs...); err != nil {
		log.Warn("no system fonts: only Latin, Greek, Cyrillic and emoji can be drawn", "err", err)
		return
	}
	log.Debug("system fonts indexed", "faces", len(system), "cache", cacheUsed)
}

var (
	faceMu    sync.Mutex
	faces     = map[fontscan.Location]*font.Face{}
	bundledMu sync.Mutex
	parsed    = map[string]*font.Face{}
)

// Bundled returns a parsed bundled font: Fyne's Noto Sans (bold or regular)
// or, with emoji, its emoji font. Each is parsed the first time a line
// needs it.
func Bundled(bold, emoji bool) *font.Face {
	key, res := "regular", theme.DefaultTextFont()
	switch {
	case emoji:
		key, res = "emoji", theme.DefaultEmojiFont()
	case bold:
		key, res = "bold", theme.DefaultTextBoldFont()
	}
	bundledMu.Lock()
	defer bundledMu.Unlock()
	if f, ok := parsed[key]; ok {
		return f
	}
	f, err := font.ParseTTF(bytes.NewReader(res.Content()))
	if err != nil {
		f = nil
	}
	parsed[key] = f
	return f
}

// Face returns the face that draws every rune of rs: the config's font
// (UseFile) when it does, else an installed one, loaded on first use: a
// Noto Sans face of the right weight when there is one
// ("Noto Sans Arabic" for an Arabic word, so it is shaped in one font and
// its letters join). It is nil when no installed font covers them all.
func Face(rs []rune, bold bool) *font.Face {
	if c := customFace(); c != nil && covers(c, rs) {
		return c
	}
	if Load() != nil {
		return nil
	}
	best, bestScore := -1, -1
	for i := range system {
		fp := &system[i]
		covers := true
		for _, r := range rs {
			if !invisible(r) && !fp.Runes.Contains(r) {
				covers = false
				break
			}
		}
		if !covers {
			continue
		}
		if s := score(fp, bold); s > bestScore {
			best, bestScore = i, s
		}
	}
	if best < 0 {
		return nil
	}
	return load(system[best].Location)
}

func covers(f *font.Face, rs []rune) bool {
	for _, r := range rs {
		if _, ok := f.NominalGlyph(r); !ok && !invisible(r) {
			return false
		}
	}
	return true
}

// score ranks a face for screen text: Noto's sans faces first (they match
// the bundled Noto Sans), upright, of the weight asked for, and not the
// compact "UI" cuts, display cuts or serif/mono families.
func score(fp *fontscan.Footprint, bold bool) int {
	s := 0
	fam := fp.Family // normalized: lower case, no spaces
	switch {
	case strings.HasPrefix(fam, "notosans") && !strings.HasPrefix(fam, "notosansmono"):
		s += 100
	case strings.HasPrefix(fam, "noto"):
		s += 60
	case strings.HasPrefix(fam, "dejavusans"):
		s += 40
	}
	for _, bad := range []string{"mono", "serif", "display", "looped"} {
		if strings.Contains(strings.TrimPrefix(fam, "notosans"), bad) {
			s -= 30
		}
	}
	if strings.HasSuffix(fam, "ui") {
		s -= 30
	}
	if fp.Aspect.Style == font.StyleNormal {
		s += 20
	}
	want := font.WeightNormal
	if bold {
		want = font.WeightBold
	}
	d := fp.Aspect.Weight - want
	if d < 0 {
		d = -d
	}
	s -= int(d / 20)
	if fp.Aspect.Stretch == font.StretchNormal {
		s += 10
	}
	return s
}

// load opens the face at loc once per process.
func load(loc fontscan.Location) *font.Face {
	faceMu.Lock()
	defer faceMu.Unlock()
	if f, ok := faces[loc]; ok {
		return f
	}
	var face *font.Face
	if file, err := os.Open(loc.File); err == nil {
		if lds, err := ot.NewLoaders(file); err == nil && int(loc.Index) < len(lds) {
			if ft, err := font.NewFont(lds[loc.Index]); err == nil {
				face = font.NewFace(ft)
			}
		}
		file.Close()
	}
	faces[loc] = face
	return face
}

var (
	customMu sync.Mutex
	custom   *font.Face // the config's theme.font, when it has one
)

// UseFile adds the font file a kiosk's config names (theme.font: "for
// scripts the bundled font lacks"): what it draws counts as drawable, and
// it is the first choice for a word the bundled font cannot draw.
func UseFile(path string) error {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("theme.font: %w", err)
	}
	f, err := font.ParseTTF(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("theme.font %s: not a TTF/OTF font: %w", path, err)
	}
	customMu.Lock()
	custom = f
	customMu.Unlock()
	return nil
}

// customFace is the config's font, nil without one.
func customFace() *font.Face {
	customMu.Lock()
	defer customMu.Unlock()
	return custom
}
