package logs

import (
	"sort"
	"strings"
)

// maxPageEvents and maxPageBytes bound a page of GetLogEvents and
// FilterLogEvents: 10,000 events or 1 MB
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
const (
	maxPageEvents = 10000
	maxPageBytes  = 1 << 20
)

type getLogEventsInput struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	LogStreamName      *string `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int32  `json:"limit"`
	StartFromHead      *bool   `json:"startFromHead"`
	Unmask             bool    `json:"unmask"`
}

type outputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsOutput struct {
	Events            []outputEvent `json:"events"`
	NextForwardToken  string        `json:"nextForwardToken"`
	NextBackwardToken string        `json:"nextBackwardToken"`
}

// A streamToken is a GetLogEvents token: "f/<event ID>/s" continues with
// the events after that position, "b/<event ID>/s" with the events before it.
// The position need not be an event's: (ts, 0) is just before every event of
// timestamp ts, since sequences start at 1.
type streamToken struct {
	forward bool
	at      pos
}

func (t streamToken) String() string {
	dir := "b/"
	if t.forward {
		dir = "f/"
	}
	return dir + t.at.id() + "/s"
}

func parseStreamToken(s string) (streamToken, bool) {
	dir, rest, ok := strings.Cut(s, "/")
	id, suffix, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || suffix != "s" || (dir != "f" && dir != "b") {
		return streamToken{}, false
	}
	p, ok := parseID(id)
	return streamToken{forward: dir == "f", at: p}, ok
}

// getLogEvents pages through one stream, within [startTime, endTime) and
// never before the group's retention. Without a token it returns the first
// page (startFromHead) or the last page (the default); with one it moves in
// the token's direction. Events are always in ascending order. The tokens
// returned are never empty; when no events lie in a token's direction the
// same token comes back, which is how clients detect the end, as AWS
// documents.
func (s *Service) getLogEvents(c *call) (any, error) {
	var in getLogEventsInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	name, err := groupArg(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if err := validStreamName("logStreamName", deref(in.LogStreamName)); err != nil {
		return nil, err
	}
	limit, err := limitArg(in.Limit, maxPageEvents, maxPageEvents)
	if err != nil {
		return nil, err
	}
	var tok *streamToken
	if in.NextToken != nil {
		t, ok := parseStreamToken(*in.NextToken)
		if !ok {
			return nil, invalidToken()
		}
		tok = &t
	}

	g, err := s.lookup(name, false)
	if err != nil {
		return nil, err
	}
	defer g.mu.RUnlock()
	st, ok := g.streams[*in.LogStreamName]
	if !ok {
		return nil, streamNotFound()
	}
	start := max(deref(in.StartTime), g.expiry(s.now()), 0)
	lo, hi := st.from(start), len(st.events)
	if in.EndTime != nil {
		hi = st.from(*in.EndTime)
	}
	if hi < lo {
		hi = lo
	}
	// The page is events[i:j], taken forward from lo or backward from hi.
	forward := deref(in.StartFromHead)
	if tok != nil {
		forward = tok.forward
		if tok.forward {
			lo = max(lo, st.after(tok.at))
		} else {
			hi = min(hi, atOrAfter(st, tok.at))
		}
	}
	i, j := lo, lo
	if forward {
		for size := int64(0); j < hi && j-i < limit; j++ {
			if size += st.events[j].size(); size > maxPageBytes && j > i {
				break
			}
		}
	} else {
		i, j = hi, hi
		for size := int64(0); i > lo && j-i < limit; i-- {
			if size += st.events[i-1].size(); size > maxPageBytes && i < j {
				break
			}
		}
	}

	out := getLogEventsOutput{Events: make([]outputEvent, 0, j-i)}
	for _, e := range st.events[i:j] {
		out.Events = append(out.Events, outputEvent{Timestamp: e.ts, Message: e.msg, IngestionTime: e.ingest})
	}
	switch {
	case i < j:
		out.NextForwardToken = streamToken{forward: true, at: st.events[j-1].pos}.String()
		out.NextBackwardToken = streamToken{at: st.events[i].pos}.String()
	case tok != nil && tok.forward:
		out.NextForwardToken = *in.NextToken
		out.NextBackwardToken = streamToken{at: pos{ts: tok.at.ts, seq: tok.at.seq + 1}}.String()
	case tok != nil:
		out.NextBackwardToken = *in.NextToken
		out.NextForwardToken = streamToken{forward: true, at: justBefore(tok.at)}.String()
	default:
		edge := pos{ts: start}
		out.NextForwardToken = streamToken{forward: true, at: edge}.String()
		out.NextBackwardToken = streamToken{at: edge}.String()
	}
	return out, nil
}

// atOrAfter returns the index of the first event at or after p.
func atOrAfter(st *stream, p pos) int {
	return sort.Search(len(st.events), func(i int) bool { return !st.events[i].pos.less(p) })
}

// justBefore returns a position q such that the events after q are the
// events at or after p.
func justBefore(p pos) pos {
	if p.seq == 0 {
		return p // no event has sequence 0
	}
	return pos{ts: p.ts, seq: p.seq - 1}
}
