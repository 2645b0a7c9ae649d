package handler

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

func TestHandle(t *testing.T) {
	jpg := makeJPEG(t, 40, 30)
	tests := []struct {
		name         string
		objects      map[string][]byte // key → content in testBucket
		msgs         []msg
		wantFailures []string
		wantPuts     []string
		wantOutcomes []string
	}{
		{
			name:         "processes a put wrapped in an SNS envelope",
			objects:      map[string][]byte{"uploads/cat photo.jpg": jpg},
			msgs:         []msg{{id: "m1", file: "sns-put.json"}},
			wantFailures: []string{},
			wantPuts:     []string{"catalog/cat photo.jpg.json"},
			wantOutcomes: []string{"ok"},
		},
		{
			name:         "processes a put delivered raw",
			objects:      map[string][]byte{"uploads/cat photo.jpg": jpg},
			msgs:         []msg{{id: "m1", file: "s3-put.json"}},
			wantFailures: []string{},
			wantPuts:     []string{"catalog/cat photo.jpg.json"},
			wantOutcomes: []string{"ok"},
		},
		{
			name:         "processes every record of a multi-record event",
			objects:      map[string][]byte{"uploads/a.png": jpg, "uploads/b.gif": jpg},
			msgs:         []msg{{id: "m1", file: "sns-multi.json"}},
			wantFailures: []string{},
			wantPuts:     []string{"catalog/a.png.json", "catalog/b.gif.json"},
			wantOutcomes: []string{"ok", "ok"},
		},
		{
			name: "decodes keys with spaces, plus signs, unicode and percent signs",
			objects: map[string][]byte{
				"uploads/cat photo.jpg": jpg, "uploads/a+b.png": jpg, "uploads/café ☕.gif": jpg,
				"uploads/100% sure.jpg": jpg, "uploads/写真.webp": jpg,
			},
			msgs:         []msg{{id: "m1", file: "s3-encoded-keys.json"}},
			wantFailures: []string{},
			wantPuts: []string{
				"catalog/cat photo.jpg.json", "catalog/a+b.png.json", "catalog/café ☕.gif.json",
				"catalog/100% sure.jpg.json", "catalog/写真.webp.json",
			},
			wantOutcomes: []string{"ok", "ok", "ok", "ok", "ok"},
		},
		{
			name:         "ignores an s3:TestEvent wrapped in an SNS envelope",
			msgs:         []msg{{id: "m1", file: "sns-test-event.json"}},
			wantFailures: []string{},
			wantPuts:     []string{},
			wantOutcomes: []string{"ignored"},
		},
		{
			name:         "ignores an s3:TestEvent delivered raw",
			msgs:         []msg{{id: "m1", file: "s3-test-event.json"}},
			wantFailures: []string{},
			wantPuts:     []string{},
			wantOutcomes: []string{"ignored"},
		},
		{
			name:         "skips an event that is not ObjectCreated",
			msgs:         []msg{{id: "m1", file: "s3-removed.json"}},
			wantFailures: []string{},
			wantPuts:     []string{},
			wantOutcomes: []string{"skipped"},
		},
		{
			name:         "skips a key outside the input prefix",
			objects:      map[string][]byte{"thumbnails/cat.jpg": jpg},
			msgs:         []msg{{id: "m1", file: "s3-outside-prefix.json"}},
			wantFailures: []string{},
			wantPuts:     []string{},
			wantOutcomes: []string{"skipped"},
		},
		{
			name:         "skips a folder placeholder",
			objects:      map[string][]byte{"uploads/photos/": {}},
			msgs:         []msg{{id: "m1", file: "s3-folder.json"}},
			wantFailures: []string{},
			wantPuts:     []string{},
			wantOutcomes: []string{"skipped"},
		},
		{
			name:         "fails a JSON body that is not an S3 event",
			msgs:         []msg{{id: "m1", file: "not-s3.json"}},
			wantFailures: []string{"m1"},
			wantPuts:     []string{},
			wantOutcomes: []string{"error"},
		},
		{
			name:         "fails a body that is not JSON",
			msgs:         []msg{{id: "m1", body: "hello"}},
			wantFailures: []string{"m1"},
			wantPuts:     []string{},
			wantOutcomes: []string{"error"},
		},
		{
			name:         "fails an SNS subscription confirmation",
			msgs:         []msg{{id: "m1", file: "sns-subscription-confirmation.json"}},
			wantFailures: []string{"m1"},
			wantPuts:     []string{},
			wantOutcomes: []string{"error"},
		},
		{
			name:         "fails a record whose object is gone",
			msgs:         []msg{{id: "m1", file: "sns-put.json"}},
			wantFailures: []string{"m1"},
			wantPuts:     []string{},
			wantOutcomes: []string{"error"},
		},
		{
			name:         "fails the whole message when one of its records fails",
			objects:      map[string][]byte{"uploads/a.png": jpg},
			msgs:         []msg{{id: "m1", file: "sns-multi.json"}},
			wantFailures: []string{"m1"},
			wantPuts:     []string{"catalog/a.png.json"},
			wantOutcomes: []string{"ok", "error"},
		},
		{
			name:         "fails the message when its first record fails and a later one succeeds",
			objects:      map[string][]byte{"uploads/b.gif": jpg},
			msgs:         []msg{{id: "m1", file: "s3-multi.json"}},
			wantFailures: []string{"m1"},
			wantPuts:     []string{"catalog/b.gif.json"},
			wantOutcomes: []string{"error", "ok"},
		},
		{
			name:    "reports only the failed message of a batch",
			objects: map[string][]byte{"uploads/cat photo.jpg": jpg},
			msgs: []msg{
				{id: "good", file: "sns-put.json"},
				{id: "bad", file: "not-s3.json"},
				{id: "test", file: "sns-test-event.json"},
				{id: "gone", file: "s3-multi.json"},
			},
			wantFailures: []string{"bad", "gone"},
			wantPuts:     []string{"catalog/cat photo.jpg.json"},
			wantOutcomes: []string{"ok", "error", "ignored", "error", "error"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// GIVEN a bucket holding tt.objects
			fake := newFakeS3()
			for k, v := range tt.objects {
				fake.put(testBucket, k, "", v)
			}
			h, logs := testHandler(t, ActionCatalog, fake)

			// WHEN the batch is handled
			failures := handle(t, h, sqsEvent(t, tt.msgs...))

			// THEN exactly the expected messages failed (listed in message
			// order), outputs were written and one line was logged per
			// record (in the order the messages finished: the catalog
			// action handles a batch's messages in parallel)
			if !slices.Equal(failures, tt.wantFailures) {
				t.Errorf("failures = %q, want %q", failures, tt.wantFailures)
			}
			if got := fake.putKeys(); !sameElements(got, tt.wantPuts) {
				t.Errorf("puts = %q, want %q in any order", got, tt.wantPuts)
			}
			if got := outcomes(logLines(t, logs)); !sameElements(got, tt.wantOutcomes) {
				t.Errorf("logged outcomes = %q, want %q in any order", got, tt.wantOutcomes)
			}
		})
	}
}

