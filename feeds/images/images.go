// Package images turns the pictures that posts, authors and leaderboards
// point at into images ready for the screen: fetched or read once (all of a
// feed's pictures as soon as the feed arrives, so the screen has them when
// the network is gone), checked before they are decoded, decoded at a
// reduced size within a memory bound, kept large enough to cover the
// largest box a picture fills, searched for faces, kept on disk within a
// size cap so they survive restarts and network loss, and held in memory
// within a byte budget.
package images

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
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"lobbykiosk/feeds/store"
)

// Options configures a Loader. Zero values take the defaults.
type Options struct {
	Dir    string // disk cache for the kept copies (state_dir/images); "" keeps none
	Budget int64  // bytes of decoded pixels held in memory, default 8 MiB
	// BoxWidth×BoxHeight is the largest box a picture is drawn into, in
	// pixels (a post's picture area on this screen). A picture is kept
	// just large enough to cover it, so any crop of the box's shape has
	// the box's pixels; default 960×1080, half a 1080p screen.
	BoxWidth, BoxHeight int
	MaxBytes            int64 // largest encoded image accepted, default 15 MiB
	MaxPixels           int   // largest pixel count a header may claim, default 50 megapixels
	// Fetch gets http(s) images, with the validators of the copy on disk
	// when there is one (a conditional GET); nil refuses them. It should
	// cap the body and time out itself; the Loader checks MaxBytes again.
	Fetch func(ctx context.Context, r Request) (Response, error)

	// Decoders is how many images may be decoded at once, default 1:
	// decoding is bounded (see decodeReduced), but two at once would
	// double the bound.
	Decoders int
	// MaxAge is how long an unused file stays in the disk cache, default
	// 30 days.
	MaxAge time.Duration
	// DiskLimit caps the disk cache, in bytes on disk (the blocks its
	// files take, see DiskBytes), together with what DiskOther reports
	// (the rest of the state directory, counted the same way); 0 is no
	// cap. The pictures shown least recently go first.
	DiskLimit int64
	DiskOther func() int64
	// Recheck is how often Prefetch asks the server whether a picture
	// on disk changed (a conditional GET: an avatar keeps its address
	// when its owner changes it), default a day.
	Recheck time.Duration
	// Prefetchers is how many pictures Prefetch fetches at once, default
	// 2: a feed of 50 posts must not open 50 connections to one server.
	Prefetchers int
	Logger      *slog.Logger // default slog.Default()
}

// Request is one picture fetch: a URL, with the validators of the copy on
// disk when there is one.
type Request struct {
	URL                string
	ETag, LastModified string
}

// Response is a picture fetch's outcome. NotModified: the copy on disk is
// current and Body is empty.
type Response struct {
	Body               []byte
	NotModified        bool
	ETag, LastModified string
}

// Defaults. DefaultBudget holds a slide's pictures (a post's picture and
// avatar, a leaderboard's dozen avatars) about twice over. More would buy
// little: a picture comes round again only after the whole rotation, by when
// reading its kept copy from the disk cache (milliseconds) is cheaper than
// having held its pixels in memory all along. (At 16 MiB the demo's 13
// pictures still missed on every round, and the kiosk held 8 MiB more.) A
// kept copy covering a 1080p post box is 3 to 6 MiB, at most twice the box.
const (
	DefaultBudget      = 8 << 20
	DefaultBoxWidth    = 960
	DefaultBoxHeight   = 1080
	DefaultMaxBytes    = 15 << 20
	DefaultMaxPixels   = 50_000_000
	DefaultMaxAge      = 30 * 24 * time.Hour
	DefaultRecheck     = 24 * time.Hour
	DefaultPrefetchers = 2
)

// cacheVersion is part of every disk cache name: files of an earlier way of
// keeping pictures (shrunk to fit the screen, no metadata) are not read as
// if they were current, and age out.
const cacheVersion = "k2"

// Loader serves images for the screen. It is safe for concurrent use.
type Loader struct {
	o      Options
	log    *slog.Logger
	mem    *ByteLRU[string, image.Image]
	decode chan struct{} // semaphore on concurrent decodes
	// urgent counts the Gets waiting for a decoder: a slide coming on
	// screen goes before pictures fetched ahead, which wait until no Get
	// does.
	urgent atomic.Int32
	disk   *diskIndex // nil without a Dir

	mu       sync.Mutex
	inflight map[string]*call
	failures map[string]time.Time // fetching ahead failed: when

	// joined, when set by a test, is told each time a Get waits for a
	// load that another Get already started.
	joined func(key string)
}

