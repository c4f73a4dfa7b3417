package parse

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/leaderboard"
)

// The headers people write for each column, besides its own name; matched
// ignoring case, accents, spaces and punctuation, and a unit in brackets.
var (
	winColumns = newColumns("wins", []string{"label", "value", "previous", "unit", "period", "as_of"}, map[string][]string{
		"label": {"metric", "KPI", "name", "title", "Kennzahl", "indicateur", "libellé", "indicador", "métrica",
			"measure", "indicator", "Metrik", "Bezeichnung", "Titel", "mesure", "titre", "nombre", "título", "nome", "medida"},
		"value": {"current", "this period", "Wert", "aktuell", "valeur", "actuel", "valor", "atual",
			"current period", "actual", "result", "Istwert", "dieser Zeitraum", "aktueller Zeitraum",
			"cette période", "période actuelle", "período actual", "período atual"},
		"previous": {"last period", "prev", "last", "Vorperiode", "Vormonat", "précédent", "anterior",
			"previous value", "previous period", "prior", "before", "vorher", "Vorzeitraum", "letzter Zeitraum", "Vorjahr",
			"période précédente", "avant", "período anterior", "valor anterior"},
		"unit":   {"units", "Einheit", "unité", "unidad", "unidade"},
		"period": {"Zeitraum", "Periode", "période", "periodo", "período"},
		"as_of": {"as of", "date", "updated", "last updated", "Stand", "Datum", "Stichtag",
			"mise à jour", "au", "fecha", "actualizado", "data", "atualizado"},
	}, []string{"label"}, []string{"value", "previous"})

	boardColumns = newColumns("leaderboard", []string{"rank", "name", "handle", "points", "avatar", "change", "badge", "period", "period_kind", "period_start"}, map[string][]string{
		"rank": {"position", "place", "#", "Platz", "Rang", "classement", "puesto", "posición", "posição",
			"no", "nr", "Platzierung", "ranking", "colocação", "clasificación"},
		"name": {"person", "member", "employee", "full name", "display name", "Mitarbeiter", "nom", "nombre", "nome",
			"advocate", "participant", "ambassador", "contributor", "Mitarbeiterin", "Mitarbeitende", "Teilnehmer",
			"vollständiger Name", "Anzeigename", "nom complet", "collaborateur", "collaboratrice",
			"employé", "membre", "personne", "nombre completo", "empleado", "miembro",
			"participante", "persona", "colaborador", "nome completo", "funcionário", "membro", "pessoa"},
		"first_name": {"first name", "given name", "Vorname", "prénom", "primer nombre", "primeiro nome"},
		"last_name":  {"last name", "surname", "family name", "Nachname", "nom de famille", "apellido", "apellidos", "sobrenome", "apelido"},
		"handle": {"username", "user", "account", "Benutzername", "identifiant", "pseudo", "usuario", "usuário",
			"user name", "login", "screen name", "Benutzer", "Konto", "compte", "nombre de usuario",
			"cuenta", "utilizador", "conta"},
		"points": {"score", "total points", "total", "Punkte", "Punktzahl", "puntos", "puntuación", "pontos", "pontuação",
			"pts", "Gesamtpunkte", "Punkte gesamt", "total des points"},
		"avatar": {"avatar url", "picture", "photo", "image", "profile picture", "profile image",
			"photo url", "Foto", "Bild", "Profilbild", "imagen", "imagem"},
		"change": {"movement", "trend", "Veränderung", "Tendenz", "évolution", "tendance", "cambio", "tendencia", "variação",
			"delta", "moved", "rank change", "position change", "Bewegung", "variation",
			"variación", "mudança", "movimento"},
		"badge": {"award", "level", "Abzeichen", "Auszeichnung", "Stufe", "niveau", "insigne",
			"insignia", "medalla", "nivel", "selo", "medalha", "nível"},
		// The period the standings are for ("November 2026", "Q3"): the
		// slide's label. The fleet's hub writes it.
		"period": {"month", "quarter", "Zeitraum", "Periode", "Monat", "Quartal", "période", "mois", "periodo", "período", "mes", "mês"},
	}, []string{"name", "handle", "first_name", "last_name"}, []string{"points", "rank", "change"})
)

