// Package downcmd implements `edasctl down`: delete every resource the stack
// owns, in reverse dependency order, from any partial state.
package downcmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/render"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/provision"
)

// Deps are what the command takes from the root.
type Deps struct {
	IO    *iostreams.Streams
	JSON  func() bool
	CI    bool
	Stack func(context.Context) (*stack.Stack, error)
}

// Options are the inputs of one `edasctl down`.
type Options struct {
	IO         *iostreams.Streams
	JSON       bool
	CI         bool
	Stack      func(context.Context) (*stack.Stack, error)
	Yes        bool
	KeepBucket bool
	KeepLogs   bool
}

// NewCmd returns the `down` command. runF replaces run in tests.
func NewCmd(d Deps, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: d.IO, CI: d.CI, Stack: d.Stack}
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Delete every resource the stack owns, in reverse dependency order",
		Long: `Delete the pipeline: event source mappings first, then functions, the
bucket's notification, subscriptions, queues, roles, log groups, the topic and
finally the bucket with every object version. Only resources tagged for this
stack are deleted; a same-named resource without the tag is reported and kept.
It works from any partial state, and a second 'down' is a successful no-op.
When the bucket holds objects and stdin is a terminal, it asks first.`,
		Example: "  edasctl down --local\n  edasctl down --yes --keep-bucket -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON = d.JSON()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask before deleting a bucket that holds objects")
	cmd.Flags().BoolVar(&opts.KeepBucket, "keep-bucket", false, "keep the bucket and its objects")
	cmd.Flags().BoolVar(&opts.KeepLogs, "keep-logs", false, "keep the functions' log groups")
	return cmd
}

type report struct {
	Stack      string             `json:"stack"`
	Account    string             `json:"account"`
	Region     string             `json:"region"`
	Local      bool               `json:"local"`
	DurationMs int64              `json:"durationMs"`
	Resources  []provision.Result `json:"resources"`
	Error      string             `json:"error,omitempty"`
}

// errDeclined is returned when the user answers no.
var errDeclined = errors.New("down: cancelled; nothing was deleted")

func run(ctx context.Context, opts *Options) error {
	start := time.Now()
	st, err := opts.Stack(ctx)
	if err != nil {
		return err
	}
	plan, err := provision.NewPlan(st.Config, st.Target, nil, st.Clients)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	plan.KeepBucket, plan.KeepLogs = opts.KeepBucket, opts.KeepLogs
	if !opts.Yes && !opts.KeepBucket && opts.IO.IsStdinTTY() {
		if err := confirm(ctx, opts, plan); err != nil {
			return err
		}
	}
	progress := render.NewProgress(opts.IO, opts.CI, plan.Label)
	plan.Progress = progress
	results, err := plan.Down(ctx)
	progress.Finish()

	rep := report{Stack: st.Config.Stack, Account: st.Target.Account, Region: st.Target.Region, Local: st.Local,
		DurationMs: time.Since(start).Milliseconds(), Resources: results}
	if err != nil {
		rep.Error = err.Error()
	}
	var werr error
	if opts.JSON {
		werr = cmdutil.WriteJSON(opts.IO.Out, rep)
	} else {
		werr = render.Results(opts.IO.Out, results)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return cmdutil.WithHint(fmt.Errorf("down: %w", err), "run 'edasctl down' again: it continues from where it stopped")
	}
	if !opts.JSON {
		fmt.Fprintf(opts.IO.ErrOut, "stack %s removed in %s (%s)\n", st.Config.Stack, time.Since(start).Round(time.Millisecond), render.Counts(results))
	}
	return werr
}

// confirm asks before deleting a bucket that holds objects.
func confirm(ctx context.Context, opts *Options, plan *provision.Plan) error {
	has, err := plan.BucketHasObjects(ctx)
	if err != nil || !has {
		return nil // an unreadable or absent bucket is down's business, not the prompt's
	}
	fmt.Fprintf(opts.IO.ErrOut, "bucket %s holds objects; delete them and the bucket? [y/N] ", plan.BucketName())
	answer, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	return cmdutil.WithHint(errDeclined, "pass --keep-bucket to remove everything else, or --yes to skip this question")
}
