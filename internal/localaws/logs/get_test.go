package logs

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// streamOf returns a fixture with stream g/s holding messages m00..m(n-1)
// at consecutive milliseconds ending a minute before now, stored in shuffled
// batches.
func streamOf(t *testing.T, n int) (*fixture, int64) {
	t.Helper()
	f := newFixture(t)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	base := f.nowMs() - 60000
	var ts []int64
	var msgs []string
	for i := n - 1; i >= 0; i-- { // newest first: the store must sort
		ts = append(ts, base+int64(i))
		msgs = append(msgs, fmt.Sprintf("m%02d", i))
	}
	for len(ts) > 0 {
		k := min(7, len(ts))
		f.put(t, "g", "s", ts[:k], msgs[:k]...)
		ts, msgs = ts[k:], msgs[k:]
	}
	return f, base
}

// stopOnDuplicate makes the SDK's paginator stop when the forward token
// comes back unchanged, which is how GetLogEvents signals the end.
func stopOnDuplicate(o *cwl.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true }

func messages(evs []types.OutputLogEvent) string {
	var out []string
	for _, e := range evs {
		out = append(out, *e.Message)
	}
	return strings.Join(out, " ")
}

func span(from, to int) string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("m%02d", i))
	}
	return strings.Join(out, " ")
}

func TestGetLogEventsPagesBackwardFromTheEndByDefault(t *testing.T) {
	ctx := context.Background()
	f, _ := streamOf(t, 25)
	in := &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), Limit: aws.Int32(10)}
	want := []string{span(15, 25), span(5, 15), span(0, 5), ""}
	for i, w := range want {
		out, err := f.client.GetLogEvents(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if got := messages(out.Events); got != w {
			t.Fatalf("page %d = %q, want %q", i, got, w)
		}
		if w == "" && *out.NextBackwardToken != *in.NextToken {
			t.Errorf("at the start, nextBackwardToken = %s, want the token sent, %s", *out.NextBackwardToken, *in.NextToken)
		}
		in.NextToken = out.NextBackwardToken
	}
}

func TestGetLogEventsPaginatorReadsEveryEventOnceFromTheHead(t *testing.T) {
	ctx := context.Background()
	f, _ := streamOf(t, 25)
	for _, limit := range []int32{1, 5, 10, 25, 100} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			p := cwl.NewGetLogEventsPaginator(f.client, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
				StartFromHead: aws.Bool(true), Limit: aws.Int32(limit)}, stopOnDuplicate)
			var all []types.OutputLogEvent
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, out.Events...)
				if pages++; pages > 100 {
					t.Fatal("the paginator does not stop")
				}
			}
			if got := messages(all); got != span(0, 25) {
				t.Errorf("events = %q", got)
			}
		})
	}
}

