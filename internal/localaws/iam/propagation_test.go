package iam

import (
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/clock"
	"github.com/edasctl/edasctl/internal/localaws/policy"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

func TestNewRoleTakesEffectOnlyAfterPropagation(t *testing.T) {
	st, err := store.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := NewWithOptions(service.Env{Store: st, Clock: clk, Log: slog.New(slog.DiscardHandler), Account: "000000000000", Region: "us-east-1"},
		Options{Propagation: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := s.createRole(url.Values{"RoleName": {"r"}, "AssumeRolePolicyDocument": {trust}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.putRolePolicy(url.Values{"RoleName": {"r"}, "PolicyName": {"p"},
		"PolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}]}`}}); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:iam::000000000000:role/r"
	req := policy.Request{Action: "sqs:ReceiveMessage", Resource: "arn:aws:sqs:us-east-1:000000000000:q"}
	if s.CanAssume(arn, "lambda.amazonaws.com") {
		t.Fatal("a role created just now is assumable; want it to propagate first")
	}
	if d, _ := s.Evaluate(arn, req); d == policy.Allowed {
		t.Fatal("a policy put just now is effective; want it to propagate first")
	}
	clk.Advance(10 * time.Second)
	if !s.CanAssume(arn, "lambda.amazonaws.com") {
		t.Fatal("role not assumable after the propagation delay")
	}
	if d, _ := s.Evaluate(arn, req); d != policy.Allowed {
		t.Fatalf("policy decision after propagation = %v, want Allowed", d)
	}
}
