package parse

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

// office reads one of the exports in testdata/office (see its README) as
// spec says, in the kiosk zone Europe/Berlin.
func office(t *testing.T, name, contentType string, spec feeds.SourceSpec) feeds.Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "office", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := time.LoadLocation("Europe/Berlin"); err != nil {
		t.Skip("no tzdata:", err)
	}
	spec.Name, spec.Timezone = "s", "Europe/Berlin"
	r, err := Read(Doc{Body: b, ContentType: contentType}, spec)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r
}

// berlinDay is midnight of a day in the kiosk's zone, as a sheet's date.
func berlinDay(y int, m time.Month, d int) time.Time {
	loc, _ := time.LoadLocation("Europe/Berlin")
	return time.Date(y, m, d, 0, 0, 0, 0, loc).UTC()
}

func TestOfficeWins(t *testing.T) {
	nov30 := berlinDay(2026, 11, 30)
	tests := []struct {
		file, contentType string
		want              []feeds.Metric
		enc               string
		warned            bool
		choices           []string
	}{
		{"fr-excel-wins.csv", "text/csv; charset=windows-1252", []feeds.Metric{
			{Label: "Portée des publications", Value: 1234567, Previous: 1100000, HasPrevious: true, Period: "novembre 2026", AsOf: nov30},
			{Label: "Partages", Value: 4812, Previous: 3960, HasPrevious: true, Period: "novembre 2026", AsOf: nov30},
			{Label: "Budget économisé", Value: 12300, Previous: 9800, HasPrevious: true, Unit: "€", Period: "T4", AsOf: nov30},
			{Label: "Taux d'engagement", Value: 4.7, Previous: 5.1, HasPrevious: true, Unit: "%", Period: "novembre 2026", AsOf: nov30},
			{Label: "Nouveaux abonnés", Value: 1340, Previous: 1512, HasPrevious: true, Period: "novembre 2026", AsOf: nov30},
		}, "windows-1252", false, nil},
		// Read from a share: nothing says windows-1252, so it is
		// assumed, and a person hears of it.
		{"fr-excel-wins.csv", "", nil, "windows-1252", true, nil},
		{"de-excel-wins.csv", "text/csv; charset=windows-1252", []feeds.Metric{
			{Label: "Reichweite", Value: 1234567, Previous: 1100000, HasPrevious: true, Period: "März 2026", AsOf: berlinDay(2026, 3, 31)},
			{Label: "Geteilte Beiträge", Value: 4812, Previous: 3960, HasPrevious: true, Period: "März 2026", AsOf: berlinDay(2026, 3, 31)},
			{Label: "Werbewert; geschätzt", Value: 2.3e6, Previous: 1.9e6, HasPrevious: true, Unit: "€", Period: "März 2026", AsOf: berlinDay(2026, 3, 31)},
			{Label: "Mitarbeiteranteil", Value: 12.5, Previous: 11, HasPrevious: true, Unit: "%", Period: "März 2026", AsOf: berlinDay(2026, 3, 31)},
		}, "windows-1252", false, []string{`numbers such as "4.812" (row 3) read as 4812: the file writes decimals with a comma ("1.234.567", row 2)`}},
		{"google-sheets-wins.csv", "text/csv", []feeds.Metric{
			{Label: "Post reach", Value: 1234567, Previous: 1100000, HasPrevious: true, Period: "November", AsOf: nov30},
			{Label: "Shares", Value: 4812, Previous: 3960, HasPrevious: true, Period: "November", AsOf: nov30},
			{Label: "Ad value", Value: 12300.5, Previous: 9800, HasPrevious: true, Unit: "$", Period: "Q4", AsOf: berlinDay(2026, 12, 1)},
			{Label: "Staff sharing", Value: 61, Previous: 54, HasPrevious: true, Unit: "%", Period: "November", AsOf: nov30},
		}, "UTF-8", false, []string{
			`numbers such as "4,812" (row 3) read as 4812: the file writes decimals with a point ("1,234,567", row 2)`,
			`dates such as "12/01/2026" read as 1 December 2026: other dates write the month first ("11/30/2026")`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.contentType, func(t *testing.T) {
			r := office(t, tt.file, tt.contentType, feeds.SourceSpec{Kind: feeds.KindWins})
			if tt.want != nil {
				checkMetrics(t, r.Wins, tt.want)
			}
			if r.Reading.Encoding != tt.enc || r.Reading.Skipped != 0 || r.Reading.Read != len(r.Wins) {
				t.Errorf("reading %+v", r.Reading)
			}
			if warned := len(r.Warnings) > 0; warned != tt.warned {
				t.Errorf("warnings %q", r.Warnings)
			}
			if tt.choices != nil && !reflect.DeepEqual(r.Reading.Choices, tt.choices) {
				t.Errorf("choices\n got %q\nwant %q", r.Reading.Choices, tt.choices)
			}
		})
	}
}

func TestOfficeLeaderboards(t *testing.T) {
	tests := []struct {
		file, locale string
		want         []feeds.Standing
		enc          string
		choices      []string
	}{
		// Excel's "Unicode text": the locale says 1.240 is 1240.
		{"unicode-text-leaderboard.txt", "de", []feeds.Standing{
			{Rank: 1, Name: "Jürgen Weiß", Points: 1240, Change: 2},
			{Rank: 2, Name: "Şebnem Öztürk", Points: 1105, Change: -1},
			{Rank: 3, Name: "Zoë Müller", Points: 980, Badge: "new"},
			{Rank: 4, Name: "Björn Ångström", Points: 870},
		}, "UTF-16LE", []string{`numbers such as "1.240" (row 2) read as 1240: the source's locale "de" writes 1.234,5`}},
		{"advocacy-leaderboard.csv", "", []feeds.Standing{
			{Rank: 1, Name: "Ana Lima", Points: 1240, Change: 2},
			{Rank: 2, Name: "Marta Okafor", Points: 1105, Change: -1},
			{Rank: 3, Name: "Jon Ruiz", Points: 1090, Badge: "new"},
			{Rank: 4, Name: "Priya Raman", Points: 980},
		}, "UTF-8", []string{
			"the header is line 4; the 3 lines above it were not read as data",
			"line 5 is a second header row",
			`numbers such as "1,240" (row 6) read as 1240: the file is separated by ",", as spreadsheets that write 1,234.5 save it`,
		}},
		{"person-leaderboard.csv", "", []feeds.Standing{
			{Rank: 1, Name: "Lee Chen", Points: 870, Change: 2},
			{Rank: 2, Name: "Sam Okoro", Points: 815, Badge: "new"},
			{Rank: 3, Name: "Dana Whit", Points: 790, Change: -1},
		}, "UTF-8", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := office(t, tt.file, "", feeds.SourceSpec{Kind: feeds.KindLeaderboard, Locale: tt.locale})
			checkStandings(t, r.Leaderboard, tt.want)
			if r.Reading.Encoding != tt.enc || len(r.Warnings) != 0 || !reflect.DeepEqual(r.Reading.Choices, tt.choices) {
				t.Errorf("reading %+v, warnings %q", r.Reading, r.Warnings)
			}
		})
	}
	// Without the locale the German points are not guessed silently.
	r := office(t, "unicode-text-leaderboard.txt", "", feeds.SourceSpec{Kind: feeds.KindLeaderboard})
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], `numbers such as "1.240" (row 2) could be read two ways`) {
		t.Errorf("warnings %q", r.Warnings)
	}
}

