// Package iostreams carries the standard streams of one edasctl invocation and
// what is known about them (terminal or not, colour or not).
//
// Data goes to Out, everything else (progress, warnings, errors) to ErrOut, so
// that `edasctl status -o json | jq` always sees clean data.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"sync"
)

// Streams are the standard streams of one command invocation.
// The zero value is not usable; build one with System or Test.
type Streams struct {
	In     io.Reader
	Out    io.Writer // data: tables, JSON, records
	ErrOut io.Writer // progress, warnings, errors

	inTTY, outTTY, errTTY bool
	color                 bool
}

// System returns the process's standard streams. Terminal detection uses the
// file mode of stdout and stderr; colour is on only when stderr is a terminal,
// NO_COLOR is unset (https://no-color.org) and TERM is not "dumb".
func System() *Streams {
	s := &Streams{
		In:     os.Stdin,
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		inTTY:  isTerminal(os.Stdin),
		outTTY: isTerminal(os.Stdout),
		errTTY: isTerminal(os.Stderr),
	}
	_, noColor := os.LookupEnv("NO_COLOR")
	s.color = s.errTTY && !noColor && os.Getenv("TERM") != "dumb"
	return s
}

// Test returns Streams backed by buffers, none of them a terminal, and the
// buffers for stdin, stdout and stderr.
func Test() (s *Streams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &Streams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdinTTY reports whether In is a terminal, i.e. a person can answer a
// question.
func (s *Streams) IsStdinTTY() bool { return s.inTTY }

// SetStdinTTY overrides stdin terminal detection (tests of prompts).
func (s *Streams) SetStdinTTY(on bool) { s.inTTY = on }

// IsStdoutTTY reports whether Out is a terminal.
func (s *Streams) IsStdoutTTY() bool { return s.outTTY }

// IsStderrTTY reports whether ErrOut is a terminal. Live progress (spinners,
// bars) is drawn only then, and never when the CI environment variable is set.
func (s *Streams) IsStderrTTY() bool { return s.errTTY }

// ColorEnabled reports whether ErrOut may carry ANSI colour.
func (s *Streams) ColorEnabled() bool { return s.color }

// SetTTY overrides terminal detection; tests use it to exercise TTY rendering.
func (s *Streams) SetTTY(stdout, stderr bool) { s.outTTY, s.errTTY = stdout, stderr }

// SetColorEnabled overrides colour detection.
func (s *Streams) SetColorEnabled(on bool) { s.color = on }

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// WithSharedErrOut returns a copy of s whose ErrOut serializes writes, for
// a command whose goroutines all report on stderr at once (demo: its
// progress and the consumers' log lines). Each Write reaches the
// underlying writer whole, one at a time.
func (s *Streams) WithSharedErrOut() *Streams {
	c := *s
	c.ErrOut = &lockedWriter{w: s.ErrOut}
	return &c
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
