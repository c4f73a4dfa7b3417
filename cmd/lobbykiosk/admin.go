package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/admin"
	"lobbykiosk/kiosk/config"
)

func init() {
	register(command{name: "admin", usage: "admin [status|set-password [--moderator NAME]|remove-moderator NAME] [--config FILE]", run: runAdmin})
}

func runAdmin(ctx context.Context, e *env, args []string) int {
	sub := "status"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "status", "set-password", "remove-moderator":
	default:
		fmt.Fprintf(e.stderr, "Usage: lobbykiosk %s\n", commands["admin"].usage)
		fmt.Fprintln(e.stderr, "  status            (the default) where the admin page is, its certificate's fingerprint, where its password is kept; on the hub, its moderators")
		fmt.Fprintln(e.stderr, "  set-password      asks for the admin page's password twice and writes its hash to the password file;")
		fmt.Fprintln(e.stderr, "                    with --moderator NAME, the password of one of the hub's moderators (added if new)")
		fmt.Fprintln(e.stderr, "  remove-moderator  takes a moderator off the hub's console (their sessions end at once)")
		return e.errorf("admin: unknown subcommand %q; use status, set-password or remove-moderator", sub)
	}
	fs := newFlags("admin "+sub, e)
	path := fs.String("config", config.DefaultPath, "config file")
	moderatorFlag := ""
	if sub == "set-password" {
		fs.StringVar(&moderatorFlag, "moderator", "", "on the fleet's hub: set this moderator's password (the moderator is added if new)")
	}
	pos, err := parseAnywhere(fs, args)
	if err != nil {
		return 2
	}
	switch {
	case sub == "remove-moderator" && len(pos) != 1:
		return e.errorf("admin remove-moderator needs the moderator's name (quote it if it has spaces)")
	case sub == "set-password" && len(pos) > 0:
		return e.errorf("admin set-password takes no arguments: it asks for the password (a password on the command line would end up in the shell history)")
	case sub == "status" && len(pos) > 0:
		return e.errorf("admin status takes no arguments")
	}
	// Before asking: typing a password twice for a config that is not
	// there or is broken wastes the person's time.
	if _, err := os.Stat(*path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return e.errorf("config %s does not exist (copy packaging/kiosk.example.toml there, or pass --config FILE)", *path)
		}
		return e.errorf("config %s: %v", *path, err)
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return e.errorf("admin %s: fix the config first (lobbykiosk check --config %s)", sub, *path)
	}
	switch {
	case sub == "status":
		return adminStatus(e, cfg)
	case sub == "remove-moderator":
		return removeModerator(e, cfg, pos[0])
	case moderatorFlag != "":
		return setModeratorPassword(e, cfg, moderatorFlag)
	}
	return setPassword(e, cfg, *path)
}

// hubConfig refuses a kiosk's config for what only the hub has.
func hubConfig(e *env, cfg *config.Config, what string) bool {
	if cfg.Hub.Listen != "" {
		return true
	}
	e.errorf("%s: %s is a kiosk's config; moderators are the fleet hub's (pass --config with the hub's, /etc/lobbykiosk/hub.toml)", what, cfg.Path)
	return false
}

func setModeratorPassword(e *env, cfg *config.Config, name string) int {
	name = strings.TrimSpace(name)
	if !hubConfig(e, cfg, "admin set-password --moderator") {
		return 1
	}
	if err := admin.CheckModeratorName(name); err != nil {
		return e.errorf("admin set-password --moderator: %v; nothing was changed", err)
	}
	pw, err := readNewPassword(e)
	if err != nil {
		return e.errorf("admin set-password --moderator: %v; nothing was changed", err)
	}
	hash, err := admin.HashPassword(pw, cfg.Name, name)
	if err != nil {
		return e.errorf("admin set-password --moderator: %v; nothing was changed", err)
	}
	file := cfg.Hub.ModeratorsFile
	added, err := admin.SetModerator(file, name, hash)
	if err != nil {
		return e.errorf("admin set-password --moderator: %v; run it as root (sudo) or as the hub's user", err)
	}
	what := "password changed"
	if added {
		what = "added"
	}
	fmt.Fprintf(e.stdout, "Moderator %s %s: the hashes are in %s (readable by the hub's user only).\n", name, what, file)
	fmt.Fprintln(e.stdout, "The running hub reads the file again within a second: no restart needed.")
	return 0
}

