package admin

import (
	_ "embed"
	"net/http"
)

// script keeps the page where it is after an action (static/admin.js).
// It is served by the page itself: the LAN may have no internet.
//
//go:embed static/admin.js
var script []byte

func serveScript(w http.ResponseWriter, r *http.Request, _ *session) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(script)
}
