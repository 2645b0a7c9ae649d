package sns

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 123e6, time.UTC)

func testEnv(st *store.Store) service.Env {
	return service.Env{Store: st, Clock: clock.NewFake(t0), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Account: "000000000000", Region: "us-east-1"}
}

func memStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newTestService serves a fresh SNS over HTTP and returns it with an SDK
// client pointed at it.
func newTestService(t *testing.T, opts Options) (*Service, *awssns.Client) {
	t.Helper()
	svc, err := NewWithOptions(testEnv(memStore(t)), opts)
	if err != nil {
		t.Fatal(err)
	}
	return svc, clientFor(t, svc)
}

func clientFor(t *testing.T, svc *Service) *awssns.Client {
	t.Helper()
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	return awssns.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

func ctx() context.Context { return context.Background() }

func createTopic(t *testing.T, c *awssns.Client, name string) string {
	t.Helper()
	out, err := c.CreateTopic(ctx(), &awssns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateTopic %s: %v", name, err)
	}
	return *out.TopicArn
}

func subscribeQueue(t *testing.T, c *awssns.Client, topicARN, queue string, attrs map[string]string) string {
	t.Helper()
	out, err := c.Subscribe(ctx(), &awssns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:us-east-1:000000000000:" + queue), Attributes: attrs})
	if err != nil {
		t.Fatalf("Subscribe %s: %v", queue, err)
	}
	return *out.SubscriptionArn
}

// wantErr fails unless err is (or wraps) a *T.
func wantErr[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
	return target
}

func openFuzzStore() (*store.Store, error) { return store.OpenMemory() }
