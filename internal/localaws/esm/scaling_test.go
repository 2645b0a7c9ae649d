package esm

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// blockingFunction makes h's function wait for release and tracks how many
// invocations run at once.
type blockingFunction struct {
	mu      sync.Mutex
	running int
	most    int
	release chan struct{}
	once    sync.Once
}

// releaseAll lets every invocation, running or to come, return. It may be
// called more than once.
func (b *blockingFunction) releaseAll() { b.once.Do(func() { close(b.release) }) }

// blockInvocations makes h's function block until releaseAll, which the
// test's cleanup also calls before the harness closes: a test that stops
// early (t.Fatal) fails instead of leaving the service's Close waiting
// for invocations that never return.
func blockInvocations(t *testing.T, h *harness) *blockingFunction {
	b := &blockingFunction{release: make(chan struct{})}
	t.Cleanup(b.releaseAll)
	h.fns.respond = func(events.SQSEvent) ([]byte, string, error) {
		b.mu.Lock()
		b.running++
		b.most = max(b.most, b.running)
		b.mu.Unlock()
		<-b.release
		b.mu.Lock()
		b.running--
		b.mu.Unlock()
		return []byte(`{"batchItemFailures":[]}`), "", nil
	}
	go func() { // the fake records every invocation on a bounded channel
		for range h.fns.invoked {
		}
	}()
	return b
}

func (b *blockingFunction) counts() (running, most int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.running, b.most
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func messages(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "m"
	}
	return out
}

// runBlocked creates a mapping with maxConcurrency over a queue holding
// msgs messages, whose function blocks (see blockInvocations), and returns
// the function and the mapping.
func runBlocked(t *testing.T, h *harness, maxConcurrency int32, msgs int) (*blockingFunction, *lambda.CreateEventSourceMappingOutput) {
	fn := blockInvocations(t, h)
	out := h.create(t, &lambda.CreateEventSourceMappingInput{BatchSize: aws.Int32(10),
		ScalingConfig: &lambdatypes.ScalingConfig{MaximumConcurrency: aws.Int32(maxConcurrency)}})
	h.q.add(queueARN, messages(msgs)...)
	return fn, out
}

// expectPeak waits until want invocations run at once, then checks that
// no more ever did.
func expectPeak(t *testing.T, fn *blockingFunction, want int, why string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d concurrent invocations", want), func() bool { r, _ := fn.counts(); return r == want })
	time.Sleep(50 * time.Millisecond)
	if _, most := fn.counts(); most != want {
		t.Errorf("%d concurrent invocations at most, want %d: %s", most, want, why)
	}
}

func TestMappingStartsWithFiveConcurrentBatches(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.svc.opts.ScaleUpInterval = time.Hour // no scaling up during the test
	fn, _ := runBlocked(t, h, 8, 200)
	expectPeak(t, fn, 5, "the five Lambda starts with")
}

func TestMappingScalesUpToItsMaximumConcurrencyWhileMessagesRemain(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.svc.opts.ScaleUpInterval = 5 * time.Millisecond
	fn, out := runBlocked(t, h, 8, 500)
	expectPeak(t, fn, 8, "MaximumConcurrency 8")

	// Once the queue is drained, the pollers beyond the first five stop.
	fn.releaseAll()
	waitFor(t, "every message deleted", func() bool { return len(h.q.deletedIDs()) == 500 })
	h.svc.mu.Lock()
	sc := h.svc.scalers[aws.ToString(out.UUID)]
	h.svc.mu.Unlock()
	waitFor(t, "scaling back to five pollers", func() bool { return sc.size() == 5 })
}

func TestMappingBelowFiveStartsAtItsMaximumConcurrency(t *testing.T) {
	h := newHarness(t, nil, nil)
	fn, _ := runBlocked(t, h, 2, 100)
	expectPeak(t, fn, 2, "MaximumConcurrency 2")
}

func TestScalerGrowsAfterAFullReceiveRecordedBeforeAnEmptyOne(t *testing.T) {
	spawned := 0
	sc := &scaler{active: 5, start: 5, limit: 8, spawn: func() { spawned++ }}
	sc.observe(true)
	sc.observe(false) // an older empty long poll, recorded late
	sc.grow()
	if spawned != 1 || sc.size() != 6 {
		t.Fatalf("after a full and then an empty receive: %d pollers added, %d running; want 1 and 6", spawned, sc.size())
	}
	sc.grow()
	if spawned != 1 {
		t.Fatalf("grew again without a full receive since the last poller was added")
	}
	sc.observe(false)
	sc.grow()
	if spawned != 1 {
		t.Fatalf("grew after only a receive that was not full")
	}
}
