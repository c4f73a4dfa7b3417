package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"lobbykiosk/assets"
	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/fonts"
	"lobbykiosk/kiosk/locale"
)

func init() {
	register(command{name: "content", usage: "content [--config FILE | --demo] [--json] [--offline]", run: runContent})
}

// configFlags are the flags every content-reading command shares.
type configFlags struct {
	path *string
	demo *bool
}

func addConfigFlags(fs interface {
	String(name, value, usage string) *string
	Bool(name string, value bool, usage string) *bool
}) configFlags {
	return configFlags{
		path: fs.String("config", config.DefaultPath, "config file"),
		demo: fs.Bool("demo", false, "use the embedded demo content instead of a config"),
	}
}

// open loads the config (or extracts the demo into a temp dir) and opens its
// engine. The returned func cleans up.
func (f configFlags) open(ctx context.Context, e *env, offline bool) (*engine.Engine, func(), error) {
	path := *f.path
	cleanup := func() {}
	if *f.demo {
		dir, err := os.MkdirTemp("", "lobbykiosk-demo-")
		if err != nil {
			return nil, nil, err
		}
		cleanup = func() { os.RemoveAll(dir) }
		if path, err = assets.ExtractDemoIn(dir, locale.System().Lang()); err != nil {
			cleanup()
			return nil, nil, fmt.Errorf("demo: %w", err)
		}
	}
	cfg, err := e.loadConfig(path)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	if err := fonts.Load(cfg.StateDir); err != nil {
		fmt.Fprintf(e.stderr, "warning: %v\n", err)
	}
	if err := fonts.UseFile(cfg.Theme.Font); err != nil {
		fmt.Fprintf(e.stderr, "warning: %v\n", err)
	}
	// A broken central config is printed; the fallback still shows content.
	if cfg, err = effectiveConfig(ctx, e, cfg, offline); err != nil {
		fmt.Fprintf(e.stderr, "warning: %v\n", err)
	}
	eng, done, err := engine.OpenScratch(cfg, engine.Options{Version: version, Logger: quietLogger(e.stderr)},
		func(w string) { fmt.Fprintf(e.stderr, "warning: %s\n", w) })
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	// A damaged decisions file changes what is shown (rules only): say so,
	// as `moderate` and `run` do.
	for _, p := range eng.Problems {
		fmt.Fprintf(e.stderr, "warning: %s\n", p)
	}
	return eng, func() { done(); cleanup() }, nil
}

func runContent(ctx context.Context, e *env, args []string) int {
	fs := newFlags("content", e)
	cf := addConfigFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object")
	offline := fs.Bool("offline", false, "read only the cache: no network")
	if fs.Parse(args) != nil {
		return 2
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
	r := eng.Report(time.Now())
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return e.errorf("%v", err)
		}
		return 0
	}
	printReport(e.stdout, r, eng.Config.Location)
	return 0
}

func printReport(w io.Writer, r content.Report, loc *time.Location) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "POSTS (%d shown of %d)\n", len(r.Shown()), len(r.Posts))
	fmt.Fprintln(tw, "STATUS\tID\tSOURCE\tAUTHOR\tPUBLISHED\tTEXT\tREASON")
	for _, p := range r.Posts {
		status := string(p.Status)
		if p.Pinned {
			status += " (pinned)"
		}
		published := p.Published.In(loc).Format("2006-01-02 15:04")
		if p.DateUnknown {
			published = "date unknown (first seen " + published + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", status, p.ID, p.Source, p.Author.Name,
			published, clip(p.Text, 50), p.Reason)
	}
	fmt.Fprintf(tw, "\nWINS (%d)\n", len(r.Wins))
	fmt.Fprintln(tw, "LABEL\tVALUE\tPREVIOUS\tUNIT\tPERIOD")
	for _, m := range r.Wins {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Label, plainNumber(m.Value), plainNumber(m.Previous), m.Unit, m.Period)
	}
	title := "LEADERBOARD"
	if r.Computed {
		title += " (computed from posts, " + r.Period + ")"
	}
	fmt.Fprintf(tw, "\n%s (%d)\n", title, len(r.Leaderboard))
	fmt.Fprintln(tw, "RANK\tNAME\tHANDLE\tPOINTS\tCHANGE")
	for _, s := range r.Leaderboard {
		change := fmt.Sprintf("%+d", s.Change)
		if s.Badge != "" {
			change += " (" + s.Badge + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", s.Rank, s.Name, s.Handle, plainNumber(s.Points), change)
	}
	fmt.Fprintf(tw, "\nSOURCES (%d)\n", len(r.Sources))
	fmt.Fprintln(tw, "NAME\tKIND\tSTATE\tITEMS\tFETCHED\tERROR")
	for _, s := range r.Sources {
		state := "ok"
		switch {
		case !s.OK && s.Error != "":
			state = fmt.Sprintf("failing (%d)", s.Failures)
		case s.Degraded != "":
			state = "degraded"
		case s.FromCache:
			state = "cached"
		case !s.OK:
			state = "not fetched"
		}
		fetched := "never"
		if !s.FetchedAt.IsZero() {
			fetched = s.FetchedAt.In(loc).Format("2006-01-02 15:04")
		}
		msg := s.Error + s.Degraded
		for _, warn := range s.Warnings {
			msg = strings.TrimSpace(msg + "; " + warn)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", s.Name, s.Kind, state, s.Items, fetched, strings.TrimPrefix(msg, "; "))
	}
	tw.Flush()
	printReadings(w, r.Sources)
}

// printReadings says per source how its document was read: the encoding,
// items or rows read and skipped (the first few, with their row), and how
// values that could be read two ways were read. It is what the social team
// needs to fix a file.
func printReadings(w io.Writer, sources []feeds.SourceState) {
	fmt.Fprintf(w, "\nREADING\n")
	for _, s := range sources {
		rd := s.Reading
		line := rd.Summary(s.Kind)
		if line == "" {
			fmt.Fprintf(w, "%s: nothing read yet\n", s.Name)
			continue
		}
		if enc := rd.EncodingText(); enc != "" {
			line += "; encoding " + enc
		}
		fmt.Fprintf(w, "%s: %s\n", s.Name, line)
		for _, sk := range rd.SkipLines() {
			fmt.Fprintf(w, "    skipped %s\n", sk)
		}
		for _, c := range rd.Choices {
			fmt.Fprintf(w, "    %s\n", c)
		}
	}
}

// plainNumber writes a number in full, as read: 1234567, not 1.234567e+06.
func plainNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func clip(s string, n int) string {
	r := []rune(strings.ReplaceAll(s, "\n", " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}
