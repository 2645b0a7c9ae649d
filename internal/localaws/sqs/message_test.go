package sqs

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func (f *fixture) receive(t testing.TB, url string, max int32, extra ...func(*sqs.ReceiveMessageInput)) []types.Message {
	t.Helper()
	in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: max,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"}}
	for _, e := range extra {
		e(in)
	}
	out, err := f.client.ReceiveMessage(ctx, in)
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	return out.Messages
}

func TestSentMessageIsReceivedWithItsAttributesAndChecksums(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	attrs := map[string]types.MessageAttributeValue{
		"Foo":        {DataType: aws.String("String"), StringValue: aws.String("Bar")},
		"Count":      {DataType: aws.String("Number"), StringValue: aws.String("1")},
		"blob":       {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2, 255}},
		"app.region": {DataType: aws.String("String.custom"), StringValue: aws.String("eu")},
	}
	sent, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url),
		MessageBody: aws.String("héllo\n\t✓ 😀"), MessageAttributes: attrs})
	if err != nil {
		t.Fatal(err) // the SDK also verifies MD5OfMessageBody here
	}
	msgs := f.receive(t, url, 10)
	if len(msgs) != 1 {
		t.Fatalf("received %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if aws.ToString(m.Body) != "héllo\n\t✓ 😀" || aws.ToString(m.MessageId) != aws.ToString(sent.MessageId) {
		t.Fatalf("received %q id %s, want the sent message %s", aws.ToString(m.Body), aws.ToString(m.MessageId), aws.ToString(sent.MessageId))
	}
	if aws.ToString(m.MD5OfMessageAttributes) != aws.ToString(sent.MD5OfMessageAttributes) || len(m.MessageAttributes) != 4 {
		t.Fatalf("attributes md5 %s (%d attrs), want %s", aws.ToString(m.MD5OfMessageAttributes), len(m.MessageAttributes), aws.ToString(sent.MD5OfMessageAttributes))
	}
	if got := m.MessageAttributes["blob"].BinaryValue; string(got) != "\x00\x01\x02\xff" {
		t.Errorf("binary attribute = %v", got)
	}
	want := map[string]string{"SenderId": testAccount, "ApproximateReceiveCount": "1",
		"SentTimestamp": strconv.FormatInt(epoch.UnixMilli(), 10), "ApproximateFirstReceiveTimestamp": strconv.FormatInt(epoch.UnixMilli(), 10)}
	for k, v := range want {
		if m.Attributes[k] != v {
			t.Errorf("system attribute %s = %q, want %q", k, m.Attributes[k], v)
		}
	}
}

func TestReceiveSelectsMessageAttributesByNameAndPrefix(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	str := func(v string) types.MessageAttributeValue {
		return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	_, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("b"),
		MessageAttributes: map[string]types.MessageAttributeValue{"foo.a": str("1"), "foo.b": str("2"), "bar": str("3"), "foox": str("4")}})
	if err != nil {
		t.Fatal(err)
	}
	m := f.receive(t, url, 1, func(in *sqs.ReceiveMessageInput) {
		in.MessageAttributeNames = []string{"foo.*", "bar"}
		in.MessageSystemAttributeNames = []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}
	})[0]
	if len(m.MessageAttributes) != 3 || m.MessageAttributes["foox"].StringValue != nil {
		t.Fatalf("selected attributes %v, want foo.a, foo.b and bar", m.MessageAttributes)
	}
	if len(m.Attributes) != 1 || m.Attributes["ApproximateReceiveCount"] != "1" {
		t.Fatalf("system attributes %v, want only ApproximateReceiveCount", m.Attributes)
	}
	if aws.ToString(m.MD5OfMessageAttributes) != md5OfAttributes(map[string]MessageAttribute{
		"foo.a": {DataType: "String", StringValue: "1"}, "foo.b": {DataType: "String", StringValue: "2"}, "bar": {DataType: "String", StringValue: "3"}}) {
		t.Errorf("MD5OfMessageAttributes does not cover the returned attributes")
	}
}

