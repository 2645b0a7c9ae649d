package esm

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// marshalEvent is the event as encoding/json makes it of events.SQSEvent,
// which encodeEvent must reproduce byte for byte.
func marshalEvent(t testing.TB, arn, region string, batch []Message) []byte {
	t.Helper()
	ev := events.SQSEvent{Records: make([]events.SQSMessage, len(batch))}
	for i, msg := range batch {
		attrs := msg.MessageAttributes
		if attrs == nil {
			attrs = map[string]events.SQSMessageAttribute{}
		}
		ev.Records[i] = events.SQSMessage{
			MessageId: msg.MessageID, ReceiptHandle: msg.ReceiptHandle, Body: msg.Body,
			Md5OfBody: msg.MD5OfBody, Md5OfMessageAttributes: msg.MD5OfMessageAttributes,
			Attributes: msg.Attributes, MessageAttributes: attrs,
			EventSourceARN: arn, EventSource: "aws:sqs", AWSRegion: region,
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncodeEvent_isWhatEncodingJSONMakesOfTheSQSEvent(t *testing.T) {
	const arn = "arn:aws:sqs:eu-west-1:000000000000:edas-catalog"
	s := "str"
	tricky := []string{"", "plain", `quote " backslash \ slash /`, "<html> & </html>", "\x00\x01\b\f\n\r\t\x1f\x7f",
		"ünïcödé ✓ 😀", "line\u2028para\u2029", "bad \xff utf-8 \xc3", "truncated \xe2\x82", `{"Records":[{"s3":{"object":{"key":"uploads/a+b.jpg"}}}]}`}
	batches := [][]Message{
		nil,
		{{MessageID: "m1", ReceiptHandle: "rh1", Body: "b"}},
		{{MessageID: "m1", Attributes: map[string]string{"SentTimestamp": "1", "ApproximateReceiveCount": "2", "<": "&"}},
			{MessageID: "m2", MessageAttributes: map[string]events.SQSMessageAttribute{
				"s": {DataType: "String", StringValue: &s}, "b": {DataType: "Binary", BinaryValue: []byte{0, 1, 2}}, "e": {DataType: "String"}}},
			{MessageID: "m3", Attributes: map[string]string{}, MessageAttributes: map[string]events.SQSMessageAttribute{}}},
	}
	for _, str := range tricky {
		batches = append(batches, []Message{{MessageID: str, ReceiptHandle: str, Body: str, MD5OfBody: str, MD5OfMessageAttributes: str,
			Attributes: map[string]string{str: str, "k": str}}})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "é", "\u2028", "\xff", "\xe2", "<", `"`, `\`, "\n", "\x01", "😀", " "}
	random := func() string {
		var b []byte
		for range rng.IntN(20) {
			b = append(b, alphabet[rng.IntN(len(alphabet))]...)
		}
		return string(b)
	}
	for range 200 {
		batches = append(batches, []Message{{MessageID: random(), ReceiptHandle: random(), Body: random(), Attributes: map[string]string{random(): random()}}})
	}
	for _, batch := range batches {
		got, err := encodeEvent(arn, "eu-west-1", batch)
		if err != nil {
			t.Fatal(err)
		}
		if want := marshalEvent(t, arn, "eu-west-1", batch); string(got) != string(want) {
			t.Errorf("encodeEvent =\n%s\nwant\n%s", got, want)
		}
	}
}

// BenchmarkEncodeEvent encodes a batch of 10 messages of the pipeline (an
// S3 event inside an SNS notification each).
func BenchmarkEncodeEvent(b *testing.B) {
	batch := make([]Message, 10)
	for i := range batch {
		batch[i] = Message{MessageID: "059f36b4-87a3-44ab-83d2-661975830a7d", ReceiptHandle: "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a" + string(rune('a'+i)),
			Body:      `{"Type":"Notification","MessageId":"95df01b4-ee98-5cb9-9903-4c221d41eb5e","TopicArn":"arn:aws:sns:us-east-1:000000000000:edas-uploads","Message":"{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\",\"eventTime\":\"2026-01-01T00:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"edas-bucket\"},\"object\":{\"key\":\"uploads/photo-0001.jpg\",\"size\":1024,\"eTag\":\"d41d8cd98f00b204e9800998ecf8427e\"}}}]}","Timestamp":"2026-01-01T00:00:00.000Z"}`,
			MD5OfBody: "d41d8cd98f00b204e9800998ecf8427e",
			Attributes: map[string]string{"ApproximateReceiveCount": "1", "SentTimestamp": "1767225600000", "SenderId": "000000000000",
				"ApproximateFirstReceiveTimestamp": "1767225600001"}}
	}
	const arn = "arn:aws:sqs:us-east-1:000000000000:edas-catalog"
	b.Run("encodeEvent", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encodeEvent(arn, "us-east-1", batch)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			marshalEvent(b, arn, "us-east-1", batch)
		}
	})
}