type call struct {
	done chan struct{}
	img  image.Image
	err  error
}

// New returns a Loader with o's settings. The disk cache directory is created
// if needed; temp files left by a crash and files unused for MaxAge are
// removed from it, and then the least recently shown while it is over its
// cap.
func New(o Options) (*Loader, error) {
	if o.Budget == 0 {
		o.Budget = DefaultBudget
	}
	if o.BoxWidth == 0 {
		o.BoxWidth = DefaultBoxWidth
	}
	if o.BoxHeight == 0 {
		o.BoxHeight = DefaultBoxHeight
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxPixels == 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.Decoders == 0 {
		o.Decoders = 1
	}
	if o.MaxAge == 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.Recheck == 0 {
		o.Recheck = DefaultRecheck
	}
	if o.Prefetchers == 0 {
		o.Prefetchers = DefaultPrefetchers
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	switch {
	case o.Budget < 0, o.BoxWidth < 0, o.BoxHeight < 0, o.MaxBytes < 0, o.MaxPixels < 0, o.Decoders < 0, o.MaxAge < 0,
		o.DiskLimit < 0, o.Recheck < 0, o.Prefetchers < 0:
		return nil, fmt.Errorf("image settings must not be negative (budget %d, box %d×%d, max bytes %d, max pixels %d, decoders %d, max age %s, disk limit %d, recheck %s, prefetchers %d)",
			o.Budget, o.BoxWidth, o.BoxHeight, o.MaxBytes, o.MaxPixels, o.Decoders, o.MaxAge, o.DiskLimit, o.Recheck, o.Prefetchers)
	}
	mem, err := NewByteLRU[string](o.Budget, imageBytes)
	if err != nil {
		return nil, err
	}
	l := &Loader{o: o, log: o.Logger, mem: mem, decode: make(chan struct{}, o.Decoders), inflight: map[string]*call{}}
	if o.Dir != "" {
		if err := os.MkdirAll(o.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("image cache directory %s cannot be created: %w; check state_dir in the config and that the kiosk's user may write there", o.Dir, err)
		}
		l.disk = newDiskIndex(o.Dir, o.Logger)
		l.prune()
		l.disk.scan()
		l.disk.evict(0, l.diskLimit(), time.Now())
	}
	return l, nil
}

// Stats reports how many images are held in memory and the bytes their
// pixels take.
func (l *Loader) Stats() (entries int, bytes int64) { return l.mem.Len(), l.mem.Bytes() }

// DiskStats reports how many pictures the disk cache holds and the bytes
// they take on disk.
func (l *Loader) DiskStats() (files int, bytes int64) {
	if l.disk == nil {
		return 0, 0
	}
	return l.disk.stats()
}

// diskLimit is what the disk cache may use now: the cap less the rest of
// the state directory; 0 means no cap.
func (l *Loader) diskLimit() int64 {
	if l.o.DiskLimit == 0 {
		return 0
	}
	limit := l.o.DiskLimit
	if l.o.DiskOther != nil {
		limit -= l.o.DiskOther()
	}
	// The rest of the state directory is over the cap on its own: keep
	// no pictures rather than read "no cap".
	return max(limit, 1)
}

// Get returns the picture for src — an http(s) URL, fetched with
// Options.Fetch, or a local file path or file:// URL — as a *Picture kept to
// cover the box. It comes from memory, else from the disk cache, else it is
// fetched or read, checked, decoded, searched for faces once, written to the
// disk cache and kept in memory. Concurrent Gets of one src share one load.
// The image is shared: callers must not draw into it.
func (l *Loader) Get(ctx context.Context, src string) (image.Image, error) {
	if src == "" {
		return nil, errors.New("image: no address given")
	}
	s, err := l.resolve(src)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", src, err)
	}
	if l.disk != nil {
		// Shown now: the last to be evicted from disk.
		l.disk.used(s.key, time.Now())
	}
	if img, ok := l.mem.Get(s.key); ok {
		return img, nil
	}
	for {
		img, shared, err := l.join(ctx, s, true)
		// A shared load that failed only because the Get that started it
		// gave up says nothing about this caller: try again with our own
		// context.
		if shared && err != nil && isCanceled(err) && ctx.Err() == nil {
			continue
		}
		return img, err
	}
}

func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// join runs the load of s, or waits for the one already running. keep adds
// the result to memory (a Get); a prefetch only fills the disk cache.
func (l *Loader) join(ctx context.Context, s source, keep bool) (img image.Image, shared bool, err error) {
	l.mu.Lock()
	if c, ok := l.inflight[s.key]; ok {
		l.mu.Unlock()
		if l.joined != nil {
			l.joined(s.key)
		}
		select {
		case <-c.done:
			return c.img, true, c.err
		case <-ctx.Done():
			return nil, false, fmt.Errorf("image %s: %w", s.src, ctx.Err())
		}
	}
	// The load that just finished adds to memory before it leaves
	// inflight, so look again before starting another.
	if img, ok := l.mem.Get(s.key); ok && keep {
		l.mu.Unlock()
		return img, false, nil
	}
	c := &call{done: make(chan struct{})}
	l.inflight[s.key] = c
	l.mu.Unlock()
	// Deferred so that waiters are released whatever happens in load.
	defer func() {
		l.mu.Lock()
		delete(l.inflight, s.key)
		l.mu.Unlock()
		close(c.done)
	}()

	c.img, c.err = l.load(ctx, s, !keep)
	if c.err != nil {
		c.err = fmt.Errorf("image %s: %w", s.src, c.err)
		return nil, false, c.err
	}
	if keep {
		l.mem.Add(s.key, c.img)
	}
	return c.img, false, nil
}

// source is where an image comes from and the name it is cached under.
type source struct {
	src    string // as given, for messages
	url    string // http(s) URL, or ""
	path   string // local file, or ""
	key    string // cache key: changes when the image or the display size does
	remote bool
}

func (l *Loader) resolve(src string) (source, error) {
	s := source{src: src}
	u, err := url.Parse(src)
	switch {
	case err == nil && (u.Scheme == "http" || u.Scheme == "https"):
		if u.Host == "" {
			return s, errors.New("the address has no host")
		}
		s.url, s.remote = src, true
	case err == nil && u.Scheme == "file":
		if u.Host != "" && u.Host != "localhost" {
			return s, fmt.Errorf("file URL names host %q; only local files can be read", u.Host)
		}
		s.path = u.Path
	case err == nil && len(u.Scheme) > 1:
		return s, fmt.Errorf("address scheme %q is not supported (expected an http(s) URL, a file:// URL or a file path)", u.Scheme)
	default:
		s.path = src
	}
	id := src
	if s.path != "" {
		// A file in a shared folder can be replaced under the same name;
		// its size and time make the new picture a new cache entry.
		fi, err := os.Stat(s.path)
		if err != nil {
			return s, fileError(err)
		}
		if fi.IsDir() {
			return s, errors.New("this is a folder, not an image file")
		}
		id = fmt.Sprintf("%s\x00%d\x00%d", s.path, fi.Size(), fi.ModTime().UnixNano())
	}
	sum := sha256.Sum256([]byte(id))
	s.key = fmt.Sprintf("%s-%dx%d%s", hex.EncodeToString(sum[:]), l.o.BoxWidth, l.o.BoxHeight, cacheVersion)
	return s, nil
}

func fileError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("file not found")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission denied; let the kiosk's user read it")
	}
	return err
}

