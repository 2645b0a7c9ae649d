// Package tailcmd implements `edasctl tail`: every consumer's function logs,
// merged in time order, the handler's record lines rendered readably, once
// or followed.
package tailcmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/iostreams"
)

// Deps are what the command takes from the root.
type Deps struct {
	IO    *iostreams.Streams
	JSON  func() bool
	Stack func(context.Context) (*stack.Stack, error)
}

// Options are the inputs of one `edasctl tail`.
type Options struct {
	IO        *iostreams.Streams
	JSON      bool
	Stack     func(context.Context) (*stack.Stack, error)
	Follow    bool
	Since     Since
	Filter    string   // a CloudWatch Logs filter pattern
	Consumers []string // empty: all
	Raw       bool

	// Logs replaces the CloudWatch Logs client built from the stack's
	// aws.Config (tests).
	Logs logsAPI
	// Interval is the pause between polls when following; zero means 200 ms
	// on the local AWS and 1 s on AWS.
	Interval time.Duration
	// Lookback is how far before the newest event seen a poll starts, at
	// least (see source); zero means 5 s on the local AWS and 10 s on AWS.
	Lookback time.Duration
	// PageLimit caps the events per FilterLogEvents page; zero means the
	// service's default (10,000).
	PageLimit int32
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Location is the time zone of the text output; nil means time.Local.
	Location *time.Location
}

// NewCmd returns the `tail` command. runF replaces run in tests.
func NewCmd(d Deps, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: d.IO, Stack: d.Stack}
	_ = opts.Since.Set("10m")
	cmd := &cobra.Command{
		Use:   "tail",
		Short: "Follow every consumer's logs, merged in time order",
		Long: `Print the consumers' function logs from their log groups, merged in time
order and prefixed with the consumer. The handler's line for each record is
shown as its outcome, key, output or error and duration; Lambda's REPORT line
as a one-line summary, its START and END lines are hidden (--raw shows every
line as it was written). With --follow, new lines are printed as they arrive
until interrupted; a consumer that has not run yet is waited for.

--filter takes a CloudWatch Logs filter pattern, applied by the service:
a term ("timeout"), or a JSON condition on the handler's fields
('{ $.outcome = "error" }', '{ $.key = "uploads/cat.jpg" }').

-o json prints one object per line: timestamp, consumer, logGroup, logStream,
eventId, message, kind (record, start, end, report, init, line) and, for the
handler's lines, its fields (key, action, outcome, durationMs, output, error,
reason, …).`,
		Example: `  edasctl tail -f
  edasctl tail --since 1h --filter '{ $.outcome = "error" }'
  edasctl tail --consumer thumbnail --since 2026-11-28T12:00:00Z
  edasctl tail -o json | jq -r 'select(.outcome == "error") | .key'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON = d.JSON()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.Follow, "follow", "f", false, "keep printing new lines until interrupted")
	f.Var(&opts.Since, "since", "start of the window: a duration before now (10m, 1h, 2d) or an ISO 8601 time")
	f.StringVar(&opts.Filter, "filter", "", "CloudWatch Logs filter pattern, e.g. '{ $.outcome = \"error\" }'")
	f.StringArrayVar(&opts.Consumers, "consumer", nil, "only this consumer's logs (repeatable)")
	f.BoolVar(&opts.Raw, "raw", false, "print every line as written, START/END/REPORT included")
	return cmd
}

// Run runs tail with opts, for other verbs that show the logs (demo): with
// Follow it returns nil once ctx ends. opts.IO and opts.Stack must be set; a
// zero opts.Since starts the window when Run is called.
func Run(ctx context.Context, opts *Options) error { return run(ctx, opts) }

func run(ctx context.Context, opts *Options) error {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	started := now()
	st, err := opts.Stack(ctx)
	if err != nil {
		return err
	}
	consumers, err := selectConsumers(st.Config, opts.Consumers)
	if err != nil {
		return err
	}
	targets, err := resolveTargets(ctx, st.Clients.Lambda, st.Config, consumers)
	if err != nil {
		return fmt.Errorf("tail: %w", err)
	}
	api := opts.Logs
	if api == nil {
		api = cloudwatchlogs.NewFromConfig(st.AWS)
	}
	interval, lookback := pace(st.Local)
	if opts.Interval > 0 {
		interval = opts.Interval
	}
	if opts.Lookback > 0 {
		lookback = opts.Lookback
	}
	for _, t := range targets {
		if !t.deployed {
			fmt.Fprintf(opts.IO.ErrOut, "note: function %s does not exist: run 'edasctl up' first\n", t.function)
		}
	}
	sources := make([]*source, len(targets))
	for i, t := range targets {
		sources[i] = newSource(t, api, opts.Filter, opts.PageLimit, opts.Since.Start(started), lookback)
	}
	r := newRenderer(opts, consumers)

	if !opts.Follow {
		end := started.UnixMilli()
		return explain(poll(ctx, sources, &end, r.Render), opts.Filter)
	}
	return explain(follow(ctx, opts.IO.ErrOut, sources, r, interval), opts.Filter)
}

// pace returns the default poll interval and lookback: a line must reach
// the screen within 0.5 s on the local AWS, whose log events are visible
// when an invocation ends; on AWS, where delivery to CloudWatch Logs takes
// seconds, one poll a second keeps within FilterLogEvents' request quota
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html).
func pace(local bool) (interval, lookback time.Duration) {
	if local {
		return 200 * time.Millisecond, 5 * time.Second
	}
	return time.Second, 10 * time.Second
}

// newRenderer returns the renderer -o and the streams ask for. Text is
// coloured when stdout is a terminal and colour is enabled (NO_COLOR unset).
func newRenderer(opts *Options, consumers []string) Renderer {
	if opts.JSON {
		return &JSONRenderer{W: opts.IO.Out}
	}
	width := 0
	for _, c := range consumers {
		width = max(width, len(c))
	}
	return &TextRenderer{W: opts.IO.Out, Raw: opts.Raw, Color: opts.IO.IsStdoutTTY() && opts.IO.ColorEnabled(),
		Width: width, Location: opts.Location, Consumers: consumers}
}

// explain turns a filter pattern CloudWatch Logs refuses into a usage error
// and wraps any other error.
func explain(err error, filter string) error {
	var invalid *logstypes.InvalidParameterException
	switch {
	case err == nil:
		return nil
	case filter != "" && errors.As(err, &invalid):
		return &cmdutil.UsageError{Err: fmt.Errorf("invalid --filter %q: %s", filter, invalid.ErrorMessage())}
	}
	return fmt.Errorf("tail: %w", err)
}
