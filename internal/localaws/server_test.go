package localaws

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// newTestServer starts a local AWS on 127.0.0.1 for one test.
func newTestServer(t *testing.T, opts ...Option) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return s, srv
}

// httptestServer serves s on 127.0.0.1 until the test ends.
func httptestServer(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// awsConfig is an SDK configuration aimed at srv with throwaway credentials.
func awsConfig(srv *httptest.Server) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	}
}

func TestGetCallerIdentityAnswersTheLocalAccount(t *testing.T) {
	_, srv := newTestServer(t)
	out, err := sts.NewFromConfig(awsConfig(srv)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != DefaultAccount || aws.ToString(out.Arn) != "arn:aws:iam::000000000000:root" {
		t.Fatalf("caller identity = %s %s", aws.ToString(out.Account), aws.ToString(out.Arn))
	}
}

func TestHealthIdentifiesTheLocalAWS(t *testing.T) {
	_, srv := newTestServer(t, WithVersion("v1.2.3"))
	resp, err := http.Get(srv.URL + HealthPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h Health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	if h.Service != "edasctl-local" || h.Version != "v1.2.3" || h.Durable {
		t.Fatalf("health = %+v", h)
	}
	if resp.Header.Get(HeaderLocal) != "v1.2.3" {
		t.Fatalf("%s header = %q", HeaderLocal, resp.Header.Get(HeaderLocal))
	}
}

func TestEveryResponseCarriesTheLocalHeader(t *testing.T) {
	_, srv := newTestServer(t)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", nil)
	req.Header.Set("X-Amz-Target", "NoDotHere")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get(HeaderLocal) == "" {
		t.Fatalf("status %d, %s = %q", resp.StatusCode, HeaderLocal, resp.Header.Get(HeaderLocal))
	}
}

func TestUnknownActionIsAnInvalidActionError(t *testing.T) {
	_, srv := newTestServer(t)
	// AssumeRole is not served; the SDK must see a typed query-protocol error.
	_, err := sts.NewFromConfig(awsConfig(srv)).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::000000000000:role/x"), RoleSessionName: aws.String("s"),
	})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidAction" {
		t.Fatalf("error = %v, want InvalidAction", err)
	}
}

func TestStateIsDurableInDataDir(t *testing.T) {
	dir := t.TempDir()
	s, err := New(WithDataDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = New(WithDataDir(dir))
	if err != nil {
		t.Fatalf("reopen the same data dir: %v", err)
	}
	s.Close()
}

func TestWithEndpoint_isKnownBeforeTheFirstRequest(t *testing.T) {
	srv, err := New(WithEndpoint("http://127.0.0.1:45999"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if got := srv.Endpoint(); got != "http://127.0.0.1:45999" {
		t.Fatalf("Endpoint() = %q before any request, want the WithEndpoint URL", got)
	}
}
