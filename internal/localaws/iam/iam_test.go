package iam

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/policy"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

const (
	trust      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	queuePerms = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"], "Resource": "arn:aws:sqs:us-east-1:000000000000:edas-thumbnail"}]}`
	sqsExec    = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"
	basicExec  = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
)

func testEnv(st *store.Store) service.Env {
	return service.Env{Store: st, Clock: clock.NewFake(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Account: "000000000000", Region: "us-east-1"}
}

func newTestService(t *testing.T) (*Service, *awsiam.Client) {
	t.Helper()
	st, err := store.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := New(testEnv(st))
	if err != nil {
		t.Fatal(err)
	}
	return svc, clientFor(t, svc)
}

func clientFor(t *testing.T, svc *Service) *awsiam.Client {
	t.Helper()
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	return awsiam.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
}

func ctx() context.Context { return context.Background() }

func createRole(t *testing.T, c *awsiam.Client, name string) *iamtypes.Role {
	t.Helper()
	out, err := c.CreateRole(ctx(), &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatalf("CreateRole %s: %v", name, err)
	}
	return out.Role
}

func wantErr[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
	return target
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

func decode(t *testing.T, s *string) string {
	t.Helper()
	d, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		t.Fatalf("document is not URL-encoded: %v", err)
	}
	return d
}

func TestCreateRole(t *testing.T) {
	_, c := newTestService(t)
	out, err := c.CreateRole(ctx(), &awsiam.CreateRoleInput{RoleName: aws.String("edas-thumbnail"), Path: aws.String("/edas/"),
		AssumeRolePolicyDocument: aws.String(trust), Description: aws.String("thumbnail consumer"), MaxSessionDuration: aws.Int32(7200),
		Tags: []iamtypes.Tag{{Key: aws.String("edas:stack"), Value: aws.String("edas")}}})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	if *r.Arn != "arn:aws:iam::000000000000:role/edas/edas-thumbnail" || *r.Path != "/edas/" || !strings.HasPrefix(*r.RoleId, "AROA") ||
		*r.Description != "thumbnail consumer" || *r.MaxSessionDuration != 7200 || len(r.Tags) != 1 || r.CreateDate == nil {
		t.Errorf("role = %+v", r)
	}
	if got := decode(t, r.AssumeRolePolicyDocument); got != trust {
		t.Errorf("AssumeRolePolicyDocument = %s", got)
	}
	if strings.Contains(*r.AssumeRolePolicyDocument, "+") || !strings.Contains(*r.AssumeRolePolicyDocument, "%22") {
		t.Errorf("document is not percent-encoded as IAM does: %s", *r.AssumeRolePolicyDocument)
	}
	_, err = c.CreateRole(ctx(), &awsiam.CreateRoleInput{RoleName: aws.String("EDAS-Thumbnail"), AssumeRolePolicyDocument: aws.String(trust)})
	if e := wantErr[*iamtypes.EntityAlreadyExistsException](t, err); e.ErrorMessage() != "Role with name EDAS-Thumbnail already exists." {
		t.Errorf("message = %q", e.ErrorMessage())
	}
}

func TestCreateRoleRejectsBadInput(t *testing.T) {
	_, c := newTestService(t)
	tests := []struct {
		name  string
		input *awsiam.CreateRoleInput
		code  string
	}{
		{"a name with a space", &awsiam.CreateRoleInput{RoleName: aws.String("a b"), AssumeRolePolicyDocument: aws.String(trust)}, "ValidationError"},
		{"a name over 64 characters", &awsiam.CreateRoleInput{RoleName: aws.String(strings.Repeat("r", 65)), AssumeRolePolicyDocument: aws.String(trust)}, "ValidationError"},
		{"a path without slashes", &awsiam.CreateRoleInput{RoleName: aws.String("r"), Path: aws.String("edas"), AssumeRolePolicyDocument: aws.String(trust)}, "ValidationError"},
		{"a session under an hour", &awsiam.CreateRoleInput{RoleName: aws.String("r"), MaxSessionDuration: aws.Int32(60), AssumeRolePolicyDocument: aws.String(trust)}, "ValidationError"},
		{"a trust policy that is not JSON", &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String("{")}, "MalformedPolicyDocument"},
		{"a trust policy without principal", &awsiam.CreateRoleInput{RoleName: aws.String("r"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`)}, "MalformedPolicyDocument"},
		{"a trust policy over 2048 characters", &awsiam.CreateRoleInput{RoleName: aws.String("r"),
			AssumeRolePolicyDocument: aws.String(`{"Statement":{"Sid":"` + strings.Repeat("s", 2048) + `","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`)}, "LimitExceeded"},
		{"duplicate tag keys", &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust),
			Tags: []iamtypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("A"), Value: aws.String("2")}}}, "InvalidInput"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateRole(ctx(), tt.input)
			wantCode(t, err, tt.code)
		})
	}
	_, err := c.CreateRole(ctx(), tests[4].input)
	wantErr[*iamtypes.MalformedPolicyDocumentException](t, err)
}

