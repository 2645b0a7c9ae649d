package lambda

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/lambda/runtime"
)

func TestReportLine_hasLambdasFields(t *testing.T) {
	const id = "6f1a2b3c-0000-4000-8000-000000000001"
	for _, c := range []struct {
		out  runtime.Outcome
		want string
	}{
		{runtime.Outcome{Duration: 1234567 * time.Nanosecond, MaxMemoryMB: 17},
			"REPORT RequestId: " + id + "\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 17 MB"},
		{runtime.Outcome{Duration: 2 * time.Millisecond, InitDuration: 40125 * time.Microsecond, MaxMemoryMB: 9},
			"REPORT RequestId: " + id + "\tDuration: 2.00 ms\tBilled Duration: 43 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\tInit Duration: 40.12 ms"},
		{runtime.Outcome{Duration: 3 * time.Second, Err: &runtime.FunctionError{Type: runtime.TypeTimeout, Fatal: true}},
			"REPORT RequestId: " + id + "\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 0 MB\tStatus: timeout"},
		{runtime.Outcome{Duration: 5 * time.Microsecond, Err: &runtime.FunctionError{Type: runtime.TypeExitError, Fatal: true}},
			"REPORT RequestId: " + id + "\tDuration: 0.01 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 0 MB\tStatus: error\tError Type: Runtime.ExitError"},
		{runtime.Outcome{Duration: time.Millisecond, Err: &runtime.FunctionError{Type: "TestError"}},
			"REPORT RequestId: " + id + "\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 0 MB"},
	} {
		if got := reportLine(id, 128, &c.out); got != c.want {
			t.Errorf("reportLine =\n%q, want\n%q", got, c.want)
		}
	}
}

// A sinkFunc is a LogSink of one function.
type sinkFunc func(group, stream string, events []LogEvent) error

func (f sinkFunc) Append(_ context.Context, group, stream string, events []LogEvent) error {
	return f(group, stream, events)
}

func TestInstanceLog_sendsEachInvocationsLinesOnceAndInOrder(t *testing.T) {
	var got [][]string
	sink := sinkFunc(func(_, _ string, events []LogEvent) error {
		var msgs []string
		for _, e := range events {
			msgs = append(msgs, e.Message)
		}
		got = append(got, msgs)
		return nil
	})
	l := &instanceLog{sink: sink, group: "g", stream: "s", clock: clock.Real{}}
	for _, id := range []string{"a", "b"} {
		l.begin(id)
		l.line("hello " + id)
		l.end(id, 128, &runtime.Outcome{})
	}
	if len(got) != 2 {
		t.Fatalf("%d batches, want one per invocation: %q", len(got), got)
	}
	for i, id := range []string{"a", "b"} {
		want := []string{"START RequestId: " + id + " Version: $LATEST", "hello " + id, "END RequestId: " + id}
		if len(got[i]) != 4 || !slices.Equal(got[i][:3], want) {
			t.Errorf("batch %d = %q, want %q and a REPORT line", i, got[i], want)
		}
	}
}
