// Package redrivecmd implements `edasctl redrive`: move each consumer's
// dead-letter queue messages back to its queue with an SQS message move
// task, and watch it to the end.
package redrivecmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/spf13/cobra"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/iostreams"
)

// Deps are what the command takes from the root.
type Deps struct {
	IO    *iostreams.Streams
	JSON  func() bool
	CI    bool
	Stack func(context.Context) (*stack.Stack, error)
}

// Options are the inputs of one `edasctl redrive`.
type Options struct {
	IO    *iostreams.Streams
	JSON  bool
	CI    bool
	Stack func(context.Context) (*stack.Stack, error)
	// Consumer limits the redrive to one consumer; "" means all.
	Consumer string
	// SQS builds the client; nil means sqs.NewFromConfig.
	SQS func(aws.Config) sqsAPI
	// PollInterval is how often a running task is checked; 0 means 100 ms
	// on the local AWS and 2 s on AWS.
	PollInterval time.Duration
}

// NewCmd returns the `redrive` command. runF replaces run in tests.
func NewCmd(d Deps, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: d.IO, CI: d.CI, Stack: d.Stack}
	cmd := &cobra.Command{
		Use:   "redrive",
		Short: "Move dead-lettered messages back to their consumer's queue",
		Long: `Move every message of each consumer's dead-letter queue back to the
consumer's queue with an SQS message move task, and show its progress until it
completes. A DLQ that is empty is reported and left alone (exit 0: nothing is
wrong). A DLQ that already has a move task running is refused (exit 1) with
that task's progress: wait for it, or cancel it with
'aws sqs cancel-message-move-task'. Exits non-zero when a move fails or is
cancelled.`,
		Example: "  edasctl redrive\n  edasctl redrive --consumer catalog\n  edasctl redrive -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON = d.JSON()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Consumer, "consumer", "", "redrive only this consumer's DLQ")
	return cmd
}

// A Result is one consumer's redrive; the -o json document lists them.
type Result struct {
	Consumer string `json:"consumer"`
	DLQ      string `json:"dlq"`
	Queue    string `json:"queue"`
	// Status is one of the Status constants.
	Status string `json:"status"`
	// Moved and ToMove are the task's approximate counts; ToMove is the
	// DLQ's depth when the task started.
	Moved         int64  `json:"moved"`
	ToMove        int64  `json:"toMove"`
	FailureReason string `json:"failureReason,omitempty"`
	// TaskHandle identifies a task still running, for
	// 'aws sqs cancel-message-move-task --task-handle'.
	TaskHandle string `json:"taskHandle,omitempty"`
}

type document struct {
	Stack     string   `json:"stack"`
	Consumers []Result `json:"consumers"`
}

// A target is one consumer's pair of queues.
type target struct {
	consumer   string
	dlq, queue queueInfo
}

func run(ctx context.Context, opts *Options) error {
	st, err := opts.Stack(ctx)
	if err != nil {
		return err
	}
	consumers, err := selectConsumers(st.Config, opts.Consumer)
	if err != nil {
		return err
	}
	newSQS := opts.SQS
	if newSQS == nil {
		newSQS = func(cfg aws.Config) sqsAPI { return sqs.NewFromConfig(cfg) }
	}
	api := newSQS(st.AWS)
	interval := opts.PollInterval
	switch {
	case interval > 0:
	case st.Local:
		interval = 100 * time.Millisecond
	default:
		interval = 2 * time.Second
	}

	targets, results, err := inspect(ctx, api, st.Config, consumers)
	if err != nil {
		return err
	}
	doc := document{Stack: st.Config.Stack, Consumers: results}
	if err := refuseBusy(results); err != nil {
		return errors.Join(write(opts, doc), err)
	}
	var startErrs []error
	for i, t := range targets {
		r := &doc.Consumers[i]
		if r.Status == StatusEmpty {
			fmt.Fprintf(opts.IO.ErrOut, "dlq %s is empty: nothing to redrive\n", t.dlq.Name)
			continue
		}
		handle, err := startMove(ctx, api, t.dlq, t.queue)
		if isTaskRunning(err) {
			// UnsupportedOperation also refuses sources that cannot be
			// redriven at all: call it busy only when a task is active.
			if task, lerr := latestTask(ctx, api, t.dlq.ARN); lerr == nil && task != nil && active(aws.ToString(task.Status)) {
				r.apply(task)
				r.Status = StatusBusy
				return errors.Join(write(opts, doc), refuseBusy(doc.Consumers))
			}
		}
		if err != nil {
			// Moves already started keep running: watch and report them,
			// then fail with this error.
			r.Status, r.FailureReason = StatusFailed, err.Error()
			startErrs = append(startErrs, fmt.Errorf("redrive %s: %w", t.dlq.Name, err))
			continue
		}
		r.Status, r.TaskHandle = StatusRunning, handle
	}
	werr := watch(ctx, api, opts, targets, doc.Consumers, interval)
	if err := write(opts, doc); err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	if len(startErrs) > 0 {
		return errors.Join(startErrs...)
	}
	return verdict(doc.Consumers)
}

