package admin

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"lobbykiosk/kiosk/config"
)

// The self-signed certificate's files in state_dir, and its lifetime: a
// browser asks once to trust it, so it should not change often.
const (
	CertFileName = "admin-cert.pem"
	KeyFileName  = "admin-key.pem"
	certLifetime = 10 * 365 * 24 * time.Hour
)

// UsesTLS reports whether the page at a serves HTTPS: tls = "on", or
// "auto" with a listen address that other machines can reach.
func UsesTLS(a config.Admin) bool {
	switch a.TLS {
	case "on":
		return true
	case "off":
		return false
	}
	if a.CertFile != "" {
		return true
	}
	host, _, err := net.SplitHostPort(a.Listen)
	if err != nil {
		return true
	}
	if host == "localhost" {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err != nil || !ip.IsLoopback()
}

// Certificate is the page's TLS certificate and how a person recognises it.
type Certificate struct {
	TLS tls.Certificate
	// Fingerprint is the SHA-256 of the certificate, as browsers show it
	// ("AB:CD:…").
	Fingerprint string
	// SelfSigned is set for the certificate the kiosk made itself.
	SelfSigned bool
	// File is the certificate's file.
	File string
	// Created is set when this call made the certificate.
	Created bool
}

// LoadCertificate reads the admin's own certificate and key ([admin]
// cert_file, key_file), or the self-signed one in state_dir, made on first
// use. The key file is written 0600.
func LoadCertificate(cfg *config.Config) (*Certificate, error) {
	a := cfg.Admin
	if a.CertFile != "" {
		pair, err := tls.LoadX509KeyPair(a.CertFile, a.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("[admin] cert_file %s and key_file %s: %w", a.CertFile, a.KeyFile, err)
		}
		return &Certificate{TLS: pair, Fingerprint: fingerprint(pair.Certificate[0]), File: a.CertFile}, nil
	}
	certFile := filepath.Join(cfg.StateDir, CertFileName)
	keyFile := filepath.Join(cfg.StateDir, KeyFileName)
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err == nil {
		if leaf, perr := x509.ParseCertificate(pair.Certificate[0]); perr == nil && time.Now().Before(leaf.NotAfter.Add(-30*24*time.Hour)) {
			return &Certificate{TLS: pair, Fingerprint: fingerprint(pair.Certificate[0]), SelfSigned: true, File: certFile}, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("admin page certificate %s: %w (delete %s and %s to have a new one made)", certFile, err, certFile, keyFile)
	}
	// None yet, or about to expire: make one.
	c, err := makeCertificate(cfg, certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("admin page certificate: %w", err)
	}
	return c, nil
}

// ReadFingerprint is the fingerprint of the certificate the page uses,
// without making one: "" when there is none yet.
func ReadFingerprint(cfg *config.Config) (fp, file string, err error) {
	file = cfg.Admin.CertFile
	if file == "" {
		file = filepath.Join(cfg.StateDir, CertFileName)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", file, nil
		}
		return "", file, err
	}
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "CERTIFICATE" {
		return "", file, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return fingerprint(b.Bytes), file, nil
}

func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// certNames are the names and addresses the certificate is made for: the
// kiosk's host name (and its .local), localhost, [admin] hostnames, the
// listen address and the machine's addresses now.
func certNames(cfg *config.Config) (dns []string, ips []net.IP) {
	seen := map[string]bool{}
	addName := func(n string) {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" || seen[n] {
			return
		}
		seen[n] = true
		if ip := net.ParseIP(n); ip != nil {
			ips = append(ips, ip)
			return
		}
		dns = append(dns, n)
	}
	addName("localhost")
	if h, err := os.Hostname(); err == nil {
		addName(h)
		addName(strings.TrimSuffix(h, ".local") + ".local")
	}
	for _, h := range cfg.Admin.Hostnames {
		addName(h)
	}
	if host, _, err := net.SplitHostPort(cfg.Admin.Listen); err == nil {
		if ip := net.ParseIP(host); ip != nil && !ip.IsUnspecified() {
			addName(host)
		}
	}
	addName("127.0.0.1")
	addName("::1")
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil && !p.Addr().IsLinkLocalUnicast() {
				addName(p.Addr().Unmap().String())
			}
		}
	}
	return dns, ips
}

func makeCertificate(cfg *config.Config, certFile, keyFile string) (*Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	dns, ips := certNames(cfg)
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cfg.Name + " admin page", Organization: []string{"lobbykiosk (self-signed)"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dns,
		IPAddresses:  ips,
		// Not a CA (Firefox refuses a CA certificate as a site's own); a
		// scraper can still pin it as its CA file, as Go and OpenSSL
		// trust a leaf found among their roots.
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.StateDir, 0o750); err != nil {
		return nil, err
	}
	di, err := os.Stat(cfg.StateDir)
	if err != nil {
		return nil, err
	}
	// The key first: a certificate without its key is no use.
	if err := writeAtomic(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600, di); err != nil {
		return nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	if err := writeAtomic(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644, di); err != nil {
		return nil, fmt.Errorf("%s: %w", certFile, err)
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	return &Certificate{TLS: pair, Fingerprint: fingerprint(der), SelfSigned: true, File: certFile, Created: true}, nil
}

// splitListener hands each connection to the TLS server or, when the
// browser speaks plain HTTP (an old bookmark, a typed address), to a
// server that only sends it to the https:// address: one port serves both.
type splitListener struct {
	net.Listener
	tls, plain *chanListener
}

func newSplitListener(ln net.Listener) *splitListener {
	return &splitListener{Listener: ln, tls: newChanListener(ln.Addr()), plain: newChanListener(ln.Addr())}
}

// run accepts until the listener is closed, then closes both halves.
func (s *splitListener) run() {
	defer s.tls.Close()
	defer s.plain.Close()
	for {
		c, err := s.Listener.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return
		}
		go s.sort(c)
	}
}

// sort reads the first byte: a TLS handshake starts with 0x16.
func (s *splitListener) sort(c net.Conn) {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	b, err := br.Peek(1)
	c.SetReadDeadline(time.Time{})
	if err != nil {
		c.Close()
		return
	}
	pc := &peekedConn{Conn: c, r: br}
	if b[0] == 0x16 {
		s.tls.put(pc)
	} else {
		s.plain.put(pc)
	}
}

type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (p *peekedConn) Read(b []byte) (int, error) { return p.r.Read(b) }

// chanListener is a net.Listener fed by splitListener.
type chanListener struct {
	addr net.Addr
	ch   chan net.Conn
	once sync.Once
	done chan struct{}
}

func newChanListener(a net.Addr) *chanListener {
	return &chanListener{addr: a, ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *chanListener) put(c net.Conn) {
	select {
	case l.ch <- c:
	case <-l.done:
		c.Close()
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }

// toHTTPS sends a plain-HTTP browser to the same address over HTTPS.
func toHTTPS(addr net.Addr) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if host == "" {
			host = addr.String()
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusPermanentRedirect)
	})
}
