package localconfig

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lobbykiosk/feeds/store"
	"lobbykiosk/kiosk/config"
	"lobbykiosk/kiosk/locale"
)

// good pins English: the default is the system's locale.
const good = `name = "Lobby"
language = "en"
state_dir = "state"

[[source]]
name = "blog"
kind = "posts"
url = "https://blog.example.com/feed.xml"

[display]
post_seconds = 10
`

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func openStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestFallbackFindsTheCopy: a file broken in each way a person breaks it
// finds the last good copy in the state_dir it names.
func TestFallbackFindsTheCopy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	if err := Keep(openStore(t, filepath.Join(dir, "state")), path, []byte(good), time.Now()); err != nil {
		t.Fatal(err)
	}
	for name, broken := range map[string]string{
		"a bad duration":  strings.Replace(good, "post_seconds = 10", `post_seconds = "30 s"`, 1),
		"a misspelt key":  strings.Replace(good, "post_seconds", "post_secnds", 1),
		"broken TOML":     good + "\n[display\nwelcome = \"Hi\"\n",
		"an emptied file": "",
	} {
		write(t, path, broken)
		_, loadErr := config.Load(path)
		if loadErr == nil && broken != "" {
			t.Fatalf("%s: the file loads", name)
		}
		if broken == "" {
			// An empty file is a valid config with no sources; what the
			// kiosk runs is then its own business. Fallback still finds
			// the copy when asked.
			loadErr = os.ErrInvalid
		}
		cfg, data, cp, err := Fallback(path, loadErr)
		if broken != "" && (err != nil || cfg == nil || string(data) != good || cfg.Display.PostSeconds != 10 || cp.Path != path) {
			t.Errorf("%s: Fallback = %v, %q, %v", name, cfg, data, err)
			continue
		}
		if cfg != nil && cfg.StateDir != filepath.Join(dir, "state") {
			t.Errorf("%s: the copy's state_dir is %s", name, cfg.StateDir)
		}
	}
	// No copy for this file: the load error stands.
	other := filepath.Join(dir, "other.toml")
	write(t, other, "state_dir = \"state\"\nnme = 1\n")
	_, loadErr := config.Load(other)
	if _, _, _, err := Fallback(other, loadErr); err != loadErr {
		t.Errorf("Fallback for a file without a copy: %v", err)
	}
}

func TestStateDirHint(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "kiosk.toml")
	for text, want := range map[string]string{
		`state_dir = "/srv/kiosk"` + "\nbad = [":             "/srv/kiosk",
		"state_dir = 'rel'\n[display]\npost_seconds = \"x\"": filepath.Join(dir, "rel"),
		"# nothing\n[display\n":                              config.DefaultStateDir,
		"state_dir = 5":                                      "",
	} {
		if got := config.StateDirHint(p, []byte(text)); got != want {
			t.Errorf("StateDirHint(%q) = %q, want %q", text, got, want)
		}
	}
}

// recorder is a Watcher's collaborators, recording what they were given.
type recorder struct {
	mu      sync.Mutex
	applied []*config.Config
	notice  string
	fail    error
	changed chan struct{}
}

func (r *recorder) apply(c *config.Config, _ []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.applied = append(r.applied, c)
	select {
	case r.changed <- struct{}{}:
	default:
	}
	return nil
}

func (r *recorder) setNotice(s string) {
	r.mu.Lock()
	r.notice = s
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *recorder) last() (*config.Config, string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.applied) == 0 {
		return nil, r.notice, 0
	}
	return r.applied[len(r.applied)-1], r.notice, len(r.applied)
}

func newWatcher(t *testing.T) (*Watcher, *recorder, string, *store.Store) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	write(t, path, good)
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, cfg.StateDir)
	r := &recorder{changed: make(chan struct{}, 10)}
	w := New(path, cfg, []byte(good), Options{Apply: r.apply, Notice: r.setNotice, Store: st, Logger: slog.New(slog.DiscardHandler), Settle: 20 * time.Millisecond})
	return w, r, path, st
}

