package localaws

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/edasctl/edasctl/internal/localaws/lambda/lambdatest"
)

// testRuntime zips the Lambda test runtime (lambda/testdata/bootstrap,
// which prints any event it does not know as "event <json>").
func testRuntime(t *testing.T) []byte {
	t.Helper()
	bin, err := lambdatest.Runtime()
	if err != nil {
		t.Fatal(err)
	}
	zipped, err := lambdatest.Zip(map[string][]byte{"bootstrap": bin})
	if err != nil {
		t.Fatal(err)
	}
	return zipped
}

// s3ToLambda is a bucket and a function running the test runtime, set up
// through the SDK as a user of S3 → Lambda notifications does.
type s3ToLambda struct {
	cfg           aws.Config
	s3c           *s3.Client
	fns           *lambda.Client
	bucket, fnARN string
}

func newS3ToLambda(t *testing.T, cfg aws.Config) *s3ToLambda {
	t.Helper()
	ctx := context.Background()
	x := &s3ToLambda{cfg: cfg, s3c: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		fns: lambda.NewFromConfig(cfg), bucket: "lambda-events"}
	if _, err := x.s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(x.bucket)}); err != nil {
		t.Fatal(err)
	}
	role, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("on-upload"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	fn, err := x.fns.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("on-upload"),
		Runtime: lambdatypes.RuntimeProvidedal2023, Role: role.Role.Arn, Code: &lambdatypes.FunctionCode{ZipFile: testRuntime(t)}})
	if err != nil {
		t.Fatal(err)
	}
	x.fnARN = aws.ToString(fn.FunctionArn)
	if err := lambda.NewFunctionActiveV2Waiter(x.fns).Wait(ctx, &lambda.GetFunctionInput{FunctionName: fn.FunctionArn}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	return x
}

func (x *s3ToLambda) permit(t *testing.T, sourceBucket string) {
	t.Helper()
	if _, err := x.fns.AddPermission(context.Background(), &lambda.AddPermissionInput{FunctionName: aws.String(x.fnARN),
		StatementId: aws.String("s3-" + sourceBucket), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
		SourceArn: aws.String("arn:aws:s3:::" + sourceBucket), SourceAccount: aws.String(DefaultAccount)}); err != nil {
		t.Fatal(err)
	}
}

func (x *s3ToLambda) notify(ctx context.Context) error {
	_, err := x.s3c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String(x.bucket),
		NotificationConfiguration: &s3types.NotificationConfiguration{LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{{
			Id: aws.String("to-fn"), LambdaFunctionArn: aws.String(x.fnARN), Events: []s3types.Event{"s3:ObjectCreated:*"},
			Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{{Name: "suffix", Value: aws.String(".txt")}}}},
		}}},
	})
	return err
}

// events waits until the function's log holds n "event" lines and
// returns them.
func (x *s3ToLambda) events(t *testing.T, n int) []string {
	t.Helper()
	logs := cloudwatchlogs.NewFromConfig(x.cfg)
	var lines []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		lines = nil
		out, err := logs.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName: aws.String("/aws/lambda/on-upload"), FilterPattern: aws.String(`"event "`)})
		var rnf interface{ ErrorCode() string }
		if errors.As(err, &rnf) && rnf.ErrorCode() == "ResourceNotFoundException" {
			continue // no invocation yet
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			lines = append(lines, aws.ToString(e.Message))
		}
		if len(lines) >= n {
			return lines
		}
	}
	t.Fatalf("the function logged %d events, want %d: %q", len(lines), n, lines)
	return nil
}

