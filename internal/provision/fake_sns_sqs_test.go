package provision

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

type fakeTopic struct {
	attrs map[string]string
	tags  map[string]string
}

type fakeSub struct {
	topic, endpoint string
	attrs           map[string]string
}

// defaultTopicPolicy is the shape of the policy SNS gives a new topic; the
// plan must keep its statement.
func defaultTopicPolicy(arn, account string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow",` +
		`"Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],"Resource":"` + arn +
		`","Condition":{"StringEquals":{"AWS:SourceOwner":"` + account + `"}}}]}`
}

type fakeSNS struct{ c *fakeCloud }

var _ SNSAPI = fakeSNS{}

func (f fakeSNS) topic(arn string) (*fakeTopic, error) {
	t := f.c.topics[arn]
	if t == nil {
		return nil, &snstypes.NotFoundException{Message: aws.String("Topic does not exist")}
	}
	return t, nil
}

func (f fakeSNS) CreateTopic(_ context.Context, in *sns.CreateTopicInput, _ ...func(*sns.Options)) (*sns.CreateTopicOutput, error) {
	err := f.c.call("SNS.CreateTopic", *in.Name)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	arn := "arn:aws:sns:" + f.c.region + ":" + f.c.account + ":" + *in.Name
	if f.c.topics[arn] == nil {
		t := &fakeTopic{attrs: map[string]string{"TopicArn": arn, "Policy": defaultTopicPolicy(arn, f.c.account)}, tags: map[string]string{}}
		for _, tag := range in.Tags {
			t.tags[*tag.Key] = *tag.Value
		}
		f.c.topics[arn] = t
	}
	return &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
}

func (f fakeSNS) GetTopicAttributes(_ context.Context, in *sns.GetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	err := f.c.call("SNS.GetTopicAttributes", *in.TopicArn)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	t, err := f.topic(*in.TopicArn)
	if err != nil {
		return nil, err
	}
	return &sns.GetTopicAttributesOutput{Attributes: copyTags(t.attrs)}, nil
}

