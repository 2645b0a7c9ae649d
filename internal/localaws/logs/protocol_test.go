package logs

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// do sends a raw JSON 1.1 request for operation op straight to svc.
func do(svc *Service, op, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if op != "" {
		r.Header.Set("X-Amz-Target", op)
	}
	w := httptest.NewRecorder()
	svc.ServeHTTP(w, r)
	return w
}

func errorType(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("error body %q is not JSON: %v", w.Body.String(), err)
	}
	if body.Message == "" {
		t.Errorf("error body %q has no message", w.Body.String())
	}
	return body.Type
}

func newMemService(t testing.TB) *Service {
	t.Helper()
	st, err := store.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := New(testEnv(st, clock.NewFake(t0)))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestProtocolErrors(t *testing.T) {
	tests := map[string]struct {
		op, body   string
		status     int
		errorType  string
		want200Doc string
	}{
		"malformed JSON is SerializationException":              {"Logs_20140328.CreateLogGroup", `{"logGroupName":`, 400, "SerializationException", ""},
		"a wrongly typed member is SerializationException":      {"Logs_20140328.DescribeLogGroups", `{"limit":"ten"}`, 400, "SerializationException", ""},
		"trailing data is SerializationException":               {"Logs_20140328.DescribeLogGroups", `{} {}`, 400, "SerializationException", ""},
		"an unknown operation is UnknownOperationException":     {"Logs_20140328.Frobnicate", `{}`, 400, "UnknownOperationException", ""},
		"another service's target is UnknownOperationException": {"AmazonSQS.ListQueues", `{}`, 400, "UnknownOperationException", ""},
		"a missing target is UnknownOperationException":         {"", `{}`, 400, "UnknownOperationException", ""},
		"a missing group is ResourceNotFoundException, bare":    {"Logs_20140328.DeleteLogGroup", `{"logGroupName":"nope"}`, 400, "ResourceNotFoundException", ""},
		"an empty body is an empty document":                    {"Logs_20140328.DescribeLogGroups", ``, 200, "", `{"logGroups":[]}`},
		"a success is a JSON document":                          {"Logs_20140328.CreateLogGroup", `{"logGroupName":"ok"}`, 200, "", `{}`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w := do(newMemService(t), tt.op, tt.body)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type = %q", ct)
			}
			if w.Header().Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId")
			}
			if tt.errorType != "" {
				if got := errorType(t, w); got != tt.errorType {
					t.Errorf("__type = %q, want %q", got, tt.errorType)
				}
				return
			}
			if got := w.Body.String(); got != tt.want200Doc {
				t.Errorf("body = %s, want %s", got, tt.want200Doc)
			}
		})
	}
	t.Run("a body over the bound is refused", func(t *testing.T) {
		w := do(newMemService(t), "Logs_20140328.PutLogEvents", `{"logGroupName":"`+strings.Repeat("a", maxBody)+`"}`)
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("status = %d, want 413", w.Code)
		}
	})
}

// FuzzServeHTTP sends arbitrary bodies to every operation: the service must
// answer every one with a JSON document and never with a 5xx.
func FuzzServeHTTP(f *testing.F) {
	ops := make([]string, 0, len(operations))
	for op := range operations {
		ops = append(ops, op)
	}
	slices.Sort(ops) // stable op numbers for the corpus
	seeds := []string{`{}`, `{"logGroupName":"g"}`, `{"logGroupName":"g","logStreamName":"s"}`,
		`{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1772366400000,"message":"m"}]}`,
		`{"logGroupName":"g","filterPattern":"{ $.a = 1 }","nextToken":"f/0/g"}`, `{"logGroupName":"g","logStreamName":"s","nextToken":"b/1/s"}`,
		`{"resourceArn":"arn:aws:logs:us-east-1:0:log-group:g","tags":{"a":"b"}}`, `[`, `null`}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	svc := newMemService(f)
	do(svc, "Logs_20140328.CreateLogGroup", `{"logGroupName":"g"}`)
	do(svc, "Logs_20140328.CreateLogStream", `{"logGroupName":"g","logStreamName":"s"}`)
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		w := do(svc, "Logs_20140328."+ops[int(op)%len(ops)], body)
		if w.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", ops[int(op)%len(ops)], body, w.Code, w.Body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %q: body is not JSON: %q", ops[int(op)%len(ops)], body, w.Body)
		}
	})
}
