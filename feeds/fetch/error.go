package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"strconv"
	"syscall"
	"time"
)

// Error is every failure of Get and Open, worded for a person, for example
//
//	429 Too Many Requests from http://127.0.0.1:1234/feed (retry after 2m0s)
//	no answer from http://example.com/feed within 20s
//	file /srv/x.rss: no such file
//
// It wraps its cause, so errors.Is(err, fs.ErrNotExist),
// errors.Is(err, context.DeadlineExceeded), errors.Is(err, ErrTooLarge) and
// errors.As(err, new(*net.DNSError)) work.
type Error struct {
	URL        string        // the URL or file path that failed
	Status     int           // HTTP status, 0 when there was no answer
	RetryAfter time.Duration // from a 429/503 Retry-After, clamped; 0 if none
	Temporary  bool          // a retry soon may well succeed
	Err        error

	msg string // the sentence; empty for an Error built outside this package
}

func (e *Error) Error() string {
	if e.msg != "" {
		return e.msg
	}
	// An Error built by hand (tests elsewhere, a wrapper): still a sentence.
	switch {
	case e.Status != 0:
		s := statusLine(e.Status, "") + " from " + e.URL
		if e.RetryAfter > 0 {
			s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
		}
		return s
	case e.Err != nil:
		return fmt.Sprintf("cannot fetch %s: %v", e.URL, e.Err)
	}
	return "cannot fetch " + e.URL
}

func (e *Error) Unwrap() error { return e.Err }

// ErrTooLarge is wrapped by the *Error for a body over the cap.
var ErrTooLarge = errors.New("body larger than the size cap")

var (
	errNotHTTP = errors.New("not an http or https URL")
	errUnasked = errors.New("304 Not Modified to an unconditional request")
	errNoPath  = errors.New("no file path")
	errIsDir   = errors.New("is a directory")
)

// formatSize writes a byte count the way a person sets max_body.
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func tooLarge(u string, limit int64) *Error {
	return &Error{URL: u, Err: ErrTooLarge,
		msg: fmt.Sprintf("%s sent more than %s (after decompression); raise max_body or fix the feed", u, formatSize(limit))}
}

func fileTooLarge(path string, limit int64) *Error {
	return &Error{URL: path, Err: ErrTooLarge,
		msg: fmt.Sprintf("file %s holds more than %s; raise max_body or trim the file", path, formatSize(limit))}
}

func fileError(path string, err error) *Error {
	e := &Error{URL: path, Err: err}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		e.msg = fmt.Sprintf("file %s: no such file", path)
	case errors.Is(err, fs.ErrPermission):
		e.msg = fmt.Sprintf("file %s: permission denied (the kiosk's user may not read it)", path)
	case errors.Is(err, syscall.EISDIR):
		e.msg = fmt.Sprintf("file %s: is a folder, not a file", path)
	default:
		// A network share that went away shows up here (EIO, ESTALE).
		e.Temporary = true
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		e.msg = fmt.Sprintf("file %s: %v", path, err)
	}
	return e
}

// unwrapURLError drops net/http's `Get "http://…":` prefix; our sentence
// names the URL already.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// describe turns a transport or body-read error into an *Error. ctx is the
// caller's context and reqCtx the one carrying our timeout: which of them
// ended tells "the caller gave up" from "the server never answered".
func (c *Client) describe(ctx, reqCtx context.Context, u string, err error) *Error {
	e := &Error{URL: u, Err: err, Temporary: true}
	cause := unwrapURLError(err)

	var (
		rd  *redirectError
		dns *net.DNSError
		cve *tls.CertificateVerificationError
		uae x509.UnknownAuthorityError
		hne x509.HostnameError
		cie x509.CertificateInvalidError
		ne  net.Error
		ae  *AddressError
	)
	switch {
	case ctx.Err() != nil:
		e.Err = fmt.Errorf("%w (%v)", ctx.Err(), cause)
		e.msg = fmt.Sprintf("fetching %s was cancelled", u)
	case errors.As(err, &ae):
		e.Temporary = false
		e.msg = fmt.Sprintf("refused to fetch %s: %v", u, ae)
	case errors.As(err, &rd):
		e.Temporary = false
		if rd.tooMany {
			e.msg = fmt.Sprintf("%s redirected more than %d times; point the source at the final address", u, MaxRedirects)
		} else {
			e.msg = fmt.Sprintf("%s redirected to %s; only http and https are fetched", u, rd.to)
		}
	case reqCtx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		// Wrap DeadlineExceeded whatever the transport reported, so callers
		// can test for a timeout one way.
		e.Err = fmt.Errorf("%w (%v)", context.DeadlineExceeded, cause)
		e.msg = fmt.Sprintf("no answer from %s within %s", u, c.timeout())
	case errors.As(err, &dns):
		if dns.IsNotFound {
			e.msg = fmt.Sprintf("no such host %s (DNS) for %s", dns.Name, u)
		} else {
			e.msg = fmt.Sprintf("cannot look up host %s (DNS) for %s: %s", dns.Name, u, dns.Err)
		}
	case errors.Is(err, syscall.ECONNRESET):
		e.msg = fmt.Sprintf("connection reset by %s", u)
	case errors.Is(err, syscall.ECONNREFUSED):
		e.msg = fmt.Sprintf("connection refused by %s (is the server running?)", u)
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		e.msg = fmt.Sprintf("cannot reach %s: the network is unreachable (is the kiosk offline?)", u)
	case errors.As(err, &cve), errors.As(err, &uae), errors.As(err, &hne), errors.As(err, &cie):
		e.Temporary = false
		e.msg = fmt.Sprintf("the TLS certificate of %s is not trusted: %v", u, cause)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		e.msg = fmt.Sprintf("%s closed the connection before the answer was complete", u)
	case errors.As(err, &ne) && ne.Timeout():
		// A timeout below ours: dial, TLS handshake, a proxy.
		e.msg = fmt.Sprintf("no answer from %s: %v", u, cause)
	default:
		e.msg = fmt.Sprintf("cannot fetch %s: %v", u, cause)
	}
	return e
}

// Unreachable reports whether err is a failure to get any answer at all:
// no route, no such host, a refused connection, no answer in time. Those
// are what a kiosk without network meets. A server that answers badly (an
// HTTP error, a reset or cut connection, a broken body, an untrusted
// certificate) was reached: the network is there, the source is not well.
func Unreachable(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Status != 0 {
		return false
	}
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &dns),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETDOWN),
		errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	return false
}
