package lambda

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

func TestCreateFunction_reportsPendingThenActiveWithTheZipsDigest(t *testing.T) {
	h := newHarness(t, harnessConfig{opts: Options{PendingDelay: 30 * time.Millisecond}})
	zipData := testZip(t)
	out := h.create(t, "digest", zipData, func(in *awslambda.CreateFunctionInput) {
		in.Architectures = []types.Architecture{types.ArchitectureArm64}
		in.Environment = &types.Environment{Variables: map[string]string{"KEY": "v"}}
		in.Tags = map[string]string{"edas:stack": "t"}
	})
	wantSha, _ := digest(zipData)
	switch {
	case out.State != types.StatePending:
		t.Errorf("CreateFunction State = %s, want Pending", out.State)
	case aws.ToString(out.CodeSha256) != wantSha || out.CodeSize != int64(len(zipData)):
		t.Errorf("CodeSha256, CodeSize = %s, %d; want %s, %d", aws.ToString(out.CodeSha256), out.CodeSize, wantSha, len(zipData))
	case aws.ToString(out.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:digest":
		t.Errorf("FunctionArn = %s", aws.ToString(out.FunctionArn))
	case out.PackageType != types.PackageTypeZip || len(out.Architectures) != 1 || out.Architectures[0] != types.ArchitectureArm64:
		t.Errorf("PackageType, Architectures = %s, %v", out.PackageType, out.Architectures)
	}
	got, err := h.client.GetFunction(context.Background(), &awslambda.GetFunctionInput{FunctionName: aws.String("digest")})
	if err != nil {
		t.Fatal(err)
	}
	c := got.Configuration
	if c.State != types.StateActive || c.LastUpdateStatus != types.LastUpdateStatusSuccessful || got.Tags["edas:stack"] != "t" ||
		c.Environment.Variables["KEY"] != "v" || aws.ToString(c.LoggingConfig.LogGroup) != "/aws/lambda/digest" {
		t.Errorf("GetFunction = state %s, update %s, tags %v, env %v, log group %s", c.State, c.LastUpdateStatus, got.Tags, c.Environment, aws.ToString(c.LoggingConfig.LogGroup))
	}
}

func TestCreateFunction_refusals(t *testing.T) {
	refused := "arn:aws:iam::000000000000:role/no-trust"
	h := newHarness(t, harnessConfig{opts: Options{Roles: fakeRoles{refused: map[string]bool{refused: true}}}})
	h.create(t, "exists", testZip(t), nil)
	tests := []struct {
		name     string
		mod      func(*awslambda.CreateFunctionInput)
		wantCode string
		wantMsg  string
	}{
		{"a role Lambda may not assume is refused with AWS's message",
			func(in *awslambda.CreateFunctionInput) { in.Role = aws.String(refused) },
			CodeInvalidParameter, roleCannotBeAssumed},
		{"an existing name is a conflict",
			func(in *awslambda.CreateFunctionInput) { in.FunctionName = aws.String("exists") },
			CodeConflict, "Function already exist: exists"},
		{"a zip entry that climbs out of the task directory is refused",
			func(in *awslambda.CreateFunctionInput) {
				in.Code.ZipFile = zipOf(t, map[string][]byte{"bootstrap": []byte("x"), "../escaped": []byte("x")})
			},
			CodeInvalidParameter, couldNotUnzip},
		{"an absolute zip entry is refused",
			func(in *awslambda.CreateFunctionInput) {
				in.Code.ZipFile = zipOf(t, map[string][]byte{"/tmp/absolute-escape": []byte("x")})
			},
			CodeInvalidParameter, couldNotUnzip},
		{"bytes that are not a zip are refused",
			func(in *awslambda.CreateFunctionInput) { in.Code.ZipFile = []byte("not a zip") },
			CodeInvalidParameter, couldNotUnzip},
		{"a runtime other than the OS-only ones is refused clearly",
			func(in *awslambda.CreateFunctionInput) { in.Runtime = types.RuntimePython312 },
			CodeInvalidParameter, "The runtime parameter of python3.12 is not supported by the local AWS"},
		{"memory below 128 MB breaks the model's constraint",
			func(in *awslambda.CreateFunctionInput) { in.MemorySize = aws.Int32(64) },
			CodeValidation, "Member must have value greater than or equal to 128"},
		{"a timeout over 900 seconds is refused",
			func(in *awslambda.CreateFunctionInput) { in.Timeout = aws.Int32(901) },
			CodeValidation, "Member must have value less than or equal to 900"},
		{"reserved environment variables are refused",
			func(in *awslambda.CreateFunctionInput) {
				in.Environment = &types.Environment{Variables: map[string]string{"AWS_REGION": "x"}}
			},
			CodeInvalidParameter, "Reserved keys used in this request: AWS_REGION"},
		{"a malformed role ARN breaks the model's pattern",
			func(in *awslambda.CreateFunctionInput) { in.Role = aws.String("edas-role") },
			CodeValidation, "at 'role' failed to satisfy constraint"},
		{"a function name with a space breaks the model's pattern",
			func(in *awslambda.CreateFunctionInput) { in.FunctionName = aws.String("a b") },
			CodeValidation, "at 'functionName'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &awslambda.CreateFunctionInput{
				FunctionName: aws.String("refused"), Runtime: types.RuntimeProvidedal2023,
				Role: aws.String(testRole), Code: &types.FunctionCode{ZipFile: testZip(t)},
			}
			tt.mod(in)
			_, err := h.client.CreateFunction(context.Background(), in)
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tt.wantCode || !strings.Contains(ae.ErrorMessage(), tt.wantMsg) {
				t.Fatalf("CreateFunction error = %v, want %s containing %q", err, tt.wantCode, tt.wantMsg)
			}
		})
	}
	if _, err := os.Stat("/tmp/absolute-escape"); err == nil {
		t.Error("an absolute zip entry was written")
	}
	entries, _ := filepath.Glob(filepath.Join(h.svc.code.dir, "task", "*", "..", "escaped"))
	if len(entries) > 0 {
		t.Errorf("a climbing zip entry was written: %v", entries)
	}
}

