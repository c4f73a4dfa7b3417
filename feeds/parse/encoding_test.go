package parse

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"lobbykiosk/feeds"
)

func utf16le(t *testing.T, s string, bom bool) []byte {
	t.Helper()
	policy := unicode.IgnoreBOM
	if bom {
		policy = unicode.UseBOM
	}
	b, err := unicode.UTF16(unicode.LittleEndian, policy).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestToUTF8(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(`<?xml version="1.0" encoding="gb2312"?><rss><title>中文博客</title></rss>`))
	if err != nil {
		t.Fatal(err)
	}
	be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("Name\tPunkte\r\nJürgen\t1.234\r\n"))
	tests := []struct {
		name        string
		in          []byte
		contentType string
		want        string // a part of the output
		enc, from   string
		warn        string // start of the warning; "" for none
	}{
		{"ascii", []byte("label,value\nReach,12\n"), "", "Reach,12", "UTF-8", fromContent, ""},
		{"utf-8", []byte("Mitarbeiter;Punkte\nJürgen;1.234\n"), "text/csv", "Jürgen", "UTF-8", fromContent, ""},
		{"utf-8 with BOM", []byte("\xef\xbb\xbfName;Punkte\n"), "", "Name;Punkte", "UTF-8", fromBOM, ""},
		{"Excel Unicode text (UTF-16LE, BOM, tabs)", utf16le(t, "Name\tPunkte\r\nJürgen\t1.234\r\n", true), "", "Jürgen\t1.234", "UTF-16LE", fromBOM, ""},
		{"UTF-16BE with BOM", be, "", "Jürgen\t1.234", "UTF-16BE", fromBOM, ""},
		{"UTF-16LE without BOM", utf16le(t, `<?xml version="1.0" encoding="UTF-16"?><rss><title>Café</title></rss>`, false), "", "Café", "UTF-16LE", fromContent, ""},
		{"server says windows-1252", []byte("Monat;Wert\nM\xe4rz;12 \x80\n"), "text/csv; charset=windows-1252", "März;12 €", "windows-1252", `HTTP charset "windows-1252"`, ""},
		{"server says ISO-8859-1", []byte("<rss><title>\xe9tudes</title></rss>"), "application/rss+xml; charset=ISO-8859-1", "études", "windows-1252", `HTTP charset "ISO-8859-1"`, ""},
		{"server says Latin-1 of a UTF-8 file", []byte("<rss><title>études</title></rss>"), "text/xml; charset=iso-8859-1", "études", "UTF-8", fromContent,
			`says it is windows-1252 (HTTP charset "iso-8859-1"), but it is valid UTF-8: read it as UTF-8`},
		{"XML declaration", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>Caf` + "\xe9</title></rss>"), "", "Café", "windows-1252", `XML declaration "ISO-8859-1"`, ""},
		{"XML declaration gb2312", gbk, "", "中文博客", "gbk", `XML declaration "gb2312"`, ""},
		{"meta charset", []byte(`<!DOCTYPE html><html><head><meta charset="iso-8859-15"><title>` + "\xa4 f\xeate</title>"), "", "€ fête", "iso-8859-15", `<meta charset> "iso-8859-15"`, ""},
		{"nothing declared, Latin-1", []byte("Nom;Points\nH\xe9l\xe8ne;1\xa0234\n"), "", "Hélène;1\u00a0234", "windows-1252", fromGuess,
			"is not UTF-8 and does not say what it is: read it as windows-1252"},
		{"server's UTF-8 default, file's own declaration", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>` + "\xe9tudes</title></rss>"), "text/xml; charset=utf-8", "études", "windows-1252", `XML declaration "ISO-8859-1"`,
			`says it is UTF-8 (HTTP charset "utf-8"), but it is not: read it as windows-1252, as its XML declaration "ISO-8859-1" says`},
		{"server's UTF-8 default on a Latin-1 CSV", []byte("Monat;Wert\nM\xe4rz;12\n"), "text/csv; charset=utf-8", "März", "windows-1252", fromGuess,
			`says it is UTF-8 (HTTP charset "utf-8"), but it is not: read it as windows-1252`},
		{"unknown label", []byte("label,value\nCafé,1\n"), "text/csv; charset=x-no-such", "Café", "UTF-8", fromContent,
			`names an encoding this kiosk does not know (HTTP charset "x-no-such"): read it as UTF-8`},
		{"mostly UTF-8, one stray byte", []byte("Zoë, Chloé and Renée; caf\xe9"), "", "caf\uFFFD", "UTF-8", fromContent, "is UTF-8 with 1 byte that is not; showed it as �"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := toUTF8(tt.in, tt.contentType)
			if !bytes.Contains(d.data, []byte(tt.want)) {
				t.Errorf("output %q lacks %q", d.data, tt.want)
			}
			if bytes.HasPrefix(d.data, []byte("\uFEFF")) {
				t.Error("output starts with a byte order mark")
			}
			if d.name != tt.enc || d.from != tt.from {
				t.Errorf("encoding %q from %q, want %q from %q", d.name, d.from, tt.enc, tt.from)
			}
			if tt.warn == "" && d.warning != "" || !strings.HasPrefix(d.warning, tt.warn) {
				t.Errorf("warning %q, want %q", d.warning, tt.warn)
			}
		})
	}
}

// After conversion the XML declaration says UTF-8, on as many lines as
// before, so the XML reader neither converts again nor miscounts lines.
func TestUTF8Declaration(t *testing.T) {
	in := "\n<?xml version=\"1.0\"\n encoding='ISO-8859-1'?>\n<rss/>"
	want := "\n<?xml version=\"1.0\" encoding=\"UTF-8\"\n?>\n<rss/>"
	if got := string(utf8Declaration([]byte(in))); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := string(utf8Declaration([]byte(`<?xml version="1.0"?><rss/>`))); got != `<?xml version="1.0"?><rss/>` {
		t.Errorf("a declaration without an encoding changed: %q", got)
	}
}

// The feed of the issue: Latin-1 without an XML declaration, served with and
// without charset=ISO-8859-1, and a Windows-1252 story.
func TestLatin1Feed(t *testing.T) {
	doc := []byte("<rss version=\"2.0\"><channel><title>Universit\xe9</title><link>https://u.example.org/</link>" +
		"<item><link>https://u.example.org/1</link><pubDate>Tue, 14 May 2024 09:12:33 +0000</pubDate>" +
		"<description>Les \xe9tudes commencent \xe0 9\xa0h \x96 bienvenue\xa0!</description></item></channel></rss>")
	for _, ct := range []string{"application/rss+xml; charset=ISO-8859-1", ""} {
		r, err := Read(Doc{Body: doc, ContentType: ct}, feeds.SourceSpec{Name: "uni", Kind: feeds.KindPosts})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Posts) != 1 || r.Posts[0].Text != "Les études commencent à 9 h – bienvenue !" || r.Posts[0].Author.Name != "Université" {
			t.Errorf("%q: got %+v", ct, r.Posts)
		}
		if r.Reading.Encoding != "windows-1252" {
			t.Errorf("%q: reading %+v", ct, r.Reading)
		}
		if warned := len(r.Warnings) > 0; warned != (ct == "") {
			t.Errorf("%q: warnings %q (one only when the encoding was assumed)", ct, r.Warnings)
		}
	}
}
