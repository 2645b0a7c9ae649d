package esm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// fakeQueues is an in-memory queue set: Receive hands out every visible
// message (up to max) and hides it until Delete or Requeue.
type fakeQueues struct {
	mu          sync.Mutex
	visibility  map[string]time.Duration // queue ARN → visibility timeout
	ready       map[string][]Message
	inFlight    map[string]Message // receipt handle → message
	deleted     []string           // message IDs
	deleteCalls int                // DeleteBatch calls
	arrived     chan struct{}
	seq         int
}

func newFakeQueues() *fakeQueues {
	return &fakeQueues{visibility: map[string]time.Duration{}, ready: map[string][]Message{}, inFlight: map[string]Message{}, arrived: make(chan struct{}, 100)}
}

func (q *fakeQueues) add(queueARN string, bodies ...string) {
	q.mu.Lock()
	for _, b := range bodies {
		q.seq++
		q.ready[queueARN] = append(q.ready[queueARN], Message{MessageID: fmt.Sprintf("m%d", q.seq), Body: b, Attributes: map[string]string{"ApproximateReceiveCount": "1"}})
	}
	q.mu.Unlock()
	q.arrived <- struct{}{}
}

func (q *fakeQueues) Receive(ctx context.Context, queueARN string, max int, wait time.Duration) ([]Message, error) {
	for {
		q.mu.Lock()
		if _, ok := q.visibility[queueARN]; !ok {
			q.mu.Unlock()
			return nil, errors.New("no such queue")
		}
		if msgs := q.ready[queueARN]; len(msgs) > 0 {
			n := min(max, len(msgs))
			out := append([]Message(nil), msgs[:n]...)
			q.ready[queueARN] = msgs[n:]
			for i := range out {
				q.seq++
				out[i].ReceiptHandle = fmt.Sprintf("rh%d", q.seq)
				q.inFlight[out[i].ReceiptHandle] = out[i]
			}
			q.mu.Unlock()
			return out, nil
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, nil
		case <-q.arrived:
		case <-time.After(50 * time.Millisecond):
			return nil, nil
		}
	}
}

func (q *fakeQueues) DeleteBatch(queueARN string, handles []string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.deleteCalls++
	for _, handle := range handles {
		if m, ok := q.inFlight[handle]; ok {
			q.deleted = append(q.deleted, m.MessageID)
			delete(q.inFlight, handle)
		}
	}
	return nil
}

func (q *fakeQueues) VisibilityTimeout(queueARN string) (time.Duration, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	vt, ok := q.visibility[queueARN]
	if !ok {
		return 0, errors.New("no such queue")
	}
	return vt, nil
}

func (q *fakeQueues) deletedIDs() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.deleted...)
}

func (q *fakeQueues) inFlightIDs() map[string]bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	ids := map[string]bool{}
	for _, m := range q.inFlight {
		ids[m.MessageID] = true
	}
	return ids
}

// fakeFunctions answers invocations with respond and records the events.
type fakeFunctions struct {
	mu      sync.Mutex
	fns     map[string]Function
	respond func(ev events.SQSEvent) (result []byte, fnErr string, err error)
	events  []events.SQSEvent
	invoked chan struct{}
}

func (f *fakeFunctions) Lookup(name string) (Function, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, fn := range f.fns {
		if fn.Name == name || fn.ARN == name {
			return fn, true
		}
	}
	return Function{}, false
}

func (f *fakeFunctions) InvokeSync(ctx context.Context, name string, payload []byte) ([]byte, string, error) {
	var ev events.SQSEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, "", err
	}
	f.mu.Lock()
	f.events = append(f.events, ev)
	respond := f.respond
	f.mu.Unlock()
	res, fnErr, err := respond(ev)
	f.invoked <- struct{}{}
	return res, fnErr, err
}

// allowAll is a Permissions that allows everything but the denied actions.
type allowAll struct{ denied map[string]bool }

func (a allowAll) Allowed(_, action, _ string) bool { return !a.denied[action] }

// snapshot returns the events the functions got so far.
func (f *fakeFunctions) snapshot() []events.SQSEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.events)
}
