package localaws

// Regression tests for defects found in review: a lock cycle between bucket
// settings and uploads, and head-of-line blocking of S3 notifications.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func TestUploadsAndBucketSettingChangesNeverDeadlock(t *testing.T) {
	_, srv := newTestServer(t)
	f := newFanout(t, awsConfig(srv), true, true)
	ctx := context.Background()
	if err := f.notify(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 200; i++ {
					if g%2 == 0 {
						f.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String(fmt.Sprintf("uploads/%d-%d", g, i)), Body: strings.NewReader("x")})
					} else {
						f.s3c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(f.bucket), Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("k"), Value: aws.String(fmt.Sprint(i))}}}})
					}
				}
			}(g)
		}
		wg.Wait()
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("deadlock")
	}
}

func TestOneUndeliverableNotificationDoesNotHoldUpOthers(t *testing.T) {
	_, srv := newTestServer(t)
	cfg := awsConfig(srv)
	f := newFanout(t, cfg, true, true)
	ctx := context.Background()
	if err := f.notify(ctx); err != nil {
		t.Fatal(err)
	}
	f.receiveBodies(t, 1) // test event
	// A second bucket notifying a small queue directly.
	q, err := f.sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("small"), Attributes: map[string]string{"MaximumMessageSize": "1024"}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := f.sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
	qarn := a.Attributes["QueueArn"]
	_, err = f.sqsc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{"Policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + qarn + `"}]}`}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("other")}); err != nil {
		t.Fatal(err)
	}
	_, err = f.s3c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("other"),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{QueueArn: aws.String(qarn), Events: []s3types.Event{"s3:ObjectCreated:*"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("other"), Key: aws.String(strings.Repeat("k", 600)), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String("uploads/a.txt"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	out, err := f.sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(f.queueURL), WaitTimeSeconds: 5})
	if err != nil {
		t.Fatal(err)
	}
	_ = time.Second
	if len(out.Messages) == 0 {
		t.Fatal("the pipe-bucket upload's notification never arrived: blocked behind the undeliverable one")
	}
}
