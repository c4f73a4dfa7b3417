package fleet

import (
	"net/http"

	"lobbykiosk/kiosk/config"
)

// HubAuth wraps base so that every request to the hub's origin (scheme,
// host and port of hub) carries "Authorization: Bearer token", and no other
// request does: the header is decided per request, so a redirect from the
// hub to another host goes there without the token, and a feed or picture
// on any other host never sees it. base nil means http.DefaultTransport.
func HubAuth(base http.RoundTripper, hub, token string) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if hub == "" || token == "" {
		return base
	}
	return &hubAuth{base: base, hub: hub, token: token}
}

type hubAuth struct {
	base       http.RoundTripper
	hub, token string
}

func (a *hubAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Authorization") != "" || !config.SameOrigin(r.URL.String(), a.hub) {
		return a.base.RoundTrip(r)
	}
	// A RoundTripper must not change the caller's request.
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+a.token)
	return a.base.RoundTrip(r)
}
