//go:build linux && cgo && !wayland

package xcapture

/*
#cgo LDFLAGS: -lxcb
#include <stdlib.h>
#include <string.h>
#include <xcb/xcb.h>

typedef struct {
	int err;          // 0 ok; 1 no connection; 2 no window; 3 no image; 4 visual
	int code;         // X error code when there is one
	int w, h, depth, bpp, msb;
	uint32_t rmask, gmask, bmask;
	uint8_t *data;
	int len;
} shot;

static xcb_visualtype_t *find_visual(const xcb_setup_t *setup, xcb_visualid_t id) {
	for (xcb_screen_iterator_t s = xcb_setup_roots_iterator(setup); s.rem; xcb_screen_next(&s)) {
		for (xcb_depth_iterator_t d = xcb_screen_allowed_depths_iterator(s.data); d.rem; xcb_depth_next(&d)) {
			for (xcb_visualtype_iterator_t v = xcb_depth_visuals_iterator(d.data); v.rem; xcb_visualtype_next(&v)) {
				if (v.data->visual_id == id) return v.data;
			}
		}
	}
	return NULL;
}

static shot capture(uint32_t win) {
	shot s;
	memset(&s, 0, sizeof s);
	xcb_connection_t *c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) { s.err = 1; xcb_disconnect(c); return s; }
	xcb_generic_error_t *e = NULL;
	xcb_get_geometry_reply_t *g = xcb_get_geometry_reply(c, xcb_get_geometry(c, win), &e);
	if (!g) { s.err = 2; if (e) { s.code = e->error_code; free(e); } xcb_disconnect(c); return s; }
	s.w = g->width; s.h = g->height; s.depth = g->depth;
	free(g);
	xcb_get_window_attributes_reply_t *a = xcb_get_window_attributes_reply(c, xcb_get_window_attributes(c, win), &e);
	if (!a) { s.err = 2; if (e) { s.code = e->error_code; free(e); } xcb_disconnect(c); return s; }
	const xcb_setup_t *setup = xcb_get_setup(c);
	xcb_visualtype_t *v = find_visual(setup, a->visual);
	free(a);
	if (!v) { s.err = 4; xcb_disconnect(c); return s; }
	s.rmask = v->red_mask; s.gmask = v->green_mask; s.bmask = v->blue_mask;
	s.msb = setup->image_byte_order == XCB_IMAGE_ORDER_MSB_FIRST;
	for (xcb_format_iterator_t f = xcb_setup_pixmap_formats_iterator(setup); f.rem; xcb_format_next(&f)) {
		if (f.data->depth == s.depth) s.bpp = f.data->bits_per_pixel;
	}
	xcb_get_image_reply_t *im = xcb_get_image_reply(c,
		xcb_get_image(c, XCB_IMAGE_FORMAT_Z_PIXMAP, win, 0, 0, s.w, s.h, ~0u), &e);
	if (!im) { s.err = 3; if (e) { s.code = e->error_code; free(e); } xcb_disconnect(c); return s; }
	s.len = xcb_get_image_data_length(im);
	s.data = malloc(s.len);
	if (s.data) memcpy(s.data, xcb_get_image_data(im), s.len);
	free(im);
	xcb_disconnect(c);
	return s;
}
*/
import "C"

import (
	"fmt"
	"image"
	"math/bits"
	"unsafe"
)

func window(id uint64) (*image.RGBA, error) {
	if id == 0 {
		return nil, fmt.Errorf("no X11 window")
	}
	s := C.capture(C.uint32_t(id))
	defer C.free(unsafe.Pointer(s.data))
	switch s.err {
	case 1:
		return nil, fmt.Errorf("cannot connect to the X server (DISPLAY)")
	case 2:
		return nil, fmt.Errorf("X11 window %#x is gone (X error %d)", id, int(s.code))
	case 3:
		return nil, fmt.Errorf("X11 window %#x cannot be read (X error %d; is it on screen?)", id, int(s.code))
	case 4:
		return nil, fmt.Errorf("X11 window %#x has an unknown visual", id)
	}
	w, h, bpp := int(s.w), int(s.h), int(s.bpp)
	if w <= 0 || h <= 0 || s.data == nil {
		return nil, fmt.Errorf("X11 window %#x is empty (%d×%d)", id, w, h)
	}
	if bpp != 32 && bpp != 24 {
		return nil, fmt.Errorf("X11 window %#x: %d bits per pixel is not supported (depth %d)", id, bpp, int(s.depth))
	}
	data := unsafe.Slice((*byte)(unsafe.Pointer(s.data)), int(s.len))
	stride := len(data) / h
	bpx := bpp / 8
	if stride < w*bpx {
		return nil, fmt.Errorf("X11 window %#x: %d bytes for %d×%d pixels", id, len(data), w, h)
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	ch := [3]channel{newChannel(uint32(s.rmask)), newChannel(uint32(s.gmask)), newChannel(uint32(s.bmask))}
	for y := 0; y < h; y++ {
		row := data[y*stride:]
		dst := out.Pix[y*out.Stride:]
		for x := 0; x < w; x++ {
			p := row[x*bpx : x*bpx+bpx]
			var v uint32
			if s.msb != 0 {
				for _, b := range p {
					v = v<<8 | uint32(b)
				}
			} else {
				for i := len(p) - 1; i >= 0; i-- {
					v = v<<8 | uint32(p[i])
				}
			}
			d := dst[x*4 : x*4+4]
			d[0], d[1], d[2], d[3] = ch[0].get(v), ch[1].get(v), ch[2].get(v), 0xff
		}
	}
	return out, nil
}

// channel extracts one colour from a pixel value by its mask, scaled to
// 8 bits.
type channel struct {
	mask        uint32
	shift, size int
}

func newChannel(mask uint32) channel {
	if mask == 0 {
		return channel{}
	}
	shift := bits.TrailingZeros32(mask)
	return channel{mask: mask, shift: shift, size: bits.OnesCount32(mask)}
}

func (c channel) get(v uint32) uint8 {
	if c.size == 0 {
		return 0
	}
	x := (v & c.mask) >> c.shift
	switch {
	case c.size == 8:
		return uint8(x)
	case c.size > 8:
		return uint8(x >> (c.size - 8))
	}
	return uint8(x<<(8-c.size) | x>>(2*c.size-8))
}
