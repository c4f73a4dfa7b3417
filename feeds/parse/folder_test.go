package parse

import (
	"os"
	"os/user"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

// drop writes a file into the shared folder with a given modification time,
// the way a person saving a file there would leave it.
func drop(t *testing.T, dir, name, content string, mtime time.Time) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFolder(t *testing.T) {
	dir := t.TempDir()
	spec := feeds.SourceSpec{Name: "lobby-share", Kind: feeds.KindFolder, Path: dir}
	t1 := time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)
	t2 := time.Date(2024, 5, 12, 8, 30, 0, 0, time.UTC)
	t3 := time.Date(2024, 5, 13, 17, 0, 0, 0, time.UTC)

	drop(t, dir, "launch.md", `---
author: Ana Lima
handle: "@ana"
team: Lisbon
date: 2024-05-14T09:00:00+01:00
link: https://intranet.example/launch
---
# We launched!

The **new lobby screen** is live in [all three offices](https://intranet.example/offices).
`, t1)
	img := drop(t, dir, "launch.JPG", "\xff\xd8\xff jpeg bytes", t1)
	drop(t, dir, "welcome.txt", "Welcome to our new colleagues in Porto.\n\nSay hi to <Ana & Bo> at lunch &amp; bring cake!", t2)
	party := drop(t, dir, "party.png", "\x89PNG bytes", t3)
	drop(t, dir, "dated.md", "---\ndate: 2024-05-01\n---\nMay Day picnic photos are up.", t1)
	drop(t, dir, "bad-date.md", "---\ndate: next friday\n---\nTeam lunch moved.", t2)
	drop(t, dir, "empty.png", "", t1)
	// Not stories: hidden files, office lock files, other types, subfolders.
	drop(t, dir, ".secret.md", "hidden", t1)
	drop(t, dir, "~$draft.md", "lock file", t1)
	drop(t, dir, "budget.xlsx", "numbers", t1)
	drop(t, dir, "archive/old.md", "old story", t1)
	if err := os.Symlink(filepath.Join(dir, "gone.md"), filepath.Join(dir, "broken.md")); err != nil {
		t.Fatal(err)
	}

	posts, warns, err := Folder(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	owner := (&folderReader{owners: map[string]string{}}).ownerName(statOf(t, filepath.Join(dir, "welcome.txt")))
	byText := map[string]feeds.Post{}
	for _, p := range posts {
		byText[p.Text] = p
		if p.Network != "story" || p.Source != "lobby-share" || len(p.ID) != 16 {
			t.Errorf("%q: network %q source %q id %q", p.Text, p.Network, p.Source, p.ID)
		}
	}
	want := []struct {
		text string
		post feeds.Post
	}{
		{"We launched! The new lobby screen is live in all three offices.", feeds.Post{
			Author:    feeds.Author{Name: "Ana Lima", Handle: "@ana", Team: "Lisbon"},
			Image:     img,
			Link:      "https://intranet.example/launch",
			Published: at("2024-05-14T08:00:00Z"),
		}},
		{"Welcome to our new colleagues in Porto. Say hi to <Ana & Bo> at lunch &amp; bring cake!", feeds.Post{
			Author: feeds.Author{Name: owner}, Published: t2,
		}},
		{"", feeds.Post{Author: feeds.Author{Name: owner}, Image: party, Published: t3}},
		{"May Day picnic photos are up.", feeds.Post{
			Author: feeds.Author{Name: owner}, Published: day(2024, 5, 1),
		}},
		{"Team lunch moved.", feeds.Post{Author: feeds.Author{Name: owner}, Published: t2}},
	}
	if len(posts) != len(want) {
		for _, p := range posts {
			t.Logf("got %+v", p)
		}
		t.Fatalf("got %d posts, want %d", len(posts), len(want))
	}
	for _, w := range want {
		got, ok := byText[w.text]
		if !ok {
			t.Errorf("no post with text %q", w.text)
			continue
		}
		w.post.ID, w.post.Source, w.post.Network, w.post.Text = got.ID, got.Source, got.Network, got.Text
		for _, d := range diffFields("", w.post, got) {
			t.Errorf("%q: %s", w.text, d)
		}
	}
	for i := 1; i < len(posts); i++ {
		if posts[i].Published.After(posts[i-1].Published) {
			t.Errorf("posts not newest first: %v before %v", posts[i-1].Published, posts[i].Published)
		}
	}
	wantWarns := []string{
		`bad-date.md: cannot read "next friday" as a date (write 2024-05-31 or 2024-05-31T09:30:00+02:00); used the file's time`,
		"broken.md: cannot read it: no such file or directory",
		"empty.png: is empty (still being copied?)",
	}
	if !reflect.DeepEqual(warns, wantWarns) {
		t.Errorf("warnings\n got %q\nwant %q", warns, wantWarns)
	}
}

func statOf(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func TestFolderOwnerName(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give files away")
	}
	nobody, err := user.LookupId("65534")
	if err != nil {
		t.Skip("no user 65534 on this system")
	}
	wantNobody, _, _ := strings.Cut(nobody.Name, ",")
	if wantNobody == "" {
		wantNobody = nobody.Username
	}
	dir := t.TempDir()
	now := time.Now()
	known := drop(t, dir, "a.txt", "From a real account.", now)
	unknown := drop(t, dir, "b.txt", "From a deleted account.", now.Add(-time.Hour))
	if err := os.Chown(known, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	// A uid no account has: a file left behind by someone who has gone.
	if err := os.Chown(unknown, 54321, 54321); err != nil {
		t.Fatal(err)
	}
	posts, _, err := Folder(dir, feeds.SourceSpec{Name: "share"})
	if err != nil || len(posts) != 2 {
		t.Fatalf("%d posts, %v", len(posts), err)
	}
	if posts[0].Author.Name != wantNobody || posts[1].Author.Name != "Staff" {
		t.Errorf("authors %q and %q, want %q and Staff", posts[0].Author.Name, posts[1].Author.Name, wantNobody)
	}
}

// Approval is given to a story as it was: an edited story or a replaced
// picture is a new post; reading the folder again is not.
func TestFolderIDs(t *testing.T) {
	dir := t.TempDir()
	spec := feeds.SourceSpec{Name: "share"}
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	drop(t, dir, "news.md", "Our first story.", t0)
	drop(t, dir, "pic.png", "png v1", t0)
	ids := func() map[string]string {
		posts, _, err := Folder(dir, spec)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, p := range posts {
			m[filepath.Base(p.Image)+"|"+p.Text] = p.ID
		}
		return m
	}
	first := ids()
	if again := ids(); !reflect.DeepEqual(first, again) {
		t.Errorf("ids changed on a second read: %v, %v", first, again)
	}
	drop(t, dir, "news.md", "Our first story, edited.", t0)
	drop(t, dir, "pic.png", "png v2, a new picture", t0.Add(time.Minute))
	edited := ids()
	for k, id := range edited {
		for k0, id0 := range first {
			if id == id0 {
				t.Errorf("%q kept the id of %q after an edit", k, k0)
			}
		}
	}
}

func TestFolderMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-mounted")
	_, _, err := Folder(dir, feeds.SourceSpec{Name: "share"})
	if err == nil || err.Error() != "cannot read the shared folder: open "+dir+": no such file or directory" {
		t.Errorf("error %v", err)
	}
}

// Stories are saved by whatever editor staff have: Notepad's windows-1252
// and "Unicode" (UTF-16 with a byte order mark) read as they were written,
// a German date in the front matter too, and the folder's reading says so.
func TestFolderEncodings(t *testing.T) {
	dir := t.TempDir()
	t1 := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	drop(t, dir, "fete.txt", "F\xeate de l'\xe9quipe \x96 vendredi \xe0 17\xa0h\xa0!", t1)
	drop(t, dir, "umzug.md", string(utf16le(t, "---\nauthor: Jürgen Weiß\ndate: 20.11.2026\n---\nUmzug ins Büro Süd am Freitag.", true)), t1)
	r, err := ReadFolder(dir, feeds.SourceSpec{Name: "share", Kind: feeds.KindFolder, Path: dir, Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]feeds.Post{}
	for _, p := range r.Posts {
		got[p.Text] = p
	}
	if _, ok := got["Fête de l'équipe – vendredi à 17 h !"]; !ok {
		t.Errorf("windows-1252 story: %+v", r.Posts)
	}
	p, ok := got["Umzug ins Büro Süd am Freitag."]
	if !ok || p.Author.Name != "Jürgen Weiß" || !p.Published.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("UTF-16 story: %+v", r.Posts)
	}
	if r.Reading.Encoding != "UTF-16LE, windows-1252" || r.Reading.Read != 2 || r.Reading.Skipped != 0 {
		t.Errorf("reading %+v", r.Reading)
	}
	if len(r.Warnings) != 1 || !strings.HasPrefix(r.Warnings[0], "fete.txt is not UTF-8 and does not say what it is: read it as windows-1252") {
		t.Errorf("warnings %q", r.Warnings)
	}
}
