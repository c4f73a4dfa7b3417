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
// Every path in the demo is relative to the file that names it: the config's
// sources to kiosk.toml, a feed's pictures (../images/p01.jpg) to the feed.
// The kiosk resolves local references that way, so the folder works wherever
// it is extracted, and packaging/kiosk.example.toml can read it in place.
package assets

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
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

// ExtractDemoIn is ExtractDemo for an office that speaks lang (a BCP 47
// tag): the demo's wins are its social team's spreadsheet, and an office
// publishes its own, in its language (wins.de.csv, wins.pt-PT.csv…). The
// one for lang, or for its language without the region, becomes wins.csv;
// other languages keep the English one.
func ExtractDemoIn(dir, lang string) (configPath string, err error) {
	configPath, err = ExtractDemo(dir)
	if err != nil || lang == "" {
		return configPath, err
	}
	base, _, _ := strings.Cut(lang, "-")
	for _, l := range []string{lang, base} {
		data, err := Demo.ReadFile("demo/wins." + l + ".csv")
		if err != nil {
			continue
		}
		if err := writeAtomic(filepath.Join(filepath.Dir(configPath), "wins.csv"), data); err != nil {
			return "", fmt.Errorf("extract demo into %s: %w", dir, err)
		}
		break
	}
	return configPath, nil
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
