package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// asyncHarness is a harness on a fake clock with a function "af" of the
// test runtime.
func asyncHarness(t *testing.T) (*harness, *clock.Fake) {
	t.Helper()
	fake := clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	h := newHarness(t, harnessConfig{clock: fake})
	h.create(t, "af", testZip(t), nil)
	return h, fake
}

// invokeEvent invokes af asynchronously with payload.
func (h *harness) invokeEvent(t *testing.T, payload string) {
	t.Helper()
	out, err := h.client.Invoke(context.Background(), &awslambda.InvokeInput{FunctionName: aws.String("af"),
		InvocationType: types.InvocationTypeEvent, Payload: []byte(payload)})
	if err != nil || out.StatusCode != 202 {
		t.Fatalf("Event Invoke = %v, %v", out, err)
	}
}

// runs returns how many times af started an invocation.
func (h *harness) runs() int {
	n := 0
	for _, l := range h.logs.lines("/aws/lambda/af") {
		if strings.HasPrefix(l, "START RequestId:") {
			n++
		}
	}
	return n
}

// waitRuns waits until af started n invocations and the service is idle:
// no invocation pending in the store but those waiting for a retry, whose
// timers are set (timers).
func (h *harness) waitRuns(t *testing.T, fake *clock.Fake, n, timers int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if h.runs() == n && fake.Waiting() == timers && (timers > 0 || h.storedAsync(t) == 0) {
			time.Sleep(50 * time.Millisecond) // nothing else starts
			if h.runs() == n {
				return
			}
		}
	}
	t.Fatalf("runs %d, timers %d, stored %d; want %d runs and %d timers", h.runs(), fake.Waiting(), h.storedAsync(t), n, timers)
}

func (h *harness) storedAsync(t *testing.T) int {
	n := 0
	if err := h.st.View(func(tx *store.Tx) error {
		return tx.Scan(tableAsync, "", func(string, []byte) error { n++; return nil })
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEventInvocations_thatFailAreRetriedAfterOneMinuteThenTwo(t *testing.T) {
	h, fake := asyncHarness(t)
	h.invokeEvent(t, `{"op":"fail","msg":"boom"}`)
	h.waitRuns(t, fake, 1, 1)
	fake.Advance(59 * time.Second)
	h.waitRuns(t, fake, 1, 1)
	fake.Advance(time.Second)
	h.waitRuns(t, fake, 2, 1)
	fake.Advance(119 * time.Second)
	h.waitRuns(t, fake, 2, 1)
	fake.Advance(time.Second)
	h.waitRuns(t, fake, 3, 0) // given up: two retries, then forgotten
	if ids := h.logs.lines("/aws/lambda/af"); !sameRequestIDs(ids) {
		t.Errorf("the retries changed the request ID: %q", ids)
	}
}

func TestEventInvocations_thatSucceedRunOnce(t *testing.T) {
	h, fake := asyncHarness(t)
	h.invokeEvent(t, `{"op":"print","lines":["fine"]}`)
	h.waitRuns(t, fake, 1, 0)
}

func TestEventInvokeConfig_limitsRetriesAndEventAge(t *testing.T) {
	h, fake := asyncHarness(t)
	ctx := context.Background()
	if _, err := h.client.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("af"), MaximumRetryAttempts: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	h.invokeEvent(t, `{"op":"fail"}`)
	h.waitRuns(t, fake, 1, 0)

	// At most 60 s old: the retry a minute later finds it too old.
	if _, err := h.client.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("af"), MaximumEventAgeInSeconds: aws.Int32(60)}); err != nil {
		t.Fatal(err)
	}
	h.invokeEvent(t, `{"op":"fail"}`)
	h.waitRuns(t, fake, 2, 1)
	fake.Advance(time.Minute)
	h.waitRuns(t, fake, 2, 0)
}

func TestEventInvokeConfig_putReplacesUpdateMergesDeleteRestoresDefaults(t *testing.T) {
	h, _ := asyncHarness(t)
	ctx := context.Background()
	var rnf *types.ResourceNotFoundException
	if _, err := h.client.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("af")}); !errors.As(err, &rnf) {
		t.Fatalf("GetFunctionEventInvokeConfig before any = %v, want ResourceNotFoundException", err)
	}
	if _, err := h.client.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("af"), MaximumRetryAttempts: aws.Int32(1), MaximumEventAgeInSeconds: aws.Int32(3600)}); err != nil {
		t.Fatal(err)
	}
	up, err := h.client.UpdateFunctionEventInvokeConfig(ctx, &awslambda.UpdateFunctionEventInvokeConfigInput{
		FunctionName: aws.String("af"), MaximumRetryAttempts: aws.Int32(0)})
	if err != nil || aws.ToInt32(up.MaximumRetryAttempts) != 0 || aws.ToInt32(up.MaximumEventAgeInSeconds) != 3600 ||
		aws.ToString(up.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:af:$LATEST" {
		t.Fatalf("UpdateFunctionEventInvokeConfig = %+v, %v; want 0 retries and the age kept", up, err)
	}
	put, err := h.client.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("af"), MaximumRetryAttempts: aws.Int32(2)})
	if err != nil || put.MaximumEventAgeInSeconds != nil {
		t.Fatalf("PutFunctionEventInvokeConfig = %+v, %v; want the age back to its default", put, err)
	}
	list, err := h.client.ListFunctionEventInvokeConfigs(ctx, &awslambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("af")})
	if err != nil || len(list.FunctionEventInvokeConfigs) != 1 {
		t.Fatalf("ListFunctionEventInvokeConfigs = %+v, %v", list, err)
	}
	for name, in := range map[string]*awslambda.PutFunctionEventInvokeConfigInput{
		"three retries":         {FunctionName: aws.String("af"), MaximumRetryAttempts: aws.Int32(3)},
		"an age under a minute": {FunctionName: aws.String("af"), MaximumEventAgeInSeconds: aws.Int32(59)},
		"an EventBridge destination": {FunctionName: aws.String("af"), DestinationConfig: &types.DestinationConfig{
			OnFailure: &types.OnFailure{Destination: aws.String("arn:aws:events:us-east-1:000000000000:event-bus/default")}}},
	} {
		if _, err := h.client.PutFunctionEventInvokeConfig(ctx, in); err == nil {
			t.Errorf("PutFunctionEventInvokeConfig with %s was accepted", name)
		}
	}
	if _, err := h.client.DeleteFunctionEventInvokeConfig(ctx, &awslambda.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("af")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("af")}); !errors.As(err, &rnf) {
		t.Fatalf("GetFunctionEventInvokeConfig after delete = %v, want ResourceNotFoundException", err)
	}
}

