package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
)

func s3Permission(name, sid string) *awslambda.AddPermissionInput {
	return &awslambda.AddPermissionInput{FunctionName: aws.String(name), StatementId: aws.String(sid),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
		SourceArn: aws.String("arn:aws:s3:::my-bucket"), SourceAccount: aws.String("000000000000")}
}

func TestAddPermission_writesTheStatementLambdaWrites(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "pf", testZip(t), nil)
	ctx := context.Background()
	out, err := h.client.AddPermission(ctx, s3Permission("pf", "s3invoke"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Sid":"s3invoke","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",` +
		`"Resource":"arn:aws:lambda:us-east-1:000000000000:function:pf",` +
		`"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::my-bucket"},"StringEquals":{"AWS:SourceAccount":"000000000000"}}}`
	if got := aws.ToString(out.Statement); got != want {
		t.Fatalf("statement\n got %s\nwant %s", got, want)
	}
	if _, err := h.client.AddPermission(ctx, &awslambda.AddPermissionInput{FunctionName: aws.String("pf"),
		StatementId: aws.String("account"), Action: aws.String("lambda:*"), Principal: aws.String("111122223333")}); err != nil {
		t.Fatal(err)
	}
	pol, err := h.client.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String("pf")})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version, Id string
		Statement   []struct {
			Sid       string
			Principal map[string]string
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); err != nil {
		t.Fatalf("policy %s: %v", aws.ToString(pol.Policy), err)
	}
	if doc.Version != "2012-10-17" || doc.Id != "default" || len(doc.Statement) != 2 ||
		doc.Statement[1].Principal["AWS"] != "arn:aws:iam::111122223333:root" {
		t.Fatalf("policy = %s", aws.ToString(pol.Policy))
	}
	fn, err := h.client.GetFunctionConfiguration(ctx, &awslambda.GetFunctionConfigurationInput{FunctionName: aws.String("pf")})
	if err != nil || aws.ToString(fn.RevisionId) != aws.ToString(pol.RevisionId) {
		t.Fatalf("function revision %q, policy revision %q (%v): want the same", aws.ToString(fn.RevisionId), aws.ToString(pol.RevisionId), err)
	}
}

func TestAddPermission_refusesBadInput(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "pf", testZip(t), nil)
	ctx := context.Background()
	if _, err := h.client.AddPermission(ctx, s3Permission("pf", "once")); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		mod  func(*awslambda.AddPermissionInput)
		code string
	}{
		"a statement id already used": {func(in *awslambda.AddPermissionInput) {}, CodeConflict},
		"a statement id with a space": {func(in *awslambda.AddPermissionInput) { in.StatementId = aws.String("a b") }, CodeValidation},
		"an action of another service": {func(in *awslambda.AddPermissionInput) {
			in.StatementId, in.Action = aws.String("x1"), aws.String("sqs:SendMessage")
		}, CodeValidation},
		"a source ARN that is no ARN": {func(in *awslambda.AddPermissionInput) {
			in.StatementId, in.SourceArn = aws.String("x2"), aws.String("my-bucket")
		}, CodeValidation},
		"a stale revision": {func(in *awslambda.AddPermissionInput) {
			in.StatementId, in.RevisionId = aws.String("x3"), aws.String("not-the-revision")
		}, CodePrecondition},
		"a function that does not exist": {func(in *awslambda.AddPermissionInput) {
			in.FunctionName, in.StatementId = aws.String("nope"), aws.String("x4")
		}, CodeNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			in := s3Permission("pf", "once")
			tc.mod(in)
			_, err := h.client.AddPermission(ctx, in)
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tc.code {
				t.Fatalf("AddPermission = %v, want %s", err, tc.code)
			}
		})
	}
	pol, err := h.client.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String("pf")})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Statement []json.RawMessage }
	if json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); len(doc.Statement) != 1 {
		t.Fatalf("after refused additions the policy is %s, want the one statement", aws.ToString(pol.Policy))
	}
}

func TestPermissions_areRemovedOneByOneAndTheLastLeavesNoPolicy(t *testing.T) {
	h := newHarness(t, harnessConfig{})
	h.create(t, "pf", testZip(t), nil)
	ctx := context.Background()
	var rnf *types.ResourceNotFoundException
	if _, err := h.client.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String("pf")}); !errors.As(err, &rnf) {
		t.Fatalf("GetPolicy of a function without permissions = %v, want ResourceNotFoundException", err)
	}
	for _, sid := range []string{"a", "b"} {
		if _, err := h.client.AddPermission(ctx, s3Permission("pf", sid)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.client.RemovePermission(ctx, &awslambda.RemovePermissionInput{FunctionName: aws.String("pf"), StatementId: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.RemovePermission(ctx, &awslambda.RemovePermissionInput{FunctionName: aws.String("pf"), StatementId: aws.String("a")}); !errors.As(err, &rnf) {
		t.Fatalf("removing a removed statement = %v, want ResourceNotFoundException", err)
	}
	if _, err := h.client.RemovePermission(ctx, &awslambda.RemovePermissionInput{FunctionName: aws.String("pf"), StatementId: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.GetPolicy(ctx, &awslambda.GetPolicyInput{FunctionName: aws.String("pf")}); !errors.As(err, &rnf) {
		t.Fatalf("GetPolicy after removing every statement = %v, want ResourceNotFoundException", err)
	}
}

func TestPermissions_surviveAnUpdateAndARestart(t *testing.T) {
	first, restart := newDurableHarness(t)
	first.create(t, "kept", testZip(t), nil)
	ctx := context.Background()
	if _, err := first.client.AddPermission(ctx, s3Permission("kept", "s3")); err != nil {
		t.Fatal(err)
	}
	if _, err := first.client.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("kept"), Description: aws.String("changed")}); err != nil {
		t.Fatal(err)
	}
	second := restart()
	doc, arn, ok := second.svc.Policy("arn:aws:lambda:us-east-1:000000000000:function:kept")
	if !ok || arn != "arn:aws:lambda:us-east-1:000000000000:function:kept" || doc == "" {
		t.Fatalf("Policy after an update and a restart = %q, %q, %v; want the statement", doc, arn, ok)
	}
}
