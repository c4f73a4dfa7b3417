package main

// The files offices really publish, served over real HTTP (with the
// charsets servers send) and read from disk, through the real binary's
// `content --json`: the numbers, dates, people and text a person would
// check, and warnings only where a person would want one. The files are
// described in feeds/parse/testdata/office/README.md and world/README.md.

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	officeDir = "../../feeds/parse/testdata/office"
	worldDir  = "../../feeds/parse/testdata/world"
)

// inputsJSON is the part of `content --json` this test reads.
type inputsJSON struct {
	Posts []struct {
		ID          string
		Source      string
		Network     string
		Text        string
		Image       string
		Published   time.Time
		DateUnknown bool `json:"date_unknown"`
		Status      string
		Author      struct{ Name, Handle, Avatar string }
	}
	Wins []struct {
		Label, Unit, Period string
		Value, Previous     float64
		HasPrevious         bool   `json:"has_previous"`
		AsOf                string `json:"as_of"`
	}
	Leaderboard []struct {
		Rank   int
		Name   string
		Points float64
		Change int
		Badge  string
	}
	Sources []struct {
		Name     string
		OK       bool
		Error    string
		Items    int
		Warnings []string
		Reading  struct {
			Encoding     string
			EncodingFrom string `json:"encoding_from"`
			Read         int
			Skipped      int
			Skips        []struct {
				Row, Item int
				Reason    string
			}
			Choices []string
		}
	}
}

// officeServer serves the office and world files as their servers would,
// each with its Content-Type, on 127.0.0.1.
func officeServer(t *testing.T) string {
	t.Helper()
	routes := map[string]struct{ file, contentType string }{
		"/exports/fr-wins.csv":      {officeDir + "/fr-excel-wins.csv", "text/csv; charset=windows-1252"},
		"/exports/de-wins.csv":      {officeDir + "/de-excel-wins.csv", "text/csv; charset=windows-1252"},
		"/spreadsheets/d/pub":       {officeDir + "/google-sheets-wins.csv", "text/csv"},
		"/advocacy/leaderboard.csv": {officeDir + "/advocacy-leaderboard.csv", "text/csv; charset=utf-8"},
		"/export/people.csv":        {officeDir + "/person-leaderboard.csv", "text/csv"},
		"/actualites/rss":           {officeDir + "/latin1-university.rss", "application/rss+xml; charset=ISO-8859-1"},
		"/notes/feed.json":          {officeDir + "/jsonfeed-1.0.json", "application/json"},
		"/profile/ana/rss":          {officeDir + "/bluesky-embeds.rss", "application/rss+xml"},
		"/tags/kubernetes.rss":      {worldDir + "/mastodon-tag-kubernetes.rss", "application/rss+xml; charset=utf-8"},
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, ok := routes[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body, err := os.ReadFile(rt.file)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", rt.contentType)
		w.Write(body)
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// officeContent runs the real binary's `content --json` over a config of
// sources (TOML [[source]] tables) and decodes what it prints.
func officeContent(t *testing.T, sources string) inputsJSON {
	t.Helper()
	dir := t.TempDir()
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	sources = strings.NewReplacer("@OFFICE@", abs(officeDir), "@WORLD@", abs(worldDir)).Replace(sources)
	cfg := filepath.Join(dir, "kiosk.toml")
	body := "name = \"Lobby Lyon\"\ntimezone = \"Europe/Berlin\"\nstate_dir = \"state\"\n" + sources
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t), "content", "--json", "--config", cfg)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("content: %v\n%s", err, stderr.String())
	}
	var c inputsJSON
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, s := range c.Sources {
		if !s.OK || s.Error != "" {
			t.Errorf("source %s failed: %s", s.Name, s.Error)
		}
	}
	return c
}

