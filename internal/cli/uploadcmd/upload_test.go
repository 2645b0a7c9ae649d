package uploadcmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/testenv"
)

// newOptions returns Options for an upload of args to e, and its stdin,
// stdout and stderr.
func newOptions(e *testenv.Env, args ...string) (*Options, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	ios, in, out, errOut := iostreams.Test()
	return &Options{
		IO: ios, Now: time.Now, Args: args, Concurrency: defaultConcurrency, PartSize: defaultPartSize,
		Stack: func(context.Context) (*stack.Stack, error) {
			return &stack.Stack{Config: e.Config, AWS: e.AWS, Clients: e.Clients, Target: e.Target, Local: true}, nil
		},
	}, in, out, errOut
}

// records decodes the -o json lines of an upload, by key.
func records(t *testing.T, out string) map[string]record {
	t.Helper()
	recs := map[string]record{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("stdout line %q is not a JSON object: %v", sc.Text(), err)
		}
		recs[r.Key] = r
	}
	return recs
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func head(t *testing.T, e *testenv.Env, key string) (*s3.HeadObjectOutput, error) {
	t.Helper()
	return e.S3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(e.Bucket()), Key: aws.String(key)})
}

// TestUploadToDeployedPipeline shares one deployed local AWS between the
// end-to-end cases, which use distinct keys.
func TestUploadToDeployedPipeline(t *testing.T) {
	e := testenv.New(t)
	e.Deploy(t)

	t.Run("a directory upload with --recursive --wait reports each file's result", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "cat.jpg"), jpegBytes(t, 640, 480))
		writeFile(t, filepath.Join(dir, "notes", "today.txt"), []byte("hello, pipeline\n"))
		writeFile(t, filepath.Join(dir, ".DS_Store"), []byte("junk"))
		opts, _, out, errOut := newOptions(e, dir)
		opts.Recursive, opts.Wait, opts.JSON, opts.Prefix = true, true, true, "trip"
		if err := run(context.Background(), opts); err != nil {
			t.Fatalf("run: %v\nstderr:\n%s", err, errOut)
		}
		recs := records(t, out.String())
		if len(recs) != 2 {
			t.Fatalf("got %d records, want 2 (cat.jpg, notes/today.txt; not .DS_Store):\n%s", len(recs), out)
		}
		cat, ok := recs["uploads/trip/cat.jpg"]
		if !ok || cat.ContentType != "image/jpeg" || cat.Catalog == nil || cat.Catalog.Width != 640 || cat.Catalog.Height != 480 {
			t.Fatalf("cat.jpg record = %+v", cat)
		}
		if cat.Outputs.Catalog != "catalog/trip/cat.jpg.json" || cat.Outputs.Thumbnail != "thumbnails/trip/cat.jpg" || cat.LatencyMs == nil || *cat.LatencyMs < 0 || *cat.WallMs < 0 {
			t.Fatalf("cat.jpg outputs %+v, latency %v, wall %v", cat.Outputs, cat.LatencyMs, cat.WallMs)
		}
		if _, err := head(t, e, "thumbnails/trip/cat.jpg"); err != nil {
			t.Fatalf("thumbnail of cat.jpg: %v", err)
		}
		txt := recs["uploads/trip/notes/today.txt"]
		if txt.Catalog == nil || !strings.HasPrefix(txt.Catalog.ContentType, "text/plain") || txt.Catalog.Size != 16 || txt.Outputs.Thumbnail != "" || txt.Error != "" {
			t.Fatalf("today.txt record = %+v", txt)
		}
		if _, err := head(t, e, "uploads/trip/.DS_Store"); err == nil {
			t.Fatal(".DS_Store was uploaded")
		}
	})

	t.Run("the command run with flags prints a JSON line per file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "flags.txt")
		writeFile(t, path, []byte("via flags"))
		opts, _, out, errOut := newOptions(e, path)
		cmd := NewCmd(Deps{IO: opts.IO, JSON: func() bool { return true }, Stack: opts.Stack}, nil)
		cmd.SetArgs([]string{path, "--key", "cobra.txt", "--prefix", "cli", "--wait", "--timeout", "1m"})
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("execute: %v\nstderr:\n%s", err, errOut)
		}
		rec := records(t, out.String())["uploads/cli/cobra.txt"]
		if rec.File != path || rec.Size != 9 || rec.ETag == "" || rec.ContentType != "text/plain; charset=utf-8" ||
			rec.Outputs == nil || rec.Outputs.Catalog != "catalog/cli/cobra.txt.json" || rec.LatencyMs == nil {
			t.Fatalf("record %+v from stdout %q", rec, out)
		}
		if errOut.Len() != 0 {
			t.Fatalf("stderr %q, want nothing with -o json off a terminal", errOut)
		}
	})

	t.Run("a single file with --key and --prefix lands at the given name, its type sniffed", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "README")
		writeFile(t, path, []byte("plain words, no extension\n"))
		opts, _, out, errOut := newOptions(e, path)
		opts.Key, opts.Prefix = "docs/readme", "/2024/"
		if err := run(context.Background(), opts); err != nil {
			t.Fatalf("run: %v\nstderr:\n%s", err, errOut)
		}
		obj, err := head(t, e, "uploads/2024/docs/readme")
		if err != nil {
			t.Fatalf("uploads/2024/docs/readme: %v", err)
		}
		if ct := aws.ToString(obj.ContentType); ct != "text/plain; charset=utf-8" {
			t.Fatalf("content type %q, want the sniffed text/plain; charset=utf-8", ct)
		}
		if want := "uploads/2024/docs/readme  26 B  text/plain; charset=utf-8\n"; out.String() != want {
			t.Fatalf("stdout %q, want %q", out, want)
		}
	})

	t.Run("standard input is uploaded under --key, its type sniffed, and waited for", func(t *testing.T) {
		opts, in, out, errOut := newOptions(e, "-")
		in.Write(jpegBytes(t, 300, 200))
		opts.Key, opts.Wait = "piped", true
		if err := run(context.Background(), opts); err != nil {
			t.Fatalf("run: %v\nstderr:\n%s", err, errOut)
		}
		line := out.String()
		for _, want := range []string{"uploads/piped  3.4 KiB  image/jpeg  → catalog 300×200 image/jpeg 3.4 KiB, latency "} {
			if !strings.Contains(line, want) {
				t.Fatalf("stdout %q lacks %q", line, want)
			}
		}
		// The default thumbnail consumer takes image suffixes only.
		if strings.Contains(line, "thumbnail") {
			t.Fatalf("stdout %q reports a thumbnail for a key without an image suffix", line)
		}
		if !strings.HasPrefix(errOut.String(), "uploaded 1 file (") {
			t.Fatalf("stderr %q, want the summary", errOut)
		}
	})

	t.Run("a file of several parts goes multipart and is cataloged whole", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "big.bin")
		writeFile(t, path, bytes.Repeat([]byte("0123456789abcdef"), 12<<20/16))
		opts, _, out, errOut := newOptions(e, path)
		opts.PartSize, opts.Wait, opts.JSON = minPartSize, true, true
		if err := run(context.Background(), opts); err != nil {
			t.Fatalf("run: %v\nstderr:\n%s", err, errOut)
		}
		rec := records(t, out.String())["uploads/big.bin"]
		if !rec.Multipart || rec.Size != 12<<20 || rec.Catalog == nil || rec.Catalog.Size != 12<<20 {
			t.Fatalf("big.bin record = %+v", rec)
		}
	})

	t.Run("an interrupted multipart upload is aborted and leaves no parts", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "interrupted.bin")
		writeFile(t, path, bytes.Repeat([]byte{7}, 12<<20))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		opts, _, _, _ := newOptions(e, path)
		opts.PartSize, opts.Concurrency = minPartSize, 1
		sent := false
		opts.s3Client = func(cfg aws.Config) s3API {
			return &cancelAfterPart{s3API: (&Options{}).newS3(cfg), cancel: func() { sent = true; cancel() }}
		}
		err := run(ctx, opts)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("run: %v, want context.Canceled", err)
		}
		ups, err := e.S3.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(e.Bucket())})
		if err != nil {
			t.Fatal(err)
		}
		if !sent {
			t.Fatal("the upload was cancelled before its first part was sent")
		}
		if len(ups.Uploads) != 0 {
			t.Fatalf("%d multipart uploads left, want none: %+v", len(ups.Uploads), ups.Uploads)
		}
		if _, err := head(t, e, "uploads/interrupted.bin"); !isNotFound(err) {
			t.Fatalf("uploads/interrupted.bin: %v, want not found", err)
		}
	})

	t.Run("a result that does not come in time is reported, and the command fails", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "slow.txt")
		writeFile(t, path, []byte("slow"))
		opts, _, out, errOut := newOptions(e, path)
		opts.Wait, opts.Timeout = true, time.Nanosecond
		err := run(context.Background(), opts)
		var hint *cmdutil.HintError
		if !errors.As(err, &hint) || err.Error() != "1 of 1 uploads have no complete result within 1ns" {
			t.Fatalf("run: %v", err)
		}
		if want := "uploads/slow.txt  4 B  text/plain; charset=utf-8  ✗ catalog/slow.txt.json did not appear within 1ns\n"; out.String() != want {
			t.Fatalf("stdout %q, want %q\nstderr:\n%s", out, want, errOut)
		}
	})

	t.Run("a failed upload is reported in its JSON line and fails the command", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "refused.txt")
		writeFile(t, path, []byte("no"))
		opts, _, out, _ := newOptions(e, path)
		opts.JSON = true
		boom := errors.New("boom")
		opts.s3Client = func(cfg aws.Config) s3API {
			return &failPut{s3API: (&Options{}).newS3(cfg), err: boom}
		}
		err := run(context.Background(), opts)
		want := "upload " + path + " to s3://" + e.Bucket() + "/uploads/refused.txt: boom"
		if !errors.Is(err, boom) || err.Error() != want {
			t.Fatalf("run: %v, want %q", err, want)
		}
		rec := records(t, out.String())["uploads/refused.txt"]
		if rec.Error != want || rec.ETag != "" || rec.File != path {
			t.Fatalf("record %+v", rec)
		}
	})

	t.Run("a directory without --recursive is refused with a message saying so", func(t *testing.T) {
		dir := t.TempDir()
		opts, _, _, _ := newOptions(e, dir)
		err := run(context.Background(), opts)
		var usage *cmdutil.UsageError
		if !errors.As(err, &usage) || err.Error() != dir+" is a directory: add --recursive to upload its files" {
			t.Fatalf("run: %v", err)
		}
	})

	t.Run("a missing file is named and nothing is uploaded", func(t *testing.T) {
		dir := t.TempDir()
		good := filepath.Join(dir, "good.txt")
		writeFile(t, good, []byte("fine"))
		missing := filepath.Join(dir, "missing.txt")
		opts, _, _, _ := newOptions(e, good, missing)
		opts.Stack = func(context.Context) (*stack.Stack, error) {
			t.Fatal("the stack was resolved before the inputs were checked")
			return nil, nil
		}
		err := run(context.Background(), opts)
		var usage *cmdutil.UsageError
		if !errors.As(err, &usage) || err.Error() != "cannot upload "+missing+": no such file or directory" {
			t.Fatalf("run: %v, want a usage error naming %s", err, missing)
		}
	})
}

