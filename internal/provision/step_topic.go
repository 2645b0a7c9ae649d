package provision

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// topicStep is the SNS topic the bucket notifies.
type topicStep struct{}

// topicMissing reports SNS's answer for a topic that does not exist.
func topicMissing(err error) bool {
	var nf *snstypes.NotFoundException
	return errors.As(err, &nf) || hasCode(err, "NotFound")
}

// topicAttributes returns the topic's attributes, or nil when it does not
// exist.
func topicAttributes(ctx context.Context, o *op) (map[string]string, error) {
	arn := o.target.topicARN(o.cfg.TopicName())
	out, err := o.clients.SNS.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: &arn})
	if topicMissing(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read topic %s: %w", o.cfg.TopicName(), err)
	}
	if out.Attributes == nil {
		return map[string]string{}, nil
	}
	return out.Attributes, nil
}

func topicTags(ctx context.Context, o *op) (map[string]string, error) {
	arn := o.target.topicARN(o.cfg.TopicName())
	out, err := o.clients.SNS.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: &arn})
	if err != nil {
		return nil, fmt.Errorf("read tags of topic %s: %w", o.cfg.TopicName(), err)
	}
	tags := make(map[string]string, len(out.Tags))
	for _, t := range out.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags, nil
}

func (t *topicStep) read(ctx context.Context, o *op) (exists bool, tags map[string]string, err error) {
	attrs, err := topicAttributes(ctx, o)
	if err != nil || attrs == nil {
		return false, nil, err
	}
	tags, err = topicTags(ctx, o)
	if err != nil {
		return false, nil, err
	}
	return true, tags, checkOwner("topic", o.cfg.TopicName(), o.cfg.Stack, tags)
}

func (t *topicStep) observe(ctx context.Context, o *op) (Observation, error) {
	exists, tags, err := t.read(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if !exists {
		return missing("topic missing"), nil
	}
	return observed(o.target.topicARN(o.cfg.TopicName()), tagDiffs(tags, o.cfg.ResourceTags())), nil
}

// ensure creates the topic with its tags, or adds missing tags. CreateTopic
// is idempotent for the same name and tags (AWS-RULES N1), but fails on an
// existing topic with other tags, so an existing topic is tagged instead.
func (t *topicStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	name, arn := o.cfg.TopicName(), o.target.topicARN(o.cfg.TopicName())
	exists, have, err := t.read(ctx, o)
	if err != nil {
		return "", "", err
	}
	want := o.cfg.ResourceTags()
	if !exists {
		out, err := o.clients.SNS.CreateTopic(ctx, &sns.CreateTopicInput{Name: &name, Tags: snsTags(want)})
		if err != nil {
			return "", "", fmt.Errorf("create topic %s: %w", name, err)
		}
		return Created, aws.ToString(out.TopicArn), nil
	}
	add := missingTags(have, want)
	if len(add) == 0 {
		return Unchanged, arn, nil
	}
	if _, err := o.clients.SNS.TagResource(ctx, &sns.TagResourceInput{ResourceArn: &arn, Tags: snsTags(add)}); err != nil {
		return "", "", fmt.Errorf("tag topic %s: %w", name, err)
	}
	return Updated, arn, nil
}

func snsTags(m map[string]string) []snstypes.Tag {
	out := make([]snstypes.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, snstypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// delete deletes the topic, which also removes its subscriptions.
func (t *topicStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	name, arn := o.cfg.TopicName(), o.target.topicARN(o.cfg.TopicName())
	attrs, err := topicAttributes(ctx, o)
	if err != nil {
		return "", "", err
	}
	if attrs == nil {
		return Absent, "", nil
	}
	tags, err := topicTags(ctx, o)
	if err != nil {
		return "", "", err
	}
	if !owned(o.cfg.Stack, tags) {
		return Kept, notOwnedReason("topic", o.cfg.Stack, tags), nil
	}
	if _, err := o.clients.SNS.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: &arn}); err != nil && !topicMissing(err) {
		return "", "", fmt.Errorf("delete topic %s: %w", name, err)
	}
	return Deleted, "", nil
}
