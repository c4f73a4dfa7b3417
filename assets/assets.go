// Package assets holds what lobbykiosk embeds: the brand images (logo and
// app icon) and the demo content that `lobbykiosk demo` shows without a
// config file or a network.
//
// The demo is Tern & Timber, a made-up outdoor-gear maker with 16 employees
// in Berlin, Lisbon and Thessaloniki posting on Mastodon, Bluesky, the
// company blog and LinkedIn, plus a shared stories folder, a wins sheet and
// an advocacy leaderboard. Every picture in it is drawn by gen/main.go
// (`go run assets/gen/main.go` from the repository root); none is copied.
//
// The demo's dates are fixed: posts run from 31 October to 21 November 2026
// and the wins are as of 20 November 2026. The kiosk shows how long ago
// something was posted, so the ages grow as real time passes.
//
// Feeds cannot know where they will be extracted, so every picture they
// reference is written as file://@DEMO@/images/p01.jpg (or avatars/…).
// ExtractDemo replaces file://@DEMO@ with the file URL of the extraction
// folder, and the bare @DEMO@ in kiosk.toml with its path.
package assets

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Demo is the demo folder: kiosk.toml (a template), posts/, stories/,
// images/, avatars/, wins.csv and leaderboard.json.
//
//go:embed demo
var Demo embed.FS

var (
	//go:embed brand/logo.png
	logoPNG []byte
	//go:embed brand/logo-on-dark.png
	logoOnDarkPNG []byte
	//go:embed brand/icon.png
	iconPNG []byte
)

// Logo returns the Tern & Timber wordmark as PNG bytes (800×200,
// transparent background, dark lettering for light backgrounds).
func Logo() []byte { return bytes.Clone(logoPNG) }

// LogoOnDark returns the same wordmark with light lettering, for dark
// backgrounds (800×200 PNG, transparent).
func LogoOnDark() []byte { return bytes.Clone(logoOnDarkPNG) }

// Icon returns the 512×512 app icon as PNG bytes.
func Icon() []byte { return bytes.Clone(iconPNG) }

// placeholder stands for the extraction folder in the embedded files.
const placeholder = "@DEMO@"

// ConfigName is the file name of the config ExtractDemo writes.
const ConfigName = "kiosk.toml"

// ExtractDemo writes the demo folder into dir (created if missing; files
// already there are overwritten) and returns the path of the kiosk.toml it
// wrote there. That config's sources read the extracted files by path and
// its state_dir is dir/state, so the demo runs through the real pipeline.
func ExtractDemo(dir string) (configPath string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("extract demo into %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", fmt.Errorf("extract demo into %s: %w", abs, err)
	}
	r := newReplacer(abs)
	err = fs.WalkDir(Demo, "demo", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(name, "demo"), "/")
		target := filepath.Join(abs, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := Demo.ReadFile(name)
		if err != nil {
			return err
		}
		if isText(name) {
			if data, err = r.apply(rel, data); err != nil {
				return err
			}
		}
		return writeAtomic(target, data)
	})
	if err != nil {
		return "", fmt.Errorf("extract demo into %s: %w", abs, err)
	}
	if err := os.MkdirAll(filepath.Join(abs, "state"), 0o755); err != nil {
		return "", fmt.Errorf("extract demo into %s: %w", abs, err)
	}
	return filepath.Join(abs, ConfigName), nil
}

func isText(name string) bool {
	switch path.Ext(name) {
	case ".rss", ".xml", ".json", ".toml", ".csv", ".md":
		return true
	}
	return false
}

// replacer turns the placeholder into the extraction folder.
type replacer struct {
	fileURL  string // file:///tmp/x, safe in XML, escaped HTML, JSON and TOML alike
	tomlPath string // the folder as the inside of a TOML basic string
}

func newReplacer(abs string) replacer {
	slash := filepath.ToSlash(abs)
	if !strings.HasPrefix(slash, "/") {
		slash = "/" + slash // a Windows drive: file:///C:/...
	}
	// url.URL escapes spaces, quotes, <, > and non-ASCII; & is the one
	// character it leaves that XML and HTML would read as markup.
	u := (&url.URL{Scheme: "file", Path: slash}).String()
	u = strings.ReplaceAll(u, "&", "%26")
	return replacer{fileURL: u, tomlPath: tomlEscape(filepath.ToSlash(abs))}
}

func (r replacer) apply(rel string, data []byte) ([]byte, error) {
	data = bytes.ReplaceAll(data, []byte("file://"+placeholder), []byte(r.fileURL))
	if !bytes.Contains(data, []byte(placeholder)) {
		return data, nil
	}
	// A bare placeholder is a path; only the config may hold one, since
	// escaping a path for XML or JSON is not done here.
	if path.Ext(rel) != ".toml" {
		return nil, fmt.Errorf("demo file %s: %s outside a file:// URL", rel, placeholder)
	}
	return bytes.ReplaceAll(data, []byte(placeholder), []byte(r.tomlPath)), nil
}

func tomlEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// writeAtomic replaces target in one step, so a kiosk reading the demo folder
// never sees a half-written feed.
func writeAtomic(target string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(target), ".extract-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, target)
}
