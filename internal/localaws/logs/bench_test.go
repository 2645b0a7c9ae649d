package logs

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// benchService returns a service on a disk store whose group g holds n
// events spread over 10 streams, one per millisecond ending at t0.
func benchService(b *testing.B, n int) (*Service, int64) {
	b.Helper()
	st, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	svc, err := New(testEnv(st, clock.NewFake(t0)))
	if err != nil {
		b.Fatal(err)
	}
	base := t0.UnixMilli() - int64(n)
	const streams, batch = 10, 1000
	for s := range streams {
		for i := s; i < n; i += streams * batch {
			var evs []InputEvent
			for j := i; j < min(n, i+streams*batch); j += streams {
				evs = append(evs, InputEvent{Timestamp: base + int64(j), Message: fmt.Sprintf(`{"key":"uploads/%d.jpg","outcome":"ok","durationMs":%d}`, j, j%500)})
			}
			if err := svc.Append(context.Background(), "g", fmt.Sprintf("s%d", s), evs); err != nil {
				b.Fatal(err)
			}
		}
	}
	return svc, base
}

func benchFilter(b *testing.B, svc *Service, body string, wantEvents int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		w := do(svc, "Logs_20140328.FilterLogEvents", body)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	out := do(svc, "Logs_20140328.FilterLogEvents", body).Body.Bytes()
	if got := countEvents(out); got != wantEvents {
		b.Fatalf("events = %d, want %d", got, wantEvents)
	}
}

func countEvents(body []byte) int {
	n := 0
	for i := 0; i+len(`"eventId"`) <= len(body); i++ {
		if string(body[i:i+len(`"eventId"`)]) == `"eventId"` {
			n++
		}
	}
	return n
}

// BenchmarkFilterLogEventsTimeRange filters 100 events out of a 100,000-event
// group by time range: its cost follows the range, not the group.
func BenchmarkFilterLogEventsTimeRange(b *testing.B) {
	svc, base := benchService(b, 100000)
	body := fmt.Sprintf(`{"logGroupName":"g","startTime":%d,"endTime":%d}`, base+50000, base+50099)
	benchFilter(b, svc, body, 100)
}

// BenchmarkFilterLogEventsTailPoll is what `edasctl tail` does every 200 ms:
// the last second of a 100,000-event group, with a JSON pattern.
func BenchmarkFilterLogEventsTailPoll(b *testing.B) {
	svc, base := benchService(b, 100000)
	body := fmt.Sprintf(`{"logGroupName":"g","startTime":%d,"filterPattern":"{ $.durationMs >= 0 }"}`, base+99000)
	benchFilter(b, svc, body, 1000)
}

// BenchmarkFilterLogEventsWholeGroup pages through the whole group 10,000
// events at a time, for contrast.
func BenchmarkFilterLogEventsWholeGroup(b *testing.B) {
	svc, _ := benchService(b, 100000)
	benchFilter(b, svc, `{"logGroupName":"g","limit":10000}`, 10000)
}

// BenchmarkPutLogEvents stores batches of 10 events on a disk store, each
// durable before the response.
func BenchmarkPutLogEvents(b *testing.B) {
	svc, _ := benchService(b, 0)
	do(svc, "Logs_20140328.CreateLogGroup", `{"logGroupName":"p"}`)
	do(svc, "Logs_20140328.CreateLogStream", `{"logGroupName":"p","logStreamName":"s"}`)
	ts := t0.UnixMilli()
	body := `{"logGroupName":"p","logStreamName":"s","logEvents":[`
	for i := range 10 {
		if i > 0 {
			body += ","
		}
		body += fmt.Sprintf(`{"timestamp":%d,"message":"{\"key\":\"uploads/x.jpg\",\"outcome\":\"ok\",\"n\":%d}"}`, ts, i)
	}
	body += "]}"
	b.ReportAllocs()
	for b.Loop() {
		if w := do(svc, "Logs_20140328.PutLogEvents", body); w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(b.N*10)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAppend_lambdaInvocation appends what one invocation of the
// pipeline's function logs — START, 10 JSON lines, END, REPORT — to its
// stream on a disk store, durable on return, as the local Lambda does at
// the end of each invocation.
func BenchmarkAppend_lambdaInvocation(b *testing.B) {
	svc, _ := benchService(b, 0)
	ts := t0.UnixMilli()
	evs := []InputEvent{{Timestamp: ts, Message: "START RequestId: 5f0b1a3c-8d3e-4c6e-9a57-0c1b2d3e4f50 Version: $LATEST"}}
	for i := range 10 {
		evs = append(evs, InputEvent{Timestamp: ts, Message: fmt.Sprintf(`{"level":"INFO","msg":"processed","key":"uploads/%d.jpg","outcome":"ok","durationMs":%d}`, i, i)})
	}
	evs = append(evs,
		InputEvent{Timestamp: ts, Message: "END RequestId: 5f0b1a3c-8d3e-4c6e-9a57-0c1b2d3e4f50"},
		InputEvent{Timestamp: ts, Message: "REPORT RequestId: 5f0b1a3c-8d3e-4c6e-9a57-0c1b2d3e4f50\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 12 MB"})
	const stream = "2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef"
	b.ReportAllocs()
	for b.Loop() {
		if err := svc.Append(context.Background(), "/aws/lambda/catalog", stream, evs); err != nil {
			b.Fatal(err)
		}
	}
}
