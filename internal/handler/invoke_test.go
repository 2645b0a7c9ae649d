package handler

import (
	"encoding/json"
	"strings"
	"testing"
)

// lambdaPayload is ev as Lambda sends it to the function: the JSON of the
// whole SQS event, attributes and all.
func lambdaPayload(t *testing.T, msgs ...msg) []byte {
	t.Helper()
	ev := sqsEvent(t, msgs...)
	for i := range ev.Records {
		ev.Records[i].Attributes = map[string]string{"ApproximateReceiveCount": "1", "SentTimestamp": "1714564800123"}
		ev.Records[i].EventSourceARN = "arn:aws:sqs:us-east-1:000000000000:edas-catalog"
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestInvoke_reportsTheFailedMessagesAsLambdaExpects(t *testing.T) {
	fake := newFakeS3()
	fake.put(testBucket, "uploads/cat photo.jpg", "", makeJPEG(t, 8, 8))
	h, _ := testHandler(t, ActionCatalog, fake)

	out, err := h.Invoke(t.Context(), lambdaPayload(t,
		msg{id: "m-ok", file: "sns-put.json"}, msg{id: "m-bad", body: "hello"}))

	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	if want := `{"batchItemFailures":[{"itemIdentifier":"m-bad"}]}`; string(out) != want {
		t.Errorf("response = %s, want %s", out, want)
	}
	if len(fake.puts) != 1 {
		t.Errorf("%d outputs written, want 1 (the catalog entry of m-ok)", len(fake.puts))
	}
}

func TestInvoke_answersAnEmptyListWhenNothingFailed(t *testing.T) {
	h, _ := testHandler(t, ActionCatalog, newFakeS3())
	out, err := h.Invoke(t.Context(), lambdaPayload(t, msg{id: "m1", file: "sns-test-event.json"}))
	if err != nil || string(out) != `{"batchItemFailures":[]}` {
		t.Errorf("Invoke = %s, %v; want an empty batchItemFailures list", out, err)
	}
}

func TestInvoke_failsTheInvocationOnAPayloadThatIsNotAnSQSEvent(t *testing.T) {
	h, _ := testHandler(t, ActionCatalog, newFakeS3())
	_, err := h.Invoke(t.Context(), []byte(`["not", "an", "event"]`))
	if err == nil || !strings.HasPrefix(err.Error(), "decode SQS event: ") {
		t.Errorf("Invoke error = %v, want a decode SQS event error", err)
	}
}
