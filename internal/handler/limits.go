package handler

import (
	"fmt"
	"image"
	"io"
)

// Default [Limits].
const (
	DefaultMaxObjectBytes = 64 << 20   // 64 MiB
	DefaultMaxPixels      = 40_000_000 // 40 megapixels
	DefaultMaxSide        = 16384
)

// Limits bound what the thumbnail action reads and decodes. A zero field
// takes its default.
type Limits struct {
	// MaxObjectBytes is the largest source object read.
	MaxObjectBytes int64
	// MaxPixels is the largest width×height decoded.
	MaxPixels int64
	// MaxSide is the largest width or height decoded.
	MaxSide int
}

func (l Limits) withDefaults() Limits {
	if l.MaxObjectBytes <= 0 {
		l.MaxObjectBytes = DefaultMaxObjectBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxSide <= 0 {
		l.MaxSide = DefaultMaxSide
	}
	return l
}

// checkDimensions refuses an image whose header claims more pixels than l
// allows, before any pixel memory is allocated.
func (l Limits) checkDimensions(cfg image.Config) error {
	w, h := cfg.Width, cfg.Height
	if w > l.MaxSide || h > l.MaxSide || int64(w)*int64(h) > l.MaxPixels {
		return &DimensionsError{Width: w, Height: h, MaxSide: l.MaxSide, MaxPixels: l.MaxPixels}
	}
	return nil
}

// A DimensionsError reports an image refused because its header claims more
// pixels than [Limits] allow, typically a decompression bomb.
type DimensionsError struct {
	Width, Height int
	MaxSide       int
	MaxPixels     int64
}

func (e *DimensionsError) Error() string {
	return fmt.Sprintf("image is %dx%d pixels, over the limit of %d per side and %d in total",
		e.Width, e.Height, e.MaxSide, e.MaxPixels)
}

// A SizeError reports an object refused because it is larger than
// [Limits.MaxObjectBytes].
type SizeError struct {
	Max int64
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("object is larger than the limit of %d bytes", e.Max)
}

// capReader reads at most max bytes from r and fails with a *SizeError if r
// holds more. Unlike io.LimitReader it never truncates silently.
type capReader struct {
	r    io.Reader
	left int64
	max  int64
}

func newCapReader(r io.Reader, max int64) *capReader {
	return &capReader{r: r, left: max, max: max}
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// Probe one byte to tell "exactly max bytes" from "more".
		var b [1]byte
		n, err := c.r.Read(b[:])
		if n > 0 {
			return 0, &SizeError{Max: c.max}
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