func TestCreateFunction_refusalsAreTyped(t *testing.T) {
	h := newHarness(t, harnessConfig{opts: Options{Roles: fakeRoles{refused: map[string]bool{testRole: true}}}})
	_, err := h.client.CreateFunction(context.Background(), &awslambda.CreateFunctionInput{
		FunctionName: aws.String("typed"), Runtime: types.RuntimeProvidedal2023,
		Role: aws.String(testRole), Code: &types.FunctionCode{ZipFile: testZip(t)},
	})
	var ipe *types.InvalidParameterValueException
	if !errors.As(err, &ipe) || aws.ToString(ipe.Message) != "The role defined for the function cannot be assumed by Lambda." {
		t.Fatalf("error = %v, want *types.InvalidParameterValueException with AWS's message", err)
	}
}

func TestGetFunction_ofAMissingFunctionIsResourceNotFound(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	for _, name := range []string{"missing", "arn:aws:lambda:us-east-1:000000000000:function:missing", "missing:$LATEST"} {
		_, err := h.client.GetFunction(context.Background(), &awslambda.GetFunctionInput{FunctionName: aws.String(name)})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) || !strings.HasPrefix(aws.ToString(nf.Message), "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing") {
			t.Errorf("GetFunction(%s) error = %v, want ResourceNotFoundException", name, err)
		}
	}
}

func TestGetFunction_acceptsNamesAndARNs(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "named", testZip(t), nil)
	for _, name := range []string{"named", "arn:aws:lambda:us-east-1:000000000000:function:named", "000000000000:function:named", "named:$LATEST"} {
		out, err := h.client.GetFunctionConfiguration(context.Background(), &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
		if err != nil || aws.ToString(out.FunctionName) != "named" {
			t.Errorf("GetFunctionConfiguration(%s) = %v, %v", name, out, err)
		}
	}
}

