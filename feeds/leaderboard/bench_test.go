package leaderboard

import (
	"fmt"
	"testing"
	"time"

	"lobbykiosk/feeds"
)

// BenchmarkCompute ranks a busy quarter: 200 people, 3,000 posts.
func BenchmarkCompute(b *testing.B) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	posts := make([]feeds.Post, 3000)
	for i := range posts {
		posts[i] = feeds.Post{
			ID:        fmt.Sprint(i),
			Author:    feeds.Author{Name: fmt.Sprintf("Person %d", i%200), Handle: fmt.Sprintf("@p%d", i%200)},
			Published: now.Add(-time.Duration(i) * 47 * time.Minute),
			Likes:     i % 17, Shares: i % 5, Comments: i % 3,
		}
	}
	s := Settings{Period: Quarter, PointsPerPost: 10, PointsPerLike: 1, PointsPerShare: 3, PointsPerComment: 2, DailyCap: 50, OptOut: []string{"Person 7"}, Anonymize: true}
	b.ReportAllocs()
	for b.Loop() {
		Compute(posts, s, now, time.UTC)
	}
}
