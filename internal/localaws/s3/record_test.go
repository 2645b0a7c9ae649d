package s3

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

func TestObjectRecordRoundTripsEveryField(t *testing.T) {
	for name, v := range map[string]*objectVersion{
		"full": {Key: "dir/ключ", VersionID: "AbC.def_0123456789abcdefghijklmn", Seq: 1 << 40, Size: 5 << 30,
			ETag: `"0123456789abcdef0123456789abcdef-3"`, Modified: time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC),
			Segments: []segment{{Blob: "0123456789abcdef0123456789abcdef", Size: 5 << 20},
				{Blob: "fedcba9876543210fedcba9876543210", Off: 1 << 33, Size: 7, Packed: true}},
			Headers:     map[string]string{"Content-Type": "text/plain", "Cache-Control": "no-cache", "Expires": "x"},
			Meta:        map[string]string{"a": "1", "b": "Ünïcode, with commas"},
			ChecksumAlg: algCRC32C, Checksum: "AAAAAA==-3", ChecksumType: typeComposite, Parts: 3},
		"delete marker": {Key: "k", VersionID: nullVersion, Seq: 7, DeleteMarker: true,
			Modified: time.Date(1969, 12, 31, 23, 59, 59, 5, time.UTC)},
		"empty body": {Key: "e", VersionID: nullVersion, Seq: 1, ETag: `"d41d8cd98f00b204e9800998ecf8427e"`,
			Modified: testEpoch, Headers: map[string]string{"Content-Type": defaultContentType}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := decodeObject(appendObject(nil, v))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, v) {
				t.Errorf("decoded\n%+v\nwant\n%+v", got, v)
			}
		})
	}
}

func TestObjectRecordEncodingIsDeterministic(t *testing.T) {
	v := &objectVersion{Key: "k", VersionID: nullVersion, Modified: testEpoch,
		Headers: map[string]string{"A": "1", "B": "2", "C": "3", "D": "4"}, Meta: map[string]string{"x": "1", "y": "2"}}
	want := string(appendObject(nil, v))
	for range 20 {
		if got := string(appendObject(nil, v)); got != want {
			t.Fatalf("encodings differ:\n%q\n%q", got, want)
		}
	}
}

func TestTruncatedOrPaddedObjectRecordIsRejected(t *testing.T) {
	rec := appendObject(nil, &objectVersion{Key: "k", VersionID: nullVersion, Seq: 3, Size: 2, ETag: `"e"`,
		Modified: testEpoch, Segments: []segment{{Blob: "0123456789abcdef0123456789abcdef", Size: 2, Packed: true}},
		Headers: map[string]string{"Content-Type": "a/b"}, Meta: map[string]string{"m": "v"},
		ChecksumAlg: algCRC64NVME, Checksum: "AAAAAAAAAAA=", ChecksumType: typeFullObject})
	for n := 1; n < len(rec); n++ {
		if _, err := decodeObject(rec[:n]); err == nil {
			t.Errorf("a record cut to %d of %d bytes decoded", n, len(rec))
		}
	}
	if _, err := decodeObject(append(rec, 0)); err == nil {
		t.Error("a record with a trailing byte decoded")
	}
}

// TestObjectsWrittenAsJSONStillLoad opens a store as an earlier version
// left it, with the object records in JSON, and reads the object back.
func TestObjectsWrittenAsJSONStillLoad(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const blob = "0123456789abcdef0123456789abcdef"
	blobDir := filepath.Join(dir, "s3", "blobs", blob[:2])
	if err := os.MkdirAll(blobDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(blobDir, blob), []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Records exactly as the JSON encoding of bucketMeta and objectVersion
	// wrote them.
	rows := map[string]string{
		"old/k/null": `{"k":"k","v":"null","q":5,"s":5,"e":"\"5d41402abc4b2a76b9719d911017c592\"",` +
			`"t":"2026-03-01T12:00:00Z","b":[{"i":"` + blob + `","n":5}],` +
			`"h":{"Content-Type":"text/plain","Cache-Control":"max-age=60"},"m":{"color":"blue"},` +
			`"ca":"CRC32","cv":"NhCmhg==","ct":"FULL_OBJECT"}`,
		"old/gone/null": `{"k":"gone","v":"null","q":6,"d":true,"t":"2026-03-01T12:00:01Z"}`,
	}
	if err := st.Update(func(tx *store.Tx) error {
		if err := tx.Put(tableBucket, "old", []byte(`{"name":"old","region":"us-east-1","created":"2026-03-01T11:00:00Z"}`)); err != nil {
			return err
		}
		for row, rec := range rows {
			if err := tx.Put(tableObject, row, []byte(rec)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	h := newHarness(t, harnessConfig{dataDir: dir, st: st})
	ctx := context.Background()
	out, err := h.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("old"), Key: aws.String("k"),
		ChecksumMode: "ENABLED"})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	if got := h.get("old", "k"); string(got) != "hello" {
		t.Errorf("body = %q, want hello", got)
	}
	if got := aws.ToString(out.ETag); got != `"5d41402abc4b2a76b9719d911017c592"` {
		t.Errorf("ETag = %s", got)
	}
	if got := aws.ToString(out.ContentType); got != "text/plain" {
		t.Errorf("Content-Type = %s", got)
	}
	if got := aws.ToString(out.CacheControl); got != "max-age=60" {
		t.Errorf("Cache-Control = %s", got)
	}
	if got := out.Metadata["color"]; got != "blue" {
		t.Errorf("metadata = %v", out.Metadata)
	}
	if got := aws.ToString(out.ChecksumCRC32); got != "NhCmhg==" {
		t.Errorf("CRC32 = %s", got)
	}
	if got := aws.ToTime(out.LastModified); !got.Equal(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("Last-Modified = %v", got)
	}
	if _, err := h.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("old"), Key: aws.String("gone")}); err == nil {
		t.Error("the key whose latest version is a delete marker is readable")
	}

	// A new version's sequence number continues after the loaded ones.
	h.put("old", "k", []byte("again"))
	b, _ := h.svc.bucket("old")
	if v := b.latest("k"); v.Seq <= 6 {
		t.Errorf("new version's Seq = %d, want > 6", v.Seq)
	}
}
