package images

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"lobbykiosk/feeds/fetch"
)

// PrefetchReport is what one Prefetch round did.
type PrefetchReport struct {
	Fetched   int // new or changed pictures fetched and kept
	Unchanged int // pictures the server confirmed unchanged (304)
	Kept      int // already on disk and checked recently: no request
	Failed    int // could not be fetched or decoded (each logged)
	Full      int // fetched but not kept: the disk cap is reached
}

func (r PrefetchReport) String() string {
	return fmt.Sprintf("%d fetched, %d unchanged, %d already kept, %d failed, %d not kept (disk cap)",
		r.Fetched, r.Unchanged, r.Kept, r.Failed, r.Full)
}

// Prefetch makes sure every remote picture in srcs is in the disk cache, so
// the screen has it when the network is gone: a picture not on disk is
// fetched, decoded and kept; one on disk that was last checked more than
// Recheck ago is asked for with its validators (a conditional GET), and
// left alone when unchanged. At most Prefetchers fetches run at once, and
// decoding stays one at a time. Local files need nothing: they are at hand
// offline. Prefetch does not fill the memory cache, which holds what is on
// screen.
func (l *Loader) Prefetch(ctx context.Context, srcs []string) PrefetchReport {
	var rep PrefetchReport
	if l.disk == nil {
		return rep
	}
	l.disk.beginRound(time.Now())
	seen := map[string]bool{}
	var todo []source
	for _, src := range srcs {
		if src == "" || seen[src] {
			continue
		}
		seen[src] = true
		s, err := l.resolve(src)
		if err != nil || !s.remote {
			continue
		}
		todo = append(todo, s)
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		work = make(chan source)
	)
	count := func(p *int) {
		mu.Lock()
		*p++
		mu.Unlock()
	}
	for range min(l.o.Prefetchers, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				switch err := l.prefetchOne(ctx, s); {
				case err == nil:
					count(&rep.Fetched)
				case errors.Is(err, errUnchanged):
					count(&rep.Unchanged)
				case errors.Is(err, errKept):
					count(&rep.Kept)
				case errors.Is(err, errFailedRecently):
					count(&rep.Failed)
				case errors.Is(err, ErrUnnamed):
					// Its post left the feed while the round ran:
					// nothing to fetch, nothing failed.
				case ctx.Err() != nil:
				default:
					count(&rep.Failed)
					l.failed(s.key)
					l.log.Warn("picture not fetched ahead; the slide will try again when it shows", "err", err)
				}
			}
		}()
	}
	for _, s := range todo {
		select {
		case work <- s:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
	rep.Full = l.disk.missedCount()
	rep.Fetched -= rep.Full
	return rep
}

// ErrUnnamed is wrapped by a Fetch that refuses a picture because no post
// or leaderboard names it any more (its post left its feed): nothing is
// wrong with the picture, so it is neither logged nor remembered as failed.
var ErrUnnamed = errors.New("no post names this picture any more")

var (
	errUnchanged      = errors.New("unchanged")
	errKept           = errors.New("kept and checked recently")
	errFailedRecently = errors.New("failed recently")
)

// retryFailed is how long a round leaves alone a picture that failed (a
// damaged file, a 404): feeds change every few minutes, and each change
// must not download the same broken picture again. A slide showing the post
// still tries.
const retryFailed = time.Hour

// failed notes that fetching key ahead failed now.
func (l *Loader) failed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failures == nil {
		l.failures = map[string]time.Time{}
	}
	now := time.Now()
	for k, t := range l.failures {
		if now.Sub(t) > retryFailed {
			delete(l.failures, k)
		}
	}
	l.failures[key] = now
}

func (l *Loader) failedRecently(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.failures[key]
	return ok && time.Since(t) < retryFailed
}

func (l *Loader) prefetchOne(ctx context.Context, s source) error {
	if l.failedRecently(s.key) {
		return errFailedRecently
	}
	p, _, m, ok := l.onDisk(s, false)
	if ok {
		if time.Since(m.checked) < l.o.Recheck {
			return errKept
		}
		body, r, err := l.read(ctx, s, m)
		if err != nil {
			return fmt.Errorf("image %s: %w", s.src, err)
		}
		if body == nil {
			// 304: keep the copy, note when it was confirmed, in
			// the file itself so the next start knows.
			m.checked = time.Now()
			if r.ETag != "" {
				m.etag = r.ETag
			}
			if r.LastModified != "" {
				m.lastModified = r.LastModified
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return fmt.Errorf("image %s: cached copy: %w", s.src, err)
			}
			if img, err := stripMeta(data); err == nil {
				if body, err := withMeta(img, m); err == nil {
					l.save(s, filepath.Ext(p), body, true)
				}
			}
			return errUnchanged
		}
		// Changed: decode it as a new picture. What memory holds is
		// the old one; let the next Get read the new copy.
		l.mem.Remove(s.key)
		d, err := l.decodeOne(ctx, body, false)
		if err != nil {
			return fmt.Errorf("image %s: %w", s.src, err)
		}
		nm := meta{original: d.pic.Original, focus: d.pic.Focus, faces: d.pic.Faces,
			etag: r.ETag, lastModified: r.LastModified, checked: time.Now()}
		l.toDisk(s, d, body, nm, true)
		return nil
	}
	_, _, err := l.join(ctx, s, false)
	return err
}

// ClientFetch is the Fetch for a feeds/fetch client: its conditional GET,
// timeouts, body cap and User-Agent, the same as for feeds.
func ClientFetch(c *fetch.Client) func(context.Context, Request) (Response, error) {
	return func(ctx context.Context, r Request) (Response, error) {
		res, err := c.Get(ctx, r.URL, fetch.Validators{ETag: r.ETag, LastModified: r.LastModified})
		if err != nil {
			return Response{}, err
		}
		return Response{Body: res.Body, NotModified: res.NotModified,
			ETag: res.Validators.ETag, LastModified: res.Validators.LastModified}, nil
	}
}
