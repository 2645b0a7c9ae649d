// Package testenv gives tests a local AWS running in-process and, on request,
// the default pipeline deployed on it — the same code paths `edasctl up`
// takes, through the real SDK and the real handler built for this host.
//
// It is for tests only; it imports no CLI package, so the CLI's verb
// packages can use it from their own tests.
package testenv

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/build"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/localaws"
	"github.com/edasctl/edasctl/internal/provision"
)

// An Env is one local AWS for one test.
type Env struct {
	URL     string // the endpoint, e.g. http://127.0.0.1:41234
	Server  *localaws.Server
	AWS     aws.Config
	Clients provision.Clients
	S3      *s3.Client // path-style
	Target  provision.Target
	Config  *config.Config // the default configuration unless changed before Deploy
}

// New starts a local AWS with durable state in a temporary directory and
// isolates the test from the machine's AWS and EDAS environment variables
// (AWS_CA_BUNDLE is kept: company machines set it and everything must work
// with it).
func New(t testing.TB, opts ...localaws.Option) *Env {
	t.Helper()
	Isolate(t)
	ln, url := Listen(t)
	opts = append([]localaws.Option{localaws.WithDataDir(t.TempDir()), localaws.WithEndpoint(url)}, opts...)
	srv, err := localaws.New(opts...)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	hs := Serve(ln, srv.Handler())
	t.Cleanup(func() { hs.Close(); srv.Close() })
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	return &Env{
		URL: hs.URL, Server: srv, AWS: cfg, Clients: provision.NewClients(cfg),
		S3:     s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		Target: provision.Target{Account: localaws.DefaultAccount, Region: "us-east-1", Local: true},
		Config: config.Default(),
	}
}

// Listen binds a loopback port for a local AWS and returns it with the URL
// it is reached at. Build the server with localaws.WithEndpoint(url), so
// that its functions know the URL from the start, then Serve it on ln.
func Listen(t testing.TB) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln, "http://" + ln.Addr().String()
}

// Serve starts serving h on ln (see Listen); the caller closes the server.
func Serve(ln net.Listener, h http.Handler) *httptest.Server {
	hs := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	hs.Start()
	return hs
}

// Isolate clears the AWS_* (but AWS_CA_BUNDLE) and EDAS_* variables for the
// test and points the shared AWS files at an empty directory.
func Isolate(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if (strings.HasPrefix(k, "AWS_") && k != "AWS_CA_BUNDLE") || strings.HasPrefix(k, "EDAS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// Deploy runs the provisioner's Up for e.Config with the host-built handler,
// as `edasctl up` does, and returns the plan.
func (e *Env) Deploy(t testing.TB) *provision.Plan {
	t.Helper()
	plan, err := provision.NewPlan(e.Config, e.Target, Handler(t), e.Clients)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Up(context.Background()); err != nil {
		t.Fatalf("deploy: %v", err)
	}
	return plan
}

// Bucket is the deployed bucket's name.
func (e *Env) Bucket() string { return e.Config.BucketName(e.Target.Account, e.Target.Region) }

var (
	handlerOnce sync.Once
	handlerArt  *build.Artifact
	handlerErr  error
)

// Handler returns the handler zip built for this host (once per test
// binary; cached across runs by internal/build).
func Handler(t testing.TB) *build.Artifact {
	t.Helper()
	handlerOnce.Do(func() {
		handlerArt, handlerErr = build.Package(context.Background(), build.Options{Arch: build.ArchHost, SourceDir: ModuleRoot()})
	})
	if handlerErr != nil {
		t.Fatalf("build the handler: %v", handlerErr)
	}
	return handlerArt
}

// ModuleRoot is the root of this repository (the directory of go.mod).
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
