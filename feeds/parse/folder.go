package parse

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"lobbykiosk/feeds"
)

// maxStoryBytes bounds one story file: a story is a few paragraphs, and a
// multi-megabyte file dropped into the share by mistake must not be read.
const maxStoryBytes = 256 << 10

var (
	storyExts = map[string]bool{".md": true, ".markdown": true, ".txt": true}
	imageExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true}
)

// Folder reads a shared folder where staff drop stories. Every *.md or *.txt
// file is a story; an image (jpg, jpeg, png, gif, webp) with the same base
// name is its picture (Post.Image is its absolute path), and an image alone is
// a picture post without text. A story may start with front matter between
// "---" lines: author, handle, date (RFC 3339 or 2006-01-02), link, team.
// Without an author the file owner's name is used, else "Staff"; without a
// date, the file's modification time. Markdown is reduced to plain text.
//
// A file that cannot be read is skipped, naming it; the error is for a
// folder that cannot be listed. Each story is read in its own encoding
// (see toUTF8): staff save from whatever editor they have.
func Folder(dir string, spec feeds.SourceSpec) ([]feeds.Post, []string, error) {
	r, err := ReadFolder(dir, spec)
	return r.Posts, Notes(r), err
}

// ReadFolder is Folder with its reading report.
func ReadFolder(dir string, spec feeds.SourceSpec) (feeds.Result, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return feeds.Result{}, readable(fmt.Errorf("cannot read the shared folder: %w", err))
	}
	type group struct{ stories, images []string }
	groups := map[string]*group{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
			continue // office lock files, macOS resource forks, editor swap files
		}
		ext := strings.ToLower(filepath.Ext(name))
		if !storyExts[ext] && !imageExts[ext] {
			continue
		}
		key := strings.ToLower(strings.TrimSuffix(name, filepath.Ext(name)))
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
		}
		if storyExts[ext] {
			g.stories = append(g.stories, name)
		} else {
			g.images = append(g.images, name)
		}
	}

	r := folderReader{dir: dir, spec: spec, owners: map[string]string{}, rep: &report{},
		dates: newDateReader(spec.Locale, spec.Timezone), encodings: map[string]bool{}}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var posts []feeds.Post
	for _, k := range keys {
		g := groups[k]
		sort.Strings(g.stories)
		sort.Strings(g.images)
		// The first story takes the first picture; anything left over
		// stands alone rather than disappearing.
		n := max(len(g.stories), len(g.images))
		for i := range n {
			var story, image string
			if i < len(g.stories) {
				story = g.stories[i]
			}
			if i < len(g.images) {
				image = g.images[i]
			}
			r.rep.reading.Read++
			if p, ok := r.post(story, image); ok {
				posts = append(posts, p)
			}
		}
	}
	sort.SliceStable(posts, func(i, j int) bool { return posts[i].Published.After(posts[j].Published) })
	if len(posts) > MaxItems {
		r.rep.add("the folder has %d stories; kept the newest %d", len(posts), MaxItems)
		posts = posts[:MaxItems]
	}
	var encs []string
	for e := range r.encodings {
		encs = append(encs, e)
	}
	sort.Strings(encs)
	r.rep.reading.Encoding = strings.Join(encs, ", ")
	if len(encs) > 0 {
		r.rep.reading.EncodingFrom = "each file"
	}
	return feeds.Result{Posts: posts, Warnings: r.rep.done(), Reading: r.rep.reading}, nil
}

type folderReader struct {
	dir       string
	spec      feeds.SourceSpec
	owners    map[string]string // uid -> name, looked up once per call
	rep       *report
	dates     *dateReader
	encodings map[string]bool // of the stories read
}

// warn records a problem with a file that still shows; file names on a
// share can hold any bytes, so the line is cleaned before anyone reads it.
func (r *folderReader) warn(format string, args ...any) { r.rep.add(format, args...) }

// skip records a file that shows nothing.
func (r *folderReader) skip(file, format string, args ...any) {
	r.rep.skipped(feeds.Skip{What: clean(file), Reason: clean(fmt.Sprintf(format, args...))})
}

