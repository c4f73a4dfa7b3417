package main

import (
	"flag"
	"fmt"
)

// newFlags makes a flag set whose errors and help go to the command's stderr
// and do not exit the process (commands run in-process in tests).
func newFlags(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: lobbykiosk %s\n", commands[name].usage)
		fs.PrintDefaults()
	}
	return fs
}
