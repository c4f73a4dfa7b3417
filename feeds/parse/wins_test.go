package parse

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

// day is a date as the people who typed it meant it: midnight where the
// kiosk is.
func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.Local).UTC()
}

func checkMetrics(t *testing.T, got, want []feeds.Metric) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d metrics, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		for _, d := range diffFields("", want[i], got[i]) {
			t.Errorf("metric %d (%s): %s", i, want[i].Label, d)
		}
	}
}

func checkStandings(t *testing.T, got, want []feeds.Standing) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		for _, d := range diffFields("", want[i], got[i]) {
			t.Errorf("row %d (%s): %s", i, want[i].Name, d)
		}
	}
}

func TestWinsCSV(t *testing.T) {
	got, warns, err := Wins(fixture(t, "wins.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkMetrics(t, got, []feeds.Metric{
		{Label: "Post reach", Value: 48120, Previous: 41300, HasPrevious: true, Period: "this month", AsOf: day(2024, 5, 31)},
		{Label: "Staff sharing", Value: 61, Previous: 54, HasPrevious: true, Unit: "%", Period: "this month", AsOf: day(2024, 5, 31)},
		{Label: "New followers", Value: 1200, Previous: 980, HasPrevious: true, Unit: "followers", Period: "May", AsOf: day(2024, 5, 31)},
		{Label: "Ad spend saved", Value: 12000, Unit: "€", Period: "Q2", AsOf: day(2024, 6, 30)},
		// 31/05/2024 can only be day first.
		{Label: "Engagement rate", Value: 4.7, Previous: 5.1, HasPrevious: true, Unit: "%", Period: "this month", AsOf: day(2024, 5, 31)},
	})
	want := []string{
		// "4,7 %" among "1.2k" and "5.1%": a person should check the file.
		`the file writes decimals both ways ("1.2k" row 4, "4,7 %" row 7): read numbers such as "48,120" (row 2) as 48120, as most of its values do; set locale on the source to be sure`,
		`row 6: column value: cannot read "abc" as a number`,
	}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings\n got %q\nwant %q", warns, want)
	}
}

func TestWinsJSON(t *testing.T) {
	got, warns, err := Wins(fixture(t, "wins.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkMetrics(t, got, []feeds.Metric{
		{Label: "Post reach", Value: 48120, Previous: 41300, HasPrevious: true, Period: "this month", AsOf: day(2024, 5, 31)},
		{Label: "Staff sharing", Value: 61, Previous: 54, HasPrevious: true, Unit: "%", Period: "this month", AsOf: at("2024-05-31T16:00:00Z")},
		{Label: "Video views", Value: 1.2e6, Period: "Q2"},
		{Label: "Avg. response time", Value: -3.5, Unit: "%", Period: "vs. April"},
	})
	want := []string{`row 4: column value: expected a number or text, found true`}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings\n got %q\nwant %q", warns, want)
	}
}

func TestWinsLayouts(t *testing.T) {
	want := []feeds.Metric{
		{Label: "Reach", Value: 1234.5, Previous: 1000, HasPrevious: true, Period: "Mai"},
		{Label: "Shares", Value: 12, Unit: "%", Period: "Mai"},
	}
	tests := map[string]string{
		// A German spreadsheet: semicolons, decimal commas, columns shuffled
		// and in capitals, an extra column, a byte order mark, CRLF, a blank line.
		"semicolon csv": "\uFEFFPERIOD;Notes;Value;Label;Previous\r\nMai;x;1.234,5;Reach;1.000\r\n\r\nMai;;12%;Shares;\r\n",
		"tab csv":       "label\tvalue\tprevious\tperiod\nReach\t1234.5\t1000\tMai\nShares\t12%\t\tMai\n",
		"quoted csv":    "\"label\",\"value\",\"previous\",\"period\"\n\"Reach\",\"1,234.5\",\"1,000\",\"Mai\"\n\"Shares\",\"12 %\",\"\",\"Mai\"\n",
		"wrapped json":  `{"generated":"today","wins":[{"Label":"Reach","VALUE":1234.5,"previous":"1,000","period":"Mai"},{"label":"Shares","value":"12%","period":"Mai"}]}`,
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			got, warns, err := Wins([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) > 0 {
				t.Errorf("warnings %q", warns)
			}
			checkMetrics(t, got, want)
		})
	}
}

