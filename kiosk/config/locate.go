package config

import (
	"bufio"
	"bytes"
	"fmt"
	"image/color"
	"strings"
)

// lines maps keys to the lines they are written on. BurntSushi/toml keeps key
// positions private, so a light scan of the source finds them; it only has to
// be right for files that parsed, which keeps it simple.
type lines map[string][]int

// locate records, for every "key = value" line, the dotted key under its
// table ("display.hours"), and for keys inside the i-th [[array]] table also
// "array[i].key"; a table header itself is recorded as "array[i]".
func locate(data []byte) lines {
	l := lines{}
	table := ""
	arrays := map[string]int{}
	idx := -1
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#':
		case strings.HasPrefix(line, "[["):
			table = unquote(strings.TrimSpace(strings.Trim(cut(line), "[]")))
			idx = arrays[table]
			arrays[table]++
			l.add(fmt.Sprintf("%s[%d]", table, idx), n)
		case line[0] == '[':
			table = unquote(strings.TrimSpace(strings.Trim(cut(line), "[]")))
			idx = -1
			l.add(table, n)
		default:
			k, _, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			k = unquote(strings.TrimSpace(k))
			full := k
			if table != "" {
				full = table + "." + k
			}
			l.add(full, n)
			if idx >= 0 {
				l.add(fmt.Sprintf("%s[%d].%s", table, idx, k), n)
			}
		}
	}
	return l
}

func (l lines) add(k string, n int) { l[k] = append(l[k], n) }

// first is the first line of key, or 0. For an array of tables, recorded
// by entry, it is the first entry's header: an unknown [[sorce]] is found.
func (l lines) first(key string) int {
	if v := l[key]; len(v) > 0 {
		return v[0]
	}
	if v := l[key+"[0]"]; len(v) > 0 {
		return v[0]
	}
	return 0
}

// at is the line of key in the i-th [[table]]; for key "" (or a key that is
// absent, as for a missing setting) the table's header line.
func (l lines) at(table string, i int, key string) int {
	if key != "" {
		if n := l.first(fmt.Sprintf("%s[%d].%s", table, i, key)); n > 0 {
			return n
		}
	}
	return l.first(fmt.Sprintf("%s[%d]", table, i))
}

// cut drops a trailing comment from a header line.
func cut(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// unquote turns `site."Berlin Office"` into `site.Berlin Office`, the form
// toml.Key.String() uses for simple keys.
func unquote(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// ParseColor reads "#rrggbb" or "#rrggbbaa".
func ParseColor(s string) (color.NRGBA, error) {
	var c color.NRGBA
	h := strings.TrimPrefix(strings.TrimSpace(s), "#")
	switch len(h) {
	case 6:
		c.A = 0xff
		_, err := fmt.Sscanf(h, "%02x%02x%02x", &c.R, &c.G, &c.B)
		if err == nil {
			return c, nil
		}
	case 8:
		_, err := fmt.Sscanf(h, "%02x%02x%02x%02x", &c.R, &c.G, &c.B, &c.A)
		if err == nil {
			return c, nil
		}
	}
	return c, fmt.Errorf("%q is not a colour; write it as \"#1e88e5\"", s)
}
