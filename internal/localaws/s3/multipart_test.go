package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// uploadParts uploads each of parts and returns the completed-part list.
func uploadParts(t *testing.T, h *harness, bucket, key, uploadID string, parts [][]byte) []types.CompletedPart {
	t.Helper()
	var done []types.CompletedPart
	for i, p := range parts {
		out, err := h.client.UploadPart(context.Background(), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key),
			UploadId: aws.String(uploadID), PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatalf("upload part %d: %v", i+1, err)
		}
		done = append(done, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
	}
	return done
}

func multipartETagOf(parts [][]byte) string {
	var sums []byte
	for _, p := range parts {
		s := md5.Sum(p)
		sums = append(sums, s[:]...)
	}
	s := md5.Sum(sums)
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(s[:]), len(parts))
}

func TestMultipartUpload(t *testing.T) {
	for name, cfg := range map[string]harnessConfig{
		"over HTTP in memory":              {},
		"over HTTPS (aws-chunked) on disk": {tls: true, dataDir: t.TempDir()},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, cfg)
			h.createBucket("mpu")
			parts := [][]byte{bytes.Repeat([]byte{'a'}, 5<<20), bytes.Repeat([]byte{'b'}, 5<<20), []byte("tail")}
			up, err := h.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("big"),
				ContentType: aws.String("application/x-big"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
			if err != nil {
				t.Fatal(err)
			}
			done := uploadParts(t, h, "mpu", "big", aws.ToString(up.UploadId), parts)

			listed, err := h.client.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("big"), UploadId: up.UploadId, MaxParts: aws.Int32(2)})
			if err != nil {
				t.Fatal(err)
			}
			if len(listed.Parts) != 2 || !aws.ToBool(listed.IsTruncated) || aws.ToString(listed.NextPartNumberMarker) != "2" {
				t.Errorf("ListParts = %d parts truncated %v next %s", len(listed.Parts), aws.ToBool(listed.IsTruncated), aws.ToString(listed.NextPartNumberMarker))
			}
			uploads, err := h.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mpu")})
			if err != nil || len(uploads.Uploads) != 1 {
				t.Fatalf("ListMultipartUploads = %+v, %v", uploads, err)
			}

			out, err := h.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("big"),
				UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.ETag) != multipartETagOf(parts) {
				t.Errorf("ETag = %s, want %s", aws.ToString(out.ETag), multipartETagOf(parts))
			}
			get, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big"), ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(get.Body)
			get.Body.Close()
			if err != nil || !bytes.Equal(got, bytes.Join(parts, nil)) {
				t.Fatalf("GET = %d bytes, %v", len(got), err)
			}
			if aws.ToString(get.ContentType) != "application/x-big" {
				t.Errorf("Content-Type = %s", aws.ToString(get.ContentType))
			}
			rng, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big"), Range: aws.String(fmt.Sprintf("bytes=%d-%d", 5<<20-2, 5<<20+1))})
			if err != nil {
				t.Fatal(err)
			}
			got, _ = io.ReadAll(rng.Body)
			rng.Body.Close()
			if string(got) != "aabb" {
				t.Errorf("range across parts = %q, want aabb", got)
			}
			part2, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big"), PartNumber: aws.Int32(2)})
			if err != nil {
				t.Fatal(err)
			}
			got, _ = io.ReadAll(part2.Body)
			part2.Body.Close()
			if !bytes.Equal(got, parts[1]) || aws.ToInt32(part2.PartsCount) != 3 {
				t.Errorf("part 2 = %d bytes of %q, parts count %d; want part 2 of 3", len(got), got[:1], aws.ToInt32(part2.PartsCount))
			}
			_, err = h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big"), PartNumber: aws.Int32(4)})
			wantCode(t, err, "InvalidPartNumber")
			_, err = h.client.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("big"), UploadId: up.UploadId})
			wantCode(t, err, "NoSuchUpload")
		})
	}
}