func TestWinsUnreadable(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"empty", "  \n", "wins: the file is empty"},
		{"no value column", "label,amount\nReach,12\n", `wins: no value column: the file's columns are "label", "amount"; a value column may be headed value, current, this period, Wert, aktuell, valeur, actuel, valor, atual, current period, …`},
		{"not a header", "Reach,12\nShares,3\n", `wins: no row names the columns (label, value, previous, unit, period, as_of): the first row has "Reach", "12"`},
		{"header only", "label,value\n", "wins: no rows below the header"},
		{"every row bad", "label,value\nReach,lots\nShares,many\n",
			`wins: no readable rows: row 2: column value: cannot read "lots" as a number (and 1 more)`},
		{"json not a list", `{"wins": "none"}`, "wins: expected a JSON list of rows like [{\"label\": …}], found an object"},
		{"broken json", "[\n{\"label\": \"Reach\",\n\"value\": }]", "wins: JSON syntax error on line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := Wins([]byte(tt.doc))
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want it to start %q", err, tt.want)
			}
		})
	}
}

func TestWinsWarningsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("label,value,previous\nGood,1,\n")
	for i := range 100 {
		fmt.Fprintf(&b, "Bad %d,x%d,\n", i, i)
	}
	for i := range 100 {
		fmt.Fprintf(&b, "Odd %d,%d,x\n", i, i)
	}
	r, err := Read(Doc{Body: []byte(b.String())}, feeds.SourceSpec{Kind: feeds.KindWins})
	if err != nil || len(r.Wins) != 101 {
		t.Fatalf("got %d metrics, err %v", len(r.Wins), err)
	}
	if len(r.Warnings) != maxWarnings+1 || r.Warnings[maxWarnings] != "and 80 more problems" {
		t.Errorf("%d warnings: %q", len(r.Warnings), r.Warnings)
	}
	if r.Reading.Read != 201 || r.Reading.Skipped != 100 || len(r.Reading.Skips) != feeds.MaxSkips || r.Reading.Skips[0].Row != 3 {
		t.Errorf("reading %+v", r.Reading)
	}
}

func TestLeaderboardCSV(t *testing.T) {
	got, warns, err := Leaderboard(fixture(t, "leaderboard.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkStandings(t, got, []feeds.Standing{
		{Rank: 1, Name: "Ana Lima", Handle: "@ana@social.example", Avatar: "https://cdn.example.com/avatars/ana.jpg", Points: 1240, Change: 2},
		{Rank: 2, Name: "Marta Okafor", Points: 1105},
		{Rank: 3, Name: "Jon Ruiz", Handle: "@jon", Points: 1090, Change: -1},
		// Unreadable points, but the rank says where she stands.
		{Rank: 4, Name: "Priya Raman", Handle: "@priya", Change: -1},
		// "new" is a newcomer, shown as such, not a change of 0.
		{Rank: 6, Name: "Lee Chen", Handle: "@lee", Points: 870, Badge: "new"},
	})
	want := []string{
		`row 5, column points: cannot read "lots" as a number`,
		`row 7: column name: empty`,
	}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings\n got %q\nwant %q", warns, want)
	}
}

