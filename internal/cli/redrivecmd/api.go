package redrivecmd

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// sqsAPI is the subset of *sqs.Client redrive uses: finding the queues,
// their depth, and starting and watching message move tasks.
type sqsAPI interface {
	GetQueueUrl(context.Context, *sqs.GetQueueUrlInput, ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error)
	GetQueueAttributes(context.Context, *sqs.GetQueueAttributesInput, ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
	StartMessageMoveTask(context.Context, *sqs.StartMessageMoveTaskInput, ...func(*sqs.Options)) (*sqs.StartMessageMoveTaskOutput, error)
	ListMessageMoveTasks(context.Context, *sqs.ListMessageMoveTasksInput, ...func(*sqs.Options)) (*sqs.ListMessageMoveTasksOutput, error)
}

var _ sqsAPI = (*sqs.Client)(nil)
