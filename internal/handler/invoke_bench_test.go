package handler

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// BenchmarkDecodeSQSEvent decodes a 10-record SQS event as Lambda sends it
// (attributes and all, SNS-wrapped S3 events as bodies): into the whole
// events.SQSEvent with encoding/json, as aws-lambda-go's reflection handler
// did, and into sqsBatch, as Invoke does (decodeSQSBatch).
//
//	go test ./internal/handler -run '^$' -bench DecodeSQSEvent -benchmem -count 3
func BenchmarkDecodeSQSEvent(b *testing.B) {
	body := string(readTestdata(b, "sns-put.json"))
	var ev events.SQSEvent
	for range 10 {
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId: "0123456789abcdef", Body: body, Md5OfBody: "0123456789abcdef0123456789abcdef",
			Attributes: map[string]string{"ApproximateReceiveCount": "1", "SentTimestamp": "1714564800123",
				"SenderId": "AIDAIENQZJOLO23YVJ4VO", "ApproximateFirstReceiveTimestamp": "1714564800130"},
			MessageAttributes: map[string]events.SQSMessageAttribute{}, EventSource: "aws:sqs",
			EventSourceARN: "arn:aws:sqs:us-east-1:000000000000:edas-catalog", AWSRegion: "us-east-1",
		})
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	decode := func(name string, decode func() error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := decode(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	decode("events.SQSEvent", func() error { return json.Unmarshal(payload, new(events.SQSEvent)) })
	decode("sqsBatch", func() error { _, err := decodeSQSBatch(payload); return err })
}