func TestHandle_decodesTheLambdaSQSEventShape(t *testing.T) {
	// GIVEN the SQS event as Lambda delivers it
	var ev events.SQSEvent
	if err := json.Unmarshal(readTestdata(t, "sqs-event.json"), &ev); err != nil {
		t.Fatal(err)
	}
	fake := newFakeS3()
	fake.put(testBucket, "uploads/cat photo.jpg", "", makeJPEG(t, 8, 8))
	h, logs := testHandler(t, ActionCatalog, fake)

	// WHEN it is handled
	failures := handle(t, h, ev)

	// THEN nothing failed, the put was cataloged and the test event ignored
	if len(failures) != 0 {
		t.Errorf("failures = %q, want none", failures)
	}
	want := []string{"ok", "ignored"}
	if got := outcomes(logLines(t, logs)); !sameElements(got, want) {
		t.Errorf("outcomes = %q, want %q in any order", got, want)
	}
}

func TestHandle_logsOneLinePerRecord(t *testing.T) {
	fake := newFakeS3()
	fake.put(testBucket, "uploads/a.png", "", makePNG(t, 8, 8))
	fake.put(testBucket, "uploads/cat photo.jpg", "", []byte("not an image"))
	// The clock advances 1.5 ms per reading: each record reads it at its
	// start and when it is logged.
	h, logs := testHandler(t, ActionThumbnail, fake, func(o *Options) { o.Now = stepClock(1500 * time.Microsecond) })

	handle(t, h, sqsEvent(t,
		msg{id: "m-multi", file: "s3-multi.json"},
		msg{id: "m-text", file: "sns-put.json"},
		msg{id: "m-test", file: "sns-test-event.json"},
		msg{id: "m-bad", body: "{}"},
	))

	got := logLines(t, logs)
	for i := range got {
		if got[i].Time.IsZero() {
			t.Errorf("line %d has no time", i)
		}
		got[i].Time = time.Time{}
	}
	want := []LogRecord{
		{Level: "INFO", Msg: "record", MessageID: "m-multi", Bucket: testBucket, Key: "uploads/a.png",
			Action: "thumbnail", Outcome: "ok", DurationMs: 1.5, Output: "thumbnails/a.png"},
		{Level: "ERROR", Msg: "record", MessageID: "m-multi", Bucket: testBucket, Key: "uploads/b.gif",
			Action: "thumbnail", Outcome: "error", DurationMs: 1.5,
			Error: "get object s3://" + testBucket + "/uploads/b.gif: operation error S3: GetObject, NoSuchKey: The specified key does not exist."},
		{Level: "INFO", Msg: "record", MessageID: "m-text", Bucket: testBucket, Key: "uploads/cat photo.jpg",
			Action: "thumbnail", Outcome: "skipped", DurationMs: 1.5, Reason: "not an image"},
		{Level: "INFO", Msg: "record", MessageID: "m-test", Bucket: testBucket,
			Action: "thumbnail", Outcome: "ignored", DurationMs: 1.5, Reason: "s3:TestEvent"},
		{Level: "ERROR", Msg: "record", MessageID: "m-bad",
			Action: "thumbnail", Outcome: "error", DurationMs: 1.5,
			Error: "unrecognized message body: no Records and not an s3:TestEvent"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("log lines:\n got  %+v\n want %+v", got, want)
	}
}

func TestHandle_abandonsRecordsWhenTheInvocationIsCanceled(t *testing.T) {
	fake := newFakeS3()
	fake.put(testBucket, "uploads/cat photo.jpg", "", makeJPEG(t, 8, 8))
	h, logs := testHandler(t, ActionCatalog, fake)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	resp, err := h.Handle(ctx, sqsEvent(t, msg{id: "m1", file: "sns-put.json"}))

	if err != nil || len(resp.BatchItemFailures) != 1 {
		t.Fatalf("Handle = %+v, %v; want one failure and no error", resp, err)
	}
	if len(fake.gets) != 0 {
		t.Errorf("GetObject called %d times after cancellation", len(fake.gets))
	}
	lines := logLines(t, logs)
	if len(lines) != 1 || !strings.HasSuffix(lines[0].Error, "context canceled") {
		t.Errorf("log = %+v, want one error ending in context canceled", lines)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{
			name:    "rejects an unknown action",
			opts:    Options{Config: Config{Action: "resize", InputPrefix: "uploads/"}, S3: newFakeS3()},
			wantErr: `configure handler: action: unknown action "resize" (want one of thumbnail, catalog)`,
		},
		{
			name:    "rejects an input prefix that contains an output prefix",
			opts:    Options{Config: Config{Action: "catalog", InputPrefix: "catalog/in/"}, S3: newFakeS3()},
			wantErr: `configure handler: input prefix: "catalog/in/" overlaps output prefix "catalog/"`,
		},
		{
			name:    "rejects a missing S3 client",
			opts:    Options{Config: Config{Action: "catalog", InputPrefix: "uploads/"}},
			wantErr: "configure handler: no S3 client",
		},
		{
			name: "accepts a valid configuration with default logger and clock",
			opts: Options{Config: Config{Action: "thumbnail", InputPrefix: "uploads/"}, S3: newFakeS3()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := New(tt.opts)
			if tt.wantErr == "" {
				if err != nil || h == nil || h.log == nil || h.now == nil {
					t.Fatalf("New = %v, %v; want a ready handler", h, err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("New error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestHandle_failsWhenTheOutputCannotBeWritten(t *testing.T) {
	fake := newFakeS3()
	fake.put(testBucket, "uploads/cat photo.jpg", "", makeJPEG(t, 8, 8))
	fake.failPut(testBucket, "catalog/cat photo.jpg.json", errors.New("AccessDenied"))
	h, logs := testHandler(t, ActionCatalog, fake)

	failures := handle(t, h, sqsEvent(t, msg{id: "m1", file: "sns-put.json"}))

	if !slices.Equal(failures, []string{"m1"}) {
		t.Errorf("failures = %q, want [m1]", failures)
	}
	want := "put object s3://" + testBucket + "/catalog/cat photo.jpg.json: operation error S3: PutObject, AccessDenied"
	if lines := logLines(t, logs); len(lines) != 1 || lines[0].Error != want {
		t.Errorf("log = %+v, want error %q", lines, want)
	}
}
