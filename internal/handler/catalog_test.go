package handler

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// decodeEntry decodes a catalog entry strictly.
func decodeEntry(t *testing.T, data []byte) CatalogEntry {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e CatalogEntry
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("decode catalog entry %s: %v", data, err)
	}
	return e
}

func TestCatalog_describesTheObject(t *testing.T) {
	eventTime := time.Date(2024, 5, 1, 12, 0, 0, 123_000_000, time.UTC)
	jpg, webp := makeJPEG(t, 600, 400), readTestdata(t, "gradient-320x200.webp")
	gifData, pngData := makeGIF(t, 30, 20), makePNG(t, 7, 9)
	text := []byte("hello, catalog\n")
	tests := []struct {
		name string
		key  string
		data []byte
		want CatalogEntry // Bucket, Key, times filled in below
	}{
		{
			name: "describes a JPEG with its dimensions", key: "uploads/cat photo.jpg", data: jpg,
			want: CatalogEntry{Size: int64(len(jpg)), ETag: md5Hex(jpg), ContentType: "image/jpeg", SHA256: sha256Hex(jpg), Width: 600, Height: 400},
		},
		{
			name: "describes a WebP with its dimensions", key: "uploads/写真.webp", data: webp,
			want: CatalogEntry{Size: int64(len(webp)), ETag: md5Hex(webp), ContentType: "image/webp", SHA256: sha256Hex(webp), Width: 320, Height: 200},
		},
		{
			name: "describes a GIF with its dimensions", key: "uploads/a.gif", data: gifData,
			want: CatalogEntry{Size: int64(len(gifData)), ETag: md5Hex(gifData), ContentType: "image/gif", SHA256: sha256Hex(gifData), Width: 30, Height: 20},
		},
		{
			name: "describes a PNG with its dimensions", key: "uploads/a.png", data: pngData,
			want: CatalogEntry{Size: int64(len(pngData)), ETag: md5Hex(pngData), ContentType: "image/png", SHA256: sha256Hex(pngData), Width: 7, Height: 9},
		},
		{
			name: "describes a text file with its sniffed type and no dimensions", key: "uploads/notes.jpg", data: text,
			want: CatalogEntry{Size: int64(len(text)), ETag: md5Hex(text), ContentType: "text/plain; charset=utf-8", SHA256: sha256Hex(text)},
		},
		{
			name: "describes an empty object", key: "uploads/empty", data: []byte{},
			want: CatalogEntry{ETag: md5Hex(nil), ContentType: "text/plain; charset=utf-8", SHA256: sha256Hex(nil)},
		},
		{
			name: "reports a huge image's dimensions without decoding it", key: "uploads/bomb.png", data: pngHeader(100000, 100000),
			want: CatalogEntry{Size: 45, ETag: md5Hex(pngHeader(100000, 100000)), ContentType: "image/png", SHA256: sha256Hex(pngHeader(100000, 100000)), Width: 100000, Height: 100000},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN the object in the bucket
			fake := newFakeS3()
			fake.put(testBucket, tt.key, "", tt.data)
			h, _ := testHandler(t, ActionCatalog, fake)
			rec := putRecord(tt.key)
			rec.EventTime = eventTime

			// WHEN the catalog action runs on it
			res, err := h.handleRecord(t.Context(), objectOf(rec))

			// THEN the entry is written as JSON at the catalog key
			wantKey := CatalogKey(DefaultInputPrefix, tt.key)
			if err != nil || res != wrote(wantKey) {
				t.Fatalf("result = %+v, %v; want output %s", res, err, wantKey)
			}
			out, _ := fake.object(testBucket, wantKey)
			if out.contentType != "application/json" {
				t.Errorf("content type = %q, want application/json", out.contentType)
			}
			want := tt.want
			want.Bucket, want.Key, want.EventTime, want.ProcessedTime = testBucket, tt.key, eventTime, t0
			if got := decodeEntry(t, out.data); got != want {
				t.Errorf("entry:\n got  %+v\n want %+v", got, want)
			}
		})
	}
}

func TestCatalog_writesTheDocumentedJSON(t *testing.T) {
	fake := newFakeS3()
	fake.put(testBucket, "uploads/notes.txt", "", []byte("hi"))
	h, _ := testHandler(t, ActionCatalog, fake, func(o *Options) {
		o.Now = fixedClock(time.Date(2024, 5, 1, 12, 0, 1, 987654321, time.UTC))
	})
	rec := putRecord("uploads/notes.txt")
	rec.EventTime = time.Date(2024, 5, 1, 12, 0, 0, 123_000_000, time.UTC)

	if _, err := h.handleRecord(t.Context(), objectOf(rec)); err != nil {
		t.Fatal(err)
	}

	out, _ := fake.object(testBucket, "catalog/notes.txt.json")
	want := `{"bucket":"edas-000000000000-us-east-1","key":"uploads/notes.txt","size":2,` +
		`"etag":"49f68a5c8493ec2c0bf489821c21fc3b","contentType":"text/plain; charset=utf-8",` +
		`"sha256":"8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4",` +
		`"eventTime":"2024-05-01T12:00:00.123Z","processedTime":"2024-05-01T12:00:01.987654321Z"}` + "\n"
	if string(out.data) != want {
		t.Errorf("entry =\n%s\nwant\n%s", out.data, want)
	}
}

