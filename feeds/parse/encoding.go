package parse

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// decoded is a document turned into UTF-8, and how.
type decoded struct {
	data []byte
	name string // the encoding read: "UTF-8", "windows-1252", "UTF-16LE", "gbk", ...
	from string // how it was known, for the source's reading report
	// warning is set when the text may not read right: an encoding
	// assumed, bytes repaired, a declaration the bytes contradict. It
	// follows the document's name: "is not UTF-8 and …".
	warning string
	advice  string // for an encoding assumed: what was done, what to do
}

// Ways an encoding is known, in the order they are trusted.
const (
	fromBOM     = "byte order mark"
	fromHTTP    = "HTTP charset"
	fromXML     = "XML declaration"
	fromMeta    = "<meta charset>"
	fromContent = "detected" // valid UTF-8, or UTF-16 by its zero bytes
	fromGuess   = "assumed"
)

// toUTF8 finds the encoding of a document and converts it to UTF-8, the one
// way for every input: a byte order mark (UTF-8, UTF-16 LE/BE), then the
// charset the server sent (contentType), then the document's own XML
// declaration or <meta charset>, then the bytes: valid UTF-8 stays UTF-8,
// UTF-16 is told by its zero bytes, and anything else is read as
// windows-1252, the superset of Latin-1 that Western European Excel and
// Windows tools write, with a warning saying so.
//
// Labels are resolved by the WHATWG table (golang.org/x/net/html/charset),
// as browsers do: "ISO-8859-1" and "ASCII" read as windows-1252, "GB2312"
// as GBK. The output never starts with a byte order mark.
func toUTF8(data []byte, contentType string) decoded {
	if d, ok := fromByteOrderMark(data); ok {
		return d
	}
	type claim struct{ label, from string }
	var claims []claim
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		claims = append(claims, claim{params["charset"], fromHTTP})
	}
	if label, from := inDocument(data); label != "" {
		claims = append(claims, claim{label, from})
	}
	// A claim the bytes contradict (UTF-8 on bytes that are not: a
	// server's default charset, a copied declaration) gives way to the
	// next one, and at last to the bytes themselves.
	var unknown, contradicted []string
	for _, c := range claims {
		what := fmt.Sprintf("%s %q", c.from, cut(clean(c.label), 40))
		e, name := lookupEncoding(c.label)
		switch {
		case e == nil:
			unknown = append(unknown, what)
		case name == "UTF-8" && !utf8.Valid(data):
			contradicted = append(contradicted, what)
		default:
			d := declared(data, e, name, what)
			if len(contradicted) > 0 && d.warning == "" {
				d.warning = fmt.Sprintf("says it is UTF-8 (%s), but it is not: read it as %s, as its %s says", strings.Join(contradicted, ", "), name, what)
			}
			return d
		}
	}
	d := detect(data)
	switch {
	case len(contradicted) > 0 && d.name != "UTF-8":
		d.warning = fmt.Sprintf("says it is UTF-8 (%s), but it is not: %s", strings.Join(contradicted, ", "), d.advice)
	case len(unknown) > 0:
		d.warning = strings.TrimSuffix(fmt.Sprintf("names an encoding this kiosk does not know (%s): read it as %s; %s", strings.Join(unknown, ", "), d.name, d.warning), "; ")
	}
	return d
}

// lookupEncoding resolves a charset label to an encoding and its display
// name, or nil for an unknown label.
func lookupEncoding(label string) (encoding.Encoding, string) {
	e, name := charset.Lookup(strings.Trim(strings.TrimSpace(label), `"'`))
	if e == nil {
		return nil, ""
	}
	return e, displayName(name)
}

func displayName(whatwg string) string {
	switch whatwg {
	case "utf-8":
		return "UTF-8"
	case "utf-16le":
		return "UTF-16LE"
	case "utf-16be":
		return "UTF-16BE"
	}
	return whatwg
}

func fromByteOrderMark(data []byte) (decoded, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}):
		d := decoded{data: trimBOMs(data), name: "UTF-8", from: fromBOM}
		if !utf8.Valid(d.data) {
			d.data = bytes.ToValidUTF8(d.data, []byte("\uFFFD"))
			d.warning = "has bytes that are not valid UTF-8 although its byte order mark says UTF-8; showed them as �"
		}
		return d, true
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		return utf16(data[2:], unicode.LittleEndian, fromBOM), true
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return utf16(data[2:], unicode.BigEndian, fromBOM), true
	}
	return decoded{}, false
}

func utf16(data []byte, order unicode.Endianness, from string) decoded {
	name := "UTF-16LE"
	if order == unicode.BigEndian {
		name = "UTF-16BE"
	}
	d := decoded{name: name, from: from}
	if len(data)%2 == 1 {
		d.warning = "ends in half a UTF-16 character (cut off?)"
	}
	out, err := unicode.UTF16(order, unicode.IgnoreBOM).NewDecoder().Bytes(data)
	if err != nil {
		out = bytes.ToValidUTF8(data, []byte("\uFFFD"))
		d.warning = fmt.Sprintf("cannot be read as %s (%v)", name, err)
	}
	d.data = trimBOMs(out)
	return d
}

