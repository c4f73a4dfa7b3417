// Package images turns the pictures that posts, authors and leaderboards
// point at into images ready for the screen: fetched or read once, checked
// before they are decoded, shrunk once to the display size, kept on disk so
// they survive restarts and network loss, and held in memory within a byte
// budget.
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
	"time"
)

// Options configures a Loader. Zero values take the defaults.
type Options struct {
	Dir       string // disk cache for shrunk images (state_dir/images); "" keeps none
	Budget    int64  // bytes of decoded pixels held in memory, default 8 MiB
	MaxWidth  int    // display size to shrink into, keeping the aspect ratio;
	MaxHeight int    // default 1920×1080
	MaxBytes  int64  // largest encoded image accepted, default 15 MiB
	MaxPixels int    // largest pixel count a header may claim, default 50 megapixels
	// Fetch gets http(s) images; nil refuses them. It should cap the body
	// and time out itself; the Loader checks MaxBytes again.
	Fetch func(ctx context.Context, url string) ([]byte, error)

	// Decoders is how many images may be decoded at once, default 1: a
	// 50-megapixel decode takes about 200 MB, and a Pi has little to spare.
	Decoders int
	// MaxAge is how long an unused file stays in the disk cache, default
	// 30 days; older ones are removed when the Loader is created.
	MaxAge time.Duration
	Logger *slog.Logger // default slog.Default()
}

// Defaults. DefaultBudget holds a slide's pictures (a post's screen-sized
// picture and avatar, a leaderboard's dozen avatars) about twice over. More
// would buy little: a picture comes round again only after the whole
// rotation, by when reading its shrunk copy from the disk cache
// (milliseconds) is cheaper than having held its pixels in memory all along.
// (At 16 MiB the demo's 13 pictures still missed on every round, and the
// kiosk held 8 MiB more.)
const (
	DefaultBudget    = 8 << 20
	DefaultMaxWidth  = 1920
	DefaultMaxHeight = 1080
	DefaultMaxBytes  = 15 << 20
	DefaultMaxPixels = 50_000_000
	DefaultMaxAge    = 30 * 24 * time.Hour
)

