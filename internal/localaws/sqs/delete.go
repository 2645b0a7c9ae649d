package sqs

import (
	"context"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

type deleteMessageInput struct {
	QueueURL      string `json:"QueueUrl"`
	ReceiptHandle string `json:"ReceiptHandle"`
}

func (s *Service) deleteMessage(_ context.Context, c *call, in *deleteMessageInput) (*struct{}, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if in.ReceiptHandle == "" {
		return nil, errMissingParameter("ReceiptHandle")
	}
	errs, err := s.deleteHandles(q, []string{in.ReceiptHandle})
	if err != nil {
		return nil, err
	}
	if errs[0] != nil {
		return nil, errs[0]
	}
	return &struct{}{}, nil
}

type deleteBatchEntry struct {
	ID            string `json:"Id"`
	ReceiptHandle string `json:"ReceiptHandle"`
}

type deleteMessageBatchInput struct {
	QueueURL string             `json:"QueueUrl"`
	Entries  []deleteBatchEntry `json:"Entries"`
}

type batchResultEntry struct {
	ID string `json:"Id" xml:"Id"`
}

type batchOutput struct {
	Successful []batchResultEntry `json:"Successful"`
	Failed     []batchError       `json:"Failed"`
}

func (s *Service) deleteMessageBatch(_ context.Context, c *call, in *deleteMessageBatchInput) (*batchOutput, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Entries))
	handles := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i], handles[i] = e.ID, e.ReceiptHandle
	}
	if err := checkBatchIDs(ids); err != nil {
		return nil, err
	}
	errs, err := s.deleteHandles(q, handles)
	if err != nil {
		return nil, err
	}
	return batchResult(ids, errs), nil
}

func batchResult(ids []string, errs []*awsproto.Error) *batchOutput {
	out := &batchOutput{Successful: []batchResultEntry{}, Failed: []batchError{}}
	for i, id := range ids {
		if errs[i] != nil {
			out.Failed = append(out.Failed, entryError(id, errs[i]))
			continue
		}
		out.Successful = append(out.Successful, batchResultEntry{ID: id})
	}
	return out
}

// deleteHandles deletes the messages of q that handles name, in one store
// transaction, and returns one error per handle. As on AWS, a handle of a
// message that is gone, or a stale handle of a message received again since,
// succeeds without deleting anything (DeleteMessage in the SQS API
// reference: "the request succeeds, but the message will not be deleted"); a
// handle this queue never issued is ReceiptHandleIsInvalid.
func (s *Service) deleteHandles(q *queue, handles []string) ([]*awsproto.Error, error) {
	errs := make([]*awsproto.Error, len(handles))
	s.gate.RLock()
	defer s.gate.RUnlock()
	q.mu.Lock()
	if q.deleted {
		q.mu.Unlock()
		return nil, errQueueDoesNotExist()
	}
	var targets []*message
	picked := map[uint64]bool{}
	for i, h := range handles {
		qid, seq, nonce, ok := parseHandle(h)
		if !ok || qid != q.id {
			errs[i] = errReceiptHandleIsInvalid(h)
			continue
		}
		m := q.msgs[seq]
		if m == nil || m.nonce != nonce || picked[seq] {
			continue
		}
		picked[seq] = true
		targets = append(targets, m)
	}
	e := &logEntry{}
	for _, m := range targets {
		e.del(q.id, m.seq)
		q.remove(m)
	}
	q.mu.Unlock()
	// The commit runs outside q's lock; the response waits for it.
	if _, err := s.commit(e, nil); err != nil {
		return nil, err
	}
	return errs, nil
}

type changeVisibilityInput struct {
	QueueURL          string `json:"QueueUrl"`
	ReceiptHandle     string `json:"ReceiptHandle"`
	VisibilityTimeout *int   `json:"VisibilityTimeout"`
}

