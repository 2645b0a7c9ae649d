package handler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/image/draw"
)

// ThumbnailSize is the side of the square a thumbnail fits inside.
const ThumbnailSize = 256

// jpegQuality is the quality of JPEG thumbnails.
const jpegQuality = 85

// thumbnail writes a thumbnail of obj at thumbnails/<rel>, or skips obj when
// it is not an image in a supported format.
func (h *Handler) thumbnail(ctx context.Context, obj object, rel string) (result, error) {
	src, format, err := h.decodeImage(ctx, obj)
	if errors.Is(err, image.ErrFormat) {
		return skipped("not an image"), nil
	}
	if err != nil {
		return result{}, err
	}
	w, hgt := fitSize(src.Bounds().Dx(), src.Bounds().Dy(), ThumbnailSize)
	data, contentType, err := encodeThumbnail(scale(src, w, hgt), src, format)
	if err != nil {
		return result{}, fmt.Errorf("encode %s thumbnail of %s: %w", format, obj, err)
	}
	key := thumbnailKey(rel)
	if err := h.putObject(ctx, obj, key, contentType, data); err != nil {
		return result{}, err
	}
	return wrote(key), nil
}

// decodeImage reads and decodes obj within h.limits. It checks the header
// with image.DecodeConfig before decoding any pixels, and returns an error
// wrapping image.ErrFormat when obj is not an image in a registered format.
func (h *Handler) decodeImage(ctx context.Context, obj object) (image.Image, string, error) {
	out, err := h.getObject(ctx, obj)
	if err != nil {
		return nil, "", err
	}
	defer out.Body.Close()
	if n := aws.ToInt64(out.ContentLength); n > h.limits.MaxObjectBytes {
		return nil, "", fmt.Errorf("refuse %s: %w", obj, &SizeError{Max: h.limits.MaxObjectBytes})
	}

	// The header bytes DecodeConfig consumes are kept and replayed to
	// Decode, so the object is read once and streamed, not buffered.
	body := newCapReader(out.Body, h.limits.MaxObjectBytes)
	var head bytes.Buffer
	cfg, _, err := image.DecodeConfig(io.TeeReader(body, &head))
	var sizeErr *SizeError
	switch {
	case errors.As(err, &sizeErr):
		return nil, "", fmt.Errorf("refuse %s: %w", obj, err)
	case errors.Is(err, image.ErrFormat):
		return nil, "", err
	case err != nil:
		return nil, "", fmt.Errorf("decode image header of %s: %w", obj, err)
	}
	if err := h.limits.checkDimensions(cfg); err != nil {
		return nil, "", fmt.Errorf("refuse %s: %w", obj, err)
	}
	img, format, err := image.Decode(io.MultiReader(&head, body))
	switch {
	case errors.As(err, &sizeErr):
		return nil, "", fmt.Errorf("refuse %s: %w", obj, err)
	case err != nil:
		return nil, "", fmt.Errorf("decode image %s: %w", obj, err)
	}
	return img, format, nil
}

// encodeThumbnail encodes thumb in the source format and returns the bytes
// and their content type. WebP, which golang.org/x/image cannot encode,
// becomes PNG. A GIF thumbnail is dithered onto the source frame's palette.
// The encoders are deterministic, so equal inputs give equal bytes.
func encodeThumbnail(thumb, src image.Image, format string) ([]byte, string, error) {
	var buf bytes.Buffer
	switch format {
	case "jpeg":
		err := jpeg.Encode(&buf, thumb, &jpeg.Options{Quality: jpegQuality})
		return buf.Bytes(), "image/jpeg", err
	case "gif":
		err := gif.Encode(&buf, toPaletted(thumb, src), nil)
		return buf.Bytes(), "image/gif", err
	case "png", "webp":
		err := png.Encode(&buf, thumb)
		return buf.Bytes(), "image/png", err
	default:
		return nil, "", fmt.Errorf("no encoder for format %q", format)
	}
}

// toPaletted returns thumb as a paletted image, dithered with
// Floyd-Steinberg onto src's palette when src is paletted (as decoded GIF
// frames are), else onto the Plan 9 palette.
func toPaletted(thumb, src image.Image) *image.Paletted {
	if p, ok := thumb.(*image.Paletted); ok {
		return p
	}
	pal := color.Palette(palette.Plan9)
	if sp, ok := src.(*image.Paletted); ok && len(sp.Palette) > 0 {
		pal = sp.Palette
	}
	pm := image.NewPaletted(thumb.Bounds(), pal)
	draw.FloydSteinberg.Draw(pm, pm.Bounds(), thumb, thumb.Bounds().Min)
	return pm
}