func removeModerator(e *env, cfg *config.Config, name string) int {
	if !hubConfig(e, cfg, "admin remove-moderator") {
		return 1
	}
	removed, err := admin.RemoveModerator(cfg.Hub.ModeratorsFile, strings.TrimSpace(name))
	switch {
	case err != nil:
		return e.errorf("admin remove-moderator: %v; run it as root (sudo) or as the hub's user", err)
	case !removed:
		names, _ := admin.ModeratorNames(cfg.Hub.ModeratorsFile)
		return e.errorf("admin remove-moderator: there is no moderator %q (the moderators are: %s)", name, strings.Join(names, ", "))
	}
	fmt.Fprintf(e.stdout, "Moderator %s removed from %s: their sessions on the console end at their next click.\n", name, cfg.Hub.ModeratorsFile)
	return 0
}

func setPassword(e *env, cfg *config.Config, path string) int {
	pw, err := readNewPassword(e)
	if err != nil {
		return e.errorf("admin set-password: %v; nothing was changed", err)
	}
	hash, err := admin.HashPassword(pw, cfg.Name)
	if err != nil {
		return e.errorf("admin set-password: %v; nothing was changed", err)
	}
	file := cfg.Admin.PasswordFile
	if err := admin.WritePasswordFile(file, hash); err != nil {
		return e.errorf("admin set-password: %v; run it as root (sudo) or as the kiosk's user", err)
	}
	fmt.Fprintf(e.stdout, "Admin password set: its hash is in %s (readable by the kiosk's user only).\n", file)
	// An older version kept the hash in the config, which others may
	// read: it goes once the file holds the new one.
	removed, err := admin.RemovePasswordHash(path)
	switch {
	case err != nil:
		fmt.Fprintf(e.stderr, "warning: %v; the old password_hash there is ignored now, but others may read it\n", err)
	case removed:
		fmt.Fprintf(e.stdout, "The old password_hash line was removed from %s.\n", path)
	}
	fmt.Fprintln(e.stdout, "Restart the kiosk for the admin page to use it (lobbykiosk service restart).")
	return 0
}

// adminStatus prints where the page is, how a browser recognises it, and
// where its password is kept.
func adminStatus(e *env, cfg *config.Config) int {
	a := cfg.Admin
	out := e.stdout
	if cfg.Hub.Listen != "" {
		return consoleStatus(e, cfg)
	}
	fmt.Fprintf(out, "Admin page of %q (config %s)\n", cfg.Name, cfg.Path)
	if a.Listen == "" {
		fmt.Fprintln(out, "  It is off: set [admin] listen (\"127.0.0.1:8080\" on this machine, \"0.0.0.0:8443\" for the LAN).")
		printPassword(out, cfg)
		return 0
	}
	scheme := "http"
	if admin.UsesTLS(a) {
		scheme = "https"
	}
	for _, u := range adminURLs(scheme, a.Listen) {
		fmt.Fprintf(out, "  Address:     %s\n", u)
	}
	if scheme == "https" {
		fp, file, err := admin.ReadFingerprint(cfg)
		made := false
		if err == nil && fp == "" {
			// Not made yet (the kiosk makes it at its first start): made
			// here, for the kiosk's user, so it can be checked now.
			var c *admin.Certificate
			if c, err = admin.LoadCertificate(cfg); err == nil {
				fp, file, made = c.Fingerprint, c.File, true
			}
		}
		switch {
		case err != nil:
			fmt.Fprintf(out, "  Certificate: %v\n", err)
		default:
			kind := "your own"
			if a.CertFile == "" {
				kind = "self-signed, made by the kiosk"
				if made {
					kind = "self-signed, made just now"
				}
			}
			fmt.Fprintf(out, "  Certificate: %s (%s)\n", kind, file)
			fmt.Fprintf(out, "               SHA-256 %s\n", fp)
			if a.CertFile == "" {
				fmt.Fprintln(out, "               A browser warns once about a self-signed certificate: go on only if the")
				fmt.Fprintln(out, "               SHA-256 fingerprint it shows (click the address bar's icon) is this one.")
			}
		}
	} else {
		fmt.Fprintln(out, "  Plain HTTP: only for this machine or behind a TLS proxy ([admin] tls).")
	}
	printPassword(out, cfg)
	if a.MetricsToken != "" {
		fmt.Fprintln(out, "  /metrics:    a signed-in browser, or a scraper sending [admin] metrics_token as a bearer token")
	} else {
		fmt.Fprintln(out, "  /metrics:    a signed-in browser only (set [admin] metrics_token for a scraper)")
	}
	if len(a.TrustedProxies) > 0 {
		fmt.Fprintf(out, "  Proxies:     X-Forwarded-For and -Proto believed from %s\n", strings.Join(a.TrustedProxies, ", "))
	}
	return 0
}

