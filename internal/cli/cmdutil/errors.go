// Package cmdutil holds what every verb shares: the error types that tell Main
// which exit code and hint to use.
package cmdutil

import "fmt"

// Exit codes, decided in one place (Main). Scripts may rely on them.
const (
	ExitOK          = 0   // success
	ExitFailure     = 1   // the operation failed (AWS error, build error, …)
	ExitUsage       = 2   // bad flags, arguments or configuration: nothing was attempted
	ExitInterrupted = 130 // cancelled by SIGINT/SIGTERM (128 + SIGINT, as shells report it)
)

// A FlagError is a usage mistake: an unknown or malformed flag or argument.
// Main prints it with a pointer to --help and exits with ExitUsage.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf formats a FlagError.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// A HintError carries a suggestion of what to run next. Main prints the
// error, then the hint on a line of its own.
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

// WithHint attaches hint to err; a nil err stays nil.
func WithHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &HintError{Err: err, Hint: hint}
}

// A UsageError is bad input that is not a flag: an invalid configuration, a
// missing file argument. It exits with ExitUsage, like a FlagError, but
// without the pointer to --help.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }
