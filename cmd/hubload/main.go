// Command hubload measures one `lobbykiosk hub` under a fleet of simulated
// kiosks. It starts a feed origin (counting its fetches) and the real hub
// binary on this machine, then, for each fleet size, runs N kiosks that do
// what a kiosk does against its hub — a conditional GET of the posts and the
// revocation list every [hub] refresh, of the wins and leaderboard every
// fifth, of fleet.toml every 5 minutes, a heartbeat a minute and a screen
// thumbnail every five — each on its own connection with the fleet token,
// and reports requests per second, latency (p50, p99, max), the hub's CPU
// and memory, and how often the feeds' origin was asked.
//
//	go run ./cmd/hubload                                 # N = 100, 1000, 5000; 60 s each, real time
//	go run ./cmd/hubload --kiosks 5000 --speed 10        # ten times a kiosk's real rates
//	go run ./cmd/hubload --bin ./lobbykiosk --duration 2m
//
// Its last lines are a Markdown table. The hub gets its own process; the
// kiosks share this one, whose CPU is reported too: on a small machine
// both compete for the same cores.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hubload:", err)
		os.Exit(1)
	}
}

type options struct {
	sizes    []int
	duration time.Duration
	warmup   time.Duration
	speed    float64
	bin      string
	refresh  time.Duration
	posts    int
	change   time.Duration
}

// sourceRefresh is how often the hub fetches the origin: a minute, sped up
// like the kiosks (but no faster than the 10 s a source allows).
func (o options) sourceRefresh() time.Duration {
	return max(10*time.Second, time.Duration(float64(time.Minute)/o.speed)).Round(time.Second)
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("hubload", flag.ContinueOnError)
	sizes := fs.String("kiosks", "100,1000,5000", "fleet sizes to simulate, one run each")
	var o options
	fs.DurationVar(&o.duration, "duration", time.Minute, "measured time per fleet size (after the warm-up)")
	fs.DurationVar(&o.warmup, "warmup", 20*time.Second, "time for the fleet to connect and fetch everything once, not measured")
	fs.Float64Var(&o.speed, "speed", 1, "multiply every kiosk's rates (10: ten times as often; the report says so)")
	fs.StringVar(&o.bin, "bin", "", "the lobbykiosk binary (default: built from ./cmd/lobbykiosk)")
	fs.DurationVar(&o.refresh, "refresh", 30*time.Second, "the hub's [hub] refresh")
	fs.IntVar(&o.posts, "posts", 60, "posts in the origin's feed, each with a picture")
	fs.DurationVar(&o.change, "change", 5*time.Minute, "a new post in the origin's feed this often (sped up too; 0: never)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("--kiosks: %q is not a number of kiosks", s)
		}
		o.sizes = append(o.sizes, n)
	}
	if o.speed <= 0 {
		return errors.New("--speed must be more than 0")
	}
	raiseFileLimit()

	dir, err := os.MkdirTemp("", "hubload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.bin == "" {
		o.bin = filepath.Join(dir, "lobbykiosk")
		fmt.Fprintln(os.Stderr, "building lobbykiosk…")
		if out, err := exec.Command("go", "build", "-o", o.bin, "./cmd/lobbykiosk").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}

	org := newOrigin(o.posts)
	defer org.Close()
	token := randomToken()
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	cfg := filepath.Join(dir, "hub.toml")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, `name = "hubload hub"
state_dir = "state"

[[source]]
name = "team"
kind = "posts"
url = "%s/feed.rss"
refresh = %q

[[source]]
name = "wins"
kind = "wins"
url = "%s/wins.csv"
refresh = %q

[hub]
listen = %q
url = "http://%s/"
tokens = [%q]
refresh = %q
`, org.URL, o.sourceRefresh(), org.URL, o.sourceRefresh(), addr, addr, token, o.refresh), 0o600); err != nil {
		return err
	}
	hub := exec.CommandContext(ctx, o.bin, "hub", "--config", cfg)
	hub.Env = append(os.Environ(), "LANG=C.UTF-8")
	var hubLog strings.Builder
	hub.Stdout, hub.Stderr = &lockedWriter{w: &hubLog}, &lockedWriter{w: &hubLog}
	if err := hub.Start(); err != nil {
		return err
	}
	defer func() {
		hub.Process.Signal(syscall.SIGTERM)
		hub.Wait()
	}()
	base := "http://" + addr + "/"
	if err := waitPublished(ctx, base, token, o.posts); err != nil {
		return fmt.Errorf("%w\nhub output:\n%s", err, hubLog.String())
	}
	fmt.Fprintf(os.Stderr, "hub up (pid %d), %d posts published\n", hub.Process.Pid, o.posts)

	host, _ := os.Hostname()
	fmt.Printf("hubload %s on %s, %d cores, speed ×%g, [hub] refresh %s, %d posts, the hub fetches its 2 sources every %s, a new post every %s\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), host, cpuCount(), o.speed, o.refresh, o.posts, o.sourceRefresh(),
		time.Duration(float64(o.change)/o.speed).Round(time.Second))
	if o.change > 0 {
		go func() {
			t := time.NewTicker(time.Duration(float64(o.change) / o.speed))
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					org.publish()
				}
			}
		}()
	}
	var rows []result
	for _, n := range o.sizes {
		r, err := simulate(ctx, o, n, base, token, hub.Process.Pid, org)
		if err != nil {
			return err
		}
		fmt.Println(r.line())
		rows = append(rows, r)
	}
	fmt.Println()
	fmt.Println("| kiosks | requests/s | p50 | p99 | max | errors | 304 share | hub CPU (% of a core) | hub RSS (peak) | load generator CPU | origin fetches |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Println(r.markdown())
	}
	return nil
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitPublished waits until the hub publishes every post of the origin.
func waitPublished(ctx context.Context, base, token string, posts int) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"healthz", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), fmt.Sprintf(`"published": %d,`, posts)) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
	return errors.New("the hub did not publish the origin's posts within 2 minutes")
}

// raiseFileLimit lifts the soft limit on open files to the hard one: every
// simulated kiosk keeps a connection, and the hub (a child) holds the other
// end.
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}
