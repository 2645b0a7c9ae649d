package handler

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// gatedS3 is a fakeS3 whose GetObject counts the calls in flight, holds
// each until `await` of them have been in flight together (or patience has
// passed), and panics for the key panicOn.
type gatedS3 struct {
	*fakeS3
	await    int
	patience time.Duration
	panicOn  string

	mu          sync.Mutex
	cond        *sync.Cond
	open        bool
	inFlight    int
	maxInFlight int
}

func newGatedS3(fake *fakeS3, await int) *gatedS3 {
	g := &gatedS3{fakeS3: fake, await: await, patience: time.Second}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *gatedS3) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if aws.ToString(in.Key) == g.panicOn {
		panic("boom on " + g.panicOn)
	}
	g.mu.Lock()
	g.inFlight++
	g.maxInFlight = max(g.maxInFlight, g.inFlight)
	if g.inFlight >= g.await {
		g.open = true
		g.cond.Broadcast()
	}
	deadline := time.Now().Add(g.patience)
	wake := time.AfterFunc(g.patience, func() { g.mu.Lock(); g.cond.Broadcast(); g.mu.Unlock() })
	for !g.open && time.Now().Before(deadline) {
		g.cond.Wait()
	}
	wake.Stop()
	g.mu.Unlock()
	defer func() { g.mu.Lock(); g.inFlight--; g.mu.Unlock() }()
	return g.fakeS3.GetObject(ctx, in, opts...)
}

func (g *gatedS3) peak() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.maxInFlight
}

// putMessages stores n objects uploads/obj-<i>.jpg holding data and returns
// one SQS message per object, with the S3 event as its raw body.
func putMessages(t *testing.T, fake *fakeS3, n int, data []byte) []msg {
	t.Helper()
	event := string(readTestdata(t, "s3-put.json"))
	var msgs []msg
	for i := range n {
		key := fmt.Sprintf("uploads/obj-%02d.jpg", i)
		fake.put(testBucket, key, "", data)
		msgs = append(msgs, msg{id: fmt.Sprintf("m%02d", i),
			body: strings.Replace(event, `"uploads/cat+photo.jpg"`, `"`+key+`"`, 1)})
	}
	return msgs
}

func TestHandle_catalogHandlesABatchsMessagesInParallel(t *testing.T) {
	// GIVEN a full batch of 10 uploads, and an S3 that answers a GetObject
	// only once 10 are in flight
	fake := newFakeS3()
	msgs := putMessages(t, fake, 10, []byte("some text"))
	gated := newGatedS3(fake, 10)
	h, logs := testHandler(t, ActionCatalog, gated)

	// WHEN the batch is handled
	start := time.Now()
	failures := handle(t, h, sqsEvent(t, msgs...))

	// THEN the 10 reads were in flight together, well before the gate's
	// one-second fallback, and every record was cataloged
	if got := gated.peak(); got != 10 {
		t.Errorf("GetObject calls in flight at once = %d, want 10", got)
	}
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
		t.Errorf("batch took %v: the reads waited for the gate's fallback, so they did not run together", elapsed)
	}
	if len(failures) != 0 {
		t.Errorf("failures = %q, want none", failures)
	}
	if got := len(fake.putKeys()); got != 10 {
		t.Errorf("%d catalog entries written, want 10", got)
	}
	if got := outcomes(logLines(t, logs)); !sameElements(got, slices.Repeat([]string{OutcomeOK}, 10)) {
		t.Errorf("outcomes = %q, want 10 × ok", got)
	}
}

func TestHandle_catalogHandlesAtMostTenMessagesAtOnce(t *testing.T) {
	// GIVEN a batch of 25 messages (a batching window allows more than 10)
	fake := newFakeS3()
	msgs := putMessages(t, fake, 25, []byte("some text"))
	gated := newGatedS3(fake, 25) // never reached: each read waits out its patience
	gated.patience = 100 * time.Millisecond
	h, _ := testHandler(t, ActionCatalog, gated)

	// WHEN it is handled
	failures := handle(t, h, sqsEvent(t, msgs...))

	// THEN no more than catalogParallel reads were ever in flight
	if got := gated.peak(); got != catalogParallel {
		t.Errorf("GetObject calls in flight at once = %d, want %d", got, catalogParallel)
	}
	if len(failures) != 0 {
		t.Errorf("failures = %q, want none", failures)
	}
}

func TestHandle_thumbnailHandlesOneMessageAtATime(t *testing.T) {
	// GIVEN three image uploads
	fake := newFakeS3()
	msgs := putMessages(t, fake, 3, makeJPEG(t, 8, 8))
	gated := newGatedS3(fake, 1)
	h, _ := testHandler(t, ActionThumbnail, gated)

	// WHEN the batch is handled
	failures := handle(t, h, sqsEvent(t, msgs...))

	// THEN each image was read alone and every thumbnail written
	if got := gated.peak(); got != 1 {
		t.Errorf("GetObject calls in flight at once = %d, want 1", got)
	}
	if len(failures) != 0 || len(fake.putKeys()) != 3 {
		t.Errorf("failures = %q, puts = %q; want none and 3", failures, fake.putKeys())
	}
}

func TestHandle_aPanickingMessageFailsAlone(t *testing.T) {
	for _, action := range []string{ActionCatalog, ActionThumbnail} {
		t.Run(action, func(t *testing.T) {
			// GIVEN three uploads, the second of which makes S3 panic
			fake := newFakeS3()
			msgs := putMessages(t, fake, 3, makeJPEG(t, 8, 8))
			gated := newGatedS3(fake, 1)
			gated.panicOn = "uploads/obj-01.jpg"
			h, logs := testHandler(t, action, gated)

			// WHEN the batch is handled
			failures := handle(t, h, sqsEvent(t, msgs...))

			// THEN only that message failed, with the panic logged as its
			// error, and the others were written
			if !slices.Equal(failures, []string{"m01"}) {
				t.Errorf("failures = %q, want [m01]", failures)
			}
			if got := len(fake.putKeys()); got != 2 {
				t.Errorf("%d outputs written, want 2", got)
			}
			var errs []string
			for _, r := range logLines(t, logs) {
				if r.Outcome == OutcomeError {
					errs = append(errs, r.MessageID+": "+r.Error)
				}
			}
			if len(errs) != 1 || !strings.Contains(errs[0], "m01: panic: boom on uploads/obj-01.jpg") {
				t.Errorf("error lines = %q, want one for m01 naming the panic", errs)
			}
		})
	}
}

func TestClose_stopsTheCatalogWorkers(t *testing.T) {
	// GIVEN a catalog handler, whose workers run while it lives
	before := runtime.NumGoroutine()
	h, err := New(Options{Config: Config{Action: ActionCatalog, InputPrefix: DefaultInputPrefix}, S3: newFakeS3()})
	if err != nil {
		t.Fatal(err)
	}
	if got := runtime.NumGoroutine() - before; got != catalogParallel {
		t.Errorf("New started %d goroutines, want %d workers", got, catalogParallel)
	}

	// WHEN it is closed
	h.Close()

	// THEN its workers end
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := runtime.NumGoroutine() - before; got > 0 {
		t.Errorf("%d goroutines still running after Close", got)
	}
}
