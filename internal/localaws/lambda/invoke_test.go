package lambda

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func TestInvoke_returnsTheFunctionsResponse(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "echo", testZip(t), nil)
	out := h.invoke(t, "echo", map[string]any{"op": "echo", "msg": "héllo"})
	got := decode[map[string]string](t, out.Payload)
	if got["msg"] != "héllo" || out.FunctionError != nil || out.StatusCode != 200 || aws.ToString(out.ExecutedVersion) != "$LATEST" {
		t.Fatalf("Invoke = %d %s %v %v", out.StatusCode, out.Payload, out.FunctionError, out.ExecutedVersion)
	}
}

func TestInvoke_ofAFunctionErrorIsUnhandledWithTheErrorDocument(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "fails", testZip(t), nil)
	out := h.invoke(t, "fails", map[string]any{"op": "fail", "msg": "bad input"})
	doc := decode[errorDoc](t, out.Payload)
	if aws.ToString(out.FunctionError) != "Unhandled" || doc.ErrorMessage != "bad input" || doc.ErrorType != "TestError" {
		t.Fatalf("Invoke = %v %s", out.FunctionError, out.Payload)
	}
	// The instance survives a reported error.
	if out := h.invoke(t, "fails", map[string]any{"op": "pid"}); out.FunctionError != nil {
		t.Fatalf("Invoke after an error: %s", out.Payload)
	}
}

func TestInvoke_reusesAWarmInstance(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "warm", testZip(t), nil)
	first := decode[map[string]int](t, h.invoke(t, "warm", map[string]any{"op": "pid"}).Payload)["pid"]
	second := decode[map[string]int](t, h.invoke(t, "warm", map[string]any{"op": "pid"}).Payload)["pid"]
	if first == 0 || first != second {
		t.Fatalf("pids = %d, %d; want one warm process", first, second)
	}
	var reports []string
	for _, l := range h.logs.lines("/aws/lambda/warm") {
		if strings.HasPrefix(l, "REPORT ") {
			reports = append(reports, l)
		}
	}
	if len(reports) != 2 || !strings.Contains(reports[0], "\tInit Duration: ") || strings.Contains(reports[1], "Init Duration") {
		t.Fatalf("REPORT lines = %q; want Init Duration on the cold start only", reports)
	}
	if streams := h.logs.streamNames("/aws/lambda/warm"); len(streams) != 1 {
		t.Fatalf("streams = %v; want one per instance", streams)
	}
}

