package parse

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	cldrnumber "golang.org/x/text/number"

	"lobbykiosk/feeds/moderate"
)

// maxWarnings keeps a broken 100,000-row sheet from turning into 100,000
// warnings; the rest are counted.
const maxWarnings = 20

// maxRows bounds what one wins or leaderboard file may hold: a screen shows a
// handful, and a runaway export must not fill memory.
const maxRows = 10000

// headerSearch is how many rows from the top may hold the header: exports
// put a title, a date and a blank line above it.
const headerSearch = 10

// row is one data row of a wins or leaderboard file, whatever its format.
type row struct {
	num   int             // as the person sees it: the CSV line, the JSON array position
	cells map[string]cell // by canonical column name
}

// cell is one value as typed. bad is set when it holds something no column
// can use (a JSON object, true/false); exact for a JSON number, which has
// one reading whatever the file's habits.
type cell struct {
	text  string
	bad   string
	exact bool
}

// columns describes the columns a table kind knows: canonical names, the
// other headers people write for them, and which hold numbers.
type columns struct {
	kind    string // "wins", "leaderboard"
	names   []string
	headers map[string][]string // canonical name -> other headers people write
	aliases map[string]string   // folded header -> canonical name
	numeric []string            // columns that hold numbers
	key     []string            // columns a data row has one of (label, name)
}

// table is what readTable found.
type table struct {
	rows   []row
	header map[string]bool
	// cells are the header as written, for messages about columns.
	cells []string
	// mark is how the file writes decimals, decided from all its rows.
	mark decimalMark
}

