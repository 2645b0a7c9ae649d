package localaws

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/edasctl/edasctl/internal/gctune"
)

// benchFanout is a durable local AWS with a bucket → topic → queue fan-out,
// in a process with edasctl's garbage collector settings (package gctune),
// as edasctl local runs.
func benchFanout(b *testing.B) *fanout {
	b.Helper()
	b.Cleanup(gctune.Apply())
	s, err := New(WithDataDir(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(func() { srv.Close(); s.Close() })
	f := newFanout(b, awsConfig(srv), true, true)
	if err := f.notify(context.Background()); err != nil {
		b.Fatal(err)
	}
	drain(b, f)
	return f
}

// drain deletes everything waiting in the queue (the TestEvent).
func drain(b *testing.B, f *fanout) {
	for {
		out, err := f.sqsc.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(f.queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 0})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Messages) == 0 {
			return
		}
		deleteAll(b, f, out.Messages)
	}
}

func deleteAll(b *testing.B, f *fanout, msgs []sqstypes.Message) {
	entries := make([]sqstypes.DeleteMessageBatchRequestEntry, len(msgs))
	for i, m := range msgs {
		entries[i] = sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: m.ReceiptHandle}
	}
	if _, err := f.sqsc.DeleteMessageBatch(context.Background(), &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(f.queueURL), Entries: entries}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkS3ToSQSHop measures one upload's hop from the PutObject call to
// its notification's arrival in the subscribed queue (S3 → SNS → SQS), with
// a receiver already long-polling, as an event source mapping would be.
//
//	go test ./internal/localaws -run '^$' -bench S3ToSQSHop -benchtime 500x
func BenchmarkS3ToSQSHop(b *testing.B) {
	f := benchFanout(b)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got := make(chan []sqstypes.Message, 1)
		go func() {
			out, err := f.sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(f.queueURL), MaxNumberOfMessages: 1, WaitTimeSeconds: 5})
			if err != nil {
				got <- nil
				return
			}
			got <- out.Messages
		}()
		time.Sleep(200 * time.Microsecond) // let the receive start polling
		start := time.Now()
		if _, err := f.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String(fmt.Sprintf("uploads/%d.bin", i)), Body: strings.NewReader("x")}); err != nil {
			b.Fatal(err)
		}
		msgs := <-got
		if len(msgs) != 1 {
			b.Fatalf("upload %d: received %d messages", i, len(msgs))
		}
		lat = append(lat, time.Since(start))
		b.StopTimer()
		deleteAll(b, f, msgs)
		b.StartTimer()
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkS3ToSQSBurst uploads b.N objects from 8 clients at once and
// measures the rate at which their notifications reach the queue.
//
//	go test ./internal/localaws -run '^$' -bench S3ToSQSBurst -benchtime 2000x
func BenchmarkS3ToSQSBurst(b *testing.B) {
	f := benchFanout(b)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if _, err := f.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String(fmt.Sprintf("uploads/%d.bin", i)), Body: strings.NewReader("x")}); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	go func() {
		for i := 0; i < b.N; i++ {
			next <- i
		}
		close(next)
	}()
	received := 0
	for received < b.N {
		out, err := f.sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(f.queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 5})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Messages) == 0 {
			b.Fatalf("no message for 5 s; received %d of %d", received, b.N)
		}
		received += len(out.Messages)
		deleteAll(b, f, out.Messages)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "objects/s")
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}
