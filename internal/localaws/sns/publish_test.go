package sns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

const jpgEvent = `{"Records":[{"s3":{"object":{"key":"uploads/cat.jpg"}}}]}`

func TestPublishStoresOneDeliveryPerMatchingSubscription(t *testing.T) {
	svc, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	all := subscribeQueue(t, c, topic, "catalog", nil)
	jpg := subscribeQueue(t, c, topic, "thumbnail", map[string]string{
		"FilterPolicy": bodyFilter, "FilterPolicyScope": "MessageBody", "RawMessageDelivery": "true"})
	if _, err := c.Subscribe(ctx(), &awssns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("https"),
		Endpoint: aws.String("https://example.com")}); err != nil {
		t.Fatal(err)
	}

	out, err := c.Publish(ctx(), &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(jpgEvent),
		Subject: aws.String("Amazon S3 Notification"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"kind":  {DataType: aws.String("String"), StringValue: aws.String("image")},
			"size":  {DataType: aws.String("Number"), StringValue: aws.String("42")},
			"blob":  {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2}},
			"sizes": {DataType: aws.String("String.Array"), StringValue: aws.String(`["a",1]`)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Publish(ctx(), &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"Records":[{"s3":{"object":{"key":"a.txt"}}}]}`)}); err != nil {
		t.Fatal(err)
	}

	pending := svc.Pending()
	if len(pending) != 3 { // jpg → both queues (the https one is unconfirmed); txt → catalog only
		t.Fatalf("pending = %d deliveries, want 3", len(pending))
	}
	bySub := map[string]Delivery{}
	for _, d := range pending[:2] {
		bySub[d.SubscriptionARN] = d
	}
	raw, env := bySub[jpg], bySub[all]
	if raw.Body != jpgEvent || !raw.Raw || raw.MessageAttributes["size"].StringValue != "42" || raw.Endpoint != "arn:aws:sqs:us-east-1:000000000000:thumbnail" {
		t.Errorf("raw delivery = %+v", raw)
	}
	var envelope map[string]any
	if err := json.Unmarshal([]byte(env.Body), &envelope); err != nil {
		t.Fatalf("envelope is not JSON: %v\n%s", err, env.Body)
	}
	if envelope["Type"] != "Notification" || envelope["Message"] != jpgEvent || envelope["MessageId"] != *out.MessageId ||
		envelope["Subject"] != "Amazon S3 Notification" || envelope["Timestamp"] != "2026-11-28T12:00:00.123Z" {
		t.Errorf("envelope = %v", envelope)
	}
	attrs, _ := envelope["MessageAttributes"].(map[string]any)
	if blob, _ := attrs["blob"].(map[string]any); blob["Type"] != "Binary" || blob["Value"] != "AQI=" {
		t.Errorf("envelope attributes = %v", attrs)
	}
	if n := svc.PublishedCount(topic); n != 2 {
		t.Errorf("PublishedCount = %d, want 2", n)
	}
}

func TestPublishRejectsBadInput(t *testing.T) {
	_, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	str := func(v string) snstypes.MessageAttributeValue {
		return snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	tests := []struct {
		name  string
		input *awssns.PublishInput
		check func(*testing.T, error)
	}{
		{"an empty message", &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("")},
			func(t *testing.T, err error) { wantErr[*snstypes.InvalidParameterException](t, err) }},
		{"a message over 256 KiB", &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(strings.Repeat("x", 256<<10+1))},
			func(t *testing.T, err error) { wantErr[*snstypes.InvalidParameterException](t, err) }},
		{"attributes pushing the message over 256 KiB", &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(strings.Repeat("x", 256<<10-5)),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"abc": str("defgh")}},
			func(t *testing.T, err error) { wantErr[*snstypes.InvalidParameterException](t, err) }},
		{"a subject with a line break", &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"), Subject: aws.String("a\nb")},
			func(t *testing.T, err error) { wantErr[*snstypes.InvalidParameterException](t, err) }},
		{"a JSON structure without default", &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"sqs":"x"}`), MessageStructure: aws.String("json")},
			func(t *testing.T, err error) { wantErr[*snstypes.InvalidParameterException](t, err) }},
		{"a Number attribute that is not a number", &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"n": {DataType: aws.String("Number"), StringValue: aws.String("ten")}}},
			func(t *testing.T, err error) { wantErr[*snstypes.InvalidParameterValueException](t, err) }},
		{"an unknown attribute type", &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"n": {DataType: aws.String("Blob"), StringValue: aws.String("x")}}},
			func(t *testing.T, err error) { wantErr[*snstypes.InvalidParameterValueException](t, err) }},
		{"a String.Array that is not an array", &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"n": {DataType: aws.String("String.Array"), StringValue: aws.String("x")}}},
			func(t *testing.T, err error) { wantErr[*snstypes.InvalidParameterValueException](t, err) }},
		{"a reserved attribute name", &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"AWS.x": str("v")}},
			func(t *testing.T, err error) { wantErr[*snstypes.InvalidParameterValueException](t, err) }},
		{"a topic that does not exist", &awssns.PublishInput{TopicArn: aws.String(topic + "x"), Message: aws.String("m")},
			func(t *testing.T, err error) { wantErr[*snstypes.NotFoundException](t, err) }},
		{"a topic ARN that is not an ARN", &awssns.PublishInput{TopicArn: aws.String("t"), Message: aws.String("m")},
			func(t *testing.T, err error) { wantErr[*snstypes.InvalidParameterException](t, err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Publish(ctx(), tt.input)
			tt.check(t, err)
		})
	}
}

