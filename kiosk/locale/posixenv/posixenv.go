// Package posixenv, imported for its side effect, makes the C locale read
// as English to the libraries that parse the environment while the program
// initialises. Fyne's lang package reads LC_ALL/LC_MESSAGES/LANG and then
// LANGUAGE (through go-locale) in its init, and logs "Error parsing user
// locale C" when it finds "C.UTF-8", the default of containers and systemd
// services. An init in main runs too late; this package imports nothing but
// os, so Go's initialisation order (dependencies first, then by import
// path) runs it before Fyne's lang, which waits on far more packages.
// Setting LANGUAGE, which gettext consults for everything but the bare C
// locale, pre-empts the message without changing the character set the C
// library uses.
package posixenv

import "os"

func init() { Apply() }

// Apply sets LANGUAGE=en when the environment's locale is C or POSIX in any
// encoding and LANGUAGE is unset.
func Apply() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, v := range [...]string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		loc := os.Getenv(v)
		if loc == "" {
			continue
		}
		base := loc
		for i := 0; i < len(loc); i++ {
			if loc[i] == '.' {
				base = loc[:i]
				break
			}
		}
		if base == "C" || base == "POSIX" {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
