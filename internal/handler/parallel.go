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

// eachMessage handles the n messages that message(i) returns, on h's
// workers (catalogParallel at a time) when it has them, else one after
// another, and reports for each whether it succeeded. Its log
// lines follow the order in which the messages finish.
//
// Why in parallel: a catalog record is two S3 round trips (GetObject, then
// PutObject) and a few microseconds of work between them. Handled one after
// another, the process sleeps and wakes twice per record, and each wake-up
// is a context switch, which also wakes the Go runtime's monitor thread
// (sysmon). With the batch's records in flight together, one wake-up
// serves several responses: in alternating runs of the pipeline bench the
// machine used about a tenth less CPU per run (2.81 → 2.54 s) and moved
// about a seventh more objects per second (803 → 912; docs/benchmarks.md,
// round 4). Messages of a standard queue carry no order
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues.html),
// and Powertools for AWS Lambda (TypeScript)'s BatchProcessor also handles
// a batch's records in parallel by default. The thumbnail action keeps one
// at a time (no workers): its work is decoding and scaling an image, which
// a second goroutine on the function's one processor would not speed up,
// and each decoded image holds memory.
//
// A message whose handling panics fails alone, with its panic logged as
// the record's error, rather than taking the batch down with it.
func (h *Handler) eachMessage(ctx context.Context, n int, message func(i int) (id, body string)) []bool {
	ok := make([]bool, n)
	if h.workers == nil || n <= 1 {
		for i := range n {
			id, body := message(i)
			ok[i] = h.handleMessageSafely(ctx, id, body)
		}
		return ok
	}
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range n {
		h.workers.jobs <- func() {
			defer wg.Done()
			id, body := message(i)
			ok[i] = h.handleMessageSafely(ctx, id, body)
		}
	}
	wg.Wait()
	return ok
}

// workers are the goroutines that handle a batch's messages in parallel.
// They live as long as the Handler, not one batch: a message's call chain
// (the SDK's middleware stack) is deep, and a fresh goroutine grows its
// stack by copying it several times on the way down, which cost the
// catalog function about a twentieth of its CPU (perf record of the
// function's processes during the pipeline bench: runtime.newstack and
// copystack).
type workers struct {
	jobs chan func()
}

// startWorkers starts n workers. Sending a job waits while all n are busy.
func startWorkers(n int) *workers {
	w := &workers{jobs: make(chan func())}
	for range n {
		go func() {
			for job := range w.jobs {
				job()
			}
		}()
	}
	return w
}

// stop ends the workers once they finish their jobs.
func (w *workers) stop() { close(w.jobs) }

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
