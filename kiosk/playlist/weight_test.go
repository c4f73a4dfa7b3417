package playlist

import (
	"testing"
	"time"
)

func TestWeight(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		age  time.Duration
		zero bool
		want int
	}{
		{age: -time.Hour, want: 3}, // a clock ahead of ours: as new as it gets
		{age: 0, want: 3},
		{age: 24*time.Hour - time.Second, want: 3},
		{age: 24 * time.Hour, want: 2},
		{age: 7*24*time.Hour - time.Second, want: 2},
		{age: 7 * 24 * time.Hour, want: 1},
		{age: 400 * 24 * time.Hour, want: 1},
		{zero: true, want: 1}, // undated
	}
	for _, tc := range cases {
		pub := now.Add(-tc.age)
		if tc.zero {
			pub = time.Time{}
		}
		if got := weight(pub, now); got != tc.want {
			t.Errorf("weight of a post %v old (undated %v) = %d, want %d", tc.age, tc.zero, got, tc.want)
		}
	}
}
