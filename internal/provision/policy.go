package provision

import (
	"encoding/json"
	"fmt"
)

// policyVersion is the current IAM policy language version
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
const policyVersion = "2012-10-17"

// Statement IDs of the statements edasctl merges into policies it shares
// with others (topic, queue and bucket policies): a statement is found and
// replaced by its Sid, so the default topic policy and anyone else's
// statements are kept (AWS-RULES S6, N4).
const (
	sidTopicPublish = "EdasS3Publish"
	sidQueueSend    = "EdasSNSSendMessage"
	sidDenyInsecure = "EdasDenyInsecureTransport"
)

// IAM roles are global while the pipeline is regional: one stack deployed
// in two regions shares its roles. Each region therefore owns an inline
// policy of its own, named inlinePolicyPrefix + region, granting that
// region's queue, log group and bucket; down removes its region's policy
// and deletes the role only when no other region's remains.
const inlinePolicyPrefix = "edas-pipeline-"

// inlinePolicyName is the name of the role's inline policy for region.
func inlinePolicyName(region string) string { return inlinePolicyPrefix + region }

// A policyDocument is an IAM policy document as edasctl writes it. Field
// order is the order of the generated JSON.
type policyDocument struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

// A statement is one policy statement. Principal, Action and Resource hold
// a string or a list, as the policy language allows; Condition maps an
// operator to keys to a value.
type statement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal any                          `json:"Principal,omitempty"`
	Action    any                          `json:"Action"`
	Resource  any                          `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// servicePrincipal returns {"Service": service}.
func servicePrincipal(service string) map[string]string {
	return map[string]string{"Service": service}
}

// marshalPolicy renders doc as compact JSON, the form sent to AWS.
func marshalPolicy(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("marshal policy: %v", err)) // only fixed types are marshalled
	}
	return string(b)
}

// denyInsecureTransport is the bucket policy statement that denies every
// request not made over TLS, the documented way to enforce HTTPS
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html,
// "Enforce encryption of data in transit": aws:SecureTransport false → Deny).
func denyInsecureTransport(bucketARN string) statement {
	return statement{
		Sid:       sidDenyInsecure,
		Effect:    "Deny",
		Principal: "*",
		Action:    "s3:*",
		Resource:  []string{bucketARN, bucketARN + "/*"},
		Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
	}
}

// topicPublishStatement lets S3 publish to the topic, only for events of
// this bucket in this account (AWS-RULES S6; "Granting permissions to
// publish event notification messages to a destination",
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html).
func topicPublishStatement(topicARN, bucketARN, account string) statement {
	return statement{
		Sid:       sidTopicPublish,
		Effect:    "Allow",
		Principal: servicePrincipal("s3.amazonaws.com"),
		Action:    "SNS:Publish",
		Resource:  topicARN,
		Condition: map[string]map[string]string{
			"ArnLike":      {"aws:SourceArn": bucketARN},
			"StringEquals": {"aws:SourceAccount": account},
		},
	}
}

// queueSendStatement lets SNS send to the queue, only from the topic
// (AWS-RULES N3; "Subscribing an Amazon SQS queue to an Amazon SNS topic",
// https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html).
func queueSendStatement(queueARN, topicARN string) statement {
	return statement{
		Sid:       sidQueueSend,
		Effect:    "Allow",
		Principal: servicePrincipal("sns.amazonaws.com"),
		Action:    "sqs:SendMessage",
		Resource:  queueARN,
		Condition: map[string]map[string]string{"ArnEquals": {"aws:SourceArn": topicARN}},
	}
}

// trustPolicy lets Lambda assume the role
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html).
func trustPolicy() policyDocument {
	return policyDocument{Version: policyVersion, Statement: []statement{{
		Effect:    "Allow",
		Principal: servicePrincipal("lambda.amazonaws.com"),
		Action:    "sts:AssumeRole",
	}}}
}

// roleGrant is what one consumer's function may touch.
type roleGrant struct {
	BucketARN    string
	InputPrefix  string // e.g. "uploads/"
	OutputPrefix string // e.g. "thumbnails/"
	QueueARN     string
	LogGroupARN  string // without ":*"
}

// rolePolicy is the least-privilege inline policy of a consumer's role
// (AWS-RULES I4): read only the input prefix, write only its own output
// prefix, consume only its queue (the permissions Lambda's SQS poller needs,
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html,
// plus ChangeMessageVisibility as CDK grants), and write only to its log
// group. No statement uses Resource "*".
func rolePolicy(g roleGrant) policyDocument {
	return policyDocument{Version: policyVersion, Statement: []statement{
		{
			Sid:    "ReadInput",
			Effect: "Allow",
			// A GetObject naming a versionId (the handler names the event's
			// version on a versioned bucket) needs s3:GetObjectVersion, and
			// s3:GetObject is then not used
			// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
			Action:   []string{"s3:GetObject", "s3:GetObjectVersion"},
			Resource: g.BucketARN + "/" + g.InputPrefix + "*",
		},
		{
			Sid:      "WriteOutput",
			Effect:   "Allow",
			Action:   "s3:PutObject",
			Resource: g.BucketARN + "/" + g.OutputPrefix + "*",
		},
		{
			Sid:    "ConsumeQueue",
			Effect: "Allow",
			Action: []string{
				"sqs:ReceiveMessage",
				"sqs:DeleteMessage",
				"sqs:GetQueueAttributes",
				"sqs:ChangeMessageVisibility",
			},
			Resource: g.QueueARN,
		},
		{
			Sid:      "WriteLogs",
			Effect:   "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: g.LogGroupARN + ":*",
		},
	}}
}
