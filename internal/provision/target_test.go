package provision

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

type fakeSTS struct{ account string }

func (f fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	if f.account == "" {
		return &sts.GetCallerIdentityOutput{}, nil
	}
	return &sts.GetCallerIdentityOutput{Account: aws.String(f.account)}, nil
}

func TestResolveTarget(t *testing.T) {
	tg, err := ResolveTarget(context.Background(), fakeSTS{account: "000000000000"}, "us-east-1", true)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "target", tg, Target{Account: "000000000000", Region: "us-east-1", Local: true})
	if _, err := ResolveTarget(context.Background(), fakeSTS{}, "us-east-1", false); err == nil {
		t.Error("an answer without an account was accepted")
	}
}

func TestWarnings(t *testing.T) {
	f := newFixture(t)
	res := f.up(t)
	w := f.plan.Warnings(res)
	mustEqual(t, "warnings on AWS", len(w), 2)
	f.plan.target.Local = true
	mustEqual(t, "warnings on the local AWS", len(f.plan.Warnings(res)), 0)
	f.plan.target.Local = false
	mustEqual(t, "warnings after a no-op up", len(f.plan.Warnings(f.up(t))), 0)
}