// Loader serves images for the screen. It is safe for concurrent use.
type Loader struct {
	o      Options
	log    *slog.Logger
	mem    *ByteLRU[string, image.Image]
	decode chan struct{} // semaphore on concurrent decodes

	mu       sync.Mutex
	inflight map[string]*call

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
// removed from it.
func New(o Options) (*Loader, error) {
	if o.Budget == 0 {
		o.Budget = DefaultBudget
	}
	if o.MaxWidth == 0 {
		o.MaxWidth = DefaultMaxWidth
	}
	if o.MaxHeight == 0 {
		o.MaxHeight = DefaultMaxHeight
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
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	switch {
	case o.Budget < 0, o.MaxWidth < 0, o.MaxHeight < 0, o.MaxBytes < 0, o.MaxPixels < 0, o.Decoders < 0, o.MaxAge < 0:
		return nil, fmt.Errorf("image settings must not be negative (budget %d, display %d×%d, max bytes %d, max pixels %d, decoders %d, max age %s)",
			o.Budget, o.MaxWidth, o.MaxHeight, o.MaxBytes, o.MaxPixels, o.Decoders, o.MaxAge)
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
		l.prune()
	}
	return l, nil
}

// Stats reports how many images are held in memory and the bytes their
// pixels take.
func (l *Loader) Stats() (entries int, bytes int64) { return l.mem.Len(), l.mem.Bytes() }

// Get returns the image for src — an http(s) URL, fetched with Options.Fetch,
// or a local file path or file:// URL — shrunk to fit the display size. It
// comes from memory, else from the disk cache, else it is fetched or read,
// checked, decoded and shrunk once, written to the disk cache and kept in
// memory. Concurrent Gets of one src share one load. The image is shared:
// callers must not draw into it.
func (l *Loader) Get(ctx context.Context, src string) (image.Image, error) {
	if src == "" {
		return nil, errors.New("image: no address given")
	}
	s, err := l.resolve(src)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", src, err)
	}
	if img, ok := l.mem.Get(s.key); ok {
		return img, nil
	}
	for {
		img, shared, err := l.join(ctx, s)
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

// join runs the load of s, or waits for the one already running.
func (l *Loader) join(ctx context.Context, s source) (img image.Image, shared bool, err error) {
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
	if img, ok := l.mem.Get(s.key); ok {
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

	c.img, c.err = l.load(ctx, s)
	if c.err != nil {
		c.err = fmt.Errorf("image %s: %w", s.src, c.err)
		return nil, false, c.err
	}
	l.mem.Add(s.key, c.img)
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
	s.key = fmt.Sprintf("%s-%dx%d", hex.EncodeToString(sum[:]), l.o.MaxWidth, l.o.MaxHeight)
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

func (l *Loader) load(ctx context.Context, s source) (image.Image, error) {
	if img, ok := l.fromDisk(s); ok {
		return img, nil
	}
	data, err := l.read(ctx, s)
	if err != nil {
		return nil, err
	}
	select {
	case l.decode <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	d, err := decode(data, l.o.MaxWidth, l.o.MaxHeight, l.o.MaxPixels)
	<-l.decode
	if err != nil {
		return nil, err
	}
	// A local picture that needed no work is as quick to read again as
	// a copy would be; anything fetched is kept for when the network is gone.
	if l.o.Dir != "" && (s.remote || d.scaled) {
		l.toDisk(s, d, data)
	}
	return d.img, nil
}

func (l *Loader) read(ctx context.Context, s source) ([]byte, error) {
	if s.remote {
		if l.o.Fetch == nil {
			return nil, errors.New("web images are not allowed here (no fetcher configured)")
		}
		data, err := l.o.Fetch(ctx, s.url)
		if err != nil {
			return nil, err
		}
		if int64(len(data)) > l.o.MaxBytes {
			return nil, fmt.Errorf("%s, over the %s limit", sizeText(int64(len(data))), sizeText(l.o.MaxBytes))
		}
		return data, nil
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, fileError(err)
	}
	defer f.Close()
	// Read one byte past the limit to tell "exactly at" from "over".
	data, err := io.ReadAll(io.LimitReader(f, l.o.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > l.o.MaxBytes {
		return nil, fmt.Errorf("file is over the %s limit", sizeText(l.o.MaxBytes))
	}
	return data, nil
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

func (l *Loader) fromDisk(s source) (image.Image, bool) {
	if l.o.Dir == "" {
		return nil, false
	}
	for _, ext := range cacheExts {
		p := filepath.Join(l.o.Dir, s.key+ext)
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			l.log.Warn("cached image cannot be read; loading it again", "src", s.src, "path", p, "err", err)
			continue
		}
		img, err := Decode(data, l.o.MaxWidth, l.o.MaxHeight, l.o.MaxPixels)
		if err != nil {
			l.log.Warn("cached image is damaged; removing it and loading it again", "src", s.src, "path", p, "err", err)
			_ = os.Remove(p)
			continue
		}
		// Used files are kept by prune; the time says it was used.
		now := time.Now()
		_ = os.Chtimes(p, now, now)
		return img, true
	}
	return nil, false
}

// toDisk writes the shrunk image to the disk cache: the original bytes when
// they already are the picture as shown, else PNG when it has transparency
// and JPEG otherwise. Failure only costs a reload later, so it is logged.
func (l *Loader) toDisk(s source, d decoded, original []byte) {
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
		if opaque(d.img) {
			ext = ".jpg"
			err = jpeg.Encode(&buf, d.img, &jpeg.Options{Quality: 90})
		} else {
			ext = ".png"
			err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, d.img)
		}
		if err != nil {
			l.log.Warn("image cannot be encoded for the disk cache", "src", s.src, "err", err)
			return
		}
		body = buf.Bytes()
	}
	p := filepath.Join(l.o.Dir, s.key+ext)
	if err := writeAtomic(p, body); err != nil {
		l.log.Warn("image cannot be kept in the disk cache; it will be fetched again after a restart", "src", s.src, "path", p, "err", err)
	}
}

const tempPrefix = ".tmp-"

// writeAtomic writes body to path through a temp file and a rename, so a
// crash leaves either no file or a whole one.
func writeAtomic(path string, body []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), tempPrefix+"*")
	if err != nil {
		return err
	}
	_, err = f.Write(body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

// prune removes temp files left by a crash and cache files unused for
// MaxAge, so the cache does not grow for as long as the kiosk runs.
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
		stale := strings.HasPrefix(name, tempPrefix)
		if !stale {
			if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) && isCacheName(name) {
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
