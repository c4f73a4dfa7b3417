package localconfig

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"lobbykiosk/feeds/store"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/locale"
)

// Options are a Watcher's collaborators. Apply is required.
type Options struct {
	// Apply runs a good new version of the file: the kiosk's own config
	// (its device settings as running) and the file's text. The kiosk
	// hands it to the fleet watcher (which merges headquarters' config
	// under it) or straight to the engine.
	// An error leaves the running settings in place, and is reported.
	Apply func(local *config.Config, data []byte) error
	// Notice shows a line on screen ("" clears it).
	Notice func(string)
	// Store keeps the last good copy (the running state_dir); nil: none.
	Store  *store.Store
	Logger *slog.Logger
	Now    func() time.Time
	// Settle is how long the file must stay quiet after a change before it
	// is read: editors write in several steps. Default 300ms.
	Settle time.Duration
}

// State is the config file's health, for /healthz.
type State struct {
	Path string `json:"path"`
	// InUse says which text the kiosk runs: the file as read at some time,
	// or the last good copy.
	InUse string `json:"in_use"`
	// Problems are what is wrong with the file on disk, one a line
	// ("FILE:LINE: KEY: what"); empty when the kiosk runs it as it is.
	Problems []string `json:"problems,omitempty"`
	// NextRestart names settings changed in the file that only a restart
	// applies (state_dir, [admin], [fleet], [fetch]).
	NextRestart []string  `json:"next_restart,omitempty"`
	LastRead    time.Time `json:"last_read,omitzero"`
	CopySavedAt time.Time `json:"copy_saved_at,omitzero"`
	// Notice is the line on screen, if any.
	Notice string `json:"notice,omitempty"`
}

// Watcher follows the kiosk's own config file while it runs.
type Watcher struct {
	path string
	o    Options

	mu     sync.Mutex
	device *config.Config // the one it started with: device settings stay
	data   []byte         // running's text
	onCopy bool           // started on the last good copy
	// lang is the running settings' language, which the notice speaks:
	// a broken file's own may be the mistake.
	lang  *locale.Locale // guarded by mu
	state State
}

// New follows the config file at path for a kiosk that runs cfg, read from
// data.
func New(path string, cfg *config.Config, data []byte, o Options) *Watcher {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Settle <= 0 {
		o.Settle = 300 * time.Millisecond
	}
	if o.Notice == nil {
		o.Notice = func(string) {}
	}
	w := &Watcher{path: path, o: o, device: cfg, data: data, lang: cfg.Locale}
	w.state = State{Path: path, InUse: "the file as read at start", LastRead: o.Now()}
	return w
}

// StartedOnCopy records that the kiosk started on the last good copy cp
// because the file could not be used (err): said on screen, in the log and
// in health until the file is fixed.
func (w *Watcher) StartedOnCopy(cp Copy, err error) {
	w.mu.Lock()
	w.onCopy = true
	w.state.InUse = "the last good copy, kept " + stamp(cp.SavedAt)
	w.state.CopySavedAt = cp.SavedAt
	w.state.Problems = Problems(err)
	w.state.Notice = noticeFor(w.words(), err, "notice.last_good")
	notice := w.state.Notice
	w.mu.Unlock()
	w.o.Logger.Error("config file has mistakes; the kiosk runs the last copy that worked", "file", w.path, "copy_saved", stamp(cp.SavedAt))
	for _, p := range Problems(err) {
		w.o.Logger.Error(p)
	}
	w.o.Notice(notice)
}

// Started is called once the kiosk has shown its first slide: the file it
// runs has started well, and is kept as the last good copy.
func (w *Watcher) Started() {
	w.mu.Lock()
	data, onCopy := w.data, w.onCopy
	w.mu.Unlock()
	if !onCopy {
		w.keep(data)
	}
}

// State returns the file's health.
func (w *Watcher) State() State {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.state
	s.Problems = append([]string(nil), s.Problems...)
	s.NextRestart = append([]string(nil), s.NextRestart...)
	return s
}

// Run follows the file until ctx ends: a change on disk (after Settle) or a
// signal on hup reads it again. Its folder is watched, not the file, so an
// editor that saves by writing a new file and renaming it over the old one is
// seen too.
func (w *Watcher) Run(ctx context.Context, hup <-chan os.Signal) {
	var events <-chan fsnotify.Event
	var errs <-chan error
	fw, err := fsnotify.NewWatcher()
	if err == nil {
		if err = fw.Add(filepath.Dir(w.path)); err != nil {
			fw.Close()
		}
	}
	if err != nil {
		w.o.Logger.Warn("config file not watched; after editing it, run `systemctl reload lobbykiosk` (SIGHUP)", "file", w.path, "err", err)
	} else {
		defer fw.Close()
		events, errs = fw.Events, fw.Errors
	}
	name := filepath.Base(w.path)
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	defer settle.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			w.o.Logger.Info("SIGHUP: reading the config file again", "file", w.path)
			w.Reload()
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if filepath.Base(ev.Name) == name && !ev.Has(fsnotify.Chmod) {
				settle.Reset(w.o.Settle)
			}
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			w.o.Logger.Warn("watching the config file", "file", w.path, "err", err)
		case <-settle.C:
			w.Reload()
		}
	}
}

