package sqs

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

func TestStateSurvivesARestartOnTheSameStore(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := clock.NewFake(epoch)
	f := serve(t, st, c)
	f.createQueue(t, "dlq", nil)
	url := f.createQueue(t, "q", map[string]string{"VisibilityTimeout": "60",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + arnOf("dlq") + `","maxReceiveCount":3}`})
	if _, err := f.client.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: aws.String(url), Tags: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	_, err = f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("in flight"),
		MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("String"), StringValue: aws.String("b")}}})
	if err != nil {
		t.Fatal(err)
	}
	inflight := f.receive(t, url, 1)[0]
	f.send(t, url, "visible")
	deleted := f.send(t, url, "deleted")
	_ = deleted
	h := f.receive(t, url, 10) // receives "visible" and "deleted"
	for _, m := range h {
		if aws.ToString(m.Body) == "deleted" {
			if _, err := f.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		} else {
			if _, err := f.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0}); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.srv.Close()
	f.svc.Close()
	st.Close()

	st2, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	g := serve(t, st2, c)
	url = g.srv.URL + "/" + testAccount + "/q"
	if got := g.attr(t, url, "VisibilityTimeout"); got != "60" {
		t.Errorf("VisibilityTimeout after restart = %s", got)
	}
	if got := g.attr(t, url, "RedrivePolicy"); got == "" {
		t.Error("RedrivePolicy lost in the restart")
	}
	if got := g.attr(t, url, "ApproximateNumberOfMessages") + "/" + g.attr(t, url, "ApproximateNumberOfMessagesNotVisible"); got != "1/1" {
		t.Fatalf("visible/in flight after restart = %s, want 1/1", got)
	}
	tags, err := g.client.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(url)})
	if err != nil || tags.Tags["k"] != "v" {
		t.Errorf("tags after restart = %v, %v", tags, err)
	}
	if _, err := g.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: inflight.ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	msgs := g.receive(t, url, 10)
	if len(msgs) != 1 || aws.ToString(msgs[0].Body) != "visible" || msgs[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Fatalf("after restart received %v, want only \"visible\" with receive count 2", msgs)
	}
	g.clock.Advance(time.Minute)
	// New messages must not reuse a stored sequence number.
	g.send(t, url, "after restart")
	if got := g.attr(t, url, "ApproximateNumberOfMessages"); got != "2" {
		t.Fatalf("visible after a new send = %s, want 2", got)
	}
	var notExist *types.QueueDoesNotExist
	if _, err := g.client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("never")}); !errors.As(err, &notExist) {
		t.Fatal(err)
	}
}

func TestDeletedQueueStaysDeletedAfterARestart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := clock.NewFake(epoch)
	f := serve(t, st, c)
	url := f.createQueue(t, "q", nil)
	f.send(t, url, "m")
	if _, err := f.client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	f.srv.Close()
	f.svc.Close()
	st.Close()
	st2, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	g := serve(t, st2, c)
	out, err := g.client.ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil || len(out.QueueUrls) != 0 {
		t.Fatalf("queues after restart = %v, %v", out.QueueUrls, err)
	}
	url = g.createQueue(t, "q", nil)
	if got := g.attr(t, url, "ApproximateNumberOfMessages"); got != "0" {
		t.Fatalf("a queue re-created after the restart holds %s old messages", got)
	}
}

func TestJournalCompactionKeepsEveryLiveMessage(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := clock.NewFake(epoch)
	f := serve(t, st, c)
	f.svc.compactMin = 10
	f.svc.compactAt.Store(10)
	url := f.createQueue(t, "q", nil)
	for i := range 30 {
		f.send(t, url, "m"+strconv.Itoa(i))
	}
	for range 2 { // 30 sends and 22 more entries for 10 live messages: past compactRatio
		for _, m := range f.receive(t, url, 10) {
			if _, err := f.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
	inflight := f.receive(t, url, 5)
	if f.svc.gen == 0 {
		t.Fatal("the journal was never compacted")
	}
	entries := 0
	st.View(func(tx *store.Tx) error {
		return tx.Scan(tableLog, "", func(string, []byte) error { entries++; return nil })
	})
	if entries > 5 {
		t.Errorf("%d journal entries after compaction", entries)
	}
	f.srv.Close()
	f.svc.Close()
	st.Close()
	st2, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	g := serve(t, st2, c)
	url = g.srv.URL + "/" + testAccount + "/q"
	if got := g.attr(t, url, "ApproximateNumberOfMessages") + "/" + g.attr(t, url, "ApproximateNumberOfMessagesNotVisible"); got != "5/5" {
		t.Fatalf("visible/in flight after compaction and restart = %s, want 5/5", got)
	}
	if _, err := g.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: inflight[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	if got := g.attr(t, url, "ApproximateNumberOfMessagesNotVisible"); got != "4" {
		t.Fatalf("a receipt handle from before the compaction did not delete: in flight %s", got)
	}
}