// readWins reads the social team's figures: a JSON list of objects or a CSV
// file whose header row names the columns label, value, previous, unit,
// period, as_of (in any order and case, in any of the languages above;
// extra columns ignored). A row that cannot be read is skipped with its row
// and reason, and the other rows are kept; the error is for a file with
// nothing usable in it.
func readWins(data []byte, spec feeds.SourceSpec, rep *report) ([]feeds.Metric, error) {
	t, err := readTable(data, winColumns, spec.Locale, rep)
	if err != nil {
		return nil, fmt.Errorf("wins: %w", err)
	}
	for _, need := range []string{"label", "value"} {
		if !t.header[need] {
			return nil, fmt.Errorf("wins: %w", winColumns.missing(t, need))
		}
	}
	dates := newDateReader(spec.Locale, spec.Timezone)
	for _, r := range t.rows {
		dates.observe(r.get("as_of").text)
	}
	if w := dates.decide(); w != "" {
		rep.add("column as_of: %s", w)
	}
	var out []feeds.Metric
	for _, r := range t.rows {
		if m, ok := metric(r, t.mark, dates, rep); ok {
			out = append(out, m)
		}
	}
	if c := dates.choice(); c != "" {
		rep.choose("%s", c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("wins: %w", rep.none("rows"))
	}
	return out, nil
}

func metric(r row, mark decimalMark, dates *dateReader, rep *report) (feeds.Metric, bool) {
	var m feeds.Metric
	m.Label = clean(text(r, "label", rep))
	if m.Label == "" {
		rep.skip(r.num, "column label: empty")
		return m, false
	}
	v, unit, err := number(r, "value", mark)
	if err != nil {
		rep.skip(r.num, "column value: %v", err)
		return m, false
	}
	m.Value = v
	if c := r.get("previous"); c.bad != "" || strings.TrimSpace(c.text) != "" {
		p, _, err := number(r, "previous", mark)
		if err != nil {
			rep.add("row %d, column previous: %v (shown without a trend)", r.num, err)
		} else {
			m.Previous, m.HasPrevious = p, true
		}
	}
	m.Unit = clean(text(r, "unit", rep))
	if m.Unit == "" {
		m.Unit = unit
	}
	m.Period = clean(text(r, "period", rep))
	if s := strings.TrimSpace(text(r, "as_of", rep)); s != "" {
		t, err := dates.parse(s)
		if err != nil {
			rep.add("row %d, column as_of: %v", r.num, err)
		} else {
			m.AsOf = t
		}
	}
	return m, true
}

// readLeaderboard reads a leaderboard export: a JSON list of objects or a
// CSV file with the columns rank, name, handle, points, avatar, change, badge,
// period (or first and last name), under the same rules as readWins. Rows without
// a rank are ranked by points, ties sharing a rank (1, 2, 2, 4). The result
// is in rank order.
func readLeaderboard(data []byte, spec feeds.SourceSpec, rep *report) ([]feeds.Standing, error) {
	t, err := readTable(data, boardColumns, spec.Locale, rep)
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	if !t.header["name"] && !t.header["handle"] && !t.header["first_name"] && !t.header["last_name"] {
		return nil, fmt.Errorf("leaderboard: %w", boardColumns.missing(t, "name", "handle"))
	}
	if !t.header["points"] && !t.header["rank"] {
		return nil, fmt.Errorf("leaderboard: %w", boardColumns.missing(t, "points", "rank"))
	}
	var out []feeds.Standing
	ranked := 0
	for _, r := range t.rows {
		s, hasRank, ok := standing(r, t.mark, rep)
		if !ok {
			continue
		}
		if hasRank {
			ranked++
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("leaderboard: %w", rep.none("rows"))
	}
	if ranked < len(out) {
		if ranked > 0 {
			rep.add("%d of %d rows have no rank; ranked everyone by points", len(out)-ranked, len(out))
		}
		rankByPoints(out)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rank < out[j].Rank })
	return out, nil
}

func standing(r row, mark decimalMark, rep *report) (s feeds.Standing, hasRank, ok bool) {
	s.Name = clean(text(r, "name", rep))
	first, last := clean(text(r, "first_name", rep)), clean(text(r, "last_name", rep))
	if last == "" {
		last = s.Name // "Prénom" and "Nom": nom is the family name
	}
	if first != "" && !strings.HasPrefix(last, first) {
		s.Name = strings.TrimSpace(first + " " + last)
	} else if s.Name == "" {
		s.Name = strings.TrimSpace(first + " " + last)
	}
	handle := clean(text(r, "handle", rep))
	if s.Name == "" && strings.Contains(handle, " ") {
		s.Name, handle = handle, "" // a "User" column holding names
	}
	s.Handle = strings.ReplaceAll(handle, " ", "")
	if s.Name == "" {
		s.Name = s.Handle
	}
	if s.Name == "" {
		rep.skip(r.num, "column name: empty")
		return s, false, false
	}
	hasPoints := false
	var pointsErr error
	if c := r.get("points"); c.bad != "" || strings.TrimSpace(c.text) != "" {
		p, _, err := number(r, "points", mark)
		if err != nil {
			pointsErr = err
		} else {
			s.Points, hasPoints = p, true
		}
	}
	if c := r.get("rank"); c.bad != "" || strings.TrimSpace(c.text) != "" {
		n, err := whole(r, "rank", mark)
		switch {
		case err != nil:
			rep.add("row %d, column rank: %v", r.num, err)
		case n < 1:
			rep.add("row %d, column rank: %d is not a place (1 is first)", r.num, n)
		default:
			s.Rank, hasRank = n, true
		}
	}
	switch {
	case pointsErr != nil && !hasRank:
		rep.skip(r.num, "column points: %v", pointsErr)
		return s, false, false
	case pointsErr != nil:
		rep.add("row %d, column points: %v", r.num, pointsErr)
	case !hasPoints && !hasRank:
		rep.skip(r.num, "neither points nor a rank")
		return s, false, false
	}
	s.Badge = clean(text(r, "badge", rep))
	if c := r.get("change"); c.bad != "" || strings.TrimSpace(c.text) != "" {
		n, isNew, err := change(r, mark)
		if err != nil {
			rep.add("row %d, column change: %v", r.num, err)
		}
		s.Change = n
		if isNew && s.Badge == "" {
			s.Badge = leaderboard.NewBadge
		}
	}
	s.Avatar = strings.TrimSpace(clean(text(r, "avatar", rep)))
	s.Period = cut(clean(text(r, "period", rep)), 40)
	if kind, start := clean(text(r, "period_kind", rep)), clean(text(r, "period_start", rep)); kind != "" || start != "" {
		_, err := time.Parse(time.DateOnly, start)
		switch {
		case kind != leaderboard.Month && kind != leaderboard.Quarter && kind != leaderboard.Days30:
			rep.add("row %d, column period_kind: %q is not month, quarter or 30d", r.num, cut(kind, 20))
		case err != nil:
			rep.add("row %d, column period_start: %q is not a date (2026-11-01)", r.num, cut(start, 20))
		default:
			s.PeriodKind, s.PeriodStart = kind, start
		}
	}
	return s, hasRank, true
}

// rankByPoints gives standard competition ranks: equal points share a rank
// and the next rank skips (1, 2, 2, 4).
func rankByPoints(s []feeds.Standing) {
	sort.SliceStable(s, func(i, j int) bool { return s[i].Points > s[j].Points })
	for i := range s {
		if i > 0 && s[i].Points == s[i-1].Points {
			s[i].Rank = s[i-1].Rank
		} else {
			s[i].Rank = i + 1
		}
	}
}

// text is a cell's text; a cell holding something that is not text (a JSON
// object) is reported once and read as empty.
func text(r row, col string, rep *report) string {
	c := r.get(col)
	if c.bad != "" {
		rep.add("row %d, column %s: %s", r.num, col, c.bad)
		return ""
	}
	return c.text
}

func number(r row, col string, mark decimalMark) (float64, string, error) {
	c := r.get(col)
	if c.bad != "" {
		return 0, "", errors.New(c.bad)
	}
	if c.exact {
		mark = markDot
	}
	return value(c.text, mark)
}

func whole(r row, col string, mark decimalMark) (int, error) {
	f, _, err := number(r, col, mark)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, fmt.Errorf("%q is not a whole number", strings.TrimSpace(r.get(col).text))
	}
	return int(f), nil
}

