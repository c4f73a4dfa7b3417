package health_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"lobbykiosk/kiosk/engine"
	"lobbykiosk/kiosk/health"
)

// value finds the sample of family name whose labels include want.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no metric %s", name)
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch f.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue()
		default:
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("no %s%v", name, want)
	return 0
}

// /metrics is valid Prometheus text and counts what happened: a fetch, a
// 304, failures, slides by kind, a failed heartbeat.
func TestMetrics(t *testing.T) {
	e, _ := newEngine(t, "")
	e.RefreshOnce(context.Background())
	e.RefreshOnce(context.Background()) // news answers 304 this time
	player := screen{engine.Current{On: true, Count: 7, Updated: time.Now(), ByKind: map[string]int64{"post": 5, "wins": 2}}}
	m := health.New(health.Options{Version: "1.2.3", Engine: e, Player: player, HeartbeatTimeout: time.Second})
	if err := m.SendHeartbeat(context.Background(), "http://127.0.0.1:9/down"); err == nil {
		t.Fatal("a heartbeat to a closed port succeeded")
	}

	rec := httptest.NewRecorder()
	m.Metrics().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("content type %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatalf("not Prometheus text: %v\n%s", err, rec.Body)
	}
	feed, err := os.ReadFile(filepath.Join("testdata", "news.rss"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"lobbykiosk_info", map[string]string{"version": "1.2.3", "name": "HQ Lobby"}, 1},
		{"lobbykiosk_up", nil, 1},
		{"lobbykiosk_fetches_total", map[string]string{"source": "news", "result": "ok"}, 1},
		{"lobbykiosk_fetches_total", map[string]string{"source": "news", "result": "not_modified"}, 1},
		{"lobbykiosk_fetches_total", map[string]string{"source": "news", "result": "error"}, 0},
		{"lobbykiosk_fetches_total", map[string]string{"source": "team", "result": "error"}, 2},
		{"lobbykiosk_fetch_bytes_total", map[string]string{"source": "news"}, float64(len(feed))},
		{"lobbykiosk_not_modified_ratio", nil, 0.5},
		{"lobbykiosk_source_up", map[string]string{"source": "news"}, 1},
		{"lobbykiosk_source_up", map[string]string{"source": "team"}, 0},
		{"lobbykiosk_posts", map[string]string{"status": "shown"}, 1},
		{"lobbykiosk_posts", map[string]string{"status": "rejected"}, 1},
		{"lobbykiosk_slides_shown_total", map[string]string{"kind": "post"}, 5},
		{"lobbykiosk_slides_shown_total", map[string]string{"kind": "wins"}, 2},
		{"lobbykiosk_slides_shown_total", map[string]string{"kind": "leaderboard"}, 0},
		{"lobbykiosk_display_on", nil, 1},
		{"lobbykiosk_image_cache_entries", nil, 0},
		{"lobbykiosk_heartbeats_total", map[string]string{"result": "error"}, 1},
		{"lobbykiosk_heartbeats_total", map[string]string{"result": "ok"}, 0},
	}
	for _, tc := range cases {
		if got := value(t, fams, tc.name, tc.labels); got != tc.want {
			t.Errorf("%s%v = %g, want %g", tc.name, tc.labels, got, tc.want)
		}
	}
	if rss := value(t, fams, "lobbykiosk_process_resident_bytes", nil); rss < 1<<20 {
		t.Errorf("resident bytes = %g, implausibly small", rss)
	}
	if fams["lobbykiosk_fetches_total"].GetType() != dto.MetricType_COUNTER {
		t.Errorf("fetches_total is a %v", fams["lobbykiosk_fetches_total"].GetType())
	}
}

// Label values with quotes, backslashes and newlines are escaped.
func TestMetricsEscapesLabels(t *testing.T) {
	e, _ := newEngine(t, "")
	cfg := *e.CurrentConfig()
	cfg.Name = "Lobby \"A\"\\B\nC"
	e.Reconfigure(&cfg)
	m := health.New(health.Options{Version: "1.2.3", Engine: e})
	rec := httptest.NewRecorder()
	m.Metrics().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.Body)
	}
	if v := value(t, fams, "lobbykiosk_info", map[string]string{"name": cfg.Name}); v != 1 {
		t.Errorf("info = %g", v)
	}
}

// A heartbeat endpoint that never answers costs one timeout, is counted, and
// holds nothing up; a working one receives the summary.
func TestHeartbeat(t *testing.T) {
	e, _ := newEngine(t, "")
	e.RefreshOnce(context.Background())

	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })

	var mu sync.Mutex
	var got []health.Beat
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b health.Beat
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || json.Unmarshal(body, &b) != nil {
			http.Error(w, "bad beat", http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, b)
		mu.Unlock()
	}))
	t.Cleanup(ok.Close)

	m := health.New(health.Options{Version: "1.2.3", Engine: e, HeartbeatTimeout: 50 * time.Millisecond})
	err := m.SendHeartbeat(context.Background(), hang.URL+"/beat")
	if err == nil || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("hanging endpoint: %v", err)
	}
	if hb := m.Report(time.Now()).Heartbeat; hb == nil || hb.Failed != 1 || hb.Sent != 0 || !strings.Contains(hb.LastError, "no answer") {
		t.Errorf("after a hang: %+v", hb)
	}

	if err := m.SendHeartbeat(context.Background(), ok.URL+"/beat"); err != nil {
		t.Fatal(err)
	}
	hb := m.Report(time.Now()).Heartbeat
	if hb.Sent != 1 || hb.Failed != 1 || hb.LastError != "" || hb.LastSuccess.IsZero() {
		t.Errorf("after a good beat: %+v", hb)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("beats received: %d", len(got))
	}
	b := got[0]
	if b.Name != "HQ Lobby" || b.Version != "1.2.3" || b.ConfigVersion != e.ConfigVersion() || b.Status != "ok" ||
		b.Sources != 2 || b.SourcesFailing != 1 || b.PostsShown != 1 {
		t.Errorf("beat = %+v", b)
	}
}

// RunHeartbeat ends with its context even while a beat hangs.
func TestRunHeartbeatStops(t *testing.T) {
	e, _ := newEngine(t, "")
	hit := make(chan struct{}, 1)
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case hit <- struct{}{}:
		default:
		}
		<-release
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	m := health.New(health.Options{Engine: e, HeartbeatTimeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.RunHeartbeat(ctx, hang.URL, time.Minute, nil); close(done) }()
	<-hit
	cancel()
	<-done
	if hb := m.Report(time.Now()).Heartbeat; hb == nil || hb.Failed != 1 {
		t.Errorf("cancelled beat: %+v", hb)
	}
}
