package tailcmd

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/handler"
)

// Kinds of log line, as -o json reports them in "kind".
const (
	KindRecord = "record" // the handler's JSON line for one record (handler.LogRecord)
	KindStart  = "start"  // Lambda's START line
	KindEnd    = "end"    // Lambda's END line
	KindReport = "report" // Lambda's REPORT line
	KindInit   = "init"   // Lambda's INIT_START line
	KindLine   = "line"   // anything else, e.g. a crash's stack trace
)

// An Event is one log event of one consumer's function, classified.
type Event struct {
	Consumer  string
	LogGroup  string
	LogStream string
	EventID   string
	Time      time.Time
	Message   string // as stored, without a trailing newline
	Kind      string // one of the Kind constants
	// Record is the decoded handler line when Kind is KindRecord.
	Record *handler.LogRecord
	// Report holds the REPORT line's fields when Kind is KindReport.
	Report *Report
}

// A Report is what a REPORT line says about one invocation. Lambda writes it
// as tab-separated "Name: value" fields
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
type Report struct {
	RequestID   string
	DurationMs  float64
	InitMs      float64 // 0 on a warm start
	MemoryMB    int
	MaxMemoryMB int
	Status      string // "" on success; "timeout", "error" …
	ErrorType   string
}

// classify fills e.Kind, e.Record and e.Report from e.Message.
func classify(e *Event) {
	msg := strings.TrimRight(e.Message, "\r\n")
	e.Message = msg
	switch {
	case strings.HasPrefix(msg, "{"):
		var r handler.LogRecord
		if json.Unmarshal([]byte(msg), &r) == nil && r.Msg == handler.LogMessage && r.Outcome != "" {
			e.Kind, e.Record = KindRecord, &r
			return
		}
	case strings.HasPrefix(msg, "START RequestId: "):
		e.Kind = KindStart
		return
	case strings.HasPrefix(msg, "END RequestId: "):
		e.Kind = KindEnd
		return
	case strings.HasPrefix(msg, "INIT_START "):
		e.Kind = KindInit
		return
	case strings.HasPrefix(msg, "REPORT RequestId: "):
		e.Kind, e.Report = KindReport, parseReport(msg)
		return
	}
	e.Kind = KindLine
}

// parseReport reads the fields of a REPORT line; unknown fields are ignored
// and unparsable values stay zero.
func parseReport(msg string) *Report {
	r := &Report{}
	for _, field := range strings.Split(msg, "\t") {
		name, value, ok := strings.Cut(field, ": ")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		number := func() float64 {
			v, _ := strconv.ParseFloat(strings.Fields(value + " 0")[0], 64)
			return v
		}
		switch strings.TrimSpace(name) {
		case "REPORT RequestId":
			r.RequestID = value
		case "Duration":
			r.DurationMs = number()
		case "Init Duration":
			r.InitMs = number()
		case "Memory Size":
			r.MemoryMB = int(number())
		case "Max Memory Used":
			r.MaxMemoryMB = int(number())
		case "Status":
			r.Status = value
		case "Error Type":
			r.ErrorType = value
		}
	}
	return r
}
