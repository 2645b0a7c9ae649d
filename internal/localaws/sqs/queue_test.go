package sqs

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

var ctx = context.Background()

func TestCreateQueueReturnsAURLOnTheRequestHost(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "orders", nil)
	want := strings.Replace(f.srv.URL, "http://", "http://", 1) + "/" + testAccount + "/orders"
	if url != want {
		t.Fatalf("QueueUrl = %q, want %q", url, want)
	}
	got, err := f.client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	if err != nil || aws.ToString(got.QueueUrl) != want {
		t.Fatalf("GetQueueUrl = %v, %v; want %q", aws.ToString(got.QueueUrl), err, want)
	}
}

func TestCreateQueueIsIdempotentOnlyWithEqualAttributes(t *testing.T) {
	f := newFixture(t)
	first := f.createQueue(t, "q", map[string]string{"VisibilityTimeout": "60"})
	again := f.createQueue(t, "q", map[string]string{"VisibilityTimeout": "60"})
	if first != again {
		t.Fatalf("second create returned %q, want %q", again, first)
	}
	f.createQueue(t, "q", nil) // no attributes given: nothing to differ
	_, err := f.client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q"),
		Attributes: map[string]string{"VisibilityTimeout": "61"}})
	var exists *types.QueueNameExists
	if !errors.As(err, &exists) || errorCode(err) != "QueueAlreadyExists" {
		t.Fatalf("create with a different attribute: err = %v, want QueueNameExists with code QueueAlreadyExists", err)
	}
	if !strings.Contains(err.Error(), "VisibilityTimeout") {
		t.Errorf("error %q does not name the differing attribute", err)
	}
}

func TestCreateQueueValidatesNames(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct{ name, code string }{
		{"has space", "InvalidParameterValue"},
		{strings.Repeat("a", 81), "InvalidParameterValue"},
		{"dots.not.allowed", "InvalidParameterValue"},
		{"jobs.fifo", "InvalidParameterValue"},
	} {
		_, err := f.client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(tc.name)})
		if errorCode(err) != tc.code {
			t.Errorf("CreateQueue(%q) code = %q (%v), want %s", tc.name, errorCode(err), err, tc.code)
		}
	}
	f.createQueue(t, strings.Repeat("a", 80), nil)
	f.createQueue(t, "A-z_09", nil)
}

func TestCreateQueueRefusesAQueueDeletedRecentlyWhenTheWindowIsOn(t *testing.T) {
	f := newFixture(t, Options{DeletedRecentlyWindow: 60 * time.Second})
	url := f.createQueue(t, "q", nil)
	if _, err := f.client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(59 * time.Second)
	_, err := f.client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	var recently *types.QueueDeletedRecently
	if !errors.As(err, &recently) {
		t.Fatalf("create 59 s after delete: err = %v, want QueueDeletedRecently", err)
	}
	f.clock.Advance(time.Second)
	f.createQueue(t, "q", nil)
}

func TestCreateQueueAfterDeleteIsImmediateByDefault(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	f.send(t, url, "old")
	if _, err := f.client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	url = f.createQueue(t, "q", nil)
	if n := f.attr(t, url, "ApproximateNumberOfMessages"); n != "0" {
		t.Fatalf("recreated queue holds %s messages, want 0", n)
	}
}

func TestUnknownQueuesAreQueueDoesNotExist(t *testing.T) {
	f := newFixture(t)
	var notExist *types.QueueDoesNotExist
	_, err := f.client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("nope")})
	if !errors.As(err, &notExist) {
		t.Errorf("GetQueueUrl: %v, want QueueDoesNotExist", err)
	}
	_, err = f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(f.srv.URL + "/" + testAccount + "/nope"), MessageBody: aws.String("x")})
	if !errors.As(err, &notExist) || errorCode(err) != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Errorf("SendMessage: %v (code %q), want QueueDoesNotExist with the legacy code", err, errorCode(err))
	}
	_, err = f.client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String("https://sqs.us-east-1.amazonaws.com/123456789012/nope")})
	if !errors.As(err, &notExist) {
		t.Errorf("DeleteQueue of another account: %v, want QueueDoesNotExist", err)
	}
}

func TestQueueURLsAreAcceptedInAnyHostForm(t *testing.T) {
	f := newFixture(t)
	f.createQueue(t, "q", nil)
	for _, url := range []string{
		"http://localhost:4566/" + testAccount + "/q",
		"https://sqs.us-east-1.amazonaws.com/" + testAccount + "/q",
		"http://sqs.us-east-1.localhost.localstack.cloud:4566/" + testAccount + "/q",
	} {
		if _, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x")}); err != nil {
			t.Errorf("send to %s: %v", url, err)
		}
	}
}

