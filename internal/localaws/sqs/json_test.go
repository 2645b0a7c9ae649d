package sqs

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// postJSON sends a raw JSON 1.0 request and returns the status, the
// x-amzn-query-error header and the decoded body.
func (f *fixture) postJSON(t testing.TB, target, body string) (int, string, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", target)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("response is not JSON: %q", b)
	}
	return resp.StatusCode, resp.Header.Get("x-amzn-query-error"), out
}

func TestJSONProtocolRejectsBadRequestsInItsErrorShape(t *testing.T) {
	f := newFixture(t)
	f.createQueue(t, "q", nil)
	qurl := `"` + f.srv.URL + "/" + testAccount + `/q"`
	for _, tc := range []struct {
		name, target, body string
		status             int
		typ, queryErr      string
	}{
		{"malformed JSON", "AmazonSQS.SendMessage", `{"QueueUrl":`, 400, "com.amazonaws.sqs#SerializationException", "SerializationException;Sender"},
		{"a wrongly typed field", "AmazonSQS.ReceiveMessage", `{"QueueUrl":` + qurl + `,"MaxNumberOfMessages":"ten"}`, 400, "com.amazonaws.sqs#SerializationException", "SerializationException;Sender"},
		{"an unknown operation", "AmazonSQS.Explode", `{}`, 400, "com.amazonaws.sqs#UnknownOperationException", "UnknownOperationException;Sender"},
		{"a missing queue", "AmazonSQS.GetQueueUrl", `{"QueueName":"nope"}`, 400, "com.amazonaws.sqs#QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue;Sender"},
		{"a missing parameter", "AmazonSQS.DeleteMessage", `{"QueueUrl":` + qurl + `}`, 400, "com.amazonaws.sqs#MissingParameter", "MissingParameter;Sender"},
		{"a bad receipt handle", "AmazonSQS.DeleteMessage", `{"QueueUrl":` + qurl + `,"ReceiptHandle":"x"}`, 404, "com.amazonaws.sqs#ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid;Sender"},
	} {
		status, qerr, body := f.postJSON(t, tc.target, tc.body)
		if status != tc.status || body["__type"] != tc.typ || qerr != tc.queryErr || body["message"] == "" {
			t.Errorf("%s: %d %q %v, want %d %s %s", tc.name, status, qerr, body, tc.status, tc.typ, tc.queryErr)
		}
	}
}

func TestJSONProtocolAcceptsAnEmptyBodyAsAnEmptyInput(t *testing.T) {
	f := newFixture(t)
	status, _, body := f.postJSON(t, "AmazonSQS.ListQueues", "")
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("ListQueues with no body: %d %v", status, body)
	}
}

func TestOversizedRequestIsRefusedBeforeItIsRead(t *testing.T) {
	f := newFixture(t)
	status, _, body := f.postJSON(t, "AmazonSQS.SendMessage", `{"MessageBody":"`+strings.Repeat("x", maxRequestBody)+`"}`)
	if status != http.StatusRequestEntityTooLarge || body["__type"] != "com.amazonaws.sqs#RequestEntityTooLarge" {
		t.Fatalf("oversized body: %d %v", status, body)
	}
}
