// Command lobbykiosk is the lobby display appliance: the kiosk itself, its
// demo, and the tools around it (check, content, render, moderate, service).
// This package only wires: flags and subcommands over kiosk/ and feeds/.
package main

import (
	_ "lobbykiosk/kiosk/locale/posixenv" // before Fyne reads the locale

	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	_ "time/tzdata" // display hours need zone rules even on a minimal image

	"lobbykiosk/kiosk/config"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "0.1.0-dev"

// command is one subcommand; each lives in its own file and registers itself.
type command struct {
	name  string
	usage string // one line, after "lobbykiosk "
	run   func(ctx context.Context, e *env, args []string) int
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// env is what a command may touch of the outside world, so tests can run
// commands in-process with their own streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (e *env) errorf(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "lobbykiosk: "+format+"\n", args...)
	return 1
}

// loadConfig reads and checks the config, printing warnings.
func (e *env) loadConfig(path string) (*config.Config, error) {
	c, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	for _, w := range c.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	return c, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "lobbykiosk: unknown command %q\n\n", args[0])
		usage(e.stderr)
		return 2
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "lobbykiosk: the office lobby display.\n\nUsage:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  lobbykiosk %s\n", commands[n].usage)
	}
	fmt.Fprintln(w, "\nThe config defaults to "+config.DefaultPath+".")
}

func init() {
	register(command{name: "version", usage: "version", run: func(_ context.Context, e *env, _ []string) int {
		fmt.Fprintf(e.stdout, "lobbykiosk %s\n", version)
		return 0
	}})
	register(command{name: "check", usage: "check [--config FILE]", run: runCheck})
}

func runCheck(ctx context.Context, e *env, args []string) int {
	fs := newFlags("check", e)
	path := fs.String("config", config.DefaultPath, "config file")
	if fs.Parse(args) != nil {
		return 2
	}
	c, err := e.loadConfig(*path)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return 1
	}
	// With [fleet] config_url, what runs is the merge with headquarters'
	// file: check pulls it and fails when it is broken.
	if c, err = effectiveConfig(ctx, e, c, false); err != nil {
		fmt.Fprintln(e.stderr, err)
		return 1
	}
	// A hub's site sections are checked as its kiosks will merge them.
	if c.Hub.Listen != "" {
		data, err := os.ReadFile(*path)
		if err == nil {
			err = config.CheckHubSites(c, data)
		}
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			return 1
		}
	}
	kinds := map[string]int{}
	for _, s := range c.Sources {
		kinds[s.Kind]++
	}
	var parts []string
	for _, k := range []string{"posts", "folder", "wins", "leaderboard"} {
		if kinds[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", kinds[k], k))
		}
	}
	summary := "no sources"
	if len(parts) > 0 {
		summary = strings.Join(parts, ", ")
	}
	fmt.Fprintf(e.stdout, "%s: ok (kiosk %q, %s)\n", *path, c.Name, summary)
	return 0
}
