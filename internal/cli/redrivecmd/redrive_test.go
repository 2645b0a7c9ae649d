package redrivecmd

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
	"github.com/edasctl/edasctl/internal/cli/stack"
	"github.com/edasctl/edasctl/internal/iostreams"
	"github.com/edasctl/edasctl/internal/testenv"
)

// waitLimit bounds every poll-until in these tests: generous, for a loaded
// machine; a passing run takes far less.
const waitLimit = 60 * time.Second

// deployed is a local AWS with the pipeline deployed and an SQS client.
type deployed struct {
	*testenv.Env
	sqs *sqs.Client
}

func deploy(t *testing.T, edit func(e *testenv.Env)) *deployed {
	t.Helper()
	if testing.Short() {
		t.Skip("deploys the pipeline")
	}
	e := testenv.New(t)
	if edit != nil {
		edit(e)
	}
	e.Deploy(t)
	return &deployed{Env: e, sqs: sqs.NewFromConfig(e.AWS)}
}

func (d *deployed) options(ios *iostreams.Streams) *Options {
	return &Options{IO: ios, PollInterval: 20 * time.Millisecond, Stack: func(context.Context) (*stack.Stack, error) {
		return &stack.Stack{Config: d.Config, AWS: d.AWS, Clients: d.Clients, Target: d.Target, Local: true}, nil
	}}
}

func (d *deployed) queue(t *testing.T, name string) queueInfo {
	t.Helper()
	q, err := describeQueue(context.Background(), d.sqs, name)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// depth is the queue's visible plus in-flight messages.
func (d *deployed) depth(t *testing.T, url string) int {
	t.Helper()
	out, err := d.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages, sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	visible, _ := strconv.Atoi(out.Attributes["ApproximateNumberOfMessages"])
	inFlight, _ := strconv.Atoi(out.Attributes["ApproximateNumberOfMessagesNotVisible"])
	return visible + inFlight
}

func (d *deployed) send(t *testing.T, url, body string) string {
	t.Helper()
	out, err := d.sqs.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.MessageId)
}

// eventually polls cond until it holds or waitLimit passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(waitLimit)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("gave up after %s waiting for %s", waitLimit, what)
		case <-tick.C:
		}
	}
}

func decode(t *testing.T, out string) document {
	t.Helper()
	var doc document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not the JSON document: %v\n%s", err, out)
	}
	return doc
}

const testEventBody = `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-28T12:00:00.000Z","Bucket":"edas-000000000000-us-east-1","RequestId":"R","HostId":"H"}`

func TestRedriveMovesADeadLetteredMessageBackAndTheConsumerProcessesIt(t *testing.T) {
	d := deploy(t, nil)
	dlq, queue := d.queue(t, "edas-catalog-dlq"), d.queue(t, "edas-catalog")
	// GIVEN a message in the catalog DLQ (an S3 test event, which the
	// handler acknowledges and logs with its message ID)
	id := d.send(t, dlq.URL, testEventBody)

	// WHEN redrive runs for the catalog consumer
	ios, _, stdout, stderr := iostreams.Test()
	opts := d.options(ios)
	opts.Consumer, opts.JSON = "catalog", true
	if err := run(context.Background(), opts); err != nil {
		t.Fatalf("redrive: %v\nstderr:\n%s", err, stderr)
	}

	// THEN the task completed with one message moved, the DLQ is empty,
	// and the catalog function received the message
	doc := decode(t, stdout.String())
	want := Result{Consumer: "catalog", DLQ: "edas-catalog-dlq", Queue: "edas-catalog", Status: StatusCompleted, Moved: 1, ToMove: 1}
	if len(doc.Consumers) != 1 || doc.Consumers[0] != want || doc.Stack != "edas" {
		t.Fatalf("document %+v, want stack edas and %+v", doc, want)
	}
	if n := d.depth(t, dlq.URL); n != 0 {
		t.Errorf("dlq holds %d messages after the redrive, want 0", n)
	}
	logs := cloudwatchlogs.NewFromConfig(d.AWS)
	eventually(t, "the catalog function to log message "+id, func() bool {
		out, err := logs.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName: aws.String("/aws/lambda/edas-catalog"), FilterPattern: aws.String(`{ $.messageId = "` + id + `" }`)})
		return err == nil && len(out.Events) > 0
	})
	eventually(t, "the catalog queue to be drained", func() bool { return d.depth(t, queue.URL) == 0 })
	if !strings.Contains(stderr.String(), "edas-catalog-dlq → edas-catalog 1/1 completed") {
		t.Errorf("stderr lacks the final progress line:\n%s", stderr)
	}
}

