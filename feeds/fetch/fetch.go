// Package fetch is the polite fetcher every source goes through: conditional
// requests so an unchanged feed costs one small round trip and no parse, a
// per-request timeout, a body cap applied after decompression, a User-Agent
// that names the kiosk, and failures worded for the person who reads the
// source's health. The backoff policy that decides when to try again lives
// here too (NextTry), next to the errors it reads.
package fetch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	// DefaultMaxBody is the body cap when Client.MaxBody is zero. Real feeds
	// are well under a megabyte; ten leaves room for a fat one.
	DefaultMaxBody int64 = 10 << 20
	// DefaultTimeout is the per-request limit when Client.Timeout is zero.
	DefaultTimeout = 20 * time.Second
	// MaxRedirects is how many redirects one Get follows.
	MaxRedirects = 5
)

// Validators identify the version of a resource the caller already holds.
type Validators struct{ ETag, LastModified string }

// Response is one fetch's outcome. When NotModified is set the caller keeps
// what it has and must not parse: Body is nil.
type Response struct {
	Body        []byte
	NotModified bool
	Validators  Validators // to send next time
	Status      int        // HTTP status; for files 200, or 304 when unchanged
	ContentType string
	URL         string // final URL after redirects, or the file path
}

// Client fetches URLs and files. The zero value works (with the defaults
// below and a generic User-Agent); New is the usual way to get one.
type Client struct {
	// HTTP is nil for a shared client built like New's; a client supplied
	// here keeps its own redirect policy.
	HTTP      *http.Client
	UserAgent string        // "lobbykiosk/<version> (+office lobby display)"
	MaxBody   int64         // bytes, applied after decompression; 0 means DefaultMaxBody
	Timeout   time.Duration // per request, headers and body; 0 means DefaultTimeout
}

// New returns a Client with its own transport (proxy settings from the
// environment, gzip negotiated by the transport) that follows at most
// MaxRedirects redirects, and only to http and https.
func New(version string) *Client {
	return &Client{
		HTTP:      newHTTPClient(),
		UserAgent: userAgent(version),
		MaxBody:   DefaultMaxBody,
		Timeout:   DefaultTimeout,
	}
}

func userAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return "lobbykiosk/" + version + " (+office lobby display)"
}

func newHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}
}

// defaultHTTP serves zero-value Clients; built once so they share connections.
var defaultHTTP = newHTTPClient()

// redirectError is returned by checkRedirect; describe words it.
type redirectError struct {
	to       string
	tooMany  bool
	badProto bool
}

func (e *redirectError) Error() string {
	if e.tooMany {
		return fmt.Sprintf("more than %d redirects", MaxRedirects)
	}
	return "redirect to " + e.to + ", which is not http or https"
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	// via holds the requests already made, so len(via) redirects have been
	// answered when this one is asked about.
	if len(via) > MaxRedirects {
		return &redirectError{to: req.URL.String(), tooMany: true}
	}
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return &redirectError{to: req.URL.String(), badProto: true}
	}
	return nil
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

func (c *Client) maxBody() int64 {
	if c.MaxBody > 0 {
		return c.MaxBody
	}
	return DefaultMaxBody
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// Get fetches rawURL, sending If-None-Match / If-Modified-Since from v. A 304,
// or a 200 that carries the very ETag that was sent, comes back NotModified
// with no body. Every failure, including a non-2xx status, is an *Error.
func (c *Client) Get(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, &Error{URL: rawURL, Err: err,
			msg: fmt.Sprintf("%q is not a URL: %v", rawURL, unwrapURLError(err))}
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, &Error{URL: rawURL, Err: errNotHTTP,
			msg: fmt.Sprintf("only http and https URLs can be fetched, not %q (for a local file give a path instead)", rawURL)}
	}
	rawURL = u.String()

	reqCtx, cancel := context.WithTimeout(ctx, c.timeout())
	// The body is read under reqCtx too, so the timeout covers a server that
	// sends headers and then trickles.
	defer cancel()

	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &Error{URL: rawURL, Err: err, msg: fmt.Sprintf("cannot fetch %s: %v", rawURL, err)}
	}
	ua := c.UserAgent
	if ua == "" {
		ua = userAgent("")
	}
	req.Header.Set("User-Agent", ua)
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	// No Accept-Encoding here: set by hand it would switch off the
	// transport's transparent gzip, and the cap must count decompressed bytes.

	resp, err := c.httpClient().Do(req)
	if err != nil {
		// On a refused redirect Do also returns the last response, body closed.
		return nil, c.describe(ctx, reqCtx, rawURL, err)
	}
	defer resp.Body.Close()

	final := resp.Request.URL.String()
	from := ""
	if final != rawURL {
		from = rawURL
	}
	out := &Response{
		Status:      resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		URL:         final,
	}

	switch {
	case resp.StatusCode == http.StatusNotModified:
		if v == (Validators{}) {
			// The caller has nothing to keep, so "not modified" is no answer.
			drain(resp.Body)
			return nil, &Error{URL: final, Status: resp.StatusCode, Temporary: true, Err: errUnasked,
				msg: fmt.Sprintf("%s answered 304 Not Modified to a request that asked for the whole feed", final)}
		}
		out.NotModified = true
		out.Validators = v
		if et := resp.Header.Get("ETag"); et != "" {
			out.Validators.ETag = et
		}
		if lm := resp.Header.Get("Last-Modified"); lm != "" {
			out.Validators.LastModified = lm
		}
		drain(resp.Body)
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		drain(resp.Body)
		return nil, statusError(resp, final, from)
	}

	out.Validators = Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	if v.ETag != "" && out.Validators.ETag == v.ETag {
		// Some servers ignore If-None-Match but still send the same ETag:
		// the content is the one the caller holds, so skip body and parse.
		out.NotModified = true
		if out.Validators.LastModified == "" {
			out.Validators.LastModified = v.LastModified
		}
		drain(resp.Body)
		return out, nil
	}

	limit := c.maxBody()
	if !resp.Uncompressed && resp.ContentLength > limit {
		return nil, tooLarge(final, limit)
	}
	var buf bytes.Buffer
	if !resp.Uncompressed && resp.ContentLength > 0 {
		// One allocation for the common case of a declared length; the
		// extra MinRead lets ReadFrom see EOF without growing.
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, c.describe(ctx, reqCtx, final, err)
	}
	if n > limit {
		return nil, tooLarge(final, limit)
	}
	out.Body = buf.Bytes()
	return out, nil
}

