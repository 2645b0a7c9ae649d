package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/edasctl/edasctl/internal/config"
)

// The resources in the account that are not the stack's: same prefix,
// other names, no stack tag.
var foreign = []string{"queue edas-foreign", "topic edas-other", "bucket edas-foreign-bucket"}

func TestDownRemovesOnlyWhatTheStackOwns(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sqsc, snsc := sqs.NewFromConfig(e.aws), sns.NewFromConfig(e.aws)
	var up report
	e.runJSON(&up, "up", "--handler-zip", handlerZip(t))
	if _, err := e.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(stackBucket), Key: aws.String("uploads/a.txt"),
		Body: strings.NewReader("a")}); err != nil {
		t.Fatal(err)
	}

	// Foreign resources with the stack's prefix.
	if _, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("edas-foreign")}); err != nil {
		t.Fatal(err)
	}
	if _, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("edas-other")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("edas-foreign-bucket")}); err != nil {
		t.Fatal(err)
	}
	// A resource of the stack's name that lost the stack's tag: up adopts
	// such a resource (an interrupted up leaves it untagged), but down keeps
	// it, because nothing proves the stack made it.
	dlq, err := sqsc.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("edas-catalog-dlq")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqsc.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: dlq.QueueUrl, TagKeys: []string{config.TagStack}}); err != nil {
		t.Fatal(err)
	}

	var down report
	e.runJSON(&down, "down", "--yes")
	for _, r := range down.Resources {
		switch {
		case r.Step == "dlq/catalog":
			if r.Outcome != "kept" || !strings.Contains(r.Reason, config.TagStack) {
				t.Errorf("down: dlq/catalog is %s (%s), want kept for lacking the tag %s", r.Outcome, r.Reason, config.TagStack)
			}
		case r.Outcome != "deleted":
			t.Errorf("down: %s is %s (%s), want deleted", r.Step, r.Outcome, r.Reason)
		}
	}
	left := e.inventory(t)
	for _, name := range left {
		if name != "queue edas-catalog-dlq" && !contains(foreign, name) {
			t.Errorf("down left %s behind", name)
		}
	}
	for _, name := range append([]string{"queue edas-catalog-dlq"}, foreign...) {
		if !contains(left, name) {
			t.Errorf("down removed %s, which the stack does not own", name)
		}
	}

	var again report
	e.runJSON(&again, "down", "--yes")
	for _, r := range again.Resources {
		if want := map[bool]string{true: "kept", false: "absent"}[r.Step == "dlq/catalog"]; r.Outcome != want {
			t.Errorf("second down: %s is %s (%s), want %s", r.Step, r.Outcome, r.Reason, want)
		}
	}
}

// inventory lists, with the SDK, every bucket, topic, queue, role,
// function, event source mapping and log group whose name starts with
// "edas" ("queue edas-thumbnail"); mappings are listed by their function.
func (e *env) inventory(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	var names []string
	add := func(kind, name string) {
		if strings.HasPrefix(name, "edas") || strings.HasPrefix(name, "/aws/lambda/edas") {
			names = append(names, kind+" "+name)
		}
	}
	buckets, err := e.s3.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range buckets.Buckets {
		add("bucket", aws.ToString(b.Name))
	}
	topics, err := sns.NewFromConfig(e.aws).ListTopics(ctx, &sns.ListTopicsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range topics.Topics {
		arn := aws.ToString(tp.TopicArn)
		add("topic", arn[strings.LastIndex(arn, ":")+1:])
	}
	queues, err := sqs.NewFromConfig(e.aws).ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range queues.QueueUrls {
		add("queue", u[strings.LastIndex(u, "/")+1:])
	}
	roles, err := iam.NewFromConfig(e.aws).ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles.Roles {
		add("role", aws.ToString(r.RoleName))
	}
	lambdac := lambda.NewFromConfig(e.aws)
	fns, err := lambdac.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fns.Functions {
		add("function", aws.ToString(f.FunctionName))
	}
	mappings, err := lambdac.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mappings.EventSourceMappings {
		arn := aws.ToString(m.FunctionArn)
		add("mapping", arn[strings.LastIndex(arn, ":")+1:])
	}
	groups, err := cloudwatchlogs.NewFromConfig(e.aws).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups.LogGroups {
		add("log-group", aws.ToString(g.LogGroupName))
	}
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
