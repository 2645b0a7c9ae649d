package benchcmd

import (
	"strings"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/iostreams"
)

func TestWriteTextShowsEveryFigure(t *testing.T) {
	p90 := 8.14
	rep := &Report{RunID: "20261128T213700-3fa2c1", Objects: 1000, SizeBytes: 1024, Concurrency: 8, Local: true,
		Processed: 1000, Uploaded: 1000, DurationMs: 810.2, Throughput: 1234.5,
		Latency: Percentiles{P50: 4.21, P90: &p90, P99: 15.04, Max: 122.6}, Upload: Percentiles{P50: 0.412, P99: 4}, LogRecords: 1000}
	var b strings.Builder
	if err := writeText(&b, rep); err != nil {
		t.Fatal(err)
	}
	want := `run          20261128T213700-3fa2c1: 1000 × 1KiB, concurrency 8, local AWS
throughput   1234.5 objects/s (1000 processed in 810ms)
end-to-end   p50 4.2ms  p90 8.1ms  p99 15ms  max 123ms
upload       p50 0.412ms  p99 4ms
lost         0
duplicated   0 (1000 log records)
mismatched   0
`
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteTextNamesLostAndMismatchedKeysAndWhereTheyAreKept(t *testing.T) {
	rep := &Report{RunID: "r", Objects: 12, SizeBytes: 10, Concurrency: 1, Bucket: "b", Prefix: "uploads/bench/r/",
		Uploaded: 12, Processed: 1, Lost: 11, LostKeys: []string{"uploads/bench/r/0.bin", "uploads/bench/r/1.bin"},
		Mismatched: 1, MismatchedKeys: []string{"uploads/bench/r/2.bin"}, Kept: true}
	var b strings.Builder
	if err := writeText(&b, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"run          r: 12 × 10B, concurrency 1, AWS\n",
		"lost         11 (uploads/bench/r/0.bin, uploads/bench/r/1.bin, …)\n",
		"mismatched   1 (uploads/bench/r/2.bin)\n",
		"kept         s3://b/uploads/bench/r/\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}

func TestProgress(t *testing.T) {
	start := time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		tty  bool
		ci   bool
		want string
	}{
		{name: "a terminal redraws one line in place and ends it with the final counts", tty: true,
			want: "\r\x1b[2Kuploaded 5/10  processed 0/10  100ms" +
				"\r\x1b[2Kuploaded 10/10  processed 4/10  200ms" +
				"\r\x1b[2Kuploaded 10/10  processed 4/10  300ms" +
				"\r\x1b[2Kuploaded 10/10  processed 10/10  3s\n"},
		{name: "a pipe gets a plain line at most every 2s, when the counts changed, and the final counts", tty: false,
			want: "uploaded 5/10  processed 0/10  100ms\nuploaded 10/10  processed 10/10  3s\n"},
		{name: "CI gets plain lines on a terminal too", tty: true, ci: true,
			want: "uploaded 5/10  processed 0/10  100ms\nuploaded 10/10  processed 10/10  3s\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, stderr := iostreams.Test()
			ios.SetTTY(false, tc.tty)
			p := newProgress(ios, tc.ci, 10, start)
			p.update(5, 0, start.Add(100*time.Millisecond))
			p.update(10, 4, start.Add(200*time.Millisecond)) // within 2s of the last plain line
			p.update(10, 4, start.Add(300*time.Millisecond))
			p.finish(10, 10, start.Add(3*time.Second))
			if got := stderr.String(); got != tc.want {
				t.Fatalf("stderr:\n%q\nwant:\n%q", got, tc.want)
			}
		})
	}
}

func TestProgressDoesNotRepeatTheFinalLine(t *testing.T) {
	ios, _, _, stderr := iostreams.Test()
	start := time.Now()
	p := newProgress(ios, false, 2, start)
	p.update(2, 2, start.Add(time.Second))
	p.finish(2, 2, start.Add(2*time.Second))
	if got, want := stderr.String(), "uploaded 2/2  processed 2/2  1s\n"; got != want {
		t.Fatalf("stderr %q, want %q", got, want)
	}
}