// drain reads a little of what is left so the connection can be reused,
// without letting a misbehaving server keep us reading.
func drain(body io.Reader) {
	_, _ = io.CopyN(io.Discard, body, 4<<10)
}

// statusError builds the *Error for a non-2xx answer.
func statusError(resp *http.Response, final, from string) *Error {
	e := &Error{URL: final, Status: resp.StatusCode, Temporary: temporaryStatus(resp.StatusCode)}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), resp.Header.Get("Date"), time.Now())
	}
	e.Err = StatusError(resp.StatusCode)
	var b strings.Builder
	b.WriteString(statusLine(resp.StatusCode, resp.Status))
	b.WriteString(" from ")
	b.WriteString(final)
	if from != "" {
		b.WriteString(" (redirected from ")
		b.WriteString(from)
		b.WriteString(")")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	e.msg = b.String()
	return e
}

// StatusError is the cause wrapped by an *Error for a non-2xx answer, so
// errors.Is(err, fetch.StatusError(404)) reads naturally.
type StatusError int

func (s StatusError) Error() string { return statusLine(int(s), "") }

func statusLine(code int, status string) string {
	if t := http.StatusText(code); t != "" {
		return strconv.Itoa(code) + " " + t
	}
	if status != "" && status != strconv.Itoa(code) {
		return status
	}
	return "status " + strconv.Itoa(code)
}

func temporaryStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return code >= 500
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date. A date is
// measured against the server's own Date header when there is one: a Pi
// without a clock battery may be hours off before NTP syncs. The result is
// clamped to [MinRetryAfter, MaxRetryAfter]; 0 means no usable header.
func parseRetryAfter(v, date string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0
		}
		if secs > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else {
		at, err := http.ParseTime(v)
		if err != nil {
			return 0
		}
		if sent, err := http.ParseTime(date); err == nil {
			now = sent
		}
		d = at.Sub(now)
	}
	return clampRetryAfter(d)
}

func clampRetryAfter(d time.Duration) time.Duration {
	return min(max(d, MinRetryAfter), MaxRetryAfter)
}

// Open reads a local file under the same contract as Get: the file's size and
// modification time are its validator, so an unchanged file is NotModified
// and is not even read. The body cap applies.
func (c *Client) Open(ctx context.Context, path string, v Validators) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, &Error{URL: path, Err: err, Temporary: true, msg: fmt.Sprintf("reading file %s was cancelled", path)}
	}
	if path == "" {
		return nil, &Error{Err: errNoPath, msg: "no file path given"}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	// Stat before reading: if the file changes while we read, the next call
	// sees a newer validator and reads it again.
	fi, err := f.Stat()
	if err != nil {
		return nil, fileError(path, err)
	}
	if fi.IsDir() {
		return nil, &Error{URL: path, Err: errIsDir, msg: fmt.Sprintf("file %s: is a folder, not a file", path)}
	}
	out := &Response{
		Status:      http.StatusOK,
		ContentType: mime.TypeByExtension(filepath.Ext(path)),
		URL:         path,
		Validators:  fileValidators(fi),
	}
	if v.ETag != "" && v.ETag == out.Validators.ETag {
		out.NotModified = true
		out.Status = http.StatusNotModified
		return out, nil
	}
	limit := c.maxBody()
	if fi.Size() > limit {
		return nil, fileTooLarge(path, limit)
	}
	var buf bytes.Buffer
	if fi.Mode().IsRegular() && fi.Size() > 0 {
		buf.Grow(int(fi.Size()) + bytes.MinRead)
	}
	// The limit still applies while reading: the file may grow under us, and
	// pipes and devices report no size.
	n, err := buf.ReadFrom(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fileError(path, err)
	}
	if n > limit {
		return nil, fileTooLarge(path, limit)
	}
	out.Body = buf.Bytes()
	return out, nil
}

func fileValidators(fi os.FileInfo) Validators {
	mt := fi.ModTime()
	return Validators{
		ETag:         fmt.Sprintf(`"file-%x-%x"`, fi.Size(), mt.UnixNano()),
		LastModified: mt.UTC().Format(http.TimeFormat),
	}
}
