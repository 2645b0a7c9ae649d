package provision

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// notificationEvent is the event the pipeline subscribes to: every way an
// object is created, including CompleteMultipartUpload, which `upload`
// uses for large files (AWS-RULES S10).
const notificationEvent = s3types.Event("s3:ObjectCreated:*")

// notificationStep is this stack's entry in the bucket's notification
// configuration: object-created events under the input prefix go to the
// topic. The entry is found by a stable Id, so configurations written by
// others are kept (read-merge-write; PutBucketNotificationConfiguration
// replaces the whole configuration, AWS-RULES S4).
type notificationStep struct{}

// notificationID is the stable Id of this stack's topic configuration.
func notificationID(o *op) string { return "edas-" + o.cfg.Stack + "-uploads" }

// readNotification returns the bucket's configuration and whether the
// bucket exists.
func readNotification(ctx context.Context, o *op) (*s3.GetBucketNotificationConfigurationOutput, bool, error) {
	out, err := o.clients.S3.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: &o.bucket})
	if bucketMissing(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read notification configuration of bucket %s: %w", o.bucket, err)
	}
	return out, true, nil
}

// want returns this stack's topic configuration.
func (n *notificationStep) want(o *op) s3types.TopicConfiguration {
	return s3types.TopicConfiguration{
		Id:       aws.String(notificationID(o)),
		TopicArn: aws.String(o.target.topicARN(o.cfg.TopicName())),
		Events:   []s3types.Event{notificationEvent},
		Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{
			FilterRules: []s3types.FilterRule{{Name: s3types.FilterRuleNamePrefix, Value: aws.String(o.cfg.Bucket.InputPrefix)}},
		}},
	}
}

// diffTopicConfig compares a topic configuration with the wanted one.
func diffTopicConfig(have, want s3types.TopicConfiguration) []Diff {
	var diffs []Diff
	if aws.ToString(have.TopicArn) != aws.ToString(want.TopicArn) {
		diffs = append(diffs, Diff{Field: "TopicArn", Have: aws.ToString(have.TopicArn), Want: aws.ToString(want.TopicArn)})
	}
	if !slices.Equal(have.Events, want.Events) {
		diffs = append(diffs, Diff{Field: "Events", Have: fmt.Sprint(have.Events), Want: fmt.Sprint(want.Events)})
	}
	if hp, wp := filterPrefix(have.Filter), filterPrefix(want.Filter); hp != wp {
		diffs = append(diffs, Diff{Field: "prefix", Have: hp, Want: wp})
	}
	return diffs
}

// filterPrefix returns the prefix rule of a key filter. S3 reports rule
// names in either case ("Prefix" or "prefix").
func filterPrefix(f *s3types.NotificationConfigurationFilter) string {
	if f == nil || f.Key == nil {
		return ""
	}
	for _, r := range f.Key.FilterRules {
		if r.Name == s3types.FilterRuleNamePrefix || r.Name == "Prefix" {
			return aws.ToString(r.Value)
		}
	}
	return ""
}

// find returns the index of this stack's entry, or -1.
func (n *notificationStep) find(o *op, cfgs []s3types.TopicConfiguration) int {
	return slices.IndexFunc(cfgs, func(c s3types.TopicConfiguration) bool { return aws.ToString(c.Id) == notificationID(o) })
}

func (n *notificationStep) observe(ctx context.Context, o *op) (Observation, error) {
	out, exists, err := readNotification(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if !exists {
		return missing("bucket missing"), nil
	}
	i := n.find(o, out.TopicConfigurations)
	if i < 0 {
		return missing("notification does not target the topic"), nil
	}
	return observed(o.target.bucketARN(o.bucket), diffTopicConfig(out.TopicConfigurations[i], n.want(o))), nil
}

// ensure writes the configuration with this stack's entry added or
// replaced and every other entry kept. S3 validates the destination when
// the configuration is written, by publishing a test notification; right
// after the topic policy was set that can fail with "Unable to validate the
// following destination configurations" until the policy propagates, so
// that error is retried within Timeouts.NotificationValidation (S5).
func (n *notificationStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	arn := o.target.bucketARN(o.bucket)
	out, exists, err := readNotification(ctx, o)
	if err != nil {
		return "", "", err
	}
	if !exists {
		return "", "", fmt.Errorf("set notification of bucket %s: bucket missing", o.bucket)
	}
	want := n.want(o)
	topics := slices.Clone(out.TopicConfigurations)
	outcome := Created
	if i := n.find(o, topics); i >= 0 {
		if len(diffTopicConfig(topics[i], want)) == 0 {
			return Unchanged, arn, nil
		}
		topics[i] = want
		outcome = Updated
	} else {
		topics = append(topics, want)
	}
	if err := putNotification(ctx, o, out, topics, true); err != nil {
		return "", "", err
	}
	return outcome, arn, nil
}

// putNotification writes the bucket's configuration with topics in place of
// its topic configurations, keeping the queue, Lambda and EventBridge ones.
func putNotification(ctx context.Context, o *op, cur *s3.GetBucketNotificationConfigurationOutput, topics []s3types.TopicConfiguration, retry bool) error {
	in := &s3.PutBucketNotificationConfigurationInput{
		Bucket: &o.bucket,
		NotificationConfiguration: &s3types.NotificationConfiguration{
			TopicConfigurations:          topics,
			QueueConfigurations:          cur.QueueConfigurations,
			LambdaFunctionConfigurations: cur.LambdaFunctionConfigurations,
			EventBridgeConfiguration:     cur.EventBridgeConfiguration,
		},
	}
	put := func() error {
		_, err := o.clients.S3.PutBucketNotificationConfiguration(ctx, in)
		return err
	}
	var err error
	if retry {
		err = o.retry.do(ctx, o.Timeouts.NotificationValidation, isNotificationValidation, o.wait,
			"S3 to validate topic "+o.cfg.TopicName()+" (its policy is propagating)", put)
	} else {
		err = put()
	}
	if err != nil {
		return fmt.Errorf("set notification of bucket %s: %w", o.bucket, err)
	}
	return nil
}

// delete removes this stack's entry and keeps the others. It runs before
// the topic is deleted, since a configuration naming a deleted topic makes
// later edits fail validation (AWS-RULES S14); for the same reason it is
// removed even when Down keeps the bucket.
func (n *notificationStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	out, exists, err := readNotification(ctx, o)
	if err != nil {
		return "", "", err
	}
	if !exists {
		return Absent, "", nil
	}
	i := n.find(o, out.TopicConfigurations)
	if i < 0 {
		return Absent, "", nil
	}
	if err := putNotification(ctx, o, out, slices.Delete(slices.Clone(out.TopicConfigurations), i, i+1), false); err != nil {
		return "", "", err
	}
	return Deleted, "", nil
}
