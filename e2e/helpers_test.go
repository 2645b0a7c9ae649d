package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/cli"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/localaws"
	"github.com/edasctl/edasctl/internal/provision"
	"github.com/edasctl/edasctl/internal/testenv"
)

// env is one local AWS, served through a request recorder, and an isolated
// environment for the CLI.
type env struct {
	t       testing.TB
	url     string
	rec     *recorder
	aws     aws.Config
	clients provision.Clients
	s3      *s3.Client
}

// envOption configures newEnv.
type envOption func(*envOptions)

type envOptions struct {
	local          []localaws.Option
	latency        time.Duration
	iamPropagation time.Duration
}

// withRealism switches on the local AWS's delays.
func withRealism(r localaws.Realism) envOption {
	return func(o *envOptions) { o.local = append(o.local, localaws.WithRealism(r)) }
}

// withLatency makes the local AWS take d longer to answer every request, as
// a remote AWS region would.
func withLatency(d time.Duration) envOption { return func(o *envOptions) { o.latency = d } }

// withIAMPropagation makes Lambda refuse a role for d after each IAM change,
// as AWS does while the change propagates (see iamDelay).
func withIAMPropagation(d time.Duration) envOption {
	return func(o *envOptions) { o.iamPropagation = d }
}

// newEnv starts a local AWS in-process with its state in a temporary
// directory, and isolates the test from the machine's AWS and EDAS
// variables. The working directory stays e2e/: inside the clone (up builds
// the handler from it) and without an edasctl.yaml.
func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	var o envOptions
	for _, opt := range opts {
		opt(&o)
	}
	testenv.Isolate(t)
	ln, url := testenv.Listen(t)
	srv, err := localaws.New(append([]localaws.Option{localaws.WithDataDir(t.TempDir()), localaws.WithEndpoint(url)}, o.local...)...)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	h := srv.Handler()
	if o.iamPropagation > 0 {
		h = &iamDelay{next: h, window: o.iamPropagation}
	}
	rec := newRecorder(h, o.latency)
	hs := testenv.Serve(ln, rec)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	cfg := aws.Config{Region: localaws.DefaultRegion, BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	return &env{
		t: t, url: hs.URL, rec: rec, aws: cfg, clients: provision.NewClients(cfg),
		s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
	}
}

// run runs edasctl with args against the local AWS and returns its exit
// code, stdout and stderr.
func (e *env) run(args ...string) (int, string, string) {
	e.t.Helper()
	ios, _, out, errOut := iostreams.Test()
	code := cli.Main(append([]string{"--endpoint-url", e.url}, args...), ios)
	return code, out.String(), errOut.String()
}

// runJSON runs a verb with -o json, fails the test unless it exits 0, and
// decodes its report into v. It returns stderr.
func (e *env) runJSON(v any, args ...string) string {
	e.t.Helper()
	code, errOut := e.runJSONCode(v, args...)
	if code != 0 {
		e.t.Fatalf("edasctl %v: exit %d\nstderr:\n%s", args, code, errOut)
	}
	return errOut
}

// runJSONCode runs a verb with -o json, decodes its report into v and
// returns the exit code and stderr.
func (e *env) runJSONCode(v any, args ...string) (int, string) {
	e.t.Helper()
	code, out, errOut := e.run(append(args, "-o", "json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		e.t.Fatalf("edasctl %v: exit %d, stdout is not JSON: %v\nstdout:\n%s\nstderr:\n%s", args, code, err, out, errOut)
	}
	return code, errOut
}

// handlerZip writes the handler built for this host to a file and returns
// its path, for `up --handler-zip`.
func handlerZip(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "handler.zip")
	if err := os.WriteFile(path, testenv.Handler(t).Zip, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type resource struct {
	Step, Kind, Name, ARN string
	Outcome, State        string
	Reason                string
}

type report struct {
	Resources     []resource `json:"resources"`
	Healthy       bool       `json:"healthy"`
	Notifications struct {
		Armed bool `json:"armed"`
	} `json:"notifications"`
}

// outcomes counts the report's resources by outcome.
func outcomes(r report) map[string]int {
	n := map[string]int{}
	for _, res := range r.Resources {
		n[res.Outcome]++
	}
	return n
}

// byStep indexes the report's resources by step ID.
func byStep(r report) map[string]resource {
	m := make(map[string]resource, len(r.Resources))
	for _, res := range r.Resources {
		m[res.Step] = res
	}
	return m
}

// waitObject polls until key exists in bucket and returns its body. The
// poll interval grows from 20 ms to 1 s, so that minutes-long waits on AWS
// stay cheap.
func (e *env) waitObject(bucket, key string, timeout time.Duration) []byte {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for delay := 20 * time.Millisecond; ; delay = min(2*delay, time.Second) {
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
		time.Sleep(delay)
	}
}

func jpegBytes(t testing.TB, w, h int) []byte {
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
