package logs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func TestPutLogEventsRejectsEventsOutsideTheTimeWindow(t *testing.T) {
	const hour = int64(time.Hour / time.Millisecond)
	tests := map[string]struct {
		retention int32
		ts        []int64 // offsets from now
		want      types.RejectedLogEventsInfo
		kept      int
	}{
		"an event just under 14 days old is accepted":  {0, []int64{-14*24*hour + 1}, types.RejectedLogEventsInfo{}, 1},
		"an event 2 hours ahead is accepted":           {0, []int64{0, 2 * hour}, types.RejectedLogEventsInfo{}, 2},
		"an event over 2 hours ahead is too new":       {0, []int64{0, 2*hour + 1}, types.RejectedLogEventsInfo{TooNewLogEventStartIndex: aws.Int32(1)}, 1},
		"an event over 14 days old is too old":         {0, []int64{-14*24*hour - 1, 0}, types.RejectedLogEventsInfo{TooOldLogEventEndIndex: aws.Int32(1)}, 1},
		"an event older than the retention is expired": {1, []int64{-25 * hour, -23 * hour}, types.RejectedLogEventsInfo{ExpiredLogEventEndIndex: aws.Int32(1)}, 1},
		"every kind at once, in any order":             {3, []int64{-4 * 24 * hour, 3 * hour, -15 * 24 * hour, 0}, types.RejectedLogEventsInfo{TooNewLogEventStartIndex: aws.Int32(1), TooOldLogEventEndIndex: aws.Int32(3), ExpiredLogEventEndIndex: aws.Int32(1)}, 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			f.createGroup(t, "g")
			f.createStream(t, "g", "s")
			if tt.retention > 0 {
				if _, err := f.client.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(tt.retention)}); err != nil {
					t.Fatal(err)
				}
			}
			ts := make([]int64, len(tt.ts))
			msgs := make([]string, len(tt.ts))
			for i, d := range tt.ts {
				ts[i], msgs[i] = f.nowMs()+d, "m"
			}
			out := f.put(t, "g", "s", ts, msgs...)
			got := out.RejectedLogEventsInfo
			if got == nil {
				got = &types.RejectedLogEventsInfo{}
			}
			if s, w := fmtRejected(got), fmtRejected(&tt.want); s != w {
				t.Errorf("rejected = %s, want %s", s, w)
			}
			ev, err := f.client.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Events) != tt.kept {
				t.Errorf("stored events = %d, want %d", len(ev.Events), tt.kept)
			}
		})
	}
}

func fmtRejected(r *types.RejectedLogEventsInfo) string {
	f := func(p *int32) string {
		if p == nil {
			return "-"
		}
		return itoa(int64(*p))
	}
	return "new " + f(r.TooNewLogEventStartIndex) + " old " + f(r.TooOldLogEventEndIndex) + " expired " + f(r.ExpiredLogEventEndIndex)
}

func TestPutLogEventsErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	now := f.nowMs()
	one := []types.InputLogEvent{{Timestamp: aws.Int64(now), Message: aws.String("m")}}
	many := func(n, size int) []types.InputLogEvent {
		evs := make([]types.InputLogEvent, n)
		for i := range evs {
			evs[i] = types.InputLogEvent{Timestamp: aws.Int64(now), Message: aws.String(strings.Repeat("x", size))}
		}
		return evs
	}
	tests := map[string]struct {
		group, stream string
		events        []types.InputLogEvent
		check         func(*testing.T, error)
	}{
		"a missing group is ResourceNotFoundException":                {"missing", "s", one, wantErr[*types.ResourceNotFoundException]},
		"a missing stream is ResourceNotFoundException":               {"g", "missing", one, wantErr[*types.ResourceNotFoundException]},
		"10,001 events are InvalidParameterException":                 {"g", "s", many(10001, 1), wantErr[*types.InvalidParameterException]},
		"1,048,577 bytes with overhead are InvalidParameterException": {"g", "s", many(2, 1<<19-26+1), wantErr[*types.InvalidParameterException]},
		"an empty message is InvalidParameterException":               {"g", "s", many(1, 0), wantErr[*types.InvalidParameterException]},
		"events spanning over 24 hours are InvalidParameterException": {"g", "s", []types.InputLogEvent{
			{Timestamp: aws.Int64(now - 24*3600*1000 - 1), Message: aws.String("old")}, {Timestamp: aws.Int64(now), Message: aws.String("new")}},
			wantErr[*types.InvalidParameterException]},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.client.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(tt.group), LogStreamName: aws.String(tt.stream), LogEvents: tt.events})
			tt.check(t, err)
		})
	}
	t.Run("exactly 10,000 events of 1,048,576 bytes with overhead are accepted", func(t *testing.T) {
		evs := many(10000, 1<<20/10000-26)
		evs[0].Message = aws.String(strings.Repeat("x", 1<<20-(10000*(1<<20/10000))+len(*evs[0].Message)))
		if _, err := f.client.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: evs}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPutLogEventsIgnoresSequenceTokens(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.createGroup(t, "g")
	f.createStream(t, "g", "s")
	first := f.put(t, "g", "s", []int64{f.nowMs()}, "one")
	out, err := f.client.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
		SequenceToken: aws.String("stale"), LogEvents: []types.InputLogEvent{{Timestamp: aws.Int64(f.nowMs()), Message: aws.String("two")}}})
	if err != nil {
		t.Fatal(err)
	}
	if *out.NextSequenceToken == *first.NextSequenceToken {
		t.Errorf("nextSequenceToken did not change: %s", *out.NextSequenceToken)
	}
}

func TestAppendCreatesTheGroupAndStream(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	now := f.nowMs()
	err := f.svc.Append(ctx, "/aws/lambda/edas-catalog", "2026/03/01/[$LATEST]abc", []InputEvent{
		{Timestamp: now, Message: "START RequestId: 1"}, {Timestamp: now, Message: ""}, {Timestamp: now + 1, Message: "END RequestId: 1"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Append(ctx, "/aws/lambda/edas-catalog", "2026/03/01/[$LATEST]abc", []InputEvent{{Timestamp: now + 2, Message: "REPORT"}}); err != nil {
		t.Fatal(err)
	}
	out, err := f.client.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("/aws/lambda/edas-catalog"),
		LogStreamName: aws.String("2026/03/01/[$LATEST]abc"), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range out.Events {
		msgs = append(msgs, *e.Message)
	}
	if got := strings.Join(msgs, "|"); got != "START RequestId: 1|END RequestId: 1|REPORT" {
		t.Errorf("messages = %q", got)
	}
	if err := f.svc.Append(ctx, "bad:group", "s", nil); err == nil {
		t.Error("Append to an invalid group name succeeded")
	}
}
