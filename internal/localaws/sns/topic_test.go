package sns

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/edasctl/edasctl/internal/localaws/policy"
)

func TestCreateTopicIsIdempotent(t *testing.T) {
	_, c := newTestService(t, Options{})
	a := createTopic(t, c, "edas-uploads")
	b := createTopic(t, c, "edas-uploads")
	if a != b || a != "arn:aws:sns:us-east-1:000000000000:edas-uploads" {
		t.Errorf("ARNs = %q, %q", a, b)
	}
	_, err := c.CreateTopic(ctx(), &awssns.CreateTopicInput{Name: aws.String("edas-uploads"),
		Attributes: map[string]string{"DisplayName": "other"}})
	wantErr[*snstypes.InvalidParameterException](t, err)
}

func TestCreateTopicRejectsBadInput(t *testing.T) {
	_, c := newTestService(t, Options{})
	tests := []struct {
		name  string
		input *awssns.CreateTopicInput
	}{
		{"a name with a dot", &awssns.CreateTopicInput{Name: aws.String("a.b")}},
		{"a name over 256 characters", &awssns.CreateTopicInput{Name: aws.String(strings.Repeat("a", 257))}},
		{"a FIFO topic", &awssns.CreateTopicInput{Name: aws.String("t.fifo")}},
		{"a FifoTopic attribute", &awssns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{"FifoTopic": "true"}}},
		{"an unknown attribute", &awssns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{"Colour": "red"}}},
		{"a malformed policy", &awssns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{"Policy": "{"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateTopic(ctx(), tt.input)
			wantErr[*snstypes.InvalidParameterException](t, err)
		})
	}
}

