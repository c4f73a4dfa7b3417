package hub

import (
	"bytes"
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/health"
)

// Health is the hub's /healthz for a token or a session.
type Health struct {
	Status        string              `json:"status"`
	Error         string              `json:"error,omitempty"`
	Name          string              `json:"name"`
	Version       string              `json:"version"`
	UptimeSeconds int64               `json:"uptime_seconds"`
	Published     time.Time           `json:"published,omitzero"` // the last publishing tick
	Documents     map[string]DocState `json:"documents"`
	Posts         PostCounts          `json:"posts"`
	Media         MediaCounts         `json:"media"`
	Kiosks        KioskCounts         `json:"kiosks"`
	Sources       []feeds.SourceState `json:"sources"`
	Problems      []string            `json:"problems,omitempty"`
}

// DocState is one published document's version.
type DocState struct {
	Modified time.Time `json:"modified"`
}

// PostCounts: approved posts, published, and waiting for their pictures.
type PostCounts struct {
	Shown     int `json:"shown"`
	Published int `json:"published"`
	Held      int `json:"waiting_for_pictures"`
}

// MediaCounts: the hub's pictures.
type MediaCounts struct {
	Files   int   `json:"files"`
	Bytes   int64 `json:"bytes"`
	Waiting int   `json:"waiting"`
	Failing int   `json:"failing"`
}

// KioskCounts: the kiosks that ever sent a heartbeat, by state.
type KioskCounts struct {
	Known   int `json:"known"`
	Online  int `json:"online"`
	Offline int `json:"offline"`
}

func (h *Hub) health(now time.Time) Health {
	rep := Health{Status: health.OK, Name: h.cfg.Name, Version: h.o.Version,
		UptimeSeconds: int64(now.Sub(h.started) / time.Second), Documents: map[string]DocState{},
		Problems: h.o.Engine.Problems}
	snap := h.o.Engine.Pipeline.Snapshot()
	rep.Sources = snap.Sources
	if rep.Sources == nil {
		rep.Sources = []feeds.SourceState{}
	}
	h.pub.mu.Lock()
	rep.Published = h.pub.last
	if e := h.pub.cur; e != nil {
		rep.Posts = PostCounts{Shown: e.shown, Published: len(e.items), Held: e.held}
	}
	for name, st := range h.pub.stamps {
		rep.Documents[name] = DocState{Modified: st.Modified}
	}
	cur := h.pub.cur
	h.pub.mu.Unlock()
	rep.Media.Files, rep.Media.Bytes, rep.Media.Waiting, rep.Media.Failing = h.media.state()
	for _, k := range h.fleet.list() {
		rep.Kiosks.Known++
		if k.Online(now) {
			rep.Kiosks.Online++
		} else {
			rep.Kiosks.Offline++
		}
	}
	switch {
	case cur == nil:
		rep.Status, rep.Error = health.Error, "nothing published yet"
	case allFailing(rep.Sources):
		rep.Status, rep.Error = health.Error, "every source is failing and none has content: the hub publishes nothing"
	}
	return rep
}

func allFailing(ss []feeds.SourceState) bool {
	if len(ss) == 0 {
		return false
	}
	for _, s := range ss {
		if s.OK || s.Items > 0 {
			return false
		}
	}
	return true
}