func TestOfficeFeeds(t *testing.T) {
	t.Run("Latin-1 without a declaration, server says ISO-8859-1", func(t *testing.T) {
		r := office(t, "latin1-university.rss", "application/rss+xml; charset=ISO-8859-1", feeds.SourceSpec{Kind: feeds.KindPosts})
		if len(r.Posts) != 1 || len(r.Warnings) != 0 {
			t.Fatalf("posts %+v, warnings %q", r.Posts, r.Warnings)
		}
		p := r.Posts[0]
		if p.Author.Name != "Hélène Dubois" || p.Text != "Les études de cas de l'équipe « données » sont en ligne. Rendez-vous à l'amphi à 14 h !" {
			t.Errorf("post %+v", p)
		}
	})
	t.Run("JSON Feed 1.0 dates", func(t *testing.T) {
		r := office(t, "jsonfeed-1.0.json", "", feeds.SourceSpec{Kind: feeds.KindPosts})
		type want struct {
			name    string
			at      time.Time
			unknown bool
			avatar  string
		}
		berlin, _ := time.LoadLocation("Europe/Berlin")
		wants := []want{
			{"Jon Ruiz", time.Date(2020, 1, 10, 14, 33, 0, 0, berlin), false, ""},
			{"Ana Lima", time.Date(2018, 1, 6, 8, 0, 0, 0, berlin), false, "https://notes.example.org/ana.jpg"},
			{"Marta Okafor", time.Time{}, true, ""}, // "next Tuesday"
			{"Priya Raman", time.Time{}, true, ""},  // no date
		}
		if len(r.Posts) != len(wants) {
			t.Fatalf("%d posts", len(r.Posts))
		}
		for i, w := range wants {
			p := r.Posts[i]
			if p.Author.Name != w.name || !p.Published.Equal(w.at) || p.DateUnknown != w.unknown || p.Author.Avatar != w.avatar {
				t.Errorf("post %d: %s at %v (unknown %v, avatar %q), want %+v", i, p.Author.Name, p.Published, p.DateUnknown, p.Author.Avatar, w)
			}
		}
		warns := []string{
			`1 item has a date that cannot be read (item 3: cannot read "next Tuesday" as a date): shown as "date unknown", dated by when the kiosk first saw them`,
			`1 item has no date: shown as "date unknown", dated by when the kiosk first saw them`,
		}
		if !reflect.DeepEqual(r.Warnings, warns) {
			t.Errorf("warnings %q", r.Warnings)
		}
	})
	t.Run("boilerplate", func(t *testing.T) {
		r := office(t, "bluesky-embeds.rss", "", feeds.SourceSpec{Kind: feeds.KindPosts})
		if len(r.Posts) != 1 || r.Posts[0].Text != "Our team page is live!" {
			t.Errorf("posts %+v", r.Posts)
		}
		if want := []feeds.Skip{{Item: 2, Reason: "nothing left once Bluesky's embed placeholder was taken out"}}; !reflect.DeepEqual(r.Reading.Skips, want) {
			t.Errorf("skips %+v", r.Reading.Skips)
		}
		r = office(t, "wordpress-blog.rss", "", feeds.SourceSpec{Kind: feeds.KindPosts})
		if len(r.Posts) != 1 || r.Posts[0].Text != "Repair café in Porto: Forty jackets mended in one afternoon." || r.Posts[0].Image != "" {
			t.Errorf("posts %+v", r.Posts)
		}
	})
	t.Run("relative links and no <link>", func(t *testing.T) {
		r := office(t, "share-no-link.rss", "", feeds.SourceSpec{Kind: feeds.KindPosts, Path: "/srv/share/news.rss"})
		if len(r.Posts) != 1 || r.Posts[0].Image != "" || r.Posts[0].Text != "New coffee machine on floor 3" {
			t.Errorf("posts %+v", r.Posts)
		}
		if want := []string{`1 relative link (such as "skins/default/coffee.jpg") dropped: the feed has no <link> or xml:base to resolve it against`}; !reflect.DeepEqual(r.Warnings, want) {
			t.Errorf("warnings %q", r.Warnings)
		}
	})
}

