package runtime

import (
	"bytes"
	"errors"
	"os"
	"sync"
	"time"
)

// maxLine is the longest log event a line becomes; longer lines are split,
// as Lambda splits output into events of at most 256 KB
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
const maxLine = 256 << 10

// An outputReader turns what a process writes to its stdout and stderr (one
// pipe, as Lambda merges them) into lines, and lets the invoker wait until
// everything written so far has been turned into lines (Sync), so that a
// function's output lands between the START and END lines of its
// invocation even though it reaches the log through a pipe.
type outputReader struct {
	f    *os.File
	emit func(string)
	done chan struct{} // closed at end of file, after the last line

	mu      sync.Mutex      // guards waiters
	waiters []chan struct{} // Sync calls waiting for the next drain
	partial []byte          // owned by run
}

func newOutputReader(f *os.File, emit func(string)) *outputReader {
	return &outputReader{f: f, emit: emit, done: make(chan struct{})}
}

// run reads until end of file. It is the only reader of f.
func (o *outputReader) run() {
	defer close(o.done)
	defer o.f.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := o.f.Read(buf)
		o.split(buf[:n])
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			o.drain(buf)
		case err != nil:
			o.flushPartial()
			o.release(o.takeWaiters())
			return
		}
	}
}

// drain answers the Sync calls registered so far: it reads whatever the
// pipe holds at this moment (pendingBytes never blocks) and then releases
// them, since every byte written before they were registered is now a line.
func (o *outputReader) drain(buf []byte) {
	o.mu.Lock()
	waiters := o.takeWaiters()
	o.f.SetReadDeadline(time.Time{})
	o.mu.Unlock()
	for {
		n := pendingBytes(o.f)
		if n <= 0 {
			break
		}
		got, err := o.f.Read(buf[:min(n, len(buf))])
		o.split(buf[:got])
		if err != nil {
			break
		}
	}
	o.release(waiters)
}

func (o *outputReader) takeWaiters() []chan struct{} {
	w := o.waiters
	o.waiters = nil
	return w
}

func (o *outputReader) release(waiters []chan struct{}) {
	for _, w := range waiters {
		close(w)
	}
}

// split emits each complete line of p (without its newline and a trailing
// carriage return) and keeps the rest for the next read.
func (o *outputReader) split(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			o.partial = append(o.partial, p...)
			for len(o.partial) >= maxLine {
				o.emit(string(o.partial[:maxLine]))
				o.partial = append(o.partial[:0], o.partial[maxLine:]...)
			}
			return
		}
		line := append(o.partial, p[:i]...)
		o.partial = o.partial[:0]
		p = p[i+1:]
		line = bytes.TrimSuffix(line, []byte("\r"))
		for len(line) > maxLine {
			o.emit(string(line[:maxLine]))
			line = line[maxLine:]
		}
		o.emit(string(line))
	}
}

func (o *outputReader) flushPartial() {
	if len(o.partial) > 0 {
		o.emit(string(o.partial))
		o.partial = nil
	}
}

// Sync returns once every complete line the process wrote before the call
// has been emitted, the pipe has closed, or max has passed (on platforms
// where a pipe cannot be polled, it returns at once).
func (o *outputReader) Sync(max time.Duration) {
	w := make(chan struct{})
	o.mu.Lock()
	select {
	case <-o.done:
		o.mu.Unlock()
		return
	default:
	}
	// A deadline in the past wakes the blocked Read in run, which then
	// drains the pipe and releases w.
	if err := o.f.SetReadDeadline(time.Unix(1, 0)); err != nil {
		o.mu.Unlock()
		return
	}
	o.waiters = append(o.waiters, w)
	o.mu.Unlock()
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-w:
	case <-o.done:
	case <-t.C:
	}
}