// Reload reads the file now. A good version that differs from the one in
// use is applied (the engine switches at the next slide) and kept as the
// last good copy; a bad one leaves everything running as it is and is
// reported, on screen too.
func (w *Watcher) Reload() {
	now := w.o.Now()
	data, err := os.ReadFile(w.path)
	if err != nil {
		w.refuse(now, fmt.Errorf("config %s cannot be read: %w", w.path, err))
		return
	}
	w.mu.Lock()
	same := bytes.Equal(data, w.data) && len(w.state.Problems) == 0
	w.mu.Unlock()
	if same {
		w.o.Logger.Info("config file unchanged", "file", w.path)
		return
	}
	cfg, err := config.Parse(w.path, data)
	if err != nil {
		w.refuse(now, err)
		return
	}
	restart := deviceChanges(w.device, cfg)
	keepDevice(cfg, w.device)
	if err := w.o.Apply(cfg, data); err != nil {
		w.refuse(now, err)
		return
	}
	w.mu.Lock()
	w.data, w.onCopy, w.lang = data, false, cfg.Locale
	w.state.InUse = "the file as read " + stamp(now)
	w.state.LastRead = now
	w.state.Problems, w.state.Notice, w.state.NextRestart = nil, "", restart
	w.mu.Unlock()

	for _, warn := range cfg.Warnings {
		w.o.Logger.Warn(warn)
	}
	if len(restart) > 0 {
		w.o.Logger.Warn("config file: these settings change at the next restart", "settings", restart)
	}
	w.o.Logger.Info("config file applied; the screen follows at the next slide", "file", w.path, "version", config.Version(cfg))
	w.o.Notice("")
	w.keep(data)
}

// refuse records a file that cannot be used: the running settings stay.
func (w *Watcher) refuse(now time.Time, err error) {
	problems := Problems(err)
	w.mu.Lock()
	what := "notice.not_applied"
	if w.onCopy {
		what = "notice.last_good"
	}
	w.state.Problems = problems
	w.state.LastRead = now
	w.state.Notice = noticeFor(w.words(), err, what)
	notice := w.state.Notice
	w.mu.Unlock()
	w.o.Logger.Error("config file not applied; the kiosk keeps its running settings", "file", w.path, "problems", len(problems))
	for _, p := range problems {
		w.o.Logger.Error(p)
	}
	w.o.Notice(notice)
}

// Restore writes the last good copy back when its file is gone (the state
// directory deleted while the kiosk runs): the text in use, which started
// well or is the copy itself. It reports whether it wrote.
func (w *Watcher) Restore() bool {
	if w.o.Store == nil || !w.o.Store.Missing(StoreKey) {
		return false
	}
	w.mu.Lock()
	data, saved := w.data, !w.state.CopySavedAt.IsZero()
	w.mu.Unlock()
	if !saved {
		return false // not started yet: nothing was kept to come back
	}
	w.keep(data)
	return true
}

func (w *Watcher) keep(data []byte) {
	now := w.o.Now()
	if err := Keep(w.o.Store, w.path, data, now); err != nil {
		w.o.Logger.Warn("last good copy of the config not kept", "err", err)
		return
	}
	if w.o.Store != nil {
		w.mu.Lock()
		w.state.CopySavedAt = now
		w.mu.Unlock()
	}
}

// words is the notice's language: the running settings'.
func (w *Watcher) words() *locale.Locale {
	if w.lang != nil {
		return w.lang
	}
	return locale.English()
}

// deviceChanges names the settings of next that differ from the running
// ones and only apply at a restart.
func deviceChanges(running, next *config.Config) []string {
	var out []string
	if running.StateDir != next.StateDir {
		out = append(out, "state_dir")
	}
	if running.StateDirMaxMB != next.StateDirMaxMB {
		out = append(out, "state_dir_max_mb")
	}
	// The password file defaults to one in state_dir: a moved state_dir is
	// reported as such, not as an [admin] change as well.
	admin := next.Admin
	if admin.PasswordFile == filepath.Join(next.StateDir, config.PasswordFileName) &&
		running.Admin.PasswordFile == filepath.Join(running.StateDir, config.PasswordFileName) {
		admin.PasswordFile = running.Admin.PasswordFile
	}
	if !reflect.DeepEqual(running.Admin, admin) {
		out = append(out, "[admin]")
	}
	if !reflect.DeepEqual(running.Fleet, next.Fleet) {
		out = append(out, "[fleet]")
	}
	if !reflect.DeepEqual(running.Fetch, next.Fetch) {
		out = append(out, "[fetch]")
	}
	return out
}

// keepDevice gives next the running device settings.
func keepDevice(next, running *config.Config) {
	next.StateDir, next.StateDirMaxMB, next.Admin, next.Fleet, next.Fetch = running.StateDir, running.StateDirMaxMB, running.Admin, running.Fleet, running.Fetch
}

func stamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }
