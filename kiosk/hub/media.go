package hub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/draw"

	"lobbykiosk/feeds/images"
	"lobbykiosk/feeds/store"
)

// Pictures are re-served by the hub, so a kiosk needs a route to nothing but
// the hub: decoded once (the header checked first), turned upright, shrunk
// to at most 4K, re-encoded (which also drops the EXIF data a phone writes,
// its location among them) and named by the hash of what is served. A name
// never changes meaning, so a picture can be cached forever.
const (
	MediaMaxWidth  = 3840
	MediaMaxHeight = 2160
	mediaKey       = "hub-media.json" // the index: picture address → file
	mediaWorkers   = 2
	mediaUnused    = 30 * 24 * time.Hour // a file no content used for this long is removed
	mediaRetryMax  = time.Hour
)

// mediaName is what a hub media file is called: hash.ext.
var mediaName = regexp.MustCompile(`^[0-9a-f]{32}\.(jpg|png)$`)

type mediaEntry struct {
	File     string    `json:"file,omitempty"` // in the media folder; "" until fetched
	Err      string    `json:"error,omitempty"`
	Failures int       `json:"failures,omitempty"`
	NextTry  time.Time `json:"next_try,omitzero"`
	Used     time.Time `json:"used"` // last published (or wanted)
	wanted   time.Time // first wanted in this run: how long a post has waited
	busy     bool
}

type mediaStore struct {
	dir   string
	st    *store.Store
	fetch func(ctx context.Context, src string) ([]byte, error)
	log   *slog.Logger
	now   func() time.Time

	mu     sync.Mutex
	idx    map[string]*mediaEntry
	dirty  bool
	kick   chan struct{}
	decode chan struct{} // one big decode at a time
	bytes  int64         // files served, for metrics
	files  int
}

func newMediaStore(dir string, st *store.Store, fetch func(context.Context, string) ([]byte, error), log *slog.Logger, now func() time.Time) (*mediaStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("hub: picture folder %s cannot be created: %w", dir, err)
	}
	m := &mediaStore{dir: dir, st: st, fetch: fetch, log: log, now: now, idx: map[string]*mediaEntry{},
		kick: make(chan struct{}, 1), decode: make(chan struct{}, 1)}
	if _, err := st.Load(mediaKey, &m.idx); err != nil {
		log.Warn("picture index unreadable; pictures are fetched again", "err", err)
	}
	if m.idx == nil {
		m.idx = map[string]*mediaEntry{}
	}
	for src, e := range m.idx {
		if e == nil || e.File != "" && !m.exists(e.File) {
			delete(m.idx, src) // a file removed by hand is fetched again
		}
	}
	m.files, m.bytes = m.count()
	return m, nil
}

func (m *mediaStore) exists(file string) bool {
	_, err := os.Stat(filepath.Join(m.dir, file))
	return err == nil
}

// get returns the hub's path for the picture at src ("media/…", "" when
// there is none) and whether a post should wait for it: it is being fetched
// for the first time and has not been waited for longer than holdBack.
func (m *mediaStore) get(src string, now time.Time) (path string, wait bool) {
	if src == "" {
		return "", false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.idx[src]
	if e == nil {
		e = &mediaEntry{}
		m.idx[src] = e
		m.dirty = true
		m.poke()
	}
	if e.wanted.IsZero() {
		e.wanted = now
	}
	if now.Sub(e.Used) > time.Hour {
		e.Used, m.dirty = now, true
	}
	if e.File != "" {
		return "media/" + e.File, false
	}
	if e.Failures == 0 && now.Sub(e.wanted) < holdBack {
		return "", true
	}
	return "", false
}

func (m *mediaStore) poke() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// run fetches wanted pictures until ctx ends; each one ready wakes the
// publisher. Failures are retried with growing pauses (up to an hour).
func (m *mediaStore) run(ctx context.Context, ready chan<- struct{}) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	housekeeping := time.NewTicker(time.Hour)
	defer housekeeping.Stop()
	sem := make(chan struct{}, mediaWorkers)
	var wg sync.WaitGroup
	defer wg.Wait()
	m.prune()
	for {
		now := m.now()
		for _, src := range m.due(now) {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				if m.load(ctx, src) {
					select {
					case ready <- struct{}{}:
					default:
					}
				}
			}()
		}
		m.save()
		select {
		case <-ctx.Done():
			return
		case <-m.kick:
		case <-t.C:
		case <-housekeeping.C:
			m.prune()
		}
	}
}

// due marks and returns the pictures to fetch now.
func (m *mediaStore) due(now time.Time) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for src, e := range m.idx {
		if e.File == "" && !e.busy && !e.NextTry.After(now) {
			e.busy = true
			out = append(out, src)
		}
	}
	return out
}

// load fetches, checks and converts one picture; true when it is ready.
func (m *mediaStore) load(ctx context.Context, src string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	file, added, err := m.convert(ctx, src)
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.idx[src]
	if e == nil {
		return false
	}
	e.busy, m.dirty = false, true
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return false // shutting down
		}
		e.Failures++
		e.Err = err.Error()
		e.NextTry = now.Add(min(time.Duration(1<<min(e.Failures, 10))*15*time.Second, mediaRetryMax))
		m.log.Warn("picture not available to the kiosks", "src", src, "failures", e.Failures, "err", err)
		return true // the post waiting for it goes out without it
	}
	e.File, e.Err, e.Failures, e.NextTry = file, "", 0, time.Time{}
	if added > 0 {
		m.files++
		m.bytes += added
	}
	return true
}

// convert fetches and converts the picture at src into the media folder;
// added is the size of a file it wrote (0 when the same picture was there).
func (m *mediaStore) convert(ctx context.Context, src string) (name string, added int64, err error) {
	data, err := m.fetch(ctx, src)
	if err != nil {
		return "", 0, err
	}
	select {
	case m.decode <- struct{}{}:
	case <-ctx.Done():
		return "", 0, ctx.Err()
	}
	body, ext, err := encodeMedia(data)
	<-m.decode
	if err != nil {
		return "", 0, err
	}
	sum := sha256.Sum256(body)
	name = hex.EncodeToString(sum[:16]) + ext
	path := filepath.Join(m.dir, name)
	if _, err := os.Stat(path); err == nil {
		return name, 0, nil // the same picture under another address
	}
	if err := store.WriteFile(path, body); err != nil {
		return "", 0, fmt.Errorf("picture not saved in %s: %w", m.dir, err)
	}
	return name, int64(len(body)), nil
}

// encodeMedia decodes a picture (JPEG, PNG, GIF, WebP; header checked
// before any pixel is decoded), shrinks it to fit 4K whole (a kiosk cuts its
// own crop around the faces in it) and encodes it for the kiosks: JPEG, or
// PNG when it has transparency.
func encodeMedia(data []byte) ([]byte, string, error) {
	// images.Decode keeps enough pixels to cover its box: a box of the
	// picture's own shape within 4K makes that the whole picture, fitted.
	boxW, boxH := MediaMaxWidth, MediaMaxHeight
	if c, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && c.Width > 0 && c.Height > 0 {
		boxW, boxH = fitSize(c.Width, c.Height, MediaMaxWidth, MediaMaxHeight)
	}
	pic, err := images.Decode(data, boxW, boxH, images.DefaultMaxPixels)
	if err != nil {
		return nil, "", err
	}
	img := pic.Image
	// A JPEG turned upright by its EXIF orientation was fitted lying down.
	if b := img.Bounds(); b.Dx() > MediaMaxWidth || b.Dy() > MediaMaxHeight {
		w, h := fitSize(b.Dx(), b.Dy(), MediaMaxWidth, MediaMaxHeight)
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
		img = dst
	}
	var b bytes.Buffer
	if isOpaque(img) {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
		return b.Bytes(), ".jpg", err
	}
	err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img)
	return b.Bytes(), ".png", err
}