// metrics serves the Prometheus text format: per kiosk, the age of its last
// heartbeat and whether it is up (three missed beats: down), its display
// and failing sources; for the hub, its requests, content and pictures.
func (h *Hub) metrics(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	h.writeMetrics(&b, h.o.Now())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

func (h *Hub) writeMetrics(b *bytes.Buffer, now time.Time) {
	family := func(name, typ, help string) { fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ) }
	sample := func(name string, v float64, labels ...string) {
		b.WriteString(name)
		if len(labels) > 0 {
			b.WriteByte('{')
			for i := 0; i+1 < len(labels); i += 2 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(b, `%s="%s"`, labels[i], labelEscaper.Replace(labels[i+1]))
			}
			b.WriteByte('}')
		}
		b.WriteString(" " + strconv.FormatFloat(v, 'g', -1, 64) + "\n")
	}
	kiosks := h.fleet.list()
	family("lobbykiosk_hub_kiosk_up", "gauge", "1 while the kiosk's heartbeats arrive, 0 once three in a row are missing.")
	for _, k := range kiosks {
		sample("lobbykiosk_hub_kiosk_up", b01(k.Online(now)), "kiosk", k.Name, "site", k.Site)
	}
	family("lobbykiosk_hub_kiosk_last_beat_age_seconds", "gauge", "Seconds since the kiosk's last heartbeat.")
	for _, k := range kiosks {
		sample("lobbykiosk_hub_kiosk_last_beat_age_seconds", now.Sub(k.LastBeat).Seconds(), "kiosk", k.Name, "site", k.Site)
	}
	family("lobbykiosk_hub_kiosk_heartbeat_interval_seconds", "gauge", "How often the kiosk says it sends a heartbeat.")
	for _, k := range kiosks {
		sample("lobbykiosk_hub_kiosk_heartbeat_interval_seconds", float64(k.EverySeconds), "kiosk", k.Name, "site", k.Site)
	}
	family("lobbykiosk_hub_kiosk_display_on", "gauge", "1 when the kiosk's last heartbeat said its display is on (within display hours).")
	for _, k := range kiosks {
		sample("lobbykiosk_hub_kiosk_display_on", b01(k.DisplayOn), "kiosk", k.Name, "site", k.Site)
	}
	family("lobbykiosk_hub_kiosk_healthy", "gauge", "1 when the kiosk's last heartbeat reported status ok.")
	for _, k := range kiosks {
		sample("lobbykiosk_hub_kiosk_healthy", b01(k.Status == health.OK), "kiosk", k.Name, "site", k.Site)
	}
	family("lobbykiosk_hub_kiosk_sources_failing", "gauge", "Sources the kiosk reported failing in its last heartbeat.")
	for _, k := range kiosks {
		sample("lobbykiosk_hub_kiosk_sources_failing", float64(len(k.FailingSources)), "kiosk", k.Name, "site", k.Site)
	}

	stats := h.stats.snapshot()
	keys := make([][2]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+" "+keys[i][1] < keys[j][0]+" "+keys[j][1] })
	family("lobbykiosk_hub_requests_total", "counter", "Requests answered, by endpoint and HTTP status (304: a kiosk's copy was current).")
	for _, k := range keys {
		sample("lobbykiosk_hub_requests_total", float64(stats[k]), "endpoint", k[0], "code", k[1])
	}
	rep := h.health(now)
	family("lobbykiosk_hub_posts_published", "gauge", "Approved posts in /content/posts.json.")
	sample("lobbykiosk_hub_posts_published", float64(rep.Posts.Published))
	family("lobbykiosk_hub_posts_waiting_for_pictures", "gauge", "Approved posts held back while their pictures are fetched.")
	sample("lobbykiosk_hub_posts_waiting_for_pictures", float64(rep.Posts.Held))
	family("lobbykiosk_hub_document_modified_timestamp_seconds", "gauge", "When each published document last changed.")
	names := make([]string, 0, len(rep.Documents))
	for n := range rep.Documents {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sample("lobbykiosk_hub_document_modified_timestamp_seconds", float64(rep.Documents[n].Modified.Unix()), "document", n)
	}
	family("lobbykiosk_hub_source_ok", "gauge", "1 when the source's last fetch succeeded.")
	for _, s := range rep.Sources {
		sample("lobbykiosk_hub_source_ok", b01(s.OK), "source", s.Name)
	}
	family("lobbykiosk_hub_media_files", "gauge", "Pictures the hub serves.")
	sample("lobbykiosk_hub_media_files", float64(rep.Media.Files))
	family("lobbykiosk_hub_media_bytes", "gauge", "Bytes of the pictures the hub serves.")
	sample("lobbykiosk_hub_media_bytes", float64(rep.Media.Bytes))
	family("lobbykiosk_hub_media_failing", "gauge", "Pictures the hub could not fetch or read.")
	sample("lobbykiosk_hub_media_failing", float64(rep.Media.Failing))
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	family("lobbykiosk_hub_go_heap_bytes", "gauge", "Go heap in use.")
	sample("lobbykiosk_hub_go_heap_bytes", float64(ms.HeapInuse))
}

// labelEscaper writes a label value as the Prometheus text format wants it.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func b01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
