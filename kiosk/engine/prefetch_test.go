package engine

import (
	"reflect"
	"testing"

	"lobbykiosk/feeds"
	"lobbykiosk/feeds/moderate"
	"lobbykiosk/kiosk/content"
)

// TestPictureSources: what is fetched ahead is what the slides can show —
// shown posts' pictures and avatars, the leaderboard's places on screen —
// and not the pictures of posts waiting for approval or rejected.
func TestPictureSources(t *testing.T) {
	post := func(img, avatar string, st moderate.Status) content.Post {
		p := content.Post{Post: feeds.Post{Image: img}, Status: st}
		p.Author.Avatar = avatar
		return p
	}
	r := content.Report{
		Posts: []content.Post{
			post("https://cdn.example.com/1.jpg", "https://cdn.example.com/ada.png", moderate.Shown),
			post("https://cdn.example.com/2.jpg", "", moderate.Pending),
			post("https://cdn.example.com/3.jpg", "https://cdn.example.com/eve.png", moderate.Rejected),
		},
	}
	for i := range 10 {
		r.Leaderboard = append(r.Leaderboard, feeds.Standing{Rank: i + 1, Avatar: "https://cdn.example.com/l" + string(rune('0'+i)) + ".png"})
	}
	got := PictureSources(r)
	want := []string{"https://cdn.example.com/1.jpg", "https://cdn.example.com/ada.png"}
	for i := range 8 { // the podium and the five places after it
		want = append(want, "https://cdn.example.com/l"+string(rune('0'+i))+".png")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PictureSources =\n%v\nwant\n%v", got, want)
	}
}
