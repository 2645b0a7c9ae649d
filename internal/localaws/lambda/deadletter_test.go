package lambda

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/edasctl/edasctl/internal/localaws/clock"
)

const dlqARN = "arn:aws:sqs:us-east-1:000000000000:af-dlq"

// deadLetterBox records what the service sends to queues and topics.
type deadLetterBox struct {
	mu      sync.Mutex
	sent    map[string][]DeadLetter // target → letters
	records map[string][]string     // target → invocation records
}

func (b *deadLetterBox) SendRecord(_ context.Context, target string, record []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.records == nil {
		b.records = map[string][]string{}
	}
	b.records[target] = append(b.records[target], string(record))
	return nil
}

func (b *deadLetterBox) recordsTo(target string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.records[target]...)
}

func (b *deadLetterBox) SendDeadLetter(_ context.Context, target string, dl DeadLetter) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sent == nil {
		b.sent = map[string][]DeadLetter{}
	}
	b.sent[target] = append(b.sent[target], dl)
	return nil
}

func (b *deadLetterBox) letters(target string) []DeadLetter {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]DeadLetter(nil), b.sent[target]...)
}

func TestDeadLetters_receiveTheEventOnceItsRetriesAreSpent(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	box := &deadLetterBox{}
	h := newHarness(t, harnessConfig{clock: fake, opts: Options{Outbound: box}})
	h.create(t, "af", testZip(t), func(in *awslambda.CreateFunctionInput) {
		in.DeadLetterConfig = &types.DeadLetterConfig{TargetArn: aws.String(dlqARN)}
	})
	payload := `{"op":"fail","msg":"` + strings.Repeat("x", 2000) + `"}`
	h.invokeEvent(t, payload)
	h.waitRuns(t, fake, 1, 1)
	if got := box.letters(dlqARN); len(got) != 0 {
		t.Fatalf("a dead letter after the first failure: %+v", got)
	}
	fake.Advance(time.Minute)
	h.waitRuns(t, fake, 2, 1)
	fake.Advance(2 * time.Minute)
	h.waitRuns(t, fake, 3, 0)
	got := box.letters(dlqARN)
	if len(got) != 1 {
		t.Fatalf("dead letters %+v, want one after the third failure", got)
	}
	dl := got[0]
	if dl.Payload != payload || dl.RequestID == "" || dl.ErrorCode != 200 || dl.ErrorMessage != strings.Repeat("x", 1024) {
		t.Fatalf("dead letter = payload %.40q…, request %q, code %d, message of %d bytes; want the event, its request ID, 200 and the error's first 1 KB",
			dl.Payload, dl.RequestID, dl.ErrorCode, len(dl.ErrorMessage))
	}
}

func TestDeadLetterConfig_isShownChangedAndChecked(t *testing.T) {
	h := newHarness(t, harnessConfig{opts: Options{Roles: fakeRoles{denied: map[string]bool{"sns:Publish": true}}}})
	out := h.create(t, "af", testZip(t), func(in *awslambda.CreateFunctionInput) {
		in.DeadLetterConfig = &types.DeadLetterConfig{TargetArn: aws.String(dlqARN)}
	})
	if out.DeadLetterConfig == nil || aws.ToString(out.DeadLetterConfig.TargetArn) != dlqARN {
		t.Fatalf("CreateFunction DeadLetterConfig = %+v, want the queue", out.DeadLetterConfig)
	}
	ctx := context.Background()
	h.waitUpdated(t, "af")
	_, err := h.client.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("af"),
		DeadLetterConfig: &types.DeadLetterConfig{TargetArn: aws.String("arn:aws:sns:us-east-1:000000000000:alarms")}})
	var bad *types.InvalidParameterValueException
	if !errors.As(err, &bad) || aws.ToString(bad.Message) != "The provided execution role does not have permissions to call Publish on SNS" {
		t.Fatalf("a topic the role may not publish to: %v, want InvalidParameterValueException", err)
	}
	up, err := h.client.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("af"),
		DeadLetterConfig: &types.DeadLetterConfig{TargetArn: aws.String("")}})
	if err != nil || up.DeadLetterConfig != nil {
		t.Fatalf("UpdateFunctionConfiguration with an empty target = %+v, %v; want the configuration removed", up.DeadLetterConfig, err)
	}
}