// Boilerplate goes wherever it stands, and only that.
func TestBoilerplate(t *testing.T) {
	tests := []struct{ in, want, cleaned string }{
		{"Big news! [contains quote post or other embedded content]", "Big news!", "Bluesky's embed placeholder"},
		{"Forty jackets mended. Continue reading “Repair café” →", "Forty jackets mended.", `the "Continue reading" link`},
		{"In the ever-evolving landscape… Continue reading on Medium »", "In the ever-evolving landscape…", `Medium's "Continue reading on Medium"`},
		{"# Securing CI/CD Pipelines Continue reading on Medium »", "# Securing CI/CD Pipelines", `Medium's "Continue reading on Medium"`},
		{"Wir waren in Porto. Weiterlesen", "Wir waren in Porto.", `the "Continue reading" link`},
		{"Nous étions à Porto. Lire la suite »", "Nous étions à Porto.", `the "Continue reading" link`},
		{"submitted by ana to lemmyworld 361 points | 47 comments Hello World", "Hello World", `Lemmy's "submitted by …" line`},
		{"Great day. The post Great day appeared first on Tern Journal.", "Great day.", `the "The post … appeared first on …" footer`},
		// Not boilerplate: a sentence that says "read more" in passing.
		{"Read more books this winter, says our librarian.", "Read more books this winter, says our librarian.", ""},
		{"We read more than 40 CVs. Then we hired Ana.", "We read more than 40 CVs. Then we hired Ana.", ""},
		{"Read more about our team on the careers page", "Read more about our team on the careers page", ""},
		{"Summary […]", "Summary…", ""},
	}
	for _, tt := range tests {
		got, cleaned := tidy(tt.in)
		if got != tt.want || cleaned != tt.cleaned {
			t.Errorf("tidy(%q) = %q, %q; want %q, %q", tt.in, got, cleaned, tt.want, tt.cleaned)
		}
	}
}

