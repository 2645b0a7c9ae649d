package provision

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/edasctl/edasctl/internal/config"
)

// A driftCase damages a converged pipeline and says how the step should
// see it and which mutating calls should repair it, no more.
type driftCase struct {
	step      string
	drift     func(c *fakeCloud)
	state     State
	reason    string
	outcome   Outcome
	mutations []string
}

func TestSteps_observeAndRepairDrift(t *testing.T) {
	tests := map[string]driftCase{
		"a changed visibility timeout is reported and only that attribute is set": {
			step:      "queue/thumbnail",
			drift:     func(c *fakeCloud) { c.queues["edas-thumbnail"].attrs["VisibilityTimeout"] = "7" },
			state:     Drifted,
			reason:    "VisibilityTimeout is 7, want 180",
			outcome:   Updated,
			mutations: []string{"SQS.SetQueueAttributes https://sqs.local/123456789012/edas-thumbnail VisibilityTimeout"},
		},
		"a changed redrive count is reported and repaired": {
			step: "queue/catalog",
			drift: func(c *fakeCloud) {
				c.queues["edas-catalog"].attrs["RedrivePolicy"] = `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:edas-catalog-dlq","maxReceiveCount":"2"}`
			},
			state:     Drifted,
			outcome:   Updated,
			mutations: []string{"SQS.SetQueueAttributes https://sqs.local/123456789012/edas-catalog RedrivePolicy"},
		},
		"a missing queue tag is added": {
			step:      "dlq/thumbnail",
			drift:     func(c *fakeCloud) { delete(c.queues["edas-thumbnail-dlq"].tags, "edas:managed-by") },
			state:     Drifted,
			outcome:   Updated,
			mutations: []string{"SQS.TagQueue https://sqs.local/123456789012/edas-thumbnail-dlq"},
		},
		"a deleted subscription is recreated": {
			step: "subscription/catalog",
			drift: func(c *fakeCloud) {
				for arn, s := range c.subs {
					if strings.HasSuffix(s.endpoint, ":edas-catalog") {
						delete(c.subs, arn)
					}
				}
			},
			state:     Missing,
			reason:    "subscription missing",
			outcome:   Created,
			mutations: []string{"SNS.Subscribe arn:aws:sqs:us-east-1:123456789012:edas-catalog"},
		},
		"raw delivery turned on by hand is turned off again": {
			step: "subscription/thumbnail",
			drift: func(c *fakeCloud) {
				for _, s := range c.subs {
					if strings.HasSuffix(s.endpoint, ":edas-thumbnail") {
						s.attrs["RawMessageDelivery"] = "true"
					}
				}
			},
			state:     Drifted,
			reason:    "RawMessageDelivery is true, want false",
			outcome:   Updated,
			mutations: []string{"SNS.SetSubscriptionAttributes"},
		},
		"a removed filter policy is restored, scope first": {
			step: "subscription/thumbnail",
			drift: func(c *fakeCloud) {
				for _, s := range c.subs {
					if strings.HasSuffix(s.endpoint, ":edas-thumbnail") {
						delete(s.attrs, "FilterPolicy")
						delete(s.attrs, "FilterPolicyScope")
					}
				}
			},
			state:     Drifted,
			outcome:   Updated,
			mutations: []string{"SNS.SetSubscriptionAttributes", "SNS.SetSubscriptionAttributes"},
		},
		"a cleared notification is written again": {
			step:      "notification",
			drift:     func(c *fakeCloud) { c.buckets[testBucket].notif = s3types.NotificationConfiguration{} },
			state:     Missing,
			reason:    "notification does not target the topic",
			outcome:   Created,
			mutations: []string{"S3.PutBucketNotificationConfiguration " + testBucket},
		},
		"a changed notification prefix is repaired": {
			step: "notification",
			drift: func(c *fakeCloud) {
				c.buckets[testBucket].notif.TopicConfigurations[0].Filter.Key.FilterRules[0].Value = aws.String("other/")
			},
			state:     Drifted,
			reason:    "prefix is other/, want uploads/",
			outcome:   Updated,
			mutations: []string{"S3.PutBucketNotificationConfiguration " + testBucket},
		},
		"a changed role policy is put back": {
			step: "role/thumbnail",
			drift: func(c *fakeCloud) {
				c.roles["edas-thumbnail"].policies[inlinePolicyName(testRegion)] = `{"Version":"2012-10-17","Statement":[]}`
			},
			state:     Drifted,
			reason:    "inline policy edas-pipeline-us-east-1 differs",
			outcome:   Updated,
			mutations: []string{"IAM.PutRolePolicy edas-thumbnail"},
		},
		"a changed trust policy is put back": {
			step: "role/catalog",
			drift: func(c *fakeCloud) {
				c.roles["edas-catalog"].trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
			},
			state:     Drifted,
			reason:    "trust policy differs",
			outcome:   Updated,
			mutations: []string{"IAM.UpdateAssumeRolePolicy edas-catalog"},
		},
		"a changed retention is set again": {
			step:      "log-group/thumbnail",
			drift:     func(c *fakeCloud) { c.groups["/aws/lambda/edas-thumbnail"].retention = 0 },
			state:     Drifted,
			reason:    "RetentionInDays is never expire, want 14",
			outcome:   Updated,
			mutations: []string{"Logs.PutRetentionPolicy /aws/lambda/edas-thumbnail"},
		},
		"code that differs from the local build is uploaded": {
			step:      "function/thumbnail",
			drift:     func(c *fakeCloud) { c.functions["edas-thumbnail"].cfg.CodeSha256 = aws.String("old") },
			state:     Drifted,
			reason:    "code differs from the local build",
			outcome:   Updated,
			mutations: []string{"Lambda.UpdateFunctionCode edas-thumbnail"},
		},
		"a changed memory size is updated without touching the code": {
			step:      "function/catalog",
			drift:     func(c *fakeCloud) { c.functions["edas-catalog"].cfg.MemorySize = aws.Int32(128) },
			state:     Drifted,
			reason:    "MemorySize is 128, want 256",
			outcome:   Updated,
			mutations: []string{"Lambda.UpdateFunctionConfiguration edas-catalog"},
		},
		"a changed batch size is updated": {
			step: "mapping/thumbnail",
			drift: func(c *fakeCloud) {
				for _, m := range c.mappings {
					if strings.HasSuffix(aws.ToString(m.cfg.FunctionArn), ":edas-thumbnail") {
						m.cfg.BatchSize = aws.Int32(1)
					}
				}
			},
			state:     Drifted,
			reason:    "BatchSize is 1, want 10",
			outcome:   Updated,
			mutations: []string{"Lambda.UpdateEventSourceMapping"},
		},
		"a removed TLS-only statement is merged back into the bucket policy": {
			step:      "bucket",
			drift:     func(c *fakeCloud) { c.buckets[testBucket].policy = "" },
			state:     Drifted,
			reason:    "bucket policy lacks the TLS-only statement EdasDenyInsecureTransport",
			outcome:   Updated,
			mutations: []string{"S3.PutBucketPolicy " + testBucket},
		},
		"a topic policy without the S3 statement gets it back": {
			step: "topic-policy",
			drift: func(c *fakeCloud) {
				arn := "arn:aws:sns:us-east-1:123456789012:edas-uploads"
				c.topics[arn].attrs["Policy"] = defaultTopicPolicy(arn, testAccount)
			},
			state:     Drifted,
			reason:    "topic policy differs: statement EdasS3Publish missing or changed",
			outcome:   Created,
			mutations: []string{"SNS.SetTopicAttributes arn:aws:sns:us-east-1:123456789012:edas-uploads Policy"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			// GIVEN a converged pipeline with one drift
			f := converged(t)
			tc.drift(f.cloud)
			s := f.step(t, tc.step)
			// WHEN the step observes THEN it reports the drift
			obs, err := s.Observe(context.Background())
			if err != nil {
				t.Fatalf("Observe: %v", err)
			}
			mustEqual(t, "state", obs.State, tc.state)
			if tc.reason != "" {
				mustEqual(t, "reason", obs.Reason, tc.reason)
			}
			if m := f.cloud.mutations(); len(m) != 0 {
				t.Fatalf("Observe made mutating calls: %q", m)
			}
			// WHEN it ensures THEN exactly the repairing calls are made
			outcome, _, err := s.Ensure(context.Background())
			if err != nil {
				t.Fatalf("Ensure: %v", err)
			}
			mustEqual(t, "outcome", outcome, tc.outcome)
			got := f.cloud.mutations()
			if len(got) != len(tc.mutations) {
				t.Fatalf("mutations = %q, want %q", got, tc.mutations)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.mutations[i]) {
					t.Errorf("mutation %d = %q, want %q…", i, got[i], tc.mutations[i])
				}
			}
			// AND the step now observes ok
			obs, err = s.Observe(context.Background())
			if err != nil {
				t.Fatalf("Observe after Ensure: %v", err)
			}
			mustEqual(t, "state after repair", obs.State, OK)
		})
	}
}

