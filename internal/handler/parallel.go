package handler

import (
	"context"
	"fmt"
	"sync"
)

// catalogParallel is how many messages of a batch the catalog action
// handles at once: a full SQS batch without a batching window (10). The S3
// client's HTTP transport keeps 10 idle connections per host
// (aws-sdk-go-v2 awshttp.DefaultHTTPTransportMaxIdleConnsPerHost), so up to
// 10 requests in flight reuse their connections from batch to batch.
const catalogParallel = 10

// eachMessage handles the n messages that message(i) returns, up to
// h.parallel at a time, and reports for each whether it succeeded. Its log
// lines follow the order in which the messages finish.
//
// Why in parallel: a catalog record is two S3 round trips (GetObject, then
// PutObject) and a few microseconds of work between them. Handled one after
// another, the process sleeps and wakes twice per record, and each wake-up
// is a context switch, which also wakes the Go runtime's monitor thread
// (sysmon); in the local pipeline that switching was a sixth of the
// function's CPU. With the batch's records in flight together, one wake-up
// serves several responses: in the pipeline bench the machine used about a
// tenth less CPU per object and moved about a seventh more objects per
// second (docs/benchmarks.md, round 4). Messages of a standard queue carry
// no order (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues.html),
// and Powertools for AWS Lambda (TypeScript)'s BatchProcessor handles a
// batch's records in parallel by default for the same reason. The
// thumbnail action keeps one at a time (h.parallel 1): its work is decoding
// and scaling an image, which a second goroutine on the function's one
// processor would not speed up, and each decoded image holds memory.
//
// A message whose handling panics fails alone, with its panic logged as
// the record's error, rather than taking the batch down with it.
func (h *Handler) eachMessage(ctx context.Context, n int, message func(i int) (id, body string)) []bool {
	ok := make([]bool, n)
	if h.parallel <= 1 || n <= 1 {
		for i := range n {
			id, body := message(i)
			ok[i] = h.handleMessageSafely(ctx, id, body)
		}
		return ok
	}
	sem := make(chan struct{}, h.parallel)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			id, body := message(i)
			ok[i] = h.handleMessageSafely(ctx, id, body)
		})
	}
	wg.Wait()
	return ok
}

// handleMessageSafely is handleMessage, turning a panic into a failure of
// this message alone, logged as its error.
func (h *Handler) handleMessageSafely(ctx context.Context, id, body string) (ok bool) {
	start := h.now()
	defer func() {
		if v := recover(); v != nil {
			h.logRecord(ctx, logEntry{messageID: id, start: start, err: fmt.Errorf("panic: %v", v)})
			ok = false
		}
	}()
	return h.handleMessage(ctx, id, body)
}
