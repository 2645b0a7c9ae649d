package provision

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestUp_fromNothingCreatesEveryResource(t *testing.T) {
	f := newFixture(t)
	res := f.up(t)
	for _, r := range res {
		if r.Outcome != Created {
			t.Errorf("%s: outcome %s (%s), want created", r.Step, r.Outcome, r.Reason)
		}
		if r.ARN == "" {
			t.Errorf("%s: no ARN", r.Step)
		}
	}
	// Results are in plan order.
	for i, s := range f.plan.Steps {
		mustEqual(t, "result step", res[i].Step, s.ID)
	}
	b := f.cloud.buckets[testBucket]
	mustEqual(t, "ownership", string(b.ownership), "BucketOwnerEnforced")
	mustEqual(t, "encryption", string(b.encryption), "AES256")
	mustEqual(t, "bucket tag", b.tags["edas:stack"], "edas")
	mustEqual(t, "visibility", f.cloud.queues["edas-thumbnail"].attrs["VisibilityTimeout"], "180")
	mustEqual(t, "mapping count", len(f.cloud.mappings), 2)
}

func TestUp_secondRunMakesNoMutatingCall(t *testing.T) {
	f := converged(t)
	res := f.up(t)
	for _, r := range res {
		if r.Outcome != Unchanged {
			t.Errorf("%s: outcome %s, want unchanged", r.Step, r.Outcome)
		}
	}
	if m := f.cloud.mutations(); len(m) != 0 {
		t.Errorf("second Up made mutating calls: %q", m)
	}
}

func TestUp_runsIndependentStepsInParallel(t *testing.T) {
	// GIVEN CreateBucket and CreateRole each wait for the other to start
	// WHEN Up runs
	// THEN it finishes, which it can only do if both run at once.
	f := newFixture(t)
	var once [2]sync.Once
	bucketStarted, roleStarted := make(chan struct{}), make(chan struct{})
	f.cloud.onCall = func(call string) {
		switch {
		case strings.HasPrefix(call, "S3.CreateBucket"):
			once[0].Do(func() { close(bucketStarted) })
			<-roleStarted
		case strings.HasPrefix(call, "IAM.CreateRole edas-thumbnail"):
			once[1].Do(func() { close(roleStarted) })
			<-bucketStarted
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := f.plan.Up(ctx); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("Up did not run the bucket and the role in parallel")
	}
}

func TestUp_callsFollowTheDependencyOrder(t *testing.T) {
	f := newFixture(t)
	f.up(t)
	before := func(a, b string) {
		t.Helper()
		ia, ib := f.cloud.index(a), f.cloud.index(b)
		if ia < 0 || ib < 0 || ia > ib {
			t.Errorf("%q (call %d) is not before %q (call %d)", a, ia, b, ib)
		}
	}
	before("SNS.SetTopicAttributes", "S3.PutBucketNotificationConfiguration")
	before("SQS.CreateQueue edas-thumbnail-dlq", "SQS.CreateQueue edas-thumbnail")
	before("SQS.SetQueueAttributes https://sqs.local/123456789012/edas-thumbnail Policy", "SNS.Subscribe arn:aws:sqs:us-east-1:123456789012:edas-thumbnail")
	before("SNS.Subscribe", "S3.PutBucketNotificationConfiguration")
	before("IAM.PutRolePolicy edas-thumbnail", "Lambda.CreateFunction edas-thumbnail")
	before("Logs.CreateLogGroup /aws/lambda/edas-thumbnail", "Lambda.CreateFunction edas-thumbnail")
	before("Lambda.CreateFunction edas-thumbnail", "Lambda.CreateEventSourceMapping edas-thumbnail")
	// Bucket sub-resources are edited one after another by one step (S11).
	before("S3.PutBucketTagging", "S3.PutPublicAccessBlock")
	before("S3.PutBucketPolicy", "S3.PutBucketNotificationConfiguration")
}

func TestUp_firstFailureCancelsTheRestAndNamesTheStep(t *testing.T) {
	f := newFixture(t)
	f.cloud.failNext("SQS.CreateQueue edas-thumbnail", apiErr("AccessDenied", "not allowed"))
	res, err := f.plan.Up(context.Background())
	var se *StepError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *StepError", err)
	}
	mustEqual(t, "error", err.Error(), "create queue edas-thumbnail: api error AccessDenied: not allowed")
	mustEqual(t, "failed step", se.Step, "queue/thumbnail")
	out := outcomes(res)
	mustEqual(t, "failed step outcome", out["queue/thumbnail"], Failed)
	for _, dependent := range []string{"queue-policy/thumbnail", "subscription/thumbnail", "mapping/thumbnail", "notification"} {
		mustEqual(t, dependent, out[dependent], Skipped)
	}
	if n := f.cloud.count("Lambda.CreateEventSourceMapping edas-thumbnail"); n != 0 {
		t.Error("mapping of thumbnail created after the failure")
	}
	if n := f.cloud.count("SNS.Subscribe arn:aws:sqs:us-east-1:123456789012:edas-thumbnail"); n != 0 {
		t.Error("queue of thumbnail subscribed after the failure")
	}
}