// Extensions of the disk cache files: JPEG for opaque pictures, PNG for ones
// with transparency.
var cacheExts = []string{".jpg", ".png"}

func (l *Loader) load(ctx context.Context, s source, prefetch bool) (image.Image, error) {
	if !prefetch {
		if img, ok := l.fromDisk(s); ok {
			return img, nil
		}
	}
	data, v, err := l.read(ctx, s, meta{})
	if err != nil {
		return nil, err
	}
	d, err := l.decodeOne(ctx, data, !prefetch)
	if err != nil {
		return nil, err
	}
	// A local picture that needed no work is as quick to read again as
	// a copy would be; anything fetched is kept for when the network is gone.
	if l.disk != nil && (s.remote || d.scaled) {
		m := meta{original: d.pic.Original, focus: d.pic.Focus, faces: d.pic.Faces,
			etag: v.ETag, lastModified: v.LastModified, checked: time.Now()}
		l.toDisk(s, d, data, m, prefetch)
	}
	return d.pic, nil
}

// decodeOne decodes data when no other decode is running. An urgent decode
// (a Get: a slide is waiting) goes before the others, which wait until no
// urgent one does; a slide waits at most for the decode already running.
func (l *Loader) decodeOne(ctx context.Context, data []byte, urgent bool) (decoded, error) {
	if urgent {
		l.urgent.Add(1)
		defer l.urgent.Add(-1)
	}
	for {
		if !urgent {
			for l.urgent.Load() > 0 {
				select {
				case <-time.After(20 * time.Millisecond):
				case <-ctx.Done():
					return decoded{}, ctx.Err()
				}
			}
		}
		select {
		case l.decode <- struct{}{}:
		case <-ctx.Done():
			return decoded{}, ctx.Err()
		}
		if urgent || l.urgent.Load() == 0 {
			break
		}
		// A Get started waiting while this one got the decoder.
		<-l.decode
	}
	defer func() { <-l.decode }()
	return decode(data, l.o.BoxWidth, l.o.BoxHeight, l.o.MaxPixels)
}

