package sns

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

const bodyFilter = `{"Records":{"s3":{"object":{"key":[{"suffix":".jpg"}]}}}}`

func TestSubscribeQueueIsConfirmedAtOnce(t *testing.T) {
	_, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	arn := subscribeQueue(t, c, topic, "q", map[string]string{
		"RawMessageDelivery": "true", "FilterPolicy": bodyFilter, "FilterPolicyScope": "MessageBody",
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:q-dlq"}`,
	})
	if !strings.HasPrefix(arn, topic+":") {
		t.Fatalf("SubscriptionArn = %q", arn)
	}
	out, err := c.GetSubscriptionAttributes(ctx(), &awssns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"PendingConfirmation": "false", "ConfirmationWasAuthenticated": "true", "Protocol": "sqs",
		"Endpoint": "arn:aws:sqs:us-east-1:000000000000:q", "TopicArn": topic, "RawMessageDelivery": "true",
		"FilterPolicy": bodyFilter, "FilterPolicyScope": "MessageBody", "Owner": "000000000000", "SubscriptionArn": arn,
	} {
		if out.Attributes[k] != want {
			t.Errorf("%s = %q, want %q", k, out.Attributes[k], want)
		}
	}
}

func TestSubscribeIsIdempotent(t *testing.T) {
	_, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	attrs := map[string]string{"RawMessageDelivery": "true"}
	a := subscribeQueue(t, c, topic, "q", attrs)
	b := subscribeQueue(t, c, topic, "q", attrs)
	if a != b {
		t.Errorf("second Subscribe = %q, want %q", b, a)
	}
	_, err := c.Subscribe(ctx(), &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:us-east-1:000000000000:q"), Attributes: map[string]string{"RawMessageDelivery": "false"}})
	wantErr[*snstypes.InvalidParameterException](t, err)
}

func TestSubscribeHTTPAwaitsConfirmation(t *testing.T) {
	_, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	in := &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("https"), Endpoint: aws.String("https://example.com/hook")}
	out, err := c.Subscribe(ctx(), in)
	if err != nil {
		t.Fatal(err)
	}
	if *out.SubscriptionArn != "pending confirmation" {
		t.Errorf("SubscriptionArn = %q", *out.SubscriptionArn)
	}
	in.ReturnSubscriptionArn = true
	out, err = c.Subscribe(ctx(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(*out.SubscriptionArn, topic+":") {
		t.Errorf("with ReturnSubscriptionArn, SubscriptionArn = %q", *out.SubscriptionArn)
	}
	attrs, err := c.GetTopicAttributes(ctx(), &awssns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if err != nil {
		t.Fatal(err)
	}
	if attrs.Attributes["SubscriptionsPending"] != "1" {
		t.Errorf("SubscriptionsPending = %q", attrs.Attributes["SubscriptionsPending"])
	}
}

func TestSubscribeRejectsBadInput(t *testing.T) {
	_, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	queue := "arn:aws:sqs:us-east-1:000000000000:q"
	tests := []struct {
		name               string
		protocol, endpoint string
		attrs              map[string]string
	}{
		{"an unknown protocol", "carrier-pigeon", queue, nil},
		{"an SQS endpoint that is not an ARN", "sqs", "https://sqs.us-east-1.amazonaws.com/000000000000/q", nil},
		{"an HTTP endpoint of the wrong scheme", "https", "http://example.com", nil},
		{"raw delivery that is not a boolean", "sqs", queue, map[string]string{"RawMessageDelivery": "yes"}},
		{"raw delivery to email", "email", "a@example.com", map[string]string{"RawMessageDelivery": "true"}},
		{"a filter policy that is not JSON", "sqs", queue, map[string]string{"FilterPolicy": "{"}},
		{"a filter policy with an unknown operator", "sqs", queue, map[string]string{"FilterPolicy": `{"a":[{"sufix":"x"}]}`}},
		{"a nested filter policy in attribute scope", "sqs", queue, map[string]string{"FilterPolicy": bodyFilter}},
		{"an unknown filter policy scope", "sqs", queue, map[string]string{"FilterPolicy": `{"a":["b"]}`, "FilterPolicyScope": "Body"}},
		{"a redrive policy without a target", "sqs", queue, map[string]string{"RedrivePolicy": `{}`}},
		{"an unknown attribute", "sqs", queue, map[string]string{"Colour": "red"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Subscribe(ctx(), &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String(tt.protocol),
				Endpoint: aws.String(tt.endpoint), Attributes: tt.attrs})
			wantErr[*snstypes.InvalidParameterException](t, err)
		})
	}
	_, err := c.Subscribe(ctx(), &awssns.SubscribeInput{TopicArn: aws.String(topic + "x"), Protocol: aws.String("sqs"), Endpoint: aws.String(queue)})
	wantErr[*snstypes.NotFoundException](t, err)
}

func TestSetSubscriptionAttributes(t *testing.T) {
	_, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	arn := subscribeQueue(t, c, topic, "q", nil)
	set := func(name, value string) error {
		_, err := c.SetSubscriptionAttributes(ctx(), &awssns.SetSubscriptionAttributesInput{SubscriptionArn: aws.String(arn),
			AttributeName: aws.String(name), AttributeValue: aws.String(value)})
		return err
	}
	// Setting a body-scope policy while the scope is still attributes is
	// refused; scope first, then the policy, works.
	wantErr[*snstypes.InvalidParameterException](t, set("FilterPolicy", bodyFilter))
	if err := set("FilterPolicyScope", "MessageBody"); err != nil {
		t.Fatal(err)
	}
	if err := set("FilterPolicy", bodyFilter); err != nil {
		t.Fatal(err)
	}
	if err := set("RawMessageDelivery", "true"); err != nil {
		t.Fatal(err)
	}
	wantErr[*snstypes.InvalidParameterException](t, set("FilterPolicyScope", "MessageAttributes"))
	wantErr[*snstypes.InvalidParameterException](t, set("Endpoint", "x"))
	out, err := c.GetSubscriptionAttributes(ctx(), &awssns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Attributes["FilterPolicy"] != bodyFilter || out.Attributes["RawMessageDelivery"] != "true" || out.Attributes["FilterPolicyScope"] != "MessageBody" {
		t.Errorf("attributes = %v", out.Attributes)
	}
	_, err = c.GetSubscriptionAttributes(ctx(), &awssns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(topic + ":nope")})
	wantErr[*snstypes.NotFoundException](t, err)
}

func TestUnsubscribeAndListSubscriptionsByTopic(t *testing.T) {
	_, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	a := subscribeQueue(t, c, topic, "a", nil)
	subscribeQueue(t, c, topic, "b", nil)
	if _, err := c.Unsubscribe(ctx(), &awssns.UnsubscribeInput{SubscriptionArn: aws.String(a)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Unsubscribe(ctx(), &awssns.UnsubscribeInput{SubscriptionArn: aws.String(a)}); err != nil {
		t.Errorf("second Unsubscribe: %v", err)
	}
	out, err := c.ListSubscriptionsByTopic(ctx(), &awssns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Subscriptions) != 1 || *out.Subscriptions[0].Endpoint != "arn:aws:sqs:us-east-1:000000000000:b" || *out.Subscriptions[0].Protocol != "sqs" {
		t.Errorf("subscriptions = %+v", out.Subscriptions)
	}
	attrs, err := c.GetTopicAttributes(ctx(), &awssns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if err != nil {
		t.Fatal(err)
	}
	if attrs.Attributes["SubscriptionsDeleted"] != "1" || attrs.Attributes["SubscriptionsConfirmed"] != "1" {
		t.Errorf("topic attributes = %v", attrs.Attributes)
	}
	_, err = c.ListSubscriptionsByTopic(ctx(), &awssns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic + "x")})
	wantErr[*snstypes.NotFoundException](t, err)
}
