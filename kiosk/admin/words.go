package admin

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"lobbykiosk/kiosk/locale"
)

// The page speaks the kiosk's language (the hub's, on the console): the
// same Locale and translation files as the screen, keys prefixed "admin.".
// What comes from the system (a feed's error, a file path, a policy's
// reason) stays as the system wrote it.

// words is the Locale the page is in now: a config reload that changes
// `language` changes the next page.
func (s *Server) words() *locale.Locale {
	if l := s.eng.CurrentConfig().Locale; l != nil {
		return l
	}
	return locale.English()
}

// count writes a whole number grouped and in the locale's digits.
func count(l *locale.Locale, n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := l.Number(b.String())
	if neg {
		out = "-" + out
	}
	return out
}

// plural is key's plural form for n, with n written the locale's way.
func plural(l *locale.Locale, key string, n int) string { return l.N(key, n, count(l, n)) }

// stamp is a time the page shows, with its zone, the kiosk's, which need
// not be the browser's: "Sat 21 Nov, 13:00 CET", "Sa., 21. Nov., 13:00 CET".
func stamp(l *locale.Locale, t time.Time, loc *time.Location, withYear bool) string {
	t = t.In(loc)
	days := strings.Split(l.T("admin.weekdays"), "|")
	day := ""
	if len(days) == 7 {
		day = days[t.Weekday()]
	}
	return l.T("admin.stamp", map[string]any{
		"Weekday": day, "Date": l.Date(t, withYear),
		"Time": l.Number(t.Format("15:04")), "Zone": t.Format("MST"),
	})
}

// clockTime is a time of day with seconds and its zone: "13:00:05 CET".
func clockTime(l *locale.Locale, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return l.Number(t.Format("15:04:05")) + " " + t.Format("MST")
}

// ago words a duration for a person glancing at a phone.
func ago(l *locale.Locale, d time.Duration) string {
	switch {
	case d < 0:
		return l.T("admin.ago.future")
	case d < time.Minute:
		return l.T("age.now")
	case d < time.Hour:
		return plural(l, "age.minutes", int(d/time.Minute))
	case d < 48*time.Hour:
		return plural(l, "age.hours", int(d/time.Hour))
	case d < 60*24*time.Hour:
		return plural(l, "admin.ago.days", int(d/(24*time.Hour)))
	}
	return plural(l, "admin.ago.months", int(d/(30*24*time.Hour)))
}

// ahead words a wait for a person glancing at a phone.
func ahead(l *locale.Locale, d time.Duration) string {
	switch {
	case d <= 0:
		return l.T("admin.ahead.now")
	case d < time.Minute:
		return l.T("admin.ahead.soon")
	case d < time.Hour:
		return plural(l, "admin.ahead.minutes", int((d+time.Minute-1)/time.Minute))
	case d < 48*time.Hour:
		return plural(l, "admin.ahead.hours", int(d/time.Hour))
	}
	return plural(l, "admin.ahead.days", int(d/(24*time.Hour)))
}

// wait words how long something takes: "1 second", "52 seconds", "3 minutes".
func wait(l *locale.Locale, d time.Duration) string {
	n := seconds(d)
	switch {
	case n < 2:
		return plural(l, "admin.wait.seconds", 1)
	case n < 120:
		return plural(l, "admin.wait.seconds", n)
	}
	return plural(l, "admin.wait.minutes", (n+59)/60)
}

// quoted is a post's text clipped and in the language's quotation marks.
func quoted(l *locale.Locale, text string, n int) string {
	return l.T("admin.quote", map[string]any{"Text": isolated(l, clip(text, n))})
}

// isolated keeps text from elsewhere (a post, a name, a policy's reason),
// which may run the other way, in its own order inside a right-to-left
// sentence (Unicode's first-strong isolate); left-to-right sentences need
// nothing, and keep no invisible characters.
func isolated(l *locale.Locale, s string) string {
	if !l.RTL() || s == "" {
		return s
	}
	return "\u2068" + s + "\u2069"
}

// list joins names the way a sentence lists them ("Berlin, Lisbon").
func list(l *locale.Locale, names []string) string {
	return strings.Join(names, l.T("admin.list.separator"))
}

// withSpan is the translation of key with the placeholder named span
// wrapped in <span id=span>…</span>, the rest escaped: for a number the
// page's script updates inside a translated sentence.
func withSpan(l *locale.Locale, key, span, value string, data map[string]any) template.HTML {
	const mark = "\x00"
	data[span] = mark
	before, after, _ := strings.Cut(l.T(key, data), mark)
	esc := template.HTMLEscapeString
	return template.HTML(esc(before) + `<span id="` + esc(strings.ToLower(span)) + `">` + esc(value) + `</span>` + esc(after))
}