func TestUpdates_areInProgressThenSuccessfulAndConflictMeanwhile(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	h := newHarness(t, harnessConfig{clock: fake, opts: Options{PendingDelay: time.Minute}})
	ctx := context.Background()
	_, err := h.client.CreateFunction(ctx, &awslambda.CreateFunctionInput{
		FunctionName: aws.String("upd"), Runtime: types.RuntimeProvidedal2, Role: aws.String(testRole),
		Code: &types.FunctionCode{ZipFile: testZip(t)},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.client.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("upd")})
	var conflict *types.ResourceConflictException
	if !errors.As(err, &conflict) || !strings.Contains(aws.ToString(conflict.Message), "following state: Pending") {
		t.Fatalf("Invoke while Pending: %v, want ResourceConflictException", err)
	}
	fake.Advance(time.Minute)
	out, err := h.client.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("upd"), Timeout: aws.Int32(20), Description: aws.String("second"),
	})
	if err != nil || out.LastUpdateStatus != types.LastUpdateStatusInProgress || aws.ToInt32(out.Timeout) != 20 {
		t.Fatalf("UpdateFunctionConfiguration = %+v, %v", out, err)
	}
	_, err = h.client.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("upd"), ZipFile: testZip(t)})
	if !errors.As(err, &conflict) || !strings.Contains(aws.ToString(conflict.Message), "An update is in progress for resource: arn:aws:lambda:us-east-1:000000000000:function:upd") {
		t.Fatalf("UpdateFunctionCode during an update: %v, want ResourceConflictException", err)
	}
	fake.Advance(time.Minute)
	got, err := h.client.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("upd")})
	if err != nil || got.LastUpdateStatus != types.LastUpdateStatusSuccessful || aws.ToString(got.Description) != "second" {
		t.Fatalf("after the update: %+v, %v", got, err)
	}
	_, err = h.client.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("upd"), RevisionId: aws.String("stale"),
	})
	var pre *types.PreconditionFailedException
	if !errors.As(err, &pre) {
		t.Fatalf("update with a stale RevisionId: %v, want PreconditionFailedException", err)
	}
}

func TestUpdateFunctionCode_newInvocationsRunTheNewCode(t *testing.T) {
	h := newHarness(t, harnessConfig{opts: Options{PendingDelay: 20 * time.Millisecond}})
	v1 := zipOf(t, map[string][]byte{"bootstrap": testBootstrap, "version.txt": []byte("v1")})
	v2 := zipOf(t, map[string][]byte{"bootstrap": testBootstrap, "version.txt": []byte("v2")})
	h.create(t, "code", v1, nil)
	if got := decode[string](t, h.invoke(t, "code", map[string]any{"op": "version"}).Payload); got != "v1" {
		t.Fatalf("first version = %q", got)
	}
	out, err := h.client.UpdateFunctionCode(context.Background(), &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("code"), ZipFile: v2})
	want, _ := digest(v2)
	if err != nil || aws.ToString(out.CodeSha256) != want {
		t.Fatalf("UpdateFunctionCode = %v, %v", out, err)
	}
	h.waitUpdated(t, "code")
	if got := decode[string](t, h.invoke(t, "code", map[string]any{"op": "version"}).Payload); got != "v2" {
		t.Fatalf("version after UpdateFunctionCode = %q, want v2", got)
	}
}

func TestListFunctions_pagesThroughEveryFunction(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	for _, n := range []string{"c", "a", "b"} {
		h.create(t, n, testZip(t), nil)
	}
	var names []string
	p := awslambda.NewListFunctionsPaginator(h.client, &awslambda.ListFunctionsInput{MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, f := range page.Functions {
			names = append(names, aws.ToString(f.FunctionName))
		}
	}
	if strings.Join(names, ",") != "a,b,c" || pages != 2 {
		t.Fatalf("listed %v in %d pages, want a,b,c in 2", names, pages)
	}
}

func TestDeleteFunction_removesItAndASecondDeleteIsNotFound(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "gone", testZip(t), nil)
	h.invoke(t, "gone", map[string]any{"op": "pid"})
	ctx := context.Background()
	if _, err := h.client.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("gone")}); err != nil {
		t.Fatal(err)
	}
	_, err := h.client.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("gone")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("second DeleteFunction: %v, want ResourceNotFoundException", err)
	}
}

