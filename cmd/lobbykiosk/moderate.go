package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/hub"
)

func init() {
	register(command{
		name:  "moderate",
		usage: "moderate list [--pending] [--json] | approve|reject|pin|unpin|revoke ID [--until TIME] [--site NAME]... [--config FILE]",
		run:   runModerate,
	})
}

// untilLayout is the short form --until accepts, read in the kiosk's zone.
const untilLayout = "2006-01-02 15:04"

func runModerate(ctx context.Context, e *env, args []string) int {
	fs := newFlags("moderate", e)
	path := fs.String("config", config.DefaultPath, "config file")
	pending := fs.Bool("pending", false, "list: only posts waiting for approval")
	asJSON := fs.Bool("json", false, "list: print JSON")
	untilFlag := fs.String("until", "", `pin: until TIME, RFC 3339 or "2006-01-02 15:04" in the kiosk's time zone`)
	var sites []string
	fs.Func("site", "approve, pin: for this site only (on the fleet's hub; repeat for several)", func(s string) error {
		if s = strings.TrimSpace(s); s == "" {
			return fmt.Errorf("empty site name")
		}
		sites = append(sites, s)
		return nil
	})
	pos, err := parseAnywhere(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) == 0 {
		fs.Usage()
		return 2
	}
	action, ids := pos[0], pos[1:]
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	switch action {
	case "list":
		if len(ids) > 0 {
			return usageError(e, fs, "list takes no post ID")
		}
		if set["until"] || set["site"] {
			return usageError(e, fs, "--until goes with pin, --site with approve and pin")
		}
	case "approve", "reject", "pin", "unpin", "revoke":
		if len(ids) != 1 {
			return usageError(e, fs, fmt.Sprintf("%s needs one post ID (see `lobbykiosk moderate list`)", action))
		}
		if set["pending"] || set["json"] {
			return usageError(e, fs, "--pending and --json go with list")
		}
		if set["until"] && action != "pin" {
			return usageError(e, fs, "--until goes with pin")
		}
		if set["site"] && action != "pin" && action != "approve" {
			return usageError(e, fs, "--site goes with approve and pin")
		}
	default:
		return usageError(e, fs, fmt.Sprintf("%q is not a moderate action; one of list, approve, reject, pin, unpin, revoke", action))
	}

	cfg, err := e.loadConfig(*path)
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return 1
	}
	// A user who may not write the kiosk's state gets nowhere (its files
	// are the kiosk user's, mode 0600): say whom to run it as, up front.
	if action != "list" {
		if hint := runAsOwner(notWritable(cfg.StateDir), cfg.StateDir, args); hint != "" {
			return e.errorf("%s is not yours to change%s", cfg.StateDir, hint)
		}
	}
	// Not OpenScratch: a decision written to a throwaway directory would be
	// lost without a word. Moderation needs the kiosk's own state_dir.
	eng, err := engine.Open(cfg, engine.Options{Version: version, Logger: quietLogger(e.stderr)})
	if err != nil {
		return e.errorf("%v", err)
	}
	for _, p := range eng.Problems {
		fmt.Fprintf(e.stderr, "warning: %s\n", p)
	}
	now := time.Now().In(cfg.Location)
	report := eng.Report(now)

	if action == "list" {
		return listPosts(e, cfg, report, *pending, *asJSON)
	}

	post, err := findPost(report, ids[0])
	if err != nil {
		return e.errorf("%v", err)
	}
	dec := eng.Decisions()
	var until time.Time
	switch action {
	case "approve":
		err = dec.Approve(post.ID, post.Link, sites...)
	case "reject":
		err = dec.Reject(post.ID, post.Link)
	case "revoke":
		err = dec.Revoke(post.ID, post.Link)
	case "pin":
		if *untilFlag != "" {
			if until, err = parseUntil(*untilFlag, cfg.Location, now); err != nil {
				return e.errorf("%v", err)
			}
		}
		err = dec.Pin(post.ID, post.Link, until, sites...)
	case "unpin":
		d, ok := dec.Lookup(post.ID, post.Link)
		if !ok || d.Action != moderate.ActionPin {
			return e.errorf("post %s is not pinned (it is %s: %s)", post.ID, post.Status, post.Reason)
		}
		// The pin may be recorded under an earlier ID of the same post.
		err = dec.Unpin(d.ID)
	}
	if err != nil {
		return e.errorf("%s %s: %v%s", action, post.ID, err, runAsOwner(err, cfg.StateDir, args))
	}
	if cfg.Hub.Listen != "" {
		// On the hub, every decision goes to the audit log, the console's
		// and the CLI's alike.
		if err := moderate.OpenAudit(eng.Store).Record(moderate.Entry(cliActor(), action, post.Post, sites, until)); err != nil {
			return e.errorf("%s %s: the decision is saved and takes effect, but %v%s", action, post.ID, err, runAsOwner(err, cfg.StateDir, args))
		}
	}

	after, _ := findPost(eng.Report(now), post.ID)
	fmt.Fprintf(e.stdout, "%s: %s (%s)\n", post.ID, after.Status, after.Reason)
	if (action == "approve" || action == "pin") && after.Status != moderate.Shown {
		what := map[string]string{"approve": "approval", "pin": "pin"}[action]
		fmt.Fprintf(e.stdout, "note: the %s is kept, but %s keeps the post off screen (policy wins over an approval)\n", what, after.Reason)
	}
	if cfg.Hub.Listen != "" {
		fmt.Fprintf(e.stdout, "The running hub publishes this within %s; every kiosk has it within %s and shows it at its next slide.\n",
			hub.DefaultTick, cfg.Hub.Refresh.Duration)
	} else {
		fmt.Fprintln(e.stdout, "The running kiosk picks this up at its next slide.")
	}
	return 0
}

