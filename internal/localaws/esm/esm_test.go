package esm

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

const (
	queueARN = "arn:aws:sqs:us-east-1:000000000000:edas-catalog"
	fnARN    = "arn:aws:lambda:us-east-1:000000000000:function:edas-catalog"
)

type harness struct {
	svc    *Service
	client *lambda.Client
	q      *fakeQueues
	fns    *fakeFunctions
	st     *store.Store
}

func newHarness(t *testing.T, st *store.Store, perms Permissions) *harness {
	t.Helper()
	if st == nil {
		var err error
		if st, err = store.OpenMemory(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
	}
	q := newFakeQueues()
	q.visibility[queueARN] = 180 * time.Second
	fns := &fakeFunctions{
		fns:     map[string]Function{"edas-catalog": {Name: "edas-catalog", ARN: fnARN, Role: "arn:aws:iam::000000000000:role/edas-catalog", Timeout: 30 * time.Second}},
		respond: func(events.SQSEvent) ([]byte, string, error) { return []byte(`{"batchItemFailures":[]}`), "", nil },
		invoked: make(chan struct{}, 100),
	}
	if perms == nil {
		perms = allowAll{}
	}
	env := service.Env{Store: st, Clock: clock.Real{}, Log: slog.New(slog.DiscardHandler), Account: "000000000000", Region: "us-east-1"}
	svc, err := New(env, Options{}, q, fns, perms)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(func() { srv.Close(); svc.Close() })
	client := lambda.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	return &harness{svc: svc, client: client, q: q, fns: fns, st: st}
}

func (h *harness) create(t *testing.T, in *lambda.CreateEventSourceMappingInput) *lambda.CreateEventSourceMappingOutput {
	t.Helper()
	if in.EventSourceArn == nil {
		in.EventSourceArn = aws.String(queueARN)
	}
	if in.FunctionName == nil {
		in.FunctionName = aws.String("edas-catalog")
	}
	out, err := h.client.CreateEventSourceMapping(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateEventSourceMapping: %v", err)
	}
	return out
}

func waitInvoked(t *testing.T, h *harness) {
	t.Helper()
	select {
	case <-h.fns.invoked:
	case <-time.After(5 * time.Second):
		t.Fatal("function not invoked within 5s")
	}
}

// waitResult polls the mapping until its LastProcessingResult is want: the
// poller records it after acting on the batch.
func waitResult(t *testing.T, h *harness, uuid, want string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		out, err := h.client.GetEventSourceMapping(context.Background(), &lambda.GetEventSourceMappingInput{UUID: aws.String(uuid)})
		if err != nil {
			t.Fatal(err)
		}
		if got = aws.ToString(out.LastProcessingResult); got == want {
			return
		}
	}
	t.Fatalf("LastProcessingResult = %q, want %q", got, want)
}

func TestCreateGetListUpdateDelete(t *testing.T) {
	h := newHarness(t, nil, nil)
	ctx := context.Background()
	out := h.create(t, &lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(5), FunctionResponseTypes: []lambdatypes.FunctionResponseType{"ReportBatchItemFailures"},
		ScalingConfig: &lambdatypes.ScalingConfig{MaximumConcurrency: aws.Int32(3)}})
	if aws.ToString(out.State) != StateEnabled || aws.ToString(out.FunctionArn) != fnARN || aws.ToInt32(out.BatchSize) != 5 {
		t.Fatalf("created %+v", out)
	}
	got, err := h.client.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: out.UUID})
	if err != nil || aws.ToInt32(got.ScalingConfig.MaximumConcurrency) != 3 || got.LastModified == nil {
		t.Fatalf("get: %+v %v", got, err)
	}
	list, err := h.client.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(queueARN), FunctionName: aws.String("edas-catalog")})
	if err != nil || len(list.EventSourceMappings) != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
	upd, err := h.client.UpdateEventSourceMapping(ctx, &lambda.UpdateEventSourceMappingInput{UUID: out.UUID, BatchSize: aws.Int32(10), Enabled: aws.Bool(false)})
	if err != nil || aws.ToInt32(upd.BatchSize) != 10 || aws.ToString(upd.State) != StateDisabled {
		t.Fatalf("update: %+v %v", upd, err)
	}
	del, err := h.client.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: out.UUID})
	if err != nil || aws.ToString(del.State) != StateDeleting {
		t.Fatalf("delete: %+v %v", del, err)
	}
	waitGone(t, h, out.UUID)
}

// waitGone waits, as clients of AWS do, until Get says the mapping is gone.
func waitGone(t *testing.T, h *harness, uuid *string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		got, err := h.client.GetEventSourceMapping(context.Background(), &lambda.GetEventSourceMappingInput{UUID: uuid})
		var nf *lambdatypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return
		}
		if err != nil || aws.ToString(got.State) != StateDeleting {
			t.Fatalf("get after delete: %+v, %v; want state Deleting, then ResourceNotFoundException", got, err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the deleted mapping is still Deleting after 5 s")
		}
	}
}

