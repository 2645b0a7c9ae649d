package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func invalidParam(msg string) error {
	return &lambdatypes.InvalidParameterValueException{Message: aws.String(msg)}
}

func TestClassifiers(t *testing.T) {
	wrapped := func(err error) error { return fmt.Errorf("operation error: %w", err) }
	conflict := &lambdatypes.ResourceConflictException{Message: aws.String("The operation cannot be performed at this time. An update is in progress")}
	tests := []struct {
		name     string
		classify func(error) bool
		err      error
		want     bool
	}{
		{"a role Lambda cannot assume yet is propagation", isRolePropagation, wrapped(invalidParam("The role defined for the function cannot be assumed by Lambda.")), true},
		{"a role without permissions yet is propagation", isRolePropagation, invalidParam("The provided execution role does not have permissions to call CreateNetworkInterface on EC2"), true},
		{"another invalid parameter is not propagation", isRolePropagation, invalidParam("Runtime go1.x is deprecated"), false},
		{"the same text in another error type is not propagation", isRolePropagation, errors.New("cannot be assumed by Lambda"), false},
		{"ReceiveMessage permission missing on a mapping is propagation", isMappingPermission, invalidParam("The provided execution role does not have permissions to call ReceiveMessage on SQS"), true},
		{"an update in progress is a conflict", isResourceConflict, wrapped(conflict), true},
		{"propagation is not a conflict", isResourceConflict, invalidParam("cannot be assumed by Lambda"), false},
		{"destination validation is retried", isNotificationValidation, apiErr("InvalidArgument", "Unable to validate the following destination configurations"), true},
		{"another invalid argument is not", isNotificationValidation, apiErr("InvalidArgument", "Invalid filter rule name"), false},
		{"QueueDeletedRecently by type", isQueueDeletedRecently, wrapped(&sqstypes.QueueDeletedRecently{}), true},
		{"QueueDeletedRecently by query-protocol code", isQueueDeletedRecently, apiErr("AWS.SimpleQueueService.QueueDeletedRecently", "wait"), true},
		{"QueueDoesNotExist is not QueueDeletedRecently", isQueueDeletedRecently, &sqstypes.QueueDoesNotExist{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mustEqual(t, "classified", tc.classify(tc.err), tc.want)
		})
	}
}

func TestCreateFunction_retriesWhileTheRoleIsNotAssumable(t *testing.T) {
	f := newFixture(t)
	assume := invalidParam("The role defined for the function cannot be assumed by Lambda.")
	f.cloud.failNext("Lambda.CreateFunction edas-thumbnail", assume, assume)
	res := f.up(t)
	mustEqual(t, "outcome", outcomes(res)["function/thumbnail"], Created)
	mustEqual(t, "attempts", f.cloud.count("Lambda.CreateFunction edas-thumbnail"), 3)
	if !containsLine(f.prog.lines(), "wait function/thumbnail: IAM to propagate role edas-thumbnail (Lambda cannot assume it yet)") {
		t.Errorf("wait not announced: %q", f.prog.lines())
	}
}

func TestCreateFunction_givesUpAfterTheBoundedTotal(t *testing.T) {
	f := newFixture(t)
	assume := invalidParam("The role defined for the function cannot be assumed by Lambda.")
	for range 50 {
		f.cloud.failNext("Lambda.CreateFunction edas-catalog", assume)
	}
	_, err := f.plan.Up(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "create function edas-catalog: ") || !strings.Contains(err.Error(), "still failing after 10s") {
		t.Fatalf("err = %v, want create function edas-catalog: … still failing after 10s", err)
	}
	var total time.Duration
	for _, d := range f.sleeps {
		total += d
	}
	if total > 10*time.Second {
		t.Errorf("slept %s in all, more than the 10s budget", total)
	}
}

func TestNotification_retriesValidationWhileThePolicyPropagates(t *testing.T) {
	f := newFixture(t)
	v := apiErr("InvalidArgument", "Unable to validate the following destination configurations")
	f.cloud.failNext("S3.PutBucketNotificationConfiguration", v, v)
	res := f.up(t)
	mustEqual(t, "outcome", outcomes(res)["notification"], Created)
	mustEqual(t, "attempts", f.cloud.count("S3.PutBucketNotificationConfiguration"), 3)
	if !containsLine(f.prog.lines(), "wait notification: S3 to validate topic edas-uploads (its policy is propagating)") {
		t.Errorf("wait not announced: %q", f.prog.lines())
	}
}

