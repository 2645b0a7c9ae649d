package esm

import (
	"context"
	"sync"
	"time"
)

// Scaling follows Lambda's for standard queues (AWS-RULES L11,
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html):
// "When messages are available, Lambda starts processing five batches at a
// time with five concurrent invocations of your function. If messages are
// still available, Lambda increases the number of processes that are
// reading batches by up to 300 more instances per minute. [...] When
// traffic is low, Lambda scales back the processing to five concurrent
// batches."
//
// A mapping's limit is its ScalingConfig.MaximumConcurrency, or
// Options.DefaultPollers without one (a local bound where Lambda allows
// 1,000). It starts with min(initialPollers, limit) pollers. While receives
// come back full (messages are still available: one since the last poller
// was added), one poller is added every Options.ScaleUpInterval (300 a
// minute by default), up to the limit. A poller beyond the first ones
// whose long poll ends empty stops. This service used to start every
// poller the limit allows; on one host, concurrent instances only share its
// CPU, and the pipeline bench then used 8–12 % more CPU per object with ten
// catalog instances than with two or three. Since the catalog function
// handles a batch's messages in parallel, the number of instances makes no
// measurable difference (docs/benchmarks.md, round 5). Under a sustained
// backlog scaling reaches the limit within a few seconds, as on Lambda.
const (
	initialPollers         = 5
	defaultScaleUpInterval = time.Minute / 300
)

// A scaler holds the poller count of one mapping's run.
type scaler struct {
	mu      sync.Mutex
	active  int  // running pollers
	start   int  // pollers the run starts with and scales back to
	limit   int  // most pollers
	backlog bool // a receive since the last poller was added came back full
	spawn   func()
}

// observe records a receive. A full one means messages are still
// available, until grow acts on it. One that was not full does not
// withdraw that: pollers record their receives in whatever order they get
// the CPU, so an empty long poll that ended before a full receive may be
// recorded after it. When it was the last record before every poller got
// busy with its batch, scaling stopped although messages remained (seen
// under load in TestMappingScalesUpToItsMaximumConcurrencyWhileMessagesRemain:
// 7 pollers busy, 430 messages waiting, no more pollers added).
func (sc *scaler) observe(full bool) {
	if !full {
		return
	}
	sc.mu.Lock()
	sc.backlog = true
	sc.mu.Unlock()
}

// retire reports whether a poller whose long poll ended empty should stop,
// and if so counts it out.
func (sc *scaler) retire() bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.active <= sc.start {
		return false
	}
	sc.active--
	return true
}

// grow adds a poller when messages are still available and the limit
// allows one more.
func (sc *scaler) grow() {
	sc.mu.Lock()
	add := sc.backlog && sc.active < sc.limit
	if add {
		sc.active++
		sc.backlog = false // the next full receive says whether to go on
	}
	sc.mu.Unlock()
	if add {
		sc.spawn()
	}
}

// size is the number of running pollers.
func (sc *scaler) size() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.active
}

// run grows the run every interval until ctx ends.
func (sc *scaler) run(ctx context.Context, after func(time.Duration) <-chan time.Time, interval time.Duration) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-after(interval):
		}
		sc.grow()
	}
}
