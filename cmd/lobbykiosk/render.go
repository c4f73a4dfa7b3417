package main

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2/test"

	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/playlist"
	"lobbykiosk/kiosk/slide"
	"lobbykiosk/kiosk/ui"
)

func init() {
	register(command{name: "render", usage: "render [--config FILE | --demo] --out DIR [--size WxH] [--offline]", run: runRender})
}

// maxRenderedPosts bounds `render` for large feeds: enough to judge a theme.
const maxRenderedPosts = 24

// runRender draws every slide type to PNG through Fyne's software renderer,
// so a theme can be previewed on a machine without a display.
func runRender(ctx context.Context, e *env, args []string) int {
	fs := newFlags("render", e)
	cf := addConfigFlags(fs)
	out := fs.String("out", "", "folder for the PNG files (required)")
	size := fs.String("size", "1920x1080", "screen size, WxH (1080x1920 for portrait)")
	offline := fs.Bool("offline", false, "read only the cache: no network")
	if fs.Parse(args) != nil {
		return 2
	}
	if *out == "" {
		return e.errorf("render: --out DIR is required")
	}
	var w, h int
	if _, err := fmt.Sscanf(strings.ToLower(*size), "%dx%d", &w, &h); err != nil || w < 320 || h < 240 || w > 8192 || h > 8192 {
		return e.errorf("render: --size %q is not WxH between 320x240 and 8192x8192 (e.g. 1920x1080)", *size)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return e.errorf("render: %v", err)
	}
	eng, cleanup, err := cf.open(ctx, e, *offline)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return 1
	}
	defer cleanup()
	if !*offline {
		eng.RefreshOnce(ctx)
	}
	// A headless app: the software renderer measures text through the
	// current app's theme, and the test driver runs fyne.Do inline.
	a := test.NewApp()
	defer a.Quit()
	th, logo := theme(eng.Config, func(msg string, args ...any) { fmt.Fprintln(e.stderr, "warning:", msg, fmt.Sprint(args...)) })
	player := engine.NewPlayer(eng, nil, logo)
	now := time.Now()
	r := eng.Report(now)
	chrome := player.Chrome(r, now)

	write := func(name string, item playlist.Item) error {
		img := ui.Render(player.Build(ctx, item, r, now), chrome, th, w, h)
		return writePNG(filepath.Join(*out, name), img)
	}
	// Fyne's test driver treats the main goroutine as foreign and would run
	// drawing calls asynchronously there; any other goroutine draws inline.
	var files []string
	var rerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		files, rerr = renderAll(r, write)
	}()
	<-done
	if rerr != nil {
		return e.errorf("render: %v", rerr)
	}
	for _, f := range files {
		fmt.Fprintln(e.stdout, filepath.Join(*out, f))
	}
	return 0
}

// nonSlug is what a file name drops: letters of any script stay, so
// "Ελένη Παπαδάκη" names her file as well as "Ana Lima" does.
var nonSlug = regexp.MustCompile(`[^\p{L}\p{N}]+`)

func slug(s string) string {
	s = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "post"
	}
	return s
}

func writePNG(path string, img image.Image) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// renderAll writes every shown post (up to maxRenderedPosts), every wins
// slide (wins.png, or wins-1.png, wins-2.png… when the metrics need more
// than one), the leaderboard and the welcome slide, and returns the file
// names.
func renderAll(r content.Report, write func(name string, item playlist.Item) error) ([]string, error) {
	var files []string
	for i, p := range r.Shown() {
		if i >= maxRenderedPosts {
			break
		}
		name := fmt.Sprintf("post-%02d-%s.png", i+1, slug(p.Author.Name))
		if err := write(name, playlist.Item{Kind: playlist.Post, PostID: p.ID}); err != nil {
			return nil, err
		}
		files = append(files, name)
	}
	items := map[string]playlist.Item{}
	names := []string{}
	if pages := slide.WinsPages(len(r.Wins)); pages > 1 {
		for page := range pages {
			name := fmt.Sprintf("wins-%d.png", page+1)
			items[name], names = playlist.Item{Kind: playlist.Wins, Page: page}, append(names, name)
		}
	} else {
		items["wins.png"], names = playlist.Item{Kind: playlist.Wins}, append(names, "wins.png")
	}
	for _, k := range []playlist.Kind{playlist.Leaderboard, playlist.Welcome} {
		name := string(k) + ".png"
		items[name], names = playlist.Item{Kind: k}, append(names, name)
	}
	for _, name := range names {
		if err := write(name, items[name]); err != nil {
			return nil, err
		}
		files = append(files, name)
	}
	return files, nil
}
