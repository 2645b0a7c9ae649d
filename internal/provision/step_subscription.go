package provision

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/edasctl/edasctl/internal/config"
)

// filterPolicyScopeBody makes SNS match the filter policy against the
// message body, the S3 event JSON: S3 sets no SNS message attributes
// (AWS-RULES N6; https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering-scope.html).
const filterPolicyScopeBody = "MessageBody"

// filterPolicy renders a consumer's key filter as an SNS filter policy on
// the S3 event's Records[].s3.object.key, or "" for the zero filter. Nested
// objects in the policy address nested keys of the body, arrays in the body
// match when any element matches, and {"suffix": …} and {"prefix": …} are
// SNS's string matching operators, ORed within a key
// (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html,
// https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html).
// S3 URL-encodes keys in events (a space becomes "+"), so the configured
// values are encoded the same way: "uploads/My Photos/" matches the
// event's "uploads/My+Photos/…". NewPlan rejects a filter with both
// suffixes and prefixes, which would need AND on one key.
func filterPolicy(f config.Filter) string {
	if f.IsZero() {
		return ""
	}
	var conds []map[string]string
	for _, s := range f.Suffix {
		conds = append(conds, map[string]string{"suffix": eventKeyEncoding(s)})
	}
	for _, p := range f.Prefix {
		conds = append(conds, map[string]string{"prefix": eventKeyEncoding(p)})
	}
	doc := map[string]any{"Records": map[string]any{"s3": map[string]any{"object": map[string]any{"key": conds}}}}
	return canonJSON(doc)
}

// pendingConfirmation is the SubscriptionArn SNS lists for a subscription
// that is not confirmed yet.
const pendingConfirmation = "PendingConfirmation"

// subscriptionStep is a consumer queue's subscription to the topic, with
// raw delivery per configuration (N5) and the consumer's filter policy
// (N6). A same-account SQS subscription needs no confirmation (N2).
type subscriptionStep struct {
	consumer *config.Consumer
}

// wantAttributes returns the subscription attributes the plan sets.
func (s *subscriptionStep) wantAttributes(o *op) map[string]string {
	attrs := map[string]string{"RawMessageDelivery": strconv.FormatBool(o.cfg.Topic.RawMessageDelivery)}
	if fp := filterPolicy(s.consumer.Filter); fp != "" {
		attrs["FilterPolicyScope"] = filterPolicyScopeBody
		attrs["FilterPolicy"] = fp
	}
	return attrs
}

// find returns the ARN of the topic's subscription for the consumer's
// queue, "" when there is none, and whether the topic exists.
func (s *subscriptionStep) find(ctx context.Context, o *op) (string, bool, error) {
	topic := o.target.topicARN(o.cfg.TopicName())
	queue := o.target.queueARN(o.cfg.QueueName(s.consumer.Name))
	in := &sns.ListSubscriptionsByTopicInput{TopicArn: &topic}
	for {
		out, err := o.clients.SNS.ListSubscriptionsByTopic(ctx, in)
		if topicMissing(err) {
			return "", false, nil
		}
		if err != nil {
			return "", false, fmt.Errorf("list subscriptions of topic %s: %w", o.cfg.TopicName(), err)
		}
		for _, sub := range out.Subscriptions {
			if aws.ToString(sub.Protocol) == "sqs" && aws.ToString(sub.Endpoint) == queue {
				return aws.ToString(sub.SubscriptionArn), true, nil
			}
		}
		if out.NextToken == nil {
			return "", true, nil
		}
		in = &sns.ListSubscriptionsByTopicInput{TopicArn: &topic, NextToken: out.NextToken}
	}
}

// diff compares the subscription's attributes with the plan and returns
// the attributes to set, in the order they must be set: FilterPolicyScope
// before FilterPolicy, because a nested policy is refused under the default
// MessageAttributes scope (terraform-provider-aws#28193).
func (s *subscriptionStep) diff(o *op, have map[string]string) ([]Diff, [][2]string) {
	want := s.wantAttributes(o)
	var diffs []Diff
	var set [][2]string
	if have["RawMessageDelivery"] != want["RawMessageDelivery"] {
		diffs = append(diffs, Diff{Field: "RawMessageDelivery", Have: have["RawMessageDelivery"], Want: want["RawMessageDelivery"]})
		set = append(set, [2]string{"RawMessageDelivery", want["RawMessageDelivery"]})
	}
	wantFP := want["FilterPolicy"]
	if wantFP != "" && have["FilterPolicyScope"] != filterPolicyScopeBody {
		diffs = append(diffs, Diff{Field: "FilterPolicyScope", Have: have["FilterPolicyScope"], Want: filterPolicyScopeBody})
		set = append(set, [2]string{"FilterPolicyScope", filterPolicyScopeBody})
	}
	if !sameJSON(have["FilterPolicy"], wantFP) {
		d := Diff{Field: "FilterPolicy", Have: have["FilterPolicy"], Want: wantFP}
		if wantFP == "" {
			d.Want = "none"
		}
		diffs = append(diffs, d)
		// "" removes a filter policy (getmoto/moto#7251, checked against AWS).
		set = append(set, [2]string{"FilterPolicy", wantFP})
	}
	return diffs, set
}