func TestSubscription_setsScopeBeforeANestedFilterPolicy(t *testing.T) {
	f := converged(t)
	for _, s := range f.cloud.subs {
		if strings.HasSuffix(s.endpoint, ":edas-thumbnail") {
			delete(s.attrs, "FilterPolicy")
			s.attrs["FilterPolicyScope"] = "MessageAttributes"
		}
	}
	f.cloud.reset()
	if _, _, err := f.step(t, "subscription/thumbnail").Ensure(context.Background()); err != nil {
		t.Fatalf("Ensure: %v", err) // the fake refuses the other order, as SNS does
	}
	m := f.cloud.mutations()
	if len(m) != 2 || !strings.HasSuffix(m[0], " FilterPolicyScope") || !strings.HasSuffix(m[1], " FilterPolicy") {
		t.Errorf("mutations = %q, want FilterPolicyScope then FilterPolicy", m)
	}
}

func TestSubscription_removesAFilterThatIsNoLongerConfigured(t *testing.T) {
	f := converged(t)
	f.plan.cfg.Consumers[0].Filter = config.Filter{}
	f.cloud.reset()
	outcome, _, err := f.step(t, "subscription/thumbnail").Ensure(context.Background())
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	mustEqual(t, "outcome", outcome, Updated)
	for _, s := range f.cloud.subs {
		if strings.HasSuffix(s.endpoint, ":edas-thumbnail") && s.attrs["FilterPolicy"] != "" {
			t.Errorf("filter policy still %q", s.attrs["FilterPolicy"])
		}
	}
}

