package provision

import (
	"errors"
	"testing"

	"github.com/edasctl/edasctl/internal/config"
)

func TestPlan_everyDependencyNamesAnEarlierStep(t *testing.T) {
	f := newFixture(t)
	seen := map[string]bool{}
	for _, s := range f.plan.Steps {
		if seen[s.ID] {
			t.Errorf("step %s appears twice", s.ID)
		}
		for _, d := range s.DependsOn {
			if !seen[d] {
				t.Errorf("step %s depends on %s, which is not an earlier step", s.ID, d)
			}
		}
		seen[s.ID] = true
	}
}

// dependsOn reports whether step a (transitively) depends on step b.
func dependsOn(p *Plan, a, b string) bool {
	s := p.Step(a)
	for _, d := range s.DependsOn {
		if d == b || dependsOn(p, d, b) {
			return true
		}
	}
	return false
}

func TestPlan_orderRespectsAWSRules(t *testing.T) {
	f := newFixture(t)
	// Each pair is "later needs earlier", from AWS-RULES.md §2.6.
	pairs := [][2]string{
		{"topic-policy", "topic"},                // S6
		{"notification", "bucket"},               // S4
		{"notification", "topic-policy"},         // S5: S3 validates the policy
		{"notification", "subscription/catalog"}, // S7: the TestEvent reaches the queues
	}
	for _, c := range config.Default().Consumers {
		n := c.Name
		pairs = append(pairs,
			[2]string{"queue/" + n, "dlq/" + n},                 // Q4
			[2]string{"queue-policy/" + n, "queue/" + n},        // N3
			[2]string{"subscription/" + n, "queue-policy/" + n}, // N3: policy before Subscribe
			[2]string{"subscription/" + n, "topic"},
			[2]string{"function/" + n, "role/" + n},      // I1
			[2]string{"function/" + n, "log-group/" + n}, // L13
			[2]string{"mapping/" + n, "function/" + n},   // L10
			[2]string{"mapping/" + n, "queue/" + n},      // L4: visibility set first
			[2]string{"notification", "subscription/" + n},
		)
	}
	for _, p := range pairs {
		if !dependsOn(f.plan, p[0], p[1]) {
			t.Errorf("%s does not depend on %s", p[0], p[1])
		}
	}
	// Independent roots run in parallel.
	for _, root := range []string{"bucket", "topic", "dlq/thumbnail", "role/thumbnail", "log-group/thumbnail"} {
		if deps := f.step(t, root).DependsOn; len(deps) != 0 {
			t.Errorf("%s depends on %v, want nothing", root, deps)
		}
	}
}

func TestPlan_namesComeFromTheConfiguration(t *testing.T) {
	f := newFixture(t)
	tests := map[string][2]string{
		"bucket":             {KindBucket, testBucket},
		"topic":              {KindTopic, "edas-uploads"},
		"dlq/thumbnail":      {KindDLQ, "edas-thumbnail-dlq"},
		"queue/catalog":      {KindQueue, "edas-catalog"},
		"role/thumbnail":     {KindRole, "edas-thumbnail"},
		"log-group/catalog":  {KindLogGroup, "/aws/lambda/edas-catalog"},
		"function/thumbnail": {KindFunction, "edas-thumbnail"},
		"mapping/thumbnail":  {KindMapping, "edas-thumbnail"},
		"notification":       {KindNotification, testBucket},
	}
	for id, want := range tests {
		s := f.step(t, id)
		mustEqual(t, id+" kind", s.Kind, want[0])
		mustEqual(t, id+" name", s.Name, want[1])
	}
	mustEqual(t, "steps", len(f.plan.Steps), 4+8*2)
}

func TestNewPlan_rejectsAFilterWithPrefixAndSuffix(t *testing.T) {
	cfg := config.Default()
	cfg.Consumers[0].Filter.Prefix = []string{"uploads/a"}
	_, err := NewPlan(cfg, Target{Account: testAccount, Region: testRegion}, nil, Clients{})
	if !errors.Is(err, ErrFilterNotExpressible) {
		t.Fatalf("err = %v, want ErrFilterNotExpressible", err)
	}
	mustEqual(t, "message", err.Error(), "consumer thumbnail: a filter with both prefix and suffix cannot be expressed as an SNS filter policy")
}

func TestNewPlan_needsAccountAndRegion(t *testing.T) {
	if _, err := NewPlan(config.Default(), Target{Region: testRegion}, nil, Clients{}); err == nil {
		t.Fatal("NewPlan without an account succeeded")
	}
}

func TestTarget_arnsFollowThePartition(t *testing.T) {
	tests := map[string]string{
		"us-east-1":     "arn:aws:sqs:us-east-1:1:q",
		"cn-north-1":    "arn:aws-cn:sqs:cn-north-1:1:q",
		"us-gov-west-1": "arn:aws-us-gov:sqs:us-gov-west-1:1:q",
	}
	for region, want := range tests {
		mustEqual(t, region, Target{Account: "1", Region: region}.queueARN("q"), want)
	}
	mustEqual(t, "role", Target{Account: "1", Region: "eu-west-1"}.roleARN("r"), "arn:aws:iam::1:role/r")
	mustEqual(t, "log group", Target{Account: "1", Region: "eu-west-1"}.logGroupARN("/aws/lambda/f"), "arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/f")
}

func TestLabelNamesTheStepsResource(t *testing.T) {
	f := newFixture(t)
	mustEqual(t, "label", f.plan.Label("queue/thumbnail"), "queue edas-thumbnail")
	mustEqual(t, "unknown id", f.plan.Label("nope"), "nope")
}
