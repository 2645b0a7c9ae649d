package handler

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

const testBucket = "edas-000000000000-us-east-1"

// t0 is the test clock's start.
var t0 = time.Date(2024, 5, 1, 12, 0, 1, 500_000_000, time.UTC)

// fixedClock always returns t.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// stepClock returns t0, then t0+step, t0+2×step, ...
func stepClock(step time.Duration) func() time.Time {
	now := t0.Add(-step)
	return func() time.Time {
		now = now.Add(step)
		return now
	}
}

// testHandler returns a Handler for action over fake, logging into the
// returned buffer.
func testHandler(t *testing.T, action string, fake S3API, opts ...func(*Options)) (*Handler, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	o := Options{
		Config: Config{Action: action, InputPrefix: DefaultInputPrefix},
		S3:     fake,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		Now:    fixedClock(t0),
	}
	for _, opt := range opts {
		opt(&o)
	}
	h, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(h.Close)
	return h, &logs
}

// readTestdata returns the content of testdata/name.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// msg is an SQS message whose body is testdata/file, or body itself when
// file is "".
type msg struct{ id, file, body string }

func sqsEvent(t *testing.T, msgs ...msg) events.SQSEvent {
	t.Helper()
	var ev events.SQSEvent
	for _, m := range msgs {
		body := m.body
		if m.file != "" {
			body = string(readTestdata(t, m.file))
		}
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: m.id, Body: body, EventSource: "aws:sqs"})
	}
	return ev
}

// handle runs h on ev and returns the failed message IDs.
func handle(t *testing.T, h *Handler, ev events.SQSEvent) []string {
	t.Helper()
	resp, err := h.Handle(t.Context(), ev)
	if err != nil {
		t.Fatalf("Handle returned error %v; it must report failures per message", err)
	}
	if resp.BatchItemFailures == nil {
		t.Fatal("BatchItemFailures is nil; want an empty list when nothing failed")
	}
	ids := []string{}
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

// logLines decodes every line of logs strictly into a LogRecord.
func logLines(t *testing.T, logs *bytes.Buffer) []LogRecord {
	t.Helper()
	var out []LogRecord
	for line := range strings.Lines(logs.String()) {
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		var r LogRecord
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("log line %q does not decode into LogRecord: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

// sameElements reports whether a and b hold the same strings, each as
// often, in any order.
func sameElements(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func outcomes(recs []LogRecord) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, r.Outcome)
	}
	return out
}

var (
	red  = color.RGBA{220, 30, 30, 255}
	blue = color.RGBA{30, 30, 220, 255}
)

// twoTone returns a w×h image, red on the left half and blue on the right.
func twoTone(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := red
			if x >= w/2 {
				c = blue
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func makeJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, twoTone(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func makePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, twoTone(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// makeNoisePNG returns a w×h PNG of pseudo-random pixels, which does not
// compress: its size is about 3×w×h bytes.
func makeNoisePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	x := uint32(2463534242)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testGIFPalette is a small palette that excludes most of Plan 9.
var testGIFPalette = color.Palette{color.RGBA{0, 0, 0, 255}, red, blue, color.RGBA{255, 255, 255, 255}}

func makeGIF(t testing.TB, w, h int) []byte {
	t.Helper()
	pm := image.NewPaletted(image.Rect(0, 0, w, h), testGIFPalette)
	for y := range h {
		for x := range w {
			i := uint8(1)
			if x >= w/2 {
				i = 2
			}
			pm.SetColorIndex(x, y, i)
		}
	}
	// Two frames: the thumbnail keeps the first.
	second := image.NewPaletted(pm.Bounds(), palette.Plan9)
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{pm, second}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader returns a PNG signature, a valid IHDR claiming w×h RGBA pixels
// and an IEND: a file of 45 bytes that decodes as a w×h image header.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // bit depth, RGBA, deflate, no filter, no interlace
	writeChunk(&b, "IHDR", ihdr)
	writeChunk(&b, "IEND", nil)
	return b.Bytes()
}

func writeChunk(w io.Writer, typ string, data []byte) {
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(len(data)))
	copy(hdr[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(hdr[4:])
	crc.Write(data)
	w.Write(hdr[:])
	w.Write(data)
	w.Write(binary.BigEndian.AppendUint32(nil, crc.Sum32()))
}

// isNear reports whether c is within 40 of want in every RGB channel.
func isNear(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	near := func(got uint32, want uint8) bool {
		d := int(got>>8) - int(want)
		return d > -40 && d < 40
	}
	return near(r, want.R) && near(g, want.G) && near(b, want.B)
}