func TestContentReadsOfficeFiles(t *testing.T) {
	if _, err := time.LoadLocation("Europe/Berlin"); err != nil {
		t.Skip("no tzdata:", err)
	}
	base := officeServer(t)
	src := func(name, kind, where string, extra ...string) string {
		key := "path"
		if strings.HasPrefix(where, "/") && !strings.HasPrefix(where, "@") && !strings.HasPrefix(where, "/srv") {
			key, where = "url", base+where
		}
		return fmt.Sprintf("[[source]]\nname = %q\nkind = %q\n%s = %q\n%s\n", name, kind, key, where, strings.Join(extra, "\n"))
	}
	c := officeContent(t, strings.Join([]string{
		src("wins-fr", "wins", "/exports/fr-wins.csv"),
		src("wins-de", "wins", "/exports/de-wins.csv"),
		src("wins-sheets", "wins", "/spreadsheets/d/pub"),
		src("wins-fr-share", "wins", "@OFFICE@/fr-excel-wins.csv"),
		src("board", "leaderboard", "@OFFICE@/unicode-text-leaderboard.txt", `locale = "de"`),
		src("university", "posts", "/actualites/rss"),
		src("notes", "posts", "/notes/feed.json"),
		src("ana-bluesky", "posts", "/profile/ana/rss"),
		src("kubernetes", "posts", "/tags/kubernetes.rss"),
		src("journal", "posts", "@OFFICE@/wordpress-blog.rss"),
		src("intranet", "posts", "@OFFICE@/share-no-link.rss"),
	}, "\n"))

	t.Run("numbers and as-of dates", func(t *testing.T) {
		type win struct {
			label           string
			value, previous float64
			unit, asOf      string
		}
		want := []win{
			{"Portée des publications", 1234567, 1100000, "", "2026-11-30"},
			{"Partages", 4812, 3960, "", "2026-11-30"},
			{"Budget économisé", 12300, 9800, "€", "2026-11-30"},
			{"Taux d'engagement", 4.7, 5.1, "%", "2026-11-30"},
			{"Nouveaux abonnés", 1340, 1512, "", "2026-11-30"},
			{"Reichweite", 1234567, 1100000, "", "2026-03-31"},
			{"Geteilte Beiträge", 4812, 3960, "", "2026-03-31"},
			{"Werbewert; geschätzt", 2.3e6, 1.9e6, "€", "2026-03-31"},
			{"Mitarbeiteranteil", 12.5, 11, "%", "2026-03-31"},
			{"Post reach", 1234567, 1100000, "", "2026-11-30"},
			{"Shares", 4812, 3960, "", "2026-11-30"},
			{"Ad value", 12300.5, 9800, "$", "2026-12-01"},
			{"Staff sharing", 61, 54, "%", "2026-11-30"},
		}
		// The French file again, from a share: the same figures.
		want = append(want, want[:5]...)
		var got []win
		for _, w := range c.Wins {
			if !w.HasPrevious {
				t.Errorf("%s: no previous value", w.Label)
			}
			got = append(got, win{w.Label, w.Value, w.Previous, w.Unit, w.AsOf})
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("wins\n got %v\nwant %v", got, want)
		}
	})

	t.Run("people on the leaderboard", func(t *testing.T) {
		type row struct {
			rank   int
			name   string
			points float64
			change int
			badge  string
		}
		want := []row{{1, "Jürgen Weiß", 1240, 2, ""}, {2, "Şebnem Öztürk", 1105, -1, ""}, {3, "Zoë Müller", 980, 0, "new"}, {4, "Björn Ångström", 870, 0, ""}}
		var got []row
		for _, s := range c.Leaderboard {
			got = append(got, row{s.Rank, s.Name, s.Points, s.Change, s.Badge})
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("leaderboard\n got %v\nwant %v", got, want)
		}
	})

	t.Run("posts: people, dates and text", func(t *testing.T) {
		bySource := map[string][]int{}
		for i, p := range c.Posts {
			bySource[p.Source] = append(bySource[p.Source], i)
			if p.Status != "shown" {
				t.Errorf("post %q: %s", p.Text, p.Status)
			}
		}
		people := map[string]string{}
		for _, i := range bySource["kubernetes"] {
			p := c.Posts[i]
			people[p.Author.Name] = p.Author.Handle
			if p.Author.Avatar != "" {
				t.Errorf("%s wears the avatar %q", p.Author.Name, p.Author.Avatar)
			}
		}
		if want := map[string]string{"jon404": "@jon404@ioc.exchange", "k8s_releases": "@k8s_releases@botsin.space",
			"ErikBussink": "@ErikBussink@vmst.io", "imdciangot": "@imdciangot@fosstodon.org"}; !reflect.DeepEqual(people, want) {
			t.Errorf("hashtag feed people %v", people)
		}

		if i := bySource["university"]; len(i) != 1 || c.Posts[i[0]].Author.Name != "Hélène Dubois" ||
			c.Posts[i[0]].Text != "Les études de cas de l'équipe « données » sont en ligne. Rendez-vous à l'amphi à 14 h !" {
			t.Errorf("Latin-1 feed: %+v", bySource["university"])
		}
		if i := bySource["ana-bluesky"]; len(i) != 1 || c.Posts[i[0]].Text != "Our team page is live!" || c.Posts[i[0]].Author.Name != "Ana Lima" {
			t.Errorf("Bluesky: %d posts", len(i))
		}
		if i := bySource["journal"]; len(i) != 1 || c.Posts[i[0]].Text != "Repair café in Porto: Forty jackets mended in one afternoon." || c.Posts[i[0]].Image != "" {
			t.Errorf("WordPress: %+v", c.Posts[bySource["journal"][0]])
		}
		if i := bySource["intranet"]; len(i) != 1 || c.Posts[i[0]].Image != "" {
			t.Errorf("a relative picture on a share became %q", c.Posts[i[0]].Image)
		}

		// JSON Feed 1.0's dates: read in the kiosk's zone, or unknown and
		// then never "now" first: after every dated post.
		notes := map[string]int{}
		for _, i := range bySource["notes"] {
			notes[c.Posts[i].Author.Name] = i
		}
		berlin, _ := time.LoadLocation("Europe/Berlin")
		if p := c.Posts[notes["Ana Lima"]]; !p.Published.Equal(time.Date(2018, 1, 6, 8, 0, 0, 0, berlin)) || p.DateUnknown {
			t.Errorf("2018-01-06T08:00 read as %v", p.Published)
		}
		if p := c.Posts[notes["Jon Ruiz"]]; !p.Published.Equal(time.Date(2020, 1, 10, 14, 33, 0, 0, berlin)) || p.DateUnknown {
			t.Errorf("2020/1/10 14:33:00 read as %v", p.Published)
		}
		var undated []string
		for i, p := range c.Posts {
			if p.DateUnknown {
				undated = append(undated, p.Author.Name)
				for _, q := range c.Posts[i+1:] {
					if !q.DateUnknown {
						t.Errorf("dated post %q after undated %q", q.Text, p.Text)
					}
				}
				if d := time.Since(p.Published); d < 0 || d > time.Hour {
					t.Errorf("date unknown, but first seen at %v", p.Published)
				}
			}
		}
		if want := []string{"Marta Okafor", "Priya Raman"}; !reflect.DeepEqual(undated, want) {
			t.Errorf("undated %v, want %v", undated, want)
		}
	})

	t.Run("what each source says", func(t *testing.T) {
		type said struct {
			enc, from string
			read      int
			skipped   int
			warned    string // part of the one warning, "" for none
		}
		want := map[string]said{
			"wins-fr":       {"windows-1252", `HTTP charset "windows-1252"`, 5, 0, ""},
			"wins-de":       {"windows-1252", `HTTP charset "windows-1252"`, 4, 0, ""},
			"wins-sheets":   {"UTF-8", "detected", 4, 0, ""},
			"wins-fr-share": {"windows-1252", "assumed", 5, 0, "is not UTF-8 and does not say what it is: read it as windows-1252"},
			"board":         {"UTF-16LE", "byte order mark", 4, 0, ""},
			"university":    {"windows-1252", `HTTP charset "ISO-8859-1"`, 1, 0, ""},
			"notes":         {"UTF-8", "detected", 4, 0, `cannot read "next Tuesday" as a date`},
			"ana-bluesky":   {"UTF-8", `XML declaration "UTF-8"`, 2, 1, ""},
			"kubernetes":    {"UTF-8", `HTTP charset "utf-8"`, 4, 0, ""},
			"journal":       {"UTF-8", `XML declaration "UTF-8"`, 1, 0, ""},
			"intranet":      {"UTF-8", `XML declaration "UTF-8"`, 1, 0, `relative link (such as "skins/default/coffee.jpg") dropped`},
		}
		for _, s := range c.Sources {
			w, ok := want[s.Name]
			if !ok {
				t.Errorf("unexpected source %s", s.Name)
				continue
			}
			r := s.Reading
			if r.Encoding != w.enc || r.EncodingFrom != w.from || r.Read != w.read || r.Skipped != w.skipped {
				t.Errorf("%s: reading %+v", s.Name, r)
			}
			switch {
			case w.warned == "" && len(s.Warnings) > 0:
				t.Errorf("%s: unwanted warnings %q", s.Name, s.Warnings)
			case w.warned != "" && !strings.Contains(strings.Join(s.Warnings, "\n"), w.warned):
				t.Errorf("%s: warnings %q, want one about %q", s.Name, s.Warnings, w.warned)
			}
		}
		for _, s := range c.Sources {
			switch s.Name {
			case "ana-bluesky":
				if len(s.Reading.Skips) != 1 || s.Reading.Skips[0].Item != 2 || s.Reading.Skips[0].Reason != "nothing left once Bluesky's embed placeholder was taken out" {
					t.Errorf("Bluesky skips %+v", s.Reading.Skips)
				}
			case "wins-de":
				if want := []string{`numbers such as "4.812" (row 3) read as 4812: the file writes decimals with a comma ("1.234.567", row 2)`}; !reflect.DeepEqual(s.Reading.Choices, want) {
					t.Errorf("German choices %q", s.Reading.Choices)
				}
			case "board":
				if want := []string{`numbers such as "1.240" (row 2) read as 1240: the source's locale "de" writes 1.234,5`}; !reflect.DeepEqual(s.Reading.Choices, want) {
					t.Errorf("leaderboard choices %q", s.Reading.Choices)
				}
			}
		}
	})
}

