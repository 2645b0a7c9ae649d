package handler

import (
	"bytes"
	"errors"
	"image"
	"image/gif"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// putRecord returns an ObjectCreated:Put record for key in testBucket, with
// the key encoded as S3 encodes it.
func putRecord(key string) events.S3EventRecord {
	var r events.S3EventRecord
	r.EventName = "ObjectCreated:Put"
	r.EventTime = t0.Add(-1500 * time.Millisecond)
	r.S3.Bucket.Name = testBucket
	r.S3.Object.Key = key // test keys need no escaping
	r.S3.Object.URLDecodedKey = key
	return r
}

// runRecord runs h's action on one put record for key.
func runRecord(t *testing.T, h *Handler, key string) (result, error) {
	t.Helper()
	return h.handleRecord(t.Context(), objectOf(putRecord(key)))
}

func TestThumbnail_scalesImages(t *testing.T) {
	tests := []struct {
		name            string
		key             string
		data            []byte
		wantKey         string
		wantContentType string
		wantFormat      string
		wantW, wantH    int
	}{
		{
			name: "scales a landscape JPEG to 256 wide", key: "uploads/wide.jpg", data: makeJPEG(t, 600, 400),
			wantKey: "thumbnails/wide.jpg", wantContentType: "image/jpeg", wantFormat: "jpeg", wantW: 256, wantH: 171,
		},
		{
			name: "scales a portrait PNG to 256 high", key: "uploads/tall.png", data: makePNG(t, 100, 300),
			wantKey: "thumbnails/tall.png", wantContentType: "image/png", wantFormat: "png", wantW: 85, wantH: 256,
		},
		{
			name: "scales a GIF from its first frame", key: "uploads/anim.gif", data: makeGIF(t, 512, 256),
			wantKey: "thumbnails/anim.gif", wantContentType: "image/gif", wantFormat: "gif", wantW: 256, wantH: 128,
		},
		{
			name: "writes a WebP thumbnail as PNG under the same key", key: "uploads/gradient.webp",
			data:    readTestdata(t, "gradient-320x200.webp"),
			wantKey: "thumbnails/gradient.webp", wantContentType: "image/png", wantFormat: "png", wantW: 256, wantH: 160,
		},
		{
			name: "keeps a small GIF at its size", key: "uploads/small.gif", data: makeGIF(t, 64, 32),
			wantKey: "thumbnails/small.gif", wantContentType: "image/gif", wantFormat: "gif", wantW: 64, wantH: 32,
		},
		{
			name: "re-encodes a JPEG that already fits at its size", key: "uploads/icon.jpg", data: makeJPEG(t, 256, 100),
			wantKey: "thumbnails/icon.jpg", wantContentType: "image/jpeg", wantFormat: "jpeg", wantW: 256, wantH: 100,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeS3()
			fake.put(testBucket, tt.key, "", tt.data)
			h, _ := testHandler(t, ActionThumbnail, fake)

			res, err := runRecord(t, h, tt.key)

			if err != nil || res != wrote(tt.wantKey) {
				t.Fatalf("result = %+v, %v; want output %s", res, err, tt.wantKey)
			}
			out, _ := fake.object(testBucket, tt.wantKey)
			if out.contentType != tt.wantContentType {
				t.Errorf("content type = %q, want %q", out.contentType, tt.wantContentType)
			}
			img, format, err := image.Decode(bytes.NewReader(out.data))
			if err != nil {
				t.Fatalf("decode thumbnail: %v", err)
			}
			if b := img.Bounds(); format != tt.wantFormat || b.Dx() != tt.wantW || b.Dy() != tt.wantH {
				t.Errorf("thumbnail is %s %dx%d, want %s %dx%d", format, b.Dx(), b.Dy(), tt.wantFormat, tt.wantW, tt.wantH)
			}
			// Every source has red at its left edge: scaling must keep
			// the picture, not just the size.
			if c := img.At(2, img.Bounds().Dy()/4); !isNear(c, red) {
				t.Errorf("pixel near the top left = %v, want near %v", c, red)
			}
		})
	}
}

func TestThumbnail_keepsTheGIFPalette(t *testing.T) {
	fake := newFakeS3()
	fake.put(testBucket, "uploads/anim.gif", "", makeGIF(t, 512, 256))
	h, _ := testHandler(t, ActionThumbnail, fake)

	if _, err := runRecord(t, h, "uploads/anim.gif"); err != nil {
		t.Fatal(err)
	}

	out, _ := fake.object(testBucket, "thumbnails/anim.gif")
	g, err := gif.DecodeAll(bytes.NewReader(out.data))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 1 {
		t.Errorf("thumbnail has %d frames, want the first only", len(g.Image))
	}
	for _, c := range g.Image[0].Palette {
		if !slices.Contains(testGIFPalette, c) {
			t.Errorf("thumbnail palette has %v, which is not in the source palette", c)
		}
	}
}

