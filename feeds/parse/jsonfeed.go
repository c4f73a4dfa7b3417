package parse

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	gjson "github.com/mmcdole/gofeed/json"

	"lobbykiosk/feeds"
)

// jsonFeedExtra holds what gofeed drops from a JSON Feed: author avatars and
// the "_extension" objects where feeds carry engagement counts. Items stay
// raw and are decoded only for the posts that are kept.
type jsonFeedExtra struct {
	avatar string
	items  []json.RawMessage
}

type jsonItemExtra struct {
	avatar                  string
	likes, shares, comments int
	reply, repost           bool
}

func decodeJSONExtra(data []byte) *jsonFeedExtra {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil
	}
	x := &jsonFeedExtra{avatar: avatarOf(top)}
	_ = json.Unmarshal(top["items"], &x.items)
	return x
}

// avatarOf reads authors[0].avatar (JSON Feed 1.1), else author.avatar (1.0).
// A field of the wrong type is ignored, not fatal.
func avatarOf(obj map[string]json.RawMessage) string {
	type author struct {
		Avatar string `json:"avatar"`
	}
	var list []author
	if json.Unmarshal(obj["authors"], &list) == nil {
		for _, a := range list {
			if a.Avatar != "" {
				return a.Avatar
			}
		}
	}
	var one author
	if json.Unmarshal(obj["author"], &one) == nil {
		return one.Avatar
	}
	return ""
}

func (x *jsonFeedExtra) item(i int) jsonItemExtra {
	var out jsonItemExtra
	if i < 0 || i >= len(x.items) {
		return out
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(x.items[i], &obj) != nil {
		return out
	}
	out.avatar = avatarOf(obj)
	for k, raw := range obj {
		if !strings.HasPrefix(k, "_") {
			continue
		}
		var v any
		if json.Unmarshal(raw, &v) == nil {
			out.walk(v, 0)
		}
	}
	return out
}

// walk looks for engagement counts and reply/repost flags in an extension
// object, one or two levels deep, under the names platforms use for them.
func (x *jsonItemExtra) walk(v any, depth int) {
	obj, ok := v.(map[string]any)
	if !ok || depth > 3 {
		return
	}
	for k, val := range obj {
		switch strings.ToLower(strings.ReplaceAll(k, "-", "_")) {
		case "likes", "like_count", "likes_count", "favourites", "favourites_count", "favorites", "favorites_count", "hearts", "reactions":
			x.likes = max(x.likes, count(val))
		case "shares", "share_count", "shares_count", "reposts", "repost_count", "reposts_count", "reblogs", "reblogs_count", "boosts", "retweets", "retweet_count":
			x.shares = max(x.shares, count(val))
		case "comments", "comment_count", "comments_count", "replies", "reply_count", "replies_count":
			x.comments = max(x.comments, count(val))
		case "reply", "is_reply", "in_reply_to", "in_reply_to_id", "in_reply_to_url":
			x.reply = x.reply || truthy(val)
		case "repost", "is_repost", "reblog", "is_reblog", "boost", "is_boost", "retweeted_status", "reposted_by":
			x.repost = x.repost || truthy(val)
		default:
			x.walk(val, depth+1)
		}
	}
}

func count(v any) int {
	var f float64
	switch v := v.(type) {
	case float64:
		f = v
	case string:
		var err error
		if f, _, err = Value(v); err != nil {
			return 0
		}
	default:
		return 0
	}
	if f < 0 || math.IsNaN(f) {
		return 0
	}
	return int(math.Min(f, math.MaxInt32))
}

func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case float64:
		return v != 0
	case string:
		s := strings.ToLower(strings.TrimSpace(v))
		return s != "" && s != "false" && s != "0" && s != "no"
	case map[string]any:
		return len(v) > 0
	case []any:
		return len(v) > 0
	}
	return false
}

// dropBadJSONItems removes the items of a JSON Feed that gofeed cannot read
// (null, a string, a title that is a number) and says what each was.
func dropBadJSONItems(data []byte) (fixed []byte, bad []feeds.Skip) {
	var top map[string]json.RawMessage
	var items []json.RawMessage
	if json.Unmarshal(data, &top) != nil || json.Unmarshal(top["items"], &items) != nil {
		return data, nil
	}
	kept := items[:0:0]
	for i, raw := range items {
		var it *gjson.Item
		err := json.Unmarshal(raw, &it)
		if err == nil && it == nil {
			err = fmt.Errorf("it is null")
		}
		if err != nil {
			bad = append(bad, feeds.Skip{Item: i + 1, Reason: "wrong shape: " + err.Error()})
			continue
		}
		kept = append(kept, raw)
	}
	if len(bad) == 0 {
		return data, nil
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return data, nil
	}
	top["items"] = b
	if fixed, err = json.Marshal(top); err != nil {
		return data, nil
	}
	return fixed, bad
}
