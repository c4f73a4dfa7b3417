package images

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// diskIndex is what the Loader knows of its disk cache: every file's size
// on disk (its blocks: see DiskBytes) and when its picture was last shown, so that the cache can be held under a
// cap by evicting the pictures shown least recently, while running. The
// time a picture was shown is kept in its file's modification time (touched
// at most hourly), so the order survives a restart.
type diskIndex struct {
	dir string
	log *slog.Logger

	mu     sync.Mutex
	files  map[string]*diskFile // by file name
	total  int64
	round  time.Time           // when the running prefetch round began
	missed map[string]struct{} // pictures a round could not keep
}

type diskFile struct {
	size int64 // on disk, in whole blocks
	used time.Time
	// touched is the modification time on disk, which lags used by up to
	// touchEvery.
	touched time.Time
}

// touchEvery bounds the writes that keeping the order on disk costs: a
// picture shown every few minutes touches its file once an hour.
const touchEvery = time.Hour

func newDiskIndex(dir string, log *slog.Logger) *diskIndex {
	return &diskIndex{dir: dir, log: log, files: map[string]*diskFile{}}
}

// scan reads the directory into the index.
func (d *diskIndex) scan() {
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		d.log.Warn("image cache directory cannot be listed", "dir", d.dir, "err", err)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.files, d.total = map[string]*diskFile{}, 0
	for _, e := range entries {
		if e.IsDir() || !isCacheName(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		size := DiskBytes(fi)
		d.files[e.Name()] = &diskFile{size: size, used: fi.ModTime(), touched: fi.ModTime()}
		d.total += size
	}
}

func (d *diskIndex) stats() (int, int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.files), d.total
}

// used records that the picture cached under key was shown at t.
func (d *diskIndex) used(key string, t time.Time) {
	d.mu.Lock()
	var touch []string
	for _, ext := range cacheExts {
		if f, ok := d.files[key+ext]; ok {
			f.used = t
			if t.Sub(f.touched) >= touchEvery {
				f.touched = t
				touch = append(touch, key+ext)
			}
		}
	}
	d.mu.Unlock()
	for _, name := range touch {
		_ = os.Chtimes(filepath.Join(d.dir, name), t, t)
	}
}

// added records a file just written, taking size bytes on disk.
func (d *diskIndex) added(name string, size int64, t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.files[name]; ok {
		d.total -= old.size
	}
	d.files[name] = &diskFile{size: size, used: t, touched: t}
	d.total += size
	delete(d.missed, name)
}

// remove deletes a file and forgets it.
func (d *diskIndex) remove(name string) {
	d.mu.Lock()
	if f, ok := d.files[name]; ok {
		d.total -= f.size
		delete(d.files, name)
	}
	d.mu.Unlock()
	if err := os.Remove(filepath.Join(d.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		d.log.Warn("cached image cannot be removed", "path", filepath.Join(d.dir, name), "err", err)
	}
}

// forget drops a file that is no longer there.
func (d *diskIndex) forget(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if f, ok := d.files[name]; ok {
		d.total -= f.size
		delete(d.files, name)
	}
}

// reset forgets every file: the directory was deleted.
func (d *diskIndex) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.files, d.total = map[string]*diskFile{}, 0
}

// evict removes the least recently shown files until need more bytes fit
// under limit (0: no limit), sparing files shown or written at or after
// protect. It reports whether they fit.
func (d *diskIndex) evict(need, limit int64, protect time.Time) bool {
	if limit == 0 {
		return true
	}
	d.mu.Lock()
	if d.total+need <= limit {
		d.mu.Unlock()
		return true
	}
	type cand struct {
		name string
		f    *diskFile
	}
	var cands []cand
	for name, f := range d.files {
		if protect.IsZero() || f.used.Before(protect) {
			cands = append(cands, cand{name, f})
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].f.used.Before(cands[j].f.used) })
	var gone []string
	for _, c := range cands {
		if d.total+need <= limit {
			break
		}
		d.total -= c.f.size
		delete(d.files, c.name)
		gone = append(gone, c.name)
	}
	fits := d.total+need <= limit
	d.mu.Unlock()
	for _, name := range gone {
		if err := os.Remove(filepath.Join(d.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			d.log.Warn("cached image cannot be removed", "path", filepath.Join(d.dir, name), "err", err)
		}
	}
	if len(gone) > 0 {
		d.log.Info("pictures evicted from the disk cache to stay under the cap", "files", len(gone))
	}
	return fits
}

// beginRound marks the start of a prefetch round and returns it.
func (d *diskIndex) beginRound(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.round = t
	d.missed = map[string]struct{}{}
}

func (d *diskIndex) roundStart() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.round
}

// full records that the running round could not keep name.
func (d *diskIndex) full(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.missed != nil {
		d.missed[name] = struct{}{}
	}
}

func (d *diskIndex) missedCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.missed)
}
