package sqs

import (
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// deadLetter builds src → dlq with maxReceiveCount 1 and n messages already
// dead-lettered.
func deadLetter(t *testing.T, f *fixture, n int) (src, dlq string) {
	t.Helper()
	dlq = f.createQueue(t, "dlq", nil)
	src = f.createQueue(t, "src", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + arnOf("dlq") + `","maxReceiveCount":1}`})
	for range n {
		f.send(t, src, "m")
	}
	for len(f.receive(t, src, 10, func(in *sqs.ReceiveMessageInput) { in.VisibilityTimeout = 1 })) > 0 {
		f.clock.Advance(time.Second)
	}
	f.clock.Advance(time.Second)
	f.receive(t, src, 10) // every message is past maxReceiveCount: all move
	if got := f.attr(t, dlq, "ApproximateNumberOfMessages"); got != strconv.Itoa(n) {
		t.Fatalf("dead-lettered %s messages, want %d", got, n)
	}
	return src, dlq
}

// waitTasks waits until every move task has ended.
func (f *fixture) waitTasks() {
	f.svc.tasks.mu.Lock()
	var ts []*moveTask
	for _, t := range f.svc.tasks.byHandle {
		ts = append(ts, t)
	}
	f.svc.tasks.mu.Unlock()
	for _, t := range ts {
		<-t.done
	}
}

func TestMessageMoveTaskRedrivesToTheSourceQueue(t *testing.T) {
	f := newFixture(t)
	src, _ := deadLetter(t, f, 3)
	start, err := f.client.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(arnOf("dlq"))})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(start.TaskHandle) == "" {
		t.Fatal("no task handle")
	}
	f.waitTasks()
	list, err := f.client.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(arnOf("dlq"))})
	if err != nil {
		t.Fatal(err)
	}
	r := list.Results[0]
	if aws.ToString(r.Status) != "COMPLETED" || r.ApproximateNumberOfMessagesMoved != 3 || aws.ToInt64(r.ApproximateNumberOfMessagesToMove) != 3 {
		t.Fatalf("task = %s moved %d of %d, want COMPLETED 3 of 3", aws.ToString(r.Status), r.ApproximateNumberOfMessagesMoved, aws.ToInt64(r.ApproximateNumberOfMessagesToMove))
	}
	if got := f.attr(t, src, "ApproximateNumberOfMessages"); got != "3" {
		t.Fatalf("source holds %s messages, want 3", got)
	}
}

func TestMessageMoveTaskMovesToAnExplicitDestination(t *testing.T) {
	f := newFixture(t)
	deadLetter(t, f, 2)
	other := f.createQueue(t, "other", nil)
	if _, err := f.client.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(arnOf("dlq")),
		DestinationArn: aws.String(arnOf("other")), MaxNumberOfMessagesPerSecond: aws.Int32(100)}); err != nil {
		t.Fatal(err)
	}
	f.waitTasks()
	if got := f.attr(t, other, "ApproximateNumberOfMessages"); got != "2" {
		t.Fatalf("destination holds %s messages, want 2", got)
	}
}

func TestMessageMoveTaskNeedsADeadLetterQueueSource(t *testing.T) {
	f := newFixture(t)
	f.createQueue(t, "plain", nil)
	_, err := f.client.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(arnOf("plain"))})
	var unsupported *types.UnsupportedOperation
	if !asError(err, &unsupported) {
		t.Fatalf("move from a queue that is no DLQ: %v, want UnsupportedOperation", err)
	}
	_, err = f.client.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(arnOf("missing"))})
	var notFound *types.ResourceNotFoundException
	if !asError(err, &notFound) {
		t.Fatalf("move from a missing queue: %v, want ResourceNotFoundException", err)
	}
}

func TestOnlyOneMoveTaskRunsPerSourceAndItCanBeCancelled(t *testing.T) {
	f := newFixture(t)
	deadLetter(t, f, 3)
	// One message a second on a fake clock that never moves: the task
	// moves one message, then waits.
	start, err := f.client.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(arnOf("dlq")), MaxNumberOfMessagesPerSecond: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.client.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(arnOf("dlq"))})
	var unsupported *types.UnsupportedOperation
	if !asError(err, &unsupported) {
		t.Fatalf("a second task: %v, want UnsupportedOperation", err)
	}
	if _, err := f.client.CancelMessageMoveTask(ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: start.TaskHandle}); err != nil {
		t.Fatal(err)
	}
	f.waitTasks()
	list, err := f.client.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(arnOf("dlq")), MaxResults: aws.Int32(10)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Results) != 1 || aws.ToString(list.Results[0].Status) != "CANCELLED" || list.Results[0].TaskHandle != nil {
		t.Fatalf("tasks = %+v, want one CANCELLED without a handle", list.Results)
	}
	var notFound *types.ResourceNotFoundException
	if _, err := f.client.CancelMessageMoveTask(ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String("nope")}); !asError(err, &notFound) {
		t.Fatalf("cancel an unknown task: %v, want ResourceNotFoundException", err)
	}
}
