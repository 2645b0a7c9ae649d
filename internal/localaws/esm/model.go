package esm

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/edasctl/edasctl/internal/localaws/sns/filterpolicy"
)

// Mapping states (L9).
const (
	StateCreating  = "Creating"
	StateEnabling  = "Enabling"
	StateEnabled   = "Enabled"
	StateDisabling = "Disabling"
	StateDisabled  = "Disabled"
	StateUpdating  = "Updating"
	StateDeleting  = "Deleting"
)

// reportBatchItemFailures is the only FunctionResponseTypes value (L6).
const reportBatchItemFailures = "ReportBatchItemFailures"

// A Message is a received SQS message with its attributes.
type Message struct {
	MessageID, ReceiptHandle, Body, MD5OfBody, MD5OfMessageAttributes string
	Attributes                                                        map[string]string
	MessageAttributes                                                 map[string]events.SQSMessageAttribute
}

// Queues is the SQS the pollers read.
type Queues interface {
	// Receive long-polls up to wait for up to max (1–10) messages with the
	// queue's visibility timeout.
	Receive(ctx context.Context, queueARN string, max int, wait time.Duration) ([]Message, error)
	// DeleteBatch deletes received messages, as DeleteMessageBatch does,
	// in one durable write; a stale handle is not an error.
	DeleteBatch(queueARN string, receiptHandles []string) error
	// VisibilityTimeout is the queue's visibility timeout; an error when the
	// queue does not exist.
	VisibilityTimeout(queueARN string) (time.Duration, error)
}

// A Function is what a mapping needs to know about its function.
type Function struct {
	Name, ARN, Role string
	Timeout         time.Duration
}

// Functions is the Lambda the pollers invoke.
type Functions interface {
	// Lookup finds a function by name, ARN or partial ARN.
	Lookup(nameOrARN string) (Function, bool)
	// InvokeSync runs one synchronous invocation; functionError is set
	// ("Unhandled") when the function failed.
	InvokeSync(ctx context.Context, name string, payload []byte) (result []byte, functionError string, err error)
}

// Permissions answers whether a role's policies allow an action on a
// resource.
type Permissions interface {
	Allowed(roleARN, action, resource string) bool
}

// mapping is one event source mapping as stored.
type mapping struct {
	UUID                  string   `json:"uuid"`
	EventSourceARN        string   `json:"eventSourceArn"`
	FunctionARN           string   `json:"functionArn"`
	FunctionName          string   `json:"functionName"`
	BatchSize             int      `json:"batchSize"`
	BatchingWindowSeconds int      `json:"batchingWindowSeconds"`
	MaximumConcurrency    int      `json:"maximumConcurrency,omitempty"`
	ResponseTypes         []string `json:"responseTypes,omitempty"`
	FilterPatterns        []string `json:"filterPatterns,omitempty"` // FilterCriteria's patterns (filter.go)
	// filters are FilterPatterns parsed, once, when the mapping is saved
	// or loaded (compile).
	filters               []*filterpolicy.Policy
	Enabled               bool      `json:"enabled"`
	Created               time.Time `json:"created"`
	LastModified          time.Time `json:"lastModified"`
	StateTransitionReason string    `json:"stateTransitionReason"`
	LastProcessingResult  string    `json:"lastProcessingResult"`
	Deleting              bool      `json:"-"`
}

func (m *mapping) reportsItemFailures() bool {
	for _, t := range m.ResponseTypes {
		if t == reportBatchItemFailures {
			return true
		}
	}
	return false
}