func TestUploadInvokesAFunctionThatLetsS3InvokeIt(t *testing.T) {
	_, srv := newTestServer(t)
	x := newS3ToLambda(t, awsConfig(srv))
	x.permit(t, x.bucket)
	ctx := context.Background()
	if err := x.notify(ctx); err != nil {
		t.Fatalf("PutBucketNotificationConfiguration: %v", err)
	}
	got, err := x.s3c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String(x.bucket)})
	if err != nil || len(got.LambdaFunctionConfigurations) != 1 || aws.ToString(got.LambdaFunctionConfigurations[0].LambdaFunctionArn) != x.fnARN {
		t.Fatalf("GetBucketNotificationConfiguration = %+v, %v; want the function", got, err)
	}
	for _, key := range []string{"notes/a b.txt", "notes/skipped.jpg"} {
		if _, err := x.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(x.bucket), Key: aws.String(key), Body: strings.NewReader("hi")}); err != nil {
			t.Fatal(err)
		}
	}
	lines := x.events(t, 1)
	// S3 sends no s3:TestEvent to a function; the .jpg matched no filter.
	time.Sleep(200 * time.Millisecond)
	if lines = x.events(t, 1); len(lines) != 1 {
		t.Fatalf("events %q, want only the .txt upload's", lines)
	}
	for _, want := range []string{`"eventSource":"aws:s3"`, `"eventName":"ObjectCreated:Put"`, `"key":"notes/a+b.txt"`,
		`"configurationId":"to-fn"`, `"name":"lambda-events"`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("event %s lacks %s", lines[0], want)
		}
	}
}

func TestNotificationToAFunctionIsRefusedWithoutItsPermission(t *testing.T) {
	_, srv := newTestServer(t)
	x := newS3ToLambda(t, awsConfig(srv))
	x.permit(t, "some-other-bucket")
	err := x.notify(context.Background())
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidArgument" || !strings.Contains(apiErr.ErrorMessage(), "Unable to validate the following destination configurations") {
		t.Fatalf("error = %v, want InvalidArgument: Unable to validate the following destination configurations", err)
	}
}

func TestNotificationsToAFunctionStopWhenItsPermissionIsRemoved(t *testing.T) {
	_, srv := newTestServer(t)
	x := newS3ToLambda(t, awsConfig(srv))
	x.permit(t, x.bucket)
	ctx := context.Background()
	if err := x.notify(ctx); err != nil {
		t.Fatal(err)
	}
	put := func(key string) {
		if _, err := x.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(x.bucket), Key: aws.String(key), Body: strings.NewReader("hi")}); err != nil {
			t.Fatal(err)
		}
	}
	put("first.txt")
	x.events(t, 1)
	if _, err := x.fns.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String(x.fnARN), StatementId: aws.String("s3-" + x.bucket)}); err != nil {
		t.Fatal(err)
	}
	put("second.txt")
	time.Sleep(300 * time.Millisecond)
	if lines := x.events(t, 1); len(lines) != 1 || strings.Contains(lines[0], "second.txt") {
		t.Fatalf("events %q: the upload after the permission was removed reached the function", lines)
	}
}

// queue creates a queue named name and returns its URL and ARN.
func (x *s3ToLambda) queue(t *testing.T, name string) (url, arn string) {
	t.Helper()
	q, err := sqs.NewFromConfig(x.cfg).CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(q.QueueUrl), "arn:aws:sqs:us-east-1:000000000000:" + name
}

// letRoleSend lets the function's role send messages to the queue arn.
func (x *s3ToLambda) letRoleSend(t *testing.T, arn string) {
	t.Helper()
	if _, err := iam.NewFromConfig(x.cfg).PutRolePolicy(context.Background(), &iam.PutRolePolicyInput{RoleName: aws.String("on-upload"),
		PolicyName:     aws.String("send"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + arn + `"}]}`)}); err != nil {
		t.Fatal(err)
	}
}

// invokeEvent invokes the function asynchronously with payload.
func (x *s3ToLambda) invokeEvent(t *testing.T, payload string) {
	t.Helper()
	if _, err := x.fns.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(x.fnARN),
		InvocationType: lambdatypes.InvocationTypeEvent, Payload: []byte(payload)}); err != nil {
		t.Fatal(err)
	}
}

// receiveOne long-polls the queue at url for its one message.
func (x *s3ToLambda) receiveOne(t *testing.T, url, what string) sqstypes.Message {
	t.Helper()
	out, err := sqs.NewFromConfig(x.cfg).ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
		WaitTimeSeconds: 10, MessageAttributeNames: []string{"All"}})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("%s: %+v, %v; want one message", what, out, err)
	}
	return out.Messages[0]
}

