// Package e2e drives edasctl as a user does — the CLI's Main with real
// arguments — against the local AWS running in-process, through the real
// SDK, the real handler built for this host, and real child processes.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/cli"
	"github.com/edasctl/edasctl/internal/handler"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/localaws"
)

// env is one local AWS and an isolated environment for the CLI.
type env struct {
	t   *testing.T
	url string
	s3  *s3.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") && k != "AWS_CA_BUNDLE" || strings.HasPrefix(k, "EDAS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	// The working directory stays e2e/: inside the clone (up builds the
	// handler from it) and without an edasctl.yaml.

	srv, err := localaws.New(localaws.WithDataDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	srv.SetEndpoint(hs.URL)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL), Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	return &env{t: t, url: hs.URL, s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })}
}

// run runs edasctl with args against the local AWS and returns its exit
// code, stdout and stderr.
func (e *env) run(args ...string) (int, string, string) {
	e.t.Helper()
	ios, _, out, errOut := iostreams.Test()
	code := cli.Main(append([]string{"--endpoint-url", e.url}, args...), ios)
	return code, out.String(), errOut.String()
}

// runJSON runs a verb with -o json and decodes its report.
func (e *env) runJSON(v any, args ...string) {
	e.t.Helper()
	code, out, errOut := e.run(append(args, "-o", "json")...)
	if code != 0 {
		e.t.Fatalf("edasctl %v: exit %d\nstderr:\n%s\nstdout:\n%s", args, code, errOut, out)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		e.t.Fatalf("edasctl %v: stdout is not JSON: %v\n%s", args, err, out)
	}
}

type resource struct {
	Kind, Name, ARN string
	Outcome, State  string
	Reason          string
}

type report struct {
	Resources []resource `json:"resources"`
	Healthy   bool       `json:"healthy"`
}

func outcomes(r report) map[string]int {
	n := map[string]int{}
	for _, res := range r.Resources {
		n[res.Outcome]++
	}
	return n
}

// waitObject polls until key exists in bucket and returns its body.
func (e *env) waitObject(bucket, key string, timeout time.Duration) []byte {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		out, err := e.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err == nil {
			var buf bytes.Buffer
			buf.ReadFrom(out.Body)
			out.Body.Close()
			return buf.Bytes()
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s/%s did not appear within %v: %v", bucket, key, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

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
