package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// Races the end-to-end tests found: another writer acts between this run's
// read and its write.

func TestBucketDelete_emptiesAgainWhenAWriterAddsAnObject(t *testing.T) {
	// GIVEN a function that writes one more object after the bucket was
	// emptied, just before DeleteBucket (AWS-RULES S13)
	f := converged(t)
	f.cloud.buckets[testBucket].versions = []fakeVersion{{key: "uploads/a.txt", id: "1"}}
	var wrote atomic.Bool
	f.cloud.onCall = func(call string) {
		if call == "S3.DeleteBucket "+testBucket && !wrote.Swap(true) {
			f.cloud.mu.Lock()
			b := f.cloud.buckets[testBucket]
			b.versions = append(b.versions, fakeVersion{key: "catalog/a.txt.json", id: "2"})
			f.cloud.mu.Unlock()
		}
	}
	// WHEN the bucket step deletes
	outcome, _, err := f.step(t, "bucket").Delete(context.Background())
	// THEN the late object is deleted too, and so is the bucket
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustEqual(t, "outcome", outcome, Deleted)
	mustEqual(t, "DeleteObjects calls", f.cloud.count("S3.DeleteObjects"), 2)
	if f.cloud.buckets[testBucket] != nil {
		t.Error("bucket still there")
	}
}

func TestFunction_createdMeanwhileIsConvergedNotFailed(t *testing.T) {
	// GIVEN a CreateFunction of an interrupted run that lands between this
	// run's GetFunction and its own CreateFunction, with other settings,
	// leaving the function Pending
	f := newFixture(t)
	name := "edas-thumbnail"
	var landed atomic.Bool
	f.cloud.onCall = func(call string) {
		if call != "Lambda.CreateFunction "+name || landed.Swap(true) {
			return
		}
		_, err := fakeLambda{f.cloud}.CreateFunction(context.Background(), &lambda.CreateFunctionInput{
			FunctionName: aws.String(name), Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
			Role: aws.String("arn:aws:iam::" + testAccount + ":role/" + name), MemorySize: aws.Int32(128), Timeout: aws.Int32(30),
			Architectures: []lambdatypes.Architecture{lambdatypes.ArchitectureArm64},
			Code:          &lambdatypes.FunctionCode{ZipFile: []byte("zip-1")},
			Environment:   &lambdatypes.Environment{Variables: map[string]string{}},
		})
		if err != nil {
			t.Errorf("the interrupted run's CreateFunction: %v", err)
		}
		f.cloud.mu.Lock()
		f.cloud.functions[name].pendingFor = 1
		f.cloud.mu.Unlock()
	}
	// WHEN Up runs
	res := f.up(t)
	// THEN the function is waited for and converged to the configuration
	mustEqual(t, "function outcome", outcomes(res)["function/thumbnail"], Updated)
	mustEqual(t, "memory", aws.ToInt32(f.cloud.functions[name].cfg.MemorySize), int32(256))
	mustEqual(t, "stack tag", f.cloud.functions[name].tags["edas:stack"], "edas")
}

func TestMapping_createdMeanwhileIsConvergedNotFailed(t *testing.T) {
	// GIVEN a CreateEventSourceMapping of an interrupted run that lands
	// between this run's ListEventSourceMappings and its own create, with
	// another batch size
	f := newFixture(t)
	name := "edas-thumbnail"
	var landed atomic.Bool
	f.cloud.onCall = func(call string) {
		if call != "Lambda.CreateEventSourceMapping "+name || landed.Swap(true) {
			return
		}
		queue := "arn:aws:sqs:" + f.cloud.region + ":" + testAccount + ":" + name
		if _, err := (fakeLambda{f.cloud}).CreateEventSourceMapping(context.Background(), &lambda.CreateEventSourceMappingInput{
			FunctionName: aws.String(name), EventSourceArn: aws.String(queue), BatchSize: aws.Int32(3),
		}); err != nil {
			t.Errorf("the interrupted run's CreateEventSourceMapping: %v", err)
		}
	}
	// WHEN Up runs
	res := f.up(t)
	// THEN the existing mapping is converged instead of failing Up
	mustEqual(t, "mapping outcome", outcomes(res)["mapping/thumbnail"], Updated)
	n := 0
	for _, m := range f.cloud.mappings {
		if strings.HasSuffix(aws.ToString(m.cfg.FunctionArn), ":"+name) {
			n++
			mustEqual(t, "batch size", aws.ToInt32(m.cfg.BatchSize), int32(10))
		}
	}
	mustEqual(t, "mappings of "+name, n, 1)
}

