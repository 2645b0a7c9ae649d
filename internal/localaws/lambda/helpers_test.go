package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/lambda/lambdatest"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

const testRole = "arn:aws:iam::000000000000:role/edas-test"

// testBootstrap is the test runtime of testdata/bootstrap, built once by
// TestMain.
var testBootstrap []byte

func TestMain(m *testing.M) {
	var err error
	if testBootstrap, err = lambdatest.Runtime(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// zipOf returns a deployment package holding files (name → content);
// "bootstrap" is stored executable.
func zipOf(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	data, err := lambdatest.Zip(files)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var (
	testZipOnce sync.Once
	testZipData []byte
)

// testZip is the test runtime alone, zipped once.
func testZip(t testing.TB) []byte {
	testZipOnce.Do(func() { testZipData = zipOf(t, map[string][]byte{"bootstrap": testBootstrap}) })
	return testZipData
}

// testLogWriter sends the service's log to the test's log.
type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// A recordingSink is a LogSink that keeps every event and lets tests wait
// for a line.
type recordingSink struct {
	mu      sync.Mutex
	streams map[string][]string // group + "|" + stream → messages
	order   []string            // group + "|" + stream of each Append, for stream names
	changed chan struct{}       // closed and replaced on every Append
}

func newRecordingSink() *recordingSink {
	return &recordingSink{streams: map[string][]string{}, changed: make(chan struct{})}
}

func (s *recordingSink) Append(_ context.Context, group, stream string, events []LogEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := group + "|" + stream
	if _, ok := s.streams[key]; !ok {
		s.order = append(s.order, key)
	}
	for _, e := range events {
		if e.Timestamp.IsZero() {
			return errors.New("event without timestamp")
		}
		s.streams[key] = append(s.streams[key], e.Message)
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

// lines returns every message of group, stream by stream in creation order.
func (s *recordingSink) lines(group string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, key := range s.order {
		if strings.HasPrefix(key, group+"|") {
			out = append(out, s.streams[key]...)
		}
	}
	return out
}

// streamNames returns the streams of group.
func (s *recordingSink) streamNames(group string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, key := range s.order {
		if g, stream, _ := strings.Cut(key, "|"); g == group {
			out = append(out, stream)
		}
	}
	return out
}

// waitFor waits until a line of group contains substr.
func (s *recordingSink) waitFor(t *testing.T, group, substr string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		for _, l := range s.lines(group) {
			if strings.Contains(l, substr) {
				return
			}
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no log line containing %q in %s; have %q", substr, group, s.lines(group))
		}
	}
}

// fakeRoles lets Lambda assume every role except those listed.
// fakeRoles refuses the roles in refused and the actions in denied
// (action → true); it allows everything else.
type fakeRoles struct{ refused, denied map[string]bool }

func (f fakeRoles) CanLambdaAssume(_ context.Context, arn string) (bool, error) {
	return !f.refused[arn], nil
}

func (f fakeRoles) Allowed(_, action, _ string) bool { return !f.denied[action] }

// harness is a Lambda service behind an HTTP server and an SDK client.
type harness struct {
	svc    *Service
	srv    *httptest.Server
	client *awslambda.Client
	logs   *recordingSink
	st     *store.Store
}

type harnessConfig struct {
	opts    Options
	clock   clock.Clock
	dataDir string // "" = in memory
	st      *store.Store
}

func newHarness(t testing.TB, cfg harnessConfig) *harness {
	t.Helper()
	st := cfg.st
	if st == nil {
		var err error
		st, err = store.OpenMemory()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
	}
	if cfg.clock == nil {
		cfg.clock = clock.Real{}
	}
	logs := newRecordingSink()
	if cfg.opts.Logs == nil {
		cfg.opts.Logs = logs
	} else if rs, ok := cfg.opts.Logs.(*recordingSink); ok {
		logs = rs
	}
	if cfg.opts.Roles == nil {
		cfg.opts.Roles = fakeRoles{}
	}
	env := service.Env{Store: st, DataDir: cfg.dataDir, Clock: cfg.clock,
		Log: slog.New(slog.NewTextHandler(testLogWriter{t}, nil)), Account: "000000000000", Region: "us-east-1"}
	svc, err := New(env, cfg.opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(func() {
		srv.Close()
		svc.Close()
	})
	client := awslambda.NewFromConfig(aws.Config{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1,
	})
	return &harness{svc: svc, srv: srv, client: client, logs: logs, st: st}
}

// createB creates a function running the test runtime, for benchmarks.
func (h *harness) createB(b *testing.B, name string) {
	b.Helper()
	_, err := h.client.CreateFunction(context.Background(), &awslambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023, Role: aws.String(testRole),
		Code: &types.FunctionCode{ZipFile: testZip(b)},
	})
	if err != nil {
		b.Fatal(err)
	}
}

// create creates a function running zipData and waits until it is Active.
func (h *harness) create(t *testing.T, name string, zipData []byte, mod func(*awslambda.CreateFunctionInput)) *awslambda.CreateFunctionOutput {
	t.Helper()
	in := &awslambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Runtime:      types.RuntimeProvidedal2023,
		Role:         aws.String(testRole),
		Handler:      aws.String("bootstrap"),
		Code:         &types.FunctionCode{ZipFile: zipData},
		Timeout:      aws.Int32(10),
		MemorySize:   aws.Int32(256),
	}
	if mod != nil {
		mod(in)
	}
	out, err := h.client.CreateFunction(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateFunction: %v", err)
	}
	h.waitActive(t, name)
	return out
}

func (h *harness) waitActive(t *testing.T, name string) {
	t.Helper()
	w := awslambda.NewFunctionActiveV2Waiter(h.client, func(o *awslambda.FunctionActiveV2WaiterOptions) {
		o.MinDelay, o.MaxDelay = 5*time.Millisecond, 20*time.Millisecond
	})
	if err := w.Wait(context.Background(), &awslambda.GetFunctionInput{FunctionName: aws.String(name)}, 10*time.Second); err != nil {
		t.Fatalf("wait for %s to be active: %v", name, err)
	}
}

func (h *harness) waitUpdated(t *testing.T, name string) {
	t.Helper()
	w := awslambda.NewFunctionUpdatedV2Waiter(h.client, func(o *awslambda.FunctionUpdatedV2WaiterOptions) {
		o.MinDelay, o.MaxDelay = 5*time.Millisecond, 20*time.Millisecond
	})
	if err := w.Wait(context.Background(), &awslambda.GetFunctionInput{FunctionName: aws.String(name)}, 10*time.Second); err != nil {
		t.Fatalf("wait for %s to be updated: %v", name, err)
	}
}

// invoke invokes name synchronously with the event v.
func (h *harness) invoke(t *testing.T, name string, v any) *awslambda.InvokeOutput {
	t.Helper()
	payload, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.client.Invoke(context.Background(), &awslambda.InvokeInput{
		FunctionName: aws.String(name), Payload: payload, LogType: types.LogTypeTail,
	})
	if err != nil {
		t.Fatalf("Invoke %s: %v", name, err)
	}
	return out
}

// decode unmarshals an invocation's payload.
func decode[T any](t *testing.T, payload []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(payload, &v); err != nil {
		t.Fatalf("decode %s: %v", payload, err)
	}
	return v
}

// errorDoc is the error document of a failed invocation.
type errorDoc struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

// readAll reads and closes r.
func readAll(t *testing.T, r io.ReadCloser) string {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newDurableHarness returns a harness whose state lives in a store in a
// fresh data directory, and a function that stops it and returns a new
// harness on the same directory, as after a restart of the local AWS.
func newDurableHarness(t *testing.T) (*harness, func() *harness) {
	t.Helper()
	dir := t.TempDir()
	open := func() *harness {
		st, err := store.Open(filepath.Join(dir, "db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return newHarness(t, harnessConfig{dataDir: dir, st: st})
	}
	h := open()
	return h, func() *harness {
		h.srv.Close()
		h.svc.Close()
		h.st.Close()
		return open()
	}
}
