// Package handler is the Lambda function behind every consumer of the edas
// pipeline: it unwraps SQS messages into S3 object-created records and runs
// one action on each object.
//
// # Environment
//
// The bootstrap in cmd/handler reads its configuration from the environment
// (see [ConfigFromEnv]):
//
//	EDAS_ACTION        required; "thumbnail" or "catalog" (see [Actions]).
//	                   Any other value stops the process at init with an error.
//	EDAS_INPUT_PREFIX  the key prefix the pipeline reads; default "uploads/".
//	                   It must not overlap an output prefix.
//
// Output prefixes are fixed: [ThumbnailPrefix] ("thumbnails/") and
// [CatalogPrefix] ("catalog/"). The S3 client ([NewS3Client]) comes from the
// default AWS configuration, which honours AWS_ENDPOINT_URL.
//
// # Events
//
// Lambda's event and each message body are decoded with
// github.com/go-json-experiment/json/v1: encoding/json's API and behaviour
// on the decoder of encoding/json/v2, which the module mirrors and which
// Go 1.27's encoding/json uses. It decodes an SNS-wrapped S3 event in two
// thirds of the time (BenchmarkUnwrap: 28–31 → 19–21 µs) and a 10-record
// SQS event in 60–80 % (BenchmarkDecodeSQSEvent/sqsBatch: 207–218 →
// 123–164 µs); with encoding/json, decoding was about a tenth of the catalog
// action's CPU per record. Once the module requires Go 1.27, encoding/json
// itself does the same and this dependency can go.
//
// Each SQS message body is either an SNS envelope ("Type": "Notification")
// whose Message string holds an S3 event, or, with raw message delivery, the
// S3 event itself ([Unwrap]). One S3 event may carry several records. The
// s3:TestEvent that S3 sends when a notification configuration is saved is
// acknowledged and ignored. Object keys arrive URL-encoded as S3 writes them
// in events ("+" for a space, %XX for other bytes) and are decoded with
// [net/url.QueryUnescape] semantics. Records that are not ObjectCreated:*, or
// whose key lies outside the input prefix, are skipped, not failed.
//
// # Actions
//
// catalog writes catalog/<rel>.json, a [CatalogEntry] (rel is the key without
// the input prefix). The object is streamed once: a SHA-256 hasher sees every
// byte, the first 512 bytes are sniffed for the content type, and
// [image.DecodeConfig] reads image dimensions from the header; the object is
// never held in memory.
//
// thumbnail writes thumbnails/<rel>: JPEG, PNG, GIF and WebP images scaled
// with Catmull-Rom to fit inside [ThumbnailSize]×[ThumbnailSize], keeping the
// aspect ratio and never upscaling (a smaller image is re-encoded at its own
// size). The output uses the source format: JPEG at quality 85, PNG, or GIF
// made from the first frame only (animation is dropped), dithered onto the
// source frame's palette. golang.org/x/image has a WebP decoder but no
// encoder, so WebP thumbnails are PNG data stored under the same key (the
// key keeps its .webp name) with Content-Type image/png. EXIF orientation is
// not applied. Objects that are not images are skipped. Before decoding,
// the header is checked against [Limits] so that a small file claiming a
// huge canvas (a decompression bomb) is refused instead of exhausting
// memory. Decoding needs several bytes per pixel (about 4 for 8-bit RGBA,
// more for 16-bit PNG and progressive JPEG), so the function's memory must
// fit [DefaultMaxPixels] or the configured limit.
//
// Both actions write the same bytes for the same object (a catalog entry
// differs only in processedTime), so redelivery under SQS's at-least-once
// semantics is harmless.
//
// # Results and logs
//
// [Handler.Handle] reports each failed message in
// events.SQSEventResponse.BatchItemFailures and never returns an error, so
// one bad record does not retry the whole batch; the event source mapping
// must enable ReportBatchItemFailures
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
// A message fails when any of its records fails or when its body is neither
// an S3 event nor the test event, so that it ends in the dead-letter queue.
// Every S3 record (and every test event or unreadable body) produces exactly
// one JSON log line, described by [LogRecord].
package handler