func TestGetRoleOfAnUnknownRole(t *testing.T) {
	_, c := newTestService(t)
	_, err := c.GetRole(ctx(), &awsiam.GetRoleInput{RoleName: aws.String("ghost")})
	if e := wantErr[*iamtypes.NoSuchEntityException](t, err); e.ErrorMessage() != "The role with name ghost cannot be found." {
		t.Errorf("message = %q", e.ErrorMessage())
	}
}

func TestUpdateRoleAndTrustPolicy(t *testing.T) {
	_, c := newTestService(t)
	createRole(t, c, "r")
	if _, err := c.UpdateRole(ctx(), &awsiam.UpdateRoleInput{RoleName: aws.String("r"), Description: aws.String("d"), MaxSessionDuration: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}
	const ec2 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`
	if _, err := c.UpdateAssumeRolePolicy(ctx(), &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(ec2)}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetRole(ctx(), &awsiam.GetRoleInput{RoleName: aws.String("R")})
	if err != nil {
		t.Fatal(err)
	}
	if *out.Role.Description != "d" || *out.Role.MaxSessionDuration != 43200 || decode(t, out.Role.AssumeRolePolicyDocument) != ec2 {
		t.Errorf("role = %+v", out.Role)
	}
	_, err = c.UpdateAssumeRolePolicy(ctx(), &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(`{"Statement":[]}`)})
	wantErr[*iamtypes.MalformedPolicyDocumentException](t, err)
	_, err = c.UpdateRole(ctx(), &awsiam.UpdateRoleInput{RoleName: aws.String("ghost")})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
}

func TestInlineRolePolicies(t *testing.T) {
	_, c := newTestService(t)
	createRole(t, c, "r")
	if _, err := c.PutRolePolicy(ctx(), &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("queue"), PolicyDocument: aws.String(queuePerms)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetRolePolicy(ctx(), &awsiam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("queue")})
	if err != nil {
		t.Fatal(err)
	}
	if decode(t, got.PolicyDocument) != queuePerms || *got.RoleName != "r" || *got.PolicyName != "queue" {
		t.Errorf("GetRolePolicy = %+v", got)
	}
	if !strings.Contains(*got.PolicyDocument, "%20") {
		t.Errorf("spaces are not encoded as %%20: %s", *got.PolicyDocument)
	}
	list, err := c.ListRolePolicies(ctx(), &awsiam.ListRolePoliciesInput{RoleName: aws.String("r")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.PolicyNames) != 1 || list.PolicyNames[0] != "queue" || list.IsTruncated {
		t.Errorf("ListRolePolicies = %+v", list)
	}
	_, err = c.GetRolePolicy(ctx(), &awsiam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("nope")})
	if e := wantErr[*iamtypes.NoSuchEntityException](t, err); e.ErrorMessage() != "The role policy with name nope cannot be found." {
		t.Errorf("message = %q", e.ErrorMessage())
	}
	if _, err := c.DeleteRolePolicy(ctx(), &awsiam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("queue")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRolePolicy(ctx(), &awsiam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("queue")})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
}

func TestPutRolePolicyRejectsBadDocuments(t *testing.T) {
	_, c := newTestService(t)
	createRole(t, c, "r")
	tests := []struct {
		name, doc, code string
	}{
		{"a document with a principal", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`, "MalformedPolicyDocument"},
		{"a document without resource", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*"}}`, "MalformedPolicyDocument"},
		{"a document that is not JSON", `nope`, "MalformedPolicyDocument"},
		{"documents over 10,240 characters together", `{"Statement":{"Sid":"` + strings.Repeat("a", 10200) + `","Effect":"Allow","Action":"s3:*","Resource":"*"}}`, "LimitExceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.PutRolePolicy(ctx(), &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(tt.doc)})
			wantCode(t, err, tt.code)
		})
	}
	_, err := c.PutRolePolicy(ctx(), &awsiam.PutRolePolicyInput{RoleName: aws.String("ghost"), PolicyName: aws.String("p"), PolicyDocument: aws.String(queuePerms)})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
}

