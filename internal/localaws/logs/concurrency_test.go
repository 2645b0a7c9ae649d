package logs

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// TestConcurrentWritersAndReaders runs writers on several streams, readers
// of the whole group, and a create/delete churn of other groups at once:
// every acknowledged event must be readable afterwards, exactly once.
func TestConcurrentWritersAndReaders(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	const writers, batches, perBatch = 4, 10, 5
	for w := range writers {
		f.createStream(t, "g", fmt.Sprintf("s%d", w))
	}
	now := f.nowMs()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				evs := make([]types.InputLogEvent, perBatch)
				for i := range evs {
					evs[i] = types.InputLogEvent{Timestamp: aws.Int64(now - int64(b*perBatch+i)), Message: aws.String(fmt.Sprintf("w%d b%d i%d", w, b, i))}
				}
				if _, err := f.client.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(fmt.Sprintf("s%d", w)), LogEvents: evs}); err != nil {
					errs <- err
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range 10 {
				if _, err := f.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String("w1")}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 10 {
			name := fmt.Sprintf("churn%d", i%3)
			f.svc.Append(ctx, name, "s", []InputEvent{{Timestamp: now, Message: "x"}})
			f.client.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String(name)})
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	out, err := f.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range out.Events {
		if seen[*e.Message] {
			t.Errorf("event %q stored twice", *e.Message)
		}
		seen[*e.Message] = true
	}
	if len(seen) != writers*batches*perBatch {
		t.Errorf("events = %d, want %d", len(seen), writers*batches*perBatch)
	}
}