func TestAFailedAsynchronousInvocationLandsInTheFunctionsDeadLetterQueue(t *testing.T) {
	_, srv := newTestServer(t)
	ctx := context.Background()
	x := newS3ToLambda(t, awsConfig(srv))
	url, dlq := x.queue(t, "on-upload-dlq")
	setDLQ := func() error {
		_, err := x.fns.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(x.fnARN),
			DeadLetterConfig: &lambdatypes.DeadLetterConfig{TargetArn: aws.String(dlq)}})
		return err
	}
	// Without the permission to send to the queue, the configuration is refused.
	var bad *lambdatypes.InvalidParameterValueException
	if err := setDLQ(); !errors.As(err, &bad) {
		t.Fatalf("a dead-letter queue the role may not send to: %v, want InvalidParameterValueException", err)
	}
	x.letRoleSend(t, dlq)
	if err := setDLQ(); err != nil {
		t.Fatal(err)
	}
	if err := lambda.NewFunctionUpdatedV2Waiter(x.fns).Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(x.fnARN)}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := x.fns.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String(x.fnARN),
		MaximumRetryAttempts: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	payload := `{"op":"fail","msg":"boom"}`
	x.invokeEvent(t, payload)
	m := x.receiveOne(t, url, "dead-letter queue")
	attr := func(name string) string { return aws.ToString(m.MessageAttributes[name].StringValue) }
	if aws.ToString(m.Body) != payload || attr("ErrorCode") != "200" || attr("ErrorMessage") != "boom" ||
		attr("RequestID") == "" {
		t.Fatalf("dead letter body %q, attributes %+v; want the event with ErrorCode 200, ErrorMessage boom and its RequestID", aws.ToString(m.Body), m.MessageAttributes)
	}
}

func TestASuccessfulAsynchronousInvocationSendsItsRecordToTheOnSuccessQueue(t *testing.T) {
	_, srv := newTestServer(t)
	x := newS3ToLambda(t, awsConfig(srv))
	url, dest := x.queue(t, "on-upload-ok")
	x.letRoleSend(t, dest)
	if _, err := x.fns.PutFunctionEventInvokeConfig(context.Background(), &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String(x.fnARN),
		DestinationConfig: &lambdatypes.DestinationConfig{OnSuccess: &lambdatypes.OnSuccess{Destination: aws.String(dest)}}}); err != nil {
		t.Fatal(err)
	}
	x.invokeEvent(t, `{"op":"echo","hello":"world"}`)
	body := aws.ToString(x.receiveOne(t, url, "OnSuccess queue").Body)
	for _, want := range []string{`"condition":"Success"`, `"requestPayload":{"op":"echo","hello":"world"}`, `"responsePayload":{"op":"echo","hello":"world"}`} {
		if !strings.Contains(body, want) {
			t.Errorf("record %s lacks %s", body, want)
		}
	}
}

func TestATopicInvokesASubscribedFunctionThatLetsSNSInvokeIt(t *testing.T) {
	_, srv := newTestServer(t)
	cfg := awsConfig(srv)
	ctx := context.Background()
	x := newS3ToLambda(t, cfg)
	snsc := sns.NewFromConfig(cfg)
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("greetings")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("lambda"), Endpoint: aws.String(x.fnARN)}); err != nil {
		t.Fatal(err)
	}
	publish := func(msg string) {
		t.Helper()
		if _, err := snsc.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String(msg), Subject: aws.String("greeting"),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"lang": {DataType: aws.String("String"), StringValue: aws.String("en")}}}); err != nil {
			t.Fatal(err)
		}
	}
	publish("before the permission") // SNS may not invoke the function yet: dropped
	if _, err := x.fns.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(x.fnARN), StatementId: aws.String("sns"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("sns.amazonaws.com"), SourceArn: topic.TopicArn}); err != nil {
		t.Fatal(err)
	}
	publish("hello")
	lines := x.events(t, 1)
	time.Sleep(200 * time.Millisecond)
	if lines = x.events(t, 1); len(lines) != 1 {
		t.Fatalf("events %q, want only the message published after the permission", lines)
	}
	for _, want := range []string{`"EventSource":"aws:sns"`, `"EventSubscriptionArn":"` + aws.ToString(topic.TopicArn) + `:`, `"Message":"hello"`,
		`"Subject":"greeting"`, `"SigningCertUrl":"https://sns.us-east-1.amazonaws.com/`, `"UnsubscribeUrl":`, `"lang":{"Type":"String","Value":"en"}`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("event %s lacks %s", lines[0], want)
		}
	}
}