func TestQueue_waitsOutQueueDeletedRecentlyAndSaysWhy(t *testing.T) {
	f := newFixture(t)
	f.cloud.failNext("SQS.CreateQueue edas-catalog", &sqstypes.QueueDeletedRecently{Message: aws.String("You must wait 60 seconds after deleting a queue")})
	res := f.up(t)
	mustEqual(t, "outcome", outcomes(res)["queue/catalog"], Created)
	want := "wait queue/catalog: SQS to release the name edas-catalog (a queue of that name was deleted less than 60 s ago)"
	if !containsLine(f.prog.lines(), want) {
		t.Errorf("progress lacks %q: %q", want, f.prog.lines())
	}
}

func TestFunctionUpdate_retriesResourceConflict(t *testing.T) {
	f := converged(t)
	f.plan.artifact = testArtifact("zip-2")
	conflict := &lambdatypes.ResourceConflictException{Message: aws.String("An update is in progress")}
	f.cloud.failNext("Lambda.UpdateFunctionCode edas-thumbnail", conflict)
	res := f.up(t)
	mustEqual(t, "outcome", outcomes(res)["function/thumbnail"], Updated)
	mustEqual(t, "code", aws.ToString(f.cloud.functions["edas-thumbnail"].cfg.CodeSha256), sha([]byte("zip-2")))
	mustEqual(t, "attempts", f.cloud.count("Lambda.UpdateFunctionCode edas-thumbnail"), 2)
}

func TestMapping_retriesWhileQueuePermissionsPropagate(t *testing.T) {
	f := newFixture(t)
	f.cloud.failNext("Lambda.CreateEventSourceMapping edas-catalog",
		invalidParam("The provided execution role does not have permissions to call ReceiveMessage on SQS"))
	res := f.up(t)
	mustEqual(t, "outcome", outcomes(res)["mapping/catalog"], Created)
	mustEqual(t, "attempts", f.cloud.count("Lambda.CreateEventSourceMapping edas-catalog"), 2)
}

func TestRetrier_backsOffExponentiallyUpToTheMaximum(t *testing.T) {
	var slept []time.Duration
	r := retrier{first: time.Second, max: 4 * time.Second, sleep: func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}}
	calls := 0
	err := r.do(context.Background(), time.Minute, func(error) bool { return true }, nil, "", func() error {
		calls++
		if calls < 5 {
			return errors.New("transient")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "delays", fmt.Sprint(slept), "[1s 2s 4s 4s]")
}

func TestRetrier_stopsWhenTheContextIsDone(t *testing.T) {
	r := retrier{first: time.Second, max: time.Second, sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	err := r.do(ctx, time.Minute, func(error) bool { return true }, nil, "", func() error { calls++; return errors.New("transient") })
	if err == nil || calls != 1 {
		t.Fatalf("err = %v after %d calls, want the op's error after 1", err, calls)
	}
}

func TestFunction_waitsUntilActiveAndUntilUpdatesFinish(t *testing.T) {
	// The SDK's waiters sleep for real between polls: keep their delays
	// at a millisecond.
	f := newFixture(t)
	f.plan.Timeouts.FirstDelay, f.plan.Timeouts.MaxDelay = time.Millisecond, time.Millisecond
	f.cloud.pendingAfterWrite = 2
	f.up(t)
	mustEqual(t, "polls after create", f.cloud.count("Lambda.GetFunction edas-thumbnail"), 1+3)
	f.plan.artifact = testArtifact("zip-2")
	f.plan.cfg.Consumers[0].Function.MemoryMB = 512
	f.cloud.reset()
	res := f.up(t)
	mustEqual(t, "outcome", outcomes(res)["function/thumbnail"], Updated)
	// read, then configuration update + 3 polls, then code update + 3 polls
	mustEqual(t, "polls after updates", f.cloud.count("Lambda.GetFunction edas-thumbnail"), 1+3+3)
	m := f.cloud.mutations()
	want := []string{"Lambda.UpdateFunctionConfiguration edas-thumbnail", "Lambda.UpdateFunctionCode edas-thumbnail"}
	var got []string
	for _, c := range m {
		if strings.Contains(c, "edas-thumbnail") {
			got = append(got, c)
		}
	}
	mustEqual(t, "updates", fmt.Sprint(got), fmt.Sprint(want))
}
