// Package upcmd implements `edasctl up`: create or converge every resource of
// the pipeline.
package upcmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/build"
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

// Options are the inputs of one `edasctl up`.
type Options struct {
	IO         *iostreams.Streams
	JSON       bool
	CI         bool
	Stack      func(context.Context) (*stack.Stack, error)
	Build      func(context.Context, build.Options) (*build.Artifact, error)
	HandlerZip string
	DryRun     bool
	// Timeouts, when set, replaces the provisioner's default wait bounds.
	Timeouts *provision.Timeouts
}

// NewCmd returns the `up` command. runF replaces run in tests.
func NewCmd(d Deps, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: d.IO, CI: d.CI, Stack: d.Stack, Build: build.Package}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Create or converge every resource of the pipeline",
		Long: `Create every resource of the pipeline, or bring existing ones back to the
configuration, in dependency order and in parallel where AWS allows. Only what
differs is changed: a second 'up' makes no mutating call. An interrupted 'up'
is finished by the next one. The handler is built from source for the target
(the host on the local AWS, the configured architecture on AWS), or taken from
--handler-zip.`,
		Example: "  edasctl up --local\n  edasctl up --stack prod --region eu-west-1 -o json\n  edasctl up --dry-run",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON = d.JSON()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.HandlerZip, "handler-zip", "", "deploy this handler zip instead of building one (see 'edasctl package')")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "show what would be created or changed, with the differing fields; change nothing")
	return cmd
}

// report is the -o json document of up.
type report struct {
	Stack      string             `json:"stack"`
	Account    string             `json:"account"`
	Region     string             `json:"region"`
	Local      bool               `json:"local"`
	DryRun     bool               `json:"dryRun,omitempty"`
	DurationMs int64              `json:"durationMs"`
	Resources  []provision.Result `json:"resources"`
	Warnings   []string           `json:"warnings,omitempty"`
	Error      string             `json:"error,omitempty"`
}

func run(ctx context.Context, opts *Options) error {
	start := time.Now()
	st, err := opts.Stack(ctx)
	if err != nil {
		return err
	}
	art, err := artifact(ctx, opts, st)
	if err != nil {
		return err
	}
	plan, err := provision.NewPlan(st.Config, st.Target, art, st.Clients)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	if opts.Timeouts != nil {
		plan.Timeouts = *opts.Timeouts
	}
	progress := render.NewProgress(opts.IO, opts.CI, plan.Label)
	plan.Progress = progress
	var results []provision.Result
	if opts.DryRun {
		results, err = plan.DryRun(ctx)
	} else {
		results, err = plan.Up(ctx)
	}
	progress.Finish()

	rep := report{Stack: st.Config.Stack, Account: st.Target.Account, Region: st.Target.Region, Local: st.Local,
		DryRun: opts.DryRun, DurationMs: time.Since(start).Milliseconds(), Resources: results}
	if err == nil && !opts.DryRun {
		rep.Warnings = plan.Warnings(results)
	}
	if err != nil {
		rep.Error = err.Error()
	}
	if werr := write(opts, rep); werr != nil && err == nil {
		err = werr
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "note: %s\n", w)
	}
	switch {
	case err != nil && errors.Is(err, context.Canceled):
		return err
	case err != nil:
		return cmdutil.WithHint(fmt.Errorf("up: %w", err), "fix the cause and run 'edasctl up' again: it finishes what this run started")
	}
	if !opts.JSON {
		verb := "up to date"
		if opts.DryRun {
			verb = "dry run"
		}
		fmt.Fprintf(opts.IO.ErrOut, "stack %s %s in %s (%s)\n", st.Config.Stack, verb, time.Since(start).Round(time.Millisecond), render.Counts(results))
	}
	return nil
}

func write(opts *Options, rep report) error {
	if opts.JSON {
		return cmdutil.WriteJSON(opts.IO.Out, rep)
	}
	if opts.DryRun {
		return render.Results(opts.IO.Out, wouldBe(rep.Resources))
	}
	return render.Results(opts.IO.Out, rep.Resources)
}

// wouldBe words a dry run's outcomes as intentions for the text table
// ("would create"); -o json keeps the plain outcomes and says dryRun.
func wouldBe(results []provision.Result) []provision.Result {
	out := make([]provision.Result, len(results))
	for i, r := range results {
		switch r.Outcome {
		case provision.Created:
			r.Outcome = "would create"
		case provision.Updated:
			r.Outcome = "would update"
		}
		out[i] = r
	}
	return out
}
