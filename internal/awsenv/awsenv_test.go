package awsenv

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/edasctl/edasctl/internal/s3endpoint"
)

// isolate clears every AWS_* variable and points the shared files at an empty
// directory, so the test sees only what it sets itself.
func isolate(t *testing.T) string {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return dir
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		opts      Options
		wantErr   error
		wantRgn   string
		wantEndpt string
	}{
		{
			name:    "fails with ErrNoRegion when no region is configured for real AWS",
			env:     map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"},
			wantErr: ErrNoRegion,
		},
		{
			name:    "fails with ErrNoCredentials when the chain finds none",
			env:     map[string]string{"AWS_REGION": "eu-west-1"},
			wantErr: ErrNoCredentials,
		},
		{
			name:    "flag region beats AWS_REGION",
			env:     map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"},
			opts:    Options{Region: "ap-southeast-2"},
			wantRgn: "ap-southeast-2",
		},
		{
			name:      "loopback endpoint defaults region and credentials",
			opts:      Options{EndpointURL: "http://127.0.0.1:4566"},
			wantRgn:   "us-east-1",
			wantEndpt: "http://127.0.0.1:4566",
		},
		{
			name:      "AWS_ENDPOINT_URL is honoured like --endpoint-url",
			env:       map[string]string{"AWS_ENDPOINT_URL": "http://localhost:4566"},
			wantRgn:   "us-east-1",
			wantEndpt: "http://localhost:4566",
		},
		{
			name:    "malformed endpoint is rejected",
			opts:    Options{EndpointURL: "127.0.0.1:4566"},
			wantErr: errAny,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cfg, err := Load(context.Background(), tt.opts)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("Load succeeded, want error %v", tt.wantErr)
				}
				if tt.wantErr != errAny && !errors.Is(err, tt.wantErr) {
					t.Fatalf("Load error = %v, want %v", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("error spans lines: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if cfg.Region != tt.wantRgn {
				t.Errorf("region = %q, want %q", cfg.Region, tt.wantRgn)
			}
			if got := aws.ToString(cfg.BaseEndpoint); got != tt.wantEndpt {
				t.Errorf("endpoint = %q, want %q", got, tt.wantEndpt)
			}
		})
	}
}

var errAny = errors.New("any error")

func TestLoadUsesAdaptiveRetries(t *testing.T) {
	isolate(t)
	cfg, err := Load(context.Background(), Options{EndpointURL: LocalEndpoint})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RetryMode != aws.RetryModeAdaptive {
		t.Fatalf("retry mode = %q, want adaptive", cfg.RetryMode)
	}
}

func TestLoadReadsProfileRegion(t *testing.T) {
	dir := isolate(t)
	writeFile(t, filepath.Join(dir, "config"), "[profile work]\nregion = eu-central-1\n")
	writeFile(t, filepath.Join(dir, "credentials"), "[work]\naws_access_key_id = AKID\naws_secret_access_key = secret\n")
	cfg, err := Load(context.Background(), Options{Profile: "work"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-central-1" {
		t.Fatalf("region = %q, want the profile's eu-central-1", cfg.Region)
	}
}

// The local AWS is plain HTTP, but company machines set AWS_CA_BUNDLE; the
// bundle must neither break loading nor requests to an http endpoint.
func TestLoadWorksWithCABundleSet(t *testing.T) {
	isolate(t)
	bundle := "/etc/ssl/certs/ca-certificates.crt"
	if _, err := os.Stat(bundle); err != nil {
		// Any PEM works; generate a self-signed one via httptest's TLS server.
		srv := httptest.NewTLSServer(http.NotFoundHandler())
		defer srv.Close()
		bundle = filepath.Join(t.TempDir(), "ca.pem")
		writePEM(t, bundle, srv.Certificate().Raw)
	}
	t.Setenv("AWS_CA_BUNDLE", bundle)
	var gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.Path
		w.Header().Set("Content-Type", "application/xml")
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>`))
	}))
	defer srv.Close()
	cfg, err := Load(context.Background(), Options{EndpointURL: srv.URL})
	if err != nil {
		t.Fatalf("Load with AWS_CA_BUNDLE: %v", err)
	}
	if _, err := s3.NewFromConfig(cfg, S3Options(cfg)).ListBuckets(context.Background(), &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("ListBuckets over http with AWS_CA_BUNDLE set: %v", err)
	}
	if gotPath != "/" {
		t.Fatalf("request path = %q, want /", gotPath)
	}
}

func TestS3OptionsUsePathStyleOnlyWithCustomEndpoint(t *testing.T) {
	isolate(t)
	var o s3.Options
	S3Options(aws.Config{})(&o)
	if o.UsePathStyle {
		t.Fatal("path style on real AWS, want virtual-hosted")
	}
	S3Options(aws.Config{BaseEndpoint: aws.String(LocalEndpoint)})(&o)
	if !o.UsePathStyle {
		t.Fatal("virtual-hosted style on a custom endpoint, want path style")
	}
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(LocalEndpoint)}
	if r := s3.NewFromConfig(cfg, S3Options(cfg)).Options().EndpointResolverV2; !isLocalResolver(r) {
		t.Errorf("a client of a custom endpoint resolves with %T, want *s3endpoint.Resolver", r)
	}
	if r := s3.NewFromConfig(aws.Config{Region: "us-east-1"}, S3Options(aws.Config{})).Options().EndpointResolverV2; isLocalResolver(r) {
		t.Error("a client of AWS resolves with *s3endpoint.Resolver, want the SDK's rule set")
	}
}

func isLocalResolver(r s3.EndpointResolverV2) bool {
	_, ok := r.(*s3endpoint.Resolver)
	return ok
}

func TestIsLoopback(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"http://127.0.0.1:4566":     true,
		"http://localhost:4566":     true,
		"http://[::1]:4566":         true,
		"http://s3.localhost:4566":  true,
		"https://sqs.amazonaws.com": false,
		"http://10.0.0.1:4566":      false,
		"":                          false,
	} {
		if got := IsLoopback(endpoint); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", endpoint, got, want)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
func writePEM(t *testing.T, path string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
