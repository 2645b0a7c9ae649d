package sns

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// A publish whose every delivery reached its endpoint writes no outbox
// entry; one that failed is in the store before Publish returns, and a
// restart finds it, as it finds the published count.
func TestDeliveredPublishesSkipTheOutboxAndFailedOnesSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fail := false
	var delivered []string
	deliver := func(_ context.Context, d Delivery) error {
		if fail {
			return errors.New("queue unavailable")
		}
		delivered = append(delivered, d.Message)
		return nil
	}
	svc, err := NewWithOptions(testEnv(st), Options{Deliver: deliver})
	if err != nil {
		t.Fatal(err)
	}
	c := clientFor(t, svc)
	topic := createTopic(t, c, "t")
	subscribeQueue(t, c, topic, "q", nil)
	publish := func(msg string) {
		t.Helper()
		if _, err := c.Publish(ctx(), &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(msg)}); err != nil {
			t.Fatal(err)
		}
	}
	publish("delivered")
	if len(delivered) != 1 || len(svc.Pending()) != 0 {
		t.Fatalf("after a delivered publish: delivered %v, pending %d; want it delivered and no outbox entry", delivered, len(svc.Pending()))
	}
	fail = true
	publish("failed")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err = New(testEnv(st))
	if err != nil {
		t.Fatal(err)
	}
	p := svc.Pending()
	if len(p) != 1 || p[0].Message != "failed" || p[0].Attempts != 1 {
		t.Fatalf("after a restart, pending = %+v; want the failed delivery with 1 attempt", p)
	}
	if n := svc.PublishedCount(topic); n != 2 {
		t.Errorf("after a restart, published count = %d, want 2", n)
	}
}
