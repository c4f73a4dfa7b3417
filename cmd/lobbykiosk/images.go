package main

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // logos come as PNG or JPEG
	_ "image/png"
	"os"
)

func decodeImage(b []byte) (image.Image, error) {
	img, _, err := image.Decode(bytes.NewReader(b))
	return img, err
}

func readImage(path string) (image.Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, err := decodeImage(b)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PNG or JPEG image: %w", path, err)
	}
	return img, nil
}