func TestManagedPolicies(t *testing.T) {
	_, c := newTestService(t)
	createRole(t, c, "r")
	arns := []string{basicExec, sqsExec, "arn:aws:iam::aws:policy/AWSLambdaExecute",
		"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonSQSFullAccess"}
	for _, arn := range arns {
		if _, err := c.AttachRolePolicy(ctx(), &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(arn)}); err != nil {
			t.Fatalf("AttachRolePolicy %s: %v", arn, err)
		}
		pol, err := c.GetPolicy(ctx(), &awsiam.GetPolicyInput{PolicyArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		if *pol.Policy.Arn != arn || *pol.Policy.AttachmentCount != 1 || !pol.Policy.IsAttachable {
			t.Errorf("GetPolicy = %+v", pol.Policy)
		}
		ver, err := c.GetPolicyVersion(ctx(), &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: pol.Policy.DefaultVersionId})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := policy.Parse(decode(t, ver.PolicyVersion.Document), policy.Identity); err != nil || !ver.PolicyVersion.IsDefaultVersion {
			t.Errorf("%s document: %v", arn, err)
		}
	}
	list, err := c.ListAttachedRolePolicies(ctx(), &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("r"), PathPrefix: aws.String("/service-role/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.AttachedPolicies) != 2 || *list.AttachedPolicies[0].PolicyName != "AWSLambdaBasicExecutionRole" {
		t.Errorf("ListAttachedRolePolicies = %+v", list.AttachedPolicies)
	}
	_, err = c.AttachRolePolicy(ctx(), &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/Nope")})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
	_, err = c.GetPolicyVersion(ctx(), &awsiam.GetPolicyVersionInput{PolicyArn: aws.String(sqsExec), VersionId: aws.String("v9")})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
	if _, err := c.DetachRolePolicy(ctx(), &awsiam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(sqsExec)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DetachRolePolicy(ctx(), &awsiam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(sqsExec)})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
}

func TestDeleteRoleRefusedWhilePoliciesRemain(t *testing.T) {
	_, c := newTestService(t)
	createRole(t, c, "r")
	if _, err := c.PutRolePolicy(ctx(), &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(queuePerms)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(ctx(), &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(basicExec)}); err != nil {
		t.Fatal(err)
	}
	del := func() error {
		_, err := c.DeleteRole(ctx(), &awsiam.DeleteRoleInput{RoleName: aws.String("r")})
		return err
	}
	if e := wantErr[*iamtypes.DeleteConflictException](t, del()); e.ErrorMessage() != "Cannot delete entity, must delete policies first." {
		t.Errorf("message = %q", e.ErrorMessage())
	}
	if _, err := c.DeleteRolePolicy(ctx(), &awsiam.DeleteRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p")}); err != nil {
		t.Fatal(err)
	}
	if e := wantErr[*iamtypes.DeleteConflictException](t, del()); e.ErrorMessage() != "Cannot delete entity, must detach all policies first." {
		t.Errorf("message = %q", e.ErrorMessage())
	}
	if _, err := c.DetachRolePolicy(ctx(), &awsiam.DetachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(basicExec)}); err != nil {
		t.Fatal(err)
	}
	if err := del(); err != nil {
		t.Fatal(err)
	}
	wantErr[*iamtypes.NoSuchEntityException](t, del())
}

func TestListRolesPages(t *testing.T) {
	_, c := newTestService(t)
	for i := range 5 {
		createRole(t, c, fmt.Sprintf("role%d", i))
	}
	if _, err := c.CreateRole(ctx(), &awsiam.CreateRoleInput{RoleName: aws.String("pathed"), Path: aws.String("/edas/"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	var names []string
	pages := 0
	p := awsiam.NewListRolesPaginator(c, &awsiam.ListRolesInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.Roles {
			names = append(names, *r.RoleName)
		}
	}
	if pages != 3 || len(names) != 6 {
		t.Errorf("pages = %d, roles = %v", pages, names)
	}
	out, err := c.ListRoles(ctx(), &awsiam.ListRolesInput{PathPrefix: aws.String("/edas/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Roles) != 1 || *out.Roles[0].RoleName != "pathed" || out.IsTruncated {
		t.Errorf("ListRoles with PathPrefix = %+v", out.Roles)
	}
}

func TestRoleTags(t *testing.T) {
	_, c := newTestService(t)
	createRole(t, c, "r")
	if _, err := c.TagRole(ctx(), &awsiam.TagRoleInput{RoleName: aws.String("r"), Tags: []iamtypes.Tag{
		{Key: aws.String("edas:stack"), Value: aws.String("edas")}, {Key: aws.String("x"), Value: aws.String("1")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagRole(ctx(), &awsiam.TagRoleInput{RoleName: aws.String("r"), Tags: []iamtypes.Tag{{Key: aws.String("X"), Value: aws.String("2")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagRole(ctx(), &awsiam.UntagRoleInput{RoleName: aws.String("r"), TagKeys: []string{"edas:stack"}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListRoleTags(ctx(), &awsiam.ListRoleTagsInput{RoleName: aws.String("r")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 1 || *out.Tags[0].Key != "X" || *out.Tags[0].Value != "2" {
		t.Errorf("tags = %+v", out.Tags)
	}
}

func TestRolesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(testEnv(st))
	if err != nil {
		t.Fatal(err)
	}
	c := clientFor(t, svc)
	createRole(t, c, "r")
	if _, err := c.PutRolePolicy(ctx(), &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(queuePerms)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(ctx(), &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String(basicExec)}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st2, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	svc2, err := New(testEnv(st2))
	if err != nil {
		t.Fatal(err)
	}
	c2 := clientFor(t, svc2)
	got, err := c2.GetRolePolicy(ctx(), &awsiam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p")})
	if err != nil || decode(t, got.PolicyDocument) != queuePerms {
		t.Fatalf("GetRolePolicy after restart = %v, %v", got, err)
	}
	att, err := c2.ListAttachedRolePolicies(ctx(), &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("r")})
	if err != nil || len(att.AttachedPolicies) != 1 || *att.AttachedPolicies[0].PolicyArn != basicExec {
		t.Errorf("attached after restart = %+v, %v", att, err)
	}
}

func TestInProcessChecks(t *testing.T) {
	svc, c := newTestService(t)
	arn := *createRole(t, c, "edas-thumbnail").Arn
	queue := "arn:aws:sqs:us-east-1:000000000000:edas-thumbnail"
	if !svc.CanAssume(arn, "lambda.amazonaws.com") || svc.CanAssume(arn, "ec2.amazonaws.com") || svc.CanAssume(arn+"x", "lambda.amazonaws.com") {
		t.Error("CanAssume disagrees with the trust policy")
	}
	receive := policy.Request{Action: "sqs:ReceiveMessage", Resource: queue}
	if d, ok := svc.Evaluate(arn, receive); !ok || d != policy.ImplicitDeny {
		t.Errorf("without policies: %v, %v", d, ok)
	}
	if _, err := c.AttachRolePolicy(ctx(), &awsiam.AttachRolePolicyInput{RoleName: aws.String("edas-thumbnail"), PolicyArn: aws.String(sqsExec)}); err != nil {
		t.Fatal(err)
	}
	if d, _ := svc.Evaluate(arn, receive); d != policy.Allowed {
		t.Errorf("with AWSLambdaSQSQueueExecutionRole: %v", d)
	}
	if d, _ := svc.Evaluate(arn, policy.Request{Action: "sqs:SendMessage", Resource: queue}); d != policy.ImplicitDeny {
		t.Errorf("SendMessage with AWSLambdaSQSQueueExecutionRole: %v", d)
	}
	if _, ok := svc.Evaluate("arn:aws:iam::000000000000:role/ghost", receive); ok {
		t.Error("Evaluate found a role that does not exist")
	}
}
