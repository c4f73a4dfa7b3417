package parse

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"plain", "Hello lobby", 0, "Hello lobby"},
		{"entities", "Fish &amp; chips &lt;3 &eacute;t&eacute; &#8212; &#x1F600; &nbsp;ok", 0, "Fish & chips <3 été — 😀 ok"},
		{"paragraphs and breaks are single spaces", "<p>One</p><p>Two<br>Three<br/>Four</p>", 0, "One Two Three Four"},
		{"inline tags join", "<p>un<b>believ</b><i>able</i></p>", 0, "unbelievable"},
		{"links become their text", `Read <a href="https://x.example/a?b=1&amp;c=2">our post</a>.`, 0, "Read our post."},
		{"whitespace folds", "  a\t\tb\n\n c \r\n d  ", 0, "a b c d"},
		{"script and style say nothing", "<style>p{color:red}</style><p>Hi</p><script>alert('x')</script>", 0, "Hi"},
		{"comments say nothing", "a<!-- secret -->b", 0, "ab"},
		{"mastodon link parts", `<a href="https://example.com/very/long/path"><span class="invisible">https://</span><span class="ellipsis">example.com/very/lo</span><span class="invisible">ng/path</span></a> done`, 0,
			"example.com/very/lo… done"},
		{"mastodon mention", `<span class="h-card"><a href="https://s.example/@bo" class="u-url mention">@<span>bo</span></a></span> hi`, 0, "@bo hi"},
		{"unclosed tags", "<p>open <b>bold <i>both", 0, "open bold both"},
		{"less-than that is no tag", "3 < 4 and 5 > 2, a<b", 0, "3 < 4 and 5 > 2, a"},
		{"invalid utf-8", "caf\xe9 \xff ok", 0, "caf� � ok"},
		{"control characters", "bell\x07 esc\x1b[31m red\x00 nul\u0085next", 0, "bell esc[31m red nul next"},
		{"bidi override dropped", "abc\u202edcba\u202c end", 0, "abcdcba end"},
		{"emoji joiners kept", "team 👩\u200d💻 here", 0, "team 👩\u200d💻 here"},
		{"zero-width space dropped", "no\u200bgap", 0, "nogap"},
		{"cut at a word", "The quick brown fox jumps over the lazy dog", 20, "The quick brown fox…"},
		{"cut exactly at a space", "The quick brown fox jumps", 19, "The quick brown fox…"},
		{"no cut when it fits", "The quick brown fox", 19, "The quick brown fox"},
		{"cut drops trailing punctuation", "Hello, world, and everyone else here", 13, "Hello, world…"},
		{"one long word is cut inside", "Supercalifragilisticexpialidocious", 10, "Supercalif…"},
		{"a word far back is not worth it", "a " + strings.Repeat("x", 30), 20, "a " + strings.Repeat("x", 18) + "…"},
		{"cut counts runes not bytes", "ééééé ééééé ééééé", 12, "ééééé ééééé…"},
		{"cut html", "<p>" + strings.Repeat("lorem ipsum ", 100) + "</p>", 30, "lorem ipsum lorem ipsum lorem…"},
		{"empty", "", 10, ""},
		{"only markup", "<p><br/></p>", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("Text(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if tt.max > 0 && utf8.RuneCountInString(got) > tt.max+1 {
				t.Errorf("%d runes, more than max+1", utf8.RuneCountInString(got))
			}
		})
	}
}

func TestMarkdown(t *testing.T) {
	in := `# Big news!

We **shipped** the _new_ kiosk to [three offices](https://intranet.example/kiosk) today.
See <https://intranet.example/notes> and ` + "`make deploy`" + `.

## Thanks
- Ana
* Bo
1. Cy

> Proud of this team. ~~No~~ regrets.

![team photo](team.jpg)
snake_case_names stay, and so does 2 * 3 = 6. \*not emphasis\*

---
[ref]: https://intranet.example/ref
`
	want := "Big news! We shipped the new kiosk to three offices today. See https://intranet.example/notes and make deploy. " +
		"Thanks: Ana Bo Cy Proud of this team. No regrets. snake_case_names stay, and so does 2 * 3 = 6. *not emphasis*"
	if got := Text(Markdown(in), 0); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