func TestTags_areAddedListedAndRemoved(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	arn := aws.ToString(h.create(t, "tagged", testZip(t), func(in *awslambda.CreateFunctionInput) {
		in.Tags = map[string]string{"a": "1"}
	}).FunctionArn)
	ctx := context.Background()
	if _, err := h.client.TagResource(ctx, &awslambda.TagResourceInput{Resource: aws.String(arn), Tags: map[string]string{"b": "2", "c": "3"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.UntagResource(ctx, &awslambda.UntagResourceInput{Resource: aws.String(arn), TagKeys: []string{"a", "c"}}); err != nil {
		t.Fatal(err)
	}
	out, err := h.client.ListTags(ctx, &awslambda.ListTagsInput{Resource: aws.String(arn)})
	if err != nil || len(out.Tags) != 1 || out.Tags["b"] != "2" {
		t.Fatalf("ListTags = %v, %v; want b=2 only", out, err)
	}
	_, err = h.client.ListTags(ctx, &awslambda.ListTagsInput{Resource: aws.String(arn + "x")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("ListTags of a missing function: %v", err)
	}
}

func TestFunctionConcurrency_isPutReadAndDeleted(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "conc", testZip(t), nil)
	ctx := context.Background()
	if _, err := h.client.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("conc"), ReservedConcurrentExecutions: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	got, err := h.client.GetFunctionConcurrency(ctx, &awslambda.GetFunctionConcurrencyInput{FunctionName: aws.String("conc")})
	if err != nil || aws.ToInt32(got.ReservedConcurrentExecutions) != 3 {
		t.Fatalf("GetFunctionConcurrency = %v, %v", got, err)
	}
	_, err = h.client.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("conc"), ReservedConcurrentExecutions: aws.Int32(901)})
	var ipe *types.InvalidParameterValueException
	if !errors.As(err, &ipe) || aws.ToString(ipe.Message) != unreservedMinimumText {
		t.Fatalf("reserving 901: %v", err)
	}
	if _, err := h.client.DeleteFunctionConcurrency(ctx, &awslambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("conc")}); err != nil {
		t.Fatal(err)
	}
	got, err = h.client.GetFunctionConcurrency(ctx, &awslambda.GetFunctionConcurrencyInput{FunctionName: aws.String("conc")})
	if err != nil || got.ReservedConcurrentExecutions != nil {
		t.Fatalf("GetFunctionConcurrency after delete = %v, %v", got, err)
	}
}

func TestFunctions_surviveARestartAndStillRun(t *testing.T) {
	first, restart := newDurableHarness(t)
	first.create(t, "durable", testZip(t), func(in *awslambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"KEPT": "yes"}}
	})
	second := restart()
	list, err := second.client.ListFunctions(context.Background(), &awslambda.ListFunctionsInput{})
	if err != nil || len(list.Functions) != 1 || aws.ToString(list.Functions[0].FunctionName) != "durable" {
		t.Fatalf("ListFunctions after restart = %v, %v", list, err)
	}
	env := decode[map[string]string](t, second.invoke(t, "durable", map[string]any{"op": "env"}).Payload)
	if env["KEPT"] != "yes" {
		t.Fatalf("environment after restart: KEPT=%q", env["KEPT"])
	}
}

func TestEventInvocations_acceptedBeforeARestartRunAfterIt(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	first := newHarness(t, harnessConfig{dataDir: dir, st: st})
	first.create(t, "later", testZip(t), nil)
	// With no concurrency the event waits, accepted but not run.
	if _, err := first.client.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("later"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	out, err := first.client.Invoke(ctx, &awslambda.InvokeInput{
		FunctionName: aws.String("later"), InvocationType: types.InvocationTypeEvent,
		Payload: []byte(`{"op":"print","lines":["survived the restart"]}`),
	})
	if err != nil || out.StatusCode != 202 {
		t.Fatalf("Event Invoke = %v, %v", out, err)
	}
	first.srv.Close()
	first.svc.Close()

	second := newHarness(t, harnessConfig{dataDir: dir, st: st})
	if _, err := second.client.DeleteFunctionConcurrency(ctx, &awslambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("later")}); err != nil {
		t.Fatal(err)
	}
	second.logs.waitFor(t, "/aws/lambda/later", "survived the restart")
}

func TestMalformedRequests_get4xxInTheRESTJSONShape(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantType                 string
	}{
		{"a create body that is not JSON", "POST", "/2015-03-31/functions", "{not json", 400, CodeInvalidContent},
		{"a ZipFile that is not base64", "POST", "/2015-03-31/functions", `{"FunctionName":"x","Code":{"ZipFile":"!!"}}`, 400, CodeInvalidContent},
		{"an unknown operation", "POST", "/2015-03-31/nothing", "{}", 404, codeUnknownOperation},
		{"an invocation of a missing function", "POST", "/2015-03-31/functions/none/invocations", "{", 404, CodeNotFound},
		{"a MaxItems that is not a number", "GET", "/2015-03-31/functions/?MaxItems=x", "", 400, CodeValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, h.srv.URL+tt.path, strings.NewReader(tt.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp.Body)
			if resp.StatusCode != tt.wantStatus || resp.Header.Get("X-Amzn-ErrorType") != tt.wantType || !strings.Contains(body, `"message"`) {
				t.Fatalf("%s %s = %d %s %s, want %d %s", tt.method, tt.path, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body, tt.wantStatus, tt.wantType)
			}
		})
	}
}