func TestReloadAppliesAGoodEditAndRefusesABadOne(t *testing.T) {
	w, r, path, st := newWatcher(t)
	w.Started()
	var cp Copy
	if found, _ := st.Load(StoreKey, &cp); !found || cp.TOML != good {
		t.Fatalf("the file that started well was not kept: %+v", cp)
	}

	// A good edit, which also moves state_dir: that waits for a restart.
	edited := strings.Replace(good, "post_seconds = 10", "post_seconds = 20", 1)
	edited = strings.Replace(edited, `state_dir = "state"`, `state_dir = "elsewhere"`, 1)
	write(t, path, edited)
	w.Reload()
	cfg, notice, n := r.last()
	if n != 1 || cfg.Display.PostSeconds != 20 || notice != "" {
		t.Fatalf("good edit: applied %d, post_seconds %v, notice %q", n, cfg, notice)
	}
	if cfg.StateDir != filepath.Join(filepath.Dir(path), "state") {
		t.Errorf("a state_dir edit was applied while running: %s", cfg.StateDir)
	}
	if s := w.State(); len(s.Problems) != 0 || strings.Join(s.NextRestart, ",") != "state_dir" || !strings.HasPrefix(s.InUse, "the file as read") {
		t.Errorf("state after a good edit: %+v", s)
	}
	if found, _ := st.Load(StoreKey, &cp); !found || cp.TOML != edited {
		t.Error("the good edit was not kept as the last good copy")
	}

	// A bad edit: nothing applied, the reason on screen and in health.
	write(t, path, strings.Replace(edited, "post_seconds = 20", `post_seconds = "30 s"`, 1))
	w.Reload()
	_, notice, n = r.last()
	s := w.State()
	if n != 1 || !strings.HasPrefix(notice, "Config error: kiosk.toml line 11 (display.post_seconds) · edit not applied") {
		t.Errorf("bad edit: applied %d times, notice %q", n, notice)
	}
	if len(s.Problems) != 1 || !strings.Contains(s.Problems[0], path+":11: display.post_seconds:") {
		t.Errorf("bad edit: problems %q", s.Problems)
	}
	if found, _ := st.Load(StoreKey, &cp); !found || cp.TOML != edited {
		t.Error("the bad edit replaced the last good copy")
	}

	// The file goes away: still running, still said.
	os.Remove(path)
	w.Reload()
	if _, notice, n = r.last(); n != 1 || !strings.Contains(notice, "cannot be read") {
		t.Errorf("file removed: applied %d, notice %q", n, notice)
	}

	// Fixed again: applied, the notice goes.
	write(t, path, edited)
	w.Reload()
	if _, notice, n = r.last(); n != 2 || notice != "" || len(w.State().Problems) != 0 {
		t.Errorf("fixed: applied %d, notice %q, %+v", n, notice, w.State())
	}

	// The engine (or the fleet merge) refuses: reported, not applied.
	r.fail = os.ErrPermission
	write(t, path, good)
	w.Reload()
	if _, notice, n = r.last(); n != 2 || !strings.Contains(notice, "permission denied") {
		t.Errorf("apply refused: applied %d, notice %q", n, notice)
	}
}

// TestNoticeInTheKiosksLanguage: the notice on the TV speaks the language
// the kiosk runs in, also when the broken file names another one.
func TestNoticeInTheKiosksLanguage(t *testing.T) {
	w, r, path, _ := newWatcher(t)
	w.Started()
	german := strings.Replace(good, `language = "en"`, `language = "de"`, 1)
	write(t, path, german)
	w.Reload()
	if cfg, notice, n := r.last(); n != 1 || notice != "" || cfg.Locale.Lang() != "de" {
		t.Fatalf("the switch to German: applied %d, notice %q", n, notice)
	}
	write(t, path, strings.Replace(strings.Replace(german, "post_seconds = 10", `post_seconds = "30 s"`, 1), `language = "de"`, `language = "fr"`, 1))
	w.Reload()
	if _, notice, _ := r.last(); notice != "Konfigurationsfehler: kiosk.toml Zeile 11 (display.post_seconds) · Änderung nicht übernommen" {
		t.Errorf("German kiosk, broken edit: notice %q", notice)
	}
}

