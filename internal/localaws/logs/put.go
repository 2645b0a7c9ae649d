package logs

import (
	"context"
	"errors"
	"fmt"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Limits of PutLogEvents
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html).
const (
	maxBatchEvents = 10000
	maxBatchBytes  = 1 << 20 // messages in UTF-8 plus eventOverhead each
	maxFuture      = 2 * 60 * 60 * 1000
	maxPast        = 14 * dayMillis
	maxBatchSpan   = dayMillis
)

// An InputEvent is a log event to store: its timestamp in milliseconds since
// the epoch and its message.
type InputEvent struct {
	Timestamp int64  `json:"timestamp"`
	Message   string `json:"message"`
}

type putLogEventsInput struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
	LogEvents     []struct {
		Timestamp *int64  `json:"timestamp"`
		Message   *string `json:"message"`
	} `json:"logEvents"`
	SequenceToken *string `json:"sequenceToken"` // ignored, as AWS now ignores it
}

type rejectedInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

type putLogEventsOutput struct {
	NextSequenceToken     string        `json:"nextSequenceToken"`
	RejectedLogEventsInfo *rejectedInfo `json:"rejectedLogEventsInfo,omitempty"`
}

// putLogEvents stores a batch. As AWS does now, it ignores sequence tokens,
// accepts events in any order, and rejects (without failing the request)
// events more than 2 hours in the future, more than 14 days in the past or
// older than the group's retention, reporting them in rejectedLogEventsInfo:
// tooNewLogEventStartIndex is the first too-new index, the *EndIndex fields
// are one past the last too-old or expired index. The accepted events may
// span at most 24 hours. The events are durable when the call returns.
func (s *Service) putLogEvents(c *call) (any, error) {
	var in putLogEventsInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := validGroupName("logGroupName", deref(in.LogGroupName)); err != nil {
		return nil, err
	}
	if err := validStreamName("logStreamName", deref(in.LogStreamName)); err != nil {
		return nil, err
	}
	if n := len(in.LogEvents); n < 1 || n > maxBatchEvents {
		return nil, validation(n, "logEvents", "Member must have length between 1 and 10000")
	}
	size := 0
	for i, e := range in.LogEvents {
		if e.Timestamp == nil {
			return nil, validation("null", fmt.Sprintf("logEvents.%d.member.timestamp", i+1), "Member must not be null")
		}
		if e.Message == nil || *e.Message == "" {
			return nil, validation("", fmt.Sprintf("logEvents.%d.member.message", i+1), "Member must have length greater than or equal to 1")
		}
		size += len(*e.Message) + eventOverhead
	}
	if size > maxBatchBytes {
		return nil, invalidParam("Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}

	g, err := s.lookup(*in.LogGroupName, true)
	if err != nil {
		return nil, err
	}
	defer g.mu.Unlock()
	st, ok := g.streams[*in.LogStreamName]
	if !ok {
		return nil, streamNotFound()
	}

	now := s.now()
	var rej rejectedInfo
	var accepted []event
	lo, hi := int64(-1), int64(-1)
	for i, e := range in.LogEvents {
		ts := *e.Timestamp
		switch {
		case ts > now+maxFuture:
			if rej.TooNewLogEventStartIndex == nil {
				rej.TooNewLogEventStartIndex = ptr(i)
			}
		case ts < now-maxPast || ts < 0:
			rej.TooOldLogEventEndIndex = ptr(i + 1)
		case ts < g.expiry(now):
			rej.ExpiredLogEventEndIndex = ptr(i + 1)
		default:
			accepted = append(accepted, event{pos: pos{ts: ts}, msg: *e.Message})
			if lo < 0 || ts < lo {
				lo = ts
			}
			hi = max(hi, ts)
		}
	}
	if hi-lo > maxBatchSpan {
		return nil, invalidParam("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	if err := s.ingest(g, st, accepted); err != nil {
		return nil, err
	}
	out := putLogEventsOutput{NextSequenceToken: sequenceToken(st.lastSeq)}
	if rej != (rejectedInfo{}) {
		out.RejectedLogEventsInfo = &rej
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }

// ingest assigns sequences and the ingestion time to evs, writes them
// through to the store and adds them to st. The caller holds g's write lock.
func (s *Service) ingest(g *group, st *stream, evs []event) error {
	if len(evs) == 0 {
		return nil
	}
	now := s.now()
	last := s.seq.Add(uint64(len(evs)))
	for i := range evs {
		evs[i].seq = last - uint64(len(evs)) + 1 + uint64(i)
		evs[i].ingest = now
	}
	err := s.env.Store.Update(func(tx *store.Tx) error { return putEvents(tx, g.name, st.name, evs) })
	if err != nil {
		return fmt.Errorf("store log events: %w", err)
	}
	st.insert(evs)
	return nil
}

// Append stores events in the log stream stream of the log group group,
// creating the group and the stream when they do not exist — as Lambda
// creates its function's log group on the first invocation
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
// The events are durable when Append returns nil. Unlike PutLogEvents,
// Append applies no time window or batch limit: its caller is the local AWS
// itself. Events with an empty message are skipped, since CloudWatch Logs
// holds none; a negative timestamp is an error.
func (s *Service) Append(ctx context.Context, groupName, streamName string, events []InputEvent) error {
	if err := validGroupName("logGroupName", groupName); err != nil {
		return fmt.Errorf("append log events: %w", err)
	}
	if err := validStreamName("logStreamName", streamName); err != nil {
		return fmt.Errorf("append log events: %w", err)
	}
	evs := make([]event, 0, len(events))
	for _, e := range events {
		if e.Timestamp < 0 {
			return fmt.Errorf("append log events: negative timestamp %d", e.Timestamp)
		}
		if e.Message != "" {
			evs = append(evs, event{pos: pos{ts: e.Timestamp}, msg: e.Message})
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("append log events: %w", err)
		}
		g, err := s.lookup(groupName, true)
		if isCode(err, codeNotFound) {
			if _, err := s.createGroup(groupName, nil); err != nil && !isCode(err, codeAlreadyExists) {
				return fmt.Errorf("append log events: %w", err)
			}
			continue // created (or raced with another creator): look it up again
		}
		if err != nil {
			return fmt.Errorf("append log events: %w", err)
		}
		err = s.appendLocked(g, streamName, evs)
		g.mu.Unlock()
		if err != nil {
			return fmt.Errorf("append log events: %w", err)
		}
		return nil
	}
}

func (s *Service) appendLocked(g *group, streamName string, evs []event) error {
	st, ok := g.streams[streamName]
	if !ok {
		var err error
		if st, err = s.createStream(g, streamName); err != nil {
			return err
		}
	}
	return s.ingest(g, st, evs)
}

func isCode(err error, code string) bool {
	var e *awsproto.Error
	return errors.As(err, &e) && e.Code == code
}
