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

func TestCreateLogStreamErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	tests := map[string]struct {
		group, stream string
		check         func(*testing.T, error)
	}{
		"an existing stream is ResourceAlreadyExistsException": {"g", "s", wantErr[*types.ResourceAlreadyExistsException]},
		"a missing group is ResourceNotFoundException":         {"missing", "s", wantErr[*types.ResourceNotFoundException]},
		"a colon in the name is InvalidParameterException":     {"g", "a:b", wantErr[*types.InvalidParameterException]},
		"an asterisk in the name is InvalidParameterException": {"g", "a*", wantErr[*types.InvalidParameterException]},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.client.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(tt.group), LogStreamName: aws.String(tt.stream)})
			tt.check(t, err)
		})
	}
}

func TestDeleteLogStream(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	f.put(t, "g", "s", []int64{f.nowMs()}, "gone soon")
	if _, err := f.client.DeleteLogStream(ctx, &cwl.DeleteLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	_, err := f.client.DeleteLogStream(ctx, &cwl.DeleteLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = f.client.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	wantErr[*types.ResourceNotFoundException](t, err)
	out, err := f.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 0 {
		t.Errorf("events of the deleted stream = %d, want 0", len(out.Events))
	}
}

func TestDescribeLogStreamsReportsEventTimes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	created := f.nowMs()
	out, err := f.client.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	s := out.LogStreams[0]
	if s.FirstEventTimestamp != nil || s.LastEventTimestamp != nil || s.LastIngestionTime != nil || s.UploadSequenceToken != nil {
		t.Errorf("a new stream reports event times or a token: %+v", s)
	}
	if *s.Arn != "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s" || *s.CreationTime != created {
		t.Errorf("arn, creationTime = %s, %d", *s.Arn, *s.CreationTime)
	}

	f.clock.Advance(5000)
	now := f.nowMs()
	put := f.put(t, "g", "s", []int64{now - 3000, now - 1000, now - 2000}, "a", "b", "c")
	out, err = f.client.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g")})
	if err != nil {
		t.Fatal(err)
	}
	s = out.LogStreams[0]
	got := fmt.Sprint(*s.FirstEventTimestamp, " ", *s.LastEventTimestamp, " ", *s.LastIngestionTime, " ", *s.UploadSequenceToken)
	want := fmt.Sprint(now-3000, " ", now-1000, " ", now, " ", *put.NextSequenceToken)
	if got != want {
		t.Errorf("first, last, ingestion, token = %s, want %s", got, want)
	}
}

func TestDescribeLogStreamsOrdersAndPaginates(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	now := f.nowMs()
	// Stream sNN gets its last event at now - NN*7 % 30 minutes: an order by
	// time different from the order by name.
	const n = 17
	byTime := make([]string, 0, n)
	type st struct {
		name string
		ts   int64
	}
	var all []st
	for i := range n {
		name := fmt.Sprintf("s%02d", i)
		f.createStream(t, "g", name)
		ts := now - int64(i*7%n)*60000
		f.put(t, "g", name, []int64{ts}, "x")
		all = append(all, st{name, ts})
	}
	for k := n - 1; k >= 0; k-- { // ascending time = descending k
		for _, s := range all {
			if s.ts == now-int64(k)*60000 {
				byTime = append(byTime, s.name)
			}
		}
	}
	var byName []string
	for _, s := range all {
		byName = append(byName, s.name)
	}
	reverse := func(in []string) []string {
		out := make([]string, len(in))
		for i, s := range in {
			out[len(in)-1-i] = s
		}
		return out
	}
	tests := map[string]struct {
		in   cwl.DescribeLogStreamsInput
		want []string
	}{
		"by name":                 {cwl.DescribeLogStreamsInput{}, byName},
		"by name, descending":     {cwl.DescribeLogStreamsInput{Descending: aws.Bool(true)}, reverse(byName)},
		"by last event time":      {cwl.DescribeLogStreamsInput{OrderBy: types.OrderByLastEventTime}, byTime},
		"by last event time desc": {cwl.DescribeLogStreamsInput{OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true)}, reverse(byTime)},
		"by name prefix":          {cwl.DescribeLogStreamsInput{LogStreamNamePrefix: aws.String("s1")}, byName[10:]},
	}
	for name, tt := range tests {
		for _, limit := range []int32{1, 4, 50} {
			t.Run(fmt.Sprintf("%s, limit %d", name, limit), func(t *testing.T) {
				in := tt.in
				in.LogGroupName, in.Limit = aws.String("g"), aws.Int32(limit)
				p := cwl.NewDescribeLogStreamsPaginator(f.client, &in)
				var got []string
				for p.HasMorePages() {
					out, err := p.NextPage(ctx)
					if err != nil {
						t.Fatal(err)
					}
					for _, s := range out.LogStreams {
						got = append(got, *s.LogStreamName)
					}
				}
				if strings.Join(got, " ") != strings.Join(tt.want, " ") {
					t.Errorf("streams =\n %v\nwant\n %v", got, tt.want)
				}
			})
		}
	}
	t.Run("LastEventTime with a prefix is InvalidParameterException", func(t *testing.T) {
		_, err := f.client.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"),
			OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("s")})
		wantErr[*types.InvalidParameterException](t, err)
	})
	t.Run("a missing group is ResourceNotFoundException", func(t *testing.T) {
		_, err := f.client.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("missing")})
		wantErr[*types.ResourceNotFoundException](t, err)
	})
	t.Run("a forged token is InvalidParameterException", func(t *testing.T) {
		_, err := f.client.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), NextToken: aws.String("!!")})
		wantErr[*types.InvalidParameterException](t, err)
	})
}
