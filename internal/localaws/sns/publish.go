package sns

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strconv"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/sns/filterpolicy"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// PublishBatch limits (https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html).
const maxBatchEntries = 10

var batchID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

func (s *Service) publish(c *call) (any, error) {
	topicARN := c.params.Get("TopicArn")
	if topicARN == "" {
		topicARN = c.params.Get("TargetArn")
	}
	if c.params.Get("PhoneNumber") != "" {
		return nil, invalidParameter("PhoneNumber Reason: SMS is not supported by this local AWS")
	}
	if topicARN == "" {
		return nil, invalidParameter("TopicArn or TargetArn Reason: no value for required parameter")
	}
	if !isARN(topicARN, "sns") {
		return nil, invalidParameter("TopicArn")
	}
	m, err := parseMessage(c.params)
	if err != nil {
		return nil, err
	}
	ids, err := s.publishMessages(c.ctx, topicARN, []message{m})
	if err != nil {
		return nil, err
	}
	return publishResult{MessageID: ids[0]}, nil
}

func (s *Service) publishBatch(c *call) (any, error) {
	topicARN, err := c.required("TopicArn")
	if err != nil {
		return nil, err
	}
	if !isARN(topicARN, "sns") {
		return nil, invalidParameter("TopicArn")
	}
	var entries []paramsEntry
	for i := 1; ; i++ {
		p := subParams(c.params, "PublishBatchRequestEntries.member."+strconv.Itoa(i))
		if len(p) == 0 {
			break
		}
		entries = append(entries, paramsEntry{id: p.Get("Id"), params: p})
	}
	switch {
	case len(entries) == 0:
		return nil, batchError("EmptyBatchRequest", "The batch request doesn't contain any entries.")
	case len(entries) > maxBatchEntries:
		return nil, batchError("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.")
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if !batchID.MatchString(e.id) {
			return nil, batchError("InvalidBatchEntryId", "The Id of a batch entry in a batch request doesn't abide by the specification.")
		}
		if seen[e.id] {
			return nil, batchError("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.")
		}
		seen[e.id] = true
	}
	res := publishBatchResult{Successful: []batchSuccess{}, Failed: []batchFailure{}}
	var msgs []message
	var okIDs []string
	total := 0 // all messages with their attributes, as SNS limits a batch
	for _, e := range entries {
		total += len(e.params.Get("Message"))
		if total > maxMessageBytes {
			return nil, batchError("BatchRequestTooLong", "The length of all the messages put together is more than the limit.")
		}
		m, err := parseMessage(e.params)
		if err != nil {
			code, msg := "InvalidParameter", err.Error()
			var ae *awsproto.Error
			if errors.As(err, &ae) {
				code, msg = ae.Code, ae.Message
			}
			res.Failed = append(res.Failed, batchFailure{ID: e.id, Code: code, Message: msg, SenderFault: true})
			continue
		}
		if total += m.size() - len(m.Body); total > maxMessageBytes {
			return nil, batchError("BatchRequestTooLong", "The length of all the messages put together is more than the limit.")
		}
		msgs = append(msgs, m)
		okIDs = append(okIDs, e.id)
	}
	if len(msgs) > 0 {
		mids, err := s.publishMessages(c.ctx, topicARN, msgs)
		if err != nil {
			return nil, err
		}
		for i, id := range okIDs {
			res.Successful = append(res.Successful, batchSuccess{ID: id, MessageID: mids[i]})
		}
	}
	return res, nil
}

type paramsEntry struct {
	id     string
	params url.Values
}

// target is what publishing needs of one subscription, copied under s.mu.
type target struct {
	arn, protocol, endpoint, redrive string
	raw                              bool
	filter                           *filterpolicy.Policy
}