// The advocacy platforms' downloads: "Member" and "Person" columns, "new"
// kept as a newcomer, a title and a second header row.
func TestContentReadsAdvocacyLeaderboards(t *testing.T) {
	base := officeServer(t)
	type row struct {
		rank   int
		name   string
		points float64
		change int
		badge  string
	}
	for _, tt := range []struct {
		path string
		want []row
		rows int
	}{
		{"/advocacy/leaderboard.csv", []row{{1, "Ana Lima", 1240, 2, ""}, {2, "Marta Okafor", 1105, -1, ""}, {3, "Jon Ruiz", 1090, 0, "new"}, {4, "Priya Raman", 980, 0, ""}}, 4},
		{"/export/people.csv", []row{{1, "Lee Chen", 870, 2, ""}, {2, "Sam Okoro", 815, 0, "new"}, {3, "Dana Whit", 790, -1, ""}}, 3},
	} {
		c := officeContent(t, fmt.Sprintf("[[source]]\nname = \"board\"\nkind = \"leaderboard\"\nurl = %q\n", base+tt.path))
		var got []row
		for _, s := range c.Leaderboard {
			got = append(got, row{s.Rank, s.Name, s.Points, s.Change, s.Badge})
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %v\nwant %v", tt.path, got, tt.want)
		}
		if s := c.Sources[0]; len(s.Warnings) > 0 || s.Reading.Read != tt.rows || s.Reading.Skipped != 0 {
			t.Errorf("%s: warnings %q, reading %+v", tt.path, s.Warnings, s.Reading)
		}
	}
}

