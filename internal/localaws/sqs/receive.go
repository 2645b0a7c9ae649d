package sqs

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

type receiveMessageInput struct {
	QueueURL                    string   `json:"QueueUrl"`
	AttributeNames              []string `json:"AttributeNames"`
	MessageSystemAttributeNames []string `json:"MessageSystemAttributeNames"`
	MessageAttributeNames       []string `json:"MessageAttributeNames"`
	MaxNumberOfMessages         *int     `json:"MaxNumberOfMessages"`
	VisibilityTimeout           *int     `json:"VisibilityTimeout"`
	WaitTimeSeconds             *int     `json:"WaitTimeSeconds"`
	ReceiveRequestAttemptID     string   `json:"ReceiveRequestAttemptId"`
}

type receivedMessage struct {
	MessageID              string                      `json:"MessageId"`
	ReceiptHandle          string                      `json:"ReceiptHandle"`
	MD5OfBody              string                      `json:"MD5OfBody"`
	Body                   string                      `json:"Body"`
	Attributes             map[string]string           `json:"Attributes,omitempty"`
	MD5OfMessageAttributes string                      `json:"MD5OfMessageAttributes,omitempty"`
	MessageAttributes      map[string]MessageAttribute `json:"MessageAttributes,omitempty"`
}

type receiveMessageOutput struct {
	Messages []receivedMessage `json:"Messages,omitempty"`
}

// A delivery is a snapshot of a message as one receive delivered it, taken
// under the queue's lock.
type delivery struct {
	id, body, md5Body   string
	attrs               map[string]MessageAttribute // shared, never modified
	sentAt, firstRecv   time.Time
	receiveCount        int
	senderID, dlqSource string
	handle              string
}

func (s *Service) receiveMessage(ctx context.Context, c *call, in *receiveMessageInput) (*receiveMessageOutput, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	limit := 1
	if in.MaxNumberOfMessages != nil {
		limit = *in.MaxNumberOfMessages
		if limit < 1 || limit > 10 {
			return nil, errInvalidParameter("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", limit)
		}
	}
	q.mu.Lock()
	vt, wait := q.attrs.VisibilityTimeout, q.attrs.ReceiveMessageWaitTimeSeconds
	q.mu.Unlock()
	if in.VisibilityTimeout != nil {
		vt = *in.VisibilityTimeout
		if vt < 0 || vt > maxVisibility {
			return nil, errInvalidParameter("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.", vt)
		}
	}
	if in.WaitTimeSeconds != nil {
		wait = *in.WaitTimeSeconds
		if wait < 0 || wait > maxWait {
			return nil, errInvalidParameter("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", wait)
		}
	}
	ds, err := s.receive(ctx, q, limit, time.Duration(vt)*time.Second, time.Duration(wait)*time.Second)
	if err != nil {
		return nil, err
	}
	sys := append(append([]string{}, in.AttributeNames...), in.MessageSystemAttributeNames...)
	out := &receiveMessageOutput{}
	for _, d := range ds {
		out.Messages = append(out.Messages, d.render(sys, in.MessageAttributeNames))
	}
	return out, nil
}

// render shapes d as ReceiveMessage returns it, with the system attributes
// in sys and the user attributes selected by attrNames ("All", ".*",
// "prefix.*" or exact names). MD5OfMessageAttributes covers the attributes
// returned.
func (d *delivery) render(sys, attrNames []string) receivedMessage {
	rm := receivedMessage{MessageID: d.id, ReceiptHandle: d.handle, MD5OfBody: d.md5Body, Body: d.body}
	if len(sys) > 0 {
		rm.Attributes = d.systemAttributes(sys)
	}
	if sel := selectAttributes(d.attrs, attrNames); len(sel) > 0 {
		rm.MessageAttributes = sel
		rm.MD5OfMessageAttributes = md5OfAttributes(sel)
	}
	return rm
}

func (d *delivery) systemAttributes(names []string) map[string]string {
	all := map[string]string{
		"SenderId":                         d.senderID,
		"SentTimestamp":                    strconv.FormatInt(d.sentAt.UnixMilli(), 10),
		"ApproximateReceiveCount":          strconv.Itoa(d.receiveCount),
		"ApproximateFirstReceiveTimestamp": strconv.FormatInt(d.firstRecv.UnixMilli(), 10),
	}
	if d.dlqSource != "" {
		all["DeadLetterQueueSourceArn"] = d.dlqSource
	}
	out := map[string]string{}
	for _, n := range names {
		if n == "All" {
			return all
		}
		if v, ok := all[n]; ok {
			out[n] = v
		}
	}
	return out
}

func selectAttributes(attrs map[string]MessageAttribute, names []string) map[string]MessageAttribute {
	if len(attrs) == 0 || len(names) == 0 {
		return nil
	}
	out := map[string]MessageAttribute{}
	for _, n := range names {
		if n == "All" || n == ".*" {
			return attrs
		}
		if prefix, ok := strings.CutSuffix(n, ".*"); ok {
			for k, a := range attrs {
				if strings.HasPrefix(k, prefix+".") {
					out[k] = a
				}
			}
			continue
		}
		if a, ok := attrs[n]; ok {
			out[n] = a
		}
	}
	return out
}

