package hub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"lobbykiosk/feeds/store"
	"lobbykiosk/kiosk/health"
)

// Limits on what kiosks send. A heartbeat is a few hundred bytes; a
// thumbnail (health.Thumbnail) 10–30 KB at 480×270.
const (
	MaxBeatBytes  = 16 << 10
	MaxThumbBytes = 256 << 10
	// MaxThumbWidth and MaxThumbHeight bound a thumbnail's pixels, checked
	// from its header before it is decoded (a portrait one may be as tall).
	MaxThumbWidth  = 1920
	MaxThumbHeight = 1920
	MaxThumbPixels = 1920 * 1080
	// MaxKiosks bounds the state a token holder can make the hub keep.
	MaxKiosks = 20000
	// MissedBeats is how many heartbeats may go missing before a kiosk is
	// shown offline.
	MissedBeats  = 3
	kiosksKey    = "hub-kiosks.json"
	defaultEvery = 60
)

// Kiosk is what the hub knows of one kiosk: its last heartbeat, and its
// screen's last thumbnail.
type Kiosk struct {
	Name           string    `json:"name"`
	Site           string    `json:"site"`
	Version        string    `json:"version"`
	ConfigVersion  string    `json:"config_version"`
	Status         string    `json:"status"`
	Error          string    `json:"error,omitempty"`
	FleetError     string    `json:"fleet_error,omitempty"`
	Slide          string    `json:"slide,omitempty"`
	PostID         string    `json:"post_id,omitempty"`
	DisplayOn      bool      `json:"display_on"`
	PostsShown     int       `json:"posts_shown"`
	Sources        int       `json:"sources"`
	FailingSources []string  `json:"failing_sources,omitempty"`
	UptimeSeconds  int64     `json:"uptime_seconds"`
	EverySeconds   int       `json:"every_seconds"`
	LastBeat       time.Time `json:"last_beat"`
	FirstSeen      time.Time `json:"first_seen"`
	Address        string    `json:"address,omitempty"`
	Thumb          string    `json:"thumb,omitempty"` // file in the thumbnails folder
	ThumbAt        time.Time `json:"thumb_at,omitzero"`
}

// Online reports whether the kiosk's heartbeats still arrive: it is offline
// once MissedBeats beats in a row are late.
func (k *Kiosk) Online(now time.Time) bool { return now.Sub(k.LastBeat) <= k.grace() }

func (k *Kiosk) grace() time.Duration {
	every := k.EverySeconds
	if every <= 0 {
		every = defaultEvery
	}
	return time.Duration(MissedBeats*every) * time.Second
}

type registry struct {
	dir string
	st  *store.Store
	log *slog.Logger
	now func() time.Time

	mu     sync.Mutex
	kiosks map[string]*Kiosk
	dirty  bool
}

func newRegistry(dir string, st *store.Store, log *slog.Logger, now func() time.Time) (*registry, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("hub: thumbnail folder %s cannot be created: %w", dir, err)
	}
	r := &registry{dir: dir, st: st, log: log, now: now, kiosks: map[string]*Kiosk{}}
	var list []*Kiosk
	if _, err := st.Load(kiosksKey, &list); err != nil {
		log.Warn("kiosk list unreadable; it fills again with the next heartbeats", "err", err)
	}
	for _, k := range list {
		if k != nil && k.Name != "" {
			r.kiosks[k.Name] = k
		}
	}
	return r, nil
}

// run saves the kiosks' state every 10 s when it changed.
func (r *registry) run(ctx context.Context) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.save()
		}
	}
}

func (r *registry) save() {
	r.mu.Lock()
	if !r.dirty {
		r.mu.Unlock()
		return
	}
	r.dirty = false
	list := r.listLocked()
	r.mu.Unlock()
	if err := r.st.Save(kiosksKey, list); err != nil {
		r.log.Warn("kiosk list not saved", "err", err)
	}
}

