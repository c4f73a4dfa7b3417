package main

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/moderate"
	"lobbykiosk/feeds/store"
)

const moderateConfig = `name = "lobby-test"
timezone = "Europe/Berlin"
state_dir = "state"

[[source]]
name = "team-blog"
kind = "posts"
url = "http://127.0.0.1:9/blog.xml"
approval = "manual"

[[source]]
name = "social"
kind = "posts"
url = "http://127.0.0.1:9/social.xml"

[moderation]
blocked_words = ["project falcon"]
`

// moderateKiosk writes a config and the pipeline's cache for two sources,
// as a kiosk that has fetched once leaves them, and returns the config path
// and the state dir.
func moderateKiosk(t *testing.T) (cfgPath, stateDir string) {
	t.Helper()
	dir := t.TempDir()
	cfgPath = filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(cfgPath, []byte(moderateConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	stateDir = filepath.Join(dir, "state")
	st, err := store.Open(stateDir, store.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-3 * time.Hour).UTC()
	cache := map[string][]feeds.Post{
		"team-blog": {
			{ID: "blog-1a2b", Source: "team-blog", Network: "blog", Author: feeds.Author{Name: "Ada Lovelace"},
				Text: "Our new office in Lyon opened today. Come and say hello, there is cake and the view over the river is stunning.",
				Link: "https://blog.example.com/lyon", Published: at},
			{ID: "blog-9f8e", Source: "team-blog", Network: "blog", Author: feeds.Author{Name: "Grace Hopper"},
				Text: "A sneak peek at Project Falcón, launching soon.", Link: "https://blog.example.com/falcon", Published: at},
		},
		"social": {
			{ID: "soc-77", Source: "social", Network: "mastodon", Author: feeds.Author{Name: "Hannah Schulz", Handle: "@hannah@social.example"},
				Text: "Proud of the team: 1,000 visitors at the open day!", Link: "https://social.example/@hannah/1", Published: at},
		},
	}
	// The pipeline only loads a cache whose origin is the source's URL.
	origins := map[string]string{"team-blog": "http://127.0.0.1:9/blog.xml", "social": "http://127.0.0.1:9/social.xml"}
	for name, posts := range cache {
		entry := map[string]any{
			"origin":     origins[name],
			"validators": map[string]string{},
			"fetched_at": at,
			"result":     feeds.Result{Posts: posts},
		}
		if err := st.Save("source-"+name+".json", entry); err != nil {
			t.Fatal(err)
		}
	}
	return cfgPath, stateDir
}

// listRow returns the list line of post id, or "".
func listRow(list, id string) string {
	for _, l := range strings.Split(list, "\n") {
		if strings.HasPrefix(l, id+" ") {
			return strings.Join(strings.Fields(l), " ")
		}
	}
	return ""
}

func TestModerateList(t *testing.T) {
	cfg, _ := moderateKiosk(t)
	code, out, errs := run(t, "moderate", "list", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(strings.Join(strings.Fields(out), " "), "ID STATUS REASON AUTHOR SOURCE TEXT") {
		t.Fatalf("no header:\n%s", out)
	}
	for id, want := range map[string]string{
		"blog-1a2b": "blog-1a2b pending waiting for approval (source team-blog is manual) Ada Lovelace team-blog Our new office in Lyon opened today. Come and say hello, th…",
		"blog-9f8e": `blog-9f8e rejected blocked word "project falcon" Grace Hopper team-blog A sneak peek at Project Falcón, launching soon.`,
		"soc-77":    "soc-77 shown shown: source auto-approves Hannah Schulz social Proud of the team: 1,000 visitors at the open day!",
	} {
		if got := listRow(out, id); got != want {
			t.Errorf("row %s:\n got %q\nwant %q", id, got, want)
		}
	}

	code, out, _ = run(t, "moderate", "--config", cfg, "list", "--pending")
	if code != 0 || listRow(out, "blog-1a2b") == "" || listRow(out, "soc-77") != "" || listRow(out, "blog-9f8e") != "" {
		t.Fatalf("--pending (exit %d) should list only the pending post:\n%s", code, out)
	}

	code, out, _ = run(t, "moderate", "list", "--json", "--config", cfg)
	var posts []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(out), &posts); code != 0 || err != nil {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	got := map[string]string{}
	for _, p := range posts {
		got[p.ID] = p.Status
	}
	if got["blog-1a2b"] != "pending" || got["blog-9f8e"] != "rejected" || got["soc-77"] != "shown" || len(got) != 3 {
		t.Fatalf("--json statuses: %v", got)
	}
}

func TestModerateDecisionsReachTheRunningKiosk(t *testing.T) {
	cfg, stateDir := moderateKiosk(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	// The running kiosk's decisions, open before the CLI writes anything.
	st, err := store.Open(stateDir, store.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	kiosk, err := moderate.OpenDecisions(st)
	if err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(48 * time.Hour).In(berlin).Format("2006-01-02 15:04")
	untilRFC := time.Now().Add(72 * time.Hour).In(berlin).Truncate(time.Minute)

	steps := []struct {
		args    []string
		want    string // first line of stdout
		listRow string // the post's list row afterwards (status and reason)
		action  moderate.Action
	}{
		{[]string{"approve", "blog-1a2b"}, "blog-1a2b: shown (approved by an editor)", "shown approved by an editor", moderate.ActionApprove},
		{[]string{"pin", "blog-1a2b", "--until", until}, "blog-1a2b: shown (pinned until " + until + ")", "shown (pinned) pinned until " + until, moderate.ActionPin},
		{[]string{"pin", "--until", untilRFC.UTC().Format(time.RFC3339), "blog-1a"}, "blog-1a2b: shown (pinned until " + untilRFC.Format("2006-01-02 15:04") + ")", "shown (pinned) pinned until " + untilRFC.Format("2006-01-02 15:04"), moderate.ActionPin},
		{[]string{"unpin", "blog-1a2b"}, "blog-1a2b: shown (approved by an editor)", "shown approved by an editor", moderate.ActionApprove},
		{[]string{"reject", "blog-1a2b"}, "blog-1a2b: rejected (rejected by an editor)", "rejected rejected by an editor", moderate.ActionReject},
		{[]string{"revoke", "blog-1a2b"}, "blog-1a2b: revoked (revoked on this kiosk)", "revoked revoked on this kiosk", moderate.ActionRevoke},
	}
	for _, s := range steps {
		code, out, errs := run(t, append([]string{"moderate", "--config", cfg}, s.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", s.args, code, errs)
		}
		if first := strings.SplitN(out, "\n", 2)[0]; first != s.want {
			t.Fatalf("%v: printed %q, want %q", s.args, first, s.want)
		}
		_, list, _ := run(t, "moderate", "list", "--config", cfg)
		if got := listRow(list, "blog-1a2b"); !strings.HasPrefix(got, "blog-1a2b "+s.listRow+" Ada Lovelace") {
			t.Fatalf("%v: list row %q, want status and reason %q", s.args, got, s.listRow)
		}
		changed, err := kiosk.Reload()
		if err != nil || !changed {
			t.Fatalf("%v: the kiosk's Reload: changed=%v err=%v", s.args, changed, err)
		}
		if d, ok := kiosk.Lookup("blog-1a2b", ""); !ok || d.Action != s.action {
			t.Fatalf("%v: the kiosk sees %q, want %q", s.args, d.Action, s.action)
		}
	}
}

func TestModerateApproveDoesNotBeatPolicy(t *testing.T) {
	cfg, _ := moderateKiosk(t)
	code, out, errs := run(t, "moderate", "approve", "blog-9f8e", "--config", cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `blog-9f8e: rejected (blocked word "project falcon")`) || !strings.Contains(out, "policy wins over an approval") {
		t.Fatalf("approving a post with a blocked word should say it stays off screen and why:\n%s", out)
	}
}

func TestModerateErrors(t *testing.T) {
	cfg, _ := moderateKiosk(t)
	tests := []struct {
		args    []string
		code    int
		message string
	}{
		{[]string{"approve", "abc123"}, 1, "no post with ID abc123 in the cache; run `lobbykiosk moderate list` to see IDs"},
		{[]string{"unpin", "soc-77"}, 1, "post soc-77 is not pinned (it is shown: shown: source auto-approves)"},
		{[]string{"pin", "soc-77", "--until", "tomorrow"}, 1, `--until "tomorrow" is not a time`},
		{[]string{"pin", "soc-77", "--until", "2020-01-01 10:00"}, 1, "--until 2020-01-01 10:00 is in the past"},
		{[]string{"approve", "blog"}, 1, "blog could be any of blog-1a2b, blog-9f8e; give more of the ID"},
		{[]string{"approve"}, 2, "approve needs one post ID"},
		{[]string{"approve", "soc-77", "blog-1a2b"}, 2, "approve needs one post ID"},
		{[]string{"approve", "soc-77", "--until", "2030-01-01 10:00"}, 2, "--until goes with pin"},
		{[]string{"reject", "soc-77", "--json"}, 2, "--pending and --json go with list"},
		{[]string{"promote", "soc-77"}, 2, `"promote" is not a moderate action`},
		{[]string{}, 2, "Usage: lobbykiosk moderate"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errs := run(t, append([]string{"moderate", "--config", cfg}, tt.args...)...)
			if code != tt.code || !strings.Contains(errs, tt.message) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errs, tt.code, tt.message)
			}
		})
	}
	_, list, _ := run(t, "moderate", "list", "--config", cfg)
	if got := listRow(list, "soc-77"); !strings.HasPrefix(got, "soc-77 shown shown: source auto-approves") {
		t.Fatalf("a failed command changed a post: %q", got)
	}
}