func TestSendMessageValidatesAsAWSDoes(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", map[string]string{"MaximumMessageSize": "1024"})
	str := func(v string) types.MessageAttributeValue {
		return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	many := map[string]types.MessageAttributeValue{}
	for i := range 11 {
		many["a"+strconv.Itoa(i)] = str("x")
	}
	for _, tc := range []struct {
		name  string
		body  string
		attrs map[string]types.MessageAttributeValue
		delay int32
		code  string
	}{
		{"an empty body", "", nil, 0, "MissingParameter"},
		{"a control character", "a\x01b", nil, 0, "InvalidMessageContents"},
		{"a body over the maximum size", strings.Repeat("x", 1025), nil, 0, "InvalidParameterValue"},
		{"attributes that push it over", strings.Repeat("x", 1000), map[string]types.MessageAttributeValue{"name": str(strings.Repeat("y", 30))}, 0, "InvalidParameterValue"},
		{"eleven attributes", "b", many, 0, "InvalidParameterValue"},
		{"a reserved attribute name", "b", map[string]types.MessageAttributeValue{"AWS.x": str("1")}, 0, "InvalidParameterValue"},
		{"an attribute without a value", "b", map[string]types.MessageAttributeValue{"a": {DataType: aws.String("String")}}, 0, "InvalidParameterValue"},
		{"a number that is not one", "b", map[string]types.MessageAttributeValue{"a": {DataType: aws.String("Number"), StringValue: aws.String("x")}}, 0, "InvalidParameterValue"},
		{"an unknown data type", "b", map[string]types.MessageAttributeValue{"a": {DataType: aws.String("Date"), StringValue: aws.String("x")}}, 0, "InvalidParameterValue"},
		{"a delay over 15 minutes", "b", nil, 901, "InvalidParameterValue"},
	} {
		_, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(tc.body),
			MessageAttributes: tc.attrs, DelaySeconds: tc.delay})
		if errorCode(err) != tc.code {
			t.Errorf("%s: code %q (%v), want %s", tc.name, errorCode(err), err, tc.code)
		}
	}
	var contents *types.InvalidMessageContents
	_, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("\uFFFF")})
	if !errors.As(err, &contents) {
		t.Errorf("U+FFFF: %v, want *types.InvalidMessageContents", err)
	}
}

func TestSendMessageBatchSendsEachValidEntry(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	out, err := f.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String("one")},
		{Id: aws.String("b"), MessageBody: aws.String("")},
		{Id: aws.String("c"), MessageBody: aws.String("three"), DelaySeconds: 10},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 || len(out.Failed) != 1 || aws.ToString(out.Failed[0].Id) != "b" || !out.Failed[0].SenderFault {
		t.Fatalf("successful %d, failed %+v; want a and c sent, b failed by the sender", len(out.Successful), out.Failed)
	}
	if got := f.attr(t, url, "ApproximateNumberOfMessages") + "/" + f.attr(t, url, "ApproximateNumberOfMessagesDelayed"); got != "1/1" {
		t.Fatalf("visible/delayed = %s, want 1/1", got)
	}
}

