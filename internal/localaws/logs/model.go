package logs

import (
	"fmt"
	"sort"
	"strconv"
	"sync"
)

// A pos is the place of an event in the total order of a log group: by
// timestamp, then by ingestion sequence. Sequences are unique within a
// Service, so two events never share a pos.
type pos struct {
	ts  int64  // event timestamp, ms since the epoch, ≥ 0
	seq uint64 // ingestion sequence
}

func (p pos) less(q pos) bool {
	if p.ts != q.ts {
		return p.ts < q.ts
	}
	return p.seq < q.seq
}

// eventIDLen is the length of an event ID: 20 digits of timestamp and 36 of
// sequence. AWS's event IDs are 56-digit decimal strings too.
const eventIDLen = 56

// id returns the event ID of the event at p: numeric, stable, and ordered
// like p.
func (p pos) id() string { return fmt.Sprintf("%020d%036d", p.ts, p.seq) }

// parseID is the inverse of pos.id.
func parseID(s string) (pos, bool) {
	if len(s) != eventIDLen {
		return pos{}, false
	}
	ts, err1 := strconv.ParseInt(s[:20], 10, 64)
	seq, err2 := strconv.ParseUint(s[20:], 10, 64)
	if err1 != nil || err2 != nil || ts < 0 {
		return pos{}, false
	}
	return pos{ts: ts, seq: seq}, true
}

// An event is one stored log event.
type event struct {
	pos
	ingest int64 // ingestion time, ms since the epoch
	msg    string
}

// size is the event's size as CloudWatch Logs counts it for batches and
// storedBytes: its UTF-8 message plus 26 bytes.
func (e *event) size() int64 { return int64(len(e.msg)) + eventOverhead }

// eventOverhead is what each event adds to a batch's size
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html).
const eventOverhead = 26

// A stream is a log stream. Its events are kept sorted by pos.
type stream struct {
	name    string
	created int64
	events  []event
	// lastIngest is the latest ingestion time of any event, 0 when none.
	lastIngest int64
	// lastSeq is the sequence of the latest upload; it makes the
	// uploadSequenceToken.
	lastSeq uint64
	bytes   int64
}

// insert adds events, which carry sequences greater than any the stream
// holds, keeping the slice sorted. Appending in time order is the common
// case and costs O(len(evs)); an older event costs a merge.
func (s *stream) insert(evs []event) {
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].pos.less(evs[j].pos) })
	for i := range evs {
		s.bytes += evs[i].size()
		s.lastIngest = max(s.lastIngest, evs[i].ingest)
		s.lastSeq = max(s.lastSeq, evs[i].seq)
	}
	if len(s.events) == 0 || !evs[0].pos.less(s.events[len(s.events)-1].pos) {
		s.events = append(s.events, evs...)
		return
	}
	merged := make([]event, 0, len(s.events)+len(evs))
	i, j := 0, 0
	for i < len(s.events) && j < len(evs) {
		if evs[j].pos.less(s.events[i].pos) {
			merged = append(merged, evs[j])
			j++
		} else {
			merged = append(merged, s.events[i])
			i++
		}
	}
	merged = append(merged, s.events[i:]...)
	merged = append(merged, evs[j:]...)
	s.events = merged
}

// after returns the index of the first event whose pos is greater than p.
func (s *stream) after(p pos) int {
	return sort.Search(len(s.events), func(i int) bool { return p.less(s.events[i].pos) })
}

// from returns the index of the first event at or after time ts.
func (s *stream) from(ts int64) int {
	return sort.Search(len(s.events), func(i int) bool { return s.events[i].ts >= ts })
}

// A group is a log group and its streams.
type group struct {
	// name and created never change.
	name    string
	created int64

	mu sync.RWMutex // guards the fields below and the streams' contents
	// deleted is set when DeleteLogGroup removed the group; a writer that
	// found the group before must then report it missing.
	deleted   bool
	retention int32 // days; 0 = never expire
	kmsKeyID  string
	class     string
	tags      map[string]string
	streams   map[string]*stream
}

// expiry returns the earliest timestamp still visible at now (ms) under the
// group's retention, or 0 when events never expire. Expired events stay in
// the store until their stream or group is deleted; reads skip them.
func (g *group) expiry(now int64) int64 {
	if g.retention == 0 {
		return 0
	}
	return max(0, now-int64(g.retention)*dayMillis)
}

const dayMillis = 24 * 60 * 60 * 1000

// storedBytes is the size of the events the group holds, expired ones
// included until they are deleted with their stream or group.
func (g *group) storedBytes() int64 {
	var n int64
	for _, s := range g.streams {
		n += s.bytes
	}
	return n
}