func (f fakeSNS) SetTopicAttributes(_ context.Context, in *sns.SetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error) {
	err := f.c.call("SNS.SetTopicAttributes", *in.TopicArn+" "+*in.AttributeName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	t, err := f.topic(*in.TopicArn)
	if err != nil {
		return nil, err
	}
	t.attrs[*in.AttributeName] = aws.ToString(in.AttributeValue)
	return &sns.SetTopicAttributesOutput{}, nil
}

func (f fakeSNS) DeleteTopic(_ context.Context, in *sns.DeleteTopicInput, _ ...func(*sns.Options)) (*sns.DeleteTopicOutput, error) {
	err := f.c.call("SNS.DeleteTopic", *in.TopicArn)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	delete(f.c.topics, *in.TopicArn)
	for arn, s := range f.c.subs {
		if s.topic == *in.TopicArn {
			delete(f.c.subs, arn)
		}
	}
	return &sns.DeleteTopicOutput{}, nil
}

func (f fakeSNS) ListTagsForResource(_ context.Context, in *sns.ListTagsForResourceInput, _ ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error) {
	err := f.c.call("SNS.ListTagsForResource", *in.ResourceArn)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	t, err := f.topic(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &sns.ListTagsForResourceOutput{Tags: snsTags(t.tags)}, nil
}

func (f fakeSNS) TagResource(_ context.Context, in *sns.TagResourceInput, _ ...func(*sns.Options)) (*sns.TagResourceOutput, error) {
	err := f.c.call("SNS.TagResource", *in.ResourceArn)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	t, err := f.topic(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	for _, tag := range in.Tags {
		t.tags[*tag.Key] = *tag.Value
	}
	return &sns.TagResourceOutput{}, nil
}

func (f fakeSNS) Subscribe(_ context.Context, in *sns.SubscribeInput, _ ...func(*sns.Options)) (*sns.SubscribeOutput, error) {
	err := f.c.call("SNS.Subscribe", *in.Endpoint)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if _, err := f.topic(*in.TopicArn); err != nil {
		return nil, err
	}
	arn := *in.TopicArn + ":" + f.c.nextID()
	attrs := copyTags(in.Attributes)
	attrs["PendingConfirmation"] = "false"
	f.c.subs[arn] = &fakeSub{topic: *in.TopicArn, endpoint: *in.Endpoint, attrs: attrs}
	return &sns.SubscribeOutput{SubscriptionArn: aws.String(arn)}, nil
}

func (f fakeSNS) Unsubscribe(_ context.Context, in *sns.UnsubscribeInput, _ ...func(*sns.Options)) (*sns.UnsubscribeOutput, error) {
	err := f.c.call("SNS.Unsubscribe", *in.SubscriptionArn)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	delete(f.c.subs, *in.SubscriptionArn)
	return &sns.UnsubscribeOutput{}, nil
}

func (f fakeSNS) ListSubscriptionsByTopic(_ context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	err := f.c.call("SNS.ListSubscriptionsByTopic", *in.TopicArn)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if _, err := f.topic(*in.TopicArn); err != nil {
		return nil, err
	}
	out := &sns.ListSubscriptionsByTopicOutput{}
	for arn, s := range f.c.subs {
		if s.topic == *in.TopicArn {
			out.Subscriptions = append(out.Subscriptions, snstypes.Subscription{
				SubscriptionArn: aws.String(arn), Protocol: aws.String("sqs"), Endpoint: aws.String(s.endpoint), TopicArn: aws.String(s.topic),
			})
		}
	}
	return out, nil
}

// GetSubscriptionAttributes answers as SNS does: no FilterPolicy or
// FilterPolicyScope when no filter policy is set.
func (f fakeSNS) GetSubscriptionAttributes(_ context.Context, in *sns.GetSubscriptionAttributesInput, _ ...func(*sns.Options)) (*sns.GetSubscriptionAttributesOutput, error) {
	err := f.c.call("SNS.GetSubscriptionAttributes", *in.SubscriptionArn)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	s := f.c.subs[*in.SubscriptionArn]
	if s == nil {
		return nil, &snstypes.NotFoundException{Message: aws.String("Subscription does not exist")}
	}
	attrs := copyTags(s.attrs)
	if attrs["FilterPolicy"] == "" {
		delete(attrs, "FilterPolicy")
		delete(attrs, "FilterPolicyScope")
	}
	return &sns.GetSubscriptionAttributesOutput{Attributes: attrs}, nil
}

// SetSubscriptionAttributes refuses a nested filter policy under the
// MessageAttributes scope, as SNS does.
func (f fakeSNS) SetSubscriptionAttributes(_ context.Context, in *sns.SetSubscriptionAttributesInput, _ ...func(*sns.Options)) (*sns.SetSubscriptionAttributesOutput, error) {
	err := f.c.call("SNS.SetSubscriptionAttributes", *in.SubscriptionArn+" "+*in.AttributeName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	s := f.c.subs[*in.SubscriptionArn]
	if s == nil {
		return nil, &snstypes.NotFoundException{Message: aws.String("Subscription does not exist")}
	}
	v := aws.ToString(in.AttributeValue)
	if *in.AttributeName == "FilterPolicy" && strings.Contains(v, "Records") && s.attrs["FilterPolicyScope"] != filterPolicyScopeBody {
		return nil, &snstypes.InvalidParameterException{Message: aws.String("Filter policy scope MessageAttributes does not support nested filter policy")}
	}
	s.attrs[*in.AttributeName] = v
	return &sns.SetSubscriptionAttributesOutput{}, nil
}

type fakeQueue struct {
	url   string
	attrs map[string]string
	tags  map[string]string
}

type fakeSQS struct{ c *fakeCloud }

var _ SQSAPI = fakeSQS{}

func (f fakeSQS) byURL(url string) (*fakeQueue, error) {
	for _, q := range f.c.queues {
		if q.url == url {
			return q, nil
		}
	}
	return nil, &sqstypes.QueueDoesNotExist{Message: aws.String("The specified queue does not exist.")}
}

func (f fakeSQS) GetQueueUrl(_ context.Context, in *sqs.GetQueueUrlInput, _ ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	err := f.c.call("SQS.GetQueueUrl", *in.QueueName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	q := f.c.queues[*in.QueueName]
	if q == nil {
		return nil, &sqstypes.QueueDoesNotExist{Message: aws.String("The specified queue does not exist.")}
	}
	return &sqs.GetQueueUrlOutput{QueueUrl: aws.String(q.url)}, nil
}

// defaultQueueAttributes are what SQS gives a queue created without them.
var defaultQueueAttributes = map[string]string{
	"VisibilityTimeout": "30", "MessageRetentionPeriod": "345600", "SqsManagedSseEnabled": "true",
	"DelaySeconds": "0", "MaximumMessageSize": "262144",
}

func (f fakeSQS) CreateQueue(_ context.Context, in *sqs.CreateQueueInput, _ ...func(*sqs.Options)) (*sqs.CreateQueueOutput, error) {
	err := f.c.call("SQS.CreateQueue", *in.QueueName)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if q := f.c.queues[*in.QueueName]; q != nil {
		for k, v := range in.Attributes {
			if q.attrs[k] != v {
				return nil, &sqstypes.QueueNameExists{Message: aws.String("A queue already exists with the same name and a different value for attribute " + k)}
			}
		}
		return &sqs.CreateQueueOutput{QueueUrl: aws.String(q.url)}, nil
	}
	attrs := copyTags(defaultQueueAttributes)
	for k, v := range in.Attributes {
		attrs[k] = v
	}
	attrs["QueueArn"] = "arn:aws:sqs:" + f.c.region + ":" + f.c.account + ":" + *in.QueueName
	q := &fakeQueue{url: "https://sqs.local/" + f.c.account + "/" + *in.QueueName, attrs: attrs, tags: copyTags(in.Tags)}
	f.c.queues[*in.QueueName] = q
	return &sqs.CreateQueueOutput{QueueUrl: aws.String(q.url)}, nil
}

func (f fakeSQS) GetQueueAttributes(_ context.Context, in *sqs.GetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	err := f.c.call("SQS.GetQueueAttributes", *in.QueueUrl)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	q, err := f.byURL(*in.QueueUrl)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, n := range in.AttributeNames {
		if n == sqstypes.QueueAttributeNameAll {
			return &sqs.GetQueueAttributesOutput{Attributes: copyTags(q.attrs)}, nil
		}
		if v, ok := q.attrs[string(n)]; ok {
			out[string(n)] = v
		}
	}
	return &sqs.GetQueueAttributesOutput{Attributes: out}, nil
}

func (f fakeSQS) SetQueueAttributes(_ context.Context, in *sqs.SetQueueAttributesInput, _ ...func(*sqs.Options)) (*sqs.SetQueueAttributesOutput, error) {
	err := f.c.call("SQS.SetQueueAttributes", *in.QueueUrl+" "+strings.Join(sortedKeys(in.Attributes), ","))
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	q, err := f.byURL(*in.QueueUrl)
	if err != nil {
		return nil, err
	}
	for k, v := range in.Attributes {
		if v == "" {
			delete(q.attrs, k)
			continue
		}
		q.attrs[k] = v
	}
	return &sqs.SetQueueAttributesOutput{}, nil
}

func (f fakeSQS) ListQueueTags(_ context.Context, in *sqs.ListQueueTagsInput, _ ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error) {
	err := f.c.call("SQS.ListQueueTags", *in.QueueUrl)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	q, err := f.byURL(*in.QueueUrl)
	if err != nil {
		return nil, err
	}
	return &sqs.ListQueueTagsOutput{Tags: copyTags(q.tags)}, nil
}

func (f fakeSQS) TagQueue(_ context.Context, in *sqs.TagQueueInput, _ ...func(*sqs.Options)) (*sqs.TagQueueOutput, error) {
	err := f.c.call("SQS.TagQueue", *in.QueueUrl)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	q, err := f.byURL(*in.QueueUrl)
	if err != nil {
		return nil, err
	}
	for k, v := range in.Tags {
		q.tags[k] = v
	}
	return &sqs.TagQueueOutput{}, nil
}

func (f fakeSQS) DeleteQueue(_ context.Context, in *sqs.DeleteQueueInput, _ ...func(*sqs.Options)) (*sqs.DeleteQueueOutput, error) {
	err := f.c.call("SQS.DeleteQueue", *in.QueueUrl)
	defer f.c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	q, err := f.byURL(*in.QueueUrl)
	if err != nil {
		return nil, err
	}
	for name, v := range f.c.queues {
		if v == q {
			delete(f.c.queues, name)
		}
	}
	return &sqs.DeleteQueueOutput{}, nil
}
