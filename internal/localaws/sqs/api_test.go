package sqs

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

func TestInProcessAPIDeliversReceivesAndDeletes(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", map[string]string{"VisibilityTimeout": "90", "Policy": `{"Statement":[]}`})
	arn := arnOf("q")
	if policy, ok := f.svc.QueuePolicy(arn); !ok || policy != `{"Statement":[]}` {
		t.Fatalf("QueuePolicy = %q, %v", policy, ok)
	}
	if _, ok := f.svc.QueuePolicy(arnOf("missing")); ok {
		t.Fatal("QueuePolicy found a missing queue")
	}
	if vt, err := f.svc.VisibilityTimeout(arn); err != nil || vt != 90*time.Second {
		t.Fatalf("VisibilityTimeout = %v, %v", vt, err)
	}
	attrs := map[string]MessageAttribute{"kind": {DataType: "String", StringValue: "s3"}}
	if err := f.svc.SendFromService(context.Background(), arn, `{"Records":[]}`, attrs); err != nil {
		t.Fatal(err)
	}
	msgs, err := f.svc.Receive(context.Background(), arn, 10, 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Receive = %v, %v", msgs, err)
	}
	m := msgs[0]
	if m.Body != `{"Records":[]}` || m.MD5OfBody != md5Hex(m.Body) || m.MessageAttributes["kind"].StringValue != "s3" ||
		m.Attributes["ApproximateReceiveCount"] != "1" || m.Attributes["SentTimestamp"] == "" || m.MD5OfMessageAttributes != md5OfAttributes(attrs) {
		t.Fatalf("message = %+v", m)
	}
	if err := f.svc.Delete(arn, m.ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	if got := f.attr(t, url, "ApproximateNumberOfMessagesNotVisible"); got != "0" {
		t.Fatalf("in flight after Delete = %s", got)
	}
}

func TestInProcessAPIReportsAWSErrors(t *testing.T) {
	f := newFixture(t)
	f.createQueue(t, "q", nil)
	var e *awsproto.Error
	if err := f.svc.SendFromService(context.Background(), arnOf("missing"), "x", nil); !errors.As(err, &e) || e.Code != "QueueDoesNotExist" {
		t.Errorf("send to a missing queue: %v", err)
	}
	if err := f.svc.SendFromService(context.Background(), arnOf("q"), "", nil); !errors.As(err, &e) || e.Code != "MissingParameter" {
		t.Errorf("send an empty body: %v", err)
	}
	if err := f.svc.Delete(arnOf("q"), "garbage"); !errors.As(err, &e) || e.Code != "ReceiptHandleIsInvalid" {
		t.Errorf("delete a bad handle: %v", err)
	}
	if _, err := f.svc.Receive(context.Background(), arnOf("q"), 11, 0); !errors.As(err, &e) || e.Code != "InvalidParameterValue" {
		t.Errorf("receive 11: %v", err)
	}
	if _, err := f.svc.Receive(context.Background(), "arn:aws:sqs:eu-west-1:"+testAccount+":q", 1, 0); !errors.As(err, &e) || e.Code != "QueueDoesNotExist" {
		t.Errorf("receive from another region's ARN: %v", err)
	}
}

func TestInProcessReceiveLongPollEndsWithItsContext(t *testing.T) {
	f := newFixture(t)
	f.createQueue(t, "q", nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		msgs, err := f.svc.Receive(ctx, arnOf("q"), 1, 20*time.Second)
		if len(msgs) != 0 {
			err = errors.New("got messages")
		}
		done <- err
	}()
	f.waitPollers(t, "q", 1)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A batch from a service commits its valid messages together and refuses
// each invalid one on its own, as SendMessageBatch does entry by entry.
func TestSendBatchFromServiceRefusesOnlyTheInvalidMessages(t *testing.T) {
	f := newFixture(t)
	f.createQueue(t, "q", map[string]string{"MaximumMessageSize": "1024"})
	arn := arnOf("q")
	errs, err := f.svc.SendBatchFromService(context.Background(), arn, []OutMessage{
		{Body: "first"}, {Body: strings.Repeat("x", 2000)}, {Body: "third"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var e *awsproto.Error
	if errs[0] != nil || errs[2] != nil || !errors.As(errs[1], &e) || e.Code != "InvalidParameterValue" {
		t.Fatalf("errs = %v; want only the 2000-byte body refused with InvalidParameterValue", errs)
	}
	msgs, err := f.svc.Receive(context.Background(), arn, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, m := range msgs {
		bodies = append(bodies, m.Body)
	}
	slices.Sort(bodies)
	if !slices.Equal(bodies, []string{"first", "third"}) {
		t.Fatalf("received %v, want first and third", bodies)
	}
	handles := []string{msgs[0].ReceiptHandle, msgs[1].ReceiptHandle}
	if err := f.svc.DeleteBatch(arn, handles); err != nil {
		t.Fatal(err)
	}
	if left, _ := f.svc.Receive(context.Background(), arn, 10, 0); len(left) != 0 {
		t.Fatalf("after DeleteBatch, %d messages are still receivable", len(left))
	}
	if _, err := f.svc.SendBatchFromService(context.Background(), arnOf("missing"), []OutMessage{{Body: "x"}}); !errors.As(err, &e) || e.Code != "QueueDoesNotExist" {
		t.Errorf("batch to a missing queue: %v, want QueueDoesNotExist", err)
	}
}
