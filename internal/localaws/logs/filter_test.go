package logs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// groupOf returns a fixture whose group g has three streams a, b, c; event
// i (0 ≤ i < n) is in stream "abc"[i%3] at base + i/2 ms (so pairs share a
// timestamp across streams), with message "e<i> {json}".
func groupOf(t *testing.T, n int) (*fixture, int64) {
	t.Helper()
	f := newFixture(t)
	f.createGroup(t, "g")
	base := f.nowMs() - 60000
	for _, s := range []string{"a", "b", "c"} {
		f.createStream(t, "g", s)
	}
	for i := range n {
		s := string("abc"[i%3])
		f.put(t, "g", s, []int64{base + int64(i/2)}, fmt.Sprintf(`{"id": "e%02d", "n": %d, "outcome": %q}`, i, i, []string{"ok", "error"}[i%2]))
	}
	return f, base
}

func names(evs []types.FilteredLogEvent) string {
	var out []string
	for _, e := range evs {
		var m struct{ ID string }
		if err := json.Unmarshal([]byte(*e.Message), &m); err != nil {
			panic(err)
		}
		out = append(out, m.ID)
	}
	return strings.Join(out, " ")
}

func TestFilterLogEventsInterleavesStreamsByTime(t *testing.T) {
	ctx := context.Background()
	f, base := groupOf(t, 6)
	out, err := f.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(out.Events); got != "e00 e01 e02 e03 e04 e05" {
		t.Errorf("events = %q", got)
	}
	if out.NextToken != nil {
		t.Errorf("nextToken = %q on the last page, want none", *out.NextToken)
	}
	ids := map[string]bool{}
	for i, e := range out.Events {
		if *e.LogStreamName != string("abc"[i%3]) || *e.Timestamp != base+int64(i/2) || *e.IngestionTime != f.nowMs() {
			t.Errorf("event %d = stream %s, timestamp %d, ingestion %d", i, *e.LogStreamName, *e.Timestamp, *e.IngestionTime)
		}
		if len(*e.EventId) != 56 || strings.Trim(*e.EventId, "0123456789") != "" || ids[*e.EventId] {
			t.Errorf("event %d has a malformed or repeated eventId %q", i, *e.EventId)
		}
		ids[*e.EventId] = true
	}
}

