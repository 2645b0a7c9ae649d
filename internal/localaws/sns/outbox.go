package sns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// A Delivery is one message on its way to one subscription: an entry of
// the publish outbox. It holds everything needed to deliver it without
// looking at the topic or subscription again.
type Delivery struct {
	ID              string `json:"id"` // outbox key; IDs sort in publish order
	MessageID       string `json:"messageId"`
	TopicARN        string `json:"topicArn"`
	SubscriptionARN string `json:"subscriptionArn"`
	Protocol        string `json:"protocol"` // "sqs", "lambda", …
	Endpoint        string `json:"endpoint"` // e.g. the queue ARN
	Raw             bool   `json:"raw"`      // RawMessageDelivery
	Subject         string `json:"subject,omitempty"`
	Message         string `json:"message"` // the message for this protocol
	// Body is the exact body to deliver: the Envelope, or Message itself
	// for raw delivery.
	Body string `json:"body"`
	// MessageAttributes are the published attributes; with raw delivery to
	// SQS they become the SQS message's attributes.
	MessageAttributes map[string]MessageAttribute `json:"messageAttributes,omitempty"`
	RedrivePolicy     string                      `json:"redrivePolicy,omitempty"` // the subscription's DLQ
	Timestamp         time.Time                   `json:"timestamp"`
	Attempts          int                         `json:"attempts"` // failed attempts so far
}

// A DeliverFunc hands one delivery to its endpoint. It returns nil once the
// endpoint has it durably; an error wrapping ErrUndeliverable drops the
// delivery for good (e.g. the queue is gone or its policy refuses the
// topic); any other error keeps it for a later attempt.
type DeliverFunc func(ctx context.Context, d Delivery) error

// A DeliverBatchFunc hands several deliveries over at once, so that the
// endpoints can take them in one write each; errs[i] is what a DeliverFunc
// would have returned for ds[i].
type DeliverBatchFunc func(ctx context.Context, ds []Delivery) (errs []error)

// ErrUndeliverable marks a delivery that must not be retried.
var ErrUndeliverable = errors.New("sns: undeliverable")

// outbox is the in-memory view of the outbox table.
type outbox struct {
	mu      sync.Mutex // guards pending and claimed
	pending map[string]Delivery
	claimed map[string]bool // being delivered right now
	ready   chan struct{}   // receives when entries were added
}

func newOutbox() outbox {
	return outbox{pending: map[string]Delivery{}, claimed: map[string]bool{}, ready: make(chan struct{}, 1)}
}

func (o *outbox) add(ds ...Delivery) {
	o.mu.Lock()
	for _, d := range ds {
		o.pending[d.ID] = d
	}
	o.mu.Unlock()
	select {
	case o.ready <- struct{}{}:
	default:
	}
}

// claim marks an entry as being delivered; false if it is gone or taken.
func (o *outbox) claim(id string) (Delivery, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	d, ok := o.pending[id]
	if !ok || o.claimed[id] {
		return Delivery{}, false
	}
	o.claimed[id] = true
	return d, true
}

func (o *outbox) finish(id string, remove bool, d Delivery) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.claimed, id)
	if remove {
		delete(o.pending, id)
	} else if _, ok := o.pending[id]; ok {
		o.pending[id] = d
		// A dispatcher that drained while this entry was claimed skipped
		// it; tell it the entry is back, or it would wait for the next
		// publish.
		select {
		case o.ready <- struct{}{}:
		default:
		}
	}
}

func (o *outbox) ids() []string {
	o.mu.Lock()
	ids := make([]string, 0, len(o.pending))
	for id := range o.pending {
		ids = append(ids, id)
	}
	o.mu.Unlock()
	sort.Strings(ids)
	return ids
}

// Pending returns the outbox entries not yet delivered, in publish order.
func (s *Service) Pending() []Delivery {
	ids := s.outbox.ids()
	out := make([]Delivery, 0, len(ids))
	s.outbox.mu.Lock()
	for _, id := range ids {
		if d, ok := s.outbox.pending[id]; ok {
			out = append(out, d)
		}
	}
	s.outbox.mu.Unlock()
	return out
}

// OutboxReady returns a channel that receives (coalesced) whenever new
// deliveries enter the outbox, so a dispatcher can wait for work instead
// of polling. Entries present at start are signalled too.
func (s *Service) OutboxReady() <-chan struct{} { return s.outbox.ready }

// DrainOutbox hands every pending delivery not already being delivered to
// deliver, in publish order, and returns how many it removed from the
// outbox (delivered or dropped as undeliverable). A failed delivery stays,
// with Attempts incremented; the failures are returned joined. It is safe
// to call concurrently with Publish and with itself: each entry is handed
// to one caller at a time.
func (s *Service) DrainOutbox(ctx context.Context, deliver DeliverFunc) (int, error) {
	return s.deliverIDs(ctx, s.outbox.ids(), deliver)
}

func (s *Service) deliverIDs(ctx context.Context, ids []string, deliver DeliverFunc) (int, error) {
	var errs []error
	var gone []Delivery // delivered or undeliverable: to remove from the outbox together
	for _, id := range ids {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		d, ok := s.outbox.claim(id)
		if !ok {
			continue
		}
		err := deliver(ctx, d)
		if err == nil || errors.Is(err, ErrUndeliverable) {
			if err != nil {
				s.env.Log.Warn("sns: dropping undeliverable message", "subscription", d.SubscriptionARN, "messageId", d.MessageID, "err", err)
			}
			gone = append(gone, d)
			continue
		}
		d.Attempts++
		if b, merr := json.Marshal(d); merr == nil {
			if serr := s.env.Store.Update(func(tx *store.Tx) error { return tx.Put(tableOutbox, id, b) }); serr != nil {
				errs = append(errs, serr)
			}
		}
		s.outbox.finish(id, false, d)
		errs = append(errs, fmt.Errorf("deliver %s to %s: %w", d.MessageID, d.Endpoint, err))
	}
	// Finished deliveries leave the outbox at once in memory, and in the
	// store with the next transaction (store.Later): should a crash come
	// first, they are delivered again — at least once, never lost.
	if len(gone) == 0 {
		return 0, errors.Join(errs...)
	}
	s.env.Store.Later(func(tx *store.Tx) error {
		for _, d := range gone {
			if err := tx.Delete(tableOutbox, d.ID); err != nil {
				return err
			}
		}
		return nil
	})
	for _, d := range gone {
		s.outbox.finish(d.ID, true, d)
	}
	return len(gone), errors.Join(errs...)
}