func TestPublishJSONStructurePicksTheSQSMessage(t *testing.T) {
	svc, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	subscribeQueue(t, c, topic, "q", map[string]string{"RawMessageDelivery": "true"})
	if _, err := c.Publish(ctx(), &awssns.PublishInput{TopicArn: aws.String(topic), MessageStructure: aws.String("json"),
		Message: aws.String(`{"default":"d","sqs":"for queues"}`)}); err != nil {
		t.Fatal(err)
	}
	if p := svc.Pending(); len(p) != 1 || p[0].Body != "for queues" {
		t.Errorf("pending = %+v", p)
	}
}

func TestPublishBatch(t *testing.T) {
	svc, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	subscribeQueue(t, c, topic, "q", nil)
	out, err := c.PublishBatch(ctx(), &awssns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String("one")},
		{Id: aws.String("b"), Message: aws.String("two"), MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"n": {DataType: aws.String("Number"), StringValue: aws.String("x")}}},
		{Id: aws.String("c"), Message: aws.String("three")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 || *out.Successful[0].Id != "a" || *out.Successful[1].Id != "c" || out.Successful[0].MessageId == nil {
		t.Errorf("Successful = %+v", out.Successful)
	}
	if len(out.Failed) != 1 || *out.Failed[0].Id != "b" || *out.Failed[0].Code != "ParameterValueInvalid" || !out.Failed[0].SenderFault {
		t.Errorf("Failed = %+v", out.Failed)
	}
	if n := len(svc.Pending()); n != 2 {
		t.Errorf("pending = %d, want 2", n)
	}

	entries := func(ids ...string) []snstypes.PublishBatchRequestEntry {
		var es []snstypes.PublishBatchRequestEntry
		for _, id := range ids {
			es = append(es, snstypes.PublishBatchRequestEntry{Id: aws.String(id), Message: aws.String("m")})
		}
		return es
	}
	_, err = c.PublishBatch(ctx(), &awssns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: entries("a", "a")})
	wantErr[*snstypes.BatchEntryIdsNotDistinctException](t, err)
	_, err = c.PublishBatch(ctx(), &awssns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: entries("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")})
	wantErr[*snstypes.TooManyEntriesInBatchRequestException](t, err)
	_, err = c.PublishBatch(ctx(), &awssns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: entries("a b")})
	wantErr[*snstypes.InvalidBatchEntryIdException](t, err)
	_, err = c.PublishBatch(ctx(), &awssns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String(strings.Repeat("x", 200<<10))}, {Id: aws.String("b"), Message: aws.String(strings.Repeat("x", 100<<10))}}})
	wantErr[*snstypes.BatchRequestTooLongException](t, err)
}

