package uploadcmd

import (
	"fmt"
	"strings"
	"time"
)

// A record is the outcome of one source: the -o json line, and the text
// line. The JSON names are a contract for scripts.
type record struct {
	File        string `json:"file"` // the local path, or "-"
	Bucket      string `json:"bucket"`
	Key         string `json:"key"`
	Size        int64  `json:"size"`
	ETag        string `json:"etag,omitempty"`
	VersionID   string `json:"versionId,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Multipart   bool   `json:"multipart,omitempty"`
	// UploadMs is how long the upload took.
	UploadMs int64 `json:"uploadMs"`

	// With --wait: the outputs found, the catalog entry's description of the
	// object, the pipeline's latency (ProcessedTime − EventTime of the
	// entry) and the wall time from the start of the upload to reading the
	// entry.
	Outputs   *outputs `json:"outputs,omitempty"`
	Catalog   *catalog `json:"catalog,omitempty"`
	LatencyMs *float64 `json:"latencyMs,omitempty"`
	WallMs    *int64   `json:"wallMs,omitempty"`

	// Error says why the upload failed (then nothing was stored at Key) or
	// why --wait found no complete result.
	Error string `json:"error,omitempty"`

	uploaded bool // the object is stored at Key
	returned bool // the command returns Error: no need to print it as well
}

// outputs are the keys the pipeline wrote for one upload.
type outputs struct {
	Catalog   string `json:"catalog,omitempty"`
	Thumbnail string `json:"thumbnail,omitempty"`
}

// catalog is the part of the catalog entry the result shows.
type catalog struct {
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
}

// newRecord describes src uploaded as up (zero when the upload failed).
func newRecord(bucket string, src source, key string, up uploaded) record {
	rec := record{File: src.Path, Bucket: bucket, Key: key, Size: src.Size, ETag: up.ETag, VersionID: up.VersionID,
		ContentType: up.ContentType, Multipart: up.Multipart}
	if !up.End.IsZero() {
		rec.Size, rec.uploaded = up.Size, true
		rec.UploadMs = up.End.Sub(up.Start).Milliseconds()
	}
	return rec
}

// addResult adds what --wait found; res may be partial when the wait failed.
func (r *record) addResult(up uploaded, res result) {
	if res.Seen.IsZero() {
		return
	}
	e := res.Entry
	r.Outputs = &outputs{Catalog: res.CatalogKey, Thumbnail: res.ThumbnailKey}
	r.Catalog = &catalog{ContentType: e.ContentType, Size: e.Size, Width: e.Width, Height: e.Height}
	latency := float64(res.Latency().Microseconds()) / 1000
	wall := res.Seen.Sub(up.Start).Milliseconds()
	r.LatencyMs, r.WallMs = &latency, &wall
}

// text is the record as one line for people:
//
//	uploads/cat.jpg  6.2 KiB  image/jpeg  → catalog 640×480 image/jpeg, thumbnail thumbnails/cat.jpg, latency 12ms (wall 85ms)
func (r record) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s  %s", r.Key, humanBytes(r.Size), r.ContentType)
	if r.Catalog != nil {
		c := r.Catalog
		b.WriteString("  → catalog ")
		if c.Width > 0 {
			fmt.Fprintf(&b, "%d×%d ", c.Width, c.Height)
		}
		fmt.Fprintf(&b, "%s %s", c.ContentType, humanBytes(c.Size))
		if r.Outputs.Thumbnail != "" {
			fmt.Fprintf(&b, ", thumbnail %s", r.Outputs.Thumbnail)
		}
		fmt.Fprintf(&b, ", latency %s (wall %s)", ms(*r.LatencyMs), ms(float64(*r.WallMs)))
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "  ✗ %s", r.Error)
	}
	return b.String()
}

// ms formats a number of milliseconds: 0.42ms, 12ms, 1.25s.
func ms(v float64) string {
	switch {
	case v < 1:
		return fmt.Sprintf("%.2fms", v)
	case v < 1000:
		return fmt.Sprintf("%.0fms", v)
	default:
		return (time.Duration(v * float64(time.Millisecond))).Round(10 * time.Millisecond).String()
	}
}
