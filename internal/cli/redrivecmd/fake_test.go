package redrivecmd

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/iostreams"
)

// fakeSQS serves the default stack's four queues. depth is each queue's
// visible count; tasks[dlqARN] is what ListMessageMoveTasks answers, one
// answer per call (the last repeats); startErr fails StartMessageMoveTask.
type fakeSQS struct {
	depth    map[string]string
	missing  map[string]bool
	tasks    map[string][]sqstypes.ListMessageMoveTasksResultEntry
	startErr error
	started  []sqs.StartMessageMoveTaskInput
}

func arn(name string) string { return "arn:aws:sqs:us-east-1:000000000000:" + name }

func (f *fakeSQS) GetQueueUrl(_ context.Context, in *sqs.GetQueueUrlInput, _ ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	if f.missing[aws.ToString(in.QueueName)] {
		return nil, &sqstypes.QueueDoesNotExist{Message: aws.String("The specified queue does not exist.")}
	}
	return &sqs.GetQueueUrlOutput{QueueUrl: aws.String("https://sqs/" + aws.ToString(in.QueueName))}, nil
}

func (f *fakeSQS) GetQueueAttributes(_ context.Context, in *sqs.GetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	name := strings.TrimPrefix(aws.ToString(in.QueueUrl), "https://sqs/")
	d := f.depth[name]
	if d == "" {
		d = "0"
	}
	return &sqs.GetQueueAttributesOutput{Attributes: map[string]string{"QueueArn": arn(name), "ApproximateNumberOfMessages": d}}, nil
}

func (f *fakeSQS) StartMessageMoveTask(_ context.Context, in *sqs.StartMessageMoveTaskInput, _ ...func(*sqs.Options)) (*sqs.StartMessageMoveTaskOutput, error) {
	if f.startErr != nil {
		return nil, f.startErr
	}
	f.started = append(f.started, *in)
	return &sqs.StartMessageMoveTaskOutput{TaskHandle: aws.String("handle-1")}, nil
}

func (f *fakeSQS) ListMessageMoveTasks(_ context.Context, in *sqs.ListMessageMoveTasksInput, _ ...func(*sqs.Options)) (*sqs.ListMessageMoveTasksOutput, error) {
	answers := f.tasks[aws.ToString(in.SourceArn)]
	if len(answers) == 0 {
		return &sqs.ListMessageMoveTasksOutput{}, nil
	}
	out := &sqs.ListMessageMoveTasksOutput{Results: answers[:1]}
	if len(answers) > 1 {
		f.tasks[aws.ToString(in.SourceArn)] = answers[1:]
	}
	return out, nil
}

func task(status string, moved, toMove int64, reason string) sqstypes.ListMessageMoveTasksResultEntry {
	e := sqstypes.ListMessageMoveTasksResultEntry{Status: aws.String(status), ApproximateNumberOfMessagesMoved: moved,
		ApproximateNumberOfMessagesToMove: aws.Int64(toMove)}
	if reason != "" {
		e.FailureReason = aws.String(reason)
	}
	if status == taskRunning {
		e.TaskHandle = aws.String("handle-1")
	}
	return e
}

func fakeOptions(f *fakeSQS) (*Options, *bytes.Buffer) {
	ios, _, out, _ := iostreams.Test()
	cfg := config.Default()
	return &Options{IO: ios, Consumer: "catalog", PollInterval: 1,
		SQS:   func(aws.Config) sqsAPI { return f },
		Stack: func(context.Context) (*stack.Stack, error) { return &stack.Stack{Config: cfg, Local: true}, nil },
	}, out
}