// Spreadsheet column names in five languages, folded for case, accents,
// spaces and units in brackets.
func TestColumnNames(t *testing.T) {
	board := map[string]string{
		"Member": "name", "PERSON": "name", "Full name": "name", "Mitarbeiter": "name", "Nom": "name", "Nombre": "name", "Nome": "name",
		"Prénom": "first_name", "Nachname": "last_name", "User name": "handle", "Punkte (gesamt)": "points", "Puntuación": "points",
		"Pontuação": "points", "Score": "points", "Platz": "rank", "Posición": "rank", "#": "rank", "Veränderung": "change",
		"Évolution": "change", "Tendencia": "change", "Photo URL": "avatar", "Abzeichen": "badge", "Department": "",
	}
	for h, want := range board {
		if got := boardColumns.canonical(h); got != want {
			t.Errorf("leaderboard %q = %q, want %q", h, got, want)
		}
	}
	wins := map[string]string{
		"KPI": "label", "Kennzahl": "label", "Libellé": "label", "Indicador": "label", "This period": "value", "Wert": "value",
		"Valeur": "value", "Last period": "previous", "Vormonat": "previous", "Période précédente": "previous",
		"Período anterior": "previous", "Unité": "unit", "Zeitraum": "period", "As of": "as_of", "Stand": "as_of", "Fecha": "as_of",
		"Reach (€)": "", "Value (€)": "value",
	}
	for h, want := range wins {
		if got := winColumns.canonical(h); got != want {
			t.Errorf("wins %q = %q, want %q", h, got, want)
		}
	}
}

// "Prénom" and "Nom" make one name; a "User" column holding names is names.
func TestNameColumns(t *testing.T) {
	r, err := Read(Doc{Body: []byte("Prénom;Nom;Points\nHélène;Dubois;12\n;Martin;10\n")}, feeds.SourceSpec{Kind: feeds.KindLeaderboard})
	if err != nil || len(r.Leaderboard) != 2 || r.Leaderboard[0].Name != "Hélène Dubois" || r.Leaderboard[1].Name != "Martin" {
		t.Errorf("got %+v, %v", r.Leaderboard, err)
	}
	r, err = Read(Doc{Body: []byte("User,Points\nAna Lima,12\n@jon,10\n")}, feeds.SourceSpec{Kind: feeds.KindLeaderboard})
	if err != nil || len(r.Leaderboard) != 2 || r.Leaderboard[0].Name != "Ana Lima" || r.Leaderboard[0].Handle != "" ||
		r.Leaderboard[1].Name != "@jon" || r.Leaderboard[1].Handle != "@jon" {
		t.Errorf("got %+v, %v", r.Leaderboard, err)
	}
}
