// Package e2e drives edasctl as a user does — the CLI's Main with real
// arguments — against the local AWS running in-process, through the real
// SDK, the real handler built for this host, and real child processes.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/handler"
)

func TestUpUploadStatusDown(t *testing.T) {
	e := newEnv(t)
	var up report
	e.runJSON(&up, "up")
	if n := outcomes(up); n["created"] == 0 || n["failed"] != 0 {
		t.Fatalf("first up outcomes %v", n)
	}
	bucket := ""
	for _, r := range up.Resources {
		if r.Kind == "bucket" {
			bucket = r.Name
		}
	}
	if bucket != "edas-000000000000-us-east-1" {
		t.Fatalf("bucket = %q", bucket)
	}

	ctx := context.Background()
	if _, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("uploads/cat photo.jpg"), Body: bytes.NewReader(jpegBytes(t, 640, 480))}); err != nil {
		t.Fatal(err)
	}
	thumb := e.waitObject(bucket, "thumbnails/cat photo.jpg", 30*time.Second)
	cfg, _, err := image.DecodeConfig(bytes.NewReader(thumb))
	if err != nil || cfg.Width != 256 || cfg.Height != 192 {
		t.Fatalf("thumbnail %dx%d (%v), want 256x192", cfg.Width, cfg.Height, err)
	}
	var entry handler.CatalogEntry
	if err := json.Unmarshal(e.waitObject(bucket, "catalog/cat photo.jpg.json", 30*time.Second), &entry); err != nil {
		t.Fatal(err)
	}
	if entry.Key != "uploads/cat photo.jpg" || entry.Width != 640 || entry.ContentType != "image/jpeg" {
		t.Fatalf("catalog entry = %+v", entry)
	}

	var status report
	e.runJSON(&status, "status")
	if !status.Healthy {
		t.Fatalf("status after up is not healthy: %+v", status.Resources)
	}
	// The upload's outputs exist, so the S3 test event went through before it.
	if !status.Notifications.Armed {
		t.Fatal("status does not report the notifications armed after outputs appeared")
	}

	var again report
	e.runJSON(&again, "up")
	if n := outcomes(again); n["unchanged"] != len(again.Resources) {
		t.Fatalf("second up outcomes %v, want all unchanged", n)
	}

	var down report
	e.runJSON(&down, "down", "--yes")
	if n := outcomes(down); n["deleted"] == 0 || n["failed"] != 0 {
		t.Fatalf("down outcomes %v", n)
	}
	var down2 report
	e.runJSON(&down2, "down", "--yes")
	if n := outcomes(down2); n["absent"] != len(down2.Resources) {
		t.Fatalf("second down outcomes %v, want all absent", n)
	}
}
