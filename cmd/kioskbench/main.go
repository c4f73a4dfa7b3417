// Command kioskbench measures lobbykiosk side by side with what a lobby
// screen usually runs instead: Chromium in kiosk mode showing the same
// content as a web page (see shared/bench/README.md for the baseline and
// method). Each side runs under its own Xvfb at 1920×1080×24, in turn, for a
// few rounds; the benchmark records the time to the first frame with
// content, the CPU of the whole process tree over a fixed window and its
// summed PSS, then prints the medians and their ratios. --soak instead runs
// the kiosk at accelerated timing for thousands of slides and prints its
// memory curve. --soak-feeds runs `lobbykiosk run` for a given time against
// feeds it serves itself, which keep changing (new posts with new photos,
// new avatars, changing wins and leaderboard), with a small state_dir cap,
// and prints the memory and disk curve: whether memory stays flat and the
// disk stops at its cap.
//
// It installs nothing: missing tools are named with their Debian packages
// and it exits 2. The machine is usually shared, so figures are only
// comparable within one run, as ratios.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Exit codes: 1 the benchmark could not be run or a run failed; 2 bad
// usage or missing tools.
const (
	exitFail  = 1
	exitUsage = 2
)

// options are the command line.
type options struct {
	kiosk          string
	stockFyne      bool
	rounds         int
	settle, window time.Duration
	idle           time.Duration
	quick          bool
	soak           int
	soakScale      float64
	soakFade       float64
	soakEvery      time.Duration
	soakFeeds      time.Duration
	soakChurn      time.Duration
	soakCapMB      int
	soakTable      time.Duration
	threshold      float64
	shots          string
	keep           bool
	page           string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("kioskbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.kiosk, "kiosk", "", "lobbykiosk binary to measure (default: build ./cmd/lobbykiosk as the .deb does, with the Fyne patch)")
	fs.BoolVar(&o.stockFyne, "stock-fyne", false, "build the kiosk with Fyne as it is, without packaging/fynepatch")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds; each runs both sides, alternating which goes first")
	fs.DurationVar(&o.settle, "settle", 15*time.Second, "wait after the first frame before measuring")
	fs.DurationVar(&o.window, "window", 120*time.Second, "measuring window")
	fs.DurationVar(&o.idle, "idle", 60*time.Second, "after each run, measure the same side this long with one slide held on screen (0: skip)")
	fs.BoolVar(&o.quick, "quick", false, "one round, settle 5s, window 20s, idle 20s (flags given explicitly still win)")
	fs.IntVar(&o.soak, "soak", 0, "instead of the comparison: run the kiosk at accelerated timing for N slides and print its memory curve")
	fs.Float64Var(&o.soakScale, "soak-scale", 0.01, "slide-scale for --soak")
	fs.Float64Var(&o.soakFade, "soak-fade", -1, "transition seconds for --soak: -1 runs `lobbykiosk demo` as it is (0.6 s fade); "+
		"0 or more runs the demo's config with that fade (0 = cut), so each accelerated slide is really drawn")
	fs.DurationVar(&o.soakEvery, "soak-every", 5*time.Second, "sampling interval for --soak (--soak-feeds: default 10s)")
	fs.DurationVar(&o.soakFeeds, "soak-feeds", 0, "instead of the comparison: run `lobbykiosk run` this long (e.g. 20m) against changing feeds served here, "+
		"and print its memory and state_dir curve (--soak-scale default 0.2 here)")
	fs.DurationVar(&o.soakChurn, "soak-churn", 12*time.Second, "--soak-feeds: each posts feed gains a post (and drops its oldest) this often")
	fs.IntVar(&o.soakCapMB, "soak-cap-mb", 32, "--soak-feeds: the kiosk's state_dir_max_mb")
	fs.DurationVar(&o.soakTable, "soak-table", 2*time.Minute, "--soak-feeds: the summary's table has a row this often")
	fs.Float64Var(&o.threshold, "threshold", 200, "luminance variance above which a screen counts as showing content")
	fs.StringVar(&o.shots, "shots", "", "folder to save each run's first content frame and last frame in (PNG)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary folder (binary, page, logs)")
	fs.StringVar(&o.page, "page", "", "only write the Chromium side's page (index.html#N shows slide N alone) into this folder, and exit")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.quick {
		if !set["rounds"] {
			o.rounds = 1
		}
		if !set["settle"] {
			o.settle = 5 * time.Second
		}
		if !set["window"] {
			o.window = 20 * time.Second
		}
		if !set["idle"] {
			o.idle = 20 * time.Second
		}
	}
	if o.soakFeeds > 0 {
		// Real slides, not a blur: 2 s a post, so each photo is decoded and
		// drawn, and a sample every 10 s sees a different screen.
		if !set["soak-scale"] {
			o.soakScale = 0.2
		}
		if !set["soak-every"] {
			o.soakEvery = 10 * time.Second
		}
	}
	switch {
	case o.soak > 0 && o.soakFeeds > 0:
		return o, fmt.Errorf("--soak and --soak-feeds: one soak at a time")
	case o.soakFeeds < 0:
		return o, fmt.Errorf("--soak-feeds %s: must not be negative", o.soakFeeds)
	case o.soakChurn < time.Second:
		return o, fmt.Errorf("--soak-churn %s: at least 1s", o.soakChurn)
	case o.soakCapMB < 16:
		return o, fmt.Errorf("--soak-cap-mb %d: the kiosk accepts at least 16", o.soakCapMB)
	case o.soakTable <= 0:
		return o, fmt.Errorf("--soak-table %s: must be positive", o.soakTable)
	case o.rounds < 1:
		return o, fmt.Errorf("--rounds %d: at least 1", o.rounds)
	case o.window <= 0:
		return o, fmt.Errorf("--window %s: must be positive", o.window)
	case o.idle < 0:
		return o, fmt.Errorf("--idle %s: must not be negative", o.idle)
	case o.settle < 0:
		return o, fmt.Errorf("--settle %s: must not be negative", o.settle)
	case o.soak < 0:
		return o, fmt.Errorf("--soak %d: must not be negative", o.soak)
	case o.soakScale <= 0:
		return o, fmt.Errorf("--soak-scale %g: must be positive", o.soakScale)
	case o.soakFade > 3:
		return o, fmt.Errorf("--soak-fade %g: the kiosk accepts 0 to 3 seconds", o.soakFade)
	case o.soakEvery <= 0:
		return o, fmt.Errorf("--soak-every %s: must be positive", o.soakEvery)
	}
	return o, nil
}

// tool is a program the benchmark needs and the Debian package holding it.
type tool struct{ bin, pkg string }

// missingTools returns the tools look cannot find.
func missingTools(need []tool, look func(string) (string, error)) []tool {
	var out []tool
	for _, t := range need {
		if _, err := look(t.bin); err != nil {
			out = append(out, t)
		}
	}
	return out
}

// missingMessage says what is missing and how to install it, in one line.
func missingMessage(missing []tool) string {
	var names, pkgs []string
	seen := map[string]bool{}
	for _, t := range missing {
		names = append(names, fmt.Sprintf("%s (Debian package %s)", t.bin, t.pkg))
		if !seen[t.pkg] {
			seen[t.pkg] = true
			pkgs = append(pkgs, t.pkg)
		}
	}
	return fmt.Sprintf("kioskbench: missing %s; install with: apt-get install -y %s", strings.Join(names, ", "), strings.Join(pkgs, " "))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, stderr)
	if err != nil {
		if err != flag.ErrHelp {
			fmt.Fprintf(stderr, "kioskbench: %v\n", err)
		}
		return exitUsage
	}
	var need []tool
	if o.page == "" {
		need = []tool{{"Xvfb", "xvfb"}, {"import", "imagemagick"}}
	}
	if o.soak == 0 && o.soakFeeds == 0 && o.page == "" {
		need = append([]tool{{"chromium", "chromium"}}, need...)
	}
	if o.kiosk == "" {
		need = append(need, tool{"go", "golang-go"})
	}
	if missing := missingTools(need, exec.LookPath); len(missing) > 0 {
		fmt.Fprintln(stderr, missingMessage(missing))
		return exitUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	b, err := newBench(ctx, o, log)
	if err != nil {
		fmt.Fprintf(stderr, "kioskbench: %v\n", err)
		return exitFail
	}
	defer b.Close()
	switch {
	case o.page != "":
		fmt.Fprintf(stdout, "page written: %s\n", filepath.Join(o.page, "index.html"))
	case o.soak > 0:
		err = b.soak(ctx, stdout, o.soak)
	case o.soakFeeds > 0:
		err = b.soakFeeds(ctx, stdout, o.soakFeeds)
	default:
		err = b.compare(ctx, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kioskbench: %v\n", err)
		return exitFail
	}
	return 0
}