func TestRedriveOfEmptyDLQsSaysSoAndSucceeds(t *testing.T) {
	d := deploy(t, nil)
	ios, _, stdout, stderr := iostreams.Test()
	if err := run(context.Background(), d.options(ios)); err != nil {
		t.Fatalf("redrive: %v", err)
	}
	for _, want := range []string{"dlq edas-thumbnail-dlq is empty: nothing to redrive\n", "dlq edas-catalog-dlq is empty: nothing to redrive\n"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	want := "CONSUMER   DLQ                 QUEUE           STATUS  ~MOVED\n" +
		"thumbnail  edas-thumbnail-dlq  edas-thumbnail  empty   0/0\n" +
		"catalog    edas-catalog-dlq    edas-catalog    empty   0/0\n"
	if stdout.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
}

func TestRedriveRefusesWhileAMoveIsRunning(t *testing.T) {
	d := deploy(t, nil)
	dlq, queue := d.queue(t, "edas-catalog-dlq"), d.queue(t, "edas-catalog")
	for range 20 {
		d.send(t, dlq.URL, testEventBody)
	}
	eventually(t, "the DLQ to count 20 messages", func() bool { return d.depth(t, dlq.URL) == 20 })
	// GIVEN a slow move task started by someone else
	task, err := d.sqs.StartMessageMoveTask(context.Background(), &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlq.ARN),
		DestinationArn: aws.String(queue.ARN), MaxNumberOfMessagesPerSecond: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = d.sqs.CancelMessageMoveTask(context.Background(), &sqs.CancelMessageMoveTaskInput{TaskHandle: task.TaskHandle})
	})

	ios, _, stdout, _ := iostreams.Test()
	opts := d.options(ios)
	opts.Consumer, opts.JSON = "catalog", true
	err = run(context.Background(), opts)

	var hint *cmdutil.HintError
	if !errors.As(err, &hint) || !strings.HasPrefix(err.Error(), "dlq edas-catalog-dlq already has a message move task running (") {
		t.Fatalf("err = %v, want the refusal with a hint", err)
	}
	if !strings.Contains(hint.Hint, "aws sqs cancel-message-move-task --task-handle '"+aws.ToString(task.TaskHandle)+"'") {
		t.Errorf("hint %q lacks the cancel command with the task's handle", hint.Hint)
	}
	doc := decode(t, stdout.String())
	if r := doc.Consumers[0]; r.Status != StatusBusy || r.ToMove != 20 || r.TaskHandle != aws.ToString(task.TaskHandle) {
		t.Errorf("result %+v, want busy, 20 to move, and the running task's handle", r)
	}
}

func TestRedriveAfterAPoisonMessageReachedTheDLQ(t *testing.T) {
	// GIVEN a catalog consumer that gives up after one receive, with a 6 s
	// visibility timeout
	d := deploy(t, func(e *testenv.Env) {
		for i := range e.Config.Consumers {
			if e.Config.Consumers[i].Name == "catalog" {
				e.Config.Consumers[i].Function.TimeoutSeconds = 1
				e.Config.Consumers[i].MaxReceiveCount = 1
			}
		}
	})
	dlq, queue := d.queue(t, "edas-catalog-dlq"), d.queue(t, "edas-catalog")
	// AND a body the handler cannot read, which it fails
	d.send(t, queue.URL, "this is not an S3 event")
	eventually(t, "the poison message to reach the DLQ", func() bool { return d.depth(t, dlq.URL) == 1 })

	// WHEN redrive runs
	ios, _, stdout, stderr := iostreams.Test()
	opts := d.options(ios)
	opts.JSON = true
	if err := run(context.Background(), opts); err != nil {
		t.Fatalf("redrive: %v\nstderr:\n%s", err, stderr)
	}

	// THEN the message went back to the catalog queue
	doc := decode(t, stdout.String())
	var got Result
	for _, r := range doc.Consumers {
		if r.Consumer == "catalog" {
			got = r
		} else if r.Status != StatusEmpty {
			t.Errorf("%s: status %q, want empty", r.Consumer, r.Status)
		}
	}
	if got.Status != StatusCompleted || got.Moved != 1 {
		t.Fatalf("catalog result %+v, want completed with 1 moved", got)
	}
	eventually(t, "the message to be back in the catalog queue or the DLQ again", func() bool {
		return d.depth(t, queue.URL)+d.depth(t, dlq.URL) == 1
	})
}