// read fetches or reads s. For a remote picture, old holds the validators
// of the copy on disk; a NotModified answer comes back as nil data.
func (l *Loader) read(ctx context.Context, s source, old meta) ([]byte, Response, error) {
	if s.remote {
		if l.o.Fetch == nil {
			return nil, Response{}, errors.New("web images are not allowed here (no fetcher configured)")
		}
		r, err := l.o.Fetch(ctx, Request{URL: s.url, ETag: old.etag, LastModified: old.lastModified})
		if err != nil {
			return nil, Response{}, err
		}
		if r.NotModified {
			return nil, r, nil
		}
		if int64(len(r.Body)) > l.o.MaxBytes {
			return nil, Response{}, fmt.Errorf("%s, over the %s limit", sizeText(int64(len(r.Body))), sizeText(l.o.MaxBytes))
		}
		return r.Body, r, nil
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, Response{}, fileError(err)
	}
	defer f.Close()
	// Read one byte past the limit to tell "exactly at" from "over".
	data, err := io.ReadAll(io.LimitReader(f, l.o.MaxBytes+1))
	if err != nil {
		return nil, Response{}, err
	}
	if int64(len(data)) > l.o.MaxBytes {
		return nil, Response{}, fmt.Errorf("file is over the %s limit", sizeText(l.o.MaxBytes))
	}
	return data, Response{}, nil
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// onDisk returns the path, the bytes and the metadata of s's copy in the
// disk cache. Unless whole is set only the file's first bytes are read,
// where the metadata is.
func (l *Loader) onDisk(s source, whole bool) (string, []byte, meta, bool) {
	if l.disk == nil {
		return "", nil, meta{}, false
	}
	for _, ext := range cacheExts {
		p := filepath.Join(l.o.Dir, s.key+ext)
		data, err := readFile(p, whole)
		if errors.Is(err, fs.ErrNotExist) {
			l.disk.forget(s.key + ext)
			continue
		}
		if err != nil {
			l.log.Warn("cached image cannot be read; loading it again", "src", s.src, "path", p, "err", err)
			continue
		}
		m, err := readMeta(data)
		if err != nil {
			l.log.Warn("cached image is damaged; removing it and loading it again", "src", s.src, "path", p, "err", err)
			l.disk.remove(s.key + ext)
			continue
		}
		return p, data, m, true
	}
	return "", nil, meta{}, false
}

func (l *Loader) fromDisk(s source) (image.Image, bool) {
	p, data, m, ok := l.onDisk(s, true)
	if !ok {
		return nil, false
	}
	img, err := decodeKept(data, l.o.MaxPixels)
	if err != nil {
		l.log.Warn("cached image is damaged; removing it and loading it again", "src", s.src, "path", p, "err", err)
		l.disk.remove(filepath.Base(p))
		return nil, false
	}
	return &Picture{Image: img, Original: m.original, Focus: m.focus.Intersect(img.Bounds()), Faces: m.faces}, true
}

// decodeKept decodes a file of the disk cache: a kept copy, already
// reduced, upright and searched.
func decodeKept(data []byte, maxPixels int) (image.Image, error) {
	f, err := sniff(data)
	if err != nil {
		return nil, err
	}
	if f != fmtJPEG && f != fmtPNG {
		return nil, errors.New("not a JPEG or PNG")
	}
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return nil, damaged(f, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return nil, fmt.Errorf("header claims %d×%d pixels", cfg.Width, cfg.Height)
	}
	img, err := f.decode(bytes.NewReader(data))
	if err != nil {
		return nil, damaged(f, err)
	}
	return img, nil
}

// toDisk writes the kept copy to the disk cache with its metadata: the
// original bytes when they already are the picture as kept, else PNG when
// it has transparency and JPEG otherwise. Failure only costs a reload later,
// so it is logged.
func (l *Loader) toDisk(s source, d decoded, original []byte, m meta, prefetch bool) {
	var ext string
	var body []byte
	switch {
	case !d.scaled && d.format == fmtJPEG:
		ext, body = ".jpg", original
	case !d.scaled && d.format == fmtPNG:
		ext, body = ".png", original
	default:
		var buf bytes.Buffer
		var err error
		if opaque(d.pic) {
			ext = ".jpg"
			err = jpeg.Encode(&buf, d.pic.Image, &jpeg.Options{Quality: 90})
		} else {
			ext = ".png"
			err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, d.pic.Image)
		}
		if err != nil {
			l.log.Warn("image cannot be encoded for the disk cache", "src", s.src, "err", err)
			return
		}
		body = buf.Bytes()
	}
	body, err := withMeta(body, m)
	if err != nil {
		l.log.Warn("image cannot be kept in the disk cache", "src", s.src, "err", err)
		return
	}
	l.save(s, ext, body, prefetch)
}

