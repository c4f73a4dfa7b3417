// Package parse turns fetched bytes into lobbykiosk's content model: RSS,
// Atom and JSON Feed documents into Posts (Mastodon, Bluesky, LinkedIn and
// blog feeds normalized to one shape), a shared folder of stories into Posts,
// and wins and leaderboard files (JSON or CSV, as a spreadsheet exports
// them) into Metrics and Standings.
//
// Every text that leaves this package is plain, valid UTF-8 without control
// characters, and every problem is worded for the person who has to fix the
// source. gofeed types stay inside: callers only see the feeds model.
package parse
