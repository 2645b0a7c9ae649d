package build

import (
	"errors"
	"strings"
)

// ErrNoToolchain is returned (possibly wrapped) when no go command can be
// found to compile the handler. Match it with errors.Is.
var ErrNoToolchain = errors.New("no Go toolchain found to build the handler; install Go 1.26+ or pass --handler-zip FILE")

// ErrNoSource is matched, with errors.Is, by every *SourceError: the source
// of the handler could not be found or fetched.
var ErrNoSource = errors.New("cannot find the edasctl source to build the handler")

// A SourceError reports that LocateSource found no source to build. Its
// message says what was tried and how to get past it; errors.Is(err,
// ErrNoSource) holds for it.
type SourceError struct {
	// Tried says, in a few words, where the source was looked for, e.g.
	// "not in a clone, and the binary has no module version".
	Tried string
	// Err is the underlying failure, if one caused this (e.g. a failed
	// `go mod download`); it may be nil.
	Err error
}

func (e *SourceError) Error() string {
	return ErrNoSource.Error() + " (" + e.Tried + "); run from a clone, or pass --handler-zip FILE"
}

// Is reports whether target is ErrNoSource.
func (e *SourceError) Is(target error) bool { return target == ErrNoSource }

// Unwrap returns the underlying failure, if any.
func (e *SourceError) Unwrap() error { return e.Err }

// A CommandError reports a go command that failed, with the end of what it
// printed (for `go build`, the compiler's messages).
type CommandError struct {
	// Command is the go command and subcommand, e.g. "go build".
	Command string
	// Output is the tail of the command's standard error (or standard output
	// when it wrote nothing to standard error), at most outputTailBytes.
	Output string
	// Err is the *exec.ExitError, or the reason the command could not run.
	Err error
}

func (e *CommandError) Error() string {
	if e.Output == "" {
		return e.Command + ": " + e.Err.Error()
	}
	return e.Command + ": " + e.Err.Error() + "\n" + e.Output
}

// Unwrap returns the exit or start error.
func (e *CommandError) Unwrap() error { return e.Err }

// outputTailBytes bounds the command output kept in a CommandError: enough
// for a screenful of compiler errors, not a whole dependency download log.
const outputTailBytes = 4 << 10

// tail returns the last outputTailBytes of out, cut at a line start, without
// trailing white space.
func tail(out []byte) string {
	s := strings.TrimRight(string(out), " \t\r\n")
	if len(s) <= outputTailBytes {
		return s
	}
	s = s[len(s)-outputTailBytes:]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return "…\n" + s
}