// trimBOMs drops the byte order marks at the start of UTF-8 text: a file
// saved twice by a tool that adds one may have two.
func trimBOMs(b []byte) []byte {
	for bytes.HasPrefix(b, []byte("\uFEFF")) {
		b = b[3:]
	}
	return b
}

// declared decodes data as a declaration says. A legacy charset on a file
// that is in fact UTF-8 (servers default to ISO-8859-1; a template keeps an
// old XML declaration) is wrong often enough to check: it would turn every
// "é" into "Ã©".
func declared(data []byte, e encoding.Encoding, name, from string) decoded {
	d := decoded{name: name, from: from}
	switch name {
	case "UTF-8": // toUTF8 checked the bytes
		d.data = data
		return d
	case "UTF-16LE", "UTF-16BE":
		order := unicode.LittleEndian
		if name == "UTF-16BE" {
			order = unicode.BigEndian
		}
		if bytes.IndexByte(data, 0) >= 0 {
			return utf16(data, order, from)
		}
		// No zero bytes: not UTF-16 whatever it says (a converted copy
		// that kept its declaration), so the bytes decide.
		d := detect(data)
		if d.warning == "" && d.name != name {
			d.warning = fmt.Sprintf("says it is %s (%s), but it has none of its zero bytes: read it as %s", name, from, d.name)
		}
		return d
	}
	if multi, _ := utf8Evidence(data); multi > 0 && utf8.Valid(data) {
		return decoded{data: data, name: "UTF-8", from: fromContent,
			warning: fmt.Sprintf("says it is %s (%s), but it is valid UTF-8: read it as UTF-8", name, from)}
	}
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		d.data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
		d.warning = fmt.Sprintf("cannot be read as %s (%v); showed unreadable bytes as �", name, err)
		return d
	}
	d.data = trimBOMs(out)
	return d
}

// inDocument finds the encoding a document names itself: an XML
// declaration, or for HTML a <meta charset> near the start.
func inDocument(data []byte) (label, from string) {
	head := data[:min(len(data), 1024)]
	s := bytes.TrimLeft(head, " \t\r\n")
	if bytes.HasPrefix(s, []byte("<?xml")) {
		end := bytes.Index(s, []byte("?>"))
		if end < 0 {
			return "", ""
		}
		return xmlDeclEncoding(s[:end]), fromXML
	}
	lower := bytes.ToLower(s)
	if !bytes.HasPrefix(lower, []byte("<!doctype html")) && !bytes.HasPrefix(lower, []byte("<html")) &&
		!bytes.HasPrefix(lower, []byte("<head")) && !bytes.HasPrefix(lower, []byte("<meta")) {
		return "", ""
	}
	return metaCharset(head), fromMeta
}

// xmlDeclEncoding reads encoding="..." from an XML declaration (without its
// closing "?>").
func xmlDeclEncoding(decl []byte) string {
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return ""
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	q := rest[0]
	end := bytes.IndexByte(rest[1:], q)
	if end < 0 {
		return ""
	}
	return string(rest[1 : 1+end])
}

// metaCharset finds <meta charset="x"> or <meta http-equiv="Content-Type"
// content="text/html; charset=x"> in the head of an HTML document.
func metaCharset(head []byte) string {
	z := html.NewTokenizer(bytes.NewReader(head))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return ""
			case "meta":
			default:
				continue
			}
			var cs, content string
			var pragma bool
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "charset":
					cs = string(v)
				case "content":
					content = string(v)
				case "http-equiv":
					pragma = strings.EqualFold(string(v), "content-type")
				}
			}
			if cs != "" {
				return cs
			}
			if pragma {
				if _, params, err := mime.ParseMediaType(content); err == nil && params["charset"] != "" {
					return params["charset"]
				}
			}
		}
	}
}