// A deleted mapping stays Deleting while a batch it took is still being
// processed, as on AWS: once Get says it is gone, it invokes nothing more,
// so its function (and log group) can go.
func TestDeletedMappingIsDeletingUntilItsBatchIsProcessed(t *testing.T) {
	h := newHarness(t, nil, nil)
	started, release := make(chan struct{}, 1), make(chan struct{})
	h.fns.respond = func(events.SQSEvent) ([]byte, string, error) {
		started <- struct{}{}
		<-release
		return nil, "", nil
	}
	defer func() {
		select {
		case <-release:
		default:
			close(release) // never leave the poller blocked
		}
	}()
	out := h.create(t, &lambda.CreateEventSourceMappingInput{})
	h.q.add(queueARN, "a")
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("function not invoked within 5s")
	}
	if _, err := h.client.DeleteEventSourceMapping(context.Background(), &lambda.DeleteEventSourceMappingInput{UUID: out.UUID}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	got, err := h.client.GetEventSourceMapping(context.Background(), &lambda.GetEventSourceMappingInput{UUID: out.UUID})
	if err != nil || aws.ToString(got.State) != StateDeleting {
		t.Fatalf("while its batch is processed, get = %+v, %v; want state Deleting", got, err)
	}
	close(release)
	waitGone(t, h, out.UUID)
}

func TestCreateEnforcesAWSRules(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(h *harness)
		perms   Permissions
		in      lambda.CreateEventSourceMappingInput
		want    string
	}{
		{
			name:    "refuses a visibility timeout shorter than the function timeout",
			prepare: func(h *harness) { h.q.visibility[queueARN] = 7 * time.Second },
			want:    "Queue visibility timeout: 7 seconds is less than Function timeout: 30 seconds",
		},
		{
			name:  "refuses a role that may not receive from the queue",
			perms: allowAll{denied: map[string]bool{"sqs:ReceiveMessage": true}},
			want:  "The provided execution role does not have permissions to call ReceiveMessage on SQS",
		},
		{
			name: "refuses a batch size over 10 without a batching window",
			in:   lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(100)},
			want: "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
		},
		{
			name: "refuses a maximum concurrency of 1",
			in:   lambda.CreateEventSourceMappingInput{ScalingConfig: &lambdatypes.ScalingConfig{MaximumConcurrency: aws.Int32(1)}},
			want: "Member must have value between 2 and 1000",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil, tt.perms)
			if tt.prepare != nil {
				tt.prepare(h)
			}
			in := tt.in
			in.EventSourceArn, in.FunctionName = aws.String(queueARN), aws.String("edas-catalog")
			_, err := h.client.CreateEventSourceMapping(context.Background(), &in)
			var ipv *lambdatypes.InvalidParameterValueException
			if !errors.As(err, &ipv) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want InvalidParameterValueException containing %q", err, tt.want)
			}
		})
	}
}

func TestSecondMappingForSameQueueAndFunctionConflicts(t *testing.T) {
	h := newHarness(t, nil, nil)
	first := h.create(t, &lambda.CreateEventSourceMappingInput{})
	_, err := h.client.CreateEventSourceMapping(context.Background(), &lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(queueARN), FunctionName: aws.String("edas-catalog")})
	var conflict *lambdatypes.ResourceConflictException
	if !errors.As(err, &conflict) || !strings.Contains(err.Error(), aws.ToString(first.UUID)) {
		t.Fatalf("error = %v, want ResourceConflictException naming %s", err, aws.ToString(first.UUID))
	}
}

func TestPollerDeletesAllButReportedFailures(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.fns.respond = func(ev events.SQSEvent) ([]byte, string, error) {
		for _, r := range ev.Records {
			if r.Body == "poison" {
				return []byte(`{"batchItemFailures":[{"itemIdentifier":"` + r.MessageId + `"}]}`), "", nil
			}
		}
		return []byte(`{"batchItemFailures":[]}`), "", nil
	}
	h.create(t, &lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(10), FunctionResponseTypes: []lambdatypes.FunctionResponseType{"ReportBatchItemFailures"}})
	h.q.add(queueARN, "good-1", "poison", "good-2")
	waitInvoked(t, h)
	deadline := time.Now().Add(5 * time.Second)
	for len(h.q.deletedIDs()) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	deleted := h.q.deletedIDs()
	slices.Sort(deleted)
	if !slices.Equal(deleted, []string{"m1", "m3"}) {
		t.Fatalf("deleted %v, want the two good messages m1 and m3", deleted)
	}
	if !h.q.inFlightIDs()["m2"] {
		t.Fatal("the poison message was not left on the queue")
	}
	h.q.mu.Lock()
	calls := h.q.deleteCalls
	h.q.mu.Unlock()
	if calls != 1 {
		t.Errorf("the batch's successes were deleted in %d calls, want one DeleteMessageBatch", calls)
	}
	ev := h.fns.events[0]
	if ev.Records[0].EventSource != "aws:sqs" || ev.Records[0].EventSourceARN != queueARN || ev.Records[0].AWSRegion != "us-east-1" {
		t.Fatalf("event record = %+v", ev.Records[0])
	}
}

