package sqs

import "testing"

// BenchmarkEnqueueBatches sends batches of ten S3-event-sized messages
// from 8 goroutines straight into the service (no HTTP): the figure is the
// service and its store alone.
func BenchmarkEnqueueBatches(b *testing.B) {
	svc, _, _ := benchFixture(b)
	q, _ := svc.queueByName("bench")
	body := `{"Type":"Notification","MessageId":"5a4b3c2d","TopicArn":"arn:aws:sns:us-east-1:000000000000:edas-uploads","Message":"{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\",\"eventTime\":\"2026-01-02T03:04:05.000Z\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"edas-000000000000-us-east-1\",\"arn\":\"arn:aws:s3:::edas-000000000000-us-east-1\"},\"object\":{\"key\":\"uploads/cat.jpg\",\"size\":1024,\"eTag\":\"d41d8cd98f00b204e9800998ecf8427e\"}}}]}","Timestamp":"2026-01-02T03:04:05.000Z"}`
	b.SetParallelism(8 / max(1, runtimeProcs()))
	cpu := startCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			msgs := make([]*message, 10)
			for i := range msgs {
				m, e := svc.newMessage(q, body, nil, nil)
				if e != nil {
					b.Fatal(e)
				}
				msgs[i] = m
			}
			if err := svc.enqueue(q, msgs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N*10)/b.Elapsed().Seconds(), "msgs/s")
	cpu.report(b.N * 10)
}
