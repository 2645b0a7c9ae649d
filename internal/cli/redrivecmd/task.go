package redrivecmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

// Statuses of a consumer's redrive, as reported in [Result.Status].
const (
	StatusEmpty     = "empty"     // the DLQ had no visible message: nothing was started
	StatusBusy      = "busy"      // a move task was already running: refused
	StatusRunning   = "running"   // our task still runs (the watch was interrupted)
	StatusCompleted = "completed" // our task moved every message
	StatusFailed    = "failed"    // our task failed; see FailureReason
	StatusCancelled = "cancelled" // our task was cancelled (aws sqs cancel-message-move-task)
)

// SQS's task statuses
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasksResultEntry.html).
const (
	taskRunning    = "RUNNING"
	taskCompleted  = "COMPLETED"
	taskCancelling = "CANCELLING"
	taskCancelled  = "CANCELLED"
	taskFailed     = "FAILED"
)

// latestTask returns the DLQ's most recent move task, or nil when it never
// had one. ListMessageMoveTasks lists a source's tasks newest first
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html).
func latestTask(ctx context.Context, api sqsAPI, dlqARN string) (*sqstypes.ListMessageMoveTasksResultEntry, error) {
	out, err := api.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqARN), MaxResults: aws.Int32(1)})
	if err != nil {
		return nil, fmt.Errorf("list message move tasks of %s: %w", dlqARN, err)
	}
	if len(out.Results) == 0 {
		return nil, nil
	}
	return &out.Results[0], nil
}

// active reports whether a task's status means it still runs: only one
// active task is allowed per source queue (AWS-RULES Q5).
func active(status string) bool { return status == taskRunning || status == taskCancelling }

// isTaskRunning reports whether err is StartMessageMoveTask's refusal when a task is already
// active on the source: UnsupportedOperation (the SDK has no typed error
// for it, so it is matched by code, never by message).
func isTaskRunning(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && (api.ErrorCode() == "UnsupportedOperation" || api.ErrorCode() == "AWS.SimpleQueueService.UnsupportedOperation")
}

// startMove starts moving the DLQ's messages to the consumer's queue.
//
// DestinationArn is set to the consumer's queue rather than omitted: the
// DLQ serves that one queue (the stack's RedrivePolicy), so both send every
// message to the same place for messages that were dead-lettered, but only
// an explicit destination also moves a message that reached the DLQ any
// other way (sent to it by hand, or by a test), which has no original
// source to go back to
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html).
func startMove(ctx context.Context, api sqsAPI, dlq, queue queueInfo) (handle string, err error) {
	out, err := api.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlq.ARN), DestinationArn: aws.String(queue.ARN)})
	if err != nil {
		return "", fmt.Errorf("start moving %s to %s: %w", dlq.Name, queue.Name, err)
	}
	return aws.ToString(out.TaskHandle), nil
}

// apply copies a task's status and figures into r; a nil ToMove keeps
// r's estimate. TaskHandle is kept only while the task runs.
func (r *Result) apply(t *sqstypes.ListMessageMoveTasksResultEntry) {
	r.Moved = t.ApproximateNumberOfMessagesMoved
	if t.ApproximateNumberOfMessagesToMove != nil {
		r.ToMove = *t.ApproximateNumberOfMessagesToMove
	}
	r.FailureReason = aws.ToString(t.FailureReason)
	switch aws.ToString(t.Status) {
	case taskCompleted:
		r.Status = StatusCompleted
	case taskFailed:
		r.Status = StatusFailed
	case taskCancelled:
		r.Status = StatusCancelled
	default:
		r.Status = StatusRunning
	}
	// SQS returns the handle of running tasks only.
	if h := aws.ToString(t.TaskHandle); h != "" {
		r.TaskHandle = h
	}
	if r.Status != StatusRunning {
		r.TaskHandle = ""
	}
}
