package tailcmd

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var at = time.Date(2026, 11, 28, 12, 0, 1, 234_000_000, time.UTC)

func event(consumer, msg string) Event {
	e := Event{Consumer: consumer, LogGroup: "/aws/lambda/edas-" + consumer, LogStream: "2026/11/28/[$LATEST]abc",
		EventID: "123", Time: at, Message: msg}
	classify(&e)
	return e
}

const (
	okLine      = `{"time":"2026-11-28T12:00:01.2Z","level":"INFO","msg":"record","messageId":"m1","bucket":"b","key":"uploads/cat.jpg","action":"catalog","outcome":"ok","durationMs":15.84,"output":"catalog/cat.jpg.json"}`
	errorLine   = `{"time":"2026-11-28T12:00:01.2Z","level":"ERROR","msg":"record","messageId":"m2","bucket":"b","key":"uploads/bad.jpg","action":"thumbnail","outcome":"error","durationMs":1.25,"error":"decode image: unexpected EOF"}`
	skippedLine = `{"time":"2026-11-28T12:00:01.2Z","level":"INFO","msg":"record","messageId":"m3","bucket":"b","key":"uploads/a.txt","action":"thumbnail","outcome":"skipped","durationMs":0.31,"reason":"not an image"}`
	ignoredLine = `{"time":"2026-11-28T12:00:01.2Z","level":"INFO","msg":"record","messageId":"m4","bucket":"","key":"","action":"catalog","outcome":"ignored","durationMs":0,"reason":"s3:TestEvent"}`
	badBodyLine = `{"time":"2026-11-28T12:00:01.2Z","level":"ERROR","msg":"record","messageId":"m5","bucket":"","key":"","action":"catalog","outcome":"error","durationMs":0.1,"error":"unrecognized message body"}`
	reportLine  = "REPORT RequestId: r1\tDuration: 16.94 ms\tBilled Duration: 35 ms\tMemory Size: 256 MB\tMax Memory Used: 15 MB\tInit Duration: 17.41 ms"
	timeoutLine = "REPORT RequestId: r2\tDuration: 30000.00 ms\tBilled Duration: 30000 ms\tMemory Size: 256 MB\tMax Memory Used: 20 MB\tStatus: timeout"
)

func TestTextRenderer_withoutTerminal(t *testing.T) {
	tests := []struct {
		name  string
		event Event
		raw   bool
		want  string
	}{
		{"an ok record shows key, output and duration", event("catalog", okLine), false,
			"12:00:01.234 catalog   ok      uploads/cat.jpg → catalog/cat.jpg.json (15.8 ms)\n"},
		{"a failed record shows key and error", event("thumbnail", errorLine), false,
			"12:00:01.234 thumbnail error   uploads/bad.jpg: decode image: unexpected EOF (1.2 ms)\n"},
		{"a failed body without key names its message", event("catalog", badBodyLine), false,
			"12:00:01.234 catalog   error   message m5: unrecognized message body (0.1 ms)\n"},
		{"a skipped record shows its reason", event("thumbnail", skippedLine), false,
			"12:00:01.234 thumbnail skipped uploads/a.txt: not an image (0.3 ms)\n"},
		{"an ignored test event shows the reason alone", event("catalog", ignoredLine), false,
			"12:00:01.234 catalog   ignored s3:TestEvent (0.0 ms)\n"},
		{"a REPORT line is compacted", event("catalog", reportLine), false,
			"12:00:01.234 catalog   report  duration 16.9 ms, init 17.4 ms, mem 15/256 MB\n"},
		{"a timed-out REPORT line says so", event("catalog", timeoutLine), false,
			"12:00:01.234 catalog   report  duration 30000.0 ms, mem 20/256 MB, timeout\n"},
		{"a START line is hidden", event("catalog", "START RequestId: r1 Version: $LATEST"), false, ""},
		{"an END line is hidden", event("catalog", "END RequestId: r1"), false, ""},
		{"an INIT_START line is hidden", event("catalog", "INIT_START Runtime Version: provided:al2023"), false, ""},
		{"any other line is shown as written", event("catalog", "panic: boom\n"), false,
			"12:00:01.234 catalog   panic: boom\n"},
		{"a JSON line that is not a record is shown as written", event("catalog", `{"msg":"hello"}`), false,
			"12:00:01.234 catalog   {\"msg\":\"hello\"}\n"},
		{"raw shows a START line", event("catalog", "START RequestId: r1 Version: $LATEST"), true,
			"12:00:01.234 catalog   START RequestId: r1 Version: $LATEST\n"},
		{"raw shows a record as written", event("catalog", okLine), true,
			"12:00:01.234 catalog   " + okLine + "\n"},
		{"raw shows a REPORT line as written", event("catalog", reportLine), true,
			"12:00:01.234 catalog   " + reportLine + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			r := &TextRenderer{W: &out, Raw: tt.raw, Width: len("thumbnail"), Location: time.UTC, Consumers: []string{"thumbnail", "catalog"}}
			if err := r.Render(tt.event); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got  %q\nwant %q", out.String(), tt.want)
			}
		})
	}
}