func TestPollerKeepsWholeBatchOnFunctionError(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.fns.respond = func(events.SQSEvent) ([]byte, string, error) {
		return []byte(`{"errorMessage":"boom"}`), "Unhandled", nil
	}
	out := h.create(t, &lambda.CreateEventSourceMappingInput{})
	h.q.add(queueARN, "a", "b")
	waitInvoked(t, h)
	waitResult(t, h, aws.ToString(out.UUID), "PROBLEM: Function call failed")
	if d := h.q.deletedIDs(); len(d) != 0 {
		t.Fatalf("deleted %v after a function error, want none", d)
	}
}

func TestMalformedBatchResponseFailsWholeBatch(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.fns.respond = func(events.SQSEvent) ([]byte, string, error) {
		return []byte(`{"batchItemFailures":[{"itemIdentifier":"not-in-batch"}]}`), "", nil
	}
	out := h.create(t, &lambda.CreateEventSourceMappingInput{FunctionResponseTypes: []lambdatypes.FunctionResponseType{"ReportBatchItemFailures"}})
	h.q.add(queueARN, "a")
	waitInvoked(t, h)
	waitResult(t, h, aws.ToString(out.UUID), "PROBLEM: Function response is not a valid batch item failure response")
	if d := h.q.deletedIDs(); len(d) != 0 {
		t.Fatalf("deleted %v after an invalid batch response, want none", d)
	}
}

func TestMappingsSurviveRestart(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := newHarness(t, st, nil)
	out := h.create(t, &lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(3)})
	h.svc.Close()

	h2 := newHarness(t, st, nil)
	got, err := h2.client.GetEventSourceMapping(context.Background(), &lambda.GetEventSourceMappingInput{UUID: out.UUID})
	if err != nil || aws.ToInt32(got.BatchSize) != 3 {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	h2.q.add(queueARN, "after-restart")
	waitInvoked(t, h2)
}

func TestFilterCriteriaDeleteWhatNoFilterMatchesWithoutAnInvocation(t *testing.T) {
	h := newHarness(t, nil, nil)
	pattern := `{"body":{"kind":["keep"],"n":[{"numeric":[">",1]}]}}`
	out := h.create(t, &lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(10),
		FilterCriteria: &lambdatypes.FilterCriteria{Filters: []lambdatypes.Filter{{Pattern: aws.String(pattern)}, {Pattern: aws.String(`{"body":["plain ok"]}`)}}}})
	if fc := out.FilterCriteria; fc == nil || len(fc.Filters) != 2 || aws.ToString(fc.Filters[0].Pattern) != pattern {
		t.Fatalf("FilterCriteria = %+v, want the two patterns", out.FilterCriteria)
	}
	h.q.add(queueARN, `{"kind":"keep","n":2}`, `{"kind":"keep","n":1}`, `{"kind":"drop","n":5}`, `plain text`, `plain ok`)
	waitInvoked(t, h)
	waitResult(t, h, aws.ToString(out.UUID), "OK")
	deadline := time.Now().Add(5 * time.Second)
	for len(h.q.deletedIDs()) < 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if d := h.q.deletedIDs(); len(d) != 5 {
		t.Fatalf("deleted %v, want all five: two processed, three dropped by the filters", d)
	}
	var bodies []string
	for _, ev := range h.fns.snapshot() {
		for _, r := range ev.Records {
			bodies = append(bodies, r.Body)
		}
	}
	slices.Sort(bodies)
	if !slices.Equal(bodies, []string{`plain ok`, `{"kind":"keep","n":2}`}) {
		t.Fatalf("the function got %q, want only the two messages a filter matches", bodies)
	}
}

func TestFilterCriteriaAreValidatedAndRemovedByAnEmptyList(t *testing.T) {
	h := newHarness(t, nil, nil)
	ctx := context.Background()
	_, err := h.client.CreateEventSourceMapping(ctx, &lambda.CreateEventSourceMappingInput{EventSourceArn: aws.String(queueARN),
		FunctionName: aws.String("edas-catalog"), FilterCriteria: &lambdatypes.FilterCriteria{Filters: []lambdatypes.Filter{{Pattern: aws.String(`{"body":"not a list"}`)}}}})
	var bad *lambdatypes.InvalidParameterValueException
	if !errors.As(err, &bad) || !strings.Contains(aws.ToString(bad.Message), "Invalid filter pattern definition") {
		t.Fatalf("a pattern whose value is not a list: %v, want InvalidParameterValueException", err)
	}
	out := h.create(t, &lambda.CreateEventSourceMappingInput{
		FilterCriteria: &lambdatypes.FilterCriteria{Filters: []lambdatypes.Filter{{Pattern: aws.String(`{"body":{"a":["b"]}}`)}}}})
	up, err := h.client.UpdateEventSourceMapping(ctx, &lambda.UpdateEventSourceMappingInput{UUID: out.UUID,
		FilterCriteria: &lambdatypes.FilterCriteria{Filters: []lambdatypes.Filter{}}})
	if err != nil || up.FilterCriteria != nil {
		t.Fatalf("UpdateEventSourceMapping with no filters = %+v, %v; want the filters gone", up.FilterCriteria, err)
	}
}
