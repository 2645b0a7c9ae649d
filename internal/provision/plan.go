package provision

import (
	"context"
	"errors"
	"fmt"

	"github.com/edasctl/edasctl/internal/build"
	"github.com/edasctl/edasctl/internal/config"
)

// Step kinds, the "kind" of each Result.
const (
	KindBucket       = "bucket"
	KindTopic        = "topic"
	KindTopicPolicy  = "topic-policy"
	KindNotification = "notification"
	KindDLQ          = "dlq"
	KindQueue        = "queue"
	KindQueuePolicy  = "queue-policy"
	KindSubscription = "subscription"
	KindRole         = "role"
	KindLogGroup     = "log-group"
	KindFunction     = "function"
	KindMapping      = "mapping"
)

// A Step is one resource of the plan. ID is unique in the plan ("bucket",
// "queue/thumbnail"); DependsOn lists the IDs of the steps that must be
// done before this one is ensured (and, in Down, that are deleted only after
// it). Steps are built by NewPlan and are read-only afterwards.
type Step struct {
	ID        string
	Kind      string
	Name      string
	DependsOn []string

	plan *Plan
	res  resource
}

// A resource is what a Step does. observe reads and compares; ensure
// creates or converges and returns the outcome and the ARN; delete removes
// the resource (or reports it absent or kept, with the reason).
type resource interface {
	observe(ctx context.Context, o *op) (Observation, error)
	ensure(ctx context.Context, o *op) (Outcome, string, error)
	delete(ctx context.Context, o *op) (Outcome, string, error)
}

// An op is one step's view of the plan during a call: the clients, the
// desired configuration, the retrier and the step's wait announcer.
type op struct {
	*Plan
	step  *Step
	wait  waiter
	retry retrier
}

// A Plan is the ordered list of steps that builds one pipeline, with what
// they need to run: clients, target, configuration and handler zip.
//
// Up runs the steps in parallel as their dependencies allow and stops at
// the first error; Down runs them in reverse, continues past failures and
// returns them joined; Status and DryRun only read. Set the exported
// fields before a run; a Plan runs one operation at a time.
type Plan struct {
	// Steps in dependency order: every DependsOn names an earlier step.
	Steps []*Step
	// Progress receives the run's events; nil discards them.
	Progress Progress
	// Timeouts bounds the waits and retries (DefaultTimeouts by default).
	Timeouts Timeouts
	// Sleep waits between retries; tests replace it.
	Sleep Sleeper
	// KeepBucket and KeepLogs make Down keep the bucket (and its
	// notification configuration) and the log groups.
	KeepBucket, KeepLogs bool

	cfg      *config.Config
	target   Target
	artifact *build.Artifact
	clients  Clients
	bucket   string
	progress Progress // Progress, serialised, during a run
}

// ErrFilterNotExpressible reports a consumer filter with both suffixes and
// prefixes: an SNS filter policy ORs the conditions on one key and cannot
// require both (https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html).
var ErrFilterNotExpressible = errors.New("a filter with both prefix and suffix cannot be expressed as an SNS filter policy")

