package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"lobbykiosk/kiosk/admin"
	"lobbykiosk/kiosk/config"
)

func init() {
	register(command{name: "admin", usage: "admin set-password [--config FILE]", run: runAdmin})
}

func runAdmin(_ context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] != "set-password" {
		fmt.Fprintf(e.stderr, "Usage: lobbykiosk %s\n", commands["admin"].usage)
		fmt.Fprintln(e.stderr, "  set-password  asks for the admin page's password twice and writes its hash into the config")
		if len(args) == 0 {
			return 2
		}
		return e.errorf("admin: unknown subcommand %q; use set-password", args[0])
	}
	fs := newFlags("admin", e)
	path := fs.String("config", config.DefaultPath, "config file")
	if fs.Parse(args[1:]) != nil {
		return 2
	}
	if fs.NArg() > 0 {
		return e.errorf("admin set-password takes no arguments: it asks for the password (a password on the command line would end up in the shell history)")
	}
	// Before asking: typing a password twice for a file that is not there
	// wastes the person's time.
	if _, err := os.Stat(*path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return e.errorf("config %s does not exist (copy packaging/kiosk.example.toml there, or pass --config FILE)", *path)
		}
		return e.errorf("config %s: %v", *path, err)
	}
	pw, err := readNewPassword(e)
	if err != nil {
		return e.errorf("admin set-password: %v; nothing was changed", err)
	}
	hash, err := admin.HashPassword(pw)
	if err != nil {
		return e.errorf("admin set-password: %v; nothing was changed", err)
	}
	if err := admin.SetPasswordHash(*path, hash); err != nil {
		return e.errorf("admin set-password: %v", err)
	}
	fmt.Fprintf(e.stdout, "Admin password set in %s. Restart the kiosk for the admin page to use it (lobbykiosk service restart).\n", *path)
	return 0
}

// readNewPassword asks twice without echo on a terminal; otherwise (a script,
// a pipe, a test) it reads two lines from standard input.
func readNewPassword(e *env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		ask := func(prompt string) (string, error) {
			fmt.Fprint(e.stderr, prompt)
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(e.stderr)
			return string(b), err
		}
		a, err := ask(fmt.Sprintf("New admin password (at least %d characters): ", admin.MinPasswordLength))
		if err != nil {
			return "", err
		}
		b, err := ask("The same password again: ")
		if err != nil {
			return "", err
		}
		return same(a, b)
	}
	r := bufio.NewReader(e.stdin)
	a, errA := readLine(r)
	b, errB := readLine(r)
	if errA != nil || errB != nil {
		return "", errors.New("expected the new password twice, on two lines of standard input")
	}
	return same(a, b)
}

func same(a, b string) (string, error) {
	if a != b {
		return "", errors.New("the two passwords differ")
	}
	return a, nil
}

// readLine returns one line without its line ending; a last line without
// one counts.
func readLine(r *bufio.Reader) (string, error) {
	s, err := r.ReadString('\n')
	if err == io.EOF && s != "" {
		err = nil
	}
	return strings.TrimRight(s, "\r\n"), err
}
