package admin

import (
	"html/template"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/content"
	"lobbykiosk/kiosk/locale"
)

// filter narrows the queue to what the manager is working through: one
// source, one author, posts of an age; on the hub, one site.
type filter struct {
	Source, Author, Age string
	// Site is a site the posts are for, or everySite: those of the sources
	// for every site.
	Site string
}

// everySite is the site filter's value for posts meant for every site.
const everySite = "*"

// ages are the age filter's choices, in the order the page lists them;
// label is the translation key of each.
var ages = []struct{ key, label string }{
	{"", "admin.filter.any_age"},
	{"1d", "admin.filter.1d"},
	{"7d", "admin.filter.7d"},
	{"30d", "admin.filter.30d"},
	{"old", "admin.filter.old"},
}

func readFilter(q url.Values) filter {
	f := filter{Source: q.Get("source"), Author: q.Get("author"), Age: q.Get("age"), Site: q.Get("site")}
	known := false
	for _, a := range ages {
		known = known || a.key == f.Age
	}
	if !known {
		f.Age = ""
	}
	return f
}

// query is the filter as a query string ("?source=…"), "" when none is set.
func (f filter) query() string {
	q := url.Values{}
	for k, v := range map[string]string{"source": f.Source, "author": f.Author, "age": f.Age, "site": f.Site} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func (f filter) active() bool { return f != filter{} }

func authorName(p content.Post) string {
	if p.Author.Name != "" {
		return p.Author.Name
	}
	if p.Author.Handle != "" {
		return p.Author.Handle
	}
	return "Unknown author"
}

func (f filter) keep(p content.Post, now time.Time) bool {
	if f.Source != "" && p.Source != f.Source || f.Author != "" && authorName(p) != f.Author {
		return false
	}
	switch {
	case f.Site == "":
	case f.Site == everySite:
		if len(p.Sites) > 0 {
			return false
		}
	case !slices.Contains(p.Sites, f.Site):
		return false
	}
	if f.Age == "" {
		return true
	}
	if p.Published.IsZero() {
		return f.Age == "old"
	}
	age := now.Sub(p.Published)
	switch f.Age {
	case "1d":
		return age <= 24*time.Hour
	case "7d":
		return age <= 7*24*time.Hour
	case "30d":
		return age <= 30*24*time.Hour
	}
	return age > 30*24*time.Hour
}

// option is one choice of a filter's list, with how many posts it has.
type option struct {
	Value, Label string
	Count        int
	Selected     bool
}

// filterView is the filter bar of the queue.
type filterView struct {
	filter
	Sources, Authors, Ages []option
	// SiteChoices are the sites the waiting posts are for (the hub's).
	SiteChoices []option
	Active      bool
	// Showing of Total waiting posts match.
	Showing, Total int
	Query          string
	// AllSources is the first choice of the source list; Count says
	// how many of how many match.
	AllSources string
	Count      template.HTML
}

func newFilterView(l *locale.Locale, f filter, pending []content.Post, shown int, now time.Time) filterView {
	fv := filterView{filter: f, Active: f.active(), Showing: shown, Total: len(pending), Query: f.query()}
	fv.AllSources = l.T("admin.filter.all_sources", map[string]any{"N": count(l, len(pending))})
	key := "admin.queue.count"
	if fv.Active {
		key = "admin.queue.count_filtered"
	}
	fv.Count = withSpan(l, key, "Showing", count(l, shown), map[string]any{"Total": count(l, len(pending))})
	src, auth, site := map[string]int{}, map[string]int{}, map[string]int{}
	for _, p := range pending {
		src[p.Source]++
		auth[authorName(p)]++
		for _, x := range p.Sites {
			site[x]++
		}
		if len(p.Sites) == 0 {
			site[everySite]++
		}
	}
	list := func(m map[string]int, sel string) []option {
		var out []option
		for k, n := range m {
			out = append(out, option{Value: k, Label: k + " (" + count(l, n) + ")", Count: n, Selected: k == sel})
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Count != out[j].Count {
				return out[i].Count > out[j].Count
			}
			return strings.ToLower(out[i].Value) < strings.ToLower(out[j].Value)
		})
		return out
	}
	fv.Sources, fv.Authors = list(src, f.Source), list(auth, f.Author)
	if len(site) > 1 || site[everySite] == 0 && len(site) > 0 || f.Site != "" {
		fv.SiteChoices = list(site, f.Site)
		for i := range fv.SiteChoices {
			if fv.SiteChoices[i].Value == everySite {
				fv.SiteChoices[i].Label = l.T("admin.filter.every_site", map[string]any{"N": count(l, fv.SiteChoices[i].Count)})
			}
		}
	}
	for _, a := range ages {
		n := 0
		for _, p := range pending {
			if (filter{Age: a.key}).keep(p, now) {
				n++
			}
		}
		fv.Ages = append(fv.Ages, option{Value: a.key, Label: l.T(a.label) + " (" + count(l, n) + ")", Count: n, Selected: a.key == f.Age})
	}
	return fv
}

// pageOf says which page a back address is, and with what filter.
func pageOf(back string) (path string, f filter) {
	u, err := url.Parse(back)
	if err != nil {
		return "/", filter{}
	}
	return u.Path, readFilter(u.Query())
}

// belongs reports whether p is listed on the page at path: what decides
// whether its card stays after an action or leaves.
func belongs(path string, f filter, p content.Post, now time.Time) bool {
	switch path {
	case "/":
		return p.Status == moderate.Pending && f.keep(p, now)
	case "/shown":
		return p.Status == moderate.Shown
	case "/hidden":
		return p.Status == moderate.Rejected || p.Status == moderate.Revoked
	}
	return true // /screen: the card is the post on screen
}

// listOf is the posts of the page at back, in the page's order.
func listOf(back string, r content.Report, now time.Time) []content.Post {
	path, f := pageOf(back)
	if path == "/shown" {
		return r.Shown()
	}
	var out []content.Post
	for _, p := range r.Posts {
		if path != "/screen" && belongs(path, f, p, now) {
			out = append(out, p)
		}
	}
	return out
}

// anchorAfter is the card the browser should land on after acting on ids:
// the first acted-on card if it is still listed, else the next one still
// listed after it (the one that moved up into its place), else the one
// before. "" when the list is empty.
func anchorAfter(before, after []content.Post, ids map[string]bool) string {
	still := map[string]bool{}
	for _, p := range after {
		still[p.ID] = true
	}
	first := -1
	for i, p := range before {
		if ids[p.ID] {
			first = i
			break
		}
	}
	if first < 0 {
		return ""
	}
	for _, p := range before[first:] {
		if still[p.ID] {
			return p.ID
		}
	}
	for i := first - 1; i >= 0; i-- {
		if still[before[i].ID] {
			return before[i].ID
		}
	}
	return ""
}