// fitSize is w×h shrunk, keeping its shape, to fit maxW×maxH (rounded
// down, never enlarged).
func fitSize(w, h, maxW, maxH int) (int, int) {
	if w <= maxW && h <= maxH {
		return w, h
	}
	if int64(w)*int64(maxH) > int64(h)*int64(maxW) {
		return maxW, max(1, int(int64(h)*int64(maxW)/int64(w)))
	}
	return max(1, int(int64(w)*int64(maxH)/int64(h))), maxH
}

func isOpaque(img image.Image) bool {
	o, ok := img.(interface{ Opaque() bool })
	return !ok || o.Opaque()
}

func (m *mediaStore) save() {
	m.mu.Lock()
	if !m.dirty {
		m.mu.Unlock()
		return
	}
	m.dirty = false
	idx := make(map[string]mediaEntry, len(m.idx))
	for k, v := range m.idx {
		idx[k] = *v
	}
	m.mu.Unlock()
	if err := m.st.Save(mediaKey, idx); err != nil {
		m.log.Warn("picture index not saved", "err", err)
	}
}

// prune forgets pictures no content used for mediaUnused, and removes the
// files no entry names any more (and temp files left by a crash).
func (m *mediaStore) prune() {
	now := m.now()
	m.mu.Lock()
	keep := map[string]bool{}
	for src, e := range m.idx {
		if !e.busy && now.Sub(e.Used) > mediaUnused {
			delete(m.idx, src)
			m.dirty = true
			continue
		}
		if e.File != "" {
			keep[e.File] = true
		}
	}
	m.mu.Unlock()
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		m.log.Warn("picture folder cannot be listed", "dir", m.dir, "err", err)
		return
	}
	for _, d := range entries {
		name := d.Name()
		stale := strings.HasPrefix(name, store.TempPrefix)
		if mediaName.MatchString(name) && !keep[name] {
			stale = true
		}
		if info, err := d.Info(); stale && err == nil && now.Sub(info.ModTime()) > time.Hour {
			if err := os.Remove(filepath.Join(m.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				m.log.Warn("unused picture cannot be removed", "file", name, "err", err)
			}
		}
	}
	n, size := m.count()
	m.mu.Lock()
	m.files, m.bytes = n, size
	m.mu.Unlock()
}

// count is how many pictures the media folder holds, and their bytes.
func (m *mediaStore) count() (int, int64) {
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		return 0, 0
	}
	var n int
	var size int64
	for _, d := range entries {
		if mediaName.MatchString(d.Name()) {
			if info, err := d.Info(); err == nil {
				n++
				size += info.Size()
			}
		}
	}
	return n, size
}

// serve answers GET /media/NAME: the file as it is, cacheable forever.
func (m *mediaStore) serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if !mediaName.MatchString(name) {
		http.Error(w, "no such picture", http.StatusNotFound)
		return
	}
	f, err := os.Open(filepath.Join(m.dir, name))
	if err != nil {
		http.Error(w, "no such picture", http.StatusNotFound)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		http.Error(w, "picture unreadable", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("ETag", `"`+strings.TrimSuffix(name, filepath.Ext(name))+`"`)
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	if strings.HasSuffix(name, ".png") {
		hd.Set("Content-Type", "image/png")
	} else {
		hd.Set("Content-Type", "image/jpeg")
	}
	http.ServeContent(w, r, "", info.ModTime(), f)
}

// state is what /healthz says about pictures.
func (m *mediaStore) state() (files int, bytes int64, waiting, failing int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.idx {
		switch {
		case e.File != "":
		case e.Failures > 0:
			failing++
		default:
			waiting++
		}
	}
	return m.files, m.bytes, waiting, failing
}