func TestDeliverHookRemovesDeliveredEntries(t *testing.T) {
	var got []Delivery
	fail := true
	deliver := func(_ context.Context, d Delivery) error {
		if fail {
			return errors.New("queue unavailable")
		}
		got = append(got, d)
		return nil
	}
	svc, c := newTestService(t, Options{Deliver: deliver})
	topic := createTopic(t, c, "t")
	subscribeQueue(t, c, topic, "q", nil)
	if _, err := c.Publish(ctx(), &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")}); err != nil {
		t.Fatalf("Publish must succeed when delivery fails: %v", err)
	}
	p := svc.Pending()
	if len(p) != 1 || p[0].Attempts != 1 {
		t.Fatalf("after a failed delivery, pending = %+v", p)
	}
	fail = false
	if n, err := svc.DrainOutbox(ctx(), deliver); n != 1 || err != nil {
		t.Fatalf("DrainOutbox = %d, %v", n, err)
	}
	if _, err := c.Publish(ctx(), &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m2")}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(svc.Pending()) != 0 {
		t.Errorf("delivered %d, pending %d", len(got), len(svc.Pending()))
	}
}

func TestDrainOutboxDropsUndeliverable(t *testing.T) {
	svc, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	subscribeQueue(t, c, topic, "q", nil)
	if _, err := c.Publish(ctx(), &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-svc.OutboxReady():
	default:
		t.Error("OutboxReady did not signal the new delivery")
	}
	n, err := svc.DrainOutbox(ctx(), func(context.Context, Delivery) error {
		return fmt.Errorf("queue policy refuses the topic: %w", ErrUndeliverable)
	})
	if n != 1 || err != nil || len(svc.Pending()) != 0 {
		t.Errorf("DrainOutbox = %d, %v; pending %d", n, err, len(svc.Pending()))
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(testEnv(st))
	if err != nil {
		t.Fatal(err)
	}
	c := clientFor(t, svc)
	topic := createTopic(t, c, "t")
	if _, err := c.SetTopicAttributes(ctx(), &awssns.SetTopicAttributesInput{TopicArn: aws.String(topic),
		AttributeName: aws.String("DisplayName"), AttributeValue: aws.String("Uploads")}); err != nil {
		t.Fatal(err)
	}
	sub := subscribeQueue(t, c, topic, "q", map[string]string{"FilterPolicy": `{"kind":["image"]}`})
	for _, kind := range []string{"image", "text"} {
		if _, err := c.Publish(ctx(), &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(kind),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String(kind)}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st2, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	svc2, err := New(testEnv(st2))
	if err != nil {
		t.Fatal(err)
	}
	c2 := clientFor(t, svc2)
	attrs, err := c2.GetTopicAttributes(ctx(), &awssns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if err != nil {
		t.Fatal(err)
	}
	if attrs.Attributes["DisplayName"] != "Uploads" || attrs.Attributes["SubscriptionsConfirmed"] != "1" {
		t.Errorf("topic attributes after restart = %v", attrs.Attributes)
	}
	if subs, ok := svc2.Subscriptions(topic); !ok || len(subs) != 1 || subs[0].ARN != sub {
		t.Errorf("subscriptions after restart = %+v", subs)
	}
	p := svc2.Pending()
	if len(p) != 1 || p[0].Message != "image" || svc2.PublishedCount(topic) != 2 {
		t.Fatalf("after restart: pending %+v, count %d", p, svc2.PublishedCount(topic))
	}
	// The filter policy was restored too, and new outbox IDs follow the old.
	if _, err := c2.Publish(ctx(), &awssns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("image2"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("image")}}}); err != nil {
		t.Fatal(err)
	}
	p = svc2.Pending()
	if len(p) != 2 || p[1].Message != "image2" || p[1].ID <= p[0].ID {
		t.Errorf("pending = %+v", p)
	}
}

func TestPublishFromService(t *testing.T) {
	svc, c := newTestService(t, Options{})
	topic := createTopic(t, c, "t")
	subscribeQueue(t, c, topic, "q", nil)
	id, err := svc.PublishFromService(ctx(), topic, jpgEvent, "Amazon S3 Notification", nil)
	if err != nil || id == "" {
		t.Fatalf("PublishFromService = %q, %v", id, err)
	}
	if p := svc.Pending(); len(p) != 1 || p[0].MessageID != id || p[0].Subject != "Amazon S3 Notification" {
		t.Errorf("pending = %+v", p)
	}
	_, err = svc.PublishFromService(ctx(), topic+"x", "m", "", nil)
	if e := wantErr[*awsproto.Error](t, err); e.Code != "NotFound" {
		t.Errorf("code = %q", e.Code)
	}
	if doc, ok := svc.TopicPolicy(topic); !ok || !strings.Contains(doc, "__default_statement_ID") {
		t.Errorf("TopicPolicy = %q, %v", doc, ok)
	}
}
