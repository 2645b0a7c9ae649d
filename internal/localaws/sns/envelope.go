package sns

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// EnvelopeInput is what a notification envelope is built from.
type EnvelopeInput struct {
	MessageID       string
	TopicARN        string
	SubscriptionARN string // for UnsubscribeURL
	Subject         string // omitted from the envelope when empty
	Message         string
	Timestamp       time.Time
	Attributes      map[string]MessageAttribute
}

// Envelope returns the JSON document SNS delivers to an SQS queue (the
// message body) when RawMessageDelivery is off
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html#http-notification-json,
// AWS-RULES N5). Keys come in the order AWS emits them, pretty-printed as
// AWS does ("Key" : value, two-space indent): Type, MessageId, TopicArn,
// Subject (only when set), Message, Timestamp (RFC 3339, milliseconds,
// UTC), SignatureVersion, Signature, SigningCertURL, UnsubscribeURL, and
// MessageAttributes (only when any, each {"Type","Value"}, Binary values in
// base64).
//
// The Signature has the size and encoding of a real one but is not
// verifiable: the local AWS has no SNS signing key.
func Envelope(in EnvelopeInput) string {
	region := regionOf(in.TopicARN)
	host := "https://sns." + region + ".amazonaws.com"
	ts := in.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z")
	fields := [][2]string{
		{"Type", jsonString("Notification")},
		{"MessageId", jsonString(in.MessageID)},
		{"TopicArn", jsonString(in.TopicARN)},
	}
	if in.Subject != "" {
		fields = append(fields, [2]string{"Subject", jsonString(in.Subject)})
	}
	fields = append(fields,
		[2]string{"Message", jsonString(in.Message)},
		[2]string{"Timestamp", jsonString(ts)},
		[2]string{"SignatureVersion", jsonString("1")},
		[2]string{"Signature", jsonString(signature(in, ts))},
		[2]string{"SigningCertURL", jsonString(host + "/SimpleNotificationService-0000000000000000000000000000000000.pem")},
		[2]string{"UnsubscribeURL", jsonString(host + "/?Action=Unsubscribe&SubscriptionArn=" + in.SubscriptionARN)},
	)
	if len(in.Attributes) > 0 {
		fields = append(fields, [2]string{"MessageAttributes", envelopeAttributes(in.Attributes)})
	}
	var b strings.Builder
	b.WriteString("{\n")
	for i, f := range fields {
		b.WriteString("  ")
		b.WriteString(jsonString(f[0]))
		b.WriteString(" : ")
		b.WriteString(f[1])
		if i < len(fields)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}")
	return b.String()
}

func envelopeAttributes(attrs map[string]MessageAttribute) string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("{\n")
	for i, n := range names {
		a := attrs[n]
		v := a.StringValue
		if strings.HasPrefix(a.DataType, "Binary") {
			v = base64.StdEncoding.EncodeToString(a.BinaryValue)
		}
		b.WriteString("    " + jsonString(n) + " : {\"Type\":" + jsonString(a.DataType) + ",\"Value\":" + jsonString(v) + "}")
		if i < len(names)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  }")
	return b.String()
}

// signature derives a 256-byte, base64 pseudo-signature (the size of an
// RSA-2048 signature) from the fields SNS signs.
func signature(in EnvelopeInput, ts string) string {
	canon := "Message\n" + in.Message + "\nMessageId\n" + in.MessageID + "\n"
	if in.Subject != "" {
		canon += "Subject\n" + in.Subject + "\n"
	}
	canon += "Timestamp\n" + ts + "\nTopicArn\n" + in.TopicARN + "\nType\nNotification\n"
	var sig []byte
	for i := byte(0); len(sig) < 256; i++ {
		h := sha256.Sum256(append([]byte{i}, canon...))
		sig = append(sig, h[:]...)
	}
	return base64.StdEncoding.EncodeToString(sig[:256])
}

// jsonString encodes s as a JSON string without HTML escaping, as AWS's
// serializer does.
func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}

func regionOf(arn string) string {
	p := strings.SplitN(arn, ":", 6)
	if len(p) != 6 {
		return ""
	}
	return p[3]
}
