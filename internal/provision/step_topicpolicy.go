package provision

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// topicPolicyStep is the statement of the topic's policy that lets the
// bucket publish (AWS-RULES S6). It is merged by Sid into the policy SNS
// created with the topic, which is kept.
type topicPolicyStep struct{}

func (t *topicPolicyStep) want(o *op) statement {
	return topicPublishStatement(o.target.topicARN(o.cfg.TopicName()), o.target.bucketARN(o.bucket), o.target.Account)
}

func (t *topicPolicyStep) observe(ctx context.Context, o *op) (Observation, error) {
	attrs, err := topicAttributes(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if attrs == nil {
		return missing("topic missing"), nil
	}
	arn := o.target.topicARN(o.cfg.TopicName())
	if !hasStatement(attrs["Policy"], t.want(o)) {
		return observed(arn, []Diff{{Field: "Policy", Note: "topic policy differs: statement " + sidTopicPublish + " missing or changed"}}), nil
	}
	return observed(arn, nil), nil
}

func (t *topicPolicyStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	name, arn := o.cfg.TopicName(), o.target.topicARN(o.cfg.TopicName())
	attrs, err := topicAttributes(ctx, o)
	if err != nil {
		return "", "", err
	}
	if attrs == nil {
		return "", "", fmt.Errorf("set policy of topic %s: topic missing", name)
	}
	merged, changed, err := mergeStatement(attrs["Policy"], t.want(o))
	if err != nil {
		return "", "", fmt.Errorf("read policy of topic %s: %w", name, err)
	}
	if !changed {
		return Unchanged, arn, nil
	}
	_, err = o.clients.SNS.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{
		TopicArn: &arn, AttributeName: aws.String("Policy"), AttributeValue: &merged,
	})
	if err != nil {
		return "", "", fmt.Errorf("set policy of topic %s: %w", name, err)
	}
	if !hasSid(attrs["Policy"], sidTopicPublish) {
		return Created, arn, nil
	}
	return Updated, arn, nil
}

// delete removes the statement from the topic's policy, keeping the rest.
func (t *topicPolicyStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	name, arn := o.cfg.TopicName(), o.target.topicARN(o.cfg.TopicName())
	attrs, err := topicAttributes(ctx, o)
	if err != nil {
		return "", "", err
	}
	if attrs == nil {
		return Absent, "", nil
	}
	rest, found, err := removeStatement(attrs["Policy"], sidTopicPublish)
	if err != nil {
		return "", "", fmt.Errorf("read policy of topic %s: %w", name, err)
	}
	if !found {
		return Absent, "", nil
	}
	_, err = o.clients.SNS.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{
		TopicArn: &arn, AttributeName: aws.String("Policy"), AttributeValue: &rest,
	})
	if err != nil && !topicMissing(err) {
		return "", "", fmt.Errorf("remove statement %s from policy of topic %s: %w", sidTopicPublish, name, err)
	}
	return Deleted, "", nil
}
