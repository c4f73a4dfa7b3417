package parse

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxWarnings keeps a broken 100,000-row sheet from turning into 100,000
// warnings; the rest are counted.
const maxWarnings = 20

// maxRows bounds what one wins or leaderboard file may hold: a screen shows a
// handful, and a runaway export must not fill memory.
const maxRows = 10000

// row is one data row of a wins or leaderboard file, whatever its format.
type row struct {
	num   int             // as the person sees it: the CSV line, the JSON array position
	cells map[string]cell // by canonical column name
	// decimalComma is set for semicolon-separated files: spreadsheets in
	// locales that write 1.234,5 export that way.
	decimalComma bool
}

// cell is one value as typed. bad is set when it holds something no column
// can use (a JSON object, true/false).
type cell struct {
	text string
	bad  string
}

// warnings collects row problems up to maxWarnings.
type warnings struct {
	list  []string
	extra int
}

func (w *warnings) add(format string, args ...any) {
	if len(w.list) >= maxWarnings {
		w.extra++
		return
	}
	w.list = append(w.list, clean(fmt.Sprintf(format, args...)))
}

func (w *warnings) done() []string {
	if w.extra > 0 {
		return append(w.list, fmt.Sprintf("and %d more problems", w.extra))
	}
	return w.list
}

// none is the error for a file where no row could be used: it names the
// first problem, which is usually the one to fix.
func (w *warnings) none(what string) error {
	if len(w.list) == 0 {
		return fmt.Errorf("no %s below the header", what)
	}
	more := ""
	if n := len(w.list) - 1 + w.extra; n > 0 {
		more = fmt.Sprintf(" (and %d more problems)", n)
	}
	return fmt.Errorf("no readable %s: %s%s", what, w.list[0], more)
}

// columns describes the columns a table kind knows: canonical names and the
// other headers people write for them.
type columns struct {
	names   []string
	aliases map[string]string
}

// table is what readTable found.
type table struct {
	rows   []row
	header map[string]bool
}

func (c columns) canonical(header string) string {
	h := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header, "\uFEFF")))
	h = strings.NewReplacer(" ", "_", "-", "_", ".", "").Replace(h)
	for _, n := range c.names {
		if h == n {
			return n
		}
	}
	return c.aliases[h]
}

// readTable reads JSON (an array of objects, or an object holding one) or
// CSV with a header row, sniffed from the first non-space byte.
func readTable(data []byte, cols columns, w *warnings) (table, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return table{}, errors.New("the file is empty")
	}
	if trimmed[0] == '[' || trimmed[0] == '{' {
		rows, header, err := readJSONTable(trimmed, cols, w)
		return table{rows: rows, header: header}, err
	}
	comma := sniffDelimiter(data)
	rows, header, err := readCSVTable(data, comma, cols, w)
	return table{rows: rows, header: header}, err
}

func readJSONTable(data []byte, cols columns, w *warnings) ([]row, map[string]bool, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, jsonError(data, err)
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
		return nil, nil, fmt.Errorf("expected a JSON list of rows like [{%q: …}], found %s", cols.names[0], jsonKind(doc))
	}
	header := map[string]bool{}
	var rows []row
	for i, el := range list {
		if len(rows) == maxRows {
			w.add("the file has %d rows; kept the first %d", len(list), maxRows)
			break
		}
		num := i + 1
		obj, isObj := el.(map[string]any)
		if !isObj {
			if el != nil {
				w.add("row %d: expected an object with %s, found %s", num, strings.Join(cols.names, ", "), jsonKind(el))
			}
			continue
		}
		r := row{num: num, cells: map[string]cell{}}
		for _, k := range sortedKeys(obj) {
			name := cols.canonical(k)
			if name == "" {
				continue
			}
			if _, dup := r.cells[name]; dup {
				continue
			}
			header[name] = true
			switch v := obj[k].(type) {
			case nil:
				r.cells[name] = cell{}
			case string:
				r.cells[name] = cell{text: v}
			case json.Number:
				r.cells[name] = cell{text: v.String()}
			default:
				r.cells[name] = cell{bad: "expected a number or text, found " + jsonKind(v)}
			}
		}
		rows = append(rows, r)
	}
	return rows, header, nil
}

func readCSVTable(data []byte, comma rune, cols columns, w *warnings) ([]row, map[string]bool, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	// Leading-space trimming would eat empty tab-separated fields; cells
	// are trimmed when read anyway.
	cr.TrimLeadingSpace = comma != '\t'
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New("the file is empty")
		}
		return nil, nil, fmt.Errorf("cannot read the header row: %w", err)
	}
	index := map[int]string{}
	header := map[string]bool{}
	for i, h := range head {
		if name := cols.canonical(h); name != "" && !header[name] {
			index[i] = name
			header[name] = true
		}
	}
	if len(header) == 0 {
		return nil, nil, fmt.Errorf("the first row should name the columns (%s), found %s",
			strings.Join(cols.names, ", "), quoteList(head))
	}
	var rows []row
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
				w.add("row %d: %v", pe.StartLine, pe.Err)
				continue
			}
			w.add("stopped reading: %v", err)
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rows) == maxRows {
			w.add("the file has more than %d rows; kept the first %d", maxRows, maxRows)
			break
		}
		r := row{num: line, cells: map[string]cell{}, decimalComma: comma == ';'}
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
			rows = append(rows, r)
		}
	}
	return rows, header, nil
}

// sniffDelimiter picks the separator of the header line: spreadsheets in
// locales with a decimal comma export with ";", some tools with tabs.
func sniffDelimiter(data []byte) rune {
	line := data
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	best, n := ',', bytes.Count(line, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if c := bytes.Count(line, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
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

func quoteList(ss []string) string {
	if len(ss) > 8 {
		ss = append(ss[:8:8], "…")
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", clean(s))
	}
	return strings.Join(q, ", ")
}
