package logs

import (
	"fmt"
	"testing"
)

// TestFilterVisitsOnlyTheEventsInRange counts the events a search hands to
// its pattern: a narrow time range over a large group must not scan the
// group.
func TestFilterVisitsOnlyTheEventsInRange(t *testing.T) {
	const streams, perStream = 10, 10000
	var sts []*stream
	for s := range streams {
		st := &stream{name: fmt.Sprintf("s%d", s)}
		evs := make([]event, perStream)
		for i := range evs {
			n := int64(i*streams + s) // the group's events interleave across streams, one per ms
			evs[i] = event{pos: pos{ts: n, seq: uint64(n + 1)}, msg: "m"}
		}
		st.insert(evs)
		sts = append(sts, st)
	}
	tests := map[string]struct {
		start, end int64
		limit      int
		forward    bool
		wantEvents int
		wantVisits int
	}{
		"a 100 ms range visits its 100 events":                  {50000, 50099, 10000, true, 100, 100},
		"a full page visits one more match to decide nextToken": {50000, 50099, 10, true, 10, 11},
		"newest first visits from the end of the range":         {50000, 50099, 10, false, 10, 11},
		"a range past the last event visits nothing":            {200000, 300000, 10, true, 0, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			visits := 0
			q := filterQuery{streams: sts, start: tt.start, end: tt.end, forward: tt.forward, limit: tt.limit,
				pattern: &Pattern{match: func(string) bool { visits++; return true }}}
			out := q.run()
			if len(out.Events) != tt.wantEvents || visits != tt.wantVisits {
				t.Errorf("events, visits = %d, %d; want %d, %d", len(out.Events), visits, tt.wantEvents, tt.wantVisits)
			}
			if len(out.Events) > 0 {
				first := out.Events[0].Timestamp
				if want := map[bool]int64{true: tt.start, false: tt.end}[tt.forward]; first != want {
					t.Errorf("first timestamp = %d, want %d", first, want)
				}
			}
		})
	}
}
