package handler

import (
	"context"
	"log/slog"
	"math"
	"time"
)

// Outcomes of a record, as logged in [LogRecord.Outcome].
const (
	OutcomeOK      = "ok"      // the output was written
	OutcomeSkipped = "skipped" // not for this action: wrong event, prefix, or not an image
	OutcomeIgnored = "ignored" // an s3:TestEvent, acknowledged
	OutcomeError   = "error"   // failed; the message is reported in batchItemFailures
)

// LogMessage is the msg of every record line.
const LogMessage = "record"

// A LogRecord is the JSON line the handler writes for each S3 record, each
// s3:TestEvent and each unrecognized message body. Its fields and JSON names
// are a contract: edasctl tail decodes the function's log events into it.
// Time and Level are written by log/slog's JSONHandler.
type LogRecord struct {
	Time       time.Time `json:"time"`
	Level      string    `json:"level"`
	Msg        string    `json:"msg"`
	MessageID  string    `json:"messageId"`
	Bucket     string    `json:"bucket"`
	Key        string    `json:"key"` // decoded; "" for a test event or an unrecognized body
	Action     string    `json:"action"`
	Outcome    string    `json:"outcome"` // one of the Outcome constants
	DurationMs float64   `json:"durationMs"`
	Output     string    `json:"output,omitempty"` // key written, when ok
	Error      string    `json:"error,omitempty"`  // when error
	Reason     string    `json:"reason,omitempty"` // when skipped or ignored
}

// logEntry is one record's outcome before it is logged.
type logEntry struct {
	messageID   string
	bucket, key string
	start       time.Time
	res         result
	err         error
}

// logRecord writes e as one line in the [LogRecord] shape: at level Error
// when e failed, else Info.
func (h *Handler) logRecord(ctx context.Context, e logEntry) {
	outcome, level := e.res.outcome, slog.LevelInfo
	if e.err != nil {
		outcome, level = OutcomeError, slog.LevelError
	}
	ms := float64(h.now().Sub(e.start)) / float64(time.Millisecond)
	attrs := []slog.Attr{
		slog.String("messageId", e.messageID),
		slog.String("bucket", e.bucket),
		slog.String("key", e.key),
		slog.String("action", h.cfg.Action),
		slog.String("outcome", outcome),
		slog.Float64("durationMs", math.Round(ms*1000)/1000),
	}
	switch {
	case e.err != nil:
		attrs = append(attrs, slog.String("error", e.err.Error()))
	case e.res.output != "":
		attrs = append(attrs, slog.String("output", e.res.output))
	case e.res.reason != "":
		attrs = append(attrs, slog.String("reason", e.res.reason))
	}
	h.log.LogAttrs(ctx, level, LogMessage, attrs...)
}
