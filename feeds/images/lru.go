package images

import (
	"errors"
	"math"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// ByteLRU is a least-recently-used cache bounded by the bytes its values
// hold rather than by how many there are: one 4K photo weighs as much as a
// hundred avatars. It is safe for concurrent use.
//
// golang-lru only bounds the entry count, so the cache is created with a
// count it never reaches and the byte budget is enforced here.
type ByteLRU[K comparable, V any] struct {
	cache  *lru.Cache[K, V]
	size   func(V) int64
	budget int64

	// mu covers every change to the cache's contents, so bytes always
	// matches what the cache holds. The eviction callback runs inside
	// Add and RemoveOldest, which are only called with mu held, so it
	// must not take mu itself.
	mu    sync.Mutex
	bytes int64
}

// NewByteLRU returns a cache that holds at most budget bytes, as measured by
// size. A value bigger than the whole budget is not kept.
func NewByteLRU[K comparable, V any](budget int64, size func(V) int64) (*ByteLRU[K, V], error) {
	if budget <= 0 {
		return nil, errors.New("memory budget for images must be more than 0 bytes")
	}
	if size == nil {
		return nil, errors.New("byte LRU needs a size function")
	}
	c := &ByteLRU[K, V]{size: size, budget: budget}
	cache, err := lru.NewWithEvict[K, V](math.MaxInt32, func(_ K, v V) { c.bytes -= c.size(v) })
	if err != nil {
		return nil, err
	}
	c.cache = cache
	return c, nil
}

// Get returns the value for k and marks it as recently used.
func (c *ByteLRU[K, V]) Get(k K) (V, bool) { return c.cache.Get(k) }

// Add stores v under k, replacing any older value, then evicts the least
// recently used values until the cache is back within its budget.
func (c *ByteLRU[K, V]) Add(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Replacing a key does not call the eviction callback, so the old
	// value's bytes are taken off here.
	if old, ok := c.cache.Peek(k); ok {
		c.bytes -= c.size(old)
	}
	c.cache.Add(k, v)
	c.bytes += c.size(v)
	for c.bytes > c.budget {
		if _, _, ok := c.cache.RemoveOldest(); !ok {
			break
		}
	}
}

// Remove drops the value for k, if any.
func (c *ByteLRU[K, V]) Remove(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cache.Remove(k) // the eviction callback takes its bytes off
}

// Len is the number of values held.
func (c *ByteLRU[K, V]) Len() int { return c.cache.Len() }

// Bytes is the total size of the values held.
func (c *ByteLRU[K, V]) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}