func TestUp_finishesAnInterruptedRun(t *testing.T) {
	// GIVEN an Up that failed half-way
	f := newFixture(t)
	f.cloud.failNext("Lambda.CreateFunction", apiErr("ServiceException", "boom"))
	if _, err := f.plan.Up(context.Background()); err == nil {
		t.Fatal("first Up succeeded despite the injected failure")
	}
	// WHEN Up runs again THEN it completes, and a third run changes nothing.
	f.up(t)
	f.cloud.reset()
	f.up(t)
	if m := f.cloud.mutations(); len(m) != 0 {
		t.Errorf("Up after recovery made mutating calls: %q", m)
	}
}

func TestUp_reportsProgressPerStep(t *testing.T) {
	f := newFixture(t)
	f.up(t)
	lines := f.prog.lines()
	for _, want := range []string{
		"start queue/thumbnail: queue edas-thumbnail",
		"done queue/thumbnail: created",
		"wait function/thumbnail: function edas-thumbnail to become Active",
		"wait mapping/catalog: event source mapping of edas-catalog to become Enabled",
	} {
		if !containsLine(lines, want) {
			t.Errorf("progress lacks %q; got %q", want, lines)
		}
	}
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func TestDown_removesEverythingAndASecondDownIsANoOp(t *testing.T) {
	f := converged(t)
	f.cloud.buckets[testBucket].versions = []fakeVersion{{key: "uploads/a.jpg", id: "1"}, {key: "uploads/a.jpg", id: "2", marker: true}}
	f.cloud.buckets[testBucket].uploads = []string{"uploads/big.bin"}
	res, err := f.plan.Down(context.Background())
	if err != nil {
		t.Fatalf("Down: %v", err)
	}
	for _, r := range res {
		if r.Outcome != Deleted {
			t.Errorf("%s: outcome %s (%s), want deleted", r.Step, r.Outcome, r.Reason)
		}
	}
	c := f.cloud
	if len(c.buckets)+len(c.topics)+len(c.subs)+len(c.queues)+len(c.roles)+len(c.groups)+len(c.functions)+len(c.mappings) != 0 {
		t.Errorf("left behind: buckets %d topics %d subs %d queues %d roles %d groups %d functions %d mappings %d",
			len(c.buckets), len(c.topics), len(c.subs), len(c.queues), len(c.roles), len(c.groups), len(c.functions), len(c.mappings))
	}
	// Mappings are gone before their functions are deleted (L10).
	if c.index("Lambda.DeleteFunction edas-thumbnail") < c.index("Lambda.DeleteEventSourceMapping") {
		t.Error("function deleted before its mapping")
	}
	if c.index("SNS.DeleteTopic") < c.index("S3.PutBucketNotificationConfiguration") {
		t.Error("topic deleted before the notification was cleared (S14)")
	}
	res, err = f.plan.Down(context.Background())
	if err != nil {
		t.Fatalf("second Down: %v", err)
	}
	for _, r := range res {
		if r.Outcome != Absent {
			t.Errorf("second Down %s: outcome %s, want absent", r.Step, r.Outcome)
		}
	}
}

func TestDown_continuesPastFailuresAndJoinsThem(t *testing.T) {
	f := converged(t)
	f.cloud.failNext("Lambda.DeleteFunction", apiErr("ServiceException", "boom"))
	res, err := f.plan.Down(context.Background())
	if err == nil || !strings.Contains(err.Error(), "delete function edas-") {
		t.Fatalf("err = %v, want a delete function error", err)
	}
	out := outcomes(res)
	var failed, other []string
	for _, n := range []string{"thumbnail", "catalog"} {
		if out["function/"+n] == Failed {
			failed = append(failed, n)
		} else {
			other = append(other, n)
		}
	}
	mustEqual(t, "failed functions", len(failed), 1)
	// What the failed function depends on stays, so the next down can
	// delete the function first; everything else is deleted.
	mustEqual(t, "role of the failed function", out["role/"+failed[0]], Skipped)
	for _, id := range []string{"bucket", "topic", "queue/thumbnail", "queue/catalog", "role/" + other[0], "mapping/catalog", "mapping/thumbnail"} {
		mustEqual(t, id, out[id], Deleted)
	}
	// The next down finishes the job.
	res, err = f.plan.Down(context.Background())
	if err != nil {
		t.Fatalf("second Down: %v", err)
	}
	out = outcomes(res)
	mustEqual(t, "function on the second down", out["function/"+failed[0]], Deleted)
	mustEqual(t, "role on the second down", out["role/"+failed[0]], Deleted)
}

func TestDown_keepsResourcesWithoutTheStackTag(t *testing.T) {
	f := converged(t)
	// GIVEN a same-named queue that is not the stack's
	q := f.cloud.queues["edas-catalog"]
	delete(q.tags, "edas:stack")
	f.cloud.roles["edas-thumbnail"].tags["edas:stack"] = "other"
	res, err := f.plan.Down(context.Background())
	if err != nil {
		t.Fatalf("Down: %v", err)
	}
	byStep := map[string]Result{}
	for _, r := range res {
		byStep[r.Step] = r
	}
	mustEqual(t, "queue outcome", byStep["queue/catalog"].Outcome, Kept)
	mustEqual(t, "queue reason", byStep["queue/catalog"].Reason, "queue lacks the tag edas:stack=edas")
	mustEqual(t, "role outcome", byStep["role/thumbnail"].Outcome, Kept)
	mustEqual(t, "role reason", byStep["role/thumbnail"].Reason, `role belongs to stack "other"`)
	if f.cloud.queues["edas-catalog"] == nil || f.cloud.roles["edas-thumbnail"] == nil {
		t.Error("a foreign resource was deleted")
	}
}

func TestDown_keepBucketAndLogs(t *testing.T) {
	f := converged(t)
	f.plan.KeepBucket, f.plan.KeepLogs = true, true
	res, err := f.plan.Down(context.Background())
	if err != nil {
		t.Fatalf("Down: %v", err)
	}
	out := outcomes(res)
	mustEqual(t, "bucket", out["bucket"], Kept)
	mustEqual(t, "log group", out["log-group/thumbnail"], Kept)
	mustEqual(t, "notification", out["notification"], Deleted)
	if f.cloud.buckets[testBucket] == nil || len(f.cloud.groups) != 2 {
		t.Error("kept resources were deleted")
	}
}

func TestUp_refusesAResourceOfAnotherStack(t *testing.T) {
	f := converged(t)
	f.cloud.queues["edas-thumbnail"].tags["edas:stack"] = "other"
	_, err := f.plan.Up(context.Background())
	var fe *ForeignError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *ForeignError", err)
	}
	mustEqual(t, "message", err.Error(), `queue edas-thumbnail belongs to stack "other"`)
}

