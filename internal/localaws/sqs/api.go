package sqs

import (
	"context"
	"fmt"
	"time"
)

// This file is the in-process API that other services of the local AWS use:
// SNS delivers with SendFromService after checking QueuePolicy, and the
// Lambda event source mapping polls with Receive and Delete.

// A Message is a message as Receive returns it, with every system attribute
// (SenderId, SentTimestamp, ApproximateReceiveCount,
// ApproximateFirstReceiveTimestamp, DeadLetterQueueSourceArn when set) and
// every user attribute.
type Message struct {
	MessageID              string
	ReceiptHandle          string
	Body                   string
	MD5OfBody              string
	Attributes             map[string]string
	MessageAttributes      map[string]MessageAttribute
	MD5OfMessageAttributes string
}

// SendFromService sends body with attrs to the queue with ARN queueARN, as
// SendMessage does (same validation, the queue's DelaySeconds). When it
// returns nil the message is durable. The error is an *awsproto.Error such
// as QueueDoesNotExist, or a store failure.
func (s *Service) SendFromService(ctx context.Context, queueARN, body string, attrs map[string]MessageAttribute) error {
	errs, err := s.SendBatchFromService(ctx, queueARN, []OutMessage{{Body: body, Attributes: attrs}})
	if err != nil {
		return err
	}
	return errs[0]
}

// An OutMessage is one message of SendBatchFromService.
type OutMessage struct {
	Body       string
	Attributes map[string]MessageAttribute
}

// SendBatchFromService sends msgs to the queue with ARN queueARN in one
// durable write, each validated as SendMessage validates it. errs[i] is
// msgs[i]'s refusal (an *awsproto.Error such as a body over the queue's
// MaximumMessageSize), nil once it is durable; err is a failure of the
// whole batch (QueueDoesNotExist, a store failure), in which case nothing
// was sent. Unlike SendMessageBatch it has no limit on the number of
// messages: it is how SNS hands a run of deliveries to one queue at once.
func (s *Service) SendBatchFromService(ctx context.Context, queueARN string, msgs []OutMessage) (errs []error, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q, err := s.queueByARN(queueARN)
	if err != nil {
		return nil, err
	}
	errs = make([]error, len(msgs))
	ms := make([]*message, 0, len(msgs))
	for i, in := range msgs {
		m, e := s.newMessage(q, in.Body, nil, in.Attributes)
		if e != nil {
			errs[i] = e
			continue
		}
		ms = append(ms, m)
	}
	if err := s.enqueue(q, ms); err != nil {
		return nil, fmt.Errorf("send to %s: %w", queueARN, err)
	}
	return errs, nil
}

// QueuePolicy returns the Policy attribute of the queue with ARN queueARN
// ("" when it has none); ok is false when there is no such queue.
func (s *Service) QueuePolicy(queueARN string) (policy string, ok bool) {
	q, err := s.queueByARN(queueARN)
	if err != nil {
		return "", false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.deleted {
		return "", false
	}
	return q.attrs.Policy, true
}

// VisibilityTimeout returns the VisibilityTimeout attribute of the queue with
// ARN queueARN.
func (s *Service) VisibilityTimeout(queueARN string) (time.Duration, error) {
	q, err := s.queueByARN(queueARN)
	if err != nil {
		return 0, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.deleted {
		return 0, errQueueDoesNotExist()
	}
	return time.Duration(q.attrs.VisibilityTimeout) * time.Second, nil
}

// Receive receives up to limit (1–10) messages of the queue with ARN queueARN
// with the queue's visibility timeout, long-polling up to wait (at most 20
// s) as ReceiveMessage does; dead-lettering applies. It returns no messages
// and no error when wait passes or ctx is done first.
func (s *Service) Receive(ctx context.Context, queueARN string, limit int, wait time.Duration) ([]Message, error) {
	if limit < 1 || limit > 10 {
		return nil, errInvalidParameter("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", limit)
	}
	wait = min(max(wait, 0), maxWait*time.Second)
	q, err := s.queueByARN(queueARN)
	if err != nil {
		return nil, err
	}
	vt, err := s.VisibilityTimeout(queueARN)
	if err != nil {
		return nil, err
	}
	ds, err := s.receive(ctx, q, limit, vt, wait)
	if err != nil {
		return nil, err
	}
	out := make([]Message, len(ds))
	for i, d := range ds {
		rm := d.render([]string{"All"}, []string{"All"})
		out[i] = Message{MessageID: rm.MessageID, ReceiptHandle: rm.ReceiptHandle, Body: rm.Body, MD5OfBody: rm.MD5OfBody,
			Attributes: rm.Attributes, MessageAttributes: rm.MessageAttributes, MD5OfMessageAttributes: rm.MD5OfMessageAttributes}
	}
	return out, nil
}

// Delete deletes a received message of the queue with ARN queueARN, as
// DeleteMessage does: a stale handle succeeds without deleting.
func (s *Service) Delete(queueARN, receiptHandle string) error {
	return s.DeleteBatch(queueARN, []string{receiptHandle})
}

// DeleteBatch deletes received messages of the queue with ARN queueARN in
// one durable write, as DeleteMessageBatch does: stale handles succeed
// without deleting; the first invalid handle is returned as an error after
// the valid ones were deleted.
func (s *Service) DeleteBatch(queueARN string, receiptHandles []string) error {
	q, err := s.queueByARN(queueARN)
	if err != nil {
		return err
	}
	errs, err := s.deleteHandles(q, receiptHandles)
	if err != nil {
		return err
	}
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
