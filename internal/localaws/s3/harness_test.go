package s3

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// A harness is one S3 service behind an httptest server with an SDK client.
type harness struct {
	t      *testing.T
	env    service.Env
	svc    *Service
	srv    *httptest.Server
	client *s3.Client
	clock  *clock.Fake
}

type harnessConfig struct {
	dataDir string // "" = in memory
	tls     bool   // serve HTTPS, so the SDK sends aws-chunked bodies with trailers
	opts    Options
	st      *store.Store
}

var testEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, cfg harnessConfig) *harness {
	t.Helper()
	st := cfg.st
	if st == nil {
		var err error
		if cfg.dataDir != "" {
			st, err = store.Open(cfg.dataDir + "/db")
		} else {
			st, err = store.OpenMemory()
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
	}
	fake := clock.NewFake(testEpoch)
	env := service.Env{Store: st, DataDir: cfg.dataDir, Clock: fake, Log: slog.New(slog.DiscardHandler),
		Account: "000000000000", Region: "us-east-1"}
	svc, err := New(env, cfg.opts)
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	if cfg.tls {
		srv = httptest.NewTLSServer(svc)
	} else {
		srv = httptest.NewServer(svc)
	}
	t.Cleanup(srv.Close)
	h := &harness{t: t, env: env, svc: svc, srv: srv, clock: fake}
	h.client = h.newClient("us-east-1")
	return h
}

// newClient returns an SDK client of the harness's server in region, set
// up as config.LoadDefaultConfig would.
func (h *harness) newClient(region string) *s3.Client {
	cfg := aws.Config{
		Region:           region,
		BaseEndpoint:     aws.String(h.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:       h.srv.Client(),
		RetryMaxAttempts: 1,
		// What config.LoadDefaultConfig sets: checksums on every operation
		// that supports them, validated on responses.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

func (h *harness) createBucket(name string) {
	h.t.Helper()
	if _, err := h.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		h.t.Fatalf("create bucket %s: %v", name, err)
	}
}

func (h *harness) put(bucket, key string, body []byte) *s3.PutObjectOutput {
	h.t.Helper()
	out, err := h.client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	if err != nil {
		h.t.Fatalf("put %s/%s: %v", bucket, key, err)
	}
	return out
}

func (h *harness) get(bucket, key string) []byte {
	h.t.Helper()
	out, err := h.client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		h.t.Fatalf("get %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		h.t.Fatalf("read %s/%s: %v", bucket, key, err)
	}
	return b
}

// raw sends a hand-made request to the server.
func (h *harness) raw(method, path string, body []byte, header http.Header) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// wantCode fails unless err is an API error with the given code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("error code = %s (%v), want %s", apiErr.ErrorCode(), err, code)
	}
}

// wantStatus fails unless resp has the status and, for a body, the S3
// error code.
func wantStatus(t *testing.T, resp *http.Response, status int, code string) {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, status, body)
	}
	if code != "" && !bytes.Contains(body, []byte("<Code>"+code+"</Code>")) {
		t.Fatalf("body = %s, want code %s", body, code)
	}
}
