package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/edasctl/edasctl/internal/localaws/clock"
)

const (
	onSuccessARN = "arn:aws:sqs:us-east-1:000000000000:af-ok"
	onFailureARN = "arn:aws:sns:us-east-1:000000000000:af-failed"
)

// destinationHarness is asyncHarness with both destinations configured and
// the given number of retries.
func destinationHarness(t *testing.T, retries int32) (*harness, *clock.Fake, *deadLetterBox) {
	t.Helper()
	fake := clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	box := &deadLetterBox{}
	h := newHarness(t, harnessConfig{clock: fake, opts: Options{Outbound: box}})
	h.create(t, "af", testZip(t), nil)
	if _, err := h.client.PutFunctionEventInvokeConfig(context.Background(), &awslambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("af"), MaximumRetryAttempts: aws.Int32(retries),
		DestinationConfig: &types.DestinationConfig{OnSuccess: &types.OnSuccess{Destination: aws.String(onSuccessARN)},
			OnFailure: &types.OnFailure{Destination: aws.String(onFailureARN)}}}); err != nil {
		t.Fatal(err)
	}
	return h, fake, box
}

// record decodes the one record sent to target.
func record(t *testing.T, box *deadLetterBox, target string) invocationRecord {
	t.Helper()
	got := box.recordsTo(target)
	if len(got) != 1 {
		t.Fatalf("records to %s: %q, want one", target, got)
	}
	var r invocationRecord
	if err := json.Unmarshal([]byte(got[0]), &r); err != nil {
		t.Fatalf("record %s: %v", got[0], err)
	}
	return r
}

func TestDestinations_getTheRecordOfASuccess(t *testing.T) {
	h, fake, box := destinationHarness(t, 2)
	h.invokeEvent(t, `{"op":"echo","n":1}`)
	h.waitRuns(t, fake, 1, 0)
	r := record(t, box, onSuccessARN)
	if r.Version != "1.0" || r.RequestContext.Condition != "Success" || r.RequestContext.ApproximateInvokeCount != 1 ||
		r.RequestContext.FunctionARN != "arn:aws:lambda:us-east-1:000000000000:function:af:$LATEST" ||
		string(r.RequestPayload) != `{"op":"echo","n":1}` || string(r.ResponsePayload) != `{"op":"echo","n":1}` ||
		r.ResponseContext.StatusCode != 200 || r.ResponseContext.FunctionError != "" || r.ResponseContext.ExecutedVersion != "$LATEST" {
		t.Fatalf("success record = %+v", r)
	}
	if got := box.recordsTo(onFailureARN); len(got) != 0 {
		t.Fatalf("a success also went to OnFailure: %q", got)
	}
}

func TestDestinations_getTheRecordOfAFailureOnceItsRetriesAreSpent(t *testing.T) {
	h, fake, box := destinationHarness(t, 1)
	h.invokeEvent(t, `{"op":"fail","msg":"boom"}`)
	h.waitRuns(t, fake, 1, 1)
	if got := box.recordsTo(onFailureARN); len(got) != 0 {
		t.Fatalf("a record before the retry: %q", got)
	}
	fake.Advance(time.Minute)
	h.waitRuns(t, fake, 2, 0)
	r := record(t, box, onFailureARN)
	var resp struct{ ErrorMessage string }
	json.Unmarshal(r.ResponsePayload, &resp)
	if r.RequestContext.Condition != "RetriesExhausted" || r.RequestContext.ApproximateInvokeCount != 2 ||
		r.ResponseContext.FunctionError != "Unhandled" || resp.ErrorMessage != "boom" {
		t.Fatalf("failure record = %+v (response %s)", r, r.ResponsePayload)
	}
}

func TestDestinations_areCheckedAgainstTheRole(t *testing.T) {
	h := newHarness(t, harnessConfig{opts: Options{Roles: fakeRoles{denied: map[string]bool{"sqs:SendMessage": true}}}})
	h.create(t, "af", testZip(t), nil)
	_, err := h.client.PutFunctionEventInvokeConfig(context.Background(), &awslambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("af"), DestinationConfig: &types.DestinationConfig{OnSuccess: &types.OnSuccess{Destination: aws.String(onSuccessARN)}}})
	var bad *types.InvalidParameterValueException
	if !errors.As(err, &bad) {
		t.Fatalf("a destination the role may not send to: %v, want InvalidParameterValueException", err)
	}
}
