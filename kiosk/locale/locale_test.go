package locale

import (
	"encoding/json"
	"path"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestEveryKeyInEveryLanguage fails when a translation file lacks a key the
// English file has, has a key English does not know, or lacks a plural form
// its language needs for some count (go-i18n refuses to render those).
func TestEveryKeyInEveryLanguage(t *testing.T) {
	keysOf := func(name string) map[string]json.RawMessage {
		data, err := files.ReadFile(path.Join("translations", name))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	en := keysOf("en.json")
	names, _ := files.ReadDir("translations")
	if len(names) < 12 {
		t.Fatalf("only %d translation files", len(names))
	}
	for _, n := range names {
		m := keysOf(n.Name())
		var missing, extra []string
		for k := range en {
			if _, ok := m[k]; !ok {
				missing = append(missing, k)
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				extra = append(extra, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 {
			t.Errorf("%s lacks %s", n.Name(), strings.Join(missing, ", "))
		}
		if len(extra) > 0 {
			t.Errorf("%s has keys English does not: %s", n.Name(), strings.Join(extra, ", "))
		}
		l, err := For(strings.TrimSuffix(n.Name(), ".json"))
		if err != nil {
			t.Fatalf("%s: %v", n.Name(), err)
		}
		if got := l.Lang(); got+".json" != n.Name() {
			t.Errorf("%s loads as %s", n.Name(), got)
		}
		for k, raw := range en {
			if !strings.HasPrefix(string(raw), "{") {
				if got := l.T(k); got == k {
					t.Errorf("%s: %s does not render", n.Name(), k)
				}
				continue
			}
			for c := 0; c <= 1100; c++ {
				if got := l.N(k, c, "x"); got == k {
					t.Errorf("%s: %s has no plural form for %d", n.Name(), k, c)
					break
				}
			}
		}
	}
}

func TestFor(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "en"}, {"C", "en"}, {"C.UTF-8", "en"}, {"POSIX", "en"},
		{"de", "de"}, {"de-AT", "de"}, {"de_DE.UTF-8", "de"}, {"pt", "pt"}, {"pt-BR", "pt"},
		{"pt-PT", "pt-PT"}, {"ar-EG", "ar"}, {"he-IL", "he"}, {"en-GB", "en"}, {"el", "el"},
	} {
		l, err := For(c.in)
		if err != nil {
			t.Errorf("For(%q): %v", c.in, err)
			continue
		}
		if l.Lang() != c.want {
			t.Errorf("For(%q) = %s, want %s", c.in, l.Lang(), c.want)
		}
	}
	for _, bad := range []string{"sw", "zz-!!", "ja"} {
		if _, err := For(bad); err == nil {
			t.Errorf("For(%q) gave no error", bad)
		}
	}
	if _, err := For("sw"); err == nil || !strings.Contains(err.Error(), "shipped: en, ") {
		t.Errorf("For(sw) error %v does not list the shipped languages", err)
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []struct{ lang, in, want string }{
		{"en", "1,240", "1,240"},
		{"de", "1,240", "1.240"},
		{"de", "1,234,567.5", "1.234.567,5"},
		{"fr", "1,240", "1\u202f240"},
		{"es", "1,240", "1240"},
		{"es", "12,400", "12.400"},
		{"pl", "1,240", "1240"},
		{"pl", "12,400", "12\u00a0400"},
		{"pt", "1,240", "1.240"},
		{"pt-PT", "1,240", "1240"},
		{"ar", "1,240.5", "١٬٢٤٠٫٥"},
		{"he", "1,240", "1,240"},
		{"de", "–4.5", "–4,5"},
	} {
		l, _ := For(c.lang)
		if got := l.Number(c.in); got != c.want {
			t.Errorf("%s Number(%q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
	de, _ := For("de")
	if got := de.Compact("1.2", 1); got != "1,2 Mio." {
		t.Errorf("de compact = %q", got)
	}
	ar, _ := For("ar")
	if got := ar.Compact("12.3", 2); got != "١٢٫٣ مليار" {
		t.Errorf("ar compact = %q", got)
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		lang string
		year bool
		want string
	}{
		{"en", false, "21 Nov"}, {"en", true, "21 Nov 2026"}, {"de", false, "21. Nov."},
		{"fr", false, "21 nov."}, {"pt", false, "21 de nov."}, {"pl", false, "21 lis"},
		{"el", false, "21 Νοε"}, {"ar", true, "٢١ نوفمبر ٢٠٢٦"}, {"he", false, "21 בנוב׳"},
	} {
		l, _ := For(c.lang)
		if got := l.Date(d, c.year); got != c.want {
			t.Errorf("%s Date = %q, want %q", c.lang, got, c.want)
		}
	}
}

func TestSystemTag(t *testing.T) {
	for _, c := range []struct{ lcAll, lang, language, want string }{
		{"", "de_DE.UTF-8", "", "de-DE"},
		{"", "C.UTF-8", "", ""},
		{"", "C", "fr", ""},
		{"", "C.UTF-8", "fr", "fr"},
		{"el_GR.UTF-8", "de_DE.UTF-8", "", "el-GR"},
		{"", "", "", ""},
		{"", "POSIX", "", ""},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		t.Setenv("LANGUAGE", c.language)
		if got := SystemTag(); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q LANGUAGE=%q: %q, want %q", c.lcAll, c.lang, c.language, got, c.want)
		}
	}
}