// An export that says which period its standings are for (a German one
// heads it Zeitraum): the slide's label.
func TestLeaderboardPeriod(t *testing.T) {
	got, _, err := Leaderboard([]byte("Platz;Name;Punkte;Zeitraum\n1;Ana Lima;1.240;November 2026\n2;Jon Ruiz;980;November 2026\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Period != "November 2026" || got[0].Points != 1240 {
		t.Errorf("standings %+v", got)
	}
	// The fleet hub's rows name the period for a machine too; a kind or a
	// first day that cannot be used is said and left out.
	got, warns, err := Leaderboard([]byte(`[{"rank":1,"name":"Ana","points":9,"period":"November 2026","period_kind":"month","period_start":"2026-11-01"},
{"rank":2,"name":"Jon","points":5,"period_kind":"fortnight","period_start":"2026-11-01"},
{"rank":3,"name":"Lee","points":4,"period_kind":"month","period_start":"1 Nov"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].PeriodKind != "month" || got[0].PeriodStart != "2026-11-01" || got[1].PeriodKind != "" || got[2].PeriodStart != "" {
		t.Errorf("standings %+v", got)
	}
	if w := strings.Join(warns, "\n"); !strings.Contains(w, `row 2, column period_kind: "fortnight" is not month, quarter or 30d`) || !strings.Contains(w, `row 3, column period_start: "1 Nov" is not a date`) {
		t.Errorf("warnings:\n%s", w)
	}
}

func TestLeaderboardJSONRanksByPoints(t *testing.T) {
	got, warns, err := Leaderboard(fixture(t, "leaderboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkStandings(t, got, []feeds.Standing{
		{Rank: 1, Name: "Ana Lima", Handle: "@ana", Points: 420, Change: 3},
		{Rank: 2, Name: "Sam Okoro", Handle: "@sam", Points: 310, Change: 1, Badge: "Rising star"},
		{Rank: 2, Name: "Dana Whit", Points: 310, Change: -2},
		{Rank: 4, Name: "Jon Ruiz", Points: 290},
	})
	want := []string{`row 5: column points: expected a number or text, found an object`}
	if !reflect.DeepEqual(warns, want) {
		t.Errorf("warnings\n got %q\nwant %q", warns, want)
	}
}

func TestLeaderboardRules(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []feeds.Standing
		warns     []string
	}{
		{"handle stands in for a missing name", "handle,points\n@zed,5\n",
			[]feeds.Standing{{Rank: 1, Name: "@zed", Handle: "@zed", Points: 5}}, nil},
		{"mixed ranks are all recomputed", "rank,name,points\n1,A,10\n,B,30\n",
			[]feeds.Standing{{Rank: 1, Name: "B", Points: 30}, {Rank: 2, Name: "A", Points: 10}},
			[]string{"1 of 2 rows have no rank; ranked everyone by points"}},
		{"ranks as people type them", "rank,name,change\n#2,B,↑1\n1st,A,=\n",
			[]feeds.Standing{{Rank: 1, Name: "A"}, {Rank: 2, Name: "B", Change: 1}}, nil},
		{"bad rank and change", "rank,name,points,change\n0,A,10,up\n1.5,B,20,1.5\n",
			[]feeds.Standing{{Rank: 1, Name: "B", Points: 20}, {Rank: 2, Name: "A", Points: 10}},
			[]string{
				"row 2, column rank: 0 is not a place (1 is first)",
				`row 2, column change: cannot read "up" as a number`,
				`row 3, column rank: "1.5" is not a whole number`,
				`row 3, column change: "1.5" is not a whole number of places`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns, err := Leaderboard([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			checkStandings(t, got, tt.want)
			if !reflect.DeepEqual(warns, tt.warns) {
				t.Errorf("warnings\n got %q\nwant %q", warns, tt.warns)
			}
		})
	}
}

func TestLeaderboardUnreadable(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"no person", "rank,points,team\n1,10,x\n", `leaderboard: no name or handle column: the file's columns are "rank", "points", "team"; ` +
			"a name column may be headed name, person, member, employee, full name, display name, Mitarbeiter, nom, nombre, nome, …; " +
			"a handle column may be headed handle, username, user, account, Benutzername, identifiant, pseudo, usuario, usuário, user name, …"},
		{"no score", "name,avatar\nA,x\n", `leaderboard: no points or rank column: the file's columns are "name", "avatar"; ` +
			"a points column may be headed points, score, total points, total, Punkte, Punktzahl, puntos, puntuación, pontos, pontuação, …; " +
			"a rank column may be headed rank, position, place, #, Platz, Rang, classement, puesto, posición, posição, …"},
		{"nothing usable", "name,points\nA,\n", "leaderboard: no readable rows: row 2: neither points nor a rank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Leaderboard([]byte(tt.doc))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