func TestNotification_keepsForeignConfigurations(t *testing.T) {
	// GIVEN a bucket whose notification configuration also serves someone else
	f := newFixture(t)
	foreign := s3types.QueueConfiguration{Id: aws.String("audit"), QueueArn: aws.String("arn:aws:sqs:us-east-1:123456789012:audit"),
		Events: []s3types.Event{"s3:ObjectRemoved:*"}}
	f.up(t)
	b := f.cloud.buckets[testBucket]
	b.notif.QueueConfigurations = []s3types.QueueConfiguration{foreign}
	b.notif.TopicConfigurations = nil
	// WHEN Up and then Down run
	f.up(t)
	mustEqual(t, "topic configurations after up", len(b.notif.TopicConfigurations), 1)
	mustEqual(t, "foreign kept by up", len(b.notif.QueueConfigurations), 1)
	f.plan.KeepBucket = true
	if _, err := f.plan.Down(context.Background()); err != nil {
		t.Fatalf("Down: %v", err)
	}
	// THEN only this stack's entry is gone
	mustEqual(t, "topic configurations after down", len(b.notif.TopicConfigurations), 0)
	mustEqual(t, "foreign kept by down", aws.ToString(b.notif.QueueConfigurations[0].Id), "audit")
}

func TestTopicPolicy_keepsTheDefaultStatement(t *testing.T) {
	f := newFixture(t)
	f.up(t)
	doc := f.cloud.topics["arn:aws:sns:us-east-1:123456789012:edas-uploads"].attrs["Policy"]
	if !hasSid(doc, "__default_statement_ID") || !hasSid(doc, sidTopicPublish) {
		t.Errorf("topic policy lost a statement: %s", doc)
	}
}

func TestBucket_createdOutsideUSEast1WithALocationConstraint(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.Region = "eu-west-1" })
	f.cloud.region = "eu-west-1"
	f.plan.target.Region = "eu-west-1"
	f.plan.bucket = f.plan.cfg.BucketName(testAccount, "eu-west-1")
	if _, _, err := f.step(t, "bucket").Ensure(context.Background()); err != nil {
		t.Fatalf("Ensure: %v", err) // the fake refuses a create without LocationConstraint
	}
}

func TestBucket_alreadyOwnedByYouIsSuccess(t *testing.T) {
	f := newFixture(t)
	f.cloud.failNext("S3.HeadBucket", &s3types.NotFound{}) // a listing that lags the create
	f.cloud.buckets[testBucket] = &fakeBucket{tags: map[string]string{}}
	outcome, _, err := f.step(t, "bucket").Ensure(context.Background())
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	mustEqual(t, "outcome", outcome, Created)
}