// failPut fails every PutObject with err.
type failPut struct {
	s3API
	err error
}

func (f *failPut) PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	return nil, f.err
}

// cancelAfterPart cancels the upload's context once S3 has acknowledged the
// first part, as Ctrl-C in the middle of a multipart upload does.
type cancelAfterPart struct {
	s3API
	cancel context.CancelFunc
}

func (c *cancelAfterPart) UploadPart(ctx context.Context, in *s3.UploadPartInput, opts ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	out, err := c.s3API.UploadPart(ctx, in, opts...)
	if err == nil && aws.ToInt32(in.PartNumber) == 1 {
		c.cancel()
	}
	return out, err
}

func TestUploadToAStackNotDeployedSaysRunUp(t *testing.T) {
	e := testenv.New(t)
	path := filepath.Join(t.TempDir(), "a.txt")
	writeFile(t, path, []byte("a"))
	opts, _, _, _ := newOptions(e, path)
	err := run(context.Background(), opts)
	var hint *cmdutil.HintError
	if !errors.As(err, &hint) || hint.Hint != "run 'edasctl up' first" ||
		err.Error() != "stack edas is not deployed (bucket edas-000000000000-us-east-1 not found)" {
		t.Fatalf("run: %v (%T), want not deployed with the hint to run up", err, err)
	}
}

func TestWaitRefusesAKeyNoCatalogConsumerReceivesBeforeUploading(t *testing.T) {
	e := testenv.New(t)
	for i := range e.Config.Consumers {
		if e.Config.Consumers[i].Action == "catalog" {
			e.Config.Consumers[i].Filter.Suffix = []string{".pdf"}
		}
	}
	path := filepath.Join(t.TempDir(), "a.txt")
	writeFile(t, path, []byte("a"))
	opts, _, _, _ := newOptions(e, path)
	opts.Wait = true
	err := run(context.Background(), opts)
	var usage *cmdutil.UsageError
	if !errors.As(err, &usage) || err.Error() != "--wait waits for catalog entries, but no consumer of stack edas with action catalog receives uploads/a.txt" {
		t.Fatalf("run: %v", err)
	}
}