func TestGetLogEventsForwardTokenSeesLaterEvents(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	in := &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)}
	out, err := f.client.GetLogEvents(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 0 || *out.NextForwardToken == "" || *out.NextBackwardToken == "" {
		t.Fatalf("empty stream: events %d, tokens %q %q", len(out.Events), *out.NextForwardToken, *out.NextBackwardToken)
	}
	in.NextToken = out.NextForwardToken
	now := f.nowMs()
	f.put(t, "g", "s", []int64{now, now}, "a", "b")
	f.put(t, "g", "s", []int64{now - 10}, "earlier, but after the token")
	out, err = f.client.GetLogEvents(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := messages(out.Events); got != "earlier, but after the token a b" {
		t.Errorf("events = %q", got)
	}
	in.NextToken = out.NextForwardToken
	out, err = f.client.GetLogEvents(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 0 || *out.NextForwardToken != *in.NextToken {
		t.Errorf("at the end: events %d, nextForwardToken %s, want the token sent %s", len(out.Events), *out.NextForwardToken, *in.NextToken)
	}
	f.put(t, "g", "s", []int64{now + 1}, "c")
	out, err = f.client.GetLogEvents(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := messages(out.Events); got != "c" {
		t.Errorf("events after the end = %q, want c", got)
	}
}

func TestGetLogEventsTimeRange(t *testing.T) {
	ctx := context.Background()
	f, base := streamOf(t, 25)
	tests := map[string]struct {
		start, end *int64
		head       bool
		want       string
	}{
		"startTime is inclusive":             {aws.Int64(base + 20), nil, true, span(20, 25)},
		"endTime is exclusive":               {nil, aws.Int64(base + 3), true, span(0, 3)},
		"both, read from the end":            {aws.Int64(base + 10), aws.Int64(base + 13), false, span(10, 13)},
		"an empty range returns no events":   {aws.Int64(base + 13), aws.Int64(base + 13), true, ""},
		"an inverted range returns no event": {aws.Int64(base + 14), aws.Int64(base + 13), false, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := f.client.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
				StartTime: tt.start, EndTime: tt.end, StartFromHead: aws.Bool(tt.head)})
			if err != nil {
				t.Fatal(err)
			}
			if got := messages(out.Events); got != tt.want {
				t.Errorf("events = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGetLogEventsPaginatesEventsOfOneTimestamp(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	now := f.nowMs()
	f.put(t, "g", "s", []int64{now, now, now, now}, "a", "b", "c", "d")
	p := cwl.NewGetLogEventsPaginator(f.client, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
		StartFromHead: aws.Bool(true), Limit: aws.Int32(1)}, stopOnDuplicate)
	var all []types.OutputLogEvent
	for pages := 0; p.HasMorePages(); pages++ {
		if pages > 10 {
			t.Fatal("the paginator does not stop")
		}
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.Events...)
	}
	if got := messages(all); got != "a b c d" {
		t.Errorf("events = %q, want a b c d in ingestion order", got)
	}
}

func TestGetLogEventsHidesEventsPastRetention(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	now := f.nowMs()
	f.put(t, "g", "s", []int64{now - 20*3600*1000, now}, "old", "new")
	if _, err := f.client.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	get := func() string {
		out, err := f.client.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
		if err != nil {
			t.Fatal(err)
		}
		return messages(out.Events)
	}
	if got := get(); got != "old new" {
		t.Fatalf("events within retention = %q", got)
	}
	f.clock.Advance(5 * 3600 * 1000 * 1e6) // 5 hours: "old" is now 25 hours old
	if got := get(); got != "new" {
		t.Errorf("events after 5 hours = %q, want new", got)
	}
	if _, err := f.client.DeleteRetentionPolicy(ctx, &cwl.DeleteRetentionPolicyInput{LogGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != "old new" {
		t.Errorf("events without retention = %q, want old new (expiry is lazy)", got)
	}
}

func TestGetLogEventsErrors(t *testing.T) {
	ctx := context.Background()
	f, _ := streamOf(t, 3)
	tests := map[string]struct {
		in    cwl.GetLogEventsInput
		check func(*testing.T, error)
	}{
		"a missing stream is ResourceNotFoundException": {cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("x")}, wantErr[*types.ResourceNotFoundException]},
		"a missing group is ResourceNotFoundException":  {cwl.GetLogEventsInput{LogGroupName: aws.String("x"), LogStreamName: aws.String("s")}, wantErr[*types.ResourceNotFoundException]},
		"a forged token is InvalidParameterException": {cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
			NextToken: aws.String("f/123/s")}, wantErr[*types.InvalidParameterException]},
		"name and identifier together are InvalidParameterException": {cwl.GetLogEventsInput{LogGroupName: aws.String("g"),
			LogGroupIdentifier: aws.String("g"), LogStreamName: aws.String("s")}, wantErr[*types.InvalidParameterException]},
		"a limit over 10,000 is InvalidParameterException": {cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
			Limit: aws.Int32(10001)}, wantErr[*types.InvalidParameterException]},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.client.GetLogEvents(ctx, &tt.in)
			tt.check(t, err)
		})
	}
}
