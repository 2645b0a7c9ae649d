package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

func TestStateSurvivesARestartOnDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessConfig{dataDir: dir, st: st})
	h.createBucket("keep")
	setVersioning(t, h, "keep", types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(h.put("keep", "k", []byte("one")).VersionId)
	h.put("keep", "k", []byte("two"))
	h.put("keep", "other", bytes.Repeat([]byte("x"), 100_000))
	if _, err := h.client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("keep"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}}}); err != nil {
		t.Fatal(err)
	}
	up, err := h.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("keep"), Key: aws.String("mpu")})
	if err != nil {
		t.Fatal(err)
	}
	uploadParts(t, h, "keep", "mpu", aws.ToString(up.UploadId), [][]byte{[]byte("part one")})
	h.srv.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// A crash between writing a body and committing its metadata leaves
	// an unreferenced file; the next start removes it.
	orphan := filepath.Join(dir, "s3", "blobs", "ab", "ab"+"000000000000000000000000000000")
	orphanPack := filepath.Join(dir, "s3", "blobs", "packs", "cd"+"000000000000000000000000000000")
	for _, p := range []string{orphan, orphanPack} {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil { // fan-out directories are made on first use
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("leftover"), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	st2, err := store.Open(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	h2 := newHarness(t, harnessConfig{dataDir: dir, st: st2})
	if got := h2.get("keep", "k"); string(got) != "two" {
		t.Errorf("latest after restart = %q, want two", got)
	}
	out, err := h2.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("keep"), Key: aws.String("k"), VersionId: aws.String(v1)})
	if err != nil {
		t.Fatalf("old version after restart: %v", err)
	}
	out.Body.Close()
	if got := h2.get("keep", "other"); len(got) != 100_000 {
		t.Errorf("other = %d bytes after restart", len(got))
	}
	tags, err := h2.client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("keep")})
	if err != nil || len(tags.TagSet) != 1 {
		t.Errorf("tags after restart = %+v, %v", tags, err)
	}
	parts, err := h2.client.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("keep"), Key: aws.String("mpu"), UploadId: up.UploadId})
	if err != nil || len(parts.Parts) != 1 {
		t.Errorf("parts after restart = %+v, %v", parts, err)
	}
	for _, p := range []string{orphan, orphanPack} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("orphan %s still there: %v", p, err)
		}
	}
	put := h2.put("keep", "k", []byte("three"))
	if aws.ToString(put.VersionId) == v1 {
		t.Error("a version ID was reused after restart")
	}
}

func TestOverwrittenBodiesAreRemoved(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	h := newHarness(t, harnessConfig{dataDir: dir})
	h.svc.blobs.(*diskBlobs).packLimit = 4 << 10 // a new pack every four 1 KiB bodies
	h.createBucket("sweep")
	large := bytes.Repeat([]byte("L"), packThreshold+1)
	for i := 0; i < 5; i++ {
		h.put("sweep", "large", large)
		h.put("sweep", "small", bytes.Repeat([]byte{byte(i)}, 1<<10))
	}
	if n := countFiles(t, dir, "[0-9a-f][0-9a-f]"); n != 1 {
		t.Errorf("%d blob files after 5 overwrites, want 1", n)
	}
	if n := countFiles(t, dir, "packs"); n > 2 {
		t.Errorf("%d pack files after 5 overwrites of one small object, want the active one and at most one sealed", n)
	}
	for _, key := range []string{"large", "small"} {
		if _, err := h.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("sweep"), Key: aws.String(key)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := countFiles(t, dir, "[0-9a-f][0-9a-f]"); n != 0 {
		t.Errorf("%d blob files after delete, want 0", n)
	}
	if n := countFiles(t, dir, "packs"); n > 1 {
		t.Errorf("%d pack files after delete, want only the active one", n)
	}
}

func countFiles(t *testing.T, dir, sub string) int {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "s3", "blobs", sub, "*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(matches)
}

func TestObjectCreatedHookRunsInTheObjectsTransaction(t *testing.T) {
	ctx := context.Background()
	var (
		mu     sync.Mutex
		events []ObjectEvent
	)
	fail := false
	h := newHarness(t, harnessConfig{opts: Options{OnObjectEvent: func(tx *store.Tx, ev ObjectEvent) error {
		if fail {
			return errors.New("outbox full")
		}
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
		return tx.Put("test.outbox", ev.Sequencer, []byte(ev.Key))
	}}})
	h.createBucket("events")
	h.put("events", "uploads/a.jpg", []byte("jpeg"))
	if _, err := h.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("events"), Key: aws.String("uploads/b.jpg"), CopySource: aws.String("events/uploads/a.jpg")}); err != nil {
		t.Fatal(err)
	}
	up, _ := h.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("events"), Key: aws.String("uploads/c.bin")})
	done := uploadParts(t, h, "events", "uploads/c.bin", aws.ToString(up.UploadId), [][]byte{[]byte("c")})
	if _, err := h.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("events"), Key: aws.String("uploads/c.bin"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}}); err != nil {
		t.Fatal(err)
	}
	want := []string{EventPut, EventCopy, EventComplete}
	if len(events) != len(want) {
		t.Fatalf("events = %+v, want %v", events, want)
	}
	for i, ev := range events {
		if ev.EventName != want[i] || ev.Bucket != "events" || ev.Size != 4 && ev.Size != 1 || ev.ETag == "" || ev.Region != "us-east-1" {
			t.Errorf("event %d = %+v, want %s", i, ev, want[i])
		}
		if i > 0 && ev.Sequencer <= events[i-1].Sequencer {
			t.Errorf("sequencer %s not after %s", ev.Sequencer, events[i-1].Sequencer)
		}
	}
	var outbox int
	h.env.Store.View(func(tx *store.Tx) error {
		return tx.Scan("test.outbox", "", func(string, []byte) error { outbox++; return nil })
	})
	if outbox != 3 {
		t.Errorf("outbox rows = %d, want 3", outbox)
	}

	fail = true
	_, err := h.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("events"), Key: aws.String("uploads/lost"), Body: bytes.NewReader([]byte("x"))})
	wantCode(t, err, "InternalError")
	_, err = h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("events"), Key: aws.String("uploads/lost")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("object whose event failed: %v, want NotFound", err)
	}
}

func TestOverwritingAnUnversionedKeyLeavesOneRecordOfTheNewObject(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.createBucket("bkt")
	h.put("bkt", "k", []byte("one"))
	h.put("bkt", "k", []byte("two"))
	var recs []*objectVersion
	if err := h.env.Store.View(func(tx *store.Tx) error {
		return tx.Scan(tableObject, "bkt/", func(_ string, val []byte) error {
			v, err := decodeObject(val)
			recs = append(recs, v)
			return err
		})
	}); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Key != "k" || recs[0].Size != 3 || recs[0].ETag != `"`+md5Hex("two")+`"` {
		t.Fatalf("records = %+v, want the one of the second PUT", recs)
	}
	b, _ := h.svc.bucket("bkt")
	if b.keys.set.Len() != 1 || len(b.objects["k"]) != 1 {
		t.Errorf("index: keys %q, %d versions of k; want one key with one version", b.keys.set.Keys(), len(b.objects["k"]))
	}
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
