package sns

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
)

func TestConcurrentPublishesAreCountedAndDeliveredOnce(t *testing.T) {
	svc, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	subscribeQueue(t, c, topic, "q", nil)
	const workers, each = 8, 20
	var mu sync.Mutex
	seen := map[string]int{}
	deliver := func(_ context.Context, d Delivery) error {
		mu.Lock()
		seen[d.MessageID]++
		mu.Unlock()
		return nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*each+workers)
	for w := range workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := c.Publish(ctx(), &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(fmt.Sprint(w, i))}); err != nil {
					errs <- err
				}
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := svc.DrainOutbox(ctx(), deliver); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if _, err := svc.DrainOutbox(ctx(), deliver); err != nil {
		t.Fatal(err)
	}
	if n := svc.PublishedCount(topic); n != workers*each {
		t.Errorf("PublishedCount = %d, want %d", n, workers*each)
	}
	if len(seen) != workers*each {
		t.Errorf("delivered %d messages, want %d", len(seen), workers*each)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s delivered %d times", id, n)
		}
	}
	if p := svc.Pending(); len(p) != 0 {
		t.Errorf("pending = %d", len(p))
	}
}
