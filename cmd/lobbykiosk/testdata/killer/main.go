// Command killer saves a large cache entry through feeds/store, over and
// over, until it is killed. TestFaultSIGKILLWhileSaving runs it and sends it
// SIGKILL at random moments to check that what is on disk afterwards is
// always one whole save, never a mix or a torn file.
//
// Usage: killer DIR. It continues from the sequence number it finds in DIR
// and prints "saved N" on stdout after each Save has returned, so the test
// knows which save was surely complete when the kill came.
package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/store"
)

// Key and Posts must match faults_test.go.
const (
	Key   = "source-firehose.json"
	Posts = 2000
)

// Entry is one save: every post carries the save's sequence number, so a
// file holding parts of two saves would show it.
type Entry struct {
	Seq    int          `json:"seq"`
	Result feeds.Result `json:"result"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: killer DIR")
		os.Exit(2)
	}
	st, err := store.Open(os.Args[1], store.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var e Entry
	if _, err := st.Load(Key, &e); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pad := strings.Repeat("lorem ipsum ", 30)
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for seq := e.Seq + 1; ; seq++ {
		next := Entry{Seq: seq, Result: feeds.Result{Posts: make([]feeds.Post, Posts)}}
		for i := range next.Result.Posts {
			next.Result.Posts[i] = feeds.Post{
				ID:        fmt.Sprintf("s%d-p%d", seq, i),
				Source:    "firehose",
				Author:    feeds.Author{Name: "Ana Lima"},
				Text:      fmt.Sprintf("save %d post %d %s", seq, i, pad),
				Published: at.Add(time.Duration(i) * time.Minute),
			}
		}
		if err := st.Save(Key, next); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("saved %d\n", seq)
	}
}