// newWords say a person was not on the last period's board, in the
// languages of the column names.
var newWords = map[string]bool{"new": true, "neu": true, "nouveau": true, "nouvelle": true, "nuevo": true,
	"nueva": true, "novo": true, "nova": true, "new entry": true, "neueinsteiger": true, "*": true}

// change reads places moved as people write them: "+2", "-1", "▲2", "↓1",
// "=", "-" and "0" for no movement, and "new" for a newcomer (isNew).
func change(r row, mark decimalMark) (n int, isNew bool, err error) {
	c := r.get("change")
	if c.bad != "" {
		return 0, false, errors.New(c.bad)
	}
	s := strings.TrimFunc(c.text, isBlank)
	low := strings.ToLower(s)
	if newWords[low] || newWords[strings.Trim(low, "()[]!")] {
		return 0, true, nil
	}
	switch low {
	case "", "=", "-", "–", "—", "±0", "none", "same", "0", "—0", "unverändert", "stable", "igual", "mesmo":
		return 0, false, nil
	}
	sign := 1.0
	for _, p := range []struct {
		arrow string
		sign  float64
	}{{"▲", 1}, {"↑", 1}, {"⬆", 1}, {"△", 1}, {"▼", -1}, {"↓", -1}, {"⬇", -1}, {"▽", -1}} {
		if rest, ok := strings.CutPrefix(s, p.arrow); ok {
			s, sign = strings.TrimFunc(rest, isBlank), p.sign
			break
		}
	}
	f, _, err := value(s, mark)
	if err != nil {
		return 0, false, err
	}
	if f != math.Trunc(f) || math.Abs(f) > 1e6 {
		return 0, false, fmt.Errorf("%q is not a whole number of places", strings.TrimSpace(c.text))
	}
	return int(sign * f), false, nil
}