func TestBucket_untaggedWithDataIsNotAdopted(t *testing.T) {
	// GIVEN the stack's bucket name taken by an untagged bucket that holds data
	f := converged(t)
	b := f.cloud.buckets[f.plan.BucketName()]
	delete(b.tags, "edas:stack")
	b.versions = append(b.versions, fakeVersion{key: "their/data.csv", id: "null"})
	// WHEN Up runs
	_, err := f.plan.Up(context.Background())
	// THEN it refuses to take the bucket over, naming the fix
	var foreign *ForeignError
	if !errors.As(err, &foreign) || !strings.Contains(err.Error(), "exists with data and is not managed by edasctl; choose another bucket.name") {
		t.Fatalf("Up error = %v, want the untagged bucket refused", err)
	}
	if _, tagged := b.tags["edas:stack"]; tagged {
		t.Fatal("the foreign bucket was tagged for the stack")
	}
}

func TestBucket_untaggedAndEmptyIsAdopted(t *testing.T) {
	// GIVEN an empty untagged bucket, as an up interrupted before tagging leaves
	f := converged(t)
	delete(f.cloud.buckets[f.plan.BucketName()].tags, "edas:stack")
	// WHEN Up runs, THEN it tags it and carries on
	res := f.up(t)
	mustEqual(t, "bucket outcome", outcomes(res)["bucket"], Updated)
	mustEqual(t, "stack tag", f.cloud.buckets[f.plan.BucketName()].tags["edas:stack"], "edas")
}

func TestFunction_failedIsRecreated(t *testing.T) {
	// GIVEN a function Lambda put in state Failed
	f := converged(t)
	name := "edas-catalog"
	f.cloud.functions[name].failed = true
	// WHEN Up runs
	res := f.up(t)
	// THEN it is deleted and created again, and Active
	mustEqual(t, "function outcome", outcomes(res)["function/catalog"], Updated)
	if fn := f.cloud.functions[name]; fn == nil || fn.failed {
		t.Fatalf("function %s was not recreated: %+v", name, fn)
	}
}

func TestRole_sharedWithAnotherRegionKeepsItsPolicyOnDown(t *testing.T) {
	// GIVEN the stack also deployed in eu-west-1: IAM roles are global, so
	// the role carries that region's policy too
	f := converged(t)
	other := inlinePolicyName("eu-west-1")
	f.cloud.roles["edas-catalog"].policies[other] = `{"Version":"2012-10-17","Statement":[]}`
	// WHEN this region's stack goes down
	res, err := f.plan.Down(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// THEN the role stays with only the other region's policy
	mustEqual(t, "role outcome", outcomes(res)["role/catalog"], Kept)
	role := f.cloud.roles["edas-catalog"]
	if role == nil {
		t.Fatal("the shared role was deleted")
	}
	if _, ok := role.policies[inlinePolicyName(testRegion)]; ok {
		t.Error("this region's policy is still on the shared role")
	}
	if _, ok := role.policies[other]; !ok {
		t.Error("the other region's policy was removed")
	}
	mustEqual(t, "unshared role outcome", outcomes(res)["role/thumbnail"], Deleted)
}

func TestUp_cancelledByTheUserReportsTheStepSkippedNotFailed(t *testing.T) {
	// GIVEN a user who presses Ctrl-C while the thumbnail queue is created
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	f.cloud.onCall = func(call string) {
		if strings.HasPrefix(call, "SQS.CreateQueue") {
			once.Do(cancel)
		}
	}
	// the SDK answers the call in flight with the context's error
	f.cloud.failNext("SQS.CreateQueue", fmt.Errorf("operation error SQS: CreateQueue, canceled, %w", context.Canceled))
	// WHEN Up runs
	res, err := f.plan.Up(ctx)
	// THEN Up says it was cancelled, and no step claims to have failed
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Up error = %v, want context.Canceled", err)
	}
	for _, r := range res {
		if r.Outcome == Failed {
			t.Errorf("step %s reported failed (%s) after a cancel", r.Step, r.Reason)
		}
	}
}
