package logs

import (
	"container/heap"
	"strings"
)

// newestFirstEpoch is 2024-01-01T00:00:00Z in ms: FilterLogEvents returns
// the latest events first (startFromHead false) only for a startTime on or
// after it
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html).
const newestFirstEpoch = 1704067200000

type filterLogEventsInput struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int32   `json:"limit"`
	Interleaved         *bool    `json:"interleaved"` // ignored: always interleaved, as on AWS since 2019
	StartFromHead       *bool    `json:"startFromHead"`
	Unmask              bool     `json:"unmask"`
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type filterLogEventsOutput struct {
	Events    []filteredEvent `json:"events"`
	NextToken *string         `json:"nextToken,omitempty"`
}

// A filterToken continues a FilterLogEvents listing after (forward) or
// before (backward) the position of the last event returned:
// "f/<event ID>/g" or "b/<event ID>/g".
type filterToken = streamToken

func (t filterToken) filterString() string { return strings.TrimSuffix(t.String(), "/s") + "/g" }

func parseFilterToken(s string) (filterToken, bool) {
	if !strings.HasSuffix(s, "/g") {
		return filterToken{}, false
	}
	return parseStreamToken(strings.TrimSuffix(s, "/g") + "/s")
}

// filterLogEvents returns the group's matching events in [startTime,
// endTime] (both inclusive, unlike GetLogEvents), interleaved across the
// selected streams in (timestamp, ingestion) order — oldest first, or newest
// first when startFromHead is false. Each stream is entered by binary search
// at the time range, so the cost is the events in range, not the group's.
// nextToken is present exactly when more matching events exist beyond the
// page.
func (s *Service) filterLogEvents(c *call) (any, error) {
	var in filterLogEventsInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	name, err := groupArg(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		return nil, invalidParam("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	}
	if n := len(in.LogStreamNames); in.LogStreamNames != nil && (n < 1 || n > 100) {
		return nil, validation(n, "logStreamNames", "Member must have length between 1 and 100")
	}
	limit, err := limitArg(in.Limit, maxPageEvents, maxPageEvents)
	if err != nil {
		return nil, err
	}
	pat, err := CompilePattern(deref(in.FilterPattern))
	if err != nil {
		return nil, invalidParam("Invalid filter pattern: %v", err)
	}
	forward := in.StartFromHead == nil || *in.StartFromHead
	var tok *filterToken
	if in.NextToken != nil {
		t, ok := parseFilterToken(*in.NextToken)
		if !ok {
			return nil, invalidToken()
		}
		tok, forward = &t, t.forward
	} else if !forward && deref(in.StartTime) < newestFirstEpoch {
		return nil, invalidParam("startFromHead false requires a startTime on or after 2024-01-01T00:00:00Z.")
	}

	g, err := s.lookup(name, false)
	if err != nil {
		return nil, err
	}
	defer g.mu.RUnlock()
	streams, err := g.selectStreams(in.LogStreamNames, in.LogStreamNamePrefix)
	if err != nil {
		return nil, err
	}
	q := filterQuery{streams: streams, start: max(deref(in.StartTime), g.expiry(s.now()), 0), end: maxTimestamp,
		after: tok, forward: forward, limit: limit, pattern: pat}
	if in.EndTime != nil {
		q.end = min(*in.EndTime, maxTimestamp)
	}
	return q.run(), nil
}

// A filterQuery is a FilterLogEvents search over streams whose group's lock
// the caller holds.
type filterQuery struct {
	streams    []*stream
	start, end int64        // inclusive bounds of the event timestamps
	after      *filterToken // where a previous page stopped; nil for the first
	forward    bool         // oldest first
	limit      int
	pattern    *Pattern
}

// run returns one page. It enters each stream by binary search at the
// bounds (and the token), then merges the streams, so it visits only the
// events in range up to the page's end, plus one more match to know whether
// a next page exists.
func (q *filterQuery) run() filterLogEventsOutput {
	m := &merge{forward: q.forward}
	for _, st := range q.streams {
		lo, hi := st.from(q.start), st.from(q.end+1)
		if q.after != nil && q.forward {
			lo = max(lo, st.after(q.after.at))
		} else if q.after != nil {
			hi = min(hi, atOrAfter(st, q.after.at))
		}
		if lo < hi {
			m.add(st, lo, hi)
		}
	}
	heap.Init(m)

	out := filterLogEventsOutput{Events: []filteredEvent{}}
	var size int64
	for m.Len() > 0 {
		st, e := m.next()
		if !q.pattern.Match(e.msg) {
			continue
		}
		if len(out.Events) == q.limit || (size+e.size() > maxPageBytes && len(out.Events) > 0) {
			last, _ := parseID(out.Events[len(out.Events)-1].EventID)
			t := filterToken{forward: q.forward, at: last}.filterString()
			out.NextToken = &t
			break
		}
		size += e.size()
		out.Events = append(out.Events, filteredEvent{LogStreamName: st.name, Timestamp: e.ts, Message: e.msg, IngestionTime: e.ingest, EventID: e.id()})
	}
	return out
}

// maxTimestamp is the latest timestamp a search can name; it keeps end+1
// from overflowing.
const maxTimestamp = 1<<63 - 2

// selectStreams returns the streams named, or those with the prefix, or all.
// Naming a missing stream is ResourceNotFoundException, as on AWS (seen in
// https://github.com/percona/rds_exporter/issues/81). The caller holds g's
// lock.
func (g *group) selectStreams(names []string, prefix *string) ([]*stream, error) {
	var out []*stream
	if names != nil {
		for _, n := range names {
			st, ok := g.streams[n]
			if !ok {
				return nil, streamNotFound()
			}
			out = append(out, st)
		}
		return out, nil
	}
	for _, st := range g.streams {
		if prefix == nil || strings.HasPrefix(st.name, *prefix) {
			out = append(out, st)
		}
	}
	return out, nil
}

// A merge is a heap of per-stream cursors that yields the events of several
// streams in pos order, ascending when forward, descending otherwise.
type merge struct {
	forward bool
	cursors []cursor
}

// A cursor walks st.events[lo:hi]: from lo up when forward, from hi-1 down
// otherwise.
type cursor struct {
	st     *stream
	lo, hi int
}

func (m *merge) add(st *stream, lo, hi int) {
	m.cursors = append(m.cursors, cursor{st: st, lo: lo, hi: hi})
}

func (m *merge) head(i int) *event {
	c := &m.cursors[i]
	if m.forward {
		return &c.st.events[c.lo]
	}
	return &c.st.events[c.hi-1]
}

// next pops the next event in order. The merge must not be empty.
func (m *merge) next() (*stream, *event) {
	c := &m.cursors[0]
	e := m.head(0)
	if m.forward {
		c.lo++
	} else {
		c.hi--
	}
	st := c.st
	if c.lo == c.hi {
		heap.Pop(m)
	} else {
		heap.Fix(m, 0)
	}
	return st, e
}

func (m *merge) Len() int { return len(m.cursors) }

func (m *merge) Less(i, j int) bool {
	if m.forward {
		return m.head(i).pos.less(m.head(j).pos)
	}
	return m.head(j).pos.less(m.head(i).pos)
}

func (m *merge) Swap(i, j int) { m.cursors[i], m.cursors[j] = m.cursors[j], m.cursors[i] }

func (m *merge) Push(x any) { m.cursors = append(m.cursors, x.(cursor)) }

func (m *merge) Pop() any {
	n := len(m.cursors) - 1
	c := m.cursors[n]
	m.cursors = m.cursors[:n]
	return c
}
