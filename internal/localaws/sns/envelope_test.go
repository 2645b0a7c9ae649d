package sns

import (
	"strings"
	"testing"
)

func TestEnvelopeHasAWSKeyOrderAndLayout(t *testing.T) {
	got := Envelope(EnvelopeInput{
		MessageID: "m-1", TopicARN: "arn:aws:sns:eu-west-1:000000000000:t", SubscriptionARN: "arn:aws:sns:eu-west-1:000000000000:t:s-1",
		Subject: "Hi & <bye>", Message: `{"a":"b/c"}`, Timestamp: t0,
		Attributes: map[string]MessageAttribute{"z": {DataType: "Number", StringValue: "1"}, "a": {DataType: "String", StringValue: "x"}},
	})
	sig := signature(EnvelopeInput{MessageID: "m-1", TopicARN: "arn:aws:sns:eu-west-1:000000000000:t", Subject: "Hi & <bye>", Message: `{"a":"b/c"}`}, "2026-11-28T12:00:00.123Z")
	want := `{
  "Type" : "Notification",
  "MessageId" : "m-1",
  "TopicArn" : "arn:aws:sns:eu-west-1:000000000000:t",
  "Subject" : "Hi & <bye>",
  "Message" : "{\"a\":\"b/c\"}",
  "Timestamp" : "2026-11-28T12:00:00.123Z",
  "SignatureVersion" : "1",
  "Signature" : "` + sig + `",
  "SigningCertURL" : "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000000000000000.pem",
  "UnsubscribeURL" : "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:000000000000:t:s-1",
  "MessageAttributes" : {
    "a" : {"Type":"String","Value":"x"},
    "z" : {"Type":"Number","Value":"1"}
  }
}`
	if got != want {
		t.Errorf("Envelope =\n%s\nwant\n%s", got, want)
	}
	if len(sig) != 344 {
		t.Errorf("signature length = %d, want 344 (256 bytes in base64)", len(sig))
	}
}

func TestEnvelopeOmitsSubjectAndAttributesWhenUnset(t *testing.T) {
	got := Envelope(EnvelopeInput{MessageID: "m", TopicARN: "arn:aws:sns:us-east-1:000000000000:t", Message: "x", Timestamp: t0})
	if strings.Contains(got, `"Subject"`) || strings.Contains(got, `"MessageAttributes"`) {
		t.Errorf("Envelope = %s", got)
	}
	if !strings.HasSuffix(got, `"UnsubscribeURL" : "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="`+"\n}") {
		t.Errorf("Envelope does not end with UnsubscribeURL: %s", got)
	}
}

// BenchmarkEnvelope builds the envelope of one S3 event notification, as
// SNS delivers every message of the pipeline to an SQS queue.
//
//	go test ./internal/localaws/sns -run '^$' -bench Envelope -benchmem
func BenchmarkEnvelope(b *testing.B) {
	event := `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",` +
		`"eventTime":"2026-11-28T12:00:00.123Z","eventName":"ObjectCreated:Put","userIdentity":{"principalId":"AWS:000000000000"},` +
		`"requestParameters":{"sourceIPAddress":"127.0.0.1"},"responseElements":{"x-amz-request-id":"0123456789ABCDEF",` +
		`"x-amz-id-2":"` + strings.Repeat("a", 76) + `"},"s3":{"s3SchemaVersion":"1.0","configurationId":"edas",` +
		`"bucket":{"name":"edas-000000000000-us-east-1","ownerIdentity":{"principalId":"000000000000"},` +
		`"arn":"arn:aws:s3:::edas-000000000000-us-east-1"},"object":{"key":"uploads/bench/run/0001.bin","size":1024,` +
		`"eTag":"0f343b0931126a20f133d67c2b018a3b","sequencer":"0066A1B2C3D4E5F600"}}}]}`
	in := EnvelopeInput{MessageID: "0f8fad5b-d9cb-469f-a165-70867728950e", TopicARN: "arn:aws:sns:us-east-1:000000000000:edas-uploads",
		SubscriptionARN: "arn:aws:sns:us-east-1:000000000000:edas-uploads:c4ca4238-a0b9-4382-8dcc-509a6f75849b",
		Subject:         "Amazon S3 Notification", Message: event, Timestamp: t0}
	b.ReportAllocs()
	for b.Loop() {
		Envelope(in)
	}
}
