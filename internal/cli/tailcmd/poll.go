package tailcmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// logsAPI is the subset of *cloudwatchlogs.Client tail uses.
type logsAPI interface {
	FilterLogEvents(context.Context, *cloudwatchlogs.FilterLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

var _ logsAPI = (*cloudwatchlogs.Client)(nil)

// maxLookback bounds how far a poll reaches back for late events, however
// late the events seen so far arrived.
const maxLookback = 2 * time.Minute

// A source reads one consumer's log group, poll after poll, each event once.
//
// FilterLogEvents returns the events whose timestamp is in [startTime,
// endTime], oldest first, a page at a time with nextToken present while more
// remain; a page may be empty while nextToken is present
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html).
// Event timestamps are set by the writer, not at ingestion, so an event can
// become visible after a later-stamped one from another log stream (another
// execution environment, whose lines are flushed at the end of an
// invocation). A poll therefore starts lookback before the newest timestamp
// seen, and the IDs of the events seen since that instant are kept so that
// the overlap is not printed twice. The lookback grows to twice the largest
// delay between an event's timestamp and its ingestion seen so far, up to
// maxLookback.
type source struct {
	target
	api      logsAPI
	pattern  string
	limit    int32
	floor    int64            // the window's first instant (ms); from never goes below it
	from     int64            // startTime of the next poll (ms)
	newest   int64            // the newest timestamp seen (ms)
	lookback time.Duration    // how far before newest the next poll starts
	seen     map[string]int64 // event ID → timestamp, for the events at or after from

	// The state of the current poll.
	end     *int64
	page    []logstypes.FilteredLogEvent
	token   *string
	more    bool
	missing bool // the log group did not exist at the last call
}

func newSource(t target, api logsAPI, pattern string, limit int32, start time.Time, lookback time.Duration) *source {
	ms := start.UnixMilli()
	return &source{target: t, api: api, pattern: pattern, limit: limit, floor: ms, from: ms, newest: ms,
		lookback: lookback, seen: map[string]int64{}}
}

// begin starts a poll that reads up to end (ms, inclusive), or to the
// newest event when end is nil.
func (s *source) begin(end *int64) {
	s.end, s.page, s.token, s.more = end, nil, nil, true
}

// head returns the next unseen event of the poll without consuming it, or
// nil when the poll has no more.
func (s *source) head(ctx context.Context) (*logstypes.FilteredLogEvent, error) {
	for len(s.page) == 0 && s.more {
		if err := s.fetch(ctx); err != nil {
			return nil, err
		}
	}
	if len(s.page) == 0 {
		return nil, nil
	}
	return &s.page[0], nil
}

// fetch reads the poll's next page, dropping the events already seen. A
// missing log group (the function has not run yet) ends the poll with
// s.missing set.
func (s *source) fetch(ctx context.Context) error {
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(s.group), StartTime: aws.Int64(s.from),
		EndTime: s.end, NextToken: s.token}
	if s.pattern != "" {
		in.FilterPattern = aws.String(s.pattern)
	}
	if s.limit > 0 {
		in.Limit = aws.Int32(s.limit)
	}
	out, err := s.api.FilterLogEvents(ctx, in)
	var notFound *logstypes.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		s.missing, s.more = true, false
		return nil
	case err != nil:
		return fmt.Errorf("read log group %s: %w", s.group, err)
	}
	s.missing = false
	s.page = s.page[:0]
	for _, e := range out.Events {
		if _, dup := s.seen[aws.ToString(e.EventId)]; !dup {
			s.page = append(s.page, e)
		}
	}
	next := out.NextToken
	s.more = next != nil && (s.token == nil || *next != *s.token)
	s.token = next
	return nil
}

// pop consumes the event head returned and records it as seen.
func (s *source) pop() Event {
	e := s.page[0]
	s.page = s.page[1:]
	ts := aws.ToInt64(e.Timestamp)
	s.seen[aws.ToString(e.EventId)] = ts
	s.newest = max(s.newest, ts)
	if lag := time.Duration(aws.ToInt64(e.IngestionTime)-ts) * time.Millisecond; 2*lag > s.lookback {
		s.lookback = min(2*lag, maxLookback)
	}
	ev := Event{Consumer: s.consumer, LogGroup: s.group, LogStream: aws.ToString(e.LogStreamName),
		EventID: aws.ToString(e.EventId), Time: time.UnixMilli(ts), Message: aws.ToString(e.Message)}
	classify(&ev)
	return ev
}

// finish moves the next poll's start to lookback before the newest event and
// forgets the events before it.
func (s *source) finish() {
	s.from = max(s.floor, s.newest-s.lookback.Milliseconds())
	for id, ts := range s.seen {
		if ts < s.from {
			delete(s.seen, id)
		}
	}
}

// poll reads every source once up to end (nil: to the newest event) and
// passes their unseen events to emit merged in timestamp order (ties in the
// sources' order). Pages are fetched as the merge needs them, so memory
// holds one page per source, not the window. After an error, the next poll
// reads again what this one did not emit.
func poll(ctx context.Context, sources []*source, end *int64, emit func(Event) error) error {
	for _, s := range sources {
		s.begin(end)
	}
	for {
		var next *source
		var nextTS int64
		for _, s := range sources {
			e, err := s.head(ctx)
			if err != nil {
				return err
			}
			if e != nil && (next == nil || aws.ToInt64(e.Timestamp) < nextTS) {
				next, nextTS = s, aws.ToInt64(e.Timestamp)
			}
		}
		if next == nil {
			break
		}
		if err := emit(next.pop()); err != nil {
			return err
		}
	}
	for _, s := range sources {
		s.finish()
	}
	return nil
}
