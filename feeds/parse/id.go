package parse

import (
	"crypto/sha256"
	"encoding/hex"
)

// PostID is a post's stable ID: the first 16 hex digits of
// sha256(source + "\x00" + key), where key is the item's GUID, else its link,
// else its text. The source name is part of it so the same post reaching the
// kiosk through two sources stays two posts, each with its own moderation.
func PostID(source, key string) string {
	sum := sha256.Sum256([]byte(source + "\x00" + key))
	return hex.EncodeToString(sum[:8])
}
