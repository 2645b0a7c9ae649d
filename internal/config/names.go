package config

import "maps"

// Reserved tags carried by every resource. down deletes only resources that
// carry TagStack with the stack's name.
const (
	TagStack       = "edas:stack"
	TagManagedBy   = "edas:managed-by"
	ManagedByValue = "edasctl"
	// reservedTagPrefix is the prefix of edasctl's own tag keys; user tags
	// may not use it.
	reservedTagPrefix = "edas:"
)

// The naming methods below are the one source of resource names. Validate
// checks that, for the configured stack and consumers, each of them is legal.

// BucketName returns the bucket's name: Bucket.Name when set, else
// <stack>-<account>-<region>.
func (c *Config) BucketName(account, region string) string {
	if c.Bucket.Name != "" {
		return c.Bucket.Name
	}
	return c.Stack + "-" + account + "-" + region
}

// TopicName returns the SNS topic's name, <stack>-uploads.
func (c *Config) TopicName() string { return c.Stack + "-uploads" }

// QueueName returns the name of the queue of the consumer called consumer,
// <stack>-<consumer>.
func (c *Config) QueueName(consumer string) string { return c.Stack + "-" + consumer }

// DLQName returns the name of the consumer's dead-letter queue,
// <stack>-<consumer>-dlq.
func (c *Config) DLQName(consumer string) string { return c.Stack + "-" + consumer + "-dlq" }

// RoleName returns the name of the consumer's IAM role, <stack>-<consumer>.
func (c *Config) RoleName(consumer string) string { return c.Stack + "-" + consumer }

// FunctionName returns the name of the consumer's Lambda function,
// <stack>-<consumer>.
func (c *Config) FunctionName(consumer string) string { return c.Stack + "-" + consumer }

// LogGroupName returns the name of the consumer's log group,
// /aws/lambda/<stack>-<consumer>, Lambda's default group for the function
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
func (c *Config) LogGroupName(consumer string) string {
	return "/aws/lambda/" + c.FunctionName(consumer)
}

// ResourceTags returns the tags for every resource: the user's Tags plus
// TagStack=<stack> and TagManagedBy=ManagedByValue. The reserved tags always
// win; Validate rejects user tags with the "edas:" prefix. The map is new on
// each call.
func (c *Config) ResourceTags() map[string]string {
	tags := make(map[string]string, len(c.Tags)+2)
	maps.Copy(tags, c.Tags)
	tags[TagStack] = c.Stack
	tags[TagManagedBy] = ManagedByValue
	return tags
}