func TestUp_adoptsAnUntaggedResourceOfItsName(t *testing.T) {
	// An interrupted Up can leave a bucket created but not yet tagged.
	f := converged(t)
	f.cloud.buckets[testBucket].tags = map[string]string{"team": "media"}
	res := f.up(t)
	mustEqual(t, "bucket", outcomes(res)["bucket"], Updated)
	mustEqual(t, "stack tag", f.cloud.buckets[testBucket].tags["edas:stack"], "edas")
	mustEqual(t, "user tag kept", f.cloud.buckets[testBucket].tags["team"], "media")
}

func TestDryRun_reportsWhatUpWouldDoAndChangesNothing(t *testing.T) {
	f := converged(t)
	f.cloud.queues["edas-thumbnail"].attrs["VisibilityTimeout"] = "7"
	delete(f.cloud.groups, "/aws/lambda/edas-catalog")
	res, err := f.plan.DryRun(context.Background())
	if err != nil {
		t.Fatalf("DryRun: %v", err)
	}
	byStep := map[string]Result{}
	for _, r := range res {
		byStep[r.Step] = r
	}
	q := byStep["queue/thumbnail"]
	mustEqual(t, "queue outcome", q.Outcome, Updated)
	mustEqual(t, "queue diffs", len(q.Diffs), 1)
	mustEqual(t, "queue diff", q.Diffs[0].String(), "VisibilityTimeout is 7, want 180")
	mustEqual(t, "log group", byStep["log-group/catalog"].Outcome, Created)
	mustEqual(t, "bucket", byStep["bucket"].Outcome, Unchanged)
	if m := f.cloud.mutations(); len(m) != 0 {
		t.Errorf("DryRun made mutating calls: %q", m)
	}
}

func TestUp_cancelledContextSkipsTheRest(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := f.plan.Up(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	for _, r := range res {
		mustEqual(t, r.Step, r.Outcome, Skipped)
	}
}

// positions returns where each "<event> <step>:" line first appears.
func positions(lines []string, event string) map[string]int {
	pos := map[string]int{}
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, event+" "); ok {
			step, _, _ := strings.Cut(rest, ":")
			if _, seen := pos[step]; !seen {
				pos[step] = i
			}
		}
	}
	return pos
}

func TestUpAndDown_startAStepOnlyAfterItsDependencies(t *testing.T) {
	f := newFixture(t)
	f.up(t)
	lines := f.prog.lines()
	start, done := positions(lines, "start"), positions(lines, "done")
	for _, s := range f.plan.Steps {
		for _, d := range s.DependsOn {
			if start[s.ID] < done[d] {
				t.Errorf("up: %s started before %s was done", s.ID, d)
			}
		}
	}
	*f.prog = recorder{}
	if _, err := f.plan.Down(context.Background()); err != nil {
		t.Fatal(err)
	}
	lines = f.prog.lines()
	start, done = positions(lines, "start"), positions(lines, "done")
	for _, s := range f.plan.Steps {
		for _, d := range s.DependsOn {
			if start[d] < done[s.ID] {
				t.Errorf("down: %s started before %s, which depends on it, was done", d, s.ID)
			}
		}
	}
}