// selectConsumers returns the consumers to redrive: all, or the one named.
func selectConsumers(cfg *config.Config, name string) ([]config.Consumer, error) {
	if name == "" {
		return cfg.Consumers, nil
	}
	names := make([]string, 0, len(cfg.Consumers))
	for _, c := range cfg.Consumers {
		if c.Name == name {
			return []config.Consumer{c}, nil
		}
		names = append(names, c.Name)
	}
	return nil, cmdutil.FlagErrorf("unknown consumer %q for --consumer: stack %s has %s", name, cfg.Stack, strings.Join(names, ", "))
}

// inspect finds each consumer's queue and DLQ, the DLQ's depth and its
// latest move task. A result is StatusBusy when that task is active,
// StatusEmpty when the DLQ has no visible message, else it has the status
// "" (to start).
func inspect(ctx context.Context, api sqsAPI, cfg *config.Config, consumers []config.Consumer) ([]target, []Result, error) {
	targets := make([]target, 0, len(consumers))
	results := make([]Result, 0, len(consumers))
	for _, c := range consumers {
		dlq, err := describeQueue(ctx, api, cfg.DLQName(c.Name))
		if err != nil {
			return nil, nil, err
		}
		queue, err := describeQueue(ctx, api, cfg.QueueName(c.Name))
		if err != nil {
			return nil, nil, err
		}
		r := Result{Consumer: c.Name, DLQ: dlq.Name, Queue: queue.Name, ToMove: dlq.Visible}
		task, err := latestTask(ctx, api, dlq.ARN)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case task != nil && active(aws.ToString(task.Status)):
			r.apply(task)
			r.Status = StatusBusy
		case dlq.Visible == 0:
			r.Status = StatusEmpty
		}
		targets = append(targets, target{consumer: c.Name, dlq: dlq, queue: queue})
		results = append(results, r)
	}
	return targets, results, nil
}

// refuseBusy returns the refusal for the DLQs that already have a task
// running, with the running task's progress, or nil when there is none.
func refuseBusy(results []Result) error {
	var errs []error
	var handles []string
	for _, r := range results {
		if r.Status == StatusBusy {
			errs = append(errs, fmt.Errorf("dlq %s already has a message move task running (%d of %d moved)", r.DLQ, r.Moved, r.ToMove))
			handles = append(handles, r.TaskHandle)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	handle := "<handle>"
	if len(errs) == 1 && handles[0] != "" {
		handle = "'" + handles[0] + "'"
	}
	return cmdutil.WithHint(errors.Join(errs...), fmt.Sprintf(
		"wait for it to finish ('edasctl status' shows the DLQ depth), or cancel it with 'aws sqs cancel-message-move-task --task-handle %s'", handle))
}

// verdict is nil when every started task completed.
func verdict(results []Result) error {
	var errs []error
	for _, r := range results {
		switch r.Status {
		case StatusFailed:
			errs = append(errs, fmt.Errorf("redrive %s: the move task failed after %d of %d messages: %s", r.DLQ, r.Moved, r.ToMove, r.FailureReason))
		case StatusCancelled:
			errs = append(errs, fmt.Errorf("redrive %s: the move task was cancelled after %d of %d messages", r.DLQ, r.Moved, r.ToMove))
		}
	}
	return errors.Join(errs...)
}

func write(opts *Options, doc document) error {
	if opts.JSON {
		return cmdutil.WriteJSON(opts.IO.Out, doc)
	}
	return writeText(opts.IO.Out, doc.Consumers)
}
