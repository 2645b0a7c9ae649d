package provision

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/edasctl/edasctl/internal/config"
)

// queuePolicyStep is the statement of a consumer's queue policy that lets
// the topic send to it (AWS-RULES N3), merged by Sid (N4). It is set before
// the subscription is created.
type queuePolicyStep struct {
	consumer *config.Consumer
}

func (q *queuePolicyStep) want(o *op) statement {
	name := o.cfg.QueueName(q.consumer.Name)
	return queueSendStatement(o.target.queueARN(name), o.target.topicARN(o.cfg.TopicName()))
}

// read returns the queue's URL ("" when missing) and policy.
func (q *queuePolicyStep) read(ctx context.Context, o *op) (string, string, error) {
	name := o.cfg.QueueName(q.consumer.Name)
	url, err := queueURL(ctx, o.clients.SQS, name)
	if err != nil || url == "" {
		return "", "", err
	}
	attrs, err := queueAttributes(ctx, o.clients.SQS, name, url, sqstypes.QueueAttributeNamePolicy)
	if err != nil {
		return "", "", err
	}
	return url, attrs["Policy"], nil
}

func (q *queuePolicyStep) observe(ctx context.Context, o *op) (Observation, error) {
	url, doc, err := q.read(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if url == "" {
		return missing("queue missing"), nil
	}
	arn := o.target.queueARN(o.cfg.QueueName(q.consumer.Name))
	if !hasStatement(doc, q.want(o)) {
		return observed(arn, []Diff{{Field: "Policy", Note: "queue policy differs: statement " + sidQueueSend + " missing or changed"}}), nil
	}
	return observed(arn, nil), nil
}

func (q *queuePolicyStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	name := o.cfg.QueueName(q.consumer.Name)
	arn := o.target.queueARN(name)
	url, doc, err := q.read(ctx, o)
	if err != nil {
		return "", "", err
	}
	if url == "" {
		return "", "", fmt.Errorf("set policy of queue %s: queue missing", name)
	}
	merged, changed, err := mergeStatement(doc, q.want(o))
	if err != nil {
		return "", "", fmt.Errorf("read policy of queue %s: %w", name, err)
	}
	if !changed {
		return Unchanged, arn, nil
	}
	_, err = o.clients.SQS.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{
		QueueUrl: &url, Attributes: map[string]string{"Policy": merged},
	})
	if err != nil {
		return "", "", fmt.Errorf("set policy of queue %s: %w", name, err)
	}
	if !hasSid(doc, sidQueueSend) {
		return Created, arn, nil
	}
	return Updated, arn, nil
}

// delete removes the statement, keeping the rest of the policy.
func (q *queuePolicyStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	name := o.cfg.QueueName(q.consumer.Name)
	url, doc, err := q.read(ctx, o)
	if err != nil {
		return "", "", err
	}
	if url == "" {
		return Absent, "", nil
	}
	rest, found, err := removeStatement(doc, sidQueueSend)
	if err != nil {
		return "", "", fmt.Errorf("read policy of queue %s: %w", name, err)
	}
	if !found {
		return Absent, "", nil
	}
	_, err = o.clients.SQS.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{
		QueueUrl: &url, Attributes: map[string]string{"Policy": rest},
	})
	if err != nil && !queueMissing(err) {
		return "", "", fmt.Errorf("remove statement %s from policy of queue %s: %w", sidQueueSend, name, err)
	}
	return Deleted, "", nil
}
