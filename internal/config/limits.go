package config

// AWS limits that Validate enforces, each with its source. Where the SDK for
// Go v2 documents the limit on the API field, the field is named as well.

// S3 general purpose bucket names: 3–63 characters; lowercase letters,
// digits, '.' and '-'; reserved prefixes and suffixes
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
const (
	bucketNameMin = 3
	bucketNameMax = 63
)

var (
	bucketReservedPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	bucketReservedSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3"}
)

// exampleAccountID stands for the account in the derived bucket name when
// checking its length: account IDs are 12 digits.
const exampleAccountID = "123456789012"

// longestRegion is a region name of the greatest length among the
// commercial regions (14 characters, like ap-northeast-1), used to check the
// derived bucket name when the region is not configured.
const longestRegion = "ap-southeast-2"

// SNS topic names: 1–256 of [A-Za-z0-9_-] (sns.CreateTopicInput.Name;
// https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html).
const topicNameMax = 256

// SQS queue names: up to 80 of [A-Za-z0-9_-] (sqs.CreateQueueInput.QueueName;
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
const queueNameMax = 80

// Lambda function names: up to 64 characters when given as a name, not an ARN
// (lambda.CreateFunctionInput.FunctionName;
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html).
const functionNameMax = 64

// IAM role names: 1–64 of [\w+=,.@-]
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
const roleNameMax = 64

// CloudWatch Logs group names: 1–512 characters
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html).
const logGroupNameMax = 512

// Lambda function settings: timeout 1–900 s (lambda.CreateFunctionInput.Timeout),
// memory 128–10,240 MB
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
const (
	timeoutMin = 1
	timeoutMax = 900
	memoryMin  = 128
	memoryMax  = 10240
)

// SQS event source mapping: BatchSize 1–10, up to 10,000 for standard queues
// when MaximumBatchingWindowInSeconds ≥ 1; the window is 0–300 s
// (lambda.CreateEventSourceMappingInput;
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html).
// ScalingConfig.MaximumConcurrency is 2–1000
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
const (
	batchSizeMin         = 1
	batchSizeMax         = 10
	batchSizeWindowedMax = 10000
	batchWindowMin       = 0
	batchWindowMax       = 300
	maxConcurrencyMin    = 2
	maxConcurrencyMax    = 1000
)

// SQS redrive policy maxReceiveCount is 1–1000
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
const (
	maxReceiveCountMin = 1
	maxReceiveCountMax = 1000
)

// SQS visibility timeout: at most 12 hours
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
const visibilityMaxSeconds = 43200

// allowedRetentionDays are the values CloudWatch Logs accepts for a log
// group's retention (cloudwatchlogs.PutRetentionPolicyInput.RetentionInDays;
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
var allowedRetentionDays = []int{
	1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
	731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
}

// Tags: keys 1–128 and values up to 256 Unicode characters; at most 50 per
// resource; the aws: prefix is reserved; the characters generally allowed
// across services are letters, digits, spaces and _ . : / = + - @
// (https://docs.aws.amazon.com/batch/latest/userguide/tag-restrictions.html;
// https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/allocation-tag-restrictions.html).
// edasctl adds two tags of its own, so users get the rest.
const (
	tagKeyMax      = 128
	tagValueMax    = 256
	tagsPerResMax  = 50
	userTagsMax    = tagsPerResMax - 2
	awsTagPrefix   = "aws:"
	tagCharsLegend = "letters, digits, spaces and _ . : / = + - @"
)
