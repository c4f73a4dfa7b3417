package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// xserver is an Xvfb the benchmark started.
type xserver struct {
	Display string
	cmd     *exec.Cmd
	exited  chan struct{}
}

// startX starts Xvfb at w×h×24 on the first free display from :150 (the
// end-to-end tests use :90–:139, so the two do not race for a number).
func startX(ctx context.Context, w, h int) (*xserver, error) {
	for n := 150; n < 250; n++ {
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		if exists(sock) || exists(fmt.Sprintf("/tmp/.X%d-lock", n)) {
			continue
		}
		cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-screen", "0", fmt.Sprintf("%dx%dx24", w, h), "-nolisten", "tcp")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("start Xvfb: %w", err)
		}
		x := &xserver{Display: fmt.Sprintf(":%d", n), cmd: cmd, exited: make(chan struct{})}
		go func() { cmd.Wait(); close(x.exited) }()
		// Xvfb creates the socket once it accepts clients; if another
		// program took the number meanwhile, it exits and the next is tried.
		up := false
		for i := 0; i < 100 && !up; i++ {
			select {
			case <-x.exited:
				i = 100
			case <-ctx.Done():
				x.Stop()
				return nil, ctx.Err()
			case <-time.After(100 * time.Millisecond):
				up = exists(sock)
			}
		}
		if up {
			return x, nil
		}
		x.Stop()
		if strings.Contains(errb.String(), "already active") {
			continue
		}
		return nil, fmt.Errorf("Xvfb :%d did not come up: %s", n, strings.TrimSpace(errb.String()))
	}
	return nil, errors.New("no free X display between :150 and :249")
}

// PID is the server's process id.
func (x *xserver) PID() int { return x.cmd.Process.Pid }

// Stop ends the server and waits for it. SIGTERM first: Xvfb then removes
// its socket and lock file, which a killed one leaves behind.
func (x *xserver) Stop() {
	x.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-x.exited:
	case <-time.After(5 * time.Second):
		x.cmd.Process.Kill()
		<-x.exited
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// screenshot grabs the whole screen of display.
func screenshot(ctx context.Context, display string) (image.Image, error) {
	cmd := exec.CommandContext(ctx, "import", "-display", display, "-window", "root", "png:-")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("screenshot of %s: %v: %s", display, err, strings.TrimSpace(errb.String()))
	}
	img, err := png.Decode(&out)
	if err != nil {
		return nil, fmt.Errorf("screenshot of %s: %w", display, err)
	}
	return img, nil
}

// variance is the variance of luminance (0…255 scale) over a grid of every
// 8th pixel: a blank or single-colour screen, or a plain gradient, is near
// 0; a slide with text and pictures is in the thousands.
func variance(img image.Image) float64 {
	b := img.Bounds()
	var sum, sq, n float64
	for y := b.Min.Y; y < b.Max.Y; y += 8 {
		for x := b.Min.X; x < b.Max.X; x += 8 {
			r, g, bb, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bb)) / 257
			sum += l
			sq += l * l
			n++
		}
	}
	if n == 0 {
		return 0
	}
	m := sum / n
	return sq/n - m*m
}

// difference is the share of sampled pixels (every 8th) that changed
// noticeably between a and b.
func difference(a, b image.Image) float64 {
	bd := a.Bounds().Intersect(b.Bounds())
	var changed, n float64
	for y := bd.Min.Y; y < bd.Max.Y; y += 8 {
		for x := bd.Min.X; x < bd.Max.X; x += 8 {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if absDiff(r1, r2)+absDiff(g1, g2)+absDiff(b1, b2) > 3*20*257 {
				changed++
			}
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return changed / n
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// firstFrame polls the screen every 100 ms until it shows content (variance
// above threshold) and returns the time from start to the screenshot that
// saw it, and that screenshot. It gives up when the program exits or after
// limit.
func firstFrame(ctx context.Context, display string, start time.Time, threshold float64, limit time.Duration, exited <-chan struct{}) (time.Duration, image.Image, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-exited:
			return 0, nil, errors.New("the program exited before showing anything")
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return 0, nil, fmt.Errorf("no content on screen after %s", limit)
			}
			return 0, nil, ctx.Err()
		case <-tick.C:
		}
		// The frame was on screen when the grab began (import grabs first,
		// then encodes): that moment is when it was seen.
		at := time.Now()
		img, err := screenshot(ctx, display)
		if err != nil {
			if ctx.Err() != nil {
				continue // the select above reports it
			}
			return 0, nil, err
		}
		if variance(img) > threshold {
			return at.Sub(start), img, nil
		}
	}
}

func savePNG(dir, name string, img image.Image) error {
	if dir == "" || img == nil {
		return nil
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644)
}