func (r *registry) listLocked() []Kiosk {
	out := make([]Kiosk, 0, len(r.kiosks))
	for _, k := range r.kiosks {
		c := *k
		c.FailingSources = append([]string(nil), k.FailingSources...)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Site != out[j].Site {
			return out[i].Site < out[j].Site
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// list is every kiosk, by site and name.
func (r *registry) list() []Kiosk {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.listLocked()
}

// errBadRequest wraps what the sender got wrong (400), as opposed to the
// hub's own trouble.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func bad(format string, args ...any) error { return &badRequest{fmt.Sprintf(format, args...)} }

// errFull is returned when MaxKiosks are known and a new one beats.
var errFull = errors.New("the hub already knows the most kiosks it keeps")

// beat records a heartbeat. It is validated field by field: the name must
// be usable as it is; other text is cut to a sane length.
func (r *registry) beat(b health.Beat, addr string) error {
	name, err := kioskName(b.Name)
	if err != nil {
		return err
	}
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.kiosks[name]
	if k == nil {
		if len(r.kiosks) >= MaxKiosks {
			return errFull
		}
		k = &Kiosk{Name: name, FirstSeen: now}
		r.kiosks[name] = k
		r.log.Info("new kiosk", "name", name, "site", b.Site, "address", addr)
	}
	k.Site = text(b.Site, 120)
	if k.Site == "" {
		k.Site = name
	}
	k.Version, k.ConfigVersion = text(b.Version, 64), text(b.ConfigVersion, 64)
	k.Status = "unknown"
	if b.Status == health.OK || b.Status == health.Error {
		k.Status = b.Status
	}
	k.Error, k.FleetError = text(b.Error, 500), text(b.FleetError, 500)
	k.Slide, k.PostID = text(b.Slide, 32), text(b.PostID, 128)
	k.DisplayOn, k.PostsShown, k.Sources = b.DisplayOn, max(b.PostsShown, 0), max(b.Sources, 0)
	k.UptimeSeconds = max(b.UptimeSeconds, 0)
	k.FailingSources = k.FailingSources[:0]
	for i, s := range b.FailingSources {
		if i == 50 {
			break
		}
		if s = text(s, 120); s != "" {
			k.FailingSources = append(k.FailingSources, s)
		}
	}
	k.EverySeconds = min(max(b.EverySeconds, 1), 3600)
	if b.EverySeconds == 0 {
		k.EverySeconds = defaultEvery
	}
	k.LastBeat, k.Address = now, addr
	r.dirty = true
	return nil
}

// kioskName checks a kiosk's name as sent: it names files and labels.
func kioskName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", bad("the heartbeat has no name")
	case !utf8.ValidString(s):
		return "", bad("the kiosk's name is not UTF-8")
	case utf8.RuneCountInString(s) > 120:
		return "", bad("the kiosk's name is longer than 120 characters")
	case strings.ContainsFunc(s, unicode.IsControl):
		return "", bad("the kiosk's name has control characters in it")
	}
	return s, nil
}

// text makes a field from a kiosk fit to show: valid UTF-8, no control
// characters, at most n characters.
func text(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return clipRunes(strings.TrimSpace(s), n)
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// thumbnail keeps a kiosk's screen thumbnail: a JPEG whose header claims at
// most MaxThumbPixels and that ends as a JPEG does. The kiosk must have sent a
// heartbeat first, so the folder holds one file per known kiosk at most.
func (r *registry) thumbnail(name string, data []byte) error {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return bad("not a JPEG: %v", err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxThumbWidth || cfg.Height > MaxThumbHeight || cfg.Width*cfg.Height > MaxThumbPixels {
		return bad("the JPEG claims %d×%d pixels; a thumbnail has at most %d×%d (%d pixels)", cfg.Width, cfg.Height, MaxThumbWidth, MaxThumbHeight, MaxThumbPixels)
	}
	// The pixels are not decoded: a fleet that boots at once sends
	// thousands of thumbnails together, and a person's browser shows them.
	// A JPEG cut short (a kiosk that lost power mid-upload) lacks its end.
	if !bytes.HasSuffix(bytes.TrimRight(data, "\x00"), []byte{0xff, 0xd9}) {
		return bad("the JPEG is cut short (no end-of-image marker)")
	}
	r.mu.Lock()
	k := r.kiosks[name]
	r.mu.Unlock()
	if k == nil {
		return errUnknown
	}
	sum := sha256.Sum256([]byte(name))
	file := hex.EncodeToString(sum[:12]) + ".jpg"
	if err := store.WriteFile(filepath.Join(r.dir, file), data); err != nil {
		return fmt.Errorf("thumbnail not saved: %w", err)
	}
	r.mu.Lock()
	k.Thumb, k.ThumbAt = file, r.now()
	r.dirty = true
	r.mu.Unlock()
	return nil
}

// errUnknown is a thumbnail from a kiosk that never sent a heartbeat.
var errUnknown = errors.New("unknown kiosk: send a heartbeat first")

// thumbPath is the file of a kiosk's last thumbnail, "" when there is none.
func (r *registry) thumbPath(name string) (string, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.kiosks[name]
	if k == nil || k.Thumb == "" {
		return "", time.Time{}
	}
	return filepath.Join(r.dir, k.Thumb), k.ThumbAt
}