// headerKey folds a header the way people vary it: case, accents, spaces,
// punctuation, a unit in brackets ("Punkte (gesamt)", "Reach (€)").
func headerKey(h string) string {
	h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
	if i := strings.IndexAny(h, "(["); i > 0 {
		h = h[:i]
	}
	h = moderate.Fold(clean(h))
	var b strings.Builder
	for _, r := range h {
		switch r {
		case ' ', '_', '-', '.', ':', '\'', '’', '/', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (c columns) canonical(header string) string {
	k := headerKey(header)
	if k == "" {
		return ""
	}
	for _, n := range c.names {
		if k == headerKey(n) {
			return n
		}
	}
	return c.aliases[k]
}

// newColumns builds a table kind's columns from the headers people write
// for each (in English, German, French, Spanish and Portuguese). A header
// that folds to two columns is a mistake in the lists, caught by the tests.
func newColumns(kind string, names []string, headers map[string][]string, key, numeric []string) columns {
	c := columns{kind: kind, names: names, headers: headers, aliases: map[string]string{}, key: key, numeric: numeric}
	for canon, list := range headers {
		for _, h := range list {
			k := headerKey(h)
			if other, dup := c.aliases[k]; dup && other != canon {
				panic(fmt.Sprintf("parse: header %q means both %s and %s", h, other, canon))
			}
			c.aliases[k] = canon
		}
	}
	return c
}

// missing is the refusal of a file without a column it needs: every column
// it has, and the headers that would do.
func (c columns) missing(t table, want ...string) error {
	var ways []string
	for _, w := range want {
		ways = append(ways, fmt.Sprintf("a %s column may be headed %s", w, c.ways(w)))
	}
	return fmt.Errorf("no %s column: the file's columns are %s; %s",
		strings.Join(want, " or "), quoteList(t.cells), strings.Join(ways, "; "))
}

// ways lists the first headers a column may have.
func (c columns) ways(name string) string {
	list := append([]string{name}, c.headers[name]...)
	if len(list) > 10 {
		list = append(list[:10:10], "…")
	}
	return strings.Join(list, ", ")
}

// readTable reads JSON (an array of objects, or an object holding one) or
// CSV with a header row (the delimiter and header row found by looking), in
// UTF-8, and decides how the file writes decimals.
func readTable(data []byte, cols columns, locale string, rep *report) (table, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return table{}, errors.New("the file is empty")
	}
	var t table
	var err error
	var weak decimalMark
	var why string
	if trimmed[0] == '[' || trimmed[0] == '{' {
		t, err = readJSONTable(trimmed, cols, rep)
		weak, why = markDot, "JSON writes decimals with a point"
	} else {
		comma := sniffDelimiter(data)
		t, err = readCSVTable(data, comma, cols, rep)
		switch comma {
		case ';':
			weak, why = markComma, `the file is separated by ";", as spreadsheets that write 1.234,5 save it`
		case ',':
			weak, why = markDot, `the file is separated by ",", as spreadsheets that write 1,234.5 save it`
		}
	}
	if err != nil {
		return t, err
	}
	t.mark = decideMark(t.rows, cols.numeric, locale, weak, why, rep)
	return t, nil
}

func readJSONTable(data []byte, cols columns, rep *report) (table, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return table{}, jsonError(data, err)
	}
	list, ok := doc.([]any)
	if obj, isObj := doc.(map[string]any); isObj {
		// {"wins": [...]}: some exports wrap the rows in an object.
		for _, k := range sortedKeys(obj) {
			if l, isList := obj[k].([]any); isList {
				list, ok = l, true
				break
			}
		}
	}
	if !ok {
		return table{}, fmt.Errorf("expected a JSON list of rows like [{%q: …}], found %s", cols.names[0], jsonKind(doc))
	}
	t := table{header: map[string]bool{}}
	keys := map[string]bool{}
	for i, el := range list {
		if len(t.rows) == maxRows {
			rep.add("the file has %d rows; read the first %d", len(list), maxRows)
			break
		}
		num := i + 1
		rep.reading.Read++
		obj, isObj := el.(map[string]any)
		if !isObj {
			if el == nil {
				rep.skip(num, "null")
			} else {
				rep.skip(num, "expected an object with %s, found %s", strings.Join(cols.names, ", "), jsonKind(el))
			}
			continue
		}
		r := row{num: num, cells: map[string]cell{}}
		for _, k := range sortedKeys(obj) {
			if !keys[k] {
				keys[k] = true
				t.cells = append(t.cells, k)
			}
			name := cols.canonical(k)
			if name == "" {
				continue
			}
			if _, dup := r.cells[name]; dup {
				continue
			}
			t.header[name] = true
			switch v := obj[k].(type) {
			case nil:
				r.cells[name] = cell{}
			case string:
				r.cells[name] = cell{text: v}
			case json.Number:
				r.cells[name] = cell{text: v.String(), exact: true}
			default:
				r.cells[name] = cell{bad: "expected a number or text, found " + jsonKind(v)}
			}
		}
		t.rows = append(t.rows, r)
	}
	return t, nil
}

func readCSVTable(data []byte, comma rune, cols columns, rep *report) (table, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	// Leading-space trimming would eat empty tab-separated fields; cells
	// are trimmed when read anyway.
	cr.TrimLeadingSpace = comma != '\t'

	// The header is the row among the first few that names the most
	// known columns: a title or a date above it is no data.
	type record struct {
		line  int
		cells []string
	}
	var top []record
	for len(top) < headerSearch {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return table{}, fmt.Errorf("cannot read the header: line %d: %v", pe.StartLine, pe.Err)
			}
			return table{}, fmt.Errorf("cannot read the header: %w", err)
		}
		line, _ := cr.FieldPos(0)
		top = append(top, record{line, rec})
	}
	if len(top) == 0 {
		return table{}, errors.New("the file is empty")
	}
	best, bestN := -1, 0
	for i, rec := range top {
		n := 0
		seen := map[string]bool{}
		for _, h := range rec.cells {
			if c := cols.canonical(h); c != "" && !seen[c] {
				seen[c] = true
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	if best < 0 {
		return table{cells: top[0].cells}, fmt.Errorf("no row names the columns (%s): the first row has %s",
			strings.Join(cols.names, ", "), quoteList(top[0].cells))
	}
	head := top[best]
	t := table{header: map[string]bool{}, cells: head.cells}
	index := map[int]string{}
	for i, h := range head.cells {
		if name := cols.canonical(h); name != "" && !t.header[name] {
			index[i] = name
			t.header[name] = true
		}
	}
	if best > 0 {
		rep.choose("the header is line %d; the %d %s above it were not read as data", head.line, best, plural(best, "line", "lines"))
	}

	// A second header row (units, or "value" under "this period") right
	// below the first names the columns the first left blank.
	rest := top[best+1:]
	if len(rest) > 0 && subHeader(rest[0].cells, index, cols) {
		for i, h := range rest[0].cells {
			if _, named := index[i]; named {
				continue
			}
			if name := cols.canonical(h); name != "" && !t.header[name] {
				index[i] = name
				t.header[name] = true
			}
		}
		rep.choose("line %d is a second header row", rest[0].line)
		rest = rest[1:]
	}

	add := func(line int, rec []string) bool {
		if len(t.rows) == maxRows {
			rep.add("the file has more than %d rows; read the first %d", maxRows, maxRows)
			return false
		}
		r := row{num: line, cells: map[string]cell{}}
		blank := true
		for i, v := range rec {
			if name, ok := index[i]; ok {
				r.cells[name] = cell{text: v}
				if strings.TrimSpace(v) != "" {
					blank = false
				}
			}
		}
		if !blank {
			rep.reading.Read++
			t.rows = append(t.rows, r)
		}
		return true
	}
	for _, rec := range rest {
		add(rec.line, rec.cells)
	}
	failures := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && failures < maxRows {
				failures++
				rep.reading.Read++
				rep.skip(pe.StartLine, "%v", pe.Err)
				continue
			}
			rep.add("stopped reading: %v", err)
			break
		}
		line, _ := cr.FieldPos(0)
		if !add(line, rec) {
			break
		}
	}
	return t, nil
}

