package logs

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

func openDisk(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// snapshot renders what a client sees of group g: its attributes, tags,
// streams and every event with its ID.
func snapshot(t *testing.T, f *fixture) string {
	t.Helper()
	ctx := context.Background()
	groups, err := f.client.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, g := range groups.LogGroups {
		out += *g.LogGroupName + " created " + itoa(*g.CreationTime) + " class " + string(g.LogGroupClass) + " bytes " + itoa(*g.StoredBytes)
		if g.RetentionInDays != nil {
			out += " retention " + itoa(int64(*g.RetentionInDays))
		}
		tags, err := f.client.ListTagsLogGroup(ctx, &cwl.ListTagsLogGroupInput{LogGroupName: g.LogGroupName})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range tags.Tags {
			out += " tag " + k + "=" + v
		}
		streams, err := f.client.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: g.LogGroupName})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range streams.LogStreams {
			out += "\n  " + *s.LogStreamName + " created " + itoa(*s.CreationTime)
			if s.LastEventTimestamp != nil {
				out += " last " + itoa(*s.LastEventTimestamp) + " ingested " + itoa(*s.LastIngestionTime) + " token " + *s.UploadSequenceToken
			}
		}
		evs, err := f.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: g.LogGroupName})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs.Events {
			out += "\n    " + *e.EventId + " " + *e.LogStreamName + " " + itoa(*e.Timestamp) + " " + itoa(*e.IngestionTime) + " " + *e.Message
		}
		out += "\n"
	}
	return out
}

func TestStateSurvivesARestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := clock.NewFake(t0)
	st := openDisk(t, dir)
	f := newFixtureOn(t, st, c)
	if _, err := f.client.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/edas-a"),
		Tags: map[string]string{"edas:stack": "edas"}, LogGroupClass: "INFREQUENT_ACCESS"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/edas-a"), RetentionInDays: aws.Int32(14)}); err != nil {
		t.Fatal(err)
	}
	f.createGroup(t, "other")
	f.createStream(t, "/aws/lambda/edas-a", "s1")
	f.createStream(t, "/aws/lambda/edas-a", "s2")
	f.createStream(t, "other", "empty")
	now := f.nowMs()
	f.put(t, "/aws/lambda/edas-a", "s1", []int64{now - 5, now - 1}, "one", "three")
	c.Advance(1e6)
	f.put(t, "/aws/lambda/edas-a", "s2", []int64{now - 3}, "two\nwith a newline and ünïcödé")
	if err := f.svc.Append(ctx, "/aws/lambda/edas-b", "[$LATEST]x", []InputEvent{{Timestamp: now, Message: "appended"}}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, f)

	// Open the same database again without closing the first: what a
	// restart after kill -9 finds.
	f2 := newFixtureOn(t, openDisk(t, dir), c)
	if after := snapshot(t, f2); after != before {
		t.Errorf("state after restart =\n%s\nwant\n%s", after, before)
	}
	f.srv.Close()
	st.Close()
}

// Events written together are stored together (see encodeBatch); a
// restart must give back each of them, in (timestamp, sequence) order even
// when a write's events were out of order or interleave with another's.
func TestEventsWrittenTogetherSurviveARestartInOrder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := clock.NewFake(t0)
	st := openDisk(t, dir)
	f := newFixtureOn(t, st, c)
	now := f.nowMs()
	appendEvents := func(stream string, ts []int64, msgs ...string) {
		t.Helper()
		evs := make([]InputEvent, len(ts))
		for i := range ts {
			evs[i] = InputEvent{Timestamp: ts[i], Message: msgs[i]}
		}
		if err := f.svc.Append(ctx, "/aws/lambda/f", stream, evs); err != nil {
			t.Fatal(err)
		}
	}
	appendEvents("a", []int64{now - 1, now - 5, now - 3}, "one", "five", "three")
	c.Advance(1000)
	appendEvents("a", []int64{now - 4, now - 2, now - 2}, "four", "", "two")
	appendEvents("a", []int64{now - 6}, "six")
	big := strings.Repeat("x", maxBatchRow/3)
	huge := strings.Repeat("y", 2*maxBatchRow)
	appendEvents("b", []int64{now - 3, now - 7, now - 1, now - 10, now - 2}, big+"1", big+"2", big+"3", huge, "small")
	f.put(t, "/aws/lambda/f", "b", []int64{now - 9, now - 8}, "nine", "eight")
	before := snapshot(t, f)

	f2 := newFixtureOn(t, openDisk(t, dir), c)
	if after := snapshot(t, f2); after != before {
		t.Errorf("state after restart =\n%s\nwant\n%s", after, before)
	}
	out, err := f2.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/f")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range out.Events {
		got = append(got, strings.TrimPrefix(*e.Message, big))
	}
	want := []string{huge, "nine", "eight", "2", "six", "five", "four", "three", "1", "two", "small", "one", "3"}
	if !slices.Equal(got, want) {
		t.Errorf("messages after restart = %.40q, want %.40q", got, want)
	}
	f.srv.Close()
	st.Close()
}

func TestEventIDsAreNotReusedAfterDeletionAndRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := clock.NewFake(t0)
	st := openDisk(t, dir)
	f := newFixtureOn(t, st, c)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	now := f.nowMs()
	f.put(t, "g", "s", []int64{now, now}, "a", "b")
	gone, err := f.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.DeleteLogStream(ctx, &cwl.DeleteLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	f.srv.Close()
	st.Close()

	f2 := newFixtureOn(t, openDisk(t, dir), c)
	f2.createStream(t, "g", "s")
	f2.put(t, "g", "s", []int64{now, now}, "c", "d")
	out, err := f2.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range out.Events {
		for _, old := range gone.Events {
			if *e.EventId == *old.EventId {
				t.Errorf("event %q reuses the ID %s of a deleted event", *e.Message, *e.EventId)
			}
		}
	}
}
