//go:build !linux || !cgo || wayland

package xcapture

import "image"

func window(uint64) (*image.RGBA, error) { return nil, ErrUnsupported }
