// Package health tells headquarters and the office IT person whether a
// kiosk is alive: GET /healthz (a status anyone may read, the details for a
// signed-in user), GET /metrics (Prometheus text format, written by hand),
// and an optional heartbeat POSTed to headquarters every minute. It only
// reads what the engine, the player and the fleet watcher already know.
package health

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/moderate"
	kcontent "lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/fleet"
	"lobbykiosk/kiosk/hours"
	"lobbykiosk/kiosk/localconfig"
)

// Player is what health reads of the player: what is on screen.
type Player interface {
	Current() engine.Current
}

// Options are what a Monitor watches. Engine is required.
type Options struct {
	Version string
	Engine  *engine.Engine
	// Player is nil when there is no screen (the frozen check is then off).
	Player Player
	// SlideScale is the player's SlideScale (0 means 1).
	SlideScale float64
	// Fleet is nil when the kiosk has no central config.
	Fleet *fleet.Watcher
	// Local follows the kiosk's own config file; nil when nothing does.
	Local *localconfig.Watcher
	// HeartbeatTimeout bounds one heartbeat POST; default 10s.
	HeartbeatTimeout time.Duration
	// HTTP sends heartbeats and thumbnails (nil: Go's default client); the
	// kiosk's own client adds the fleet token for its hub.
	HTTP *http.Client
	Now  func() time.Time
	// Started is when the kiosk started; zero means when New is called.
	Started time.Time
}

// Monitor answers health questions about one kiosk.
type Monitor struct {
	o     Options
	mu    sync.Mutex
	hb    HeartbeatState
	every time.Duration // the heartbeat's period, once it runs
}

// New returns a monitor for o.
func New(o Options) *Monitor {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Started.IsZero() {
		o.Started = o.Now()
	}
	if o.SlideScale <= 0 {
		o.SlideScale = 1
	}
	if o.HeartbeatTimeout <= 0 {
		o.HeartbeatTimeout = 10 * time.Second
	}
	return &Monitor{o: o}
}

// Status values.
const (
	OK    = "ok"
	Error = "error"
)

