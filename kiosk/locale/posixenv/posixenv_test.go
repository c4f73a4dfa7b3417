package posixenv

import (
	"os"
	"testing"
)

func TestApply(t *testing.T) {
	for _, c := range []struct{ lcAll, lang, language, want string }{
		{"", "C.UTF-8", "", "en"},
		{"", "C", "", "en"},
		{"", "POSIX", "", "en"},
		{"C.UTF-8", "de_DE.UTF-8", "", "en"},
		{"", "de_DE.UTF-8", "", ""},
		{"", "C.UTF-8", "fr", "fr"}, // a LANGUAGE someone set is theirs
		{"de_DE.UTF-8", "C.UTF-8", "", ""},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		t.Setenv("LANGUAGE", c.language)
		Apply()
		if got := os.Getenv("LANGUAGE"); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q LANGUAGE=%q: LANGUAGE=%q, want %q", c.lcAll, c.lang, c.language, got, c.want)
		}
	}
}
