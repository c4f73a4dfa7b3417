package admin

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// The fleet's hub has several moderators, each signing in with a name and a
// password of their own, so the audit log says who decided. Their bcrypt
// hashes are kept as the admin password is: in a file of their own in
// state_dir (mode 0600, the hub's user), never in the config, which others
// may read. One line per moderator:
//
//	# lobbykiosk hub moderators: name:bcrypt-hash
//	Ada Lovelace:$2a$10$…
//
// `lobbykiosk admin set-password --moderator NAME` adds or changes one,
// `lobbykiosk admin remove-moderator NAME` removes one; the running hub
// reads the file again when it changes, so a removed moderator's sessions
// end at their next click.

// AdminAccount is the name the admin password signs in under on the hub.
const AdminAccount = "admin"

// maxModeratorName bounds a moderator's name, in characters.
const maxModeratorName = 40

// CheckModeratorName says why name cannot be a moderator's, or nil.
func CheckModeratorName(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case strings.TrimSpace(name) != name || n == 0:
		return errors.New("a moderator's name cannot be empty or start or end with a space")
	case n > maxModeratorName:
		return fmt.Errorf("the name has %d characters; at most %d", n, maxModeratorName)
	case strings.ContainsRune(name, ':'):
		return errors.New("a moderator's name cannot hold a colon (the file separates name and hash with one)")
	case strings.EqualFold(name, AdminAccount):
		return fmt.Errorf("%q is the admin password's account; choose a person's name", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) || !unicode.IsPrint(r) && r != ' ' {
			return fmt.Errorf("the name holds a character that cannot be typed (%U)", r)
		}
	}
	return nil
}

// moderator is one line of the file.
type moderator struct{ name, hash string }

// readModerators reads the moderators file at path: a missing file holds
// none. A line that is not name:bcrypt-hash is an error naming it.
func readModerators(path string) ([]moderator, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("moderators file %s cannot be read: %w (it must belong to the hub's user)", path, err)
	}
	var out []moderator
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		name, hash, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("moderators file %s:%d: not name:hash", path, n)
		}
		if err := CheckModeratorName(name); err != nil {
			return nil, fmt.Errorf("moderators file %s:%d: %v", path, n, err)
		}
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return nil, fmt.Errorf("moderators file %s:%d: %s's hash is not a bcrypt hash (%v)", path, n, name, err)
		}
		if first, dup := seen[strings.ToLower(name)]; dup {
			return nil, fmt.Errorf("moderators file %s:%d: %s is already on line %d", path, n, name, first)
		}
		seen[strings.ToLower(name)] = n
		out = append(out, moderator{name, hash})
	}
	return out, sc.Err()
}

// writeModerators writes the list to path, private to the owner of the
// folder it is in (the hub's user owns state_dir), atomically.
func writeModerators(path string, list []moderator) error {
	var b bytes.Buffer
	b.WriteString("# lobbykiosk hub moderators, one name:bcrypt-hash a line.\n")
	b.WriteString("# Change them with `lobbykiosk admin set-password --moderator NAME` and `lobbykiosk admin remove-moderator NAME`.\n")
	for _, m := range list {
		b.WriteString(m.name + ":" + m.hash + "\n")
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("moderators file %s: %w", path, err)
	}
	like, err := os.Stat(path)
	if err != nil {
		if like, err = os.Stat(dir); err != nil {
			return fmt.Errorf("moderators file %s: %w", path, err)
		}
	}
	if err := writeAtomic(path, b.Bytes(), 0o600, like); err != nil {
		return fmt.Errorf("moderators file %s: %w", path, err)
	}
	return nil
}

