package config

import (
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/BurntSushi/toml"
)

// stateDirLine finds `state_dir = "…"` on a line of its own at the top level
// of a file too broken for the TOML parser.
var stateDirLine = regexp.MustCompile(`(?m)^\s*state_dir\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*')\s*(?:#.*)?$`)

// StateDirHint is the state_dir a config file means to use, read as
// leniently as possible: from a file with unknown keys or bad values (the
// TOML is decoded into that one key), or, when the TOML itself is broken,
// from a `state_dir = "…"` line before the first table. It is where a kiosk
// looks for the last good copy of a file that has mistakes. It returns the
// default when the file names none, and "" when it cannot tell (a value of
// the wrong type).
func StateDirHint(path string, data []byte) string {
	var v struct {
		StateDir any `toml:"state_dir"`
	}
	dir := ""
	if _, err := toml.Decode(string(data), &v); err == nil {
		switch s := v.StateDir.(type) {
		case nil:
		case string:
			dir = s
		default:
			return ""
		}
	} else if m := stateDirLine.FindSubmatch(topLevel(data)); m != nil {
		q := string(m[1])
		if q[0] == '\'' {
			dir = q[1 : len(q)-1]
		} else if s, err := strconv.Unquote(q); err == nil {
			dir = s
		}
	}
	if dir == "" {
		return DefaultStateDir
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(path), dir)
	}
	return filepath.Clean(dir)
}

// topLevel is data up to its first table header.
func topLevel(data []byte) []byte {
	if loc := regexp.MustCompile(`(?m)^\s*\[`).FindIndex(data); loc != nil {
		return data[:loc[0]]
	}
	return data
}

// Abs is path made absolute, for comparing config paths.
func Abs(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}
