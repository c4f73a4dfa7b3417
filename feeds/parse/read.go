package parse

import (
	"fmt"
	"strings"

	"lobbykiosk/feeds"
)

// Doc is one fetched document and what came with it.
type Doc struct {
	Body []byte
	// ContentType is the HTTP Content-Type, for its charset; "" for a file.
	ContentType string
}

// Read parses a document of spec's kind (posts, wins or leaderboard) into a
// Result, with its Reading filled in: the encoding the bytes were read in,
// how many items or rows there were, which were skipped and why, and how
// ambiguous numbers and dates were read. On error the Result still holds
// the Reading and the warnings gathered so far.
func Read(doc Doc, spec feeds.SourceSpec) (res feeds.Result, err error) {
	defer func() { err = readable(err) }()
	d := toUTF8(doc.Body, doc.ContentType)
	rep := &report{}
	rep.reading.Encoding, rep.reading.EncodingFrom = d.name, d.from
	if d.warning != "" {
		name := spec.Name
		if name == "" {
			name = "document"
		}
		rep.add("source %s %s", name, d.warning)
	}
	if fixed, n, ex := repairMojibake(d.data); n > 0 {
		d.data = fixed
		rep.choose("%d %s of text that had been read as windows-1252 before it was served (such as %q) read as the UTF-8 %s", n, plural(n, "run", "runs"), ex, plural(n, "it was", "they were"))
	}
	switch spec.Kind {
	case feeds.KindPosts:
		res.Posts, err = readPosts(d.data, spec, rep)
	case feeds.KindWins:
		res.Wins, err = readWins(d.data, spec, rep)
	case feeds.KindLeaderboard:
		res.Leaderboard, err = readLeaderboard(d.data, spec, rep)
	default:
		err = fmt.Errorf("unknown kind %q", spec.Kind)
	}
	res.Warnings, res.Reading = rep.done(), rep.reading
	if err != nil {
		res.Posts, res.Wins, res.Leaderboard = nil, nil, nil
	}
	return res, err
}

// Posts parses an RSS 2.0, Atom or JSON Feed document (see Read). Its
// warnings hold the Result's warnings, then one line per skipped item.
func Posts(data []byte, spec feeds.SourceSpec) ([]feeds.Post, []string, error) {
	spec.Kind = feeds.KindPosts
	r, err := Read(Doc{Body: data}, spec)
	return r.Posts, Notes(r), err
}

// Wins reads the social team's figures (see Read) with no locale.
func Wins(data []byte) ([]feeds.Metric, []string, error) {
	r, err := Read(Doc{Body: data}, feeds.SourceSpec{Kind: feeds.KindWins})
	return r.Wins, Notes(r), err
}

// Leaderboard reads a leaderboard export (see Read) with no locale.
func Leaderboard(data []byte) ([]feeds.Standing, []string, error) {
	r, err := Read(Doc{Body: data}, feeds.SourceSpec{Kind: feeds.KindLeaderboard})
	return r.Leaderboard, Notes(r), err
}

// Notes is a result's warnings followed by its listed skips, one line each,
// as a person reads them in a log.
func Notes(r feeds.Result) []string {
	out := append([]string(nil), r.Warnings...)
	return append(out, r.Reading.SkipLines()...)
}

// report collects what the person who fixes a source should hear about one
// document: problems that did not stop it (capped at maxWarnings), the items
// or rows skipped (the first feeds.MaxSkips by position, the rest counted),
// and how ambiguous values were read.
type report struct {
	list    []string
	extra   int
	reading feeds.Reading
}

// add records a warning.
func (r *report) add(format string, args ...any) {
	if len(r.list) >= maxWarnings {
		r.extra++
		return
	}
	r.list = append(r.list, clean(fmt.Sprintf(format, args...)))
}

// skip records a table row that shows nothing, and why.
func (r *report) skip(row int, format string, args ...any) {
	r.skipped(feeds.Skip{Row: row, Reason: clean(fmt.Sprintf(format, args...))})
}

// skipItem records a feed item that shows nothing, and why.
func (r *report) skipItem(item int, format string, args ...any) {
	r.skipped(feeds.Skip{Item: item, Reason: clean(fmt.Sprintf(format, args...))})
}

func (r *report) skipped(s feeds.Skip) {
	r.reading.Skipped++
	if len(r.reading.Skips) < feeds.MaxSkips {
		r.reading.Skips = append(r.reading.Skips, s)
	}
}

// choose records how an ambiguous value was read.
func (r *report) choose(format string, args ...any) {
	r.reading.Choices = append(r.reading.Choices, clean(fmt.Sprintf(format, args...)))
}

func (r *report) done() []string {
	if r.extra > 0 {
		return append(r.list, fmt.Sprintf("and %d more problems", r.extra))
	}
	return r.list
}

// none is the error for a document where nothing could be used: it names
// the first skip, which is usually the one to fix.
func (r *report) none(what string) error {
	if r.reading.Skipped == 0 {
		return fmt.Errorf("no %s below the header", what)
	}
	more := ""
	if n := r.reading.Skipped - 1; n > 0 {
		more = fmt.Sprintf(" (and %d more)", n)
	}
	return fmt.Errorf("no readable %s: %s%s", what, r.reading.Skips[0].String(), more)
}

// quoteList quotes the cells of a header for a message, at most 12.
func quoteList(ss []string) string {
	var q []string
	for _, s := range ss {
		if s = clean(s); s != "" {
			q = append(q, fmt.Sprintf("%q", cut(s, 40)))
		}
	}
	if len(q) > 12 {
		q = append(q[:12:12], fmt.Sprintf("and %d more", len(q)-12))
	}
	if len(q) == 0 {
		return "no named columns"
	}
	return strings.Join(q, ", ")
}
