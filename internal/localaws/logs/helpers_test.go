package logs

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// t0 is the fake clock's start: well after 2024 so newest-first filtering
// is allowed.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type fixture struct {
	svc    *Service
	clock  *clock.Fake
	store  *store.Store
	client *cwl.Client
	srv    *httptest.Server
}

func testEnv(st *store.Store, c clock.Clock) service.Env {
	return service.Env{Store: st, Clock: c, Log: slog.New(slog.NewTextHandler(os.Stderr, nil)), Account: "000000000000", Region: "us-east-1"}
}

// newFixture serves a Service over an in-memory store behind a real
// CloudWatch Logs client.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := store.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newFixtureOn(t, st, clock.NewFake(t0))
}

func newFixtureOn(t *testing.T, st *store.Store, c *clock.Fake) *fixture {
	t.Helper()
	svc, err := New(testEnv(st, c))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	client := cwl.New(cwl.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	return &fixture{svc: svc, clock: c, store: st, client: client, srv: srv}
}

func (f *fixture) nowMs() int64 { return f.clock.Now().UnixMilli() }

func (f *fixture) createGroup(t *testing.T, name string) {
	t.Helper()
	if _, err := f.client.CreateLogGroup(context.Background(), &cwl.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
		t.Fatalf("create log group %s: %v", name, err)
	}
}

func (f *fixture) createStream(t *testing.T, group, name string) {
	t.Helper()
	if _, err := f.client.CreateLogStream(context.Background(), &cwl.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(name)}); err != nil {
		t.Fatalf("create log stream %s: %v", name, err)
	}
}

// put stores messages at the given timestamps.
func (f *fixture) put(t *testing.T, group, stream string, ts []int64, msgs ...string) *cwl.PutLogEventsOutput {
	t.Helper()
	evs := make([]types.InputLogEvent, len(msgs))
	for i, m := range msgs {
		evs[i] = types.InputLogEvent{Timestamp: aws.Int64(ts[i]), Message: aws.String(m)}
	}
	out, err := f.client.PutLogEvents(context.Background(), &cwl.PutLogEventsInput{
		LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: evs})
	if err != nil {
		t.Fatalf("put log events: %v", err)
	}
	return out
}

// at returns n timestamps from base, step ms apart.
func at(base int64, step int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = base + int64(i)*step
	}
	return out
}

func wantErr[T error](t *testing.T, err error) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
}