// sameJSON compares two JSON documents by meaning; "" and "{}" both mean
// "no filter".
func sameJSON(a, b string) bool {
	norm := func(s string) string {
		if s == "" || s == "{}" {
			return ""
		}
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return s
		}
		return canonJSON(v)
	}
	return norm(a) == norm(b)
}

func (s *subscriptionStep) attributes(ctx context.Context, o *op, arn string) (map[string]string, error) {
	out, err := o.clients.SNS.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: &arn})
	if err != nil {
		return nil, fmt.Errorf("read subscription of queue %s: %w", o.cfg.QueueName(s.consumer.Name), err)
	}
	return out.Attributes, nil
}

func (s *subscriptionStep) observe(ctx context.Context, o *op) (Observation, error) {
	arn, topic, err := s.find(ctx, o)
	if err != nil {
		return Observation{}, err
	}
	if !topic {
		return missing("topic missing"), nil
	}
	if arn == "" {
		return missing("subscription missing"), nil
	}
	if arn == pendingConfirmation {
		return observed("", []Diff{{Field: "PendingConfirmation", Have: "true", Want: "false"}}), nil
	}
	have, err := s.attributes(ctx, o, arn)
	if err != nil {
		return Observation{}, err
	}
	diffs, _ := s.diff(o, have)
	if have["PendingConfirmation"] == "true" {
		diffs = append(diffs, Diff{Field: "PendingConfirmation", Have: "true", Want: "false"})
	}
	return observed(arn, diffs), nil
}

// ensure subscribes the queue with all attributes at once, or sets the
// differing ones. It runs after the queue policy step, so SNS may deliver
// as soon as the subscription exists (N3).
func (s *subscriptionStep) ensure(ctx context.Context, o *op) (Outcome, string, error) {
	queueName := o.cfg.QueueName(s.consumer.Name)
	arn, topic, err := s.find(ctx, o)
	if err != nil {
		return "", "", err
	}
	if !topic {
		return "", "", fmt.Errorf("subscribe queue %s: topic %s missing", queueName, o.cfg.TopicName())
	}
	if arn == "" {
		topicARN := o.target.topicARN(o.cfg.TopicName())
		out, err := o.clients.SNS.Subscribe(ctx, &sns.SubscribeInput{
			TopicArn:              &topicARN,
			Protocol:              aws.String("sqs"),
			Endpoint:              aws.String(o.target.queueARN(queueName)),
			Attributes:            s.wantAttributes(o),
			ReturnSubscriptionArn: true,
		})
		if err != nil {
			return "", "", fmt.Errorf("subscribe queue %s: %w", queueName, err)
		}
		return Created, aws.ToString(out.SubscriptionArn), nil
	}
	if arn == pendingConfirmation {
		return "", "", fmt.Errorf("subscribe queue %s: the subscription awaits confirmation, which a same-account SQS subscription never needs (AWS-RULES N2); check the queue's account", queueName)
	}
	have, err := s.attributes(ctx, o, arn)
	if err != nil {
		return "", "", err
	}
	_, set := s.diff(o, have)
	if len(set) == 0 {
		return Unchanged, arn, nil
	}
	for _, kv := range set {
		_, err := o.clients.SNS.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{
			SubscriptionArn: &arn, AttributeName: aws.String(kv[0]), AttributeValue: aws.String(kv[1]),
		})
		if err != nil {
			return "", "", fmt.Errorf("set %s of subscription of queue %s: %w", kv[0], queueName, err)
		}
	}
	return Updated, arn, nil
}

// delete unsubscribes the queue. A subscription has no tags of its own; it
// is this stack's when the topic is (a foreign topic's subscriptions are
// left alone).
func (s *subscriptionStep) delete(ctx context.Context, o *op) (Outcome, string, error) {
	arn, topic, err := s.find(ctx, o)
	if err != nil {
		return "", "", err
	}
	if !topic || arn == "" || arn == pendingConfirmation {
		return Absent, "", nil
	}
	tags, err := topicTags(ctx, o)
	if err != nil {
		return "", "", err
	}
	if !owned(o.cfg.Stack, tags) {
		return Kept, notOwnedReason("topic", o.cfg.Stack, tags), nil
	}
	if _, err := o.clients.SNS.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: &arn}); err != nil && !topicMissing(err) {
		return "", "", fmt.Errorf("unsubscribe queue %s: %w", o.cfg.QueueName(s.consumer.Name), err)
	}
	return Deleted, "", nil
}

// eventKeyEncoding encodes part of an object key as S3 encodes keys in event
// notifications: URL form encoding with "/" kept
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html:
// "The s3 key provides information about the bucket and object involved in
// the event. The object key name value is URL encoded.").
func eventKeyEncoding(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
}
