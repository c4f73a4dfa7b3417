package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"
)

// result is one fleet size's figures.
type result struct {
	kiosks            int
	window            time.Duration
	requests, errors  int
	notModified, gets int
	p50, p99, max     time.Duration
	hubCPU, selfCPU   float64 // % of one core
	hubRSS, hubPeak   int64   // bytes
	originFetches     int
	originPerMinute   float64
	warmup            time.Duration
	statuses          map[int]int
	firstErr          string
	speed             float64
}

func (r result) rate() float64 { return float64(r.requests) / r.window.Seconds() }

func (r result) line() string {
	return fmt.Sprintf("kiosks=%d window=%s requests=%d rps=%.1f p50=%s p99=%s max=%s errors=%d 304=%.0f%% hub_cpu=%.1f%% hub_rss=%dMiB hub_peak=%dMiB self_cpu=%.1f%% origin_fetches=%d (%.1f/min) warmup=%s statuses=%v %s",
		r.kiosks, r.window, r.requests, r.rate(), ms(r.p50), ms(r.p99), ms(r.max), r.errors, r.share304(), r.hubCPU,
		r.hubRSS>>20, r.hubPeak>>20, r.selfCPU, r.originFetches, r.originPerMinute, r.warmup.Round(100*time.Millisecond), r.statuses, r.firstErr)
}

func (r result) share304() float64 {
	if r.gets == 0 {
		return 0
	}
	return 100 * float64(r.notModified) / float64(r.gets)
}

func (r result) markdown() string {
	return fmt.Sprintf("| %d | %.0f | %s | %s | %s | %d | %.0f %% | %.0f | %d MiB (%d) | %.0f | %d in %s |",
		r.kiosks, r.rate(), ms(r.p50), ms(r.p99), ms(r.max), r.errors, r.share304(), r.hubCPU, r.hubRSS>>20, r.hubPeak>>20,
		r.selfCPU, r.originFetches, r.window.Round(time.Second))
}

func ms(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.0f ms", float64(d)/1e6)
}

// sample is one request's outcome.
type sample struct {
	took   time.Duration
	status int
	get    bool
	err    bool
}

// recorder gathers samples while measuring.
type recorder struct {
	mu       sync.Mutex
	on       bool
	samples  []sample
	firstErr string
}

func (r *recorder) add(s sample, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.on {
		return
	}
	r.samples = append(r.samples, s)
	if err != nil && r.firstErr == "" {
		r.firstErr = err.Error()
	}
}

// kiosk is one simulated kiosk: its own connection, its validators.
type kiosk struct {
	name, site string
	client     *http.Client
	etags      map[string]string
}

// task is something a kiosk does every `every`.
type task struct {
	every time.Duration
	do    func(ctx context.Context, k *kiosk) (sample, error)
}

