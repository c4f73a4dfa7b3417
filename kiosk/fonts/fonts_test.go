package fonts

import (
	"strings"
	"testing"

	"github.com/go-text/typesetting/fontscan"
)

// withoutSystemFonts runs f as on a machine with only the bundled fonts.
func withoutSystemFonts(t *testing.T, f func()) {
	t.Helper()
	if err := Load(); err != nil {
		t.Fatal(err)
	}
	saved := system
	system = []fontscan.Footprint{}
	drawable.Clear()
	defer func() { system = saved; drawable.Clear() }()
	f()
}

func TestReasonWithoutSystemFonts(t *testing.T) {
	withoutSystemFonts(t, func() {
		for _, c := range []struct{ text, want string }{
			{"Café · Ελληνικά · Привет 👋 1,240 – “ok”", ""},
			{"สวัสดีครับ ทุกคน", "no font for Thai script: install fonts-noto-core"},
			{"今日は新しいオフィスです。", "no font for Han script: install fonts-noto-cjk"},
			{"こんにちは", "no font for Hiragana script: install fonts-noto-cjk"},
			{"Hello नमस्ते", "no font for Devanagari script: install fonts-noto-core"},
			{"שלום", "no font for Hebrew script: install fonts-noto-core"},
			{"Hi \u200f\u200d\ufe0f there", ""}, // marks and joiners need no glyph
			{"Sewing 🧵 day \U0001FAE8", ""},     // an emoji no font has is a box, not a reason to hide the post
		} {
			if got := Reason(c.text); got != c.want {
				t.Errorf("Reason(%q) = %q, want %q", c.text, got, c.want)
			}
		}
	})
}

// TestInstalledScripts needs the font packages the .deb depends on and
// recommends (packaging/dev.sh installs them): with them, every script the
// kiosk ships a language for, and CJK, Thai and Devanagari, can be drawn.
func TestInstalledScripts(t *testing.T) {
	if err := Load(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"สวัสดี", "今日は。", "안녕하세요", "नमस्ते", "مرحبا ہے", "שלום ק״ג", "Ελληνικά"} {
		if r := Reason(text); r != "" {
			t.Errorf("%q: %s (is fonts-noto-core / fonts-noto-cjk installed?)", text, r)
		}
	}
	if Count() < 10 {
		t.Errorf("only %d system faces indexed", Count())
	}
}

// The config's theme.font counts: with it, Hebrew is drawable on a system
// without other fonts, and it is the face a Hebrew word gets.
func TestUseFile(t *testing.T) {
	const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	withoutSystemFonts(t, func() {
		if Reason("שלום") == "" {
			t.Fatal("Hebrew drawable without any font")
		}
		if err := UseFile(dejavu); err != nil {
			t.Skip(err)
		}
		defer func() { custom = nil }()
		if r := Reason("שלום"); r != "" {
			t.Errorf("with theme.font = DejaVu Sans: %s", r)
		}
		if Face([]rune("שלום"), false) != customFace() {
			t.Error("a Hebrew word does not get the configured font")
		}
	})
	if err := UseFile("/nonexistent.ttf"); err == nil || !strings.Contains(err.Error(), "theme.font") {
		t.Errorf("a missing font file gave %v", err)
	}
}