func TestRunWithFakes(t *testing.T) {
	dlqARN := arn("edas-catalog-dlq")
	for _, tc := range []struct {
		name      string
		sqs       *fakeSQS
		wantErr   string
		wantOut   string
		wantStart bool
	}{
		{
			name: "moves to the consumer's queue and reports the final counts",
			sqs: &fakeSQS{depth: map[string]string{"edas-catalog-dlq": "3"}, tasks: map[string][]sqstypes.ListMessageMoveTasksResultEntry{
				dlqARN: {task(taskCompleted, 9, 9, ""), task(taskRunning, 1, 3, ""), task(taskCompleted, 3, 3, "")}}},
			wantOut:   "catalog   edas-catalog-dlq  edas-catalog  completed  3/3\n",
			wantStart: true,
		},
		{
			name: "a failed task fails the command with SQS's reason",
			sqs: &fakeSQS{depth: map[string]string{"edas-catalog-dlq": "3"}, tasks: map[string][]sqstypes.ListMessageMoveTasksResultEntry{
				dlqARN: {{}, task(taskFailed, 1, 3, "AWS.SimpleQueueService.NonExistentQueue")}}},
			wantErr:   "redrive edas-catalog-dlq: the move task failed after 1 of 3 messages: AWS.SimpleQueueService.NonExistentQueue",
			wantOut:   "catalog   edas-catalog-dlq  edas-catalog  failed: AWS.SimpleQueueService.NonExistentQueue  1/3\n",
			wantStart: true,
		},
		{
			name: "a cancelled task fails the command",
			sqs: &fakeSQS{depth: map[string]string{"edas-catalog-dlq": "3"}, tasks: map[string][]sqstypes.ListMessageMoveTasksResultEntry{
				dlqARN: {{}, task(taskCancelled, 2, 3, "")}}},
			wantErr:   "redrive edas-catalog-dlq: the move task was cancelled after 2 of 3 messages",
			wantStart: true,
		},
		{
			name: "a task started by someone else between the check and the start is refused",
			sqs: &fakeSQS{depth: map[string]string{"edas-catalog-dlq": "3"},
				startErr: &smithy.GenericAPIError{Code: "UnsupportedOperation", Message: "There is already a task running."},
				tasks: map[string][]sqstypes.ListMessageMoveTasksResultEntry{
					dlqARN: {task(taskCompleted, 9, 9, ""), task(taskRunning, 1, 3, "")}}},
			wantErr: "dlq edas-catalog-dlq already has a message move task running (1 of 3 moved)",
		},
		{
			name: "UnsupportedOperation with no active task is reported as the error it is, not as busy",
			sqs: &fakeSQS{depth: map[string]string{"edas-catalog-dlq": "3"},
				startErr: &smithy.GenericAPIError{Code: "UnsupportedOperation", Message: "Source queue must be configured as a Dead Letter Queue."},
				tasks: map[string][]sqstypes.ListMessageMoveTasksResultEntry{
					dlqARN: {task(taskCompleted, 9, 9, "")}}},
			wantErr: "redrive edas-catalog-dlq: start moving edas-catalog-dlq to edas-catalog: api error UnsupportedOperation: Source queue must be configured as a Dead Letter Queue.",
		},
		{
			name:    "a stack that is not deployed is named",
			sqs:     &fakeSQS{missing: map[string]bool{"edas-catalog-dlq": true}},
			wantErr: "queue edas-catalog-dlq does not exist: the stack is not deployed",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts, stdout := fakeOptions(tc.sqs)
			err := run(context.Background(), opts)
			if got := errString(err); got != tc.wantErr {
				t.Fatalf("err = %q, want %q", got, tc.wantErr)
			}
			if tc.wantOut != "" && !strings.Contains(stdout.String(), tc.wantOut) {
				t.Errorf("stdout:\n%s\nwant a row %q", stdout.String(), tc.wantOut)
			}
			if started := len(tc.sqs.started) == 1; started != tc.wantStart {
				t.Fatalf("started %d tasks, want start=%v", len(tc.sqs.started), tc.wantStart)
			}
			if tc.wantStart {
				in := tc.sqs.started[0]
				if aws.ToString(in.SourceArn) != dlqARN || aws.ToString(in.DestinationArn) != arn("edas-catalog") {
					t.Errorf("started %s → %s, want the DLQ to the catalog queue", aws.ToString(in.SourceArn), aws.ToString(in.DestinationArn))
				}
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestRunRefusesAnUnknownConsumer(t *testing.T) {
	opts, _ := fakeOptions(&fakeSQS{})
	opts.Consumer = "resize"
	err := run(context.Background(), opts)
	var flagErr *cmdutil.FlagError
	if !errors.As(err, &flagErr) || err.Error() != `unknown consumer "resize" for --consumer: stack edas has thumbnail, catalog` {
		t.Fatalf("err = %v, want a FlagError listing the consumers", err)
	}
}

func TestNewCmdPassesTheConsumerFlag(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *Options
	cmd := NewCmd(Deps{IO: ios, JSON: func() bool { return true }}, func(_ context.Context, o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--consumer", "catalog"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Consumer != "catalog" || !got.JSON {
		t.Fatalf("options %+v, want consumer catalog and JSON", got)
	}
}
