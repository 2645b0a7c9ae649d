package tailcmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/handler"
)

// A Renderer writes events, one or more lines each, in the order given.
type Renderer interface {
	Render(Event) error
}

// TextRenderer writes events for people: a time, the consumer and the line.
// Handler records become "ok  KEY → OUTPUT (15.8 ms)", REPORT lines a
// compact summary, START, END and INIT_START lines are dropped; with Raw
// every message is written as stored. With Color (a terminal) each consumer
// has its own colour, and failures are red.
type TextRenderer struct {
	W     io.Writer
	Raw   bool
	Color bool
	// Width pads the consumer column; the longest consumer name.
	Width int
	// Location is the time zone of the printed times; nil means time.Local.
	Location *time.Location
	// Consumers orders the consumers for colour assignment.
	Consumers []string
}

// consumerColors are the ANSI SGR colours given to consumers in turn.
var consumerColors = []string{"36", "35", "33", "34", "32", "96", "95", "93"}

const (
	sgrRed   = "31"
	sgrGreen = "32"
	sgrDim   = "2"
)

// Render writes e, or nothing when e is a line the text form hides.
func (r *TextRenderer) Render(e Event) error {
	var detail string
	if r.Raw {
		detail = e.Message
	} else {
		var ok bool
		if detail, ok = r.detail(e); !ok {
			return nil
		}
	}
	loc := r.Location
	if loc == nil {
		loc = time.Local
	}
	stamp := e.Time.In(loc).Format("15:04:05.000")
	name := fmt.Sprintf("%-*s", r.Width, e.Consumer)
	_, err := fmt.Fprintf(r.W, "%s %s %s\n", r.paint(stamp, sgrDim), r.paint(name, r.consumerColor(e.Consumer)), detail)
	return err
}

// detail is the rendered text of e after the prefix, and false when e is
// hidden.
func (r *TextRenderer) detail(e Event) (string, bool) {
	switch e.Kind {
	case KindStart, KindEnd, KindInit:
		return "", false
	case KindRecord:
		return r.record(e.Record), true
	case KindReport:
		return r.report(e.Report), true
	}
	return e.Message, true
}

func (r *TextRenderer) record(rec *handler.LogRecord) string {
	took := fmt.Sprintf("(%s)", ms(rec.DurationMs))
	subject := rec.Key
	switch rec.Outcome {
	case handler.OutcomeOK:
		return fmt.Sprintf("%s %s → %s %s", r.paint(fmt.Sprintf("%-7s", rec.Outcome), sgrGreen), subject, rec.Output, r.paint(took, sgrDim))
	case handler.OutcomeError:
		if subject == "" {
			subject = "message " + rec.MessageID
		}
		return r.paint(fmt.Sprintf("%-7s %s: %s", rec.Outcome, subject, rec.Error), sgrRed) + " " + r.paint(took, sgrDim)
	}
	text := subject + ": " + rec.Reason
	switch {
	case subject == "":
		text = rec.Reason
	case rec.Reason == "":
		text = subject
	}
	return fmt.Sprintf("%s %s %s", r.paint(fmt.Sprintf("%-7s", rec.Outcome), sgrDim), text, r.paint(took, sgrDim))
}

func (r *TextRenderer) report(rep *Report) string {
	parts := []string{"duration " + ms(rep.DurationMs)}
	if rep.InitMs > 0 {
		parts = append(parts, "init "+ms(rep.InitMs))
	}
	parts = append(parts, fmt.Sprintf("mem %d/%d MB", rep.MaxMemoryMB, rep.MemoryMB))
	text := fmt.Sprintf("%-7s %s", KindReport, strings.Join(parts, ", "))
	if rep.Status != "" {
		failure := rep.Status
		if rep.ErrorType != "" {
			failure += " " + rep.ErrorType
		}
		return r.paint(text, sgrDim) + r.paint(", "+failure, sgrRed)
	}
	return r.paint(text, sgrDim)
}

func (r *TextRenderer) consumerColor(name string) string {
	for i, c := range r.Consumers {
		if c == name {
			return consumerColors[i%len(consumerColors)]
		}
	}
	return ""
}

func (r *TextRenderer) paint(s, sgr string) string {
	if !r.Color || sgr == "" {
		return s
	}
	return "\x1b[" + sgr + "m" + s + "\x1b[0m"
}

// ms formats milliseconds with one decimal: "15.8 ms".
func ms(v float64) string { return fmt.Sprintf("%.1f ms", v) }

// JSONRenderer writes one JSON object per event: timestamp (RFC 3339, UTC,
// milliseconds), consumer, logGroup, logStream, eventId, message and kind;
// a handler record's fields (handler.LogRecord: key, action, outcome,
// durationMs, output, error, reason, …) at the top level; a REPORT line's
// fields under "report". It writes every event, START and END included.
type JSONRenderer struct {
	W   io.Writer
	enc *json.Encoder
}

type jsonLine struct {
	Timestamp string `json:"timestamp"`
	Consumer  string `json:"consumer"`
	LogGroup  string `json:"logGroup"`
	LogStream string `json:"logStream"`
	EventID   string `json:"eventId"`
	Message   string `json:"message"`
	Kind      string `json:"kind"`
	*handler.LogRecord
	Report *jsonReport `json:"report,omitempty"`
}

type jsonReport struct {
	RequestID   string  `json:"requestId"`
	DurationMs  float64 `json:"durationMs"`
	InitMs      float64 `json:"initDurationMs,omitempty"`
	MemoryMB    int     `json:"memorySizeMB"`
	MaxMemoryMB int     `json:"maxMemoryUsedMB"`
	Status      string  `json:"status,omitempty"`
	ErrorType   string  `json:"errorType,omitempty"`
}

// Render writes e as one line of JSON.
func (r *JSONRenderer) Render(e Event) error {
	if r.enc == nil {
		r.enc = json.NewEncoder(r.W)
		r.enc.SetEscapeHTML(false)
	}
	line := jsonLine{Timestamp: e.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Consumer: e.Consumer,
		LogGroup: e.LogGroup, LogStream: e.LogStream, EventID: e.EventID, Message: e.Message, Kind: e.Kind,
		LogRecord: e.Record}
	if rep := e.Report; rep != nil {
		line.Report = &jsonReport{RequestID: rep.RequestID, DurationMs: rep.DurationMs, InitMs: rep.InitMs,
			MemoryMB: rep.MemoryMB, MaxMemoryMB: rep.MaxMemoryMB, Status: rep.Status, ErrorType: rep.ErrorType}
	}
	return r.enc.Encode(line)
}
