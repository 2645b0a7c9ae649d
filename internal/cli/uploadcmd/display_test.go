package uploadcmd

import (
	"strings"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/iostreams"
)

// clock is a fake clock the display reads.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

// uploadedRecord is a finished upload of cat.jpg.
func uploadedRecord() record {
	return record{File: "photos/cat.jpg", Bucket: "b", Key: "uploads/cat.jpg", Size: 2 << 20, ETag: "e1", ContentType: "image/jpeg", uploaded: true}
}

// lastFrame is what the live block shows after the last redraw.
func lastFrame(stderr string) string {
	if i := strings.LastIndex(stderr, "\x1b[J"); i >= 0 {
		return stderr[i+len("\x1b[J"):]
	}
	return stderr
}

func TestDisplayOnATerminalDrawsABarPerFileAndOneForTheTotal(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	ios.SetTTY(false, true)
	clk := newClock()
	d := newDisplay(ios, false, false, clk.now)

	d.begin(2, 3<<20)
	d.startFile(0, "photos/cat.jpg", 2<<20)
	d.startFile(1, "a/very/long/directory/name/for/dog.jpg", 1<<20)
	clk.advance(time.Second)
	d.progress(0, 1<<20)

	want := "" +
		"  photos/cat.jpg         ███████░░░░░░░  50% 1.0 MiB/2.0 MiB 1.0 MiB/s ETA 1s\n" +
		"  …tory/name/for/dog.jpg ░░░░░░░░░░░░░░   0% 0 B/1.0 MiB 0 B/s ETA --\n" +
		"  total 0/2 files        ████░░░░░░░░░░  33% 1.0 MiB/3.0 MiB 1.0 MiB/s ETA 2s\n"
	if got := lastFrame(errOut.String()); got != want {
		t.Fatalf("live block\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(errOut.String(), "\x1b[3A\r\x1b[J") {
		t.Fatalf("stderr %q: the block is not redrawn in place", errOut)
	}

	d.uploaded(0, 2<<20)
	d.status(0, "waiting for catalog/cat.jpg.json")
	clk.advance(2 * time.Second)
	d.tick()
	if got := lastFrame(errOut.String()); !strings.HasPrefix(got, "  photos/cat.jpg         waiting for catalog/cat.jpg.json (2s)\n") {
		t.Fatalf("live block while waiting:\n%s", got)
	}

	d.done(0, uploadedRecord())
	if want := "uploads/cat.jpg  2.0 MiB  image/jpeg\n"; out.String() != want {
		t.Fatalf("stdout %q, want %q", out, want)
	}
	d.finish()
	if !strings.HasSuffix(errOut.String(), "\x1b[2A\r\x1b[J") {
		t.Fatalf("stderr ends with %q, want the block cleared", errOut.String()[max(0, errOut.Len()-20):])
	}
}

func TestDisplayCutsLinesToTheTerminalWidth(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	ios.SetTTY(false, true)
	d := newDisplay(ios, false, false, newClock().now)
	d.width = 40
	d.begin(1, 100)
	d.startFile(0, "a.txt", 100)
	want := "" +
		"  a.txt                  ░░░░░░░░░░░░░…\n" +
		"  total 0/1 files        ░░░░░░░░░░░░░…\n"
	if got := lastFrame(errOut.String()); got != want {
		t.Fatalf("live block\n%s\nwant\n%s", got, want)
	}
}

func TestDisplayRedrawsProgressAtMostEveryTenthOfASecond(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	ios.SetTTY(false, true)
	clk := newClock()
	d := newDisplay(ios, false, false, clk.now)
	d.begin(1, 100)
	d.startFile(0, "a", 100)
	before := errOut.Len()
	clk.advance(redrawEvery / 2)
	d.progress(0, 10)
	if errOut.Len() != before {
		t.Fatalf("progress redrew after %s", redrawEvery/2)
	}
	clk.advance(redrawEvery / 2)
	d.progress(0, 20)
	if errOut.Len() == before {
		t.Fatalf("progress did not redraw after %s", redrawEvery)
	}
}

func TestDisplayElsewherePrintsOnlyALinePerFinishedFile(t *testing.T) {
	tests := []struct {
		name       string
		json, ci   bool
		stderrTTY  bool
		wantStdout string
	}{
		{name: "text to a pipe", wantStdout: "uploads/cat.jpg  2.0 MiB  image/jpeg\n"},
		{name: "text on a terminal under CI", ci: true, stderrTTY: true, wantStdout: "uploads/cat.jpg  2.0 MiB  image/jpeg\n"},
		{name: "JSON to a pipe", json: true,
			wantStdout: `{"file":"photos/cat.jpg","bucket":"b","key":"uploads/cat.jpg","size":2097152,"etag":"e1","contentType":"image/jpeg","uploadMs":0}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			ios.SetTTY(false, tt.stderrTTY)
			clk := newClock()
			d := newDisplay(ios, tt.json, tt.ci, clk.now)
			d.begin(2, 3<<20)
			d.startFile(0, "photos/cat.jpg", 2<<20)
			d.startFile(1, "dog.jpg", 1<<20)
			clk.advance(time.Second)
			d.progress(0, 1<<20)
			d.uploaded(0, 2<<20)
			d.done(0, uploadedRecord())
			d.drop(1)
			d.tick()
			d.finish()
			if out.String() != tt.wantStdout {
				t.Fatalf("stdout %q, want %q", out, tt.wantStdout)
			}
			if errOut.Len() != 0 {
				t.Fatalf("stderr %q, want nothing", errOut)
			}
		})
	}
}

func TestRecordTextShowsTheResultAndLatency(t *testing.T) {
	latency, wall := 12.4, int64(85)
	tests := []struct {
		name string
		rec  record
		want string
	}{
		{"an image with its thumbnail",
			record{Key: "uploads/cat.jpg", Size: 6348, ContentType: "image/jpeg",
				Outputs:   &outputs{Catalog: "catalog/cat.jpg.json", Thumbnail: "thumbnails/cat.jpg"},
				Catalog:   &catalog{ContentType: "image/jpeg", Size: 6348, Width: 640, Height: 480},
				LatencyMs: &latency, WallMs: &wall},
			"uploads/cat.jpg  6.2 KiB  image/jpeg  → catalog 640×480 image/jpeg 6.2 KiB, thumbnail thumbnails/cat.jpg, latency 12ms (wall 85ms)"},
		{"a text file",
			record{Key: "uploads/a.txt", Size: 12, ContentType: "text/plain; charset=utf-8",
				Outputs:   &outputs{Catalog: "catalog/a.txt.json"},
				Catalog:   &catalog{ContentType: "text/plain; charset=utf-8", Size: 12},
				LatencyMs: &latency, WallMs: &wall},
			"uploads/a.txt  12 B  text/plain; charset=utf-8  → catalog text/plain; charset=utf-8 12 B, latency 12ms (wall 85ms)"},
		{"a result that did not come",
			record{Key: "uploads/b.txt", Size: 1, ContentType: "text/plain", Error: "catalog/b.txt.json did not appear within 30s"},
			"uploads/b.txt  1 B  text/plain  ✗ catalog/b.txt.json did not appear within 30s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rec.text(); got != tt.want {
				t.Fatalf("text\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestMeterWithoutAKnownSizeShowsBytesAndRate(t *testing.T) {
	if got, want := meter("stdin", 3<<20, -1, 2*time.Second), "stdin                  3.0 MiB 1.5 MiB/s"; got != want {
		t.Fatalf("meter %q, want %q", got, want)
	}
}

func TestDisplayShowsAFailureOnStderrUnlessTheCommandReturnsIt(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	d := newDisplay(ios, false, false, newClock().now)
	d.begin(2, 2)
	d.startFile(0, "a", 1)
	d.startFile(1, "b", 1)
	d.done(0, record{File: "a", Key: "uploads/a", Error: "upload a to s3://b/uploads/a: boom", returned: true})
	d.done(1, record{File: "b", Key: "uploads/b", Error: "upload b to s3://b/uploads/b: slow down"})
	d.finish()
	if out.Len() != 0 {
		t.Fatalf("stdout %q, want nothing for files not uploaded", out)
	}
	if want := "✗ upload b to s3://b/uploads/b: slow down\n"; errOut.String() != want {
		t.Fatalf("stderr %q, want %q", errOut, want)
	}
}