// detect reads a document that declares nothing.
func detect(data []byte) decoded {
	if utf8.Valid(data) {
		if order, ok := utf16ByZeros(data); ok {
			return utf16(data, order, fromContent)
		}
		return decoded{data: data, name: "UTF-8", from: fromContent}
	}
	if order, ok := utf16ByZeros(data); ok {
		return utf16(data, order, fromContent)
	}
	// Mostly UTF-8 with a few stray bytes (text pasted from elsewhere):
	// reading it all as windows-1252 would break every accent to fix a
	// few, so the stray bytes are marked instead.
	if multi, invalid := utf8Evidence(data); multi >= invalid {
		return decoded{data: bytes.ToValidUTF8(data, []byte("\uFFFD")), name: "UTF-8", from: fromContent,
			warning: fmt.Sprintf("is UTF-8 with %d %s not; showed %s as �", invalid, plural(invalid, "byte that is", "bytes that are"), plural(invalid, "it", "them"))}
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil { // windows-1252 maps every byte; kept for safety
		out = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	const advice = "read it as windows-1252 (Western European, as Excel and Windows save); if letters look wrong, save it as UTF-8 or declare its charset"
	return decoded{data: out, name: "windows-1252", from: fromGuess, advice: advice,
		warning: "is not UTF-8 and does not say what it is: " + advice}
}

// utf16ByZeros tells UTF-16 without a byte order mark by its zero bytes:
// text in Latin script has a zero in every other byte, on one side.
func utf16ByZeros(data []byte) (unicode.Endianness, bool) {
	head := data[:min(len(data), 512)]
	if len(head) < 4 {
		return unicode.LittleEndian, false
	}
	var even, odd int
	for i, c := range head {
		if c == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	half := len(head) / 2
	switch {
	case odd > half*3/4 && even == 0:
		return unicode.LittleEndian, true
	case even > half*3/4 && odd == 0:
		return unicode.BigEndian, true
	}
	return unicode.LittleEndian, false
}

// utf8Evidence counts the valid multi-byte UTF-8 sequences in data and the
// bytes that are not UTF-8. Text in a legacy encoding almost never forms a
// valid multi-byte sequence; UTF-8 text forms nothing else.
func utf8Evidence(data []byte) (multi, invalid int) {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			multi++
		}
		i += size
	}
	return multi, invalid
}

// utf8Declaration rewrites the encoding named by a converted XML document's
// declaration to UTF-8, so the XML reader does not convert it again. The
// declaration keeps its line count, so error line numbers stay right.
func utf8Declaration(data []byte) []byte {
	s := bytes.TrimLeft(data, " \t\r\n")
	if !bytes.HasPrefix(s, []byte("<?xml")) {
		return data
	}
	start := len(data) - len(s)
	end := bytes.Index(s, []byte("?>"))
	if end < 0 || xmlDeclEncoding(s[:end]) == "" {
		return data
	}
	lines := bytes.Count(s[:end], []byte{'\n'})
	decl := `<?xml version="1.0" encoding="UTF-8"` + strings.Repeat("\n", lines) + "?>"
	out := make([]byte, 0, len(data))
	out = append(out, data[:start]...)
	out = append(out, decl...)
	return append(out, s[end+2:]...)
}

// repairMojibake undoes UTF-8 that was read as windows-1252 and encoded
// again before it reached the kiosk (Lemmy's "doesnâ€™t" for "doesn’t",
// "KeÅŸkek" for "Keşkek"). A run of non-ASCII characters whose windows-1252
// bytes are valid UTF-8 is replaced by what those bytes say, but only in a
// document that shows the unmistakable signs: a run that decodes to a
// character of three bytes ("â€™" to "’") or starts with "Ã" or "Â"
// (Latin-1 letters and signs). Alone, a letter before a sign ("PÅ…") is
// left as written. n counts the runs repaired; example is the first.
func repairMojibake(s []byte) (out []byte, n int, example string) {
	if !mojibakeLead(s) {
		return s, 0, ""
	}
	type run struct {
		start, end int
		fixed      []byte
	}
	var runs []run
	sure := false
	enc := charmap.Windows1252.NewEncoder()
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= utf8.RuneSelf {
			j++
		}
		text := s[i:j]
		fixed, err := enc.Bytes(text)
		if err == nil && utf8.RuneCount(text) >= 2 && utf8.Valid(fixed) && utf8.RuneCount(fixed) < utf8.RuneCount(text) {
			runs = append(runs, run{i, j, fixed})
			for _, r := range string(fixed) {
				if r >= 0x800 {
					sure = true
				}
			}
			if bytes.HasPrefix(text, []byte("Ã")) || bytes.HasPrefix(text, []byte("Â")) {
				sure = true
			}
		}
		i = j
	}
	if !sure {
		return s, 0, ""
	}
	out = make([]byte, 0, len(s))
	last := 0
	for _, r := range runs {
		out = append(out, s[last:r.start]...)
		out = append(out, r.fixed...)
		last = r.end
	}
	return append(out, s[last:]...), len(runs), string(s[runs[0].start:runs[0].end])
}

// mojibakeLead reports whether s holds a character that starts UTF-8
// mis-read as windows-1252 (U+00C2 to U+00F4: "Â", "Ã", "â", "Å"…) followed
// by one that stands for a continuation byte.
func mojibakeLead(s []byte) bool {
	prev := rune(0)
	for _, r := range string(s) {
		if prev >= 0xC2 && prev <= 0xF4 && (r >= 0x80 && r <= 0xBF || r > 0xFF && r <= 0x2122) {
			return true
		}
		prev = r
	}
	return false
}