func TestInvoke_ofAPayloadThatIsNotJSONIsInvalidRequestContent(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "strict", testZip(t), nil)
	_, err := h.client.Invoke(context.Background(), &awslambda.InvokeInput{FunctionName: aws.String("strict"), Payload: []byte("{")})
	var ire *types.InvalidRequestContentException
	if !errors.As(err, &ire) {
		t.Fatalf("Invoke with a broken payload: %v, want InvalidRequestContentException", err)
	}
}

func TestSafeEntryName(t *testing.T) {
	tests := map[string]bool{
		"bootstrap": true, "lib/x.so": true, "./bootstrap": true, "a/../b": false, "../x": false,
		"/etc/passwd": false, `a\..\b`: false, "": false, "..": false,
	}
	for name, want := range tests {
		if got := safeEntryName(name); got != want {
			t.Errorf("safeEntryName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestExtract_refusesALinkThatPointsOutside(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: "link"}
	hdr.SetMode(os.ModeSymlink | 0o777)
	w, _ := zw.CreateHeader(hdr)
	w.Write([]byte("../../outside"))
	zw.Close()
	c := codeStore{dir: t.TempDir()}
	_, err := c.put(buf.Bytes())
	if err == nil || !strings.Contains(err.Error(), "points outside") {
		t.Fatalf("put of a zip with an escaping link: %v", err)
	}
}

// FuzzServeHTTP feeds arbitrary bodies to the operations that decode JSON:
// the service must answer without a panic and without a 5xx.
func FuzzServeHTTP(f *testing.F) {
	f.Add("/2015-03-31/functions", `{"FunctionName":"f","Runtime":"provided.al2023","Role":"arn:aws:iam::000000000000:role/r","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}`)
	f.Add("/2015-03-31/functions", `{"Code":{"ZipFile":"`+base64.StdEncoding.EncodeToString([]byte("PK"))+`"}}`)
	f.Add("/2015-03-31/functions/f/configuration", `{"Timeout":-1}`)
	f.Add("/2017-03-31/tags/arn:aws:lambda:us-east-1:000000000000:function:f", `{"Tags":{"a":"b"}}`)
	h := newHarness(f, harnessConfig{})
	f.Fuzz(func(t *testing.T, path, body string) {
		for _, method := range []string{"POST", "PUT"} {
			req, err := http.NewRequest(method, h.srv.URL+"/"+strings.TrimPrefix(path, "/"), strings.NewReader(body))
			if err != nil {
				return
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Fatalf("%s %s %q: status %d", method, path, body, resp.StatusCode)
			}
		}
	})
}

func TestFunctions_withLayersOrFileSystemsAreRefusedNotRunWithoutThem(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	ctx := context.Background()
	for name, mod := range map[string]func(*awslambda.CreateFunctionInput){
		"a layer": func(in *awslambda.CreateFunctionInput) {
			in.Layers = []string{"arn:aws:lambda:us-east-1:000000000000:layer:tools:3"}
		},
		"an EFS file system": func(in *awslambda.CreateFunctionInput) {
			in.FileSystemConfigs = []types.FileSystemConfig{{Arn: aws.String("arn:aws:elasticfilesystem:us-east-1:000000000000:access-point/fsap-1"), LocalMountPath: aws.String("/mnt/data")}}
		},
	} {
		in := &awslambda.CreateFunctionInput{FunctionName: aws.String("parts"), Runtime: types.RuntimeProvidedal2023,
			Role: aws.String(testRole), Code: &types.FunctionCode{ZipFile: testZip(t)}}
		mod(in)
		_, err := h.client.CreateFunction(ctx, in)
		var bad *types.InvalidParameterValueException
		if !errors.As(err, &bad) {
			t.Errorf("CreateFunction with %s: %v, want InvalidParameterValueException", name, err)
		}
	}
	h.create(t, "parts", testZip(t), nil)
	h.waitUpdated(t, "parts")
	_, err := h.client.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("parts"),
		Layers: []string{"arn:aws:lambda:us-east-1:000000000000:layer:tools:3"}})
	var bad *types.InvalidParameterValueException
	if !errors.As(err, &bad) || !strings.Contains(aws.ToString(bad.Message), "put what it holds into the function's zip") {
		t.Fatalf("UpdateFunctionConfiguration with a layer: %v, want InvalidParameterValueException naming the fix", err)
	}
}
