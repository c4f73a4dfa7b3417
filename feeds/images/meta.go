package images

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"strconv"
	"strings"
	"time"
)

// meta is what the disk cache keeps with a picture besides its pixels:
// what was learned from the original, so a picture read back from disk is
// not searched for faces again and still knows its published size, and the
// validators for a conditional GET when it is checked again. It travels
// inside the cached file (a JPEG comment, a PNG text chunk), so the picture
// and what is known of it are written, renamed and evicted as one.
type meta struct {
	original     image.Point
	focus        image.Rectangle
	faces        int
	etag         string
	lastModified string
	checked      time.Time // last fetched or confirmed unchanged
}

// metaKey names the metadata in the file.
const metaKey = "lobbykiosk-picture"

func (m meta) encode() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s 1\noriginal %d %d\nfocus %d %d %d %d\nfaces %d\nchecked %d\n", metaKey,
		m.original.X, m.original.Y, m.focus.Min.X, m.focus.Min.Y, m.focus.Max.X, m.focus.Max.Y, m.faces, m.checked.Unix())
	// Validators are one line each; a server's header cannot hold a
	// newline (net/http refuses it), but be sure.
	if v := oneLine(m.etag); v != "" {
		fmt.Fprintf(&b, "etag %s\n", v)
	}
	if v := oneLine(m.lastModified); v != "" {
		fmt.Fprintf(&b, "last-modified %s\n", v)
	}
	return []byte(b.String())
}

func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return ""
	}
	return s
}

var errNoMeta = errors.New("no picture metadata in the cached file")

func parseMeta(text []byte) (meta, error) {
	var m meta
	lines := strings.Split(string(text), "\n")
	if len(lines) == 0 || lines[0] != metaKey+" 1" {
		return m, errNoMeta
	}
	for _, l := range lines[1:] {
		k, v, _ := strings.Cut(l, " ")
		nums := func(n int) []int {
			f := strings.Fields(v)
			if len(f) != n {
				return nil
			}
			out := make([]int, n)
			for i, s := range f {
				x, err := strconv.Atoi(s)
				if err != nil {
					return nil
				}
				out[i] = x
			}
			return out
		}
		switch k {
		case "original":
			if n := nums(2); n != nil {
				m.original = image.Pt(n[0], n[1])
			}
		case "focus":
			if n := nums(4); n != nil {
				m.focus = image.Rect(n[0], n[1], n[2], n[3])
			}
		case "faces":
			if n := nums(1); n != nil {
				m.faces = n[0]
			}
		case "checked":
			if n := nums(1); n != nil {
				m.checked = time.Unix(int64(n[0]), 0)
			}
		case "etag":
			m.etag = v
		case "last-modified":
			m.lastModified = v
		}
	}
	if m.original.X <= 0 || m.original.Y <= 0 {
		return m, errNoMeta
	}
	return m, nil
}

// withMeta returns the JPEG or PNG file body with m inside it: a comment
// segment right after a JPEG's start marker, a tEXt chunk right after a
// PNG's header chunk. Decoders skip both.
func withMeta(body []byte, m meta) ([]byte, error) {
	text := m.encode()
	switch {
	case bytes.HasPrefix(body, []byte("\xff\xd8")):
		if len(text)+2 > 0xffff {
			return nil, errors.New("picture metadata too long")
		}
		out := make([]byte, 0, len(body)+len(text)+4)
		out = append(out, 0xff, 0xd8, 0xff, 0xfe)
		out = binary.BigEndian.AppendUint16(out, uint16(len(text)+2))
		out = append(out, text...)
		return append(out, body[2:]...), nil
	case bytes.HasPrefix(body, []byte(pngSignature)) && len(body) >= 33:
		// Signature (8), then IHDR: length 13, type, data, CRC = 25.
		chunk := append([]byte(metaKey+"\x00"), text...)
		out := make([]byte, 0, len(body)+len(chunk)+12)
		out = append(out, body[:33]...)
		out = binary.BigEndian.AppendUint32(out, uint32(len(chunk)))
		typed := append([]byte("tEXt"), chunk...)
		out = append(out, typed...)
		out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(typed))
		return append(out, body[33:]...), nil
	}
	return nil, errors.New("the disk cache keeps only JPEG and PNG files")
}

const pngSignature = "\x89PNG\r\n\x1a\n"

// readMeta finds the metadata withMeta put in a cached file.
func readMeta(body []byte) (meta, error) {
	switch {
	case bytes.HasPrefix(body, []byte("\xff\xd8\xff\xfe")) && len(body) >= 6:
		n := int(binary.BigEndian.Uint16(body[4:]))
		if n < 2 || 4+n > len(body) {
			return meta{}, errNoMeta
		}
		return parseMeta(body[6 : 4+n])
	case bytes.HasPrefix(body, []byte(pngSignature)) && len(body) >= 45 && string(body[37:41]) == "tEXt":
		n := int(binary.BigEndian.Uint32(body[33:]))
		if 41+n > len(body) {
			return meta{}, errNoMeta
		}
		_, text, ok := bytes.Cut(body[41:41+n], []byte{0})
		if !ok {
			return meta{}, errNoMeta
		}
		return parseMeta(text)
	}
	return meta{}, errNoMeta
}

// stripMeta returns a cached file's body without the metadata withMeta put
// in it.
func stripMeta(body []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(body, []byte("\xff\xd8\xff\xfe")) && len(body) >= 6:
		n := int(binary.BigEndian.Uint16(body[4:]))
		if n < 2 || 4+n > len(body) {
			return nil, errNoMeta
		}
		return append([]byte("\xff\xd8"), body[4+n:]...), nil
	case bytes.HasPrefix(body, []byte(pngSignature)) && len(body) >= 45 && string(body[37:41]) == "tEXt":
		n := int(binary.BigEndian.Uint32(body[33:]))
		if 45+n > len(body) {
			return nil, errNoMeta
		}
		return append(append([]byte{}, body[:33]...), body[45+n:]...), nil
	}
	return nil, errNoMeta
}
