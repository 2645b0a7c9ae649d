package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// A Target is where a plan is applied: the account and region the clients
// talk to. Local reports the local AWS (edasctl local), where S3 can take no
// time to arm notifications and the handler zip is a host build.
type Target struct {
	Account string
	Region  string
	Local   bool
}

// ResolveTarget asks STS for the caller's account and returns the Target for
// region. local is passed through.
func ResolveTarget(ctx context.Context, api STSAPI, region string, local bool) (Target, error) {
	out, err := api.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Target{}, fmt.Errorf("get caller identity: %w", err)
	}
	account := aws.ToString(out.Account)
	if account == "" {
		return Target{}, errors.New("get caller identity: no account in the answer")
	}
	return Target{Account: account, Region: region, Local: local}, nil
}

// partition returns the ARN partition of the target's region
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
func (t Target) partition() string {
	switch {
	case strings.HasPrefix(t.Region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(t.Region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}

// The ARN builders below follow the formats in the IAM user guide's
// "Amazon Resource Names" reference; every name is deterministic, so no step
// needs another step's answer to know an ARN.

func (t Target) bucketARN(bucket string) string { return "arn:" + t.partition() + ":s3:::" + bucket }

func (t Target) regional(service, resource string) string {
	return "arn:" + t.partition() + ":" + service + ":" + t.Region + ":" + t.Account + ":" + resource
}

func (t Target) topicARN(name string) string    { return t.regional("sns", name) }
func (t Target) queueARN(name string) string    { return t.regional("sqs", name) }
func (t Target) functionARN(name string) string { return t.regional("lambda", "function:"+name) }

// logGroupARN is the log group's ARN without the trailing ":*" that
// DescribeLogGroups' Arn field carries; policies append what they need.
func (t Target) logGroupARN(name string) string { return t.regional("logs", "log-group:"+name) }

func (t Target) roleARN(name string) string {
	return "arn:" + t.partition() + ":iam::" + t.Account + ":role/" + name
}
