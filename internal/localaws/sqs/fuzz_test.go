package sqs

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzJSONRequests feeds arbitrary bodies to every JSON operation: the
// service must answer each with a well-formed response and never a 5xx.
func FuzzJSONRequests(f *testing.F) {
	fx := newFixture(f)
	fx.createQueue(f, "q", nil)
	qurl := fx.srv.URL + "/" + testAccount + "/q"
	f.Add("SendMessage", `{"QueueUrl":"`+qurl+`","MessageBody":"x","MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":"AA=="}}}`)
	f.Add("SendMessageBatch", `{"QueueUrl":"`+qurl+`","Entries":[{"Id":"a","MessageBody":"b","DelaySeconds":1}]}`)
	f.Add("ReceiveMessage", `{"QueueUrl":"`+qurl+`","MaxNumberOfMessages":10,"MessageAttributeNames":["a.*"]}`)
	f.Add("CreateQueue", `{"QueueName":"z","Attributes":{"RedrivePolicy":"{\"deadLetterTargetArn\":1}"}}`)
	f.Add("SetQueueAttributes", `{"QueueUrl":"`+qurl+`","Attributes":{"VisibilityTimeout":"-0"}}`)
	f.Add("ChangeMessageVisibilityBatch", `{"QueueUrl":"`+qurl+`","Entries":[{"Id":"a","ReceiptHandle":"AQEBAAAA"}]}`)
	f.Add("ListQueues", `{"MaxResults":0,"NextToken":"%%"}`)
	f.Fuzz(func(t *testing.T, op, body string) {
		if _, ok := operations[op]; !ok || strings.Contains(body, "WaitTimeSeconds") {
			return // long polls would wait on the fake clock
		}
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "AmazonSQS."+op)
		rec := httptest.NewRecorder()
		fx.svc.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", op, body, rec.Code, rec.Body)
		}
	})
}

// FuzzQueryRequests feeds arbitrary form bodies to the query protocol.
func FuzzQueryRequests(f *testing.F) {
	fx := newFixture(f)
	fx.createQueue(f, "q", nil)
	f.Add("/"+testAccount+"/q", "Action=SendMessage&MessageBody=x&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=b")
	f.Add("/", "Action=CreateQueue&QueueName=a&Attribute.1.Name=Policy&Attribute.1.Value=%7B")
	f.Add("/"+testAccount+"/q", "Action=SendMessageBatch&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=b")
	f.Add("/"+testAccount+"/q", "Action=DeleteMessageBatch&DeleteMessageBatchRequestEntry.1.Id=a&DeleteMessageBatchRequestEntry.1.ReceiptHandle=AQEB")
	f.Add("/x/y/z", "Action=ReceiveMessage&MaxNumberOfMessages=99")
	f.Fuzz(func(t *testing.T, path, body string) {
		if strings.Contains(body, "WaitTimeSeconds") || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " ?#\x00") {
			return
		}
		req := httptest.NewRequest(http.MethodPost, "http://localhost"+encodePath(path), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		fx.svc.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", path, body, rec.Code, rec.Body)
		}
	})
}

func encodePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r > 0x20 && r < 0x7f && r != '%' {
			b.WriteRune(r)
		} else {
			b.WriteString("_")
		}
	}
	return b.String()
}
