package iam

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

func post(svc *Service, body string) (int, string) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	svc.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

func TestServeRejectsBadRequests(t *testing.T) {
	svc, _ := newTestService(t)
	tests := []struct {
		name, body, code string
		status           int
	}{
		{"no action", "Version=2010-05-08", "MissingParameter", 400},
		{"an unknown action", "Action=CreateUser", "InvalidAction", 400},
		{"a malformed form body", "Action=ListRoles&%zz", "SerializationException", 400},
		{"a role without a name", "Action=CreateRole&AssumeRolePolicyDocument=%7B%7D", "ValidationError", 400},
		{"a bad MaxItems", "Action=ListRoles&MaxItems=0", "ValidationError", 400},
		{"a bad Marker", "Action=ListRoles&Marker=%21", "InvalidInput", 400},
		{"a body over the limit", "Action=CreateRole&RoleName=r&AssumeRolePolicyDocument=" + strings.Repeat("x", maxBody), "RequestEntityTooLarge", 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(svc, tt.body)
			if status != tt.status || !strings.Contains(body, "<Code>"+tt.code+"</Code>") {
				t.Errorf("status %d, body %s", status, body)
			}
		})
	}
}

func FuzzServe(f *testing.F) {
	f.Add("Action=CreateRole&RoleName=r&AssumeRolePolicyDocument=%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%22*%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D")
	f.Add("Action=PutRolePolicy&RoleName=r&PolicyName=p&PolicyDocument=%7B%7D")
	f.Add("Action=AttachRolePolicy&RoleName=r&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAWSLambdaExecute")
	f.Add("Action=ListRoles&MaxItems=1&Marker=cg")
	st, err := store.OpenMemory()
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	svc, err := New(testEnv(st))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if status, out := post(svc, body); status >= 500 {
			t.Fatalf("status %d for %q: %s", status, body, out)
		}
	})
}