// post builds one story from a text file, an image, or both.
func (r *folderReader) post(story, image string) (feeds.Post, bool) {
	p := feeds.Post{Source: r.spec.Name, Network: "story"}
	id := sha256.New()
	var meta map[string]string
	var owner fs.FileInfo
	if image != "" {
		fi, err := os.Stat(filepath.Join(r.dir, image))
		switch {
		case err != nil:
			r.skip(image, "cannot read it: %v", pathless(err))
			image = ""
		case !fi.Mode().IsRegular():
			image = ""
		case fi.Size() == 0:
			r.skip(image, "is empty (still being copied?)")
			image = ""
		default:
			abs, err := filepath.Abs(filepath.Join(r.dir, image))
			if err != nil {
				abs = filepath.Join(r.dir, image)
			}
			p.Image = abs
			p.Published = fi.ModTime().UTC()
			owner = fi
			// A replaced picture is a new post, to be approved again.
			fmt.Fprintf(id, "image\x00%s\x00%d\x00%d\x00", image, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	if story != "" {
		body, fi, err := readStory(filepath.Join(r.dir, story))
		if err != nil {
			r.skip(story, "%v", err)
			story = ""
		} else {
			d := toUTF8(body, "")
			d.data, _, _ = repairMojibake(d.data)
			r.encodings[d.name] = true
			if d.warning != "" {
				r.warn("%s %s", story, d.warning)
			}
			// An edited story is a new post too: approval was given to
			// the words as they were.
			fmt.Fprintf(id, "story\x00%s\x00", story)
			id.Write(body)
			var text string
			meta, text = frontMatter(string(d.data))
			if strings.EqualFold(filepath.Ext(story), ".txt") {
				p.Text = plain(text, MaxText) // "<Ana>" in a .txt is what Ana typed
			} else {
				p.Text = Text(Markdown(text), MaxText)
			}
			p.Published = fi.ModTime().UTC()
			owner = fi
		}
	}
	if p.Text == "" && p.Image == "" {
		if story != "" {
			r.skip(story, "has no text and no picture")
		}
		return p, false
	}

	name := story
	if name == "" {
		name = image
	}
	p.Author.Name = clean(meta["author"])
	if p.Author.Name == "" {
		p.Author.Name = r.ownerName(owner)
	}
	p.Author.Handle = strings.ReplaceAll(clean(meta["handle"]), " ", "")
	p.Author.Team = clean(meta["team"])
	if l := meta["link"]; l != "" {
		if p.Link = absURL(nil, l); p.Link == "" {
			r.warn("%s: link %q is not a web address; ignored", name, clean(l))
		}
	}
	if d := meta["date"]; d != "" {
		t, err := r.dates.parse(d)
		if err != nil {
			r.warn("%s: %v (write 2024-05-31 or 2024-05-31T09:30:00+02:00); used the file's time", name, err)
		} else {
			p.Published = t
		}
	}
	p.ID = PostID(r.spec.Name, "file:"+hex.EncodeToString(id.Sum(nil)))
	return p, true
}

// readStory reads a story file, refusing what cannot be one.
func readStory(path string) ([]byte, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read it: %w", pathless(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, errors.New("is not a regular file; skipped")
	}
	if fi.Size() > maxStoryBytes {
		return nil, nil, fmt.Errorf("is %d KB, more than a story's %d KB; skipped", fi.Size()>>10, maxStoryBytes>>10)
	}
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read it: %w", pathless(err))
	}
	return body, fi, nil
}

// pathless drops the path from an *fs.PathError: the warning names the file
// already, and the share's mount point means nothing to the reader.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (r *folderReader) ownerName(fi fs.FileInfo) string {
	const fallback = "Staff"
	if fi == nil {
		return fallback
	}
	uid, ok := ownerID(fi)
	if !ok {
		return fallback
	}
	if n, ok := r.owners[uid]; ok {
		return n
	}
	name := fallback
	if u, err := user.LookupId(uid); err == nil {
		// GECOS holds "Full Name,room,phone,...".
		full, _, _ := strings.Cut(u.Name, ",")
		if full = clean(full); full != "" {
			name = full
		} else if un := clean(u.Username); un != "" {
			name = un
		}
	}
	r.owners[uid] = name
	return name
}

