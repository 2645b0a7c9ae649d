// Package statuscmd implements `edasctl status`: every resource as it really
// is, and each consumer's queue depths, mapping and function state.
package statuscmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
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
	Stack func(context.Context) (*stack.Stack, error)
}

// Options are the inputs of one `edasctl status`.
type Options struct {
	IO       *iostreams.Streams
	JSON     bool
	Stack    func(context.Context) (*stack.Stack, error)
	Watch    bool
	Interval time.Duration
}

// NewCmd returns the `status` command. runF replaces run in tests.
func NewCmd(d Deps, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: d.IO, Stack: d.Stack}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show each resource's state, drift and queue depths",
		Long: `Show every resource of the pipeline as it really is — ok, missing, or drifted
with the reason — and each consumer's queue and dead-letter queue depths
(approximate, as SQS reports them), event source mapping and function state.
Exits non-zero when anything is missing or drifted, so scripts can gate on it.`,
		Example: "  edasctl status\n  edasctl status --watch\n  edasctl status -o json | jq '.resources[] | select(.state != \"ok\")'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON = d.JSON()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Watch, "watch", "w", false, "refresh until interrupted")
	cmd.Flags().DurationVar(&opts.Interval, "interval", 2*time.Second, "refresh interval with --watch")
	return cmd
}

type document struct {
	Stack         string                     `json:"stack"`
	Account       string                     `json:"account"`
	Region        string                     `json:"region"`
	Local         bool                       `json:"local"`
	Healthy       bool                       `json:"healthy"`
	Resources     []provision.Result         `json:"resources"`
	Consumers     []provision.ConsumerStatus `json:"consumers"`
	Notifications provision.Notifications    `json:"notifications"`
}

func run(ctx context.Context, opts *Options) error {
	st, err := opts.Stack(ctx)
	if err != nil {
		return err
	}
	plan, err := provision.NewPlan(st.Config, st.Target, nil, st.Clients)
	if err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	for {
		rep, err := plan.Status(ctx)
		doc := document{Stack: st.Config.Stack, Account: st.Target.Account, Region: st.Target.Region, Local: st.Local,
			Healthy: err == nil && rep.Healthy(), Resources: rep.Resources, Consumers: rep.Consumers, Notifications: rep.Notifications}
		if opts.Watch && opts.IO.IsStdoutTTY() && !opts.JSON {
			fmt.Fprint(opts.IO.Out, "\x1b[H\x1b[2J")
		}
		if werr := write(opts, doc); werr != nil {
			return werr
		}
		if !opts.Watch {
			if err != nil {
				return fmt.Errorf("status: %w", err)
			}
			return verdict(doc)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(opts.Interval):
		}
	}
}

// verdict is nil for a healthy stack, else an error counting what is wrong.
func verdict(doc document) error {
	if doc.Healthy {
		return nil
	}
	missing, drifted := 0, 0
	for _, r := range doc.Resources {
		switch r.State {
		case provision.Missing:
			missing++
		case provision.Drifted:
			drifted++
		}
	}
	hint := "run 'edasctl up' to create what is missing and repair what drifted"
	if missing == len(doc.Resources) {
		hint = "the stack is not deployed; run 'edasctl up'"
	}
	return cmdutil.WithHint(fmt.Errorf("stack %s is not healthy: %d missing, %d drifted", doc.Stack, missing, drifted), hint)
}

func write(opts *Options, doc document) error {
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		if !opts.Watch {
			enc.SetIndent("", "  ")
		}
		return enc.Encode(doc)
	}
	return Render(opts.IO.Out, provision.StatusReport{Resources: doc.Resources, Consumers: doc.Consumers, Notifications: doc.Notifications})
}

// Render writes a status report as text: one row per resource, then each
// consumer's live figures.
func Render(w io.Writer, rep provision.StatusReport) error {
	if err := render.Results(w, rep.Resources); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if err := consumers(w, rep.Consumers); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\n"+armed(rep.Notifications))
	return err
}

// armed says whether S3 notifications are known to flow (AWS-RULES S7, S8).
func armed(n provision.Notifications) string {
	if n.Armed {
		return "notifications: armed (S3 test event processed at " + n.TestEventAt.Local().Format("2006-01-02 15:04:05") + ")"
	}
	return "notifications: not armed yet (no S3 test event processed; on AWS this can take about 5 minutes after up)"
}

// consumers writes each consumer's live figures. Queue counts are SQS's
// approximate counters (AWS-RULES Q7), hence the "~".
func consumers(w io.Writer, cs []provision.ConsumerStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONSUMER\tQUEUE ~visible/in-flight\tDLQ ~visible\tMAPPING\tLAST RESULT\tFUNCTION")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, depth(c.Queue), dlq(c.DLQ), orDash(c.Mapping.State), orDash(c.Mapping.LastProcessingResult), orDash(c.Function.State))
	}
	return tw.Flush()
}

func depth(q provision.QueueDepth) string {
	if !q.Exists {
		return "-"
	}
	return fmt.Sprintf("%d/%d", q.Visible, q.InFlight)
}

func dlq(q provision.QueueDepth) string {
	if !q.Exists {
		return "-"
	}
	return fmt.Sprint(q.Visible)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
