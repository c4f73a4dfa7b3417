package main

// The admin page in the office's language, in a real browser: a Berlin
// manager works through the queue in German, a manager in Cairo in Arabic
// (right to left). What the page's script writes (the bulk bar, the toast,
// the counts, the question before a revoke) is in the language too.
// Screenshots of each step are kept (LOBBYKIOSK_SHOTS) to look at.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestQueueInTheOfficesLanguageInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	requireTools(t, "chromium")
	for _, tc := range []localQueue{
		{lang: "de", dir: "ltr", heading: "Warten auf Freigabe", approve: "Freigeben", none: "Beiträge ankreuzen, um mehrere zu bearbeiten",
			approvedOne: "freigegeben. Er kommt mit der nächsten Folie in die Rotation.", picked: "2 ausgewählt", approvedTwo: "2 Beiträge freigegeben.",
			badgeAfter: "3", asked: "Diesen Beitrag zurückziehen? Er verschwindet mit der nächsten Folie vom Bildschirm und bleibt weg.",
			revoked: "zurückgezogen: Er verschwindet mit der nächsten Folie vom Bildschirm."},
		{lang: "ar", dir: "rtl", heading: "بانتظار الموافقة", approve: "موافقة", none: "حدّد منشورات للتعامل مع عدة منشورات معًا",
			approvedOne: "تمت الموافقة على", picked: "المحدد: ٢", approvedTwo: "تمت الموافقة على منشورين.",
			badgeAfter: "٣", asked: "سحب هذا المنشور؟ سيغادر الشاشة مع الشريحة التالية ولن يعود.",
			revoked: "سُحب"},
	} {
		t.Run(tc.lang, func(t *testing.T) { tc.run(t) })
	}
}

// localQueue is what a person reads at each step, in one language.
type localQueue struct {
	lang, dir, heading, approve, none            string
	approvedOne, picked, approvedTwo, badgeAfter string
	asked, revoked                               string
}

func (tc localQueue) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, password, _, served := busyKiosk(t, ctx, tc.lang, 4, 2)
	const width, height = 390, 844
	bctx := chromiumFor(t, ctx, width, height, true)
	tctx, tcancel := context.WithTimeout(bctx, 90*time.Second)
	defer tcancel()
	base := "http://" + addr
	text := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	name := tc.lang + "-phone"

	if err := chromedp.Do(tctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#password"))); err != nil {
		t.Fatal(err)
	}
	shot(t, tctx, name, "signin")
	signInChromium(t, tctx, base, password)
	if got := text(`document.documentElement.lang + " " + document.documentElement.dir + " " + getComputedStyle(document.body).direction`); got != tc.lang+" "+tc.dir+" "+tc.dir {
		t.Errorf("the page is %q, want lang %s and dir %s", got, tc.lang, tc.dir)
	}
	if got := text(`document.querySelector("h1").textContent`); got != tc.heading {
		t.Errorf("heading %q, want %q", got, tc.heading)
	}
	if got := text(`document.querySelector("article.post button[value=approve]").textContent`); got != tc.approve {
		t.Errorf("the Approve button says %q, want %q", got, tc.approve)
	}
	if got := text(`document.getElementById("picked").textContent`); got != tc.none {
		t.Errorf("the bulk bar says %q, want %q", got, tc.none)
	}
	// Right to left, the page reads from the right: the name after the
	// avatar, the first button on the right.
	if tc.dir == "rtl" {
		if got := text(`(function(){var c=document.querySelector("article.post"); var a=c.querySelector(".avatar").getBoundingClientRect(), n=c.querySelector(".name").getBoundingClientRect(); var b=c.querySelectorAll(".actions button"); return (a.left > n.left) + " " + (b[0].getBoundingClientRect().left > b[1].getBoundingClientRect().left)})()`); got != "true true" {
			t.Errorf("right to left, the avatar right of the name and Approve right of Reject: %s", got)
		}
	}
	if got := text(`document.body.innerText`); strings.Contains(got, "Approve") || strings.Contains(got, "Reject") || strings.Contains(got, "Sign out") || strings.Contains(got, "Queue") {
		t.Errorf("English left on the page:\n%s", got)
	}
	shot(t, tctx, name, "queue")

	first := text(`document.querySelector("article.post").dataset.post`)
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`#post-`+first+` button[value=approve]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#post-`+first)),
	); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`document.getElementById("toast").classList.contains("show")`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("approve: no message: %v", err)
	}
	if got := text(`document.getElementById("toast").textContent`); !strings.Contains(got, tc.approvedOne) {
		t.Errorf("after Approve the page says %q, want %q in it", got, tc.approvedOne)
	}
	shot(t, tctx, name, "approved-one")

	var picks []string
	for i := range 2 {
		picks = append(picks, text(fmt.Sprintf(`document.querySelectorAll("article.post")[%d].dataset.post`, i)))
	}
	for _, p := range picks {
		text(`(function(){document.querySelector('#post-` + p + ` input.pick').click(); return ""})()`)
	}
	if got := text(`document.getElementById("picked").textContent`); got != tc.picked {
		t.Errorf("with two ticked the bulk bar says %q, want %q", got, tc.picked)
	}
	shot(t, tctx, name, "two-selected")
	if err := chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`form.bulk button[value=approve]`))); err != nil {
		t.Fatal(err)
	}
	for _, p := range picks {
		if err := chromedp.Do(tctx, chromedp.WaitNotPresent(chromedp.CSS(`#post-`+p))); err != nil {
			t.Fatalf("bulk approve: %v", err)
		}
	}
	if got := text(`document.getElementById("toast").textContent`); !strings.HasPrefix(got, tc.approvedTwo) {
		t.Errorf("after Approve selected the page says %q, want it to start %q", got, tc.approvedTwo)
	}
	if got := text(`document.querySelector('[data-count="pending"]').textContent + " " + document.getElementById("showing").textContent`); got != tc.badgeAfter+" "+tc.badgeAfter {
		t.Errorf("the counts say %q, want %s in the language's digits", got, tc.badgeAfter)
	}
	shot(t, tctx, name, "bulk-approved")

	// Revoke asks first, in the language.
	if err := chromedp.Do(tctx, chromedp.Navigate(base+"/shown"), chromedp.WaitVisible(chromedp.CSS("article.post"))); err != nil {
		t.Fatal(err)
	}
	shot(t, tctx, name, "shown")
	text(`window.__asked = []; window.confirm = function (m) { window.__asked.push(m); return true }; ""`)
	rev := text(`document.querySelector("article.post").dataset.post`)
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`#post-`+rev+` button[value=revoke]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#post-`+rev)),
	); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if got := text(`window.__asked.join(" | ")`); got != tc.asked {
		t.Errorf("revoke asked %q, want %q", got, tc.asked)
	}
	if got := text(`document.getElementById("toast").textContent`); !strings.Contains(got, tc.revoked) {
		t.Errorf("after Revoke the page says %q, want %q in it", got, tc.revoked)
	}
	shot(t, tctx, name, "revoked")
	cancel()
	<-served
}
