package display

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
)

// cookie is what the kiosk sends the X server to be let in, and where it
// came from, for the message when it is refused.
type cookie struct {
	name  string // "MIT-MAGIC-COOKIE-1"; "" sends none
	data  []byte
	about string // "XAUTHORITY=/path: its cookie for :0 was sent"
}

// Families in an X authority file (Xauth.h).
const (
	familyInternet = 0
	familyLocal    = 256
	familyWild     = 65535
)

// findCookie finds the cookie Xlib would send for a: from $XAUTHORITY, else
// ~/.Xauthority; an entry of this host (or any host) for this display
// number (or any number). A missing or unreadable file, or no entry, sends
// none: the server may still let the user in (xhost).
func findCookie(env Env, a address) cookie {
	path, where := env("XAUTHORITY"), "XAUTHORITY="
	if path == "" {
		home := env("HOME")
		if home == "" {
			return cookie{about: "neither XAUTHORITY nor HOME is set, so no cookie was sent"}
		}
		path, where = filepath.Join(home, ".Xauthority"), "no XAUTHORITY, so "
	}
	where += path
	f, err := os.Open(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return cookie{about: where + " does not exist, so no cookie was sent"}
	case errors.Is(err, os.ErrPermission):
		return cookie{about: where + " may not be read by the kiosk's user, so no cookie was sent"}
	case err != nil:
		return cookie{about: fmt.Sprintf("%s cannot be read (%v), so no cookie was sent", where, err)}
	}
	defer f.Close()
	host, _ := os.Hostname()
	var ips []net.IP
	if a.host != "" {
		ips, _ = net.LookupIP(a.host)
	}
	r := bufio.NewReader(f)
	for {
		e, err := readEntry(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return cookie{about: fmt.Sprintf("%s holds no cookie for display :%s, so none was sent", where, a.number)}
			}
			return cookie{about: fmt.Sprintf("%s is not an X authority file (%v), so no cookie was sent", where, err)}
		}
		if e.number != "" && e.number != a.number {
			continue
		}
		ok := e.family == familyWild
		switch {
		case a.host == "":
			ok = ok || e.family == familyLocal && e.address == host
		case e.family == familyInternet:
			for _, ip := range ips {
				ok = ok || net.IP(e.address).Equal(ip)
			}
		case e.family == familyLocal:
			ok = ok || e.address == a.host
		}
		if ok {
			return cookie{name: e.name, data: e.data, about: fmt.Sprintf("%s: its %s for display :%s was sent", where, e.name, a.number)}
		}
	}
}

// entry is one record of an X authority file.
type entry struct {
	family          uint16
	address, number string
	name            string
	data            []byte
}

func readEntry(r io.Reader) (entry, error) {
	var e entry
	if err := binary.Read(r, binary.BigEndian, &e.family); err != nil {
		return e, err // io.EOF at a record boundary: the end
	}
	var fields [4][]byte
	for i := range fields {
		var n uint16
		if err := binary.Read(r, binary.BigEndian, &n); err != nil {
			return e, fmt.Errorf("a record is cut short: %w", io.ErrUnexpectedEOF)
		}
		fields[i] = make([]byte, n)
		if _, err := io.ReadFull(r, fields[i]); err != nil {
			return e, fmt.Errorf("a record is cut short: %w", io.ErrUnexpectedEOF)
		}
	}
	e.address, e.number, e.name, e.data = string(fields[0]), string(fields[1]), string(fields[2]), fields[3]
	return e, nil
}
