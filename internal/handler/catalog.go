package handler

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	// Image formats whose dimensions the catalog reports and which the
	// thumbnail action decodes.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/webp"
)

// A CatalogEntry describes one object. The catalog action writes it as JSON
// at [CatalogKey]; other commands read it back (bench computes latency as
// ProcessedTime − EventTime). The JSON names are a contract.
type CatalogEntry struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"` // decoded object key
	Size   int64  `json:"size"`
	// ETag is the object's ETag without quotes.
	ETag string `json:"etag"`
	// VersionID is the version named in the event (versioned buckets only).
	VersionID string `json:"versionId,omitempty"`
	// ContentType is sniffed from the content (http.DetectContentType),
	// and is image/jpeg, image/png, image/gif or image/webp when the image
	// header decodes.
	ContentType string `json:"contentType"`
	// SHA256 is the hex SHA-256 of the content.
	SHA256 string `json:"sha256"`
	// Width and Height come from the image header; zero (omitted) for
	// other content.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// EventTime is the S3 event's time; ProcessedTime when the entry was
	// made. Both are RFC 3339 with nanoseconds, in UTC.
	EventTime     time.Time `json:"eventTime"`
	ProcessedTime time.Time `json:"processedTime"`
}

// sniffLen is how much http.DetectContentType considers.
const sniffLen = 512

// catalog writes the CatalogEntry of obj at catalog/<rel>.json.
func (h *Handler) catalog(ctx context.Context, obj object, rel string) (result, error) {
	entry, err := h.describe(ctx, obj)
	if err != nil {
		return result{}, err
	}
	data, err := json.Marshal(entry)
	if err != nil {
		return result{}, fmt.Errorf("encode catalog entry: %w", err)
	}
	key := catalogKey(rel)
	if err := h.putObject(ctx, obj, key, "application/json", append(data, '\n')); err != nil {
		return result{}, err
	}
	return wrote(key), nil
}

// describe streams obj once through a SHA-256 hasher, sniffing its type and
// image dimensions from the head, without holding it in memory.
func (h *Handler) describe(ctx context.Context, obj object) (CatalogEntry, error) {
	out, err := h.getObject(ctx, obj)
	if err != nil {
		return CatalogEntry{}, err
	}
	defer out.Body.Close()

	hash := sha256.New()
	var size countWriter
	r := headReaders.Get().(*bufio.Reader)
	r.Reset(io.TeeReader(out.Body, io.MultiWriter(hash, &size)))
	defer func() {
		r.Reset(nil) // drop the body
		headReaders.Put(r)
	}()
	head, err := r.Peek(sniffLen)
	if err != nil && !errors.Is(err, io.EOF) {
		return CatalogEntry{}, fmt.Errorf("read object %s: %w", obj, err)
	}
	contentType := http.DetectContentType(head)
	// A header that does not decode only means "not an image" here; the
	// bytes it consumed are still hashed.
	cfg, format, cfgErr := image.DecodeConfig(r)
	if _, err := io.Copy(io.Discard, r); err != nil {
		return CatalogEntry{}, fmt.Errorf("read object %s: %w", obj, err)
	}

	e := CatalogEntry{
		Bucket:        obj.bucket,
		Key:           obj.key,
		Size:          int64(size),
		ETag:          strings.Trim(aws.ToString(out.ETag), `"`),
		VersionID:     obj.versionID,
		ContentType:   contentType,
		SHA256:        hex.EncodeToString(hash.Sum(nil)),
		EventTime:     obj.eventTime.UTC(),
		ProcessedTime: h.now().UTC(),
	}
	if e.ETag == "" {
		e.ETag = obj.etag
	}
	if cfgErr == nil {
		e.ContentType = "image/" + format
		e.Width, e.Height = cfg.Width, cfg.Height
	}
	return e, nil
}

// headReaders holds the *bufio.Reader that describe peeks through, so that
// each record does not allocate a fresh 4 KiB buffer.
var headReaders = sync.Pool{New: func() any { return bufio.NewReader(nil) }}

// countWriter counts the bytes written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