func TestGetTopicAttributesReportsDefaults(t *testing.T) {
	_, c := newTestService(t, Options{})
	arn := createTopic(t, c, "edas-uploads")
	subscribeQueue(t, c, arn, "q1", nil)
	out, err := c.GetTopicAttributes(ctx(), &awssns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	a := out.Attributes
	for k, want := range map[string]string{
		"TopicArn": arn, "Owner": "000000000000", "DisplayName": "", "SubscriptionsConfirmed": "1",
		"SubscriptionsPending": "0", "SubscriptionsDeleted": "0", "EffectiveDeliveryPolicy": defaultDeliveryPolicy,
	} {
		if a[k] != want {
			t.Errorf("%s = %q, want %q", k, a[k], want)
		}
	}
	doc, err := policy.Parse(a["Policy"], policy.Resource)
	if err != nil {
		t.Fatalf("default policy does not parse: %v", err)
	}
	if doc.ID != "__default_policy_ID" || doc.Statements[0].Sid != "__default_statement_ID" {
		t.Errorf("default policy = %s", a["Policy"])
	}
	owner := policy.Request{Principal: policy.Account("000000000000"), Action: "sns:Publish", Resource: arn,
		Context: map[string][]string{"aws:SourceOwner": {"000000000000"}}}
	if doc.Evaluate(owner) != policy.Allowed {
		t.Error("default policy does not let the owner publish")
	}
}

func TestSetTopicAttributes(t *testing.T) {
	_, c := newTestService(t, Options{})
	arn := createTopic(t, c, "t")
	const pol = `{"Version":"2012-10-17","Statement":[{"Sid":"S3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"SNS:Publish","Resource":"*"}]}`
	for k, v := range map[string]string{"DisplayName": "Uploads", "Policy": pol, "KmsMasterKeyId": "alias/aws/sns"} {
		if _, err := c.SetTopicAttributes(ctx(), &awssns.SetTopicAttributesInput{TopicArn: aws.String(arn),
			AttributeName: aws.String(k), AttributeValue: aws.String(v)}); err != nil {
			t.Fatalf("SetTopicAttributes %s: %v", k, err)
		}
	}
	out, err := c.GetTopicAttributes(ctx(), &awssns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Attributes["DisplayName"] != "Uploads" || out.Attributes["Policy"] != pol || out.Attributes["KmsMasterKeyId"] != "alias/aws/sns" {
		t.Errorf("attributes = %v", out.Attributes)
	}
	_, err = c.SetTopicAttributes(ctx(), &awssns.SetTopicAttributesInput{TopicArn: aws.String(arn),
		AttributeName: aws.String("Policy"), AttributeValue: aws.String(`{"Statement":{"Effect":"Allow","Action":"sns:Publish"}}`)})
	wantErr[*snstypes.InvalidParameterException](t, err)
	_, err = c.SetTopicAttributes(ctx(), &awssns.SetTopicAttributesInput{TopicArn: aws.String(arn + "x"),
		AttributeName: aws.String("DisplayName"), AttributeValue: aws.String("x")})
	wantErr[*snstypes.NotFoundException](t, err)
}

func TestListTopicsPaginates(t *testing.T) {
	_, c := newTestService(t, Options{})
	for i := range 105 {
		createTopic(t, c, fmt.Sprintf("t%03d", i))
	}
	var all []string
	pages := 0
	p := awssns.NewListTopicsPaginator(c, &awssns.ListTopicsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, tp := range out.Topics {
			all = append(all, *tp.TopicArn)
		}
	}
	if pages != 2 || len(all) != 105 || !strings.HasSuffix(all[104], ":t104") {
		t.Errorf("pages = %d, topics = %d", pages, len(all))
	}
	_, err := c.ListTopics(ctx(), &awssns.ListTopicsInput{NextToken: aws.String("!!")})
	wantErr[*snstypes.InvalidParameterException](t, err)
}

func TestDeleteTopicRemovesItsSubscriptions(t *testing.T) {
	_, c := newTestService(t, Options{})
	arn := createTopic(t, c, "t")
	other := createTopic(t, c, "other")
	subscribeQueue(t, c, arn, "q1", nil)
	subscribeQueue(t, c, other, "q2", nil)
	if _, err := c.DeleteTopic(ctx(), &awssns.DeleteTopicInput{TopicArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetTopicAttributes(ctx(), &awssns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	wantErr[*snstypes.NotFoundException](t, err)
	subs, err := c.ListSubscriptions(ctx(), &awssns.ListSubscriptionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(subs.Subscriptions) != 1 || *subs.Subscriptions[0].TopicArn != other {
		t.Errorf("subscriptions = %+v", subs.Subscriptions)
	}
	if _, err := c.DeleteTopic(ctx(), &awssns.DeleteTopicInput{TopicArn: aws.String(arn)}); err != nil {
		t.Errorf("deleting a deleted topic: %v", err)
	}
}

func TestTags(t *testing.T) {
	_, c := newTestService(t, Options{})
	out, err := c.CreateTopic(ctx(), &awssns.CreateTopicInput{Name: aws.String("t"),
		Tags: []snstypes.Tag{{Key: aws.String("edas:stack"), Value: aws.String("edas")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.TopicArn
	if _, err := c.TagResource(ctx(), &awssns.TagResourceInput{ResourceArn: arn,
		Tags: []snstypes.Tag{{Key: aws.String("edas:managed-by"), Value: aws.String("edasctl")}, {Key: aws.String("x"), Value: aws.String("1")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx(), &awssns.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListTagsForResource(ctx(), &awssns.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tg := range list.Tags {
		got[*tg.Key] = *tg.Value
	}
	if len(got) != 2 || got["edas:stack"] != "edas" || got["edas:managed-by"] != "edasctl" {
		t.Errorf("tags = %v", got)
	}
	_, err = c.ListTagsForResource(ctx(), &awssns.ListTagsForResourceInput{ResourceArn: aws.String(*arn + "x")})
	wantErr[*snstypes.ResourceNotFoundException](t, err)
	many := make([]snstypes.Tag, 51)
	for i := range many {
		many[i] = snstypes.Tag{Key: aws.String(fmt.Sprint(i)), Value: aws.String("v")}
	}
	_, err = c.TagResource(ctx(), &awssns.TagResourceInput{ResourceArn: arn, Tags: many})
	wantErr[*snstypes.TagLimitExceededException](t, err)
}

func TestListTopicsIsRegional(t *testing.T) {
	_, c := newTestService(t, Options{})
	east := createTopic(t, c, "t")
	west, err := c.CreateTopic(ctx(), &awssns.CreateTopicInput{Name: aws.String("t")}, func(o *awssns.Options) { o.Region = "eu-west-1" })
	if err != nil {
		t.Fatal(err)
	}
	if *west.TopicArn != "arn:aws:sns:eu-west-1:000000000000:t" {
		t.Fatalf("TopicArn = %s", *west.TopicArn)
	}
	subscribeQueue(t, c, east, "q", nil)
	out, err := c.ListTopics(ctx(), &awssns.ListTopicsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Topics) != 1 || *out.Topics[0].TopicArn != east {
		t.Errorf("us-east-1 topics = %+v", out.Topics)
	}
	subs, err := c.ListSubscriptions(ctx(), &awssns.ListSubscriptionsInput{}, func(o *awssns.Options) { o.Region = "eu-west-1" })
	if err != nil {
		t.Fatal(err)
	}
	if len(subs.Subscriptions) != 0 {
		t.Errorf("eu-west-1 subscriptions = %+v", subs.Subscriptions)
	}
}