// subHeader reports whether the row below the header is more header: no
// numeric column of it holds a number, and it names a known column or
// leaves empty the columns a data row cannot do without (a row of units or
// notes such as "(total)" under the names).
func subHeader(cells []string, index map[int]string, cols columns) bool {
	names := false
	keyed := false
	for i, v := range cells {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if cols.canonical(v) != "" {
			names = true
		}
		name, ok := index[i]
		if !ok {
			continue
		}
		if slices.Contains(cols.key, name) {
			keyed = true
		}
		if slices.Contains(cols.numeric, name) {
			if _, _, err := Value(v); err == nil {
				return false
			}
		}
	}
	return names || !keyed
}

// sniffDelimiter picks the separator of a CSV file: the one that splits the
// first lines into the same number of cells most often. Spreadsheets in
// locales with a decimal comma save with ";", Excel's "Unicode text" with
// tabs; a title line above the header has none.
func sniffDelimiter(data []byte) rune {
	lines := bytes.SplitN(data[:min(len(data), 64<<10)], []byte{'\n'}, headerSearch+2)
	if len(lines) > headerSearch+1 {
		lines = lines[:headerSearch+1]
	}
	best, bestScore := ',', 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		counts := map[int]int{}
		for _, l := range lines {
			if n := countOutsideQuotes(l, byte(d)); n > 0 {
				counts[n]++
			}
		}
		score := 0
		for n, lines := range counts {
			if s := lines*1000 + n; s > score {
				score = s
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

func countOutsideQuotes(line []byte, d byte) int {
	n, quoted := 0, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == d && !quoted:
			n++
		}
	}
	return n
}

// decideMark settles how a file writes decimals, from (in order) the
// source's locale, the values that can only be read one way ("12,5",
// "1,234.5"), and the delimiter (weak, why). Values that could be read two
// ways ("1.234") are then read that way, and the report says so; when
// nothing tells, they are read the English way with a warning.
func decideMark(rows []row, numeric []string, locale string, weak decimalMark, why string, rep *report) decimalMark {
	type example struct {
		text string
		row  int
	}
	var dot, comma []example
	var twoWay []example
	for _, r := range rows {
		for _, col := range numeric {
			c := r.cells[col]
			if c.exact || c.bad != "" || strings.TrimSpace(c.text) == "" {
				continue
			}
			n, err := scanNumber(c.text)
			if err != nil {
				continue
			}
			ex := example{strings.TrimSpace(c.text), r.num}
			switch m, amb := markOf(n.run); {
			case amb:
				twoWay = append(twoWay, ex)
			case m == markDot:
				dot = append(dot, ex)
			case m == markComma:
				comma = append(comma, ex)
			}
		}
	}
	if m, ok := localeMark(locale); ok {
		if len(twoWay) > 0 {
			rep.choose("numbers such as %q (row %d) read as %s: the source's locale %q writes %s",
				twoWay[0].text, twoWay[0].row, readAs(twoWay[0].text, m), locale, m)
		}
		return m
	}
	var mark decimalMark
	var reason string
	switch {
	case len(dot) > 0 && len(comma) == 0:
		mark, reason = markDot, fmt.Sprintf("the file writes decimals with a point (%q, row %d)", dot[0].text, dot[0].row)
	case len(comma) > 0 && len(dot) == 0:
		mark, reason = markComma, fmt.Sprintf("the file writes decimals with a comma (%q, row %d)", comma[0].text, comma[0].row)
	case len(comma) > 0 && len(dot) > 0:
		mark = weak
		if len(dot) != len(comma) {
			mark = markDot
			if len(comma) > len(dot) {
				mark = markComma
			}
		}
		if mark != markUnknown && len(twoWay) > 0 {
			rep.add("the file writes decimals both ways (%q row %d, %q row %d): read numbers such as %q (row %d) as %s, as most of its values do; set locale on the source to be sure",
				dot[0].text, dot[0].row, comma[0].text, comma[0].row, twoWay[0].text, twoWay[0].row, readAs(twoWay[0].text, mark))
			return mark
		}
		reason = "most of its values do"
	default:
		mark, reason = weak, why
	}
	if len(twoWay) == 0 {
		return mark
	}
	if mark == markUnknown {
		rep.add("numbers such as %q (row %d) could be read two ways: read them as %s (a %s); set locale on the source if the file writes %s",
			twoWay[0].text, twoWay[0].row, readAs(twoWay[0].text, markUnknown), separatorRole(twoWay[0].text), markComma)
		return mark
	}
	rep.choose("numbers such as %q (row %d) read as %s: %s", twoWay[0].text, twoWay[0].row, readAs(twoWay[0].text, mark), reason)
	return mark
}

// readAs formats how s reads under mark.
func readAs(s string, mark decimalMark) string {
	v, _, err := value(s, mark)
	if err != nil {
		return "?"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func separatorRole(s string) string {
	if strings.Contains(s, ",") {
		return "comma grouping thousands, as in English"
	}
	return "decimal point, as in English"
}

// localeMark is the decimal mark a locale writes, as CLDR formats a
// number for it (golang.org/x/text).
func localeMark(locale string) (decimalMark, bool) {
	if locale == "" {
		return markUnknown, false
	}
	tag, err := language.Parse(locale)
	if err != nil {
		return markUnknown, false
	}
	s := message.NewPrinter(tag).Sprint(cldrnumber.Decimal(1234.5))
	if strings.HasSuffix(s, ",5") {
		return markComma, true
	}
	return markDot, true
}

func (r row) get(name string) cell { return r.cells[name] }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func jsonKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprint(v)
	case string:
		return "text"
	case json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// jsonError words a JSON decoding error with the line it happened on.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("JSON syntax error on line %d: %w", lineAt(data, se.Offset), err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("JSON ends too early (cut off?): %w", err)
	}
	return fmt.Errorf("cannot read the JSON: %w", err)
}

func lineAt(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	return bytes.Count(data[:offset], []byte{'\n'}) + 1
}
