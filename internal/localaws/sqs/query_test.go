package sqs

import (
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// query POSTs a query-protocol request signed for sqs to path and returns
// the status and XML body.
func (f *fixture) query(t testing.TB, path string, params url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(params.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260102/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// mustQuery is query that expects a 200 and the <Action>Response root.
func (f *fixture) mustQuery(t testing.TB, path string, params url.Values) string {
	t.Helper()
	status, body := f.query(t, path, params)
	if status != http.StatusOK {
		t.Fatalf("%s: status %d: %s", params.Get("Action"), status, body)
	}
	if root := xmlValues(t, body, ""); len(root) == 0 {
		t.Fatalf("%s: not XML: %s", params.Get("Action"), body)
	}
	if !strings.Contains(body, "<"+params.Get("Action")+`Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/">`) ||
		!strings.Contains(body, "<ResponseMetadata><RequestId>") {
		t.Fatalf("%s: response shape: %s", params.Get("Action"), body)
	}
	return body
}

// xmlValues returns the text of every element whose path from the root ends
// with path (elements joined by "/"); "" matches the root.
func xmlValues(t testing.TB, body, path string) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(body))
	var stack []string
	var text []string
	var out []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("parse XML: %v: %s", err, body)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tk.Name.Local)
			text = append(text, "")
		case xml.CharData:
			if len(text) > 0 {
				text[len(text)-1] += string(tk)
			}
		case xml.EndElement:
			p := strings.Join(stack, "/")
			if path == "" && len(stack) == 1 || path != "" && (p == path || strings.HasSuffix(p, "/"+path)) {
				out = append(out, text[len(text)-1])
			}
			stack, text = stack[:len(stack)-1], text[:len(text)-1]
		}
	}
}

func one(t testing.TB, body, path string) string {
	t.Helper()
	v := xmlValues(t, body, path)
	if len(v) != 1 {
		t.Fatalf("%s: %d values in %s", path, len(v), body)
	}
	return v[0]
}

