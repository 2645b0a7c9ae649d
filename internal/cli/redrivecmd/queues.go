package redrivecmd

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/edasctl/edasctl/internal/cli/cmdutil"
)

// A queueInfo is what redrive needs of one queue.
type queueInfo struct {
	Name string
	URL  string
	ARN  string
	// Visible is ApproximateNumberOfMessages: approximate (AWS-RULES Q7),
	// and it counts neither in-flight nor delayed messages.
	Visible int64
}

// errNotDeployed is the cause when a consumer's queue or DLQ is missing.
var errNotDeployed = errors.New("not deployed")

// describeQueue finds the queue called name and reads its ARN and depth.
// A missing queue is errNotDeployed, with the hint to run up.
func describeQueue(ctx context.Context, api sqsAPI, name string) (queueInfo, error) {
	url, err := api.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	var gone *sqstypes.QueueDoesNotExist
	switch {
	case errors.As(err, &gone):
		return queueInfo{}, cmdutil.WithHint(fmt.Errorf("queue %s does not exist: the stack is %w", name, errNotDeployed), "run 'edasctl up' first")
	case err != nil:
		return queueInfo{}, fmt.Errorf("find queue %s: %w", name, err)
	}
	attrs, err := api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: url.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn, sqstypes.QueueAttributeNameApproximateNumberOfMessages}})
	if err != nil {
		return queueInfo{}, fmt.Errorf("read queue %s: %w", name, err)
	}
	q := queueInfo{Name: name, URL: aws.ToString(url.QueueUrl), ARN: attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]}
	if v := attrs.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessages)]; v != "" {
		if q.Visible, err = strconv.ParseInt(v, 10, 64); err != nil {
			return queueInfo{}, fmt.Errorf("read queue %s: ApproximateNumberOfMessages %q: %w", name, v, err)
		}
	}
	return q, nil
}
