module lobbykiosk

go 1.26.0

require (
	fyne.io/fyne/v2 v2.7.2 // indirect
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/kardianos/service v1.2.4 // indirect
	github.com/mmcdole/gofeed v1.4.0 // indirect
	github.com/mmcdole/goxpp/v2 v2.0.0 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/image v0.47.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