func usageError(e *env, fs *flag.FlagSet, msg string) int {
	fmt.Fprintf(e.stderr, "lobbykiosk moderate: %s\n", msg)
	fs.Usage()
	return 2
}

// parseAnywhere parses flags placed before, between or after the positional
// arguments: people type `moderate pin abc123 --until "…"`, and Go's flag
// package alone stops at the first non-flag.
func parseAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// findPost finds a cached post by its ID, or by a prefix of it that only one
// post has (IDs are long hashes; people copy the start).
func findPost(r content.Report, id string) (content.Post, error) {
	var hits []content.Post
	for _, p := range r.Posts {
		if p.ID == id {
			return p, nil
		}
		if len(id) >= 4 && strings.HasPrefix(p.ID, id) {
			hits = append(hits, p)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return content.Post{}, fmt.Errorf("no post with ID %s in the cache; run `lobbykiosk moderate list` to see IDs", id)
	}
	ids := make([]string, len(hits))
	for i, p := range hits {
		ids[i] = p.ID
	}
	return content.Post{}, fmt.Errorf("%s could be any of %s; give more of the ID", id, strings.Join(ids, ", "))
}

// parseUntil reads --until as RFC 3339, or as "2006-01-02 15:04" in the
// kiosk's zone (what the person sees on the screen's clock).
func parseUntil(s string, loc *time.Location, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.ParseInLocation(untilLayout, s, loc)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("--until %q is not a time: use %q (kiosk time, %s) or RFC 3339 (%q)",
			s, now.Add(24*time.Hour).Format(untilLayout), loc, now.Add(24*time.Hour).Format(time.RFC3339))
	}
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("--until %s is in the past (it is now %s)", t.In(loc).Format(untilLayout), now.Format(untilLayout))
	}
	return t, nil
}

func listPosts(e *env, cfg *config.Config, r content.Report, pendingOnly, asJSON bool) int {
	posts := make([]content.Post, 0, len(r.Posts))
	for _, p := range r.Posts {
		if !pendingOnly || p.Status == moderate.Pending {
			posts = append(posts, p)
		}
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(posts); err != nil {
			return e.errorf("%v", err)
		}
		return 0
	}
	switch {
	case len(r.Posts) == 0:
		fmt.Fprintf(e.stdout, "No posts in the cache in %s yet: the kiosk has not fetched its sources, or runs with another state_dir.\n", cfg.StateDir)
		return 0
	case len(posts) == 0:
		fmt.Fprintf(e.stdout, "No posts waiting for approval (%d posts in the cache).\n", len(r.Posts))
		return 0
	}
	printPosts(e.stdout, posts)
	return 0
}

func printPosts(w io.Writer, posts []content.Post) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tREASON\tAUTHOR\tSOURCE\tTEXT")
	for _, p := range posts {
		status := string(p.Status)
		switch {
		case p.Pinned && len(p.PinnedSites) > 0:
			status += " (pinned at " + strings.Join(p.PinnedSites, ", ") + ")"
		case p.Pinned:
			status += " (pinned)"
		}
		if len(p.Sites) > 0 {
			status += " for " + strings.Join(p.Sites, ", ") + " only"
		}
		author := p.Author.Name
		if author == "" {
			author = p.Author.Handle
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, status, p.Reason, author, p.Source, clip(p.Text, 60))
	}
	tw.Flush()
}

// cliActor is who decides at the command line, for the audit log:
// "cli:alice", or "cli:alice (as lobbykiosk)" when alice runs it through
// sudo as another user.
func cliActor() string {
	me := strconv.Itoa(os.Getuid())
	if u, err := user.Current(); err == nil {
		me = u.Username
	}
	if by := strings.TrimSpace(os.Getenv("SUDO_USER")); by != "" && by != me {
		return "cli:" + by + " (as " + me + ")"
	}
	return "cli:" + me
}

// runAsOwner is the advice for a decision this user may not write: the
// state directory is the kiosk's user's, so run the command as that user.
func runAsOwner(err error, stateDir string, args []string) string {
	if !errors.Is(err, fs.ErrPermission) {
		return ""
	}
	fi, serr := os.Stat(stateDir)
	if serr != nil {
		return ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	name := strconv.FormatUint(uint64(st.Uid), 10)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	return fmt.Sprintf("; run it as the kiosk's user: sudo -u %s lobbykiosk moderate %s", name, strings.Join(args, " "))
}

// notWritable is fs.ErrPermission when this user may not write into dir
// (root may), else nil.
func notWritable(dir string) error {
	const wOK = 2
	if err := syscall.Access(dir, wOK); errors.Is(err, syscall.EACCES) {
		return fs.ErrPermission
	}
	return nil
}