func TestInvoke_pastTheTimeoutKillsTheInstance(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "slow", testZip(t), func(in *awslambda.CreateFunctionInput) { in.Timeout = aws.Int32(1) })
	start := time.Now()
	out := h.invoke(t, "slow", map[string]any{"op": "sleep", "ms": 60000})
	doc := decode[errorDoc](t, out.Payload)
	if aws.ToString(out.FunctionError) != "Unhandled" || doc.ErrorType != "Sandbox.Timedout" ||
		!strings.HasSuffix(doc.ErrorMessage, "Error: Task timed out after 1.00 seconds") {
		t.Fatalf("Invoke = %v %s", out.FunctionError, out.Payload)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("the timed-out invocation took %v", elapsed)
	}
	pid := initPID(t, h.logs.lines("/aws/lambda/slow"))
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("process %d after the timeout: kill(0) = %v, want ESRCH", pid, err)
	}
	logs := strings.Join(h.logs.lines("/aws/lambda/slow"), "\n")
	if !regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ Task timed out after 1\.00 seconds$`).MatchString(logs) ||
		!strings.Contains(logs, "\tStatus: timeout") {
		t.Fatalf("log lacks the timeout lines:\n%s", logs)
	}
}

// initPID finds the process ID the test runtime logs at init.
func initPID(t *testing.T, lines []string) int {
	t.Helper()
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "init pid="); ok {
			pid, err := strconv.Atoi(v)
			if err == nil {
				return pid
			}
		}
	}
	t.Fatalf("no init line in %q", lines)
	return 0
}

func TestInvoke_ofACrashingRuntimeIsRuntimeExitError(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "crash", testZip(t), nil)
	out := h.invoke(t, "crash", map[string]any{"op": "exit", "code": 2})
	doc := decode[errorDoc](t, out.Payload)
	if aws.ToString(out.FunctionError) != "Unhandled" || doc.ErrorType != "Runtime.ExitError" ||
		!strings.HasSuffix(doc.ErrorMessage, "Error: Runtime exited with error: exit status 2") {
		t.Fatalf("Invoke = %v %s", out.FunctionError, out.Payload)
	}
	tail, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if !strings.Contains(string(tail), "exiting with 2") || !strings.Contains(string(tail), "Runtime.ExitError") {
		t.Fatalf("log tail = %q", tail)
	}
	if out := h.invoke(t, "crash", map[string]any{"op": "pid"}); out.FunctionError != nil {
		t.Fatalf("the next invocation did not get a new instance: %s", out.Payload)
	}
}

func TestInvoke_ofAFailingInit(t *testing.T) {
	tests := []struct {
		name, init, wantType, wantMsg string
	}{
		{"an exit during init is Runtime.ExitError", "exit3", "Runtime.ExitError", "Runtime exited with error: exit status 3"},
		{"an init error report is returned as reported", "initerror", "Runtime.InitFailure", "cannot start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, harnessConfig{})
			h.create(t, "init", testZip(t), func(in *awslambda.CreateFunctionInput) {
				in.Environment = &types.Environment{Variables: map[string]string{"TEST_INIT": tt.init}}
			})
			out := h.invoke(t, "init", map[string]any{"op": "pid"})
			doc := decode[errorDoc](t, out.Payload)
			if aws.ToString(out.FunctionError) != "Unhandled" || doc.ErrorType != tt.wantType || !strings.Contains(doc.ErrorMessage, tt.wantMsg) {
				t.Fatalf("Invoke = %v %s", out.FunctionError, out.Payload)
			}
		})
	}
}

func TestInvoke_ofABootstrapThatCannotRunIsInvalidEntrypoint(t *testing.T) {
	tests := map[string][]byte{
		"a bootstrap for no known system": zipOf(t, map[string][]byte{"bootstrap": []byte("\x7fELF garbage")}),
		"a package without a bootstrap":   zipOf(t, map[string][]byte{"main": testBootstrap}),
		"a bootstrap that is not executable": func() []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate}
			hdr.SetMode(0o644)
			w, _ := zw.CreateHeader(hdr)
			w.Write(testBootstrap)
			zw.Close()
			return buf.Bytes()
		}(),
	}
	for name, zipData := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, harnessConfig{})
			h.create(t, "entry", zipData, nil)
			out := h.invoke(t, "entry", map[string]any{})
			doc := decode[errorDoc](t, out.Payload)
			if aws.ToString(out.FunctionError) != "Unhandled" || doc.ErrorType != "Runtime.InvalidEntrypoint" {
				t.Fatalf("Invoke = %v %s", out.FunctionError, out.Payload)
			}
		})
	}
}

func TestInvoke_logsStartEndReportAndTheFunctionsOutput(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "logs", testZip(t), func(in *awslambda.CreateFunctionInput) {
		in.LoggingConfig = &types.LoggingConfig{LogGroup: aws.String("/custom/group")}
	})
	out := h.invoke(t, "logs", map[string]any{"op": "print", "lines": []string{"first line", "second line"}})
	lines := h.logs.lines("/custom/group")
	idx := func(re string) int {
		return slices.IndexFunc(lines, regexp.MustCompile(re).MatchString)
	}
	start := idx(`^START RequestId: [0-9a-f-]{36} Version: \$LATEST$`)
	first, second := idx(`^first line$`), idx(`^second line$`)
	end := idx(`^END RequestId: [0-9a-f-]{36}$`)
	report := idx(`^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms$`)
	if !(idx(`^init pid=`) < start && start >= 0 && start < first && first < second && second < end && end < report) {
		t.Fatalf("log lines out of order or missing (%d %d %d %d %d):\n%s", start, first, second, end, report, strings.Join(lines, "\n"))
	}
	streams := h.logs.streamNames("/custom/group")
	if len(streams) != 1 || !regexp.MustCompile(`^\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}$`).MatchString(streams[0]) {
		t.Fatalf("streams = %q", streams)
	}
	tail, err := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if err != nil || !strings.HasPrefix(string(tail), "START RequestId: ") || !strings.Contains(string(tail), "second line\nEND RequestId: ") {
		t.Fatalf("X-Amz-Log-Result = %q, %v", tail, err)
	}
}

func TestInvoke_givesTheFunctionLambdasEnvironment(t *testing.T) {
	host := map[string]string{"AWS_CA_BUNDLE": "/etc/company-ca.pem", "PATH": "/usr/bin:/bin", "AWS_PROFILE": "prod", "HTTPS_PROXY": "http://proxy:3128"}
	h := newHarness(t, harnessConfig{opts: Options{
		Endpoint:  func() string { return "http://127.0.0.1:4566" },
		LookupEnv: func(k string) (string, bool) { v, ok := host[k]; return v, ok },
	}})
	h.create(t, "env", testZip(t), func(in *awslambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"EDAS_ACTION": "catalog", "PATH": "/opt/bin"}}
	})
	env := decode[map[string]string](t, h.invoke(t, "env", map[string]any{"op": "env"}).Payload)
	want := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME": "env", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/env", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
		"AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "AWS_CA_BUNDLE": "/etc/company-ca.pem", "TZ": ":UTC",
		"_HANDLER": "bootstrap", "EDAS_ACTION": "catalog", "PATH": "/opt/bin",
		"header:arn": "arn:aws:lambda:us-east-1:000000000000:function:env",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	for _, k := range []string{"AWS_PROFILE", "HTTPS_PROXY", "HOME"} {
		if _, ok := env[k]; ok {
			t.Errorf("%s leaked into the function's environment", k)
		}
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_LOG_STREAM_NAME", "header:trace"} {
		if env[k] == "" {
			t.Errorf("%s is not set", k)
		}
	}
	deadline, _ := strconv.ParseInt(env["header:deadline"], 10, 64)
	if d := time.Until(time.UnixMilli(deadline)); d <= 0 || d > 10*time.Second {
		t.Errorf("Lambda-Runtime-Deadline-Ms is %v away, want within the 10 s timeout", d)
	}
}

func TestInvoke_anInstanceStartedBeforeTheEndpointWasKnownIsReplaced(t *testing.T) {
	var endpoint atomic.Pointer[string]
	h := newHarness(t, harnessConfig{opts: Options{Endpoint: func() string {
		if p := endpoint.Load(); p != nil {
			return *p
		}
		return ""
	}}})
	h.create(t, "early", testZip(t), nil)
	before := decode[map[string]string](t, h.invoke(t, "early", map[string]any{"op": "env"}).Payload)
	if _, ok := before["AWS_ENDPOINT_URL"]; ok {
		t.Fatalf("AWS_ENDPOINT_URL = %q before the endpoint was known", before["AWS_ENDPOINT_URL"])
	}
	url := "http://127.0.0.1:4566"
	endpoint.Store(&url)
	after := decode[map[string]string](t, h.invoke(t, "early", map[string]any{"op": "env"}).Payload)
	if after["AWS_ENDPOINT_URL"] != url {
		t.Fatalf("AWS_ENDPOINT_URL = %q once the endpoint is known, want %q: the early instance was reused", after["AWS_ENDPOINT_URL"], url)
	}
	again := decode[map[string]string](t, h.invoke(t, "early", map[string]any{"op": "env"}).Payload)
	if again["AWS_LAMBDA_LOG_STREAM_NAME"] != after["AWS_LAMBDA_LOG_STREAM_NAME"] {
		t.Fatalf("log streams %q then %q: an instance with the right endpoint was not kept warm", after["AWS_LAMBDA_LOG_STREAM_NAME"], again["AWS_LAMBDA_LOG_STREAM_NAME"])
	}
}

// blocker is an HTTP endpoint that holds each request until released.
type blocker struct {
	srv     *httptest.Server
	arrived chan struct{}
	release chan struct{}
}

func newBlocker(t *testing.T) *blocker {
	b := &blocker{arrived: make(chan struct{}, 10), release: make(chan struct{})}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.arrived <- struct{}{}
		<-b.release
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func TestInvoke_beyondTheConcurrencyLimitIsThrottledButInvokeSyncWaits(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "capped", testZip(t), nil)
	ctx := context.Background()
	if _, err := h.client.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("capped"), ReservedConcurrentExecutions: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	b := newBlocker(t)
	first := make(chan error, 1)
	go func() {
		_, fe, err := h.svc.InvokeSync(ctx, "capped", []byte(`{"op":"block","url":"`+b.srv.URL+`"}`))
		if fe != "" {
			err = errors.New("function error " + fe)
		}
		first <- err
	}()
	<-b.arrived // the only slot is busy
	_, err := h.client.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("capped"), Payload: []byte(`{"op":"pid"}`)})
	var tmr *types.TooManyRequestsException
	if !errors.As(err, &tmr) {
		t.Fatalf("Invoke beyond the limit: %v, want TooManyRequestsException", err)
	}
	second := make(chan error, 1)
	go func() {
		_, _, err := h.svc.InvokeSync(ctx, "capped", []byte(`{"op":"pid"}`))
		second <- err
	}()
	select {
	case err := <-second:
		t.Fatalf("InvokeSync did not wait for the slot: %v", err)
	default:
	}
	close(b.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
}

func TestInvoke_withReservedConcurrencyZeroIsThrottledAndInvokeSyncWaitsForAChange(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "off", testZip(t), nil)
	ctx := context.Background()
	if _, err := h.client.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("off"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	_, err := h.client.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("off")})
	var tmr *types.TooManyRequestsException
	if !errors.As(err, &tmr) {
		t.Fatalf("Invoke = %v, want TooManyRequestsException", err)
	}
	waited := make(chan error, 1)
	go func() {
		_, _, err := h.svc.InvokeSync(ctx, "off", []byte(`{"op":"pid"}`))
		waited <- err
	}()
	select {
	case err := <-waited:
		t.Fatalf("InvokeSync ran with reserved concurrency 0: %v", err)
	default:
	}
	if _, err := h.client.DeleteFunctionConcurrency(ctx, &awslambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("off")}); err != nil {
		t.Fatal(err)
	}
	if err := <-waited; err != nil {
		t.Fatalf("InvokeSync after the concurrency change: %v", err)
	}
}

func TestInvoke_EventRunsInTheBackgroundAndDryRunOnlyChecks(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "async", testZip(t), nil)
	ctx := context.Background()
	out, err := h.client.Invoke(ctx, &awslambda.InvokeInput{
		FunctionName: aws.String("async"), InvocationType: types.InvocationTypeEvent,
		Payload: []byte(`{"op":"print","lines":["ran in the background"]}`),
	})
	if err != nil || out.StatusCode != 202 {
		t.Fatalf("Event Invoke = %v, %v", out, err)
	}
	h.logs.waitFor(t, "/aws/lambda/async", "ran in the background")
	h.logs.waitFor(t, "/aws/lambda/async", "REPORT RequestId: ")
	dry, err := h.client.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("async"), InvocationType: types.InvocationTypeDryRun})
	if err != nil || dry.StatusCode != 204 {
		t.Fatalf("DryRun Invoke = %v, %v", dry, err)
	}
}

func TestInvokeSync_ofAMissingFunctionIsResourceNotFound(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	_, _, err := h.svc.InvokeSync(context.Background(), "nothing", []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), CodeNotFound) {
		t.Fatalf("InvokeSync = %v", err)
	}
}

// warmInstance returns the idle instance of name's pool.
func (h *harness) warmInstance(t *testing.T, name string) *instance {
	t.Helper()
	h.svc.mu.Lock()
	p := h.svc.pools[name]
	h.svc.mu.Unlock()
	if p == nil {
		t.Fatalf("%s has no pool", name)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) != 1 {
		t.Fatalf("%s has %d idle instances, want 1", name, len(p.free))
	}
	return p.free[0]
}

// waitExited waits for inst's process to end.
func waitExited(t *testing.T, inst *instance, why string) {
	t.Helper()
	select {
	case <-inst.rt.Exited():
	case <-time.After(10 * time.Second):
		t.Fatalf("the instance still runs after %s", why)
	}
}

func TestInstances_idleTooLongAreReaped(t *testing.T) {
	h := newHarness(t, harnessConfig{opts: Options{IdleTimeout: 20 * time.Millisecond}})
	h.create(t, "idle", testZip(t), nil)
	first := decode[map[string]int](t, h.invoke(t, "idle", map[string]any{"op": "pid"}).Payload)["pid"]
	waitExited(t, h.warmInstance(t, "idle"), "the idle timeout")
	second := decode[map[string]int](t, h.invoke(t, "idle", map[string]any{"op": "pid"}).Payload)["pid"]
	if first == second {
		t.Fatalf("the reaped instance %d served again", first)
	}
}

func TestInstances_areKilledWhenTheFunctionChanges(t *testing.T) {
	ctx := context.Background()
	changes := map[string]func(h *harness) error{
		"UpdateFunctionConfiguration": func(h *harness) error {
			_, err := h.client.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{
				FunctionName: aws.String("changed"), Environment: &types.Environment{Variables: map[string]string{"NEW": "1"}},
			})
			return err
		},
		"DeleteFunction": func(h *harness) error {
			_, err := h.client.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("changed")})
			return err
		},
		"PutFunctionConcurrency": func(h *harness) error {
			_, err := h.client.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("changed"), ReservedConcurrentExecutions: aws.Int32(2)})
			return err
		},
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, harnessConfig{})
			h.create(t, "changed", testZip(t), nil)
			h.invoke(t, "changed", map[string]any{"op": "pid"})
			inst := h.warmInstance(t, "changed")
			if err := change(h); err != nil {
				t.Fatal(err)
			}
			waitExited(t, inst, name)
		})
	}
}
