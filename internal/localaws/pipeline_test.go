package localaws

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

// fanout is a bucket notifying a topic that fans out to one queue, set up
// through the SDK as edasctl up does.
type fanout struct {
	s3c                *s3.Client
	snsc               *sns.Client
	sqsc               *sqs.Client
	bucket, topic      string
	queueURL, queueARN string
}

func newFanout(t testing.TB, cfg aws.Config, topicPolicy, queuePolicy bool) *fanout {
	t.Helper()
	ctx := context.Background()
	f := &fanout{
		s3c:    s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		snsc:   sns.NewFromConfig(cfg),
		sqsc:   sqs.NewFromConfig(cfg),
		bucket: "pipe-bucket",
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(f.bucket)})
	must(err)
	top, err := f.snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("pipe-topic")})
	must(err)
	f.topic = aws.ToString(top.TopicArn)
	if topicPolicy {
		_, err = f.snsc.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: top.TopicArn, AttributeName: aws.String("Policy"),
			AttributeValue: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"SNS:Publish","Resource":"` + f.topic + `","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::` + f.bucket + `"},"StringEquals":{"aws:SourceAccount":"000000000000"}}}]}`)})
		must(err)
	}
	q, err := f.sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("pipe-queue")})
	must(err)
	f.queueURL = aws.ToString(q.QueueUrl)
	attrs, err := f.sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
	must(err)
	f.queueARN = attrs.Attributes["QueueArn"]
	if queuePolicy {
		_, err = f.sqsc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{
			"Policy": `{"Version":"2012-10-17","Statement":[{"Sid":"sns","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + f.queueARN + `","Condition":{"ArnEquals":{"aws:SourceArn":"` + f.topic + `"}}}]}`}})
		must(err)
	}
	_, err = f.snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: top.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(f.queueARN)})
	must(err)
	return f
}

func (f *fanout) notify(ctx context.Context) error {
	_, err := f.s3c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String(f.bucket),
		NotificationConfiguration: &s3types.NotificationConfiguration{TopicConfigurations: []s3types.TopicConfiguration{{
			Id: aws.String("edas"), TopicArn: aws.String(f.topic), Events: []s3types.Event{"s3:ObjectCreated:*"},
			Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{{Name: "prefix", Value: aws.String("uploads/")}}}},
		}}},
	})
	return err
}

// receiveBodies long-polls the queue until n messages arrived.
func (f *fanout) receiveBodies(t *testing.T, n int) []string {
	t.Helper()
	var bodies []string
	deadline := time.Now().Add(10 * time.Second)
	for len(bodies) < n && time.Now().Before(deadline) {
		out, err := f.sqsc.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(f.queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			bodies = append(bodies, aws.ToString(m.Body))
			f.sqsc.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(f.queueURL), ReceiptHandle: m.ReceiptHandle})
		}
	}
	if len(bodies) < n {
		t.Fatalf("received %d messages, want %d: %q", len(bodies), n, bodies)
	}
	return bodies
}

func TestUploadFlowsFromS3ThroughSNSToSQS(t *testing.T) {
	_, srv := newTestServer(t)
	f := newFanout(t, awsConfig(srv), true, true)
	ctx := context.Background()
	if err := f.notify(ctx); err != nil {
		t.Fatalf("PutBucketNotificationConfiguration: %v", err)
	}
	// S3 sends a TestEvent when the configuration is set (AWS-RULES S7).
	var env events.SNSEntity
	if err := json.Unmarshal([]byte(f.receiveBodies(t, 1)[0]), &env); err != nil || !strings.Contains(env.Message, `"Event":"s3:TestEvent"`) {
		t.Fatalf("first message = %+v (%v), want the SNS-wrapped s3:TestEvent", env, err)
	}

	key := "uploads/cat photo+ü.jpg"
	if _, err := f.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String(key), Body: strings.NewReader("meow")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String("thumbnails/ignored.jpg"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	body := f.receiveBodies(t, 1)[0]
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Fatal(err)
	}
	if env.Type != "Notification" || env.TopicArn != f.topic || env.Subject != "Amazon S3 Notification" {
		t.Fatalf("envelope = %+v", env)
	}
	var ev events.S3Event
	if err := json.Unmarshal([]byte(env.Message), &ev); err != nil || len(ev.Records) != 1 {
		t.Fatalf("S3 event = %s (%v)", env.Message, err)
	}
	r := ev.Records[0]
	decoded, _ := url.QueryUnescape(r.S3.Object.Key)
	if r.EventName != "ObjectCreated:Put" || r.EventVersion != "2.1" || r.EventSource != "aws:s3" || decoded != key || r.S3.Object.Size != 4 || r.S3.Bucket.Name != f.bucket {
		t.Fatalf("record = %+v (key decoded %q)", r, decoded)
	}
	if strings.Contains(r.S3.Object.Key, " ") {
		t.Fatalf("key %q is not URL-encoded as S3 encodes event keys", r.S3.Object.Key)
	}
	// Nothing more: the object outside uploads/ matched no configuration.
	out, _ := f.sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(f.queueURL), WaitTimeSeconds: 1})
	if len(out.Messages) != 0 {
		t.Fatalf("unexpected message %q", aws.ToString(out.Messages[0].Body))
	}
}

func TestNotificationIsRefusedWhenTheTopicPolicyDoesNotLetS3Publish(t *testing.T) {
	_, srv := newTestServer(t)
	f := newFanout(t, awsConfig(srv), false, true)
	err := f.notify(context.Background())
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidArgument" || !strings.Contains(apiErr.ErrorMessage(), "Unable to validate the following destination configurations") {
		t.Fatalf("error = %v, want InvalidArgument: Unable to validate the following destination configurations", err)
	}
}

func TestSNSDropsMessagesTheQueuePolicyDoesNotAllow(t *testing.T) {
	_, srv := newTestServer(t)
	f := newFanout(t, awsConfig(srv), true, false)
	ctx := context.Background()
	if _, err := f.snsc.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(f.topic), Message: aws.String("hello")}); err != nil {
		t.Fatal(err)
	}
	out, err := f.sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(f.queueURL), WaitTimeSeconds: 1})
	if err != nil || len(out.Messages) != 0 {
		t.Fatalf("queue without a policy for the topic received %d messages (%v), want none", len(out.Messages), err)
	}
}

func TestAcknowledgedUploadIsDeliveredAfterRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := New(WithDataDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptestServer(t, s)
	f := newFanout(t, awsConfig(srv), true, true)
	ctx := context.Background()
	if err := f.notify(ctx); err != nil {
		t.Fatal(err)
	}
	f.receiveBodies(t, 1) // the TestEvent
	// Stop the dispatchers first, so the upload's notification stays in the outbox.
	s.pipeline.stop()
	if _, err := f.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String("uploads/late.txt"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	s.Close()

	s2, err := New(WithDataDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	srv2 := httptestServer(t, s2)
	f.sqsc = sqs.NewFromConfig(awsConfig(srv2))
	f.queueURL = strings.Replace(f.queueURL, srv.URL, srv2.URL, 1)
	body := f.receiveBodies(t, 1)[0]
	if !strings.Contains(body, "uploads/late.txt") {
		t.Fatalf("after restart got %q, want the notification of uploads/late.txt", body)
	}
}

func TestDeletesNotifyAQueueWithS3sObjectRemovedEvents(t *testing.T) {
	_, srv := newTestServer(t)
	f := newFanout(t, awsConfig(srv), true, false)
	ctx := context.Background()
	// The queue takes S3's events directly.
	if _, err := f.sqsc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(f.queueURL), Attributes: map[string]string{
		"Policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + f.queueARN + `","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::` + f.bucket + `"}}}]}`}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s3c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String(f.bucket),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{
			Id: aws.String("removed"), QueueArn: aws.String(f.queueARN), Events: []s3types.Event{"s3:ObjectRemoved:*"}}}},
	}); err != nil {
		t.Fatal(err)
	}
	f.receiveBodies(t, 1) // the s3:TestEvent
	if _, err := f.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String("old report.txt"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s3c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(f.bucket), Key: aws.String("old report.txt")}); err != nil {
		t.Fatal(err)
	}
	body := f.receiveBodies(t, 1)[0] // the PUT matched no configuration
	var ev struct {
		Records []struct {
			EventName string `json:"eventName"`
			S3        struct {
				ConfigurationID string         `json:"configurationId"`
				Object          map[string]any `json:"object"`
			} `json:"s3"`
		}
	}
	if err := json.Unmarshal([]byte(body), &ev); err != nil || len(ev.Records) != 1 {
		t.Fatalf("message %s (%v), want one S3 record", body, err)
	}
	r := ev.Records[0]
	_, hasSize := r.S3.Object["size"]
	_, hasETag := r.S3.Object["eTag"]
	if r.EventName != "ObjectRemoved:Delete" || r.S3.ConfigurationID != "removed" || r.S3.Object["key"] != "old+report.txt" ||
		r.S3.Object["sequencer"] == nil || hasSize || hasETag {
		t.Fatalf("record = %s, want ObjectRemoved:Delete of old+report.txt with a sequencer and no size or eTag", body)
	}
}

