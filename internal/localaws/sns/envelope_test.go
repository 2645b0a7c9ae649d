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