func TestStartedOnCopy(t *testing.T) {
	w, r, path, st := newWatcher(t)
	bad := strings.Replace(good, "post_seconds", "post_secnds", 1)
	write(t, path, bad)
	_, loadErr := config.Load(path)
	w.StartedOnCopy(Copy{Path: path, TOML: good, SavedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.Local)}, loadErr)
	w.Started()
	if _, notice, _ := r.last(); notice != "Config error: kiosk.toml line 11 (display.post_secnds) · last good settings in use" {
		t.Errorf("notice %q", notice)
	}
	s := w.State()
	if s.InUse != "the last good copy, kept 2026-11-02 09:00" || len(s.Problems) != 1 {
		t.Errorf("state %+v", s)
	}
	var cp Copy
	if found, _ := st.Load(StoreKey, &cp); found {
		t.Errorf("a run on the copy kept the broken file as good: %q", cp.TOML)
	}
}

// TestRunFollowsTheFile: saving the file (as an editor does, by writing a
// new file and renaming it over the old) or SIGHUP reads it again.
func TestRunFollowsTheFile(t *testing.T) {
	w, r, path, _ := newWatcher(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	hup := make(chan os.Signal, 1)
	done := make(chan struct{})
	go func() { w.Run(ctx, hup); close(done) }()
	time.Sleep(50 * time.Millisecond) // the watch is set up

	wait := func(what string, ok func(*config.Config, string) bool) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			if c, n, _ := r.last(); ok(c, n) {
				return
			}
			select {
			case <-r.changed:
			case <-deadline:
				c, n, _ := r.last()
				t.Fatalf("%s: not seen within 5 s (last applied %+v, notice %q)", what, c, n)
			}
		}
	}
	tmp := path + ".swp"
	write(t, tmp, strings.Replace(good, "post_seconds = 10", "post_seconds = 15", 1))
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	wait("a saved edit", func(c *config.Config, _ string) bool { return c != nil && c.Display.PostSeconds == 15 })

	write(t, path, "nonsense = [")
	wait("a broken save", func(_ *config.Config, n string) bool { return strings.HasPrefix(n, "Config error") })

	// The file is fixed by hand somewhere the watch does not see (a bind
	// mount, say); SIGHUP tells the kiosk.
	write(t, path, strings.Replace(good, "post_seconds = 10", "post_seconds = 25", 1))
	hup <- syscall.SIGHUP
	wait("SIGHUP", func(c *config.Config, n string) bool { return c != nil && c.Display.PostSeconds == 25 && n == "" })
	cancel()
	<-done
}

func TestNoticeNamesTheFirstProblem(t *testing.T) {
	_, err := config.Parse("/etc/lobbykiosk/kiosk.toml", []byte("nme = 1\n[display]\npost_secnds = 3\n"))
	got := noticeFor(locale.English(), err, "notice.not_applied")
	if got != "Config error: kiosk.toml line 1 (nme) +1 more · edit not applied" {
		t.Errorf("notice %q", got)
	}
	// The notice is on the TV, in the kiosk's language; the place in the
	// file stays as the file and the checker name it.
	for lang, want := range map[string]string{
		"de": "Konfigurationsfehler: kiosk.toml Zeile 1 (nme) +1 weiterer · Änderung nicht übernommen",
		"fr": "Erreur de configuration : kiosk.toml ligne 1 (nme) +1 autre · modification non appliquée",
		"ar": "خطأ في الإعدادات: \u2066kiosk.toml السطر 1 (nme) +١ أخرى\u2069 · لم يُطبَّق التعديل",
	} {
		l, lerr := locale.For(lang)
		if lerr != nil {
			t.Fatal(lerr)
		}
		if got := noticeFor(l, err, "notice.not_applied"); got != want {
			t.Errorf("%s notice %q, want %q", lang, got, want)
		}
	}
	if !bytes.Contains([]byte(strings.Join(Problems(err), "\n")), []byte("/etc/lobbykiosk/kiosk.toml:3: display.post_secnds: unknown key")) {
		t.Errorf("problems %q", Problems(err))
	}
}
