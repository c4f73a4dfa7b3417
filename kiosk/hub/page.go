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

	"lobbykiosk/kiosk/locale"
)

//go:embed templates/fleet.html
var templates embed.FS

var fleetTemplate = template.Must(template.New("fleet.html").Funcs(template.FuncMap{"dict": dict}).ParseFS(templates, "templates/fleet.html"))

// dict makes the data of a translation with placeholders in the template.
func dict(kv ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// fleetView is the Fleet page, in the hub's language (the console's).
type fleetView struct {
	L *locale.Locale
	// Summary is the line under the heading: kiosks, online, posts.
	Summary string
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
	Missed                          string
	OnScreen, Failing               string
	Version, ConfigVersion, Problem string
	Error                           string
}

// fleetPage lists every kiosk, offline ones first: what it shows, when it
// last said so, and a picture of its screen.
func (h *Hub) fleetPage(w http.ResponseWriter, r *http.Request) {
	now := h.o.Now()
	loc := h.cfg.Location
	l := h.cfg.Locale
	if l == nil {
		l = locale.English()
	}
	posts := h.postTexts()
	v := fleetView{L: l, Hub: h.cfg.Name, Now: timeOfDay(l, now, loc), Console: h.o.SignedIn != nil}
	h.pub.mu.Lock()
	if h.pub.cur != nil {
		v.Published = len(h.pub.cur.items)
	}
	h.pub.mu.Unlock()
	var offline, online []kioskView
	for _, k := range h.fleet.list() {
		kv := kioskView{Name: k.Name, Site: k.Site, Online: k.Online(now), BeatAge: ago(l, now.Sub(k.LastBeat)),
			BeatAt: l.Date(k.LastBeat.In(loc), true) + ", " + timeOfDay(l, k.LastBeat, loc), Version: k.Version, ConfigVersion: k.ConfigVersion,
			Failing: strings.Join(k.FailingSources, ", "), Error: k.Error}
		if k.FleetError != "" {
			kv.Error = strings.TrimSpace(kv.Error + " " + k.FleetError)
		}
		if k.Status != "ok" {
			kv.Problem = k.Status
		}
		if !kv.Online {
			n := int(now.Sub(k.LastBeat) / (time.Duration(max(k.EverySeconds, 1)) * time.Second))
			kv.Missed = l.N("admin.fleet.missed", n, l.Int(n))
		}
		if k.Thumb != "" {
			kv.Thumb = "/kiosk/" + url.PathEscape(k.Name) + "/screen.jpg?at=" + strconv.FormatInt(k.ThumbAt.Unix(), 10)
			kv.ThumbAge = ago(l, now.Sub(k.ThumbAt))
		}
		kv.OnScreen = onScreen(l, k, posts)
		if kv.Online {
			online = append(online, kv)
		} else {
			offline = append(offline, kv)
		}
	}
	v.Online, v.Offline = len(online), len(offline)
	n := len(online) + len(offline)
	v.Summary = strings.Join([]string{
		h.cfg.Name,
		l.N("admin.fleet.kiosks", n, l.Int(n)),
		l.T("admin.fleet.states", map[string]any{"Online": l.Int(v.Online), "Offline": l.Int(v.Offline)}),
		l.N("admin.fleet.published", v.Published, l.Int(v.Published)),
		l.T("admin.fleet.as_of", map[string]any{"Time": v.Now}),
		l.T("admin.fleet.refresh"),
	}, " · ")
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
func onScreen(l *locale.Locale, k Kiosk, posts map[string]string) string {
	switch {
	case !k.DisplayOn:
		return l.T("admin.fleet.display_off")
	case k.Slide == "":
		return l.T("admin.fleet.not_reported")
	case k.Slide == "post":
		if s, ok := posts[k.PostID]; ok {
			return l.T("admin.fleet.post", map[string]any{"Post": s})
		}
		return l.T("admin.fleet.site_post", map[string]any{"ID": k.PostID})
	case k.Slide == "wins" || k.Slide == "leaderboard" || k.Slide == "welcome":
		return l.T("admin.kind." + k.Slide)
	}
	return k.Slide
}

// ago words how long ago something was, for the Fleet page: "12 s ago",
// "5 min ago", "3 h ago", "2 days ago", in the hub's language.
func ago(l *locale.Locale, d time.Duration) string {
	switch {
	case d < 2*time.Minute:
		n := max(int(d/time.Second), 0)
		return l.N("admin.fleet.seconds_ago", n, l.Int(n))
	case d < 2*time.Hour:
		n := int(d / time.Minute)
		return l.N("age.minutes", n, l.Int(n))
	case d < 48*time.Hour:
		n := int(d / time.Hour)
		return l.N("age.hours", n, l.Int(n))
	}
	n := int(d / (24 * time.Hour))
	return l.N("admin.ago.days", n, l.Int(n))
}

// timeOfDay is a time of day with seconds and its zone: "14:05:09 CET".
func timeOfDay(l *locale.Locale, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return l.Number(t.Format("15:04:05")) + " " + t.Format("MST")
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