func TestFilterLogEventsSelection(t *testing.T) {
	ctx := context.Background()
	f, base := groupOf(t, 12)
	tests := map[string]struct {
		in   cwl.FilterLogEventsInput
		want string
	}{
		"startTime and endTime are inclusive": {cwl.FilterLogEventsInput{StartTime: aws.Int64(base + 1), EndTime: aws.Int64(base + 2)}, "e02 e03 e04 e05"},
		"logStreamNames selects streams":      {cwl.FilterLogEventsInput{LogStreamNames: []string{"a", "c"}}, "e00 e02 e03 e05 e06 e08 e09 e11"},
		"logStreamNamePrefix selects streams": {cwl.FilterLogEventsInput{LogStreamNamePrefix: aws.String("b")}, "e01 e04 e07 e10"},
		"a term pattern filters messages":     {cwl.FilterLogEventsInput{FilterPattern: aws.String(`"e1"`)}, "e10 e11"},
		"a JSON pattern filters messages":     {cwl.FilterLogEventsInput{FilterPattern: aws.String(`{ $.outcome = "error" && $.n > 5 }`)}, "e07 e09 e11"},
		"newest first without startFromHead":  {cwl.FilterLogEventsInput{StartFromHead: aws.Bool(false), StartTime: aws.Int64(base + 4)}, "e11 e10 e09 e08"},
		"a log group ARN identifies the group": {cwl.FilterLogEventsInput{LogGroupName: nil, EndTime: aws.Int64(base),
			LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g:*")}, "e00 e01"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			in := tt.in
			if in.LogGroupIdentifier == nil {
				in.LogGroupName = aws.String("g")
			}
			out, err := f.client.FilterLogEvents(ctx, &in)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(out.Events); got != tt.want {
				t.Errorf("events = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFilterLogEventsPaginatesWithoutDuplicatesOrGaps(t *testing.T) {
	ctx := context.Background()
	f, base := groupOf(t, 30)
	tests := map[string]struct {
		in   cwl.FilterLogEventsInput
		want int
	}{
		"all events, oldest first":  {cwl.FilterLogEventsInput{}, 30},
		"all events, newest first":  {cwl.FilterLogEventsInput{StartFromHead: aws.Bool(false), StartTime: aws.Int64(base)}, 30},
		"a pattern matching half":   {cwl.FilterLogEventsInput{FilterPattern: aws.String(`{ $.outcome = "ok" }`)}, 15},
		"a time range of 10 events": {cwl.FilterLogEventsInput{StartTime: aws.Int64(base + 5), EndTime: aws.Int64(base + 9)}, 10},
	}
	for name, tt := range tests {
		for _, limit := range []int32{1, 2, 7, 10, 15, 30} {
			t.Run(fmt.Sprintf("%s, limit %d", name, limit), func(t *testing.T) {
				in := tt.in
				in.LogGroupName, in.Limit = aws.String("g"), aws.Int32(limit)
				full, err := f.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: in.FilterPattern,
					StartTime: in.StartTime, EndTime: in.EndTime, StartFromHead: in.StartFromHead})
				if err != nil {
					t.Fatal(err)
				}
				p := cwl.NewFilterLogEventsPaginator(f.client, &in)
				var got []types.FilteredLogEvent
				pages := 0
				for p.HasMorePages() {
					out, err := p.NextPage(ctx)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, out.Events...)
					pages++
				}
				if names(got) != names(full.Events) || len(got) != tt.want {
					t.Errorf("paged events =\n %s\nwant %d events\n %s", names(got), tt.want, names(full.Events))
				}
				if want := max(1, (tt.want+int(limit)-1)/int(limit)); pages != want {
					t.Errorf("pages = %d, want %d", pages, want)
				}
			})
		}
	}
}

func TestFilterLogEventsErrors(t *testing.T) {
	ctx := context.Background()
	f, _ := groupOf(t, 3)
	tests := map[string]struct {
		in    cwl.FilterLogEventsInput
		check func(*testing.T, error)
	}{
		"a missing group is ResourceNotFoundException": {cwl.FilterLogEventsInput{LogGroupName: aws.String("missing")}, wantErr[*types.ResourceNotFoundException]},
		"no group is InvalidParameterException":        {cwl.FilterLogEventsInput{}, wantErr[*types.InvalidParameterException]},
		"a missing named stream is ResourceNotFoundException": {cwl.FilterLogEventsInput{LogGroupName: aws.String("g"),
			LogStreamNames: []string{"a", "missing"}}, wantErr[*types.ResourceNotFoundException]},
		"stream names and prefix together are InvalidParameterException": {cwl.FilterLogEventsInput{LogGroupName: aws.String("g"),
			LogStreamNames: []string{"a"}, LogStreamNamePrefix: aws.String("a")}, wantErr[*types.InvalidParameterException]},
		"an invalid pattern is InvalidParameterException": {cwl.FilterLogEventsInput{LogGroupName: aws.String("g"),
			FilterPattern: aws.String(`{ $.x = }`)}, wantErr[*types.InvalidParameterException]},
		"a forged token is InvalidParameterException": {cwl.FilterLogEventsInput{LogGroupName: aws.String("g"),
			NextToken: aws.String("nope")}, wantErr[*types.InvalidParameterException]},
		"newest first before 2024 is InvalidParameterException": {cwl.FilterLogEventsInput{LogGroupName: aws.String("g"),
			StartFromHead: aws.Bool(false), StartTime: aws.Int64(1)}, wantErr[*types.InvalidParameterException]},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.client.FilterLogEvents(ctx, &tt.in)
			tt.check(t, err)
		})
	}
}
