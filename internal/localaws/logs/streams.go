package logs

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

type streamInput struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
}

func (in *streamInput) validate() error {
	if err := validGroupName("logGroupName", deref(in.LogGroupName)); err != nil {
		return err
	}
	return validStreamName("logStreamName", deref(in.LogStreamName))
}

func (s *Service) createLogStream(c *call) (any, error) {
	var in streamInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	g, err := s.lookup(*in.LogGroupName, true)
	if err != nil {
		return nil, err
	}
	defer g.mu.Unlock()
	if _, ok := g.streams[*in.LogStreamName]; ok {
		return nil, streamExists()
	}
	_, err = s.createStream(g, *in.LogStreamName)
	return nil, err
}

// createStream creates and persists stream name in g, which the caller has
// write-locked and which has no such stream.
func (s *Service) createStream(g *group, name string) (*stream, error) {
	st := &stream{name: name, created: s.now()}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return putStream(tx, g.name, st) }); err != nil {
		return nil, fmt.Errorf("store log stream %s: %w", name, err)
	}
	g.streams[name] = st
	return st, nil
}

func (s *Service) deleteLogStream(c *call) (any, error) {
	var in streamInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	g, err := s.lookup(*in.LogGroupName, true)
	if err != nil {
		return nil, err
	}
	defer g.mu.Unlock()
	name := *in.LogStreamName
	if _, ok := g.streams[name]; !ok {
		return nil, streamNotFound()
	}
	err = s.env.Store.Update(func(tx *store.Tx) error {
		if err := tx.Delete(tableStream, streamKey(g.name, name)); err != nil {
			return err
		}
		if err := tx.DeletePrefix(tableEvent, streamEventsPrefix(g.name, name)); err != nil {
			return err
		}
		return putSeq(tx, s.seq.Load())
	})
	if err != nil {
		return nil, fmt.Errorf("delete log stream %s: %w", name, err)
	}
	delete(g.streams, name)
	return nil, nil
}

type describeLogStreamsInput struct {
	LogGroupName        *string `json:"logGroupName"`
	LogGroupIdentifier  *string `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          *bool   `json:"descending"`
	Limit               *int32  `json:"limit"`
	NextToken           *string `json:"nextToken"`
}

type logStreamOutput struct {
	LogStreamName       string  `json:"logStreamName"`
	CreationTime        int64   `json:"creationTime"`
	FirstEventTimestamp *int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64  `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken *string `json:"uploadSequenceToken,omitempty"`
	Arn                 string  `json:"arn"`
	StoredBytes         int64   `json:"storedBytes"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStreamOutput `json:"logStreams"`
	NextToken  *string           `json:"nextToken,omitempty"`
}

// describeLogStreams lists a group's streams ordered by name (default) or by
// last event time, ascending unless descending, which AWS documents at
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html:
// ordering by LastEventTime excludes logStreamNamePrefix, and limit is 1–50.
// A stream without events sorts as last event time 0.
func (s *Service) describeLogStreams(c *call) (any, error) {
	var in describeLogStreamsInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	name, err := groupArg(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	byTime := false
	if in.OrderBy != nil {
		switch *in.OrderBy {
		case "LogStreamName":
		case "LastEventTime":
			byTime = true
		default:
			return nil, validation(*in.OrderBy, "orderBy", "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
		}
	}
	if byTime && in.LogStreamNamePrefix != nil {
		return nil, invalidParam("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	limit, err := limitArg(in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	var after *pageToken
	if in.NextToken != nil {
		t, ok := decodePageToken(*in.NextToken)
		if !ok {
			return nil, invalidToken()
		}
		after = &t
	}
	desc := deref(in.Descending)

	g, err := s.lookup(name, false)
	if err != nil {
		return nil, err
	}
	defer g.mu.RUnlock()
	key := func(st *stream) pageToken {
		if !byTime {
			return pageToken{name: st.name}
		}
		var ts int64
		if n := len(st.events); n > 0 {
			ts = st.events[n-1].ts
		}
		return pageToken{ts: ts, name: st.name}
	}
	compare := func(a, b pageToken) int {
		r := cmp.Or(cmp.Compare(a.ts, b.ts), strings.Compare(a.name, b.name))
		if desc {
			return -r
		}
		return r
	}
	var list []*stream
	for _, st := range g.streams {
		if in.LogStreamNamePrefix != nil && !strings.HasPrefix(st.name, *in.LogStreamNamePrefix) {
			continue
		}
		if after != nil && compare(key(st), *after) <= 0 {
			continue
		}
		list = append(list, st)
	}
	slices.SortFunc(list, func(a, b *stream) int { return compare(key(a), key(b)) })

	out := describeLogStreamsOutput{LogStreams: []logStreamOutput{}}
	for i, st := range list {
		if i == limit {
			tok := encodePageToken(key(list[i-1]))
			out.NextToken = &tok
			break
		}
		out.LogStreams = append(out.LogStreams, s.describeStream(c.region, g.name, st))
	}
	return out, nil
}

func (s *Service) describeStream(region, group string, st *stream) logStreamOutput {
	o := logStreamOutput{LogStreamName: st.name, CreationTime: st.created, Arn: s.streamARN(region, group, st.name)}
	if n := len(st.events); n > 0 {
		first, last, ingest := st.events[0].ts, st.events[n-1].ts, st.lastIngest
		o.FirstEventTimestamp, o.LastEventTimestamp, o.LastIngestionTime = &first, &last, &ingest
	}
	if st.lastSeq != 0 {
		tok := sequenceToken(st.lastSeq)
		o.UploadSequenceToken = &tok
	}
	return o
}

// sequenceToken renders an upload's sequence as a 56-digit token, the shape
// of AWS's sequence tokens. PutLogEvents ignores the tokens it is sent, as
// AWS does now.
func sequenceToken(seq uint64) string { return fmt.Sprintf("%056d", seq) }
