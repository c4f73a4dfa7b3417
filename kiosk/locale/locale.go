// Package locale is the screen's language: the translation files (one JSON
// file per language in translations/, the go-i18n format Fyne's own `lang`
// package uses, so a translator edits them without reading Go), and what
// they drive: every on-screen word, relative times, month names, dates, and
// numbers grouped, compacted and written in the locale's digits.
//
// One Locale serves one kiosk. A language without a file, or one of the
// POSIX non-languages (C, POSIX), is English.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed translations/*.json
var files embed.FS

// Locale is one language's words and number forms.
type Locale struct {
	// Tag is the language the translations came from ("de", "pt-PT").
	Tag language.Tag
	loc *i18n.Localizer

	digits      []rune // 0–9 in the locale's script
	decimal     string
	group       string
	minGrouping int
	rtl         bool
	short, long []string // month names, January first
}

var (
	loadOnce  sync.Once
	bundle    *i18n.Bundle
	shipped   []language.Tag
	matcher   language.Matcher
	loadError error
	cache     sync.Map // tag string → *Locale
)

// load parses every translation file once.
func load() {
	loadOnce.Do(func() {
		bundle = i18n.NewBundle(language.English)
		bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
		names, _ := files.ReadDir("translations")
		// English first: the matcher falls back to the first tag.
		sort.SliceStable(names, func(i, j int) bool { return names[i].Name() == "en.json" && names[j].Name() != "en.json" })
		for _, n := range names {
			data, err := files.ReadFile(path.Join("translations", n.Name()))
			if err == nil {
				var f *i18n.MessageFile
				f, err = bundle.ParseMessageFileBytes(data, n.Name())
				if err == nil {
					shipped = append(shipped, f.Tag)
				}
			}
			if err != nil && loadError == nil {
				loadError = fmt.Errorf("translation file %s: %w", n.Name(), err)
			}
		}
		matcher = language.NewMatcher(shipped)
	})
}

// Shipped lists the languages that have a translation file, English first.
func Shipped() []string {
	load()
	out := make([]string, len(shipped))
	for i, t := range shipped {
		out[i] = t.String()
	}
	return out
}

// English is the locale of a kiosk that says nothing else.
func English() *Locale {
	l, _ := For("en")
	return l
}

// IsPOSIX reports whether s names no language at all: the C locale
// ("C", "C.UTF-8", "POSIX"), which means English, quietly.
func IsPOSIX(s string) bool {
	s = strings.TrimSpace(s)
	base, _, _ := strings.Cut(s, ".")
	return base == "C" || base == "POSIX"
}

// Normalize turns a POSIX locale name ("de_DE.UTF-8", "sr_RS@latin") into a
// BCP 47 tag ("de-DE"); BCP 47 tags pass through.
func Normalize(s string) string {
	s = strings.TrimSpace(s)
	s, _, _ = strings.Cut(s, ".")
	s, _, _ = strings.Cut(s, "@")
	return strings.ReplaceAll(s, "_", "-")
}

// For returns the locale for a BCP 47 tag ("de", "pt-PT", "ar-EG"). An
// empty tag or a POSIX one is English. A tag that does not parse is an
// error, and so is a language that has no translation file: a kiosk set to
// Swahili must say so, not quietly speak English.
func For(tag string) (*Locale, error) {
	load()
	if loadError != nil {
		return nil, loadError
	}
	if tag == "" || IsPOSIX(tag) {
		tag = "en"
	}
	t, err := language.Parse(Normalize(tag))
	if err != nil {
		return nil, fmt.Errorf("%q is not a BCP 47 language tag (e.g. \"de\", \"pt-PT\", \"ar\")", tag)
	}
	_, idx, _ := matcher.Match(t)
	// The matcher offers English to, say, Swahili readers; a kiosk set to
	// a language must get that language or an error.
	if want, _ := t.Base(); want != baseOf(shipped[idx]) {
		return nil, fmt.Errorf("%q has no translation (shipped: %s)", tag, strings.Join(Shipped(), ", "))
	}
	best := shipped[idx]
	if l, ok := cache.Load(best.String()); ok {
		return l.(*Locale), nil
	}
	l, err := newLocale(best)
	if err != nil {
		return nil, err
	}
	cache.Store(best.String(), l)
	return l, nil
}

func baseOf(t language.Tag) language.Base {
	b, _ := t.Base()
	return b
}

// System is the locale the environment names (LANGUAGE, LC_ALL,
// LC_MESSAGES, LANG, as gettext reads them), English when it names C, POSIX,
// nothing, or a language without a translation.
func System() *Locale {
	if l, err := For(SystemTag()); err == nil {
		return l
	}
	return English()
}

// SystemTag is the environment's language as a BCP 47 tag, "" for C/POSIX
// or none.
func SystemTag() string {
	var loc string
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(v); loc != "" {
			break
		}
	}
	if IsPOSIX(loc) && (loc == "C" || loc == "POSIX") {
		return "" // gettext ignores LANGUAGE under the plain C locale
	}
	if langs := os.Getenv("LANGUAGE"); langs != "" {
		loc, _, _ = strings.Cut(langs, ":")
	}
	if loc == "" || IsPOSIX(loc) {
		return ""
	}
	return Normalize(loc)
}

func newLocale(tag language.Tag) (*Locale, error) {
	l := &Locale{Tag: tag, loc: i18n.NewLocalizer(bundle, tag.String())}
	l.digits = []rune(l.T("number.digits"))
	if len(l.digits) != 10 {
		return nil, fmt.Errorf("translation %s: number.digits must be the ten digits 0–9, not %q", tag, string(l.digits))
	}
	l.decimal = l.T("number.decimal")
	l.group = l.T("number.group")
	l.minGrouping, _ = strconv.Atoi(l.T("number.min_grouping"))
	if l.minGrouping < 1 {
		l.minGrouping = 1
	}
	l.rtl = l.T("direction") == "rtl"
	l.short = strings.Split(l.T("month.short"), "|")
	l.long = strings.Split(l.T("month.long"), "|")
	if len(l.short) != 12 || len(l.long) != 12 {
		return nil, fmt.Errorf("translation %s: month.short and month.long must each name twelve months, separated by |", tag)
	}
	return l, nil
}

// Lang is the BCP 47 tag of the translations in use, for HTML's lang.
func (l *Locale) Lang() string { return l.Tag.String() }

// RTL reports whether the language is written right to left.
func (l *Locale) RTL() bool { return l.rtl }

// T is the translation of key, with data filled into its {{.Name}}
// placeholders. A key missing from every file comes back as the key itself,
// which the translation test forbids. A nil Locale is English.
func (l *Locale) T(key string, data ...map[string]any) string {
	if l == nil {
		l = English()
	}
	cfg := &i18n.LocalizeConfig{MessageID: key}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
	}
	s, err := l.loc.Localize(cfg)
	if err != nil {
		return key
	}
	return s
}

// N is the plural translation of key for count n; the number itself is
// {{.N}}, written the locale's way by the caller (shown).
func (l *Locale) N(key string, n int, shown string) string {
	if l == nil {
		l = English()
	}
	s, err := l.loc.Localize(&i18n.LocalizeConfig{
		MessageID:    key,
		PluralCount:  n,
		TemplateData: map[string]any{"N": shown},
	})
	if err != nil {
		return key
	}
	return s
}
