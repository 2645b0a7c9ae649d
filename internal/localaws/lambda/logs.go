package lambda

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/lambda/runtime"
)

// Log flushing: an instance's lines are sent to the LogSink in batches, at
// the end of each invocation, when maxPending lines are waiting, and
// otherwise flushTimeout after the first waiting line (output between
// invocations).
const (
	maxPending   = 1000
	flushTimeout = 200 * time.Millisecond
	tailBytes    = 4096 // X-Amz-Log-Result carries the last 4 KB of the log
)

// streamName returns a new log stream name of an execution environment,
// YYYY/MM/DD/[$LATEST]<32 hex digits>, as Lambda names them
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
func streamName(now time.Time) string {
	var b [16]byte
	rand.Read(b[:])
	return now.UTC().Format("2006/01/02") + "/[" + versionLatest + "]" + hex.EncodeToString(b[:])
}

// An instanceLog is the log stream of one execution environment. It is
// safe for concurrent use.
type instanceLog struct {
	sink   LogSink // nil discards
	group  string
	stream string
	clock  clock.Clock
	onErr  func(error)

	flushMu sync.Mutex // serialises Append calls so events stay in order

	spare []LogEvent // guarded by flushMu: the last batch's array, for the next one

	mu      sync.Mutex // guards the fields below
	pending []LogEvent
	tail    *bytes.Buffer // the current invocation's log, nil between invocations
	timer   *time.Timer   // armed while lines wait outside an invocation
}

// line records one line of the log.
func (l *instanceLog) line(msg string) {
	l.mu.Lock()
	l.pending = append(l.pending, LogEvent{Timestamp: l.clock.Now(), Message: msg})
	if l.tail != nil {
		l.tail.WriteString(msg)
		l.tail.WriteByte('\n')
	}
	full := len(l.pending) >= maxPending
	if !full && l.tail == nil && l.timer == nil {
		l.timer = time.AfterFunc(flushTimeout, l.flush)
	}
	l.mu.Unlock()
	if full {
		l.flush()
	}
}

// begin starts capturing the log of an invocation and writes its START
// line, unless the invocation has begun already.
func (l *instanceLog) begin(requestID string) {
	l.mu.Lock()
	if l.tail != nil {
		l.mu.Unlock()
		return
	}
	l.tail = new(bytes.Buffer)
	l.mu.Unlock()
	l.line("START RequestId: " + requestID + " Version: " + versionLatest)
}

// end writes the failure's lines and the END and REPORT lines of an
// invocation, flushes the log and returns the invocation's log.
func (l *instanceLog) end(requestID string, memoryMB int32, out *runtime.Outcome) []byte {
	l.begin(requestID) // an invocation that failed before delivery has no START yet
	if out.Err != nil {
		for _, s := range out.Err.LogLines {
			l.line(s)
		}
	}
	l.line("END RequestId: " + requestID)
	l.line(reportLine(requestID, memoryMB, out))
	l.mu.Lock()
	tail := l.tail.Bytes()
	l.tail = nil
	l.mu.Unlock()
	l.flush()
	return tail
}

// reportLine formats Lambda's REPORT line: durations with two decimals,
// billed duration rounded up to the millisecond (including the init phase,
// which Lambda bills for OS-only runtimes), Init Duration on cold starts,
// and the status of a failed environment.
func reportLine(requestID string, memoryMB int32, out *runtime.Outcome) string {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	billed := int64(math.Ceil(ms(out.Duration + out.InitDuration)))
	b := make([]byte, 0, 256)
	b = append(b, "REPORT RequestId: "...)
	b = append(b, requestID...)
	b = append(b, "\tDuration: "...)
	b = strconv.AppendFloat(b, ms(out.Duration), 'f', 2, 64)
	b = append(b, " ms\tBilled Duration: "...)
	b = strconv.AppendInt(b, billed, 10)
	b = append(b, " ms\tMemory Size: "...)
	b = strconv.AppendInt(b, int64(memoryMB), 10)
	b = append(b, " MB\tMax Memory Used: "...)
	b = strconv.AppendInt(b, int64(out.MaxMemoryMB), 10)
	b = append(b, " MB"...)
	if out.InitDuration > 0 {
		b = append(b, "\tInit Duration: "...)
		b = strconv.AppendFloat(b, ms(out.InitDuration), 'f', 2, 64)
		b = append(b, " ms"...)
	}
	if out.Err != nil && out.Err.Fatal {
		if out.Err.Type == runtime.TypeTimeout {
			b = append(b, "\tStatus: timeout"...)
		} else {
			b = append(b, "\tStatus: error\tError Type: "...)
			b = append(b, out.Err.Type...)
		}
	}
	return string(b)
}

// flush sends the waiting lines to the sink.
func (l *instanceLog) flush() {
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	l.mu.Lock()
	events := l.pending
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	if len(events) == 0 {
		l.mu.Unlock()
		return
	}
	l.pending, l.spare = l.spare, nil
	l.mu.Unlock()
	if l.sink != nil {
		if err := l.sink.Append(context.Background(), l.group, l.stream, events); err != nil && l.onErr != nil {
			l.onErr(err)
		}
	}
	// The sink keeps no reference to events (LogSink), so their array
	// holds the next batch.
	clear(events)
	l.spare = events[:0]
}

// tailResult returns the last 4 KB of an invocation's log.
func tailResult(log []byte) []byte {
	if len(log) > tailBytes {
		return log[len(log)-tailBytes:]
	}
	return log
}