// NewPlan builds the plan for cfg (validated by config.Load) on target.
// artifact is the handler zip; it may be nil for Down and Status, which then
// do not compare code. Steps are ordered as AWS-RULES.md §2.6 requires.
func NewPlan(cfg *config.Config, target Target, artifact *build.Artifact, clients Clients) (*Plan, error) {
	if target.Account == "" || target.Region == "" {
		return nil, errors.New("plan: target needs an account and a region")
	}
	p := &Plan{
		Timeouts: DefaultTimeouts(),
		Sleep:    sleepCtx,
		cfg:      cfg,
		target:   target,
		artifact: artifact,
		clients:  clients,
		bucket:   cfg.BucketName(target.Account, target.Region),
	}
	add := func(id, kind, name string, res resource, deps ...string) {
		p.Steps = append(p.Steps, &Step{ID: id, Kind: kind, Name: name, DependsOn: deps, plan: p, res: res})
	}
	add("bucket", KindBucket, p.bucket, &bucketStep{})
	add("topic", KindTopic, cfg.TopicName(), &topicStep{})
	add("topic-policy", KindTopicPolicy, cfg.TopicName(), &topicPolicyStep{}, "topic")

	var subs []string
	for i := range cfg.Consumers {
		c := &cfg.Consumers[i]
		if len(c.Filter.Prefix) > 0 && len(c.Filter.Suffix) > 0 {
			return nil, fmt.Errorf("consumer %s: %w", c.Name, ErrFilterNotExpressible)
		}
		n := c.Name
		add("dlq/"+n, KindDLQ, cfg.DLQName(n), &queueStep{consumer: c, dlq: true})
		add("queue/"+n, KindQueue, cfg.QueueName(n), &queueStep{consumer: c}, "dlq/"+n)
		add("queue-policy/"+n, KindQueuePolicy, cfg.QueueName(n), &queuePolicyStep{consumer: c}, "queue/"+n)
		add("subscription/"+n, KindSubscription, cfg.QueueName(n), &subscriptionStep{consumer: c}, "topic", "queue-policy/"+n)
		add("role/"+n, KindRole, cfg.RoleName(n), &roleStep{consumer: c})
		add("log-group/"+n, KindLogGroup, cfg.LogGroupName(n), &logGroupStep{consumer: c})
		add("function/"+n, KindFunction, cfg.FunctionName(n), &functionStep{consumer: c}, "role/"+n, "log-group/"+n)
		add("mapping/"+n, KindMapping, cfg.FunctionName(n), &mappingStep{consumer: c}, "function/"+n, "queue/"+n)
		subs = append(subs, "subscription/"+n)
	}
	// The notification comes last on the S3 side: S3 validates the topic
	// policy when it is written (S5) and sends s3:TestEvent at once (S7),
	// which should reach the subscribed queues.
	add("notification", KindNotification, p.bucket, &notificationStep{}, append([]string{"bucket", "topic-policy"}, subs...)...)
	return p, nil
}

// Step returns the step with the given ID, or nil.
func (p *Plan) Step(id string) *Step {
	for _, s := range p.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// BucketName returns the name of the plan's bucket.
func (p *Plan) BucketName() string { return p.bucket }

// Target returns the target the plan was built for.
func (p *Plan) Target() Target { return p.target }

// op returns the view of the plan that step s's operations use.
func (p *Plan) op(s *Step) *op {
	prog := p.progress
	if prog == nil {
		prog = p.Progress
	}
	if prog == nil {
		prog = NoProgress{}
	}
	sleep := p.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	return &op{
		Plan:  p,
		step:  s,
		wait:  func(what string) { prog.Wait(s.ID, what) },
		retry: retrier{sleep: sleep, first: p.Timeouts.FirstDelay, max: p.Timeouts.MaxDelay},
	}
}

// Observe reads the resource and compares it with the plan.
func (s *Step) Observe(ctx context.Context) (Observation, error) {
	return s.res.observe(ctx, s.plan.op(s))
}

// Ensure creates the resource or converges it; an unchanged resource gets
// no mutating call. It returns the outcome and the resource's ARN.
func (s *Step) Ensure(ctx context.Context) (Outcome, string, error) {
	return s.res.ensure(ctx, s.plan.op(s))
}

// Delete removes the resource when it carries this stack's tag. It returns
// Deleted, Absent, or Kept with the reason.
func (s *Step) Delete(ctx context.Context) (Outcome, string, error) {
	return s.res.delete(ctx, s.plan.op(s))
}

// result returns the step's Result skeleton.
func (s *Step) result() Result { return Result{Step: s.ID, Kind: s.Kind, Name: s.Name} }

// Label names the resource step id handles, for progress lines: "queue
// edas-thumbnail". An unknown id is returned as it is.
func (p *Plan) Label(id string) string {
	if s := p.Step(id); s != nil {
		return s.Kind + " " + s.Name
	}
	return id
}
