package sqs

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

const testAccount = "000000000000"

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fixture is one SQS service behind an httptest server, with an SDK client.
type fixture struct {
	svc    *Service
	srv    *httptest.Server
	client *sqs.Client
	clock  *clock.Fake
	store  *store.Store
}

func newEnv(t testing.TB, st *store.Store, c clock.Clock) service.Env {
	t.Helper()
	return service.Env{Store: st, Clock: c, Log: discardLogger(), Account: testAccount, Region: "us-east-1"}
}

// newFixture serves a fresh service on an in-memory store and a fake clock.
func newFixture(t testing.TB, opts ...Options) *fixture {
	t.Helper()
	st, err := store.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return serve(t, st, clock.NewFake(epoch), opts...)
}

// serve starts a service on st with the clock c.
func serve(t testing.TB, st *store.Store, c *clock.Fake, opts ...Options) *fixture {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	svc, err := New(newEnv(t, st, c), o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(func() { srv.Close(); svc.Close() })
	return &fixture{svc: svc, srv: srv, client: newClient(srv.URL), clock: c, store: st}
}

func newClient(url string) *sqs.Client {
	return sqs.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
}

// createQueue creates a queue and returns its URL.
func (f *fixture) createQueue(t testing.TB, name string, attrs map[string]string) string {
	t.Helper()
	out, err := f.client.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatalf("create queue %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

func (f *fixture) send(t testing.TB, url, body string) string {
	t.Helper()
	out, err := f.client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	return aws.ToString(out.MessageId)
}

// attr returns one queue attribute.
func (f *fixture) attr(t testing.TB, url, name string) string {
	t.Helper()
	out, err := f.client.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{types.QueueAttributeName(name)}})
	if err != nil {
		t.Fatalf("get attribute %s: %v", name, err)
	}
	return out.Attributes[name]
}

// arnOf is the ARN of a test queue.
func arnOf(name string) string { return "arn:aws:sqs:us-east-1:" + testAccount + ":" + name }

// errorCode returns the API error code of err, or "" when err is nil or
// not an API error.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// waitPollers waits until n long polls wait on the queue called name.
func (f *fixture) waitPollers(t testing.TB, name string, n int32) {
	t.Helper()
	q, err := f.svc.queueByName(name)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for q.pollers.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("no long poll waiting on %s", name)
		}
		runtime.Gosched() // the poller is about to block on its channels
	}
}

func asError[T error](err error, target *T) bool { return errors.As(err, target) }

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
