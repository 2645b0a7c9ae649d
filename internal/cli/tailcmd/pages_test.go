package tailcmd

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/edasctl/edasctl/internal/testenv"
)

func messages(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%03d", prefix, i)
	}
	return out
}

// countMessages counts each message of -o json output.
func countMessages(t *testing.T, out string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, l := range jsonLines(t, out) {
		n[l["message"].(string)]++
	}
	return n
}

func TestTail_pageBoundaries(t *testing.T) {
	e := testenv.New(t)
	ts := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	putEvents(t, e, "/aws/lambda/edas-catalog", "s1", ts, messages("catalog", 50))
	putEvents(t, e, "/aws/lambda/edas-thumbnail", "s1", ts, messages("thumbnail", 30))
	smallPages := func(o *Options) { o.JSON, o.PageLimit = true, 7 }

	t.Run("without follow every event of equal timestamps across pages is printed once", func(t *testing.T) {
		got := countMessages(t, once(t, e, smallPages))
		for _, m := range append(messages("catalog", 50), messages("thumbnail", 30)...) {
			if got[m] != 1 {
				t.Errorf("%s printed %d times, want once", m, got[m])
			}
		}
		if len(got) != 80 {
			t.Errorf("%d distinct messages, want 80", len(got))
		}
	})

	t.Run("follow prints events at and before the last timestamp seen once, across polls and pages", func(t *testing.T) {
		logs := &countingLogs{logsAPI: cloudwatchlogs.NewFromConfig(e.AWS)}
		f := startFollow(t, e, func(o *Options) { smallPages(o); o.Logs = logs })
		f.waitOutput(t, "the first 80 events", func(out string) bool { return len(countMessages(t, out)) == 80 })
		// Same timestamp as the newest seen, and a late one stamped before it.
		putEvents(t, e, "/aws/lambda/edas-catalog", "s2", ts, messages("same", 50))
		putEvents(t, e, "/aws/lambda/edas-catalog", "s3", ts.Add(-time.Second), messages("late", 10))
		f.waitOutput(t, "all 140 events", func(out string) bool { return len(countMessages(t, out)) == 140 })
		polls := logs.polls.Load()
		waitUntil(t, "three more polls", func() bool { return logs.polls.Load() >= polls+6 })
		if err := f.stop(t); err != nil {
			t.Errorf("tail -f ended with %v, want nil", err)
		}
		for m, n := range countMessages(t, f.out.String()) {
			if n != 1 {
				t.Errorf("%s printed %d times, want once", m, n)
			}
		}
	})
}

// scriptedLogs answers FilterLogEvents from a list of pages.
type scriptedLogs struct {
	pages []*cloudwatchlogs.FilterLogEventsOutput
	calls int
}

func (s *scriptedLogs) FilterLogEvents(_ context.Context, _ *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	p := s.pages[min(s.calls, len(s.pages)-1)]
	s.calls++
	return p, nil
}

func filtered(id string, ts int64) logstypes.FilteredLogEvent {
	return logstypes.FilteredLogEvent{EventId: aws.String(id), Timestamp: aws.Int64(ts), IngestionTime: aws.Int64(ts), Message: aws.String(id), LogStreamName: aws.String("s")}
}

func TestPoll_pages(t *testing.T) {
	tests := []struct {
		name  string
		pages []*cloudwatchlogs.FilterLogEventsOutput
		want  []string
		calls int
	}{
		{"an empty page with a nextToken is not the end",
			[]*cloudwatchlogs.FilterLogEventsOutput{
				{Events: []logstypes.FilteredLogEvent{filtered("a", 1)}, NextToken: aws.String("t1")},
				{NextToken: aws.String("t2")},
				{Events: []logstypes.FilteredLogEvent{filtered("b", 2)}},
			}, []string{"a", "b"}, 3},
		{"a nextToken repeated unchanged ends the poll",
			[]*cloudwatchlogs.FilterLogEventsOutput{
				{Events: []logstypes.FilteredLogEvent{filtered("a", 1)}, NextToken: aws.String("t1")},
				{NextToken: aws.String("t1")},
			}, []string{"a"}, 2},
		{"an event on two pages is printed once",
			[]*cloudwatchlogs.FilterLogEventsOutput{
				{Events: []logstypes.FilteredLogEvent{filtered("a", 1), filtered("b", 1)}, NextToken: aws.String("t1")},
				{Events: []logstypes.FilteredLogEvent{filtered("b", 1), filtered("c", 1)}},
			}, []string{"a", "b", "c"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &scriptedLogs{pages: tt.pages}
			s := newSource(target{consumer: "c", group: "g"}, api, "", 0, time.UnixMilli(0), time.Second)
			var got []string
			err := poll(t.Context(), []*source{s}, nil, func(e Event) error { got = append(got, e.EventID); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || api.calls != tt.calls {
				t.Errorf("events %v in %d calls, want %v in %d", got, api.calls, tt.want, tt.calls)
			}
		})
	}
}

func TestPoll_mergesSourcesInTimeOrder(t *testing.T) {
	a := &scriptedLogs{pages: []*cloudwatchlogs.FilterLogEventsOutput{
		{Events: []logstypes.FilteredLogEvent{filtered("a1", 1), filtered("a3", 3)}, NextToken: aws.String("t")},
		{Events: []logstypes.FilteredLogEvent{filtered("a5", 5)}},
	}}
	b := &scriptedLogs{pages: []*cloudwatchlogs.FilterLogEventsOutput{
		{Events: []logstypes.FilteredLogEvent{filtered("b2", 2), filtered("b3", 3), filtered("b4", 4)}},
	}}
	sources := []*source{
		newSource(target{consumer: "a", group: "ga"}, a, "", 0, time.UnixMilli(0), time.Second),
		newSource(target{consumer: "b", group: "gb"}, b, "", 0, time.UnixMilli(0), time.Second),
	}
	var got []string
	if err := poll(t.Context(), sources, nil, func(e Event) error { got = append(got, e.EventID); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := "[a1 b2 a3 b3 b4 a5]"; fmt.Sprint(got) != want {
		t.Errorf("merged %v, want %s (ties in the sources' order)", got, want)
	}
}