func TestBatchesAreCheckedAsAWholeFirst(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	entries := func(ids ...string) []types.SendMessageBatchRequestEntry {
		var out []types.SendMessageBatchRequestEntry
		for _, id := range ids {
			out = append(out, types.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: aws.String("x")})
		}
		return out
	}
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = "e" + strconv.Itoa(i)
	}
	big := []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String(strings.Repeat("x", 600_000))},
		{Id: aws.String("b"), MessageBody: aws.String(strings.Repeat("x", 600_000))},
	}
	for _, tc := range []struct {
		name    string
		entries []types.SendMessageBatchRequestEntry
		check   func(error) bool
	}{
		{"no entries", []types.SendMessageBatchRequestEntry{}, func(err error) bool { var e *types.EmptyBatchRequest; return errors.As(err, &e) }},
		{"eleven entries", entries(eleven...), func(err error) bool { var e *types.TooManyEntriesInBatchRequest; return errors.As(err, &e) }},
		{"repeated ids", entries("a", "a"), func(err error) bool { var e *types.BatchEntryIdsNotDistinct; return errors.As(err, &e) }},
		{"an id with a dot", entries("a.b"), func(err error) bool { var e *types.InvalidBatchEntryId; return errors.As(err, &e) }},
		{"over 1 MiB in total", big, func(err error) bool { var e *types.BatchRequestTooLong; return errors.As(err, &e) }},
	} {
		_, err := f.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: tc.entries})
		if !tc.check(err) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
	if n := f.attr(t, url, "ApproximateNumberOfMessages"); n != "0" {
		t.Fatalf("a refused batch sent %s messages", n)
	}
}

func TestReceiveValidatesItsParameters(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	for _, tc := range []struct {
		name string
		in   sqs.ReceiveMessageInput
	}{
		{"eleven messages", sqs.ReceiveMessageInput{MaxNumberOfMessages: 11}},
		{"a wait over 20 s", sqs.ReceiveMessageInput{WaitTimeSeconds: 21}},
		{"a negative visibility", sqs.ReceiveMessageInput{VisibilityTimeout: -1}},
	} {
		in := tc.in
		in.QueueUrl = aws.String(url)
		if _, err := f.client.ReceiveMessage(ctx, &in); errorCode(err) != "InvalidParameterValue" {
			t.Errorf("%s: %v, want InvalidParameterValue", tc.name, err)
		}
	}
}

func TestReceivedMessageStaysInvisibleForTheVisibilityTimeout(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", map[string]string{"VisibilityTimeout": "30"})
	f.send(t, url, "m")
	first := f.receive(t, url, 1)
	if len(first) != 1 {
		t.Fatal("first receive got nothing")
	}
	if got := f.attr(t, url, "ApproximateNumberOfMessagesNotVisible"); got != "1" {
		t.Fatalf("NotVisible = %s, want 1", got)
	}
	f.clock.Advance(29 * time.Second)
	if got := f.receive(t, url, 1); len(got) != 0 {
		t.Fatalf("received %d messages before the timeout", len(got))
	}
	f.clock.Advance(time.Second)
	again := f.receive(t, url, 1)
	if len(again) != 1 || again[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Fatalf("after the timeout: %d messages, receive count %v; want 1 with count 2", len(again), again)
	}
	if aws.ToString(again[0].ReceiptHandle) == aws.ToString(first[0].ReceiptHandle) {
		t.Fatal("the receipt handle did not change between receives")
	}
	if again[0].Attributes["ApproximateFirstReceiveTimestamp"] != first[0].Attributes["ApproximateFirstReceiveTimestamp"] {
		t.Error("ApproximateFirstReceiveTimestamp changed on the second receive")
	}
}

func TestDelayedMessageIsInvisibleUntilItsDelayPasses(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", map[string]string{"DelaySeconds": "5"})
	f.send(t, url, "m")
	if got := f.attr(t, url, "ApproximateNumberOfMessagesDelayed"); got != "1" {
		t.Fatalf("Delayed = %s, want 1", got)
	}
	if got := f.receive(t, url, 1); len(got) != 0 {
		t.Fatal("received a delayed message")
	}
	f.clock.Advance(5 * time.Second)
	if got := f.receive(t, url, 1); len(got) != 1 {
		t.Fatal("the message did not appear after its delay")
	}
}