func TestListQueuesFiltersByPrefixAndPaginates(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"app-a", "app-b", "app-c", "other"} {
		f.createQueue(t, n, nil)
	}
	all, err := f.client.ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil || len(all.QueueUrls) != 4 || all.NextToken != nil {
		t.Fatalf("ListQueues = %v, %v; want 4 URLs and no token", all.QueueUrls, err)
	}
	var names []string
	p := sqs.NewListQueuesPaginator(f.client, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("app-"), MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range page.QueueUrls {
			names = append(names, u[strings.LastIndex(u, "/")+1:])
		}
	}
	if strings.Join(names, ",") != "app-a,app-b,app-c" || pages != 2 {
		t.Fatalf("paged names = %v in %d pages, want app-a,app-b,app-c in 2", names, pages)
	}
	_, err = f.client.ListQueues(ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(1001)})
	if errorCode(err) != "InvalidParameterValue" {
		t.Errorf("MaxResults 1001: %v, want InvalidParameterValue", err)
	}
}

func TestQueueAttributesHaveAWSDefaults(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	out, err := f.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"QueueArn": arnOf("q"), "VisibilityTimeout": "30", "MessageRetentionPeriod": "345600",
		"MaximumMessageSize": "1048576", "DelaySeconds": "0", "ReceiveMessageWaitTimeSeconds": "0",
		"SqsManagedSseEnabled": "true", "ApproximateNumberOfMessages": "0",
		"ApproximateNumberOfMessagesNotVisible": "0", "ApproximateNumberOfMessagesDelayed": "0",
		"CreatedTimestamp": "1767323045", "LastModifiedTimestamp": "1767323045",
	}
	for k, v := range want {
		if out.Attributes[k] != v {
			t.Errorf("%s = %q, want %q", k, out.Attributes[k], v)
		}
	}
	for _, k := range []string{"Policy", "RedrivePolicy", "KmsMasterKeyId"} {
		if _, ok := out.Attributes[k]; ok {
			t.Errorf("unset %s returned", k)
		}
	}
}

func TestSetQueueAttributesValidatesAsAWSDoes(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	f.createQueue(t, "dlq", nil)
	for _, tc := range []struct {
		name  string
		attrs map[string]string
		code  string
	}{
		{"visibility above 12 hours", map[string]string{"VisibilityTimeout": "43201"}, "InvalidAttributeValue"},
		{"retention under a minute", map[string]string{"MessageRetentionPeriod": "59"}, "InvalidAttributeValue"},
		{"wait above 20 s", map[string]string{"ReceiveMessageWaitTimeSeconds": "21"}, "InvalidAttributeValue"},
		{"delay above 15 minutes", map[string]string{"DelaySeconds": "901"}, "InvalidAttributeValue"},
		{"message size above 1 MiB", map[string]string{"MaximumMessageSize": "1048577"}, "InvalidAttributeValue"},
		{"message size under 1 KiB", map[string]string{"MaximumMessageSize": "1023"}, "InvalidAttributeValue"},
		{"policy that is not JSON", map[string]string{"Policy": "{"}, "InvalidAttributeValue"},
		{"unknown attribute", map[string]string{"Colour": "blue"}, "InvalidAttributeName"},
		{"redrive to a missing queue", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + arnOf("missing") + `","maxReceiveCount":3}`}, "InvalidParameterValue"},
		{"redrive count zero", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + arnOf("dlq") + `","maxReceiveCount":0}`}, "InvalidParameterValue"},
		{"redrive count above 1000", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + arnOf("dlq") + `","maxReceiveCount":1001}`}, "InvalidParameterValue"},
		{"redrive allow policy without permission", map[string]string{"RedriveAllowPolicy": `{}`}, "InvalidAttributeValue"},
	} {
		_, err := f.client.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: tc.attrs})
		if errorCode(err) != tc.code {
			t.Errorf("%s: code %q (%v), want %s", tc.name, errorCode(err), err, tc.code)
		}
	}
	var invalid *types.InvalidAttributeValue
	_, err := f.client.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"VisibilityTimeout": "-1"}})
	if !errors.As(err, &invalid) {
		t.Errorf("negative visibility: %v, want *types.InvalidAttributeValue", err)
	}
	var badName *types.InvalidAttributeName
	_, err = f.client.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"Nope": "1"}})
	if !errors.As(err, &badName) {
		t.Errorf("unknown attribute: %v, want *types.InvalidAttributeName", err)
	}
}