func TestCatalog_readsTheVersionNamedInTheEvent(t *testing.T) {
	// GIVEN a versioned bucket whose current object differs from the
	// version the event names
	const version = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
	old, current := makePNG(t, 4, 4), makePNG(t, 8, 8)
	fake := newFakeS3()
	fake.put(testBucket, "uploads/big.png", version, old)
	fake.put(testBucket, "uploads/big.png", "", current)
	h, _ := testHandler(t, ActionCatalog, fake)

	// WHEN the event is handled
	failures := handle(t, h, sqsEvent(t, msg{id: "m1", file: "s3-multipart-versioned.json"}))

	// THEN the entry describes that version
	if len(failures) != 0 {
		t.Fatalf("failures = %q", failures)
	}
	if len(fake.gets) != 1 || fake.gets[0].VersionID != version {
		t.Errorf("GetObject calls = %+v, want one for version %s", fake.gets, version)
	}
	out, _ := fake.object(testBucket, "catalog/big.png.json")
	e := decodeEntry(t, out.data)
	if e.VersionID != version || e.SHA256 != sha256Hex(old) || e.Width != 4 {
		t.Errorf("entry = %+v, want version %s with the old content", e, version)
	}
}

func TestCatalog_isDeterministicExceptForProcessedTime(t *testing.T) {
	data := makeJPEG(t, 100, 80)
	var entries []CatalogEntry
	for i := range 2 {
		fake := newFakeS3()
		fake.put(testBucket, "uploads/a.jpg", "", data)
		h, _ := testHandler(t, ActionCatalog, fake, func(o *Options) { o.Now = fixedClock(t0.Add(time.Duration(i) * time.Second)) })
		if _, err := runRecord(t, h, "uploads/a.jpg"); err != nil {
			t.Fatal(err)
		}
		out, _ := fake.object(testBucket, "catalog/a.jpg.json")
		entries = append(entries, decodeEntry(t, out.data))
	}
	if entries[0].ProcessedTime.Equal(entries[1].ProcessedTime) {
		t.Error("processedTime did not follow the clock")
	}
	entries[1].ProcessedTime = entries[0].ProcessedTime
	if entries[0] != entries[1] {
		t.Errorf("entries differ beyond processedTime:\n%+v\n%+v", entries[0], entries[1])
	}
}

// patternReader yields n bytes of a repeating pattern without holding them.
type patternReader struct{ n, off int64 }

func (r *patternReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	for i := range p {
		p[i] = byte((r.off + int64(i)) % 251)
	}
	r.n -= int64(len(p))
	r.off += int64(len(p))
	return len(p), nil
}

func TestCatalog_streamsTheObject(t *testing.T) {
	// GIVEN a 32 MiB object that only exists as a stream
	const size = 32 << 20
	want := sha256.New()
	if _, err := io.Copy(want, &patternReader{n: size}); err != nil {
		t.Fatal(err)
	}
	fake := newFakeS3()
	fake.putStream(testBucket, "uploads/big.bin", &patternReader{n: size})
	h, _ := testHandler(t, ActionCatalog, fake)

	// WHEN it is cataloged
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := runRecord(t, h, "uploads/big.bin")
	runtime.ReadMemStats(&after)

	// THEN its hash and size are right and far less than its size was
	// allocated on the way
	if err != nil {
		t.Fatal(err)
	}
	out, _ := fake.object(testBucket, "catalog/big.bin.json")
	e := decodeEntry(t, out.data)
	if e.Size != size || e.SHA256 != hex.EncodeToString(want.Sum(nil)) {
		t.Errorf("entry = %+v, want size %d and the stream's hash", e, size)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("allocated %d bytes for a %d-byte object; it must be streamed", alloc, size)
	}
}

func TestCatalogEntry_omitsDimensionsAndVersionWhenUnknown(t *testing.T) {
	data, err := json.Marshal(CatalogEntry{Bucket: "b", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"width"`, `"height"`, `"versionId"`} {
		if strings.Contains(string(data), field) {
			t.Errorf("%s has %s", data, field)
		}
	}
}
