package sqs

import (
	"context"
	"crypto/rand"
	"slices"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

type sendMessageInput struct {
	QueueURL          string                      `json:"QueueUrl"`
	MessageBody       string                      `json:"MessageBody"`
	DelaySeconds      *int                        `json:"DelaySeconds"`
	MessageAttributes map[string]MessageAttribute `json:"MessageAttributes"`
}

type sendMessageOutput struct {
	MessageID              string `json:"MessageId" xml:"MessageId"`
	MD5OfMessageBody       string `json:"MD5OfMessageBody" xml:"MD5OfMessageBody"`
	MD5OfMessageAttributes string `json:"MD5OfMessageAttributes,omitempty" xml:"MD5OfMessageAttributes,omitempty"`
}

func (s *Service) sendMessage(_ context.Context, c *call, in *sendMessageInput) (*sendMessageOutput, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	m, e := s.newMessage(q, in.MessageBody, in.DelaySeconds, in.MessageAttributes)
	if e != nil {
		return nil, e
	}
	if err := s.enqueue(q, []*message{m}); err != nil {
		return nil, err
	}
	return &sendMessageOutput{MessageID: m.id, MD5OfMessageBody: m.md5Body, MD5OfMessageAttributes: md5OfAttributes(m.attrs)}, nil
}

type sendBatchEntry struct {
	ID                string                      `json:"Id"`
	MessageBody       string                      `json:"MessageBody"`
	DelaySeconds      *int                        `json:"DelaySeconds"`
	MessageAttributes map[string]MessageAttribute `json:"MessageAttributes"`
}

type sendMessageBatchInput struct {
	QueueURL string           `json:"QueueUrl"`
	Entries  []sendBatchEntry `json:"Entries"`
}

type sendBatchResultEntry struct {
	ID                     string `json:"Id" xml:"Id"`
	MessageID              string `json:"MessageId" xml:"MessageId"`
	MD5OfMessageBody       string `json:"MD5OfMessageBody" xml:"MD5OfMessageBody"`
	MD5OfMessageAttributes string `json:"MD5OfMessageAttributes,omitempty" xml:"MD5OfMessageAttributes,omitempty"`
}

// A batchError is one failed entry of a batch request.
type batchError struct {
	ID          string `json:"Id" xml:"Id"`
	SenderFault bool   `json:"SenderFault" xml:"SenderFault"`
	Code        string `json:"Code" xml:"Code"`
	Message     string `json:"Message,omitempty" xml:"Message,omitempty"`
}

func entryError(id string, e *awsproto.Error) batchError {
	return batchError{ID: id, SenderFault: !e.Receiver, Code: e.LegacyCode(), Message: e.Message}
}

type sendMessageBatchOutput struct {
	Successful []sendBatchResultEntry `json:"Successful"`
	Failed     []batchError           `json:"Failed"`
}

// checkBatchIDs applies the batch rules every *Batch action shares: 1–10
// entries with valid, distinct Ids.
func checkBatchIDs(ids []string) error {
	switch {
	case len(ids) == 0:
		return errEmptyBatch()
	case len(ids) > 10:
		return errTooManyEntries(len(ids))
	}
	for i, id := range ids {
		if !validBatchID(id) {
			return errInvalidBatchEntryID(id)
		}
		if slices.Contains(ids[:i], id) { // at most 10 ids: cheaper than a map
			return errIDsNotDistinct(id)
		}
	}
	return nil
}

// sendMessageBatch sends up to ten messages in one journal entry. An
// entry that fails validation is reported in Failed; the others are sent.
func (s *Service) sendMessageBatch(_ context.Context, c *call, in *sendMessageBatchInput) (*sendMessageBatchOutput, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Entries))
	total := 0
	for i, e := range in.Entries {
		ids[i] = e.ID
		total += len(e.MessageBody)
		for n, a := range e.MessageAttributes {
			total += len(n) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
		}
	}
	if err := checkBatchIDs(ids); err != nil {
		return nil, err
	}
	if total > maxMessageSizeLimit {
		return nil, errBatchTooLong(maxMessageSizeLimit)
	}
	out := &sendMessageBatchOutput{Successful: make([]sendBatchResultEntry, 0, len(in.Entries)), Failed: []batchError{}}
	msgs := make([]*message, 0, len(in.Entries))
	okIDs := make([]string, 0, len(in.Entries))
	for _, e := range in.Entries {
		m, verr := s.newMessage(q, e.MessageBody, e.DelaySeconds, e.MessageAttributes)
		if verr != nil {
			out.Failed = append(out.Failed, entryError(e.ID, verr))
			continue
		}
		msgs = append(msgs, m)
		okIDs = append(okIDs, e.ID)
	}
	if err := s.enqueue(q, msgs); err != nil {
		return nil, err
	}
	for i, m := range msgs {
		out.Successful = append(out.Successful, sendBatchResultEntry{ID: okIDs[i], MessageID: m.id,
			MD5OfMessageBody: m.md5Body, MD5OfMessageAttributes: md5OfAttributes(m.attrs)})
	}
	return out, nil
}

// newMessage validates and builds a message for q; delay nil means the
// queue's DelaySeconds.
func (s *Service) newMessage(q *queue, body string, delay *int, attrs map[string]MessageAttribute) (*message, *awsproto.Error) {
	q.mu.Lock()
	maxSize, defDelay := q.attrs.MaximumMessageSize, q.attrs.DelaySeconds
	q.mu.Unlock()
	attrSize, err := validateAttributes(attrs)
	if err != nil {
		return nil, err
	}
	if err := validateBody(body, attrSize, maxSize); err != nil {
		return nil, err
	}
	d := defDelay
	if delay != nil {
		if *delay < 0 || *delay > maxDelay {
			return nil, errInvalidParameter("Value %d for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", *delay)
		}
		d = *delay
	}
	if len(attrs) == 0 {
		attrs = nil
	}
	now := s.env.Clock.Now().Truncate(time.Millisecond)
	return &message{seq: s.nextSeq.Add(1), id: newMessageID(), body: body, md5Body: md5Hex(body), attrs: attrs,
		sentAt: now, senderID: s.env.Account, visibleAt: now.Add(time.Duration(d) * time.Second), pendingIdx: -1}, nil
}

// enqueue stores msgs durably, then makes them receivable and wakes q's
// long polls. The commit runs outside q's lock, so concurrent sends to one
// queue share a group commit; a purge or delete of q that reached the
// journal after the messages drops them, as replay would.
func (s *Service) enqueue(q *queue, msgs []*message) error {
	if len(msgs) == 0 {
		return nil
	}
	if q.gone.Load() {
		return errQueueDoesNotExist()
	}
	s.gate.RLock()
	defer s.gate.RUnlock()
	e := &logEntry{Sends: make([]logMsg, 0, len(msgs))}
	for _, m := range msgs {
		e.send(q.id, m)
	}
	pos, err := s.commit(e, nil)
	if err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.deleted {
		return errQueueDoesNotExist()
	}
	if pos < q.purgedAt {
		return nil // purged after it was sent
	}
	now := s.env.Clock.Now()
	for _, m := range msgs {
		q.insert(m, now)
	}
	q.wake()
	return nil
}

// newMessageID returns a random UUID (version 4), the shape of SQS message IDs.
func newMessageID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b[:])
}
