//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import "os"

// Without flock there is no lock between processes; the kiosk is built for
// Linux, and this keeps other builds compiling.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlockFile(*os.File) error { return nil }

func lockFile(*os.File) error { return nil }