// consoleStatus prints where the hub's moderation console is and who may
// sign in to it.
func consoleStatus(e *env, cfg *config.Config) int {
	out := e.stdout
	fmt.Fprintf(out, "Moderation console of the hub %q (config %s)\n", cfg.Name, cfg.Path)
	addr := cfg.Hub.URL
	if addr == "" {
		addr = strings.Join(adminURLs("http", cfg.Hub.Listen), ", ")
	}
	fmt.Fprintf(out, "  Address:     %s (on [hub] listen, with the Fleet page)\n", addr)
	names, err := admin.ModeratorNames(cfg.Hub.ModeratorsFile)
	switch {
	case err != nil:
		fmt.Fprintf(out, "  Moderators:  %v\n", err)
	case len(names) == 0:
		fmt.Fprintf(out, "  Moderators:  none yet; add one with `sudo lobbykiosk admin set-password --moderator NAME --config %s`\n", cfg.Path)
	default:
		fmt.Fprintf(out, "  Moderators:  %s; hashes in %s%s\n", strings.Join(names, ", "), cfg.Hub.ModeratorsFile, describeFile(cfg.Hub.ModeratorsFile))
	}
	if _, err := admin.LoadPassword(cfg); err == nil {
		fmt.Fprintln(out, "  admin:       the admin password also signs in, as \"admin\"")
	}
	fmt.Fprintf(out, "  Audit log:   %s\n", filepath.Join(cfg.StateDir, moderate.AuditKey))
	return 0
}

func printPassword(out io.Writer, cfg *config.Config) {
	pw, err := admin.LoadPassword(cfg)
	switch {
	case err != nil:
		fmt.Fprintf(out, "  Password:    %v\n", err)
	case pw.File != "":
		fmt.Fprintf(out, "  Password:    set; its hash is in %s%s\n", pw.File, describeFile(pw.File))
	default:
		fmt.Fprintf(out, "  Password:    set, but in the config\n")
	}
	if err == nil && pw.Warning != "" {
		fmt.Fprintf(out, "               %s\n", pw.Warning)
	}
}

// adminURLs are the addresses a browser can use for listen: each of the
// machine's addresses when it listens on all of them.
func adminURLs(scheme, listen string) []string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return []string{scheme + "://" + listen + "/"}
	}
	ip, perr := netip.ParseAddr(host)
	if host != "" && (perr != nil || !ip.IsUnspecified()) {
		return []string{scheme + "://" + net.JoinHostPort(host, port) + "/"}
	}
	var out []string
	if h, err := os.Hostname(); err == nil {
		out = append(out, scheme+"://"+net.JoinHostPort(strings.TrimSuffix(h, ".local")+".local", port)+"/")
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		p, err := netip.ParsePrefix(a.String())
		if err != nil || p.Addr().IsLoopback() || p.Addr().IsLinkLocalUnicast() {
			continue
		}
		out = append(out, scheme+"://"+net.JoinHostPort(p.Addr().Unmap().String(), port)+"/")
	}
	return out
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
		a, err := ask(fmt.Sprintf("New admin password (at least %d characters, not a common one): ", admin.MinPasswordLength))
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
