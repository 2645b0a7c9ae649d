package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// The default stack's names on the local AWS (config.Default, account
// 000000000000, us-east-1).
const (
	stackBucket = "edas-000000000000-us-east-1"
	stackTopic  = "arn:aws:sns:us-east-1:000000000000:edas-uploads"
)

func TestStatusReportsDriftAndUpRepairsExactlyIt(t *testing.T) {
	e := newEnv(t)
	zip := handlerZip(t)
	var up report
	e.runJSON(&up, "up", "--handler-zip", zip)
	ctx := context.Background()
	sqsc, snsc, iamc, lambdac := sqs.NewFromConfig(e.aws), sns.NewFromConfig(e.aws), iam.NewFromConfig(e.aws), lambda.NewFromConfig(e.aws)

	// Drift, as a colleague with a console would make it.
	queueURL, err := sqsc.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("edas-thumbnail")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqsc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: queueURL.QueueUrl,
		Attributes: map[string]string{"VisibilityTimeout": "7"}}); err != nil {
		t.Fatal(err)
	}
	subs, err := snsc.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(stackTopic)})
	if err != nil {
		t.Fatal(err)
	}
	unsubscribed := false
	for _, s := range subs.Subscriptions {
		if strings.HasSuffix(aws.ToString(s.Endpoint), ":edas-catalog") {
			if _, err := snsc.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: s.SubscriptionArn}); err != nil {
				t.Fatal(err)
			}
			unsubscribed = true
		}
	}
	if !unsubscribed {
		t.Fatalf("no subscription of edas-catalog among %d", len(subs.Subscriptions))
	}
	if _, err := e.s3.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String(stackBucket), NotificationConfiguration: &s3types.NotificationConfiguration{}}); err != nil {
		t.Fatal(err)
	}
	policies, err := iamc.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("edas-thumbnail")})
	if err != nil || len(policies.PolicyNames) != 1 {
		t.Fatalf("inline policies of role edas-thumbnail: %v, %v", policies, err)
	}
	if _, err := iamc.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("edas-thumbnail"),
		PolicyName:     aws.String(policies.PolicyNames[0]),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := lambdac.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("edas-catalog"), MemorySize: aws.Int32(512)}); err != nil {
		t.Fatal(err)
	}

	var status report
	code, stderr := e.runJSONCode(&status, "status")
	if code == 0 || status.Healthy {
		t.Fatalf("status with drift: exit %d, healthy %v; want a non-zero exit and unhealthy\n%s", code, status.Healthy, stderr)
	}
	want := map[string]struct{ state, reason string }{
		"queue/thumbnail":      {"drifted", "VisibilityTimeout is 7, want 180"},
		"subscription/catalog": {"missing", "subscription missing"},
		"notification":         {"missing", "notification does not target the topic"},
		"role/thumbnail":       {"drifted", "inline policy"},
		"function/catalog":     {"drifted", "MemorySize is 512, want 256"},
	}
	for _, r := range status.Resources {
		w, drifted := want[r.Step]
		switch {
		case !drifted && r.State != "ok":
			t.Errorf("%s: state %s (%s), want ok", r.Step, r.State, r.Reason)
		case drifted && r.State != w.state:
			t.Errorf("%s: state %s, want %s", r.Step, r.State, w.state)
		case drifted && !strings.Contains(r.Reason, w.reason):
			t.Errorf("%s: reason %q, want it to mention %q", r.Step, r.Reason, w.reason)
		}
	}

	var repair report
	e.runJSON(&repair, "up", "--handler-zip", zip)
	for _, r := range repair.Resources {
		_, drifted := want[r.Step]
		switch {
		case drifted && r.Outcome != "updated" && r.Outcome != "created":
			t.Errorf("repairing up: %s is %s, want updated or created", r.Step, r.Outcome)
		case !drifted && r.Outcome != "unchanged":
			t.Errorf("repairing up: %s is %s, want unchanged", r.Step, r.Outcome)
		}
	}
	if got := byStep(repair)["subscription/catalog"].Outcome; got != "created" {
		t.Errorf("repairing up: subscription/catalog is %s, want created", got)
	}

	var healthy report
	e.runJSON(&healthy, "status")
	if !healthy.Healthy {
		t.Fatalf("status after the repair is not healthy: %+v", healthy.Resources)
	}
}

func TestSecondUpMakesNoMutatingCall(t *testing.T) {
	e := newEnv(t)
	zip := handlerZip(t)
	var first report
	e.runJSON(&first, "up", "--handler-zip", zip)
	e.rec.take()

	var again report
	e.runJSON(&again, "up", "--handler-zip", zip)
	calls := e.rec.take()
	if n := outcomes(again); n["unchanged"] != len(again.Resources) {
		t.Errorf("second up outcomes %v, want all unchanged", n)
	}
	if m := mutating(calls); len(m) > 0 {
		t.Errorf("second up made %d mutating calls:\n%s", len(m), countByOp(m))
	}
	if len(calls) == 0 {
		t.Fatal("the recorder saw no call: it is not in front of the local AWS")
	}
	t.Logf("second up: %d read-only calls:\n%s", len(calls), countByOp(calls))
}