// publishMessages makes msgs durable as deliveries to every confirmed
// subscription of the topic whose filter policy passes them, counts them,
// and returns their message IDs. When it returns nil, every delivery either
// reached its endpoint or is in the outbox: none is lost in a crash.
//
// With a Deliver hook, each delivery is handed over first and only the
// ones that failed (retryably) are written to the outbox, in one
// transaction: a delivery that reached its queue is durable there, and the
// publish is not acknowledged before, so a crash in between leaves the
// caller to retry — at least once either way. This spares the pipeline's
// common case an outbox write and its removal per message. The published
// count is not worth a transaction of its own: it joins the next one
// (store.Later); a crash may lose the last counts, never a message.
func (s *Service) publishMessages(ctx context.Context, topicARN string, msgs []message) ([]string, error) {
	s.mu.RLock()
	t, ok := s.topics[topicARN]
	if !ok {
		s.mu.RUnlock()
		return nil, errTopicNotFound()
	}
	pub := t.pub
	var targets []target
	for _, sub := range s.subs {
		if sub.TopicARN == topicARN && sub.Confirmed {
			targets = append(targets, target{arn: sub.ARN, protocol: sub.Protocol, endpoint: sub.Endpoint,
				redrive: sub.Attributes["RedrivePolicy"], raw: sub.raw(), filter: sub.filter})
		}
	}
	s.mu.RUnlock()

	now := s.env.Clock.Now()
	ids := make([]string, len(msgs))
	var deliveries []Delivery
	for i, m := range msgs {
		ids[i] = newUUID()
		fattrs := filterAttributes(m.Attrs)
		for _, tg := range targets {
			body := m.forProtocol(tg.protocol)
			if tg.filter != nil && !tg.filter.Match(body, fattrs) {
				continue
			}
			d := Delivery{
				ID: outboxKey(s.seq.Add(1)), MessageID: ids[i], TopicARN: topicARN, SubscriptionARN: tg.arn,
				Protocol: tg.protocol, Endpoint: tg.endpoint, Raw: tg.raw, Subject: m.Subject, Message: body,
				MessageAttributes: m.Attrs, RedrivePolicy: tg.redrive, Timestamp: now,
			}
			d.Body = body
			if !tg.raw {
				d.Body = Envelope(EnvelopeInput{MessageID: ids[i], TopicARN: topicARN, SubscriptionARN: tg.arn,
					Subject: m.Subject, Message: body, Timestamp: now, Attributes: m.Attrs})
			}
			deliveries = append(deliveries, d)
		}
	}
	if (s.opts.Deliver != nil || s.opts.DeliverBatch != nil) && len(deliveries) > 0 {
		deliveries = s.deliverNow(context.WithoutCancel(ctx), deliveries)
	}

	pub.mu.Lock()
	n := pub.n + int64(len(msgs))
	count := []byte(strconv.FormatInt(n, 10))
	var err error
	if len(deliveries) > 0 {
		err = s.env.Store.Update(func(tx *store.Tx) error {
			for i := range deliveries {
				if err := putJSON(tx, tableOutbox, deliveries[i].ID, &deliveries[i]); err != nil {
					return err
				}
			}
			return tx.Put(tableCount, topicARN, count)
		})
	} else {
		// Queued under pub.mu, so counts reach the store in order; a topic
		// deleted meanwhile keeps its count deleted.
		s.env.Store.Later(func(tx *store.Tx) error {
			if pub.deleted.Load() {
				return nil
			}
			return tx.Put(tableCount, topicARN, count)
		})
	}
	if err == nil {
		pub.n = n
	}
	pub.mu.Unlock()
	if err != nil {
		return nil, err
	}
	s.outbox.add(deliveries...)
	return ids, nil
}

// deliverNow hands the deliveries to the DeliverBatch hook (else to
// Deliver, one by one) and returns the ones to keep in the outbox: those
// that failed retryably, with Attempts counted. Undeliverable ones are
// dropped and logged, as DrainOutbox does.
func (s *Service) deliverNow(ctx context.Context, ds []Delivery) []Delivery {
	var errs []error
	if s.opts.DeliverBatch != nil {
		errs = s.opts.DeliverBatch(ctx, ds)
	} else {
		errs = make([]error, len(ds))
		for i, d := range ds {
			errs[i] = s.opts.Deliver(ctx, d)
		}
	}
	var keep []Delivery
	for i, d := range ds {
		err := errs[i]
		switch {
		case err == nil:
		case errors.Is(err, ErrUndeliverable):
			s.env.Log.Warn("sns: dropping undeliverable message", "subscription", d.SubscriptionARN, "messageId", d.MessageID, "err", err)
		default:
			s.env.Log.Debug("sns: delivery deferred to the outbox", "subscription", d.SubscriptionARN, "err", err)
			d.Attempts++
			keep = append(keep, d)
		}
	}
	return keep
}

// filterAttributes converts message attributes for the filter matcher.
func filterAttributes(attrs map[string]MessageAttribute) map[string]filterpolicy.Attribute {
	out := make(map[string]filterpolicy.Attribute, len(attrs))
	for k, a := range attrs {
		out[k] = filterpolicy.Attribute{Type: a.DataType, Value: a.StringValue}
	}
	return out
}