func TestTextRenderer_onTerminal(t *testing.T) {
	tests := []struct {
		name  string
		event Event
		want  string
	}{
		{"each consumer has its colour and an ok outcome is green", event("catalog", okLine),
			"\x1b[2m12:00:01.234\x1b[0m \x1b[35mcatalog  \x1b[0m \x1b[32mok     \x1b[0m uploads/cat.jpg → catalog/cat.jpg.json \x1b[2m(15.8 ms)\x1b[0m\n"},
		{"the first consumer has the first colour and an error is red with its text", event("thumbnail", errorLine),
			"\x1b[2m12:00:01.234\x1b[0m \x1b[36mthumbnail\x1b[0m \x1b[31merror   uploads/bad.jpg: decode image: unexpected EOF\x1b[0m \x1b[2m(1.2 ms)\x1b[0m\n"},
		{"a REPORT line is dim, its failure red", event("catalog", timeoutLine),
			"\x1b[2m12:00:01.234\x1b[0m \x1b[35mcatalog  \x1b[0m \x1b[2mreport  duration 30000.0 ms, mem 20/256 MB\x1b[0m\x1b[31m, timeout\x1b[0m\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			r := &TextRenderer{W: &out, Color: true, Width: len("thumbnail"), Location: time.UTC, Consumers: []string{"thumbnail", "catalog"}}
			if err := r.Render(tt.event); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got  %q\nwant %q", out.String(), tt.want)
			}
		})
	}
}

func TestJSONRenderer(t *testing.T) {
	tests := []struct {
		name  string
		event Event
		want  map[string]any
	}{
		{"a record carries the event and the record's fields", event("catalog", okLine), map[string]any{
			"timestamp": "2026-11-28T12:00:01.234Z", "consumer": "catalog", "logGroup": "/aws/lambda/edas-catalog",
			"logStream": "2026/11/28/[$LATEST]abc", "eventId": "123", "message": okLine, "kind": "record",
			"time": "2026-11-28T12:00:01.2Z", "level": "INFO", "msg": "record", "messageId": "m1", "bucket": "b",
			"key": "uploads/cat.jpg", "action": "catalog", "outcome": "ok", "durationMs": 15.84, "output": "catalog/cat.jpg.json"}},
		{"a REPORT line carries its fields under report", event("catalog", reportLine), map[string]any{
			"timestamp": "2026-11-28T12:00:01.234Z", "consumer": "catalog", "logGroup": "/aws/lambda/edas-catalog",
			"logStream": "2026/11/28/[$LATEST]abc", "eventId": "123", "message": reportLine, "kind": "report",
			"report": map[string]any{"requestId": "r1", "durationMs": 16.94, "initDurationMs": 17.41, "memorySizeMB": 256.0, "maxMemoryUsedMB": 15.0}}},
		{"a START line is written too", event("catalog", "START RequestId: r1 Version: $LATEST"), map[string]any{
			"timestamp": "2026-11-28T12:00:01.234Z", "consumer": "catalog", "logGroup": "/aws/lambda/edas-catalog",
			"logStream": "2026/11/28/[$LATEST]abc", "eventId": "123", "message": "START RequestId: r1 Version: $LATEST", "kind": "start"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			r := &JSONRenderer{W: &out}
			if err := r.Render(tt.event); err != nil {
				t.Fatal(err)
			}
			if strings.Count(out.String(), "\n") != 1 {
				t.Fatalf("output is not one line: %q", out.String())
			}
			var got map[string]any
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			gotJSON, _ := json.Marshal(got)
			wantJSON, _ := json.Marshal(tt.want)
			if string(gotJSON) != string(wantJSON) {
				t.Errorf("got  %s\nwant %s", gotJSON, wantJSON)
			}
		})
	}
}
