package health

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"

	"lobbykiosk/feeds/moderate"
	kcontent "lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/playlist"
)

// Metrics serves GET /metrics in the Prometheus text format. It carries
// names and numbers only — no URLs, no error messages — but those names
// (the kiosk's, its version, every source's) are for its own people: the
// caller serves it to a signed-in user or a scraper with the metrics token.
func (m *Monitor) Metrics() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var b bytes.Buffer
		m.WriteMetrics(&b)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(b.Bytes())
	})
}

// metricWriter writes one family at a time: HELP, TYPE, then its samples.
type metricWriter struct{ b *bytes.Buffer }

func (w metricWriter) family(name, typ, help string) {
	fmt.Fprintf(w.b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// sample writes name{k="v",…} value; labels come in key, value pairs.
func (w metricWriter) sample(name string, v float64, labels ...string) {
	w.b.WriteString(name)
	if len(labels) > 0 {
		w.b.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				w.b.WriteByte(',')
			}
			fmt.Fprintf(w.b, `%s="%s"`, labels[i], escapeLabel(labels[i+1]))
		}
		w.b.WriteByte('}')
	}
	w.b.WriteByte(' ')
	w.b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	w.b.WriteByte('\n')
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// WriteMetrics writes every metric in the Prometheus text format.
func (m *Monitor) WriteMetrics(b *bytes.Buffer) {
	now := m.o.Now()
	rep := m.Report(now)
	e := m.o.Engine
	w := metricWriter{b}

	w.family("lobbykiosk_info", "gauge", "The kiosk's name and version (always 1).")
	w.sample("lobbykiosk_info", 1, "version", m.o.Version, "name", rep.Name)

	w.family("lobbykiosk_up", "gauge", "1 when /healthz says ok, 0 when it says error.")
	w.sample("lobbykiosk_up", bool01(rep.Status == OK))

	w.family("lobbykiosk_start_time_seconds", "gauge", "When the kiosk started, in Unix seconds.")
	w.sample("lobbykiosk_start_time_seconds", float64(m.o.Started.Unix()))

	stats := e.Pipeline.Stats()
	w.family("lobbykiosk_fetches_total", "counter", "Source fetches since start, by result.")
	var ok, notModified int64
	for _, s := range stats {
		w.sample("lobbykiosk_fetches_total", float64(s.OK), "source", s.Name, "result", "ok")
		w.sample("lobbykiosk_fetches_total", float64(s.NotModified), "source", s.Name, "result", "not_modified")
		w.sample("lobbykiosk_fetches_total", float64(s.Errors), "source", s.Name, "result", "error")
		ok += s.OK
		notModified += s.NotModified
	}
	w.family("lobbykiosk_fetch_bytes_total", "counter", "Bytes of source bodies received since start, after decompression.")
	for _, s := range stats {
		w.sample("lobbykiosk_fetch_bytes_total", float64(s.Bytes), "source", s.Name)
	}
	w.family("lobbykiosk_not_modified_ratio", "gauge", "Share of good fetches answered 304 Not Modified since start (0 before any).")
	ratio := 0.0
	if ok+notModified > 0 {
		ratio = float64(notModified) / float64(ok+notModified)
	}
	w.sample("lobbykiosk_not_modified_ratio", ratio)

	w.family("lobbykiosk_source_up", "gauge", "1 when the source's last fetch succeeded (or its cache is in use), 0 when it is failing.")
	for _, s := range rep.Sources {
		w.sample("lobbykiosk_source_up", bool01(s.OK), "source", s.Name)
	}
	w.family("lobbykiosk_source_items", "gauge", "Items the source holds now.")
	for _, s := range rep.Sources {
		w.sample("lobbykiosk_source_items", float64(s.Items), "source", s.Name)
	}

	w.family("lobbykiosk_posts", "gauge", "Posts held now, by moderation status.")
	for _, st := range []moderate.Status{moderate.Shown, moderate.Pending, moderate.Rejected, moderate.Revoked, kcontent.Held} {
		w.sample("lobbykiosk_posts", float64(rep.Content.Posts[st]), "status", string(st))
	}

	if rep.Screen != nil {
		w.family("lobbykiosk_slides_shown_total", "counter", "Slides shown since start, by kind.")
		kinds := map[string]int64{}
		for _, k := range []playlist.Kind{playlist.Post, playlist.Wins, playlist.Leaderboard, playlist.Welcome} {
			kinds[string(k)] = 0
		}
		for k, n := range rep.Screen.ByKind {
			kinds[k] = n
		}
		names := make([]string, 0, len(kinds))
		for k := range kinds {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			w.sample("lobbykiosk_slides_shown_total", float64(kinds[k]), "kind", k)
		}
		w.family("lobbykiosk_display_on", "gauge", "1 while the screen is on (within display hours).")
		w.sample("lobbykiosk_display_on", bool01(rep.DisplayOn))
	}

	entries, imgBytes := e.Images.Stats()
	w.family("lobbykiosk_image_cache_entries", "gauge", "Decoded pictures held in memory.")
	w.sample("lobbykiosk_image_cache_entries", float64(entries))
	w.family("lobbykiosk_image_cache_bytes", "gauge", "Bytes of decoded pictures held in memory.")
	w.sample("lobbykiosk_image_cache_bytes", float64(imgBytes))

	w.family("lobbykiosk_process_resident_bytes", "gauge", "Resident memory of the kiosk process.")
	w.sample("lobbykiosk_process_resident_bytes", float64(residentBytes()))

	if rep.Fleet != nil {
		w.family("lobbykiosk_fleet_config_failures", "gauge", "Consecutive failed pulls of the central config (0: the last one was good).")
		w.sample("lobbykiosk_fleet_config_failures", float64(rep.Fleet.Failures))
		w.family("lobbykiosk_fleet_config_last_success_seconds", "gauge", "When the central config was last confirmed good, in Unix seconds (0: never).")
		last := 0.0
		if !rep.Fleet.LastSuccess.IsZero() {
			last = float64(rep.Fleet.LastSuccess.Unix())
		}
		w.sample("lobbykiosk_fleet_config_last_success_seconds", last)
	}
	if rep.Heartbeat != nil {
		w.family("lobbykiosk_heartbeats_total", "counter", "Heartbeats sent to headquarters since start, by result.")
		w.sample("lobbykiosk_heartbeats_total", float64(rep.Heartbeat.Sent), "result", "ok")
		w.sample("lobbykiosk_heartbeats_total", float64(rep.Heartbeat.Failed), "result", "error")
	}
}

// residentBytes is the process's resident set size from /proc; where there
// is no /proc, the memory the Go runtime holds from the system.
func residentBytes() int64 {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		return int64(s[0].Value.Uint64())
	}
	return 0
}
