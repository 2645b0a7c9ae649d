package sqs

import (
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

func TestConcurrentClientsDeliverEveryMessageOnceAndDurablyWhileTheJournalCompacts(t *testing.T) {
	const senders, batches, receivers = 6, 20, 4
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := clock.NewFake(epoch)
	f := serve(t, st, c)
	f.svc.compactMin, f.svc.compactRatio = 20, 0 // compact every 20 records, while clients write
	f.svc.compactAt.Store(20)
	url := f.createQueue(t, "q", nil)
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				entries := make([]types.SendMessageBatchRequestEntry, 10)
				for i := range entries {
					entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)),
						MessageBody: aws.String(strconv.Itoa(s) + "/" + strconv.Itoa(b) + "/" + strconv.Itoa(i))}
				}
				if _, err := f.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var mu sync.Mutex
	seen := map[string]int{}
	total := senders * batches * 10
	for range receivers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				done := len(seen) == total
				mu.Unlock()
				if done {
					return
				}
				out, err := f.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
				if err != nil {
					t.Error(err)
					return
				}
				var entries []types.DeleteMessageBatchRequestEntry
				for i, m := range out.Messages {
					mu.Lock()
					seen[aws.ToString(m.Body)]++
					mu.Unlock()
					entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
				}
				if len(entries) == 0 {
					continue
				}
				if _, err := f.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: entries}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if f.svc.gen == 0 {
		t.Errorf("the journal never compacted: %d records, compact at %d", f.svc.logSince.Load(), f.svc.compactAt.Load())
	}
	for body, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times within its visibility timeout", body, n)
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
	if got := g.attr(t, url, "ApproximateNumberOfMessages") + "/" + g.attr(t, url, "ApproximateNumberOfMessagesNotVisible"); got != "0/0" {
		t.Fatalf("after deleting every message and restarting: visible/in flight = %s", got)
	}
}
