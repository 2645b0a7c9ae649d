package handler

import (
	"image"

	"golang.org/x/image/draw"
)

// fitSize returns the size of a w×h image scaled to fit inside side×side
// with its aspect ratio kept, rounding to the nearest pixel and never below
// 1. An image that already fits keeps its size: fitSize never upscales.
func fitSize(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, atLeast1((h*side + w/2) / w)
	}
	return atLeast1((w*side + h/2) / h), side
}

func atLeast1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// scale returns src resampled to w×h with the Catmull-Rom kernel, or src
// itself when it already has that size.
func scale(src image.Image, w, h int) image.Image {
	b := src.Bounds()
	if b.Dx() == w && b.Dy() == h {
		return src
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst
}