// SetModerator adds name with hash to the moderators file at path, or gives
// an existing moderator (of that name, in any case) the new hash. added
// says which.
func SetModerator(path, name, hash string) (added bool, err error) {
	if err := CheckModeratorName(name); err != nil {
		return false, err
	}
	if _, err := bcrypt.Cost([]byte(hash)); err != nil {
		return false, fmt.Errorf("not a bcrypt hash: %w", err)
	}
	list, err := readModerators(path)
	if err != nil {
		return false, err
	}
	added = true
	for i := range list {
		if strings.EqualFold(list[i].name, name) {
			list[i].hash, added = hash, false
		}
	}
	if added {
		list = append(list, moderator{name, hash})
	}
	return added, writeModerators(path, list)
}

// RemoveModerator takes name off the moderators file at path; removed is
// false when there was no such moderator.
func RemoveModerator(path, name string) (removed bool, err error) {
	list, err := readModerators(path)
	if err != nil {
		return false, err
	}
	keep := list[:0]
	for _, m := range list {
		if strings.EqualFold(m.name, name) {
			removed = true
			continue
		}
		keep = append(keep, m)
	}
	if !removed {
		return false, nil
	}
	return true, writeModerators(path, keep)
}

// ModeratorNames lists the moderators in the file at path, sorted.
func ModeratorNames(path string) ([]string, error) {
	list, err := readModerators(path)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, m := range list {
		out[i] = m.name
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out, nil
}

// accounts are who may sign in: on a kiosk the admin password alone; on the
// hub also every moderator in the moderators file, which is read again
// (at most once a second) when it changes.
type accounts struct {
	admin []byte // the admin password's hash; nil when there is none
	file  string // the moderators file; "" on a kiosk

	mu      sync.Mutex
	checked time.Time
	stamp   os.FileInfo
	mods    map[string]moderator // by lower-case name
	problem string               // why the file was not read ("" when it was)
}

// refresh reads the moderators file again if it changed. A file that cannot
// be read keeps the moderators read before, with the problem kept for the
// log. a.mu must be held.
func (a *accounts) refreshLocked(now time.Time) (problem string) {
	if a.file == "" || (now.Sub(a.checked) < time.Second && a.mods != nil) {
		return ""
	}
	a.checked = now
	fi, err := os.Stat(a.file)
	if err == nil && a.stamp != nil && os.SameFile(fi, a.stamp) && fi.ModTime().Equal(a.stamp.ModTime()) && fi.Size() == a.stamp.Size() {
		return ""
	}
	list, rerr := readModerators(a.file)
	if rerr != nil {
		if rerr.Error() != a.problem {
			a.problem = rerr.Error()
			return a.problem
		}
		return ""
	}
	a.problem = ""
	a.stamp = fi
	if err != nil {
		a.stamp = nil
	}
	a.mods = make(map[string]moderator, len(list))
	for _, m := range list {
		a.mods[strings.ToLower(m.name)] = m
	}
	return ""
}

// lookup finds the account name signs in to: its name as written and its
// hash. An empty name is the admin password's account.
func (a *accounts) lookup(name string, now time.Time) (account string, hash []byte, ok bool, problem string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	problem = a.refreshLocked(now)
	name = strings.TrimSpace(name)
	if name == "" || strings.EqualFold(name, AdminAccount) {
		return AdminAccount, a.admin, a.admin != nil, problem
	}
	m, ok := a.mods[strings.ToLower(name)]
	return m.name, []byte(m.hash), ok, problem
}

// has reports whether account may still sign in.
func (a *accounts) has(account string, now time.Time) bool {
	_, _, ok, _ := a.lookup(account, now)
	return ok
}

// named reports whether the sign-in form asks for a name: there are
// moderators.
func (a *accounts) named(now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refreshLocked(now)
	return len(a.mods) > 0
}

// any reports whether anyone at all can sign in.
func (a *accounts) any(now time.Time) bool {
	return a.admin != nil || a.named(now)
}

// decoy is a bcrypt hash of nothing anyone types, compared against for a
// name that is no account, so that a wrong name takes as long as a wrong
// password and does not tell a guesser which names exist.
var decoy = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte(token(24)), bcrypt.DefaultCost)
	return h
})