func (s *Service) changeMessageVisibility(_ context.Context, c *call, in *changeVisibilityInput) (*struct{}, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if in.ReceiptHandle == "" {
		return nil, errMissingParameter("ReceiptHandle")
	}
	if in.VisibilityTimeout == nil {
		return nil, errMissingParameter("VisibilityTimeout")
	}
	errs, err := s.changeVisibility(q, []visibilityChange{{in.ReceiptHandle, *in.VisibilityTimeout}})
	if err != nil {
		return nil, err
	}
	if errs[0] != nil {
		return nil, errs[0]
	}
	return &struct{}{}, nil
}

type changeVisibilityBatchEntry struct {
	ID                string `json:"Id"`
	ReceiptHandle     string `json:"ReceiptHandle"`
	VisibilityTimeout *int   `json:"VisibilityTimeout"`
}

type changeVisibilityBatchInput struct {
	QueueURL string                       `json:"QueueUrl"`
	Entries  []changeVisibilityBatchEntry `json:"Entries"`
}

func (s *Service) changeMessageVisibilityBatch(_ context.Context, c *call, in *changeVisibilityBatchInput) (*batchOutput, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Entries))
	changes := make([]visibilityChange, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.ID
		changes[i] = visibilityChange{handle: e.ReceiptHandle, seconds: 0}
		if e.VisibilityTimeout != nil {
			changes[i].seconds = *e.VisibilityTimeout
		}
	}
	if err := checkBatchIDs(ids); err != nil {
		return nil, err
	}
	errs, err := s.changeVisibility(q, changes)
	if err != nil {
		return nil, err
	}
	return batchResult(ids, errs), nil
}

type visibilityChange struct {
	handle  string
	seconds int
}

// changeVisibility sets the visibility timeout of in-flight messages, from
// now, in one journal entry; 0 makes a message visible at once. It
// returns one error per change: ReceiptHandleIsInvalid for a handle this
// queue never issued, InvalidParameterValue for a message that is gone or a
// stale handle, MessageNotInflight for a message that is visible
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
func (s *Service) changeVisibility(q *queue, changes []visibilityChange) ([]*awsproto.Error, error) {
	errs := make([]*awsproto.Error, len(changes))
	s.gate.RLock()
	defer s.gate.RUnlock()
	q.mu.Lock()
	if q.deleted {
		q.mu.Unlock()
		return nil, errQueueDoesNotExist()
	}
	now := s.env.Clock.Now()
	q.advance(now)
	type target struct {
		m       *message
		visible time.Time
	}
	var targets []target
	for i, ch := range changes {
		qid, seq, nonce, ok := parseHandle(ch.handle)
		switch m := q.msgs[seq]; {
		case !ok || qid != q.id:
			errs[i] = errReceiptHandleIsInvalid(ch.handle)
		case ch.seconds < 0 || ch.seconds > maxVisibility:
			errs[i] = errInvalidParameter("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.", ch.seconds)
		case m == nil:
			errs[i] = errInvalidParameter("Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.", ch.handle)
		case m.nonce != nonce:
			errs[i] = errInvalidParameter("Value %s for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.", ch.handle)
		case m.state != stateInflight:
			errs[i] = errMessageNotInflight()
		default:
			targets = append(targets, target{m, now.Add(time.Duration(ch.seconds) * time.Second)})
		}
	}
	e := &logEntry{}
	for _, t := range targets {
		e.state(q.id, t.m.seq, t.m.receiveCount, t.m.firstReceive, t.visible, t.m.nonce)
	}
	woke := false
	for _, t := range targets {
		if t.visible.After(now) {
			q.hide(t.m, t.visible)
		} else {
			q.show(t.m, now)
			woke = true
		}
	}
	if woke {
		q.wake()
	}
	q.mu.Unlock()
	// The commit runs outside q's lock; the response waits for it.
	if _, err := s.commit(e, nil); err != nil {
		return nil, err
	}
	return errs, nil
}
