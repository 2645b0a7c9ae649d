package sqs

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/edasctl/edasctl/internal/gctune"
	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/store"
	"github.com/edasctl/edasctl/internal/proccpu"
)

// The benchmarks run the service as edasctl local does: the wall clock, the
// durable store on disk, a real HTTP server and edasctl's garbage collector
// settings (package gctune); the client is aws-sdk-go-v2
// in the same process (so it shares the CPU), except where a name says
// RawHTTP (a pre-encoded request) or the benchmark calls the service
// directly (BenchmarkEnqueueBatches).
//
//	go test -run '^$' -bench . -benchtime 5s ./internal/localaws/sqs/

func benchFixture(b *testing.B) (*Service, *sqs.Client, string) {
	b.Helper()
	b.Cleanup(gctune.Apply())
	st, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	svc, err := New(newEnv(b, st, clock.Real{}), Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	b.Cleanup(func() { srv.Close(); svc.Close(); st.Close() })
	client := sqs.NewFromConfig(aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:  &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
	})
	out, err := client.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	return svc, client, aws.ToString(out.QueueUrl)
}

func batchOf10(prefix string) []types.SendMessageBatchRequestEntry {
	entries := make([]types.SendMessageBatchRequestEntry, 10)
	for i := range entries {
		entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)),
			MessageBody: aws.String(prefix + `{"Records":[{"s3":{"object":{"key":"uploads/cat.jpg","size":1024}}}]}`)}
	}
	return entries
}

// BenchmarkSendMessageBatch sends batches of ten messages from 8 concurrent
// clients; msgs/s is the figure to compare with the 50,000 target.
func BenchmarkSendMessageBatch(b *testing.B) {
	_, client, url := benchFixture(b)
	b.SetParallelism(8 / max(1, runtimeProcs()))
	cpu := startCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		entries := batchOf10("m")
		for pb.Next() {
			out, err := client.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
			if err != nil || len(out.Failed) > 0 {
				b.Fatal(err, out)
			}
		}
	})
	b.ReportMetric(float64(b.N*10)/b.Elapsed().Seconds(), "msgs/s")
	cpu.report(b.N * 10)
}

// BenchmarkReceiveDelete receives ten messages and deletes them in one
// DeleteMessageBatch, from 8 concurrent clients; msgs/s compares with the
// 5,000 target.
func BenchmarkReceiveDelete(b *testing.B) {
	svc, client, url := benchFixture(b)
	q, _ := svc.queueByName("bench")
	for i := 0; i < b.N+16; i++ { // ten messages per iteration, plus slack for the parallel tail
		msgs := make([]*message, 10)
		for j := range msgs {
			m, e := svc.newMessage(q, "m", nil, nil)
			if e != nil {
				b.Fatal(e)
			}
			msgs[j] = m
		}
		if err := svc.enqueue(q, msgs); err != nil {
			b.Fatal(err)
		}
	}
	var received atomic.Int64
	b.SetParallelism(8 / max(1, runtimeProcs()))
	cpu := startCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			out, err := client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
			if err != nil {
				b.Fatal(err)
			}
			if len(out.Messages) == 0 {
				continue
			}
			entries := make([]types.DeleteMessageBatchRequestEntry, len(out.Messages))
			for i, m := range out.Messages {
				entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle}
			}
			del, err := client.DeleteMessageBatch(context.Background(), &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
			if err != nil || len(del.Failed) > 0 {
				b.Fatal(err, del)
			}
			received.Add(int64(len(out.Messages)))
		}
	})
	b.ReportMetric(float64(received.Load())/b.Elapsed().Seconds(), "msgs/s")
	cpu.report(int(received.Load()))
}

// BenchmarkRoundTrip measures one SendMessage request from a single SDK
// client, as latency percentiles.
func BenchmarkRoundTrip(b *testing.B) {
	_, client, url := benchFixture(b)
	lat := make([]time.Duration, 0, b.N)
	body := aws.String(`{"Records":[]}`)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: body}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// BenchmarkSendReceiveDelete measures the full life of one message from a
// single SDK client: send, receive, delete.
func BenchmarkSendReceiveDelete(b *testing.B) {
	_, client, url := benchFixture(b)
	lat := make([]time.Duration, 0, b.N)
	body := aws.String(`{"Records":[]}`)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: body}); err != nil {
			b.Fatal(err)
		}
		out, err := client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url)})
		if err != nil || len(out.Messages) != 1 {
			b.Fatal(err)
		}
		if _, err := client.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: out.Messages[0].ReceiptHandle}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// A cpuMeter measures the process's CPU time (client, server and store
// together) over a benchmark: on a shared machine it varies far less than
// throughput does.
type cpuMeter struct {
	b     *testing.B
	start time.Duration
}

// startCPU resets b's timer and starts measuring CPU time.
func startCPU(b *testing.B) cpuMeter {
	b.ResetTimer()
	return cpuMeter{b: b, start: proccpu.Used()}
}

// report reports the CPU time per message as cpu-us/msg, unless the
// platform cannot tell it.
func (m cpuMeter) report(msgs int) {
	if now := proccpu.Used(); now > 0 && msgs > 0 {
		m.b.ReportMetric(float64(now-m.start)/float64(time.Microsecond)/float64(msgs), "cpu-us/msg")
	}
}

// BenchmarkSendMessageBatchRawHTTP is BenchmarkSendMessageBatch with a
// pre-encoded JSON request over plain net/http instead of the SDK, so that
// the figure is the service's capacity rather than the client's.
func BenchmarkSendMessageBatchRawHTTP(b *testing.B) {
	_, _, url := benchFixture(b)
	var body strings.Builder
	body.WriteString(`{"QueueUrl":"` + url + `","Entries":[`)
	for i := range 10 {
		if i > 0 {
			body.WriteString(",")
		}
		body.WriteString(`{"Id":"` + strconv.Itoa(i) + `","MessageBody":"{\"Records\":[{\"s3\":{\"object\":{\"key\":\"uploads/cat.jpg\",\"size\":1024}}}]}"}`)
	}
	body.WriteString("]}")
	payload := body.String()
	endpoint := url[:strings.Index(url, "/"+testAccount)] + "/"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(8 / max(1, runtimeProcs()))
	cpu := startCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(payload))
			req.Header.Set("X-Amz-Target", "AmazonSQS.SendMessageBatch")
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status)
			}
		}
	})
	b.ReportMetric(float64(b.N*10)/b.Elapsed().Seconds(), "msgs/s")
	cpu.report(b.N * 10)
}
