package lambda

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/edasctl/edasctl/internal/build"
)

// TestInvoke_runsTheRealHandler runs cmd/handler, built for this host, as
// the catalog function on an SQS batch: one record names an object that
// does not exist (the S3 endpoint answers NoSuchKey), one is S3's
// TestEvent. The handler must report only the first in batchItemFailures,
// which proves it runs under this runtime with AWS_ENDPOINT_URL and the
// credentials it is given.
func TestInvoke_runsTheRealHandler(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the handler")
	}
	art, err := build.Package(context.Background(), build.Options{Arch: build.ArchHost})
	if err != nil {
		t.Fatalf("build the handler: %v", err)
	}
	var s3Requests atomic.Int32
	s3 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s3Requests.Add(1)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>uploads/missing.txt</Key><RequestId>1</RequestId><HostId>1</HostId></Error>`))
	}))
	t.Cleanup(s3.Close)
	h := newHarness(t, harnessConfig{opts: Options{Endpoint: func() string { return s3.URL }}})
	h.create(t, "catalog", art.Zip, func(in *awslambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"EDAS_ACTION": "catalog"}}
		in.Architectures = []types.Architecture{types.ArchitectureArm64}
	})
	s3Event := `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-01-01T00:00:00.000Z","eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","configurationId":"c","bucket":{"name":"edas-bucket","arn":"arn:aws:s3:::edas-bucket"},"object":{"key":"uploads/missing.txt","size":5,"eTag":"e","sequencer":"1"}}}]}`
	testEvent := `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-01-01T00:00:00.000Z","Bucket":"edas-bucket","RequestId":"r","HostId":"h"}`
	record := func(id, body string) map[string]any {
		return map[string]any{
			"messageId": id, "receiptHandle": "rh-" + id, "body": body, "md5OfBody": "",
			"attributes":     map[string]string{"ApproximateReceiveCount": "1", "SentTimestamp": "1767225600000"},
			"eventSource":    "aws:sqs",
			"eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:edas-catalog",
			"awsRegion":      "us-east-1",
		}
	}
	out := h.invoke(t, "catalog", map[string]any{"Records": []any{record("missing", s3Event), record("test", testEvent)}})
	if out.FunctionError != nil {
		t.Fatalf("the handler failed: %s", out.Payload)
	}
	var resp struct {
		BatchItemFailures []struct {
			ItemIdentifier string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if err := json.Unmarshal(out.Payload, &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "missing" {
		t.Fatalf("response = %s; want the missing object's record only", out.Payload)
	}
	if s3Requests.Load() == 0 {
		t.Fatal("the handler never called the S3 endpoint")
	}
	// The handler logs one JSON line per record.
	h.logs.waitFor(t, "/aws/lambda/catalog", "uploads/missing.txt")
}
