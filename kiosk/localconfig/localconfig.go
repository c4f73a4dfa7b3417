// Package localconfig keeps a kiosk on its own config file through the
// mistakes people make in it. The last copy of the file that started well
// is kept in state_dir, so a typo that sat unnoticed until the next power cut
// does not leave the screen dark: the kiosk runs that copy and says, on
// screen and in health, what is wrong with the file. While the kiosk runs,
// the file is followed (a change on disk, or SIGHUP): a good edit applies at
// the next slide, a bad one leaves the running settings in place and says
// why. `lobbykiosk check` stays strict: it never falls back.
package localconfig

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"lobbykiosk/feeds/store"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/locale"
)

var quiet = slog.New(slog.DiscardHandler)

// StoreKey is the store file (in state_dir) holding the last good copy.
const StoreKey = "config-last-good.json"

// Copy is the last good copy of a kiosk's own config file.
type Copy struct {
	Path    string    `json:"path"` // the file it is a copy of, absolute
	TOML    string    `json:"toml"`
	SavedAt time.Time `json:"saved_at"`
}

// Keep saves data, the text of the config file at path that the kiosk runs
// well with, as the last good copy in st. An unchanged copy is not written
// again.
func Keep(st *store.Store, path string, data []byte, now time.Time) error {
	if st == nil {
		return nil
	}
	path = config.Abs(path)
	var old Copy
	if found, _ := st.Load(StoreKey, &old); found && old.Path == path && old.TOML == string(data) {
		return nil
	}
	return st.Save(StoreKey, Copy{Path: path, TOML: string(data), SavedAt: now.UTC()})
}

// Fallback is what a kiosk whose config file at path cannot be used (loadErr)
// runs instead: the last good copy of that same file, from the state_dir the
// broken file names, or else the default one. The returned config is the
// copy's, parsed as if it were at path (relative paths keep their meaning);
// data is its text. It fails when there is no copy, with loadErr.
func Fallback(path string, loadErr error) (cfg *config.Config, data []byte, cp Copy, err error) {
	abs := config.Abs(path)
	raw, rerr := os.ReadFile(path)
	dirs := []string{}
	if rerr == nil {
		if d := config.StateDirHint(path, raw); d != "" {
			dirs = append(dirs, d)
		}
	}
	if len(dirs) == 0 || dirs[0] != config.DefaultStateDir {
		dirs = append(dirs, config.DefaultStateDir)
	}
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		st, err := store.Open(dir, store.WithLogger(quiet))
		if err != nil {
			continue
		}
		var c Copy
		if found, err := st.Load(StoreKey, &c); err != nil || !found || c.Path != abs {
			continue
		}
		parsed, err := config.Parse(path, []byte(c.TOML))
		if err != nil {
			// Good when kept; this version checks more. Not usable.
			continue
		}
		return parsed, []byte(c.TOML), c, nil
	}
	return nil, nil, Copy{}, loadErr
}

// Problems turns a config load error into its lines, "FILE:LINE: KEY: what".
func Problems(err error) []string {
	var ce *config.Error
	if errors.As(err, &ce) {
		out := make([]string, len(ce.Problems))
		for i, p := range ce.Problems {
			out[i] = p.String()
		}
		return out
	}
	return []string{err.Error()}
}

// noticeFor is the line shown on screen for problems: the first problem's
// place and how many more, and what the kiosk does about them (what, a
// translation key), in the kiosk's language; the place stays as the file
// and the config checker name it.
func noticeFor(l *locale.Locale, err error, what string) string {
	where := ""
	var ce *config.Error
	if errors.As(err, &ce) && len(ce.Problems) > 0 {
		p := ce.Problems[0]
		where = filepath.Base(p.File)
		if p.Line > 0 {
			// The line's number as the editor shows it: ASCII digits.
			where += " " + l.T("notice.line", map[string]any{"N": strconv.Itoa(p.Line)})
		}
		if p.Key != "" {
			where += " (" + p.Key + ")"
		}
		if n := len(ce.Problems) - 1; n > 0 {
			where += " " + l.N("notice.more", n, l.Int(n))
		}
	} else if err != nil {
		where = firstLine(err.Error())
	}
	if l.RTL() {
		// The place is left-to-right text (a file name, a key, "(…)"):
		// isolated, it keeps its order inside a right-to-left line.
		where = "\u2066" + where + "\u2069"
	}
	return l.T("notice.config", map[string]any{"Where": where, "What": l.T(what)})
}

func firstLine(s string) string {
	if i := bytes.IndexByte([]byte(s), '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