func form(kv ...string) url.Values {
	v := url.Values{"Version": {"2012-11-05"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestQueryProtocolServesTheQueueLifecycle(t *testing.T) {
	f := newFixture(t)
	body := f.mustQuery(t, "/", form("Action", "CreateQueue", "QueueName", "dlq"))
	body = f.mustQuery(t, "/", form("Action", "CreateQueue", "QueueName", "q",
		"Attribute.1.Name", "VisibilityTimeout", "Attribute.1.Value", "45",
		"Attribute.2.Name", "RedrivePolicy", "Attribute.2.Value", `{"deadLetterTargetArn":"`+arnOf("dlq")+`","maxReceiveCount":4}`,
		"Tag.1.Key", "team", "Tag.1.Value", "a"))
	qurl := one(t, body, "CreateQueueResult/QueueUrl")
	if qurl != f.srv.URL+"/"+testAccount+"/q" {
		t.Fatalf("QueueUrl = %s", qurl)
	}
	body = f.mustQuery(t, "/", form("Action", "GetQueueUrl", "QueueName", "q"))
	if one(t, body, "GetQueueUrlResult/QueueUrl") != qurl {
		t.Fatal("GetQueueUrl differs from CreateQueue")
	}
	body = f.mustQuery(t, "/", form("Action", "ListQueues", "QueueNamePrefix", ""))
	if urls := xmlValues(t, body, "ListQueuesResult/QueueUrl"); len(urls) != 2 {
		t.Fatalf("ListQueues QueueUrl elements = %v", urls)
	}
	body = f.mustQuery(t, "/", form("Action", "ListQueues", "MaxResults", "1"))
	if tok := one(t, body, "ListQueuesResult/NextToken"); tok == "" {
		t.Fatal("no NextToken with MaxResults 1")
	}
	body = f.mustQuery(t, "/", form("Action", "GetQueueAttributes", "QueueUrl", qurl, "AttributeName.1", "VisibilityTimeout", "AttributeName.2", "QueueArn"))
	names, values := xmlValues(t, body, "Attribute/Name"), xmlValues(t, body, "Attribute/Value")
	if strings.Join(names, ",") != "QueueArn,VisibilityTimeout" || values[1] != "45" {
		t.Fatalf("attributes %v = %v", names, values)
	}
	f.mustQuery(t, "/", form("Action", "SetQueueAttributes", "QueueUrl", qurl, "Attribute.1.Name", "DelaySeconds", "Attribute.1.Value", "2"))
	if got := f.attr(t, qurl, "DelaySeconds"); got != "2" {
		t.Fatalf("DelaySeconds = %s after SetQueueAttributes", got)
	}
	f.mustQuery(t, "/", form("Action", "TagQueue", "QueueUrl", qurl, "Tag.1.Key", "env", "Tag.1.Value", "dev"))
	f.mustQuery(t, "/", form("Action", "UntagQueue", "QueueUrl", qurl, "TagKey.1", "team"))
	body = f.mustQuery(t, "/", form("Action", "ListQueueTags", "QueueUrl", qurl))
	if one(t, body, "ListQueueTagsResult/Tag/Key") != "env" || one(t, body, "Tag/Value") != "dev" {
		t.Fatalf("tags: %s", body)
	}
	body = f.mustQuery(t, "/", form("Action", "ListDeadLetterSourceQueues", "QueueUrl", f.srv.URL+"/"+testAccount+"/dlq"))
	if one(t, body, "ListDeadLetterSourceQueuesResult/QueueUrl") != qurl {
		t.Fatalf("dead-letter sources: %s", body)
	}
	f.mustQuery(t, "/", form("Action", "PurgeQueue", "QueueUrl", qurl))
	f.mustQuery(t, "/", form("Action", "DeleteQueue", "QueueUrl", qurl))
	status, body := f.query(t, "/", form("Action", "GetQueueUrl", "QueueName", "q"))
	if status != http.StatusBadRequest || one(t, body, "ErrorResponse/Error/Code") != "AWS.SimpleQueueService.NonExistentQueue" ||
		one(t, body, "Error/Type") != "Sender" || one(t, body, "ErrorResponse/RequestId") == "" {
		t.Fatalf("deleted queue: %d %s", status, body)
	}
}

func TestQueryProtocolSendsReceivesAndDeletesAtTheQueueURL(t *testing.T) {
	f := newFixture(t)
	f.mustQuery(t, "/", form("Action", "CreateQueue", "QueueName", "q"))
	path := "/" + testAccount + "/q" // older clients POST to the queue URL and send no QueueUrl
	body := f.mustQuery(t, path, form("Action", "SendMessage", "MessageBody", "<hi & bye>\r\n",
		"MessageAttribute.1.Name", "Foo", "MessageAttribute.1.Value.DataType", "String", "MessageAttribute.1.Value.StringValue", "Bar",
		"MessageAttribute.2.Name", "Count", "MessageAttribute.2.Value.DataType", "Number", "MessageAttribute.2.Value.StringValue", "1",
		"MessageAttribute.3.Name", "Blob", "MessageAttribute.3.Value.DataType", "Binary", "MessageAttribute.3.Value.BinaryValue", base64.StdEncoding.EncodeToString([]byte{1, 2})))
	if one(t, body, "SendMessageResult/MD5OfMessageBody") != md5Hex("<hi & bye>\r\n") || one(t, body, "SendMessageResult/MessageId") == "" {
		t.Fatalf("SendMessage: %s", body)
	}
	sentAttrMD5 := one(t, body, "SendMessageResult/MD5OfMessageAttributes")
	body = f.mustQuery(t, path, form("Action", "SendMessageBatch",
		"SendMessageBatchRequestEntry.1.Id", "a", "SendMessageBatchRequestEntry.1.MessageBody", "one",
		"SendMessageBatchRequestEntry.2.Id", "b", "SendMessageBatchRequestEntry.2.MessageBody", "",
		"SendMessageBatchRequestEntry.3.Id", "c", "SendMessageBatchRequestEntry.3.MessageBody", "three",
		"SendMessageBatchRequestEntry.3.MessageAttribute.1.Name", "k", "SendMessageBatchRequestEntry.3.MessageAttribute.1.Value.DataType", "String",
		"SendMessageBatchRequestEntry.3.MessageAttribute.1.Value.StringValue", "v"))
	if ids := xmlValues(t, body, "SendMessageBatchResultEntry/Id"); strings.Join(ids, ",") != "a,c" {
		t.Fatalf("batch successes %v: %s", ids, body)
	}
	if one(t, body, "BatchResultErrorEntry/Id") != "b" || one(t, body, "BatchResultErrorEntry/SenderFault") != "true" {
		t.Fatalf("batch failure: %s", body)
	}
	body = f.mustQuery(t, path, form("Action", "ReceiveMessage", "MaxNumberOfMessages", "10", "VisibilityTimeout", "0",
		"AttributeName.1", "All", "MessageAttributeName.1", "All"))
	if bodies := xmlValues(t, body, "ReceiveMessageResult/Message/Body"); len(bodies) != 3 {
		t.Fatalf("received %v", bodies)
	}
	// With visibility 0 the messages stay visible; take the first one again for a stable order.
	body = f.mustQuery(t, path, form("Action", "ReceiveMessage", "MaxNumberOfMessages", "1",
		"AttributeName.1", "ApproximateReceiveCount", "MessageAttributeName.1", "All"))
	if one(t, body, "Message/Body") != "<hi & bye>\r\n" || one(t, body, "Message/MD5OfMessageAttributes") != sentAttrMD5 {
		t.Fatalf("first message: %s", body)
	}
	if one(t, body, "Message/Attribute/Name") != "ApproximateReceiveCount" || one(t, body, "Message/Attribute/Value") != "2" {
		t.Fatalf("system attribute: %s", body)
	}
	attrNames := xmlValues(t, body, "MessageAttribute/Name")
	if strings.Join(attrNames, ",") != "Blob,Count,Foo" || xmlValues(t, body, "MessageAttribute/Value/BinaryValue")[0] != "AQI=" ||
		xmlValues(t, body, "MessageAttribute/Value/DataType")[1] != "Number" {
		t.Fatalf("message attributes: %s", body)
	}
	handle := one(t, body, "Message/ReceiptHandle")
	f.mustQuery(t, path, form("Action", "ChangeMessageVisibility", "ReceiptHandle", handle, "VisibilityTimeout", "0"))
	body = f.mustQuery(t, path, form("Action", "ChangeMessageVisibilityBatch",
		"ChangeMessageVisibilityBatchRequestEntry.1.Id", "x", "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle", "AQEBbad",
		"ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout", "5"))
	if one(t, body, "ChangeMessageVisibilityBatchResult/BatchResultErrorEntry/Code") != "ReceiptHandleIsInvalid" {
		t.Fatalf("visibility batch: %s", body)
	}
	body = f.mustQuery(t, path, form("Action", "ReceiveMessage", "MaxNumberOfMessages", "10"))
	handles := xmlValues(t, body, "Message/ReceiptHandle")
	if len(handles) != 3 {
		t.Fatalf("second receive got %d messages", len(handles))
	}
	f.mustQuery(t, path, form("Action", "DeleteMessage", "ReceiptHandle", handles[0]))
	body = f.mustQuery(t, path, form("Action", "DeleteMessageBatch",
		"DeleteMessageBatchRequestEntry.1.Id", "one", "DeleteMessageBatchRequestEntry.1.ReceiptHandle", handles[1],
		"DeleteMessageBatchRequestEntry.2.Id", "two", "DeleteMessageBatchRequestEntry.2.ReceiptHandle", handles[2]))
	if ids := xmlValues(t, body, "DeleteMessageBatchResult/DeleteMessageBatchResultEntry/Id"); strings.Join(ids, ",") != "one,two" {
		t.Fatalf("delete batch: %s", body)
	}
	if got := f.attr(t, f.srv.URL+path, "ApproximateNumberOfMessagesNotVisible"); got != "0" {
		t.Fatalf("in flight after deleting all = %s", got)
	}
}

func TestQueryProtocolServesMessageMoveTasks(t *testing.T) {
	f := newFixture(t)
	deadLetter(t, f, 3) // at one message a second on a clock that stands still, the task stays RUNNING
	body := f.mustQuery(t, "/", form("Action", "StartMessageMoveTask", "SourceArn", arnOf("dlq"), "MaxNumberOfMessagesPerSecond", "1"))
	handle := one(t, body, "StartMessageMoveTaskResult/TaskHandle")
	body = f.mustQuery(t, "/", form("Action", "CancelMessageMoveTask", "TaskHandle", handle))
	if one(t, body, "CancelMessageMoveTaskResult/ApproximateNumberOfMessagesMoved") == "" {
		t.Fatalf("cancel: %s", body)
	}
	f.waitTasks()
	body = f.mustQuery(t, "/", form("Action", "ListMessageMoveTasks", "SourceArn", arnOf("dlq")))
	if s := one(t, body, "ListMessageMoveTasksResult/ListMessageMoveTasksResultEntry/Status"); s != "CANCELLED" {
		t.Fatalf("status %s: %s", s, body)
	}
}

func TestQueryProtocolRejectsBadRequestsInItsErrorShape(t *testing.T) {
	f := newFixture(t)
	f.mustQuery(t, "/", form("Action", "CreateQueue", "QueueName", "q"))
	for _, tc := range []struct {
		name   string
		params url.Values
		code   string
	}{
		{"no action", form(), "MissingParameter"},
		{"an unknown action", form("Action", "Explode"), "InvalidAction"},
		{"a non-integer", form("Action", "ReceiveMessage", "QueueUrl", "/"+testAccount+"/q", "MaxNumberOfMessages", "ten"), "InvalidParameterValue"},
		{"bad base64", form("Action", "SendMessage", "MessageBody", "x", "MessageAttribute.1.Name", "b",
			"MessageAttribute.1.Value.DataType", "Binary", "MessageAttribute.1.Value.BinaryValue", "***"), "InvalidParameterValue"},
		{"an invalid queue name", form("Action", "CreateQueue", "QueueName", "a b"), "InvalidParameterValue"},
		{"a different attribute", form("Action", "CreateQueue", "QueueName", "q", "Attribute.1.Name", "DelaySeconds", "Attribute.1.Value", "9"), "QueueAlreadyExists"},
		{"an invalid attribute", form("Action", "SetQueueAttributes", "QueueUrl", "/"+testAccount+"/q", "Attribute.1.Name", "VisibilityTimeout", "Attribute.1.Value", "x"), "InvalidAttributeValue"},
		{"an empty batch", form("Action", "DeleteMessageBatch", "QueueUrl", "/"+testAccount+"/q"), "AWS.SimpleQueueService.EmptyBatchRequest"},
	} {
		status, body := f.query(t, "/"+testAccount+"/q", tc.params)
		if status != http.StatusBadRequest || one(t, body, "ErrorResponse/Error/Code") != tc.code {
			t.Errorf("%s: %d %s, want 400 %s", tc.name, status, body, tc.code)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/", strings.NewReader("Action=ListQueues&%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "<Code>MalformedQueryString</Code>") {
		t.Fatalf("malformed form: %d %s", resp.StatusCode, b)
	}
}
