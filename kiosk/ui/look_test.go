package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lobbykiosk/feeds"
	"lobbykiosk/kiosk/slide"
)

func edgePost(name, text string, pic *image.NRGBA) slide.Slide {
	now := time.Date(2025, 11, 12, 15, 0, 0, 0, time.UTC)
	var img image.Image
	if pic != nil {
		img = pic
	}
	return slide.FromPost(feeds.Post{Network: "mastodon", Author: feeds.Author{Name: name, Handle: "@someone@social.example"}, Text: text, Published: now.Add(-3 * time.Hour)}, nil, img, now, time.UTC, nil)
}

// TestLook writes every slide as PNG into $UI_LOOK (skipped without it), for
// a person to look at: UI_LOOK=/tmp/ui-look go test -run Look ./kiosk/ui/
func TestLook(t *testing.T) {
	dir := os.Getenv("UI_LOOK")
	if dir == "" {
		t.Skip("set UI_LOOK=dir to write the slides as PNG")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	slides := map[string]struct {
		s slide.Slide
		c slide.Chrome
	}{
		"post-picture":    {postWithPicture(), freshChrome},
		"post-text":       {postTextOnly(), freshChrome},
		"wins":            {winsSlide(), freshChrome},
		"leaderboard":     {boardSlide(), staleChrome},
		"welcome":         {welcomeSlide(), freshChrome},
		"welcome-empty":   {slide.WelcomeSlide("", "", nil, nil), slide.Chrome{}},
		"post-long":       {longPost(), freshChrome},
		"wins-three":      {slide.Slide{Kind: slide.KindWins, Wins: winsSlide().Wins[:3]}, freshChrome},
		"leaderboard-one": {oneBoard(), freshChrome},
		"edge-hebrew":     {edgePost("דוד כהן", "שלום לכולם! היום השקנו את המוצר החדש, תודה לכל הצוות 🎉", sunset), staleChrome},
		"edge-emoji":      {edgePost("Ana 🚀 Lima", "Launch day 🎉🎉 👩‍💻🇵🇹 we did it ❤️", nil), freshChrome},
		"edge-word":       {edgePost("Maximiliana Alexandrova-Papadopoulou von Habsburg", "https://example.com/"+strings.Repeat("abcdefghij", 300), nil), freshChrome},
	}
	sizes := map[string][2]int{"1080p": {1920, 1080}, "portrait": {1080, 1920}, "720p": {1280, 720}}
	only := os.Getenv("UI_LOOK_ONLY")
	for name, sl := range slides {
		if only != "" && only != name {
			continue
		}
		for sn, wh := range sizes {
			img := Render(sl.s, sl.c, DefaultTheme(), wh[0], wh[1])
			f, err := os.Create(filepath.Join(dir, name+"-"+sn+".png"))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, img); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
}