func TestThumbnail_refusesOrSkips(t *testing.T) {
	png := makeNoisePNG(t, 40, 40) // about 5 KB
	jpg := makeJPEG(t, 300, 200)
	tests := []struct {
		name       string
		data       []byte
		omitLength bool
		limits     Limits
		wantReason string // skipped with this reason
		wantErr    string // or failed with this error
		wantAs     any    // and this typed error
	}{
		{
			name:       "skips an object that is not an image",
			data:       []byte("%PDF-1.7\n"),
			wantReason: "not an image",
		},
		{
			name:       "skips an empty object",
			data:       []byte{},
			wantReason: "not an image",
		},
		{
			name:    "refuses a decompression bomb from its header",
			data:    pngHeader(100000, 100000),
			wantErr: "refuse s3://" + testBucket + "/uploads/x.png: image is 100000x100000 pixels, over the limit of 16384 per side and 40000000 in total",
			wantAs:  new(*DimensionsError),
		},
		{
			name:    "refuses an image with one side over the limit",
			data:    pngHeader(20000, 10),
			wantErr: "refuse s3://" + testBucket + "/uploads/x.png: image is 20000x10 pixels, over the limit of 16384 per side and 40000000 in total",
			wantAs:  new(*DimensionsError),
		},
		{
			name:    "refuses an object larger than the limit from its length",
			data:    png,
			limits:  Limits{MaxObjectBytes: 1000},
			wantErr: "refuse s3://" + testBucket + "/uploads/x.png: object is larger than the limit of 1000 bytes",
			wantAs:  new(*SizeError),
		},
		{
			name:       "refuses an object larger than the limit while reading it",
			data:       png,
			omitLength: true,
			limits:     Limits{MaxObjectBytes: 1000},
			wantErr:    "refuse s3://" + testBucket + "/uploads/x.png: object is larger than the limit of 1000 bytes",
			wantAs:     new(*SizeError),
		},
		{
			name:    "fails a corrupt image",
			data:    append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0xAB}, 64)...),
			wantErr: "decode image header of s3://" + testBucket + "/uploads/x.png: png: invalid format: Bad chunk length: 2880154539",
		},
		{
			name:    "fails a truncated image",
			data:    jpg[:len(jpg)/2],
			wantErr: "decode image s3://" + testBucket + "/uploads/x.png: invalid JPEG format: short Huffman data",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeS3()
			fake.omitLength = tt.omitLength
			fake.put(testBucket, "uploads/x.png", "", tt.data)
			h, _ := testHandler(t, ActionThumbnail, fake, func(o *Options) { o.Limits = tt.limits })

			res, err := runRecord(t, h, "uploads/x.png")

			if tt.wantErr == "" {
				if err != nil || res != skipped(tt.wantReason) {
					t.Fatalf("result = %+v, %v; want skipped: %s", res, err, tt.wantReason)
				}
			} else {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if tt.wantAs != nil && !errors.As(err, tt.wantAs) {
					t.Errorf("error %v is not a %T", err, tt.wantAs)
				}
			}
			if keys := fake.putKeys(); len(keys) != 0 {
				t.Errorf("wrote %q, want nothing", keys)
			}
		})
	}
}

func TestThumbnail_isDeterministic(t *testing.T) {
	sources := map[string][]byte{
		"uploads/a.jpg":  makeJPEG(t, 640, 480),
		"uploads/b.png":  makePNG(t, 300, 700),
		"uploads/c.gif":  makeGIF(t, 400, 400),
		"uploads/d.webp": readTestdata(t, "gradient-320x200.webp"),
	}
	for key, data := range sources {
		t.Run(key, func(t *testing.T) {
			var outs [][]byte
			for range 2 {
				fake := newFakeS3()
				fake.put(testBucket, key, "", data)
				h, _ := testHandler(t, ActionThumbnail, fake)
				res, err := runRecord(t, h, key)
				if err != nil {
					t.Fatal(err)
				}
				out, _ := fake.object(testBucket, res.output)
				outs = append(outs, out.data)
			}
			if !bytes.Equal(outs[0], outs[1]) {
				t.Error("two runs wrote different bytes")
			}
		})
	}
}

func TestFitSize(t *testing.T) {
	tests := []struct {
		name         string
		w, h         int
		wantW, wantH int
	}{
		{"keeps an image inside the box", 100, 50, 100, 50},
		{"keeps an image exactly the box size", 256, 256, 256, 256},
		{"never upscales a tiny image", 1, 1, 1, 1},
		{"fits a square", 1024, 1024, 256, 256},
		{"fits a landscape image by width", 600, 400, 256, 171},
		{"fits a portrait image by height", 100, 300, 85, 256},
		{"keeps at least one pixel of a thin strip", 16384, 1, 256, 1},
		{"keeps at least one pixel of a tall strip", 1, 16384, 1, 256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, h := fitSize(tt.w, tt.h, ThumbnailSize)
			if w != tt.wantW || h != tt.wantH {
				t.Errorf("fitSize(%d, %d) = %d, %d; want %d, %d", tt.w, tt.h, w, h, tt.wantW, tt.wantH)
			}
		})
	}
}

func TestCapReader(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		max     int64
		wantErr bool
	}{
		{"reads an object smaller than the limit", 10, 11, false},
		{"reads an object exactly at the limit", 11, 11, false},
		{"fails an object one byte over the limit", 12, 11, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bytes.Buffer
			_, err := got.ReadFrom(newCapReader(strings.NewReader(strings.Repeat("x", tt.size)), tt.max))
			var sizeErr *SizeError
			if tt.wantErr != errors.As(err, &sizeErr) {
				t.Fatalf("error = %v, want SizeError: %v", err, tt.wantErr)
			}
			if !tt.wantErr && (err != nil || got.Len() != tt.size) {
				t.Errorf("read %d bytes, %v; want %d", got.Len(), err, tt.size)
			}
		})
	}
}