// The table form says the same for a person at a terminal: which posts have
// no date, and per source how it was read.
func TestContentTextSaysHowSourcesWereRead(t *testing.T) {
	dir := t.TempDir()
	office, err := filepath.Abs(officeDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "kiosk.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`timezone = "Europe/Berlin"
state_dir = "state"
[[source]]
name = "notes"
kind = "posts"
path = %q
[[source]]
name = "wins-de"
kind = "wins"
path = %q
[[source]]
name = "ana"
kind = "posts"
path = %q
`, office+"/jsonfeed-1.0.json", office+"/de-excel-wins.csv", office+"/bluesky-embeds.rss")), 0o644)
	code, out, errs := run(t, "content", "--config", cfg)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errs)
	}
	if !regexp.MustCompile(`notes +Marta Okafor +date unknown \(first seen 20\d\d-\d\d-\d\d \d\d:\d\d\)`).MatchString(out) {
		t.Error("the undated post is not marked \"date unknown\"")
	}
	for _, want := range []string{
		"Reichweite            1234567  1100000",
		"READING\n",
		"notes: 4 items read, 0 skipped; encoding UTF-8 (detected)\n",
		"wins-de: 4 rows read, 0 skipped; encoding windows-1252 (assumed)\n",
		`    numbers such as "4.812" (row 3) read as 4812: the file writes decimals with a comma ("1.234.567", row 2)` + "\n",
		"ana: 2 items read, 1 skipped; encoding UTF-8 (XML declaration \"UTF-8\")\n    skipped item 2: nothing left once Bluesky's embed placeholder was taken out\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}