func TestDeleteMessageHonoursOnlyTheLatestReceiptHandle(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", map[string]string{"VisibilityTimeout": "10"})
	f.send(t, url, "m")
	old := f.receive(t, url, 1)[0].ReceiptHandle
	f.clock.Advance(10 * time.Second)
	latest := f.receive(t, url, 1)[0].ReceiptHandle
	if _, err := f.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: old}); err != nil {
		t.Fatalf("delete with a stale handle: %v, want success as on AWS", err)
	}
	if got := f.attr(t, url, "ApproximateNumberOfMessagesNotVisible"); got != "1" {
		t.Fatalf("a stale handle deleted the message (NotVisible = %s)", got)
	}
	if _, err := f.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: latest}); err != nil {
		t.Fatal(err)
	}
	if got := f.attr(t, url, "ApproximateNumberOfMessagesNotVisible"); got != "0" {
		t.Fatalf("NotVisible after delete = %s, want 0", got)
	}
	if _, err := f.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: latest}); err != nil {
		t.Fatalf("deleting again: %v, want success", err)
	}
	var invalid *types.ReceiptHandleIsInvalid
	_, err := f.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String("garbage")})
	if !errors.As(err, &invalid) {
		t.Fatalf("garbage handle: %v, want ReceiptHandleIsInvalid", err)
	}
}

func TestDeleteMessageBatchReportsEachEntry(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	f.send(t, url, "a")
	f.send(t, url, "b")
	msgs := f.receive(t, url, 10)
	entries := []types.DeleteMessageBatchRequestEntry{
		{Id: aws.String("0"), ReceiptHandle: msgs[0].ReceiptHandle},
		{Id: aws.String("1"), ReceiptHandle: msgs[1].ReceiptHandle},
		{Id: aws.String("bad"), ReceiptHandle: aws.String("AQEBnot-a-handle")},
	}
	out, err := f.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 || len(out.Failed) != 1 || aws.ToString(out.Failed[0].Code) != "ReceiptHandleIsInvalid" {
		t.Fatalf("successful %d, failed %+v", len(out.Successful), out.Failed)
	}
	if got := f.attr(t, url, "ApproximateNumberOfMessagesNotVisible"); got != "0" {
		t.Fatalf("NotVisible = %s after deleting both", got)
	}
}

func TestChangeMessageVisibilityMovesTheTimeout(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	f.send(t, url, "m")
	h := f.receive(t, url, 1)[0].ReceiptHandle
	if _, err := f.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: h, VisibilityTimeout: 300}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(299 * time.Second)
	if len(f.receive(t, url, 1)) != 0 {
		t.Fatal("visible before the extended timeout")
	}
	if _, err := f.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: h, VisibilityTimeout: 0}); err != nil {
		t.Fatal(err)
	}
	if got := f.attr(t, url, "ApproximateNumberOfMessages"); got != "1" {
		t.Fatalf("a visibility of 0 left %s messages visible, want 1", got)
	}
	_, err := f.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: h, VisibilityTimeout: 10})
	var notInflight *types.MessageNotInflight
	if !errors.As(err, &notInflight) {
		t.Fatalf("changing a visible message: %v, want MessageNotInflight", err)
	}
	f.receive(t, url, 1)
	_, err = f.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: h, VisibilityTimeout: 10})
	if errorCode(err) != "InvalidParameterValue" {
		t.Fatalf("changing with a stale handle: %v, want InvalidParameterValue", err)
	}
}

func TestChangeMessageVisibilityBatchReportsEachEntry(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	f.send(t, url, "a")
	f.send(t, url, "b")
	msgs := f.receive(t, url, 10)
	out, err := f.client.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url),
		Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
			{Id: aws.String("a"), ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 0},
			{Id: aws.String("b"), ReceiptHandle: msgs[1].ReceiptHandle, VisibilityTimeout: 43201},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 1 || len(out.Failed) != 1 || aws.ToString(out.Failed[0].Id) != "b" {
		t.Fatalf("successful %+v failed %+v", out.Successful, out.Failed)
	}
	if got := f.attr(t, url, "ApproximateNumberOfMessages"); got != "1" {
		t.Fatalf("visible = %s, want 1", got)
	}
}