// frontMatter splits "---\nkey: value\n---\nbody" into its fields (keys in
// lower case, quotes removed) and the body. Text without front matter is all
// body.
func frontMatter(s string) (map[string]string, string) {
	s = strings.TrimPrefix(s, "\uFEFF")
	first, rest, ok := strings.Cut(s, "\n")
	if !ok || strings.TrimSpace(first) != "---" {
		return nil, s
	}
	meta := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(rest))
	sc.Buffer(make([]byte, 0, 4096), maxStoryBytes)
	consumed := len(first) + 1
	for sc.Scan() {
		line := sc.Text()
		consumed += len(line) + 1
		t := strings.TrimSpace(line)
		if t == "---" || t == "..." {
			if consumed > len(s) {
				consumed = len(s)
			}
			return meta, s[consumed:]
		}
		k, v, ok := strings.Cut(t, ":")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
			v = v[1 : len(v)-1]
		}
		if _, dup := meta[k]; !dup {
			meta[k] = v
		}
	}
	// No closing line: it was not front matter after all.
	return nil, s
}

var (
	mdFence    = regexp.MustCompile("^\\s*(```|~~~)")
	mdRule     = regexp.MustCompile(`^\s{0,3}([-*_=])(\s*[-*_=]){2,}\s*$`)
	mdRefDef   = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*\S+`)
	mdQuote    = regexp.MustCompile(`^\s{0,3}>\s?`)
	mdHeading  = regexp.MustCompile(`^\s{0,3}#{1,6}(\s+|$)`)
	mdClosing  = regexp.MustCompile(`\s+#+\s*$`)
	mdList     = regexp.MustCompile(`^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?`)
	mdEscape   = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!>~|])")
	mdImage    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdRefLink  = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdAutoLink = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	mdBold     = regexp.MustCompile(`\*\*(\S(?:.*?\S)?)\*\*`)
	mdBoldU    = regexp.MustCompile(`__(\S(?:.*?\S)?)__`)
	mdItalic   = regexp.MustCompile(`\*(\S(?:[^*]*?\S)?)\*`)
	mdItalicU  = regexp.MustCompile(`(^|[^\p{L}\p{N}_])_(\S(?:[^_]*?\S)?)_($|[^\p{L}\p{N}_])`)
	mdStrike   = regexp.MustCompile(`~~(\S(?:.*?\S)?)~~`)
	mdCode     = regexp.MustCompile("`+([^`]+)`+")

	mdPlaceholder = regexp.MustCompile("\uE000[0-9]+\uE001")
)

// Markdown reduces Markdown to the text a reader sees: heading marks,
// emphasis, list bullets, quotes and link syntax go; link text stays. A
// heading gets a colon so it reads as a title before what follows. The
// result may still hold inline HTML and entities: pass it through Text.
func Markdown(s string) string {
	// Escaped characters are set aside so emphasis rules leave them alone.
	escapes := []string{}
	s = mdEscape.ReplaceAllStringFunc(s, func(m string) string {
		escapes = append(escapes, m[1:])
		return fmt.Sprintf("\uE000%d\uE001", len(escapes)-1)
	})
	var b strings.Builder
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\r\n")
		if mdFence.MatchString(line) || mdRule.MatchString(line) || mdRefDef.MatchString(line) {
			b.WriteString("\n")
			continue
		}
		heading := false
		for {
			if l := mdQuote.ReplaceAllString(line, ""); l != line {
				line = l
				continue
			}
			if mdHeading.MatchString(line) {
				line = mdClosing.ReplaceAllString(mdHeading.ReplaceAllString(line, ""), "")
				heading = true
				continue
			}
			if l := mdList.ReplaceAllString(line, ""); l != line {
				line = l
				continue
			}
			break
		}
		line = mdImage.ReplaceAllString(line, "")
		line = mdLink.ReplaceAllString(line, "$1")
		line = mdRefLink.ReplaceAllString(line, "$1")
		line = mdAutoLink.ReplaceAllString(line, "$1")
		line = mdCode.ReplaceAllString(line, "$1")
		line = mdBold.ReplaceAllString(line, "$1")
		line = mdBoldU.ReplaceAllString(line, "$1")
		line = mdItalic.ReplaceAllString(line, "$1")
		line = mdItalicU.ReplaceAllString(line, "$1$2$3")
		line = mdStrike.ReplaceAllString(line, "$1")
		line = strings.TrimSpace(line)
		if heading && line != "" && !strings.ContainsRune(".!?:…", lastRune(line)) {
			line += ":"
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	return mdPlaceholder.ReplaceAllStringFunc(b.String(), func(m string) string {
		i, err := strconv.Atoi(strings.Trim(m, "\uE000\uE001"))
		if err != nil || i >= len(escapes) {
			return ""
		}
		return escapes[i]
	})
}