// Report is the whole health of a kiosk: the signed-in /healthz body.
type Report struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`

	Name          string              `json:"name"`
	Version       string              `json:"version"`
	Started       time.Time           `json:"started"`
	UptimeSeconds int64               `json:"uptime_seconds"`
	ConfigVersion string              `json:"config_version"`
	Fleet         *fleet.State        `json:"fleet,omitempty"`
	ConfigFile    *localconfig.State  `json:"config_file,omitempty"`
	Sources       []feeds.SourceState `json:"sources"`
	Content       Counts              `json:"content"`
	Screen        *engine.Current     `json:"screen,omitempty"`
	DisplayOn     bool                `json:"display_on"`
	Heartbeat     *HeartbeatState     `json:"heartbeat,omitempty"`
	// Problems opening state (a corrupt decisions file, say).
	Problems []string `json:"problems,omitempty"`
	// HeldBack says why approved posts are not shown: no installed font
	// draws their script ("2 posts: no font for Thai script: install
	// fonts-noto-core").
	HeldBack []string `json:"held_back,omitempty"`

	// public is Error worded without URLs or messages from the sources, for
	// those who are not signed in.
	public string
}

// Counts is how much content there is, posts by moderation status.
type Counts struct {
	Posts       map[moderate.Status]int `json:"posts"`
	Wins        int                     `json:"wins"`
	Leaderboard int                     `json:"leaderboard"`
}

// Report gathers the kiosk's health at now.
func (m *Monitor) Report(now time.Time) Report {
	e := m.o.Engine
	cfg := e.CurrentConfig()
	content := e.Report(now)
	r := Report{
		Status:        OK,
		Name:          cfg.Name,
		Version:       m.o.Version,
		Started:       m.o.Started,
		UptimeSeconds: int64(now.Sub(m.o.Started) / time.Second),
		ConfigVersion: e.ConfigVersion(),
		Sources:       content.Sources,
		Content: Counts{
			Posts: map[moderate.Status]int{moderate.Shown: 0, moderate.Pending: 0, moderate.Rejected: 0, moderate.Revoked: 0, kcontent.Held: 0},
			Wins:  len(content.Wins), Leaderboard: len(content.Leaderboard),
		},
		Problems: e.Problems,
	}
	if r.Sources == nil {
		r.Sources = []feeds.SourceState{}
	}
	held := map[string]int{}
	for _, p := range content.Posts {
		r.Content.Posts[p.Status]++
		if p.Status == kcontent.Held {
			held[p.Reason]++
		}
	}
	for why, n := range held {
		r.HeldBack = append(r.HeldBack, fmt.Sprintf("%d post(s): %s", n, why))
	}
	sort.Strings(r.HeldBack)
	if m.o.Fleet != nil {
		s := m.o.Fleet.State()
		r.Fleet = &s
	}
	if m.o.Local != nil {
		s := m.o.Local.State()
		r.ConfigFile = &s
		// The screen carries on; whoever reads health should still know.
		r.Problems = append(append([]string(nil), r.Problems...), s.Problems...)
	}
	m.mu.Lock()
	if m.hb.URL != "" {
		hb := m.hb
		r.Heartbeat = &hb
	}
	m.mu.Unlock()

	if failing, first := allFailing(r.Sources); failing {
		r.Status = Error
		r.public = "no content: every source is failing and nothing is cached"
		r.Error = r.public + " (" + first + ")"
	}
	if m.o.Player != nil {
		c := m.o.Player.Current()
		r.Screen, r.DisplayOn = &c, c.On
		if msg := m.frozen(c, now); msg != "" && r.Status == OK {
			r.Status, r.Error, r.public = Error, msg, msg
		}
	}
	return r
}

// allFailing is true when there are sources, every one of them failing,
// and none holds content from before: nothing can be shown at all.
func allFailing(ss []feeds.SourceState) (bool, string) {
	if len(ss) == 0 {
		return false, ""
	}
	for _, s := range ss {
		if s.OK || s.Error == "" || s.Items > 0 {
			return false, ""
		}
	}
	return true, ss[0].Error
}

// frozen says why the screen looks stuck: within display hours (for long
// enough to have changed slides), no slide change for three times the
// longest slide.
func (m *Monitor) frozen(c engine.Current, now time.Time) string {
	cfg := m.o.Engine.CurrentConfig()
	d := cfg.Display
	longest := max(d.PostSeconds, d.WinsSeconds, d.LeaderboardSeconds, 1)
	limit := time.Duration(3 * longest * m.o.SlideScale * float64(time.Second))
	sched, _ := hours.Parse(d.Hours)
	if !sched.On(now.In(cfg.Location)) || !sched.On(now.Add(-limit).In(cfg.Location)) {
		return ""
	}
	last := c.Updated
	if last.Before(m.o.Started) {
		last = m.o.Started
	}
	if idle := now.Sub(last); idle > limit {
		return fmt.Sprintf("screen frozen: no slide change for %s (3× the longest slide is %s)", idle.Round(time.Second), limit.Round(time.Second))
	}
	return ""
}

// Healthz serves GET /healthz. Without a session it says only
// {"status":"ok"} (200) or {"status":"error","error":"…"} (503), the error
// worded without URLs or source messages; signed in, the whole Report.
// signedIn may be nil (nobody is ever signed in).
func (m *Monitor) Healthz(signedIn func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		rep := m.Report(m.o.Now())
		code := http.StatusOK
		if rep.Status != OK {
			code = http.StatusServiceUnavailable
		}
		var body any = rep
		if signedIn == nil || !signedIn(r) {
			body = struct {
				Status string `json:"status"`
				Error  string `json:"error,omitempty"`
			}{rep.Status, rep.public}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		if r.Method == http.MethodHead {
			return
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(body)
	})
}
