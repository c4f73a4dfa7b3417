package hub

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// TestFleetPageInTheHubsLanguage: the Fleet page, which the console links
// to, speaks the hub's language: headings, states, counts in the
// language's plural forms and digits, dates with its month names.
func TestFleetPageInTheHubsLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"de", []string{`<html lang="de" dir="ltr">`, "<h1>Standorte</h1>", "1 Kiosk · 0 online, 1 offline", "Beiträge veröffentlicht",
			"diese Seite lädt alle 30 s neu", `<span class="pill offline">offline</span>`, "<dt>Letzte Meldung</dt>", "vor 3 Min.",
			"— 3 Meldungen verpasst", "<dt>Fehlerhaft</dt>", "Beitrag: ", "noch kein Bild vom Bildschirm"}},
		{"ar", []string{`<html lang="ar" dir="rtl">`, "<h1>المكاتب</h1>", "كشك واحد · متصل: ٠، غير متصل: ١", "<dt>آخر إشارة</dt>",
			"قبل ٣ دقائق", "— فُقدت ٣ إشارات", "منشور: "}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			o := newOrigin(t)
			th := newTestHubIn(t, o, tc.lang, "")
			if r := th.send(t, http.MethodPost, "/beat", beatJSON(t, berlinBeat(th))); r.StatusCode != http.StatusNoContent {
				t.Fatalf("heartbeat: %s", r.Status)
			}
			th.clock.Add(3*time.Minute + time.Second)
			_, page := th.get(t, "/fleet", bearer(token1)...)
			for _, want := range tc.want {
				if !bytes.Contains(page, []byte(want)) {
					t.Errorf("the %s Fleet page lacks %q", tc.lang, want)
				}
			}
			for _, english := range []string{"Last beat", "heartbeats missed", "Failing", "no screen picture", "refreshes every", "posts published", ">Fleet<"} {
				if bytes.Contains(page, []byte(english)) {
					t.Errorf("the %s Fleet page still says %q", tc.lang, english)
				}
			}
			if t.Failed() {
				t.Logf("%s", page)
			}
		})
	}
}