func TestBucket_versioningFollowsTheConfiguration(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.Bucket.Versioning = true })
	f.up(t)
	mustEqual(t, "versioning", f.cloud.buckets[testBucket].versioning, s3types.BucketVersioningStatusEnabled)
	f.plan.cfg.Bucket.Versioning = false
	obs, err := f.step(t, "bucket").Observe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "reason", obs.Reason, "Versioning is Enabled, want Suspended")
}

func TestBucketDelete_emptiesEveryVersionMarkerAndUpload(t *testing.T) {
	f := converged(t)
	b := f.cloud.buckets[testBucket]
	for i := range 2500 {
		b.versions = append(b.versions, fakeVersion{key: "uploads/k", id: string(rune('a'+i%26)) + strings.Repeat("x", i/26), marker: i%5 == 0})
	}
	b.uploads = []string{"uploads/a", "uploads/b"}
	b.notEmptyFor = 2 // listings lag the deletes
	outcome, _, err := f.step(t, "bucket").Delete(context.Background())
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustEqual(t, "outcome", outcome, Deleted)
	mustEqual(t, "DeleteObjects calls", f.cloud.count("S3.DeleteObjects"), 3)
	mustEqual(t, "aborted uploads", f.cloud.count("S3.AbortMultipartUpload"), 2)
	mustEqual(t, "DeleteBucket attempts", f.cloud.count("S3.DeleteBucket"), 3)
	if f.cloud.buckets[testBucket] != nil {
		t.Error("bucket still there")
	}
}

func TestBucketHasObjects(t *testing.T) {
	f := converged(t)
	has, err := f.plan.BucketHasObjects(context.Background())
	mustEqual(t, "empty bucket", has, false)
	if err != nil {
		t.Fatal(err)
	}
	f.cloud.buckets[testBucket].uploads = []string{"uploads/x"}
	has, _ = f.plan.BucketHasObjects(context.Background())
	mustEqual(t, "bucket with an upload", has, true)
}

func TestMappingDelete_waitsUntilTheMappingIsGone(t *testing.T) {
	f := converged(t)
	for _, m := range f.cloud.mappings {
		m.transitionFor = 3 // Deleting for three reads (L10)
	}
	outcome, _, err := f.step(t, "mapping/thumbnail").Delete(context.Background())
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustEqual(t, "outcome", outcome, Deleted)
	mustEqual(t, "reads", f.cloud.count("Lambda.GetEventSourceMapping"), 4)
	if !containsLine(f.prog.lines(), "wait mapping/thumbnail: event source mapping of edas-thumbnail to be deleted") {
		t.Errorf("no wait announced: %q", f.prog.lines())
	}
}

func TestFunction_environmentCarriesANonDefaultInputPrefix(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.Bucket.InputPrefix = "in/" })
	f.up(t)
	env := f.cloud.functions["edas-catalog"].cfg.Environment.Variables
	mustEqual(t, "EDAS_ACTION", env["EDAS_ACTION"], "catalog")
	mustEqual(t, "EDAS_INPUT_PREFIX", env["EDAS_INPUT_PREFIX"], "in/")
	fn := f.cloud.functions["edas-thumbnail"].cfg
	mustEqual(t, "runtime", fn.Runtime, lambdatypes.RuntimeProvidedal2023)
	mustEqual(t, "handler", aws.ToString(fn.Handler), "bootstrap")
	mustEqual(t, "architecture", fn.Architectures[0], lambdatypes.ArchitectureArm64)
	mustEqual(t, "role", aws.ToString(fn.Role), "arn:aws:iam::123456789012:role/edas-thumbnail")
}

func TestBucket_waitsForANewBucketToBecomeVisible(t *testing.T) {
	f := newFixture(t)
	f.cloud.failNext("S3.HeadBucket", nil, &s3types.NotFound{}) // the read after the create lags
	outcome, _, err := f.step(t, "bucket").Ensure(context.Background())
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	mustEqual(t, "outcome", outcome, Created)
	mustEqual(t, "encryption set", string(f.cloud.buckets[testBucket].encryption), "AES256")
	if !containsLine(f.prog.lines(), "wait bucket: bucket "+testBucket+" to become visible") {
		t.Errorf("wait not announced: %q", f.prog.lines())
	}
}
