package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/iostreams"
)

// Main runs edasctl with args (without the program name) and returns the
// process exit code. It is the only place that maps errors to exit codes and
// prints them; commands return errors and never exit.
//
// SIGINT and SIGTERM cancel the command's context: long operations stop at
// their next call, and Main returns cmdutil.ExitInterrupted.
func Main(args []string, ios *iostreams.Streams) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root := NewRootCmd(NewFactory(ios))
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintln(ios.ErrOut, "interrupted")
		return cmdutil.ExitInterrupted
	}
	return PrintError(ios, err)
}

// PrintError writes err as "error: …" lines (one per joined error) plus its
// hint, and returns the exit code for it.
func PrintError(ios *iostreams.Streams, err error) int {
	for _, line := range errorLines(err) {
		fmt.Fprintf(ios.ErrOut, "error: %s\n", line)
	}
	var flagErr *cmdutil.FlagError
	var hintErr *cmdutil.HintError
	switch {
	case errors.As(err, &flagErr):
		fmt.Fprintln(ios.ErrOut, "Run 'edasctl --help' for usage.")
	case errors.As(err, &hintErr):
		fmt.Fprintf(ios.ErrOut, "hint: %s\n", hintErr.Hint)
	}
	var usageErr *cmdutil.UsageError
	if errors.As(err, &flagErr) || errors.As(err, &usageErr) {
		return cmdutil.ExitUsage
	}
	return cmdutil.ExitFailure
}

// errorLines splits an error joined with errors.Join into its parts, so that
// each problem (for example each invalid configuration key) gets its own line.
func errorLines(err error) []string {
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}
