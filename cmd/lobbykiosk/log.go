package main

import (
	"io"
	"log/slog"
)

// quietLogger logs errors only: one-shot commands print their
// findings themselves, and per-fetch info lines would bury them.
func quietLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelError}))
}

// serviceLogger is the long-running kiosk's log: info and up, as text
// journald keeps with its own timestamps.
func serviceLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
