package hub

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

//go:embed templates/fleet.html
var templates embed.FS

var fleetTemplate = template.Must(template.ParseFS(templates, "templates/fleet.html"))

// fleetView is the Fleet page.
type fleetView struct {
	// Console: the moderation console shares this listener (links to it).
	Console         bool
	Hub             string
	Now             string
	Online, Offline int
	Published       int
	Kiosks          []kioskView
}

type kioskView struct {
	Name, Site                      string
	Online                          bool
	Thumb, ThumbAge                 string
	BeatAge, BeatAt                 string
	Missed                          int
	OnScreen, Failing               string
	Version, ConfigVersion, Problem string
	Error                           string
}

// fleetPage lists every kiosk, offline ones first: what it shows, when it
// last said so, and a picture of its screen.
func (h *Hub) fleetPage(w http.ResponseWriter, r *http.Request) {
	now := h.o.Now()
	loc := h.cfg.Location
	posts := h.postTexts()
	v := fleetView{Hub: h.cfg.Name, Now: now.In(loc).Format("15:04:05 MST"), Console: h.o.SignedIn != nil}
	h.pub.mu.Lock()
	if h.pub.cur != nil {
		v.Published = len(h.pub.cur.items)
	}
	h.pub.mu.Unlock()
	var offline, online []kioskView
	for _, k := range h.fleet.list() {
		kv := kioskView{Name: k.Name, Site: k.Site, Online: k.Online(now), BeatAge: since(now.Sub(k.LastBeat)),
			BeatAt: k.LastBeat.In(loc).Format("2006-01-02 15:04:05 MST"), Version: k.Version, ConfigVersion: k.ConfigVersion,
			Failing: strings.Join(k.FailingSources, ", "), Error: k.Error}
		if k.FleetError != "" {
			kv.Error = strings.TrimSpace(kv.Error + " " + k.FleetError)
		}
		if k.Status != "ok" {
			kv.Problem = k.Status
		}
		if !kv.Online {
			kv.Missed = int(now.Sub(k.LastBeat) / (time.Duration(max(k.EverySeconds, 1)) * time.Second))
		}
		if k.Thumb != "" {
			kv.Thumb = "/kiosk/" + url.PathEscape(k.Name) + "/screen.jpg?at=" + strconv.FormatInt(k.ThumbAt.Unix(), 10)
			kv.ThumbAge = since(now.Sub(k.ThumbAt))
		}
		kv.OnScreen = onScreen(k, posts)
		if kv.Online {
			online = append(online, kv)
		} else {
			offline = append(offline, kv)
		}
	}
	v.Online, v.Offline = len(online), len(offline)
	v.Kiosks = append(offline, online...)
	var b bytes.Buffer
	if err := fleetTemplate.Execute(&b, v); err != nil {
		http.Error(w, "fleet page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

// onScreen words what a kiosk said it shows: a post by its author and the
// start of its text when the hub knows the post.
func onScreen(k Kiosk, posts map[string]string) string {
	switch {
	case !k.DisplayOn:
		return "display off (outside display hours)"
	case k.Slide == "":
		return "not reported"
	case k.Slide == "post":
		if s, ok := posts[k.PostID]; ok {
			return "post: " + s
		}
		return "post " + k.PostID + " (from one of the site's own sources)"
	}
	return k.Slide
}

// postTexts maps the published posts' IDs to "Author: “text…”".
func (h *Hub) postTexts() map[string]string {
	h.pub.mu.Lock()
	defer h.pub.mu.Unlock()
	out := map[string]string{}
	if h.pub.cur == nil {
		return out
	}
	for _, it := range h.pub.cur.items {
		out[it.ID] = it.Authors[0].Name + ": “" + clipRunes(it.ContentText, 80) + "”"
	}
	return out
}

// apiFleet is the kiosks as JSON, with whether each is online.
func (h *Hub) apiFleet(w http.ResponseWriter, r *http.Request) {
	now := h.o.Now()
	type entry struct {
		Kiosk
		Online bool `json:"online"`
	}
	list := h.fleet.list()
	out := make([]entry, len(list))
	for i, k := range list {
		out[i] = entry{Kiosk: k, Online: k.Online(now)}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}
