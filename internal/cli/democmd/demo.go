// Package democmd implements `edasctl demo`: the whole loop on a throwaway
// local AWS — start it, deploy the pipeline, upload sample files, show the
// consumers at work and their outputs, print status, and clean up.
package democmd

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/awsenv"
	"github.com/edasctl/edasctl/internal/build"
	"github.com/edasctl/edasctl/internal/cli/render"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/cli/statuscmd"
	"github.com/edasctl/edasctl/internal/cli/tailcmd"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/provision"
)

// samples are uploaded by the demo: three images (JPEG, PNG, GIF) and a
// text file, so both consumers and the thumbnail filter policy show.
//
//go:embed samples
var samples embed.FS

// Deps are what the command takes from the root.
type Deps struct {
	IO *iostreams.Streams
	CI bool
}

// Options are the inputs of one demo.
type Options struct {
	IO      *iostreams.Streams
	CI      bool
	Keep    bool
	Timeout time.Duration // how long to wait for the consumers' outputs
	Build   func(context.Context, build.Options) (*build.Artifact, error)
	Samples fs.FS // files to upload (default: the embedded samples)
}

// NewCmd returns the `demo` command. runF replaces run in tests.
func NewCmd(d Deps, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: d.IO, CI: d.CI, Timeout: 60 * time.Second, Build: build.Package}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole loop on a throwaway local AWS: up, upload, watch, down",
		Long: `Start the built-in local AWS on a free loopback port with a temporary data
directory, deploy the pipeline (building the handler for this machine), upload
sample images and a text file, show the consumers' log lines and outputs as
they arrive, print the status, then remove everything. No AWS account, no
Docker, no set-up. With --keep the local AWS keeps running, with the pipeline
deployed, and the demo says how to reach it.`,
		Example: "  edasctl demo\n  edasctl demo --keep",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "leave the local AWS running with the pipeline deployed")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", opts.Timeout, "how long to wait for the consumers' outputs")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	start := time.Now()
	if opts.Samples == nil {
		sub, err := fs.Sub(samples, "samples")
		if err != nil {
			return err
		}
		opts.Samples = sub
	}
	// The demo's progress and the consumers' log lines (a tail goroutine)
	// share stderr.
	ios := opts.IO.WithSharedErrOut()
	say := func(format string, args ...any) { fmt.Fprintf(ios.ErrOut, "▶ "+format+"\n", args...) }

	say("starting the local AWS…")
	local, err := startLocal(ctx, opts.Keep)
	if err != nil {
		return err
	}
	cleanup := func() {
		if !opts.Keep {
			local.stop()
		}
	}
	defer cleanup()
	say("local AWS on %s (state in %s)", local.endpoint, local.dir)

	awsCfg, err := awsenv.Load(ctx, awsenv.Options{EndpointURL: local.endpoint})
	if err != nil {
		return err
	}
	cfg := config.Default()
	clients := provision.NewClients(awsCfg)
	target, err := provision.ResolveTarget(ctx, clients.STS, awsCfg.Region, true)
	if err != nil {
		return err
	}

	say("building the handler for this machine…")
	art, err := opts.Build(ctx, build.Options{Arch: build.ArchHost, Log: ios.ErrOut})
	if err != nil {
		return fmt.Errorf("build the handler: %w", err)
	}
	plan, err := provision.NewPlan(cfg, target, art, clients)
	if err != nil {
		return err
	}
	say("deploying stack %s…", cfg.Stack)
	progress := render.NewProgress(ios, opts.CI, plan.Label)
	plan.Progress = progress
	results, err := plan.Up(ctx)
	progress.Finish()
	if err != nil {
		return fmt.Errorf("up: %w", err)
	}
	say("deployed %d resources (%s)", len(results), render.Counts(results))

	// The consumers' log lines stream to stderr while the demo waits for
	// their outputs, rendered as `edasctl tail -f` renders them.
	tailCtx, stopTail := context.WithCancel(ctx)
	tailDone := make(chan error, 1)
	st := &stack.Stack{Config: cfg, AWS: awsCfg, Clients: clients, Target: target, Local: true}
	go func() {
		logIO := &iostreams.Streams{In: ios.In, Out: ios.ErrOut, ErrOut: io.Discard}
		tailDone <- tailcmd.Run(tailCtx, &tailcmd.Options{IO: logIO, Follow: true,
			Stack: func(context.Context) (*stack.Stack, error) { return st, nil }})
	}()
	w := newWatcher(awsCfg, cfg, target, ios)
	uploads, err := w.upload(ctx, opts.Samples)
	if err == nil {
		say("uploaded %d files; the consumers at work:", len(uploads))
		err = w.await(ctx, uploads, opts.Timeout)
	}
	if err == nil {
		// The last lines are written when the last invocations end; give
		// the tail two polls to show them.
		time.Sleep(500 * time.Millisecond)
	}
	stopTail()
	if terr := <-tailDone; terr != nil && err == nil {
		err = fmt.Errorf("follow the logs: %w", terr)
	}
	if err != nil {
		return err
	}

	rep, err := plan.Status(ctx)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	fmt.Fprintln(ios.Out)
	if err := statuscmd.Render(ios.Out, rep); err != nil {
		return err
	}
	fmt.Fprintln(ios.Out)
	if err := w.listOutputs(ctx); err != nil {
		return err
	}

	if opts.Keep {
		fmt.Fprintf(ios.ErrOut, `
The local AWS keeps running with the pipeline deployed (pid %d, state in %s):
  edasctl --endpoint-url %s status
  aws --endpoint-url %s s3 ls s3://%s --recursive
  edasctl local stop --data-dir %s     # when you are done
`, local.pid, local.dir, local.endpoint, local.endpoint, w.bucket, local.dir)
		return nil
	}
	say("removing the stack…")
	if _, err := plan.Down(ctx); err != nil {
		return fmt.Errorf("down: %w", err)
	}
	say("done in %s; the local AWS and its data are gone", time.Since(start).Round(100*time.Millisecond))
	return nil
}
