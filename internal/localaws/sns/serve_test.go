package sns

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func postForm(t *testing.T, svc *Service, body string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	svc.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(b)
}

func TestServeRejectsBadRequests(t *testing.T) {
	svc, err := New(testEnv(memStore(t)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body, code string
		status           int
	}{
		{"no action", "Version=2010-03-31", "MissingParameter", 400},
		{"an unknown action", "Action=Frobnicate", "InvalidAction", 400},
		{"a malformed form body", "Action=ListTopics&%zz", "SerializationException", 400},
		{"a publish without a topic", "Action=Publish&Message=m", "InvalidParameter", 400},
		{"a body over the limit", "Action=Publish&Message=" + strings.Repeat("x", maxBody), "RequestEntityTooLarge", 413},
		{"a subscription attribute request for a missing subscription", "Action=GetSubscriptionAttributes&SubscriptionArn=" +
			url.QueryEscape("arn:aws:sns:us-east-1:000000000000:t:x"), "NotFound", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := postForm(t, svc, tt.body)
			if resp.StatusCode != tt.status || !strings.Contains(body, "<Code>"+tt.code+"</Code>") || !strings.Contains(body, "<ErrorResponse") {
				t.Errorf("status %d, body %s", resp.StatusCode, body)
			}
		})
	}
}

func FuzzServe(f *testing.F) {
	f.Add("Action=CreateTopic&Name=t")
	f.Add("Action=Subscribe&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Protocol=sqs&Endpoint=arn%3Aaws%3Asqs%3Aus-east-1%3A000000000000%3Aq&Attributes.entry.1.key=FilterPolicy&Attributes.entry.1.value=%7B%7D")
	f.Add("Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Message=m&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String.Array&MessageAttributes.entry.1.Value.StringValue=%5B1%5D")
	f.Add("Action=PublishBatch&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&PublishBatchRequestEntries.member.1.Id=a&PublishBatchRequestEntries.member.1.Message=m")
	st, err := openFuzzStore()
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	svc, err := New(testEnv(st))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		resp, out := postForm(t, svc, body)
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d for %q: %s", resp.StatusCode, body, out)
		}
	})
}