func TestSetQueueAttributesStoresEveryAttribute(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	f.createQueue(t, "dlq", nil)
	f.clock.Advance(time.Minute)
	policy := `{"Version":"2012-10-17","Statement":[]}`
	set := map[string]string{
		"VisibilityTimeout": "180", "MessageRetentionPeriod": "60", "ReceiveMessageWaitTimeSeconds": "20",
		"DelaySeconds": "900", "MaximumMessageSize": "1024", "Policy": policy,
		"RedrivePolicy":      `{"deadLetterTargetArn":"` + arnOf("dlq") + `","maxReceiveCount":"5"}`,
		"RedriveAllowPolicy": `{"redrivePermission":"allowAll"}`, "KmsMasterKeyId": "alias/aws/sqs",
	}
	if _, err := f.client.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: set}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"VisibilityTimeout": "180", "MessageRetentionPeriod": "60", "ReceiveMessageWaitTimeSeconds": "20",
		"DelaySeconds": "900", "MaximumMessageSize": "1024", "Policy": policy,
		"RedrivePolicy":      `{"deadLetterTargetArn":"` + arnOf("dlq") + `","maxReceiveCount":5}`,
		"RedriveAllowPolicy": `{"redrivePermission":"allowAll"}`, "KmsMasterKeyId": "alias/aws/sqs",
		"KmsDataKeyReusePeriodSeconds": "300", "SqsManagedSseEnabled": "false", "LastModifiedTimestamp": "1767323105",
	}
	for k, v := range want {
		if got := f.attr(t, url, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, err := f.client.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url),
		Attributes: map[string]string{"RedrivePolicy": "", "SqsManagedSseEnabled": "true"}}); err != nil {
		t.Fatal(err)
	}
	if got := f.attr(t, url, "RedrivePolicy"); got != "" {
		t.Errorf("RedrivePolicy after clearing = %q", got)
	}
	if got := f.attr(t, url, "KmsMasterKeyId"); got != "" {
		t.Errorf("KmsMasterKeyId after turning SSE-SQS on = %q", got)
	}
}

func TestRedriveAllowPolicyLimitsSourceQueues(t *testing.T) {
	f := newFixture(t)
	f.createQueue(t, "dlq", map[string]string{"RedriveAllowPolicy": `{"redrivePermission":"byQueue","sourceQueueArns":["` + arnOf("allowed") + `"]}`})
	redrive := map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + arnOf("dlq") + `","maxReceiveCount":1}`}
	f.createQueue(t, "allowed", redrive)
	_, err := f.client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("other"), Attributes: redrive})
	if errorCode(err) != "InvalidParameterValue" {
		t.Fatalf("create a source the DLQ does not allow: %v, want InvalidParameterValue", err)
	}
}

func TestTagsAreSetListedAndRemoved(t *testing.T) {
	f := newFixture(t)
	out, err := f.client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q"), Tags: map[string]string{"edas:stack": "edas"}})
	if err != nil {
		t.Fatal(err)
	}
	url := out.QueueUrl
	if _, err := f.client.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: url, Tags: map[string]string{"team": "a", "env": "dev"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: url, TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := f.client.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: url})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 2 || tags.Tags["edas:stack"] != "edas" || tags.Tags["team"] != "a" {
		t.Fatalf("tags = %v, want edas:stack=edas and team=a", tags.Tags)
	}
}

func TestPurgeQueueDropsMessagesOncePerMinute(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	f.send(t, url, "a")
	f.send(t, url, "b")
	if _, err := f.client.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	if n := f.attr(t, url, "ApproximateNumberOfMessages"); n != "0" {
		t.Fatalf("after purge %s messages, want 0", n)
	}
	_, err := f.client.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)})
	var inProgress *types.PurgeQueueInProgress
	if !errors.As(err, &inProgress) {
		t.Fatalf("second purge within 60 s: %v, want PurgeQueueInProgress", err)
	}
	f.clock.Advance(60 * time.Second)
	if _, err := f.client.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatalf("purge after 60 s: %v", err)
	}
}

func TestListDeadLetterSourceQueuesNamesTheQueuesThatRedriveToIt(t *testing.T) {
	f := newFixture(t)
	dlq := f.createQueue(t, "dlq", nil)
	redrive := map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + arnOf("dlq") + `","maxReceiveCount":1}`}
	f.createQueue(t, "b-src", redrive)
	f.createQueue(t, "a-src", redrive)
	f.createQueue(t, "unrelated", nil)
	out, err := f.client.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.QueueUrls) != 2 || !strings.HasSuffix(out.QueueUrls[0], "/a-src") || !strings.HasSuffix(out.QueueUrls[1], "/b-src") {
		t.Fatalf("sources = %v, want a-src and b-src", out.QueueUrls)
	}
}
