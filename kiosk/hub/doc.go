package hub

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// doc is one published document: its bytes, compressed once, and the
// validators a conditional GET is answered from. A doc is never changed
// after it is built; a new version is a new doc.
type doc struct {
	body     []byte
	gz       []byte // nil when compressing would not pay
	etag     string // strong, from the bytes: `"<hex>"`
	modified time.Time
	ctype    string
	cache    string // Cache-Control
}

// newDoc builds a doc of body. modified is when this version first appeared
// (the hub keeps it across restarts for an unchanged body).
func newDoc(body []byte, ctype string, modified time.Time) *doc {
	sum := sha256.Sum256(body)
	d := &doc{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, modified: modified.UTC().Truncate(time.Second),
		ctype: ctype, cache: "no-cache"}
	if len(body) > 1024 {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if b.Len() < len(body)*9/10 {
			d.gz = b.Bytes()
		}
	}
	return d
}

// gzETag is the compressed form's ETag: a strong ETag names one
// representation, and the gzip one has other bytes.
func (d *doc) gzETag() string { return strings.TrimSuffix(d.etag, `"`) + `-gz"` }

// serve answers GET and HEAD for d, with a 304 when the client's validators
// match: If-None-Match first (either form's ETag, or "*"), else
// If-Modified-Since. "no-cache" lets any cache keep the document but makes it
// ask again each time, which costs the hub a 304.
func (d *doc) serve(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	useGz := d.gz != nil && acceptsGzip(r)
	etag := d.etag
	if useGz {
		etag = d.gzETag()
	}
	if d.gz != nil {
		hd.Set("Vary", "Accept-Encoding")
	}
	hd.Set("ETag", etag)
	hd.Set("Last-Modified", d.modified.Format(http.TimeFormat))
	hd.Set("Cache-Control", d.cache)
	if notModified(r, d.modified, d.etag, d.gzETag()) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := d.body
	if useGz {
		body = d.gz
		hd.Set("Content-Encoding", "gzip")
	}
	hd.Set("Content-Type", d.ctype)
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// notModified applies RFC 9110's rules for a GET: If-None-Match decides when
// present (a weak comparison), else If-Modified-Since at one-second
// precision.
func notModified(r *http.Request, modified time.Time, etags ...string) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" {
				return true
			}
			for _, e := range etags {
				if t == e {
					return true
				}
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil {
			return !modified.Truncate(time.Second).After(t)
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimSpace(params), "=")
		if !ok || strings.TrimSpace(k) != "q" {
			return true
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err != nil || q > 0
	}
	return false
}
