package handler

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/aws/aws-lambda-go/events"
	json "github.com/go-json-experiment/json/v1"
)

// ErrUnrecognizedBody is wrapped by every error from [Unwrap]: the message
// body is neither an S3 event nor an s3:TestEvent, bare or in an SNS envelope.
var ErrUnrecognizedBody = errors.New("unrecognized message body")

// s3TestEvent is the Event value of the notification S3 sends when a
// notification configuration is saved.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
const s3TestEvent = "s3:TestEvent"

// A Notification is what one SQS message body carries: either S3 event
// records or an s3:TestEvent, never both.
type Notification struct {
	// Records holds at least one record when Test is nil. Each record has a
	// bucket name and a key, and S3.Object.URLDecodedKey holds the key
	// decoded with url.QueryUnescape.
	Records []events.S3EventRecord
	// Test is the s3:TestEvent, or nil.
	Test *events.S3TestEvent
}

// envelope is what one decoding of a body finds: the fields of an SNS
// envelope, of an S3 event and of an s3:TestEvent. A body is decoded once
// into it, and an SNS envelope's Message once more, so the S3 event JSON
// is read one time, not three (a third of Unwrap's time before).
type envelope struct {
	// Type and Message come from an SNS envelope. With raw message delivery
	// off, SNS wraps each S3 event as {"Type":"Notification",
	// "Message":"<the S3 event as a JSON string>", ...}; with it on, the SQS
	// body is the S3 event itself.
	// https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html
	Type    string  `json:"Type"`
	Message *string `json:"Message"`
	// Records is present in an S3 event (nil when absent or null), Event
	// in an s3:TestEvent. S3Object.UnmarshalJSON fills URLDecodedKey with
	// url.QueryUnescape of the key and fails on a malformed escape.
	Records []events.S3EventRecord `json:"Records"`
	Event   string                 `json:"Event"`
}

func (e envelope) isSNS() bool { return e.Type == "Notification" && e.Message != nil }

// Unwrap decodes one SQS message body into the S3 notification it carries.
// The body is an SNS envelope whose Message is an S3 event or a test event,
// or (raw message delivery) the S3 event or test event itself. Only one SNS
// envelope is removed. Keys are URL-decoded into S3.Object.URLDecodedKey.
// Every error wraps [ErrUnrecognizedBody]; Unwrap never panics.
func Unwrap(body string) (Notification, error) {
	env, err := decodeEnvelope(body)
	if err != nil {
		return Notification{}, err
	}
	if env.isSNS() {
		body = *env.Message
		if env, err = decodeEnvelope(body); err != nil {
			return Notification{}, fmt.Errorf("sns message: %w", err)
		}
	}
	switch {
	case env.Records != nil:
		return checkRecords(env.Records)
	case env.Event == s3TestEvent:
		var test events.S3TestEvent
		if err := json.Unmarshal([]byte(body), &test); err != nil {
			return Notification{}, fmt.Errorf("%w: decode s3:TestEvent: %w", ErrUnrecognizedBody, err)
		}
		return Notification{Test: &test}, nil
	default:
		return Notification{}, fmt.Errorf("%w: no Records and not an s3:TestEvent", ErrUnrecognizedBody)
	}
}

// decodeEnvelope decodes body. A key with a malformed escape fails the
// decoding with a url.EscapeError, reported as such.
func decodeEnvelope(body string) (envelope, error) {
	var env envelope
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		if escErr := url.EscapeError(""); errors.As(err, &escErr) {
			return envelope{}, fmt.Errorf("%w: decode s3 event: %w", ErrUnrecognizedBody, err)
		}
		return envelope{}, fmt.Errorf("%w: decode json: %w", ErrUnrecognizedBody, err)
	}
	return env, nil
}

// checkRecords holds the records of an S3 event to Notification's contract.
func checkRecords(records []events.S3EventRecord) (Notification, error) {
	if len(records) == 0 {
		return Notification{}, fmt.Errorf("%w: s3 event has no records", ErrUnrecognizedBody)
	}
	for i := range records {
		obj := &records[i].S3.Object
		switch {
		case records[i].S3.Bucket.Name == "":
			return Notification{}, fmt.Errorf("%w: record %d has no bucket name", ErrUnrecognizedBody, i)
		case obj.Key == "":
			return Notification{}, fmt.Errorf("%w: record %d has no object key", ErrUnrecognizedBody, i)
		}
		// Decode here as well, so the contract holds even if the events
		// package stops doing it.
		key, err := url.QueryUnescape(obj.Key)
		if err != nil {
			return Notification{}, fmt.Errorf("%w: record %d: decode key: %w", ErrUnrecognizedBody, i, err)
		}
		obj.URLDecodedKey = key
	}
	return Notification{Records: records}, nil
}