func TestLongPollReturnsTheMomentAMessageArrives(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	got := make(chan []types.Message, 1)
	go func() {
		out, err := f.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20})
		if err != nil {
			t.Error(err)
		}
		got <- out.Messages
	}()
	f.waitPollers(t, "q", 1)
	f.send(t, url, "wake up") // the fake clock never moves: only the send can end the poll
	if msgs := <-got; len(msgs) != 1 || aws.ToString(msgs[0].Body) != "wake up" {
		t.Fatalf("long poll returned %v", msgs)
	}
}

func TestLongPollReturnsEmptyWhenTheWaitPasses(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", map[string]string{"ReceiveMessageWaitTimeSeconds": "5"})
	got := make(chan int, 1)
	go func() {
		out, err := f.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url)})
		if err != nil {
			t.Error(err)
		}
		got <- len(out.Messages)
	}()
	f.waitPollers(t, "q", 1)
	f.clock.Advance(5 * time.Second)
	if n := <-got; n != 0 {
		t.Fatalf("received %d messages", n)
	}
}

func TestLongPollWakesWhenADelayedMessageBecomesVisible(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", nil)
	_, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("later"), DelaySeconds: 3})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan int, 1)
	go func() {
		out, err := f.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20})
		if err != nil {
			t.Error(err)
		}
		got <- len(out.Messages)
	}()
	f.waitPollers(t, "q", 1)
	f.clock.Advance(3 * time.Second)
	if n := <-got; n != 1 {
		t.Fatalf("received %d messages, want the delayed one", n)
	}
}

func TestMessagesExpireAfterTheRetentionPeriod(t *testing.T) {
	f := newFixture(t)
	url := f.createQueue(t, "q", map[string]string{"MessageRetentionPeriod": "60"})
	f.send(t, url, "old")
	f.clock.Advance(30 * time.Second)
	f.send(t, url, "new")
	f.clock.Advance(30 * time.Second)
	if got := f.attr(t, url, "ApproximateNumberOfMessages"); got != "1" {
		t.Fatalf("visible = %s after the first expired, want 1", got)
	}
	msgs := f.receive(t, url, 10)
	if len(msgs) != 1 || aws.ToString(msgs[0].Body) != "new" {
		t.Fatalf("received %v, want only the new message", msgs)
	}
}

func TestMessageMovesToTheDeadLetterQueueAfterMaxReceiveCount(t *testing.T) {
	f := newFixture(t)
	dlq := f.createQueue(t, "dlq", nil)
	src := f.createQueue(t, "src", map[string]string{"VisibilityTimeout": "1",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + arnOf("dlq") + `","maxReceiveCount":2}`})
	_, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(src), MessageBody: aws.String("poison"),
		MessageAttributes: map[string]types.MessageAttributeValue{"k": {DataType: aws.String("String"), StringValue: aws.String("v")}}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		if got := f.receive(t, src, 1); len(got) != 1 {
			t.Fatalf("receive %d got nothing", i)
		}
		f.clock.Advance(time.Second)
	}
	if got := f.receive(t, src, 1); len(got) != 0 {
		t.Fatalf("the third receive delivered %q instead of dead-lettering it", aws.ToString(got[0].Body))
	}
	if got := f.attr(t, src, "ApproximateNumberOfMessages") + f.attr(t, src, "ApproximateNumberOfMessagesNotVisible"); got != "00" {
		t.Fatalf("source still holds messages: %s", got)
	}
	moved := f.receive(t, dlq, 10)
	if len(moved) != 1 || aws.ToString(moved[0].Body) != "poison" || aws.ToString(moved[0].MessageAttributes["k"].StringValue) != "v" {
		t.Fatalf("dead-letter queue holds %v", moved)
	}
	if moved[0].Attributes["DeadLetterQueueSourceArn"] != arnOf("src") {
		t.Errorf("DeadLetterQueueSourceArn = %q", moved[0].Attributes["DeadLetterQueueSourceArn"])
	}
}