// save writes body as s's file, within the disk cap. A prefetch round does
// not evict what it fetched itself (nor anything shown since it began): a
// cap too small for every showable picture keeps the ones it holds rather
// than churning through them on every round.
func (l *Loader) save(s source, ext string, body []byte, prefetch bool) {
	now := time.Now()
	protect := now
	if prefetch {
		protect = l.disk.roundStart()
	}
	name := s.key + ext
	// The cap counts blocks, as du does: the file will take its size
	// rounded up to them.
	need := roundBlock(int64(len(body)))
	if !l.disk.evict(need, l.diskLimit(), protect) {
		if prefetch {
			l.disk.full(name)
		}
		l.log.Warn("picture not kept on disk: the state directory is at its size cap (state_dir_max_mb)", "src", s.src,
			"cap", sizeText(l.o.DiskLimit))
		return
	}
	p := filepath.Join(l.o.Dir, name)
	err := store.WriteFile(p, body)
	if errors.Is(err, fs.ErrNotExist) {
		// The directory was deleted under the running kiosk (someone
		// clearing state_dir): make it again, with everything in it gone.
		if merr := os.MkdirAll(l.o.Dir, 0o755); merr == nil {
			l.log.Warn("image cache directory was deleted while running; made it again", "dir", l.o.Dir)
			l.disk.reset()
			err = store.WriteFile(p, body)
		}
	}
	if err != nil {
		l.log.Warn("image cannot be kept in the disk cache; it will be fetched again after a restart", "src", s.src, "path", p, "err", err)
		return
	}
	// The other extension's file, if any, is an older copy.
	for _, e := range cacheExts {
		if e != ext {
			l.disk.remove(s.key + e)
		}
	}
	used := need
	if fi, err := os.Stat(p); err == nil {
		used = DiskBytes(fi)
	}
	l.disk.added(name, used, now)
	if used > need {
		// The file system took more than the rounding said (larger
		// blocks, a block of its own bookkeeping): make room again,
		// sparing the picture just kept.
		l.disk.evict(0, l.diskLimit(), now)
	}
}

// readFile reads path, or only its first 4 KiB (where the metadata is)
// unless whole is set.
func readFile(path string, whole bool) ([]byte, error) {
	if whole {
		return os.ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, err := io.ReadFull(f, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return buf[:n], err
}

// prune removes temp files left by a crash, cache files unused for MaxAge
// and those of an earlier cache version.
func (l *Loader) prune() {
	entries, err := os.ReadDir(l.o.Dir)
	if err != nil {
		l.log.Warn("image cache directory cannot be listed", "dir", l.o.Dir, "err", err)
		return
	}
	cutoff := time.Now().Add(-l.o.MaxAge)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		stale := strings.HasPrefix(name, store.TempPrefix)
		if !stale {
			if fi, err := e.Info(); err == nil && isCacheName(name) && (fi.ModTime().Before(cutoff) || !strings.Contains(name, cacheVersion+".")) {
				stale = true
			}
		}
		if stale {
			if err := os.Remove(filepath.Join(l.o.Dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				l.log.Warn("stale cached image cannot be removed", "path", filepath.Join(l.o.Dir, name), "err", err)
			}
		}
	}
}

// isCacheName reports whether name looks like a file the Loader wrote, so
// that prune never removes anything else someone put in the directory.
func isCacheName(name string) bool {
	ext := filepath.Ext(name)
	if ext != ".jpg" && ext != ".png" {
		return false
	}
	stem := strings.TrimSuffix(name, ext)
	hash, _, ok := strings.Cut(stem, "-")
	if !ok || len(hash) != 64 {
		return false
	}
	_, err := hex.DecodeString(hash)
	return err == nil
}