// receive delivers up to limit messages of q, hiding each for vt. With wait >
// 0 it long-polls: it returns as soon as a message arrives or becomes
// visible, or empty when wait has passed, ctx is done or the service closes.
func (s *Service) receive(ctx context.Context, q *queue, limit int, vt, wait time.Duration) ([]delivery, error) {
	deadline := s.env.Clock.Now().Add(wait)
	for {
		ds, notify, next, err := s.receiveOnce(q, limit, vt)
		if err != nil || len(ds) > 0 || wait <= 0 {
			return ds, err
		}
		now := s.env.Clock.Now()
		if !now.Before(deadline) {
			return nil, nil
		}
		d := deadline.Sub(now)
		if !next.IsZero() && next.Sub(now) < d {
			d = max(next.Sub(now), time.Millisecond)
		}
		timer := s.env.Clock.After(d)
		q.pollers.Add(1) // after the timer exists, so a test that sees the poller can advance the clock
		select {
		case <-notify:
		case <-timer:
		case <-ctx.Done():
		case <-s.ctx.Done():
		}
		q.pollers.Add(-1)
		if ctx.Err() != nil || s.ctx.Err() != nil {
			return nil, nil
		}
	}
}

// A move is a message leaving a queue for its dead-letter queue.
type move struct {
	from *message
	to   *message
}

// receiveOnce is one receive attempt. It also returns the channel that
// signals new messages and when the next hidden message becomes visible
// (zero if none), for a long poll to wait on.
func (s *Service) receiveOnce(q *queue, limit int, vt time.Duration) ([]delivery, <-chan struct{}, time.Time, error) {
	dlq, policy := s.deadLetterTarget(q)
	s.gate.RLock()
	defer s.gate.RUnlock()
	q.mu.Lock()
	if q.deleted {
		q.mu.Unlock()
		return nil, nil, time.Time{}, errQueueDoesNotExist()
	}
	now := s.env.Clock.Now()
	q.advance(now)
	if p := q.attrs.RedrivePolicy; p == nil || policy == nil || *p != *policy {
		dlq = nil // the policy changed since it was looked up; move nothing this time
	}
	var take []*message
	var moves []move
	for m := q.ready.head; m != nil && len(take) < limit; m = m.next {
		if dlq != nil && m.receiveCount >= policy.MaxReceiveCount {
			to := *m
			to.seq, to.dlqSource, to.visibleAt, to.nonce = s.nextSeq.Add(1), q.arn, now, 0
			to.prev, to.next, to.pendingIdx, to.ageIdx = nil, nil, -1, -1
			moves = append(moves, move{from: m, to: &to})
			continue
		}
		take = append(take, m)
	}
	type newState struct {
		count   int
		first   time.Time
		visible time.Time
		nonce   uint64
	}
	states := make([]newState, len(take))
	for i, m := range take {
		st := newState{count: m.receiveCount + 1, first: m.firstReceive, visible: now.Add(vt), nonce: rand.Uint64()}
		if st.first.IsZero() {
			st.first = now
		}
		states[i] = st
	}
	e := &logEntry{}
	for i, m := range take {
		st := states[i]
		e.state(q.id, m.seq, st.count, st.first, st.visible, st.nonce)
	}
	for _, mv := range moves {
		e.del(q.id, mv.from.seq)
		e.send(dlq.id, mv.to)
	}
	// Memory changes first, then the commit outside the lock: other
	// requests on q need not wait for the disk. The response waits for it.
	ds := make([]delivery, len(take))
	for i, m := range take {
		st := states[i]
		m.receiveCount, m.firstReceive, m.nonce = st.count, st.first, st.nonce
		if vt > 0 {
			q.hide(m, st.visible)
		} else {
			q.show(m, now)
		}
		ds[i] = delivery{id: m.id, body: m.body, md5Body: m.md5Body, attrs: m.attrs, sentAt: m.sentAt,
			firstRecv: m.firstReceive, receiveCount: m.receiveCount, senderID: m.senderID, dlqSource: m.dlqSource,
			handle: receiptHandle(q.id, m.seq, m.nonce)}
	}
	for _, mv := range moves {
		q.remove(mv.from)
	}
	notify := q.notify
	next, _ := q.nextVisible()
	q.mu.Unlock()
	if _, err := s.commit(e, nil); err != nil {
		return nil, nil, time.Time{}, err
	}
	if len(moves) > 0 {
		s.deliverMoved(dlq, moves)
	}
	return ds, notify, next, nil
}

// deadLetterTarget resolves q's dead-letter queue before q's lock is taken
// (the service map is never locked while a queue is). It returns nil when q
// has no redrive policy or its target does not exist.
func (s *Service) deadLetterTarget(q *queue) (*queue, *redrivePolicy) {
	p := q.redrive.Load()
	if p == nil {
		return nil, nil
	}
	dlq, err := s.queueByARN(p.DeadLetterTargetArn)
	if err != nil || dlq.gone.Load() {
		return nil, nil
	}
	return dlq, p
}

// deliverMoved adds messages that were moved in the store to dlq's memory.
// If dlq was deleted meanwhile, their records are removed again. The caller
// holds s.gate shared since before the move's commit.
func (s *Service) deliverMoved(dlq *queue, moves []move) {
	dlq.mu.Lock()
	defer dlq.mu.Unlock()
	if dlq.deleted {
		e := &logEntry{}
		for _, mv := range moves {
			e.del(dlq.id, mv.to.seq)
		}
		if _, err := s.commit(e, nil); err != nil {
			s.env.Log.Error("sqs: drop messages moved to a deleted queue", "queue", dlq.name, "err", err)
		}
		return
	}
	now := s.env.Clock.Now()
	for _, mv := range moves {
		dlq.insert(mv.to, now)
	}
	dlq.wake()
}

// receiptHandle identifies one receive of a message: its queue, its seq and
// the nonce of that receive, so a handle from an earlier receive is stale.
func receiptHandle(queueID, seq, nonce uint64) string {
	var b [24]byte
	binary.BigEndian.PutUint64(b[0:], queueID)
	binary.BigEndian.PutUint64(b[8:], seq)
	binary.BigEndian.PutUint64(b[16:], nonce)
	return encodeHandle(b[:])
}
