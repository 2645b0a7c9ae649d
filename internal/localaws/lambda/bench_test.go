package lambda

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/logs"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
	"github.com/edasctl/edasctl/internal/proccpu"
)

// BenchmarkInvokeSync_warm measures one invocation of a warm instance
// through InvokeSync: Runtime API round trip, logs and bookkeeping.
func BenchmarkInvokeSync_warm(b *testing.B) {
	h := newHarness(b, harnessConfig{})
	start := time.Now()
	h.createB(b, "bench")
	b.Logf("create: %v", time.Since(start))
	ctx := context.Background()
	start = time.Now()
	if _, fe, err := h.svc.InvokeSync(ctx, "bench", []byte(`{"op":"pid"}`)); err != nil || fe != "" {
		b.Fatalf("cold invoke: %v %s", err, fe)
	}
	b.Logf("cold invoke: %v", time.Since(start))
	b.ResetTimer()
	for b.Loop() {
		if _, fe, err := h.svc.InvokeSync(ctx, "bench", []byte(`{"op":"pid"}`)); err != nil || fe != "" {
			b.Fatalf("invoke: %v %s", err, fe)
		}
	}
}

// logsSink writes to a CloudWatch Logs service, as the local AWS wires
// Lambda to it.
type logsSink struct{ svc *logs.Service }

func (l logsSink) Append(ctx context.Context, group, stream string, evs []LogEvent) error {
	in := make([]logs.InputEvent, len(evs))
	for i, e := range evs {
		in[i] = logs.InputEvent{Timestamp: e.Timestamp.UnixMilli(), Message: e.Message}
	}
	return l.svc.Append(ctx, group, stream, in)
}

// sqsBatchEvent is an SQS event of n records whose function prints one
// JSON line per record, as the pipeline's catalog function does.
func sqsBatchEvent(b *testing.B, n int) []byte {
	b.Helper()
	type record struct {
		MessageID      string            `json:"messageId"`
		ReceiptHandle  string            `json:"receiptHandle"`
		Body           string            `json:"body"`
		Attributes     map[string]string `json:"attributes"`
		MD5OfBody      string            `json:"md5OfBody"`
		EventSource    string            `json:"eventSource"`
		EventSourceARN string            `json:"eventSourceARN"`
		AWSRegion      string            `json:"awsRegion"`
	}
	ev := struct {
		Op      string   `json:"op"`
		Lines   []string `json:"lines"`
		Records []record `json:"Records"`
	}{Op: "print"}
	for i := range n {
		id := fmt.Sprintf("%08d-0000-4000-8000-000000000000", i)
		ev.Lines = append(ev.Lines, fmt.Sprintf(`{"level":"INFO","msg":"processed","key":"uploads/%d.jpg","outcome":"ok","durationMs":%d}`, i, i))
		ev.Records = append(ev.Records, record{
			MessageID: id, ReceiptHandle: "AQEB" + strings.Repeat("x", 150) + id,
			Body:           fmt.Sprintf(`{"Type":"Notification","MessageId":"%s","TopicArn":"arn:aws:sns:us-east-1:000000000000:edas-uploads","Message":"{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"s3\":{\"bucket\":{\"name\":\"edas-bucket\"},\"object\":{\"key\":\"uploads/%d.jpg\",\"size\":1024}}}]}"}`, id, i),
			Attributes:     map[string]string{"ApproximateReceiveCount": "1", "SentTimestamp": "1767225600000", "SenderId": "000000000000"},
			MD5OfBody:      "d41d8cd98f00b204e9800998ecf8427e",
			EventSource:    "aws:sqs",
			EventSourceARN: "arn:aws:sqs:us-east-1:000000000000:edas-catalog",
			AWSRegion:      "us-east-1",
		})
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	return payload
}

// BenchmarkInvokeSync_sqsBatch measures invocations of warm instances, 4 at
// a time, with a 10-record SQS event whose function logs 10 lines, into a
// CloudWatch Logs service on a disk store: the pipeline's Lambda hop.
func BenchmarkInvokeSync_sqsBatch(b *testing.B) {
	st, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	env := service.Env{Store: st, Clock: clock.Real{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Account: "000000000000", Region: "us-east-1"}
	logSvc, err := logs.New(env)
	if err != nil {
		b.Fatal(err)
	}
	h := newHarness(b, harnessConfig{st: st, opts: Options{Logs: logsSink{logSvc}}})
	h.createB(b, "bench")
	payload := sqsBatchEvent(b, 10)
	ctx := context.Background()
	// Warm up four instances.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, fe, err := h.svc.InvokeSync(ctx, "bench", payload); err != nil || fe != "" {
				b.Errorf("cold invoke: %v %s", err, fe)
			}
		})
	}
	wg.Wait()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := proccpu.Used()
	b.SetParallelism(2) // 2 × GOMAXPROCS goroutines; 4 on the 2-core bench machine
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, fe, err := h.svc.InvokeSync(ctx, "bench", payload); err != nil || fe != "" {
				b.Errorf("invoke: %v %s", err, fe)
				return
			}
		}
	})
	b.ReportMetric(float64(proccpu.Used()-cpu)/float64(b.N), "cpu-ns/op")
}