func TestEventInvocations_waitingForARetrySurviveARestart(t *testing.T) {
	first, restart := newDurableHarness(t)
	first.create(t, "af", testZip(t), nil)
	first.invokeEvent(t, `{"op":"fail"}`)
	deadline := time.Now().Add(10 * time.Second)
	for a, ok := first.storedInvocation(t); !ok || a.Failures != 1; a, ok = first.storedInvocation(t) {
		if time.Now().After(deadline) {
			t.Fatalf("stored invocation %+v (%v), want one failure recorded", a, ok)
		}
		time.Sleep(10 * time.Millisecond)
	}
	second := restart()
	time.Sleep(200 * time.Millisecond)
	a, ok := second.storedInvocation(t)
	if !ok || a.Failures != 1 || a.NextRun.IsZero() || second.runs() != 0 {
		t.Fatalf("after a restart: stored %+v (%v), %d runs; want it waiting for its retry a minute after the failure", a, ok, second.runs())
	}
}

// storedInvocation returns the one asynchronous invocation in the store.
func (h *harness) storedInvocation(t *testing.T) (a asyncInvocation, ok bool) {
	t.Helper()
	if err := h.st.View(func(tx *store.Tx) error {
		return tx.Scan(tableAsync, "", func(_ string, v []byte) error {
			ok = true
			return json.Unmarshal(v, &a)
		})
	}); err != nil {
		t.Fatal(err)
	}
	return a, ok
}

// sameRequestIDs reports whether every START line names the same request.
func sameRequestIDs(lines []string) bool {
	id := ""
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, "START RequestId: "); ok {
			this, _, _ := strings.Cut(rest, " ")
			if id != "" && this != id {
				return false
			}
			id = this
		}
	}
	return id != ""
}