// simulate runs n kiosks against the hub at base: a warm-up in which each
// fetches everything once and introduces itself, then the measured window.
func simulate(ctx context.Context, o options, n int, base, token string, hubPID int, org *origin) (result, error) {
	thumb := thumbnail()
	rec := &recorder{}
	get := func(path string) func(ctx context.Context, k *kiosk) (sample, error) {
		return func(ctx context.Context, k *kiosk) (sample, error) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
			if et := k.etags[path]; et != "" {
				req.Header.Set("If-None-Match", et)
			}
			s, resp, err := k.do(req, token)
			s.get = true
			if err == nil && resp.StatusCode == http.StatusOK {
				k.etags[path] = resp.Header.Get("ETag")
			}
			return s, err
		}
	}
	beat := func(ctx context.Context, k *kiosk) (sample, error) {
		body, _ := json.Marshal(map[string]any{"name": k.name, "site": k.site, "version": "hubload", "config_version": "0123abcd",
			"status": "ok", "display_on": true, "slide": "post", "posts_shown": 40, "sources": 3, "every_seconds": int(time.Minute.Seconds() / o.speed)})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"beat", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		s, _, err := k.do(req, token)
		return s, err
	}
	putThumb := func(ctx context.Context, k *kiosk) (sample, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPut, base+"kiosk/"+url.PathEscape(k.name)+"/screen.jpg", bytes.NewReader(thumb))
		req.Header.Set("Content-Type", "image/jpeg")
		s, _, err := k.do(req, token)
		return s, err
	}
	scale := func(d time.Duration) time.Duration { return time.Duration(float64(d) / o.speed) }
	tasks := []task{
		{scale(o.refresh), get("content/posts.json")},
		{scale(o.refresh), get("revocations.json")},
		{scale(5 * o.refresh), get("content/wins.json")},
		{scale(5 * o.refresh), get("content/leaderboard.json")},
		{scale(5 * time.Minute), get("fleet.toml")},
		{scale(time.Minute), beat},
		{scale(5 * time.Minute), putThumb},
	}

	kiosks := make([]*kiosk, n)
	for i := range kiosks {
		kiosks[i] = &kiosk{name: fmt.Sprintf("kiosk-%05d", i), site: fmt.Sprintf("site-%03d", i%200), etags: map[string]string{},
			client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1, IdleConnTimeout: 10 * time.Minute}}}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	warmed := make(chan struct{}, n)
	for _, k := range kiosks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer k.client.CloseIdleConnections()
			// A kiosk's start: it introduces itself and fetches everything,
			// spread over the warm-up as a fleet's boots would be.
			if !sleep(ctx, time.Duration(rand.Int64N(int64(o.warmup/2)))) {
				return
			}
			for _, t := range tasks {
				s, err := t.do(ctx, k)
				rec.add(s, err)
			}
			warmed <- struct{}{}
			k.loop(ctx, tasks, rec)
		}()
	}
	// The warm-up ends when every kiosk has fetched everything.
	for i := 0; i < n; i++ {
		select {
		case <-warmed:
		case <-ctx.Done():
			return result{}, ctx.Err()
		}
	}
	warmup := time.Since(start)
	if rest := o.warmup - warmup; rest > 0 {
		sleep(ctx, rest)
	}

	cpu0, _ := procCPU(hubPID)
	self0 := selfCPU()
	fetches0 := org.fetches()
	rec.mu.Lock()
	rec.on = true
	rec.mu.Unlock()
	t0 := time.Now()
	sleep(ctx, o.duration)
	rec.mu.Lock()
	rec.on = false
	samples := rec.samples
	firstErr := rec.firstErr
	rec.mu.Unlock()
	window := time.Since(t0)
	cpu1, _ := procCPU(hubPID)
	self1 := selfCPU()
	fetches := org.fetches() - fetches0
	rss, peak := procMemory(hubPID)
	cancel()
	wg.Wait()

	r := result{kiosks: n, window: window, warmup: warmup, statuses: map[int]int{}, firstErr: firstErr, speed: o.speed,
		hubCPU: 100 * (cpu1 - cpu0).Seconds() / window.Seconds(), selfCPU: 100 * (self1 - self0).Seconds() / window.Seconds(),
		hubRSS: rss, hubPeak: peak, originFetches: fetches, originPerMinute: float64(fetches) / window.Minutes()}
	lat := make([]time.Duration, 0, len(samples))
	for _, s := range samples {
		r.requests++
		if s.err {
			r.errors++
			continue
		}
		r.statuses[s.status]++
		if s.status >= 400 {
			r.errors++
		}
		if s.get {
			r.gets++
			if s.status == http.StatusNotModified {
				r.notModified++
			}
		}
		lat = append(lat, s.took)
	}
	r.p50, r.p99, r.max = percentiles(lat)
	return r, nil
}

// loop runs every task of the kiosk on its schedule (each with a random
// phase) until ctx ends.
func (k *kiosk) loop(ctx context.Context, tasks []task, rec *recorder) {
	next := make([]time.Time, len(tasks))
	now := time.Now()
	for i, t := range tasks {
		next[i] = now.Add(time.Duration(rand.Int64N(int64(t.every))))
	}
	for {
		i := 0
		for j := range next {
			if next[j].Before(next[i]) {
				i = j
			}
		}
		if !sleep(ctx, time.Until(next[i])) {
			return
		}
		s, err := tasks[i].do(ctx, k)
		if ctx.Err() != nil {
			return
		}
		rec.add(s, err)
		next[i] = next[i].Add(tasks[i].every)
	}
}

func (k *kiosk) do(req *http.Request, token string) (sample, *http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("User-Agent", "hubload (lobbykiosk fleet simulation)")
	start := time.Now()
	resp, err := k.client.Do(req)
	if err != nil {
		return sample{took: time.Since(start), err: true}, nil, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	s := sample{took: time.Since(start), status: resp.StatusCode, err: err != nil}
	return s, resp, err
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// percentiles of the latencies: p50, p99 and the largest.
func percentiles(d []time.Duration) (p50, p99, most time.Duration) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	at := func(q float64) time.Duration {
		i := int(q*float64(len(d))+0.5) - 1
		return d[min(max(i, 0), len(d)-1)]
	}
	return at(0.50), at(0.99), d[len(d)-1]
}

// thumbnail is what a kiosk sends: a 480×270 JPEG with a screen's detail.
func thumbnail() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 480, 270))
	r := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < 270; y++ {
		for x := 0; x < 480; x++ {
			v := uint8(x/2 + y/3 + r.IntN(40))
			img.Set(x, y, color.RGBA{v, v / 2, 255 - v, 255})
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 70})
	return b.Bytes()
}
