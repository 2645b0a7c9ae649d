package handler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	json "github.com/go-json-experiment/json/v1"
)

// Options are the dependencies of a [Handler].
type Options struct {
	// Config selects the action and the input prefix. Required.
	Config Config
	// S3 reads source objects and writes outputs. Required.
	S3 S3API
	// Logger receives one line per record (see [LogRecord]). Nil means JSON
	// lines on os.Stdout.
	Logger *slog.Logger
	// Now is the clock for processedTime and durations. Nil means time.Now.
	Now func() time.Time
	// Limits bound the thumbnail action. Zero fields take their defaults.
	Limits Limits
}

// A Handler processes SQS batches for one action. It holds no per-batch
// state and is safe for concurrent use if its S3API and Logger are.
type Handler struct {
	cfg    Config
	s3     S3API
	log    *slog.Logger
	now    func() time.Time
	limits Limits
	act    func(context.Context, object, string) (result, error)
	// workers handle a batch's messages in parallel; nil: one at a time.
	workers *workers
}

// New returns a Handler for o, or an error when the configuration is invalid
// or S3 is missing.
func New(o Options) (*Handler, error) {
	if err := o.Config.Validate(); err != nil {
		return nil, fmt.Errorf("configure handler: %w", err)
	}
	if o.S3 == nil {
		return nil, errors.New("configure handler: no S3 client")
	}
	h := &Handler{cfg: o.Config, s3: o.S3, log: o.Logger, now: o.Now, limits: o.Limits.withDefaults()}
	if h.log == nil {
		h.log = slog.New(slog.NewJSONHandler(os.Stdout, nil))
	}
	if h.now == nil {
		h.now = time.Now
	}
	switch o.Config.Action {
	case ActionThumbnail:
		h.act = h.thumbnail
	case ActionCatalog:
		h.act, h.workers = h.catalog, startWorkers(catalogParallel)
	}
	return h, nil
}

// Close stops the goroutines that handle a batch's messages in parallel.
// A Lambda function never needs to call it (its process ends with them);
// a program that makes Handlers and drops them should. The Handler must
// not be used afterwards.
func (h *Handler) Close() {
	if h.workers != nil {
		h.workers.stop()
	}
}

// Handle processes every message of an SQS batch and returns the IDs of the
// messages that failed, for the event source mapping's
// ReportBatchItemFailures. Messages are independent: one failure does not
// stop the others. The error is always nil, because an error would make
// Lambda retry the whole batch
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
func (h *Handler) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	return h.handleBatch(ctx, len(ev.Records), func(i int) (id, body string) {
		return ev.Records[i].MessageId, ev.Records[i].Body
	}), nil
}

// handleBatch handles the n messages that message(i) returns, several at a
// time for the catalog action (see parallel.go), and lists the IDs of those
// that failed, in message order.
func (h *Handler) handleBatch(ctx context.Context, n int, message func(i int) (id, body string)) events.SQSEventResponse {
	ok := h.eachMessage(ctx, n, message)
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for i := range n {
		if !ok[i] {
			id, _ := message(i)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
		}
	}
	return resp
}

// sqsBatch is the part of Lambda's SQS event that Invoke reads.
type sqsBatch struct {
	Records []struct {
		MessageID string `json:"messageId"`
		Body      string `json:"body"`
	} `json:"Records"`
}

// Invoke is [Handler.Handle] on the JSON Lambda sends and expects: it makes
// *Handler an aws-lambda-go lambda.Handler, which lambda.Start serves as
// is. Decoding only each record's messageId and body, not the whole
// events.SQSEvent (attribute maps and all), halves the cost of reading a
// batch. A payload that is not an SQS event is an error, which fails the
// invocation, as aws-lambda-go's own decoding does.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	batch, err := decodeSQSBatch(payload)
	if err != nil {
		return nil, err
	}
	return json.Marshal(h.handleBatch(ctx, len(batch.Records), func(i int) (id, body string) {
		return batch.Records[i].MessageID, batch.Records[i].Body
	}))
}

// decodeSQSBatch decodes Lambda's SQS event into the part Invoke reads.
func decodeSQSBatch(payload []byte) (sqsBatch, error) {
	var batch sqsBatch
	if err := json.Unmarshal(payload, &batch); err != nil {
		return sqsBatch{}, fmt.Errorf("decode SQS event: %w", err)
	}
	return batch, nil
}

// handleMessage processes every record of one message, logging each, and
// reports whether all of them succeeded or were skipped.
func (h *Handler) handleMessage(ctx context.Context, messageID, body string) bool {
	start := h.now()
	n, err := Unwrap(body)
	switch {
	case err != nil:
		h.logRecord(ctx, logEntry{messageID: messageID, start: start, err: err})
		return false
	case n.Test != nil:
		h.logRecord(ctx, logEntry{messageID: messageID, bucket: n.Test.Bucket, start: start,
			res: result{outcome: OutcomeIgnored, reason: s3TestEvent}})
		return true
	}
	ok := true
	for _, rec := range n.Records {
		obj := objectOf(rec)
		start := h.now()
		res, err := h.handleRecord(ctx, obj)
		h.logRecord(ctx, logEntry{messageID: messageID, bucket: obj.bucket, key: obj.key, start: start, res: res, err: err})
		ok = ok && err == nil
	}
	return ok
}

// handleRecord filters one record and runs the action on it.
func (h *Handler) handleRecord(ctx context.Context, obj object) (result, error) {
	if !isObjectCreated(obj.eventName) {
		return skipped("event " + obj.eventName + " is not ObjectCreated"), nil
	}
	rel, ok := strings.CutPrefix(obj.key, h.cfg.InputPrefix)
	switch {
	case !ok:
		return skipped("key outside input prefix " + h.cfg.InputPrefix), nil
	case isFolder(rel):
		return skipped("folder placeholder"), nil
	}
	if err := ctx.Err(); err != nil {
		return result{}, fmt.Errorf("abandon %s: %w", obj, err)
	}
	return h.act(ctx, obj, rel)
}

// isObjectCreated reports whether an S3 eventName is ObjectCreated:*. S3
// writes names without the "s3:" of the notification configuration
// ("ObjectCreated:Put"); both spellings are accepted.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
func isObjectCreated(name string) bool {
	name = strings.TrimPrefix(name, "s3:")
	return strings.HasPrefix(name, "ObjectCreated:")
}

// object is the part of an S3 event record the actions use.
type object struct {
	bucket    string
	key       string // decoded
	versionID string
	etag      string
	eventName string
	eventTime time.Time
}

func objectOf(rec events.S3EventRecord) object {
	return object{
		bucket:    rec.S3.Bucket.Name,
		key:       rec.S3.Object.URLDecodedKey,
		versionID: rec.S3.Object.VersionID,
		etag:      rec.S3.Object.ETag,
		eventName: rec.EventName,
		eventTime: rec.EventTime,
	}
}

// String returns the object as an s3:// URI, with its version when known.
func (o object) String() string {
	s := "s3://" + o.bucket + "/" + o.key
	if o.versionID != "" {
		s += "?versionId=" + o.versionID
	}
	return s
}

// result is the outcome of a record that did not fail.
type result struct {
	outcome string // OutcomeOK or OutcomeSkipped (OutcomeIgnored for test events)
	output  string // key written, when OutcomeOK
	reason  string // why, when skipped or ignored
}

func wrote(key string) result      { return result{outcome: OutcomeOK, output: key} }
func skipped(reason string) result { return result{outcome: OutcomeSkipped, reason: reason} }
