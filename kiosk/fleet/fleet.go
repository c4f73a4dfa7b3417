// Package fleet links a kiosk to headquarters' central config: it pulls the
// TOML file at [fleet] config_url with conditional GETs, keeps the last good
// copy on disk so a kiosk that boots offline still runs headquarters'
// settings, merges it under the kiosk's own file (config.Merge), and hands
// each new merged config to the running kiosk. A central file that cannot be
// fetched or is broken never replaces a good one: the error is kept for
// health and the kiosk carries on with what it has.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"lobbykiosk/feeds/fetch"
	"lobbykiosk/feeds/store"
	"lobbykiosk/kiosk/config"
)

// StoreKey is the store file holding the last good central config.
const StoreKey = "fleet-config.json"

// Copy is the last good central config as kept on disk: the text itself
// (re-merged at start, so a change to the kiosk's own file applies to it)
// and the validators that make the next pull a cheap 304.
type Copy struct {
	URL        string           `json:"url"`
	TOML       string           `json:"toml"`
	Validators fetch.Validators `json:"validators"`
	FetchedAt  time.Time        `json:"fetched_at"`
}

// State is the central config's health, for /healthz and the admin page.
type State struct {
	URL         string    `json:"url"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	// LastSuccess is the last pull that confirmed a good file (200 or 304).
	LastSuccess time.Time `json:"last_success,omitzero"`
	// LastError is the last pull's problem; empty after a good pull.
	LastError string    `json:"last_error,omitempty"`
	Failures  int       `json:"failures"` // consecutive
	NextTry   time.Time `json:"next_try,omitzero"`
	// InUse says which settings the kiosk runs: "fleet config fetched …",
	// or the local file alone when no central copy was ever obtained.
	InUse string `json:"in_use"`
	// CopyFetchedAt is when the copy in use was downloaded (zero: none).
	CopyFetchedAt time.Time `json:"copy_fetched_at,omitzero"`
	Version       string    `json:"config_version"`
	// Warnings are the merged config's: a site section that matches no
	// kiosk, local settings the central ones replace, a missing logo.
	Warnings []string `json:"warnings,omitempty"`
}

// Options are a Watcher's collaborators. Client is required; the rest have
// defaults.
type Options struct {
	Store  *store.Store // nil: nothing is kept between runs
	Client *fetch.Client
	Logger *slog.Logger
	// Apply receives every merged config that differs (by config.Version)
	// from the one in use: typically engine.Reconfigure.
	Apply  func(*config.Config)
	Now    func() time.Time
	Jitter func() float64
}

// Watcher keeps a kiosk's merged config up to date.
type Watcher struct {
	fleet config.Fleet // the kiosk's [fleet]: fixed while it runs
	o     Options

	mu        sync.Mutex
	local     *config.Config // the kiosk's own config; SetLocal replaces it
	localData []byte
	copy      *Copy // last good copy, nil if none
	loaded    bool  // the store has been read
	inUse     *config.Config
	version   string // config.Version(inUse)
	state     State
}

// NewWatcher watches local.Fleet.ConfigURL for the kiosk whose own config is
// local (read from localData). current is the config the kiosk runs now
// (nil: local); Apply is only called for a config that differs from it.
func NewWatcher(local *config.Config, localData []byte, current *config.Config, o Options) *Watcher {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if current == nil {
		current = local
	}
	w := &Watcher{fleet: local.Fleet, local: local, localData: localData, o: o, inUse: current, version: config.Version(current)}
	w.state = State{URL: local.Fleet.ConfigURL, Version: w.version, InUse: "the local file " + local.Path + " alone (no fleet config yet)"}
	if current != local {
		w.state.InUse = "the fleet config"
		w.state.Warnings = current.Warnings
	}
	return w
}

// State returns the central config's health.
func (w *Watcher) State() State {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.state
	s.Warnings = append([]string(nil), s.Warnings...)
	return s
}

// Current is the merged config in use.
func (w *Watcher) Current() *config.Config {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.inUse
}

// Run pulls the central config every [fleet] refresh until ctx ends, sooner
// after a failure (the sources' backoff: 30 s, 1 min, 2 min… up to refresh;
// Retry-After honoured). The first pull is at once; with the copy already on
// disk it costs a 304.
func (w *Watcher) Run(ctx context.Context) {
	if w.fleet.ConfigURL == "" {
		return
	}
	for {
		w.Pull(ctx)
		w.mu.Lock()
		next := w.state.NextTry
		w.mu.Unlock()
		t := time.NewTimer(next.Sub(w.o.Now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Pull fetches the central config once, and hands a changed merged config to
// Apply. It returns the config in use afterwards and the pull's problem (a
// *config.FleetError for a broken file, a *fetch.Error for a failed fetch);
// either way the config returned is usable.
func (w *Watcher) Pull(ctx context.Context) (*config.Config, error) {
	return w.pull(ctx, false)
}

func (w *Watcher) pull(ctx context.Context, offline bool) (*config.Config, error) {
	url := w.fleet.ConfigURL
	w.loadCopy()
	w.mu.Lock()
	cp := w.copy
	w.mu.Unlock()

	if offline {
		if cp == nil {
			return w.Current(), nil
		}
		local, data := w.own()
		cfg, err := config.Merge(local, data, url, []byte(cp.TOML))
		if err != nil {
			// Kept copies were good when kept; this one no longer fits the
			// kiosk's own file (or this version's checks).
			return w.Current(), w.fail(fmt.Errorf("the kept copy from %s: %w", stamp(cp.FetchedAt), err))
		}
		w.use(cfg, cp, false)
		return cfg, nil
	}

	var val fetch.Validators
	if cp != nil {
		val = cp.Validators
	}
	w.mu.Lock()
	w.state.LastAttempt = w.o.Now()
	w.mu.Unlock()
	resp, err := w.o.Client.Get(ctx, url, val)
	if err != nil && ctx.Err() != nil {
		// Shutting down: not a failure of headquarters.
		return w.Current(), err
	}
	if err != nil {
		return w.fallback(cp, w.fail(err))
	}
	next := cp
	if !resp.NotModified {
		next = &Copy{URL: url, TOML: string(resp.Body), Validators: resp.Validators, FetchedAt: w.o.Now()}
	} else {
		c := *cp
		c.Validators = resp.Validators
		next = &c
	}
	local, data := w.own()
	cfg, err := config.Merge(local, data, url, []byte(next.TOML))
	if err != nil {
		return w.fallback(cp, w.fail(err))
	}
	if !resp.NotModified || next.Validators != cp.Validators {
		w.save(next)
	}
	w.use(cfg, next, true)
	return cfg, nil
}

// own is the kiosk's own config and its text.
func (w *Watcher) own() (*config.Config, []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.local, w.localData
}

// SetLocal follows an edit of the kiosk's own file while it runs (its
// [fleet] unchanged: that takes a restart): the central config in use is
// merged under the new local config again, and Apply gets the result when it
// differs. Without a central copy yet, the local config alone is applied. On
// an error (the central copy does not fit the edited file) nothing changes.
func (w *Watcher) SetLocal(local *config.Config, data []byte) error {
	w.loadCopy()
	w.mu.Lock()
	cp := w.copy
	w.mu.Unlock()
	if cp == nil {
		w.mu.Lock()
		w.local, w.localData = local, data
		w.mu.Unlock()
		w.useLocal(local)
		return nil
	}
	cfg, err := config.Merge(local, data, cp.URL, []byte(cp.TOML))
	if err != nil {
		return fmt.Errorf("the edited file does not fit the fleet config fetched %s, so it is not applied: %w", stamp(cp.FetchedAt), err)
	}
	w.mu.Lock()
	w.local, w.localData = local, data
	w.mu.Unlock()
	w.use(cfg, cp, false)
	return nil
}

// useLocal makes the kiosk's own config, alone, the config in use.
func (w *Watcher) useLocal(local *config.Config) {
	v := config.Version(local)
	w.mu.Lock()
	changed := v != w.version
	if changed {
		w.inUse, w.version = local, v
	}
	w.state.Version, w.state.Warnings = v, local.Warnings
	apply := w.o.Apply
	w.mu.Unlock()
	if changed && apply != nil {
		apply(local)
	}
}

// fallback is what a failed pull leaves in use: the config already in use
// if it came from the central file, else the kept copy, else the local file.
func (w *Watcher) fallback(cp *Copy, err error) (*config.Config, error) {
	w.mu.Lock()
	fromFleet := w.state.CopyFetchedAt != (time.Time{})
	w.mu.Unlock()
	if !fromFleet && cp != nil {
		local, data := w.own()
		if cfg, merr := config.Merge(local, data, cp.URL, []byte(cp.TOML)); merr == nil {
			w.use(cfg, cp, false)
		}
	}
	return w.Current(), err
}

// use makes cfg, merged from cp, the config in use. ok records a good pull.
func (w *Watcher) use(cfg *config.Config, cp *Copy, ok bool) {
	v := config.Version(cfg)
	w.mu.Lock()
	changed := v != w.version
	if changed {
		// Same settings keep the same *Config: the one the kiosk runs.
		w.inUse, w.version = cfg, v
	}
	w.copy = cp
	st := &w.state
	st.Version, st.Warnings = v, cfg.Warnings
	st.CopyFetchedAt = cp.FetchedAt
	st.InUse = "the fleet config fetched " + stamp(cp.FetchedAt)
	if ok {
		now := w.o.Now()
		st.LastSuccess, st.LastError, st.Failures = now, "", 0
		st.NextTry = fetch.NextTry(now, 0, nil, w.fleet.Refresh.Duration, w.o.Jitter)
	}
	apply := w.o.Apply
	w.mu.Unlock()
	if changed {
		w.o.Logger.Info("fleet config in use", "version", v, "sources", len(cfg.Sources), "fetched", stamp(cp.FetchedAt))
		for _, warn := range cfg.Warnings {
			w.o.Logger.Warn(warn)
		}
		if apply != nil {
			apply(cfg)
		}
	}
}

// fail records a failed pull and returns err worded for health.
func (w *Watcher) fail(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.o.Now()
	st := &w.state
	st.Failures++
	msg := err.Error()
	var fe *config.FleetError
	if !errors.As(err, &fe) {
		msg = "fleet config: " + msg
	}
	if w.copy != nil {
		msg += fmt.Sprintf(" (keeping the fleet config fetched %s)", stamp(w.copy.FetchedAt))
	}
	st.LastError = msg
	st.NextTry = fetch.NextTry(now, st.Failures, err, w.fleet.Refresh.Duration, w.o.Jitter)
	w.o.Logger.Warn("fleet config not updated", "failures", st.Failures, "next_try", st.NextTry.Format(time.RFC3339), "err", msg)
	return err
}

// loadCopy reads the kept copy once. A copy of another URL is not this
// kiosk's central config any more and is ignored.
func (w *Watcher) loadCopy() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.loaded || w.o.Store == nil {
		w.loaded = true
		return
	}
	w.loaded = true
	var cp Copy
	found, err := w.o.Store.Load(StoreKey, &cp)
	switch {
	case err != nil:
		w.state.Warnings = append(w.state.Warnings, fmt.Sprintf("fleet config: the kept copy is unreadable and was set aside: %v", err))
		w.o.Logger.Warn("fleet config copy unreadable", "err", err)
	case found && cp.URL == w.fleet.ConfigURL:
		w.copy = &cp
	}
}

// Restore writes the central copy in use back to disk when its file is gone
// (the state directory deleted while the kiosk runs), so the next start
// offline still has it. It reports whether it wrote.
func (w *Watcher) Restore() bool {
	w.mu.Lock()
	cp := w.copy
	w.mu.Unlock()
	if cp == nil || w.o.Store == nil || !w.o.Store.Missing(StoreKey) {
		return false
	}
	w.save(cp)
	return true
}

func (w *Watcher) save(cp *Copy) {
	if w.o.Store == nil {
		return
	}
	if err := w.o.Store.Save(StoreKey, cp); err != nil {
		// The kiosk runs the new config anyway; only a reboot offline would
		// fall back to the older copy.
		w.o.Logger.Warn("fleet config copy not saved", "err", err)
	}
}

func stamp(t time.Time) string { return t.Format("2006-01-02 15:04 MST") }

// Effective is the config a kiosk runs with, for commands that start from
// the kiosk's own file (check, content, render, run): the central config
// pulled once and merged (or, offline or when the pull fails, the kept
// copy; with neither, local alone). warnings say which, and carry the
// merged config's warnings. err is the pull's problem when the central file
// is broken (*config.FleetError) — cfg is then still the config the kiosk
// falls back to, so run can carry on while check reports it. A failed fetch
// is only a warning.
func Effective(ctx context.Context, local *config.Config, localData []byte, st *store.Store, client *fetch.Client, offline bool) (*config.Config, []string, error) {
	url := local.Fleet.ConfigURL
	if url == "" {
		return local, nil, nil
	}
	w := NewWatcher(local, localData, nil, Options{Store: st, Client: client, Logger: slog.New(slog.DiscardHandler)})
	cfg, err := w.pull(ctx, offline)
	s := w.State()
	var warnings []string
	var fe *config.FleetError
	switch {
	case err != nil && !errors.As(err, &fe):
		warnings = append(warnings, s.LastError+"; running "+s.InUse)
		err = nil
	case err != nil:
		// The caller prints err; say what the kiosk does about it.
		warnings = append(warnings, "the kiosk keeps running "+s.InUse)
	case offline && s.CopyFetchedAt.IsZero():
		warnings = append(warnings, fmt.Sprintf("fleet config %s: no copy kept yet, so only the local file's settings apply until it is pulled", url))
	}
	if cfg != local {
		warnings = append(warnings, cfg.Warnings...)
	}
	return cfg, warnings, err
}