func TestAMessageItsQueueRefusesGoesToTheSubscriptionsDeadLetterQueue(t *testing.T) {
	for name, tc := range map[string]struct {
		queuePolicy bool
		queueAttrs  map[string]string
	}{
		"a queue whose policy lets no topic in":  {},
		"a queue that takes no message that big": {queuePolicy: true, queueAttrs: map[string]string{"MaximumMessageSize": "1024"}},
	} {
		t.Run(name, func(t *testing.T) { testRedrive(t, tc.queuePolicy, tc.queueAttrs) })
	}
}

func testRedrive(t *testing.T, queuePolicy bool, queueAttrs map[string]string) {
	_, srv := newTestServer(t)
	f := newFanout(t, awsConfig(srv), true, queuePolicy)
	ctx := context.Background()
	if queueAttrs != nil {
		if _, err := f.sqsc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(f.queueURL), Attributes: queueAttrs}); err != nil {
			t.Fatal(err)
		}
	}
	dlq, err := f.sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("pipe-dlq")})
	if err != nil {
		t.Fatal(err)
	}
	dlqARN := "arn:aws:sqs:us-east-1:000000000000:pipe-dlq"
	if _, err := f.sqsc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: dlq.QueueUrl, Attributes: map[string]string{
		"Policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + dlqARN + `","Condition":{"ArnEquals":{"aws:SourceArn":"` + f.topic + `"}}}]}`}}); err != nil {
		t.Fatal(err)
	}
	subs, err := f.snsc.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(f.topic)})
	if err != nil || len(subs.Subscriptions) != 1 {
		t.Fatalf("subscriptions %+v, %v", subs, err)
	}
	if _, err := f.snsc.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{SubscriptionArn: subs.Subscriptions[0].SubscriptionArn,
		AttributeName: aws.String("RedrivePolicy"), AttributeValue: aws.String(`{"deadLetterTargetArn":"` + dlqARN + `"}`)}); err != nil {
		t.Fatal(err)
	}
	msg := "undeliverable " + strings.Repeat("x", 2000) // over the small queue's 1,024 bytes
	if _, err := f.snsc.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(f.topic), Message: aws.String(msg)}); err != nil {
		t.Fatal(err)
	}
	out, err := f.sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 5})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("dead-letter queue: %+v, %v; want the message", out, err)
	}
	var env events.SNSEntity
	if err := json.Unmarshal([]byte(aws.ToString(out.Messages[0].Body)), &env); err != nil || env.Message != msg || env.TopicArn != f.topic {
		t.Fatalf("dead letter %s (%v), want the envelope of the published message", aws.ToString(out.Messages[0].Body), err)
	}
	if got, _ := f.sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(f.queueURL), WaitTimeSeconds: 1}); len(got.Messages) != 0 {
		t.Fatalf("the refusing queue got %q", aws.ToString(got.Messages[0].Body))
	}
}
