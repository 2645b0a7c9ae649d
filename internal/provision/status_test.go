package provision

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestStatus_convergedPipelineIsHealthyWithDepths(t *testing.T) {
	f := converged(t)
	q := f.cloud.queues["edas-thumbnail"]
	q.attrs["ApproximateNumberOfMessages"], q.attrs["ApproximateNumberOfMessagesNotVisible"] = "4", "2"
	f.cloud.queues["edas-thumbnail-dlq"].attrs["ApproximateNumberOfMessages"] = "1"
	rep, err := f.plan.Status(context.Background())
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if !rep.Healthy() {
		t.Errorf("not healthy: %+v", rep.Resources)
	}
	if m := f.cloud.mutations(); len(m) != 0 {
		t.Errorf("Status made mutating calls: %q", m)
	}
	c := rep.Consumers[0]
	mustEqual(t, "consumer", c.Name, "thumbnail")
	mustEqual(t, "visible", c.Queue.Visible, 4)
	mustEqual(t, "in flight", c.Queue.InFlight, 2)
	mustEqual(t, "dlq", c.DLQ.Visible, 1)
	mustEqual(t, "mapping state", c.Mapping.State, "Enabled")
	mustEqual(t, "last result", c.Mapping.LastProcessingResult, "No records processed")
	mustEqual(t, "function state", c.Function.State, "Active")
}

func TestStatus_reportsEachDriftWithItsReason(t *testing.T) {
	f := converged(t)
	f.cloud.queues["edas-catalog"].attrs["VisibilityTimeout"] = "7"
	delete(f.cloud.roles, "edas-thumbnail")
	f.cloud.functions["edas-catalog"].cfg.CodeSha256 = aws.String("other")
	rep, err := f.plan.Status(context.Background())
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if rep.Healthy() {
		t.Fatal("healthy despite drift")
	}
	got := map[string]string{}
	for _, r := range rep.Resources {
		if r.State != OK {
			got[r.Step] = string(r.State) + ": " + r.Reason
		}
	}
	want := map[string]string{
		"queue/catalog":    "drifted: VisibilityTimeout is 7, want 180",
		"role/thumbnail":   "missing: role missing",
		"function/catalog": "drifted: code differs from the local build",
	}
	for k, v := range want {
		mustEqual(t, k, got[k], v)
	}
	mustEqual(t, "drifted resources", len(got), len(want))
}

func TestStatus_ofNothingIsAllMissing(t *testing.T) {
	f := newFixture(t)
	rep, err := f.plan.Status(context.Background())
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	for _, r := range rep.Resources {
		mustEqual(t, r.Step, r.State, Missing)
	}
	mustEqual(t, "queue exists", rep.Consumers[1].Queue.Exists, false)
}

func TestStatus_readFailureIsReturnedWithTheRest(t *testing.T) {
	f := converged(t)
	f.cloud.failNext("IAM.GetRole edas-catalog", apiErr("AccessDenied", "no"))
	rep, err := f.plan.Status(context.Background())
	if err == nil || !strings.Contains(err.Error(), "read role edas-catalog") {
		t.Fatalf("err = %v, want read role edas-catalog: …", err)
	}
	mustEqual(t, "others observed", rep.Resources[0].State, OK)
}

func TestResult_jsonCarriesTheContractFields(t *testing.T) {
	r := Result{Step: "queue/thumbnail", Kind: KindQueue, Name: "edas-thumbnail", ARN: "arn:q", State: Drifted,
		Reason: "VisibilityTimeout is 7, want 180", Diffs: []Diff{{Field: "VisibilityTimeout", Have: "7", Want: "180"}}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "json", string(b), `{"step":"queue/thumbnail","kind":"queue","name":"edas-thumbnail","arn":"arn:q","state":"drifted",`+
		`"reason":"VisibilityTimeout is 7, want 180","diffs":[{"field":"VisibilityTimeout","have":"7","want":"180"}]}`)
}
