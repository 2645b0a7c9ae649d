package provision

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/edasctl/edasctl/internal/build"
	"github.com/edasctl/edasctl/internal/config"
)

const (
	testAccount = "123456789012"
	testRegion  = "us-east-1"
	testBucket  = "edas-123456789012-us-east-1"
)

// recorder is a Progress that records events as lines.
type recorder struct {
	mu     sync.Mutex // guards events
	events []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, s)
}

func (r *recorder) Start(step, msg string)      { r.add("start " + step + ": " + msg) }
func (r *recorder) Wait(step, what string)      { r.add("wait " + step + ": " + what) }
func (r *recorder) Done(step string, o Outcome) { r.add("done " + step + ": " + string(o)) }
func (r *recorder) Fail(step string, err error) { r.add("fail " + step + ": " + err.Error()) }
func (r *recorder) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// fixture is a plan over a fake cloud with instant, recorded sleeps.
type fixture struct {
	cloud  *fakeCloud
	plan   *Plan
	prog   *recorder
	mu     sync.Mutex // guards sleeps
	sleeps []time.Duration
}

func testArtifact(code string) *build.Artifact {
	return &build.Artifact{Zip: []byte(code), CodeSha256: sha([]byte(code)), GOOS: "linux", GOARCH: "arm64"}
}

// newFixture builds the default pipeline's plan over an empty fake cloud;
// edit, when given, changes the configuration first.
func newFixture(t *testing.T, edit ...func(*config.Config)) *fixture {
	t.Helper()
	cfg := config.Default()
	for _, e := range edit {
		e(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("invalid test config: %v", err)
	}
	f := &fixture{cloud: newFakeCloud(), prog: &recorder{}}
	p, err := NewPlan(cfg, Target{Account: testAccount, Region: testRegion}, testArtifact("zip-1"), f.cloud.clients())
	if err != nil {
		t.Fatalf("NewPlan: %v", err)
	}
	p.Progress = f.prog
	p.Timeouts = Timeouts{
		RolePropagation: 10 * time.Second, MappingPermission: 10 * time.Second, NotificationValidation: 10 * time.Second,
		QueueDeletedRecently: 70 * time.Second, FunctionState: 10 * time.Second, MappingState: 10 * time.Second,
		BucketCreated: 10 * time.Second, BucketNotEmpty: 10 * time.Second, FirstDelay: time.Second, MaxDelay: 8 * time.Second,
	}
	// Backoff is recorded, not slept: budgets count the delays, so a retry
	// test sees exactly the attempts a real run would, at once.
	p.Sleep = func(ctx context.Context, d time.Duration) error {
		f.mu.Lock()
		f.sleeps = append(f.sleeps, d)
		f.mu.Unlock()
		return ctx.Err()
	}
	f.plan = p
	return f
}

// up runs Up and fails the test on error.
func (f *fixture) up(t *testing.T) []Result {
	t.Helper()
	res, err := f.plan.Up(context.Background())
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	return res
}

// outcomes maps step IDs to outcomes.
func outcomes(res []Result) map[string]Outcome {
	m := map[string]Outcome{}
	for _, r := range res {
		m[r.Step] = r.Outcome
	}
	return m
}

// step returns the plan's step with id or fails the test.
func (f *fixture) step(t *testing.T, id string) *Step {
	t.Helper()
	s := f.plan.Step(id)
	if s == nil {
		t.Fatalf("no step %q", id)
	}
	return s
}

// converged builds the pipeline and forgets the calls made doing so.
func converged(t *testing.T, edit ...func(*config.Config)) *fixture {
	t.Helper()
	f := newFixture(t, edit...)
	f.up(t)
	f.cloud.reset()
	*f.prog = recorder{}
	return f
}

func mustEqual[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