func TestCompleteMultipartUploadRejects(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("mpu")
	start := func(parts [][]byte) (string, []types.CompletedPart) {
		up, err := h.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(up.UploadId), uploadParts(t, h, "mpu", "k", aws.ToString(up.UploadId), parts)
	}
	complete := func(id string, parts []types.CompletedPart) error {
		_, err := h.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k"),
			UploadId: aws.String(id), MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		return err
	}
	t.Run("a small part before the last is EntityTooSmall", func(t *testing.T) {
		id, done := start([][]byte{[]byte("small"), []byte("last")})
		wantCode(t, complete(id, done), "EntityTooSmall")
	})
	t.Run("parts out of order are InvalidPartOrder", func(t *testing.T) {
		id, done := start([][]byte{[]byte("one"), []byte("two")})
		done[0], done[1] = done[1], done[0]
		wantCode(t, complete(id, done), "InvalidPartOrder")
	})
	t.Run("a wrong ETag is InvalidPart", func(t *testing.T) {
		id, done := start([][]byte{[]byte("one")})
		done[0].ETag = aws.String(`"00000000000000000000000000000000"`)
		wantCode(t, complete(id, done), "InvalidPart")
	})
	t.Run("a part never uploaded is InvalidPart", func(t *testing.T) {
		id, done := start([][]byte{[]byte("one")})
		done = append(done, types.CompletedPart{PartNumber: aws.Int32(7), ETag: done[0].ETag})
		wantCode(t, complete(id, done), "InvalidPart")
	})
	t.Run("a part number over 10000 is InvalidArgument", func(t *testing.T) {
		id, _ := start(nil)
		_, err := h.client.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("mpu"), Key: aws.String("k"), UploadId: aws.String(id),
			PartNumber: aws.Int32(10001), Body: bytes.NewReader([]byte("x"))})
		wantCode(t, err, "InvalidArgument")
	})
	t.Run("an aborted upload is NoSuchUpload", func(t *testing.T) {
		id, done := start([][]byte{[]byte("one")})
		if _, err := h.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k"), UploadId: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, complete(id, done), "NoSuchUpload")
		var nsu *types.NoSuchUpload
		_, err := h.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("k"), UploadId: aws.String(id)})
		if !errors.As(err, &nsu) {
			t.Errorf("second abort: %v, want *types.NoSuchUpload", err)
		}
	})
	t.Run("an empty part list is MalformedXML", func(t *testing.T) {
		id, _ := start([][]byte{[]byte("one")})
		resp := h.raw("POST", "/mpu/k?uploadId="+id, []byte("<CompleteMultipartUpload></CompleteMultipartUpload>"), nil)
		wantStatus(t, resp, 400, "MalformedXML")
	})
}

func TestUploadPartCopy(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("mpu")
	src := bytes.Repeat([]byte("0123456789"), 600_000) // 6,000,000 bytes
	h.put("mpu", "src", src)
	up, err := h.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("dst")})
	if err != nil {
		t.Fatal(err)
	}
	var done []types.CompletedPart
	for i, rng := range []string{"bytes=0-5242879", "bytes=5242880-5999999"} {
		out, err := h.client.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("mpu"), Key: aws.String("dst"), UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), CopySource: aws.String("mpu/src"), CopySourceRange: aws.String(rng)})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.CopyPartResult.ETag})
	}
	_, err = h.client.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("mpu"), Key: aws.String("dst"), UploadId: up.UploadId,
		PartNumber: aws.Int32(3), CopySource: aws.String("mpu/src"), CopySourceRange: aws.String("bytes=0-6000000")})
	wantCode(t, err, "InvalidArgument")
	if _, err := h.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("dst"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}}); err != nil {
		t.Fatal(err)
	}
	if got := h.get("mpu", "dst"); !bytes.Equal(got, src) {
		t.Errorf("copied object differs (%d bytes)", len(got))
	}
}

func TestListMultipartUploadsPaginates(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, harnessConfig{})
	h.createBucket("mpu")
	want := []string{"a/1", "a/2", "b", "c"}
	for _, k := range append(want, "a/1") { // two uploads of a/1
		if _, err := h.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String(k)}); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	in := &s3.ListMultipartUploadsInput{Bucket: aws.String("mpu"), MaxUploads: aws.Int32(2)}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("ListMultipartUploads never stops")
		}
		out, err := h.client.ListMultipartUploads(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Uploads {
			keys = append(keys, aws.ToString(u.Key))
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
	if fmt.Sprint(keys) != fmt.Sprint([]string{"a/1", "a/1", "a/2", "b", "c"}) {
		t.Errorf("uploads listed = %v", keys)
	}
	grouped, err := h.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("mpu"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(grouped.CommonPrefixes) != 1 || aws.ToString(grouped.CommonPrefixes[0].Prefix) != "a/" || len(grouped.Uploads) != 2 {
		t.Errorf("grouped = %d prefixes %d uploads", len(grouped.CommonPrefixes), len(grouped.Uploads))
	}
}
