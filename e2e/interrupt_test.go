package e2e

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/edasctl/edasctl/internal/config"
	"github.com/edasctl/edasctl/internal/localaws"
	"github.com/edasctl/edasctl/internal/provision"
	"github.com/edasctl/edasctl/internal/testenv"
)

// cancelOnStart is a Progress that cancels a run when its k-th step starts.
type cancelOnStart struct {
	provision.NoProgress
	k, n   int
	cancel context.CancelFunc
}

func (c *cancelOnStart) Start(string, string) {
	if c.n++; c.n == c.k {
		c.cancel()
	}
}

// plan returns the default stack's plan on e with the host's handler.
func (e *env) plan(t *testing.T) *provision.Plan {
	t.Helper()
	target := provision.Target{Account: localaws.DefaultAccount, Region: localaws.DefaultRegion, Local: true}
	p, err := provision.NewPlan(config.Default(), target, testenv.Handler(t), e.clients)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// finishUp runs `edasctl up` after an interrupted one and checks that it
// completes the stack and that status finds it healthy.
func (e *env) finishUp(t *testing.T, zip string) {
	t.Helper()
	var up report
	e.runJSON(&up, "up", "--handler-zip", zip)
	if n := outcomes(up); n["failed"]+n["skipped"] != 0 {
		t.Fatalf("up after the interruption: outcomes %v", n)
	}
	var status report
	e.runJSON(&status, "status")
	if !status.Healthy {
		t.Fatalf("status after up finished the interrupted one is not healthy: %+v", status.Resources)
	}
}

func TestUpCancelledAtEachStepIsFinishedByTheNextUp(t *testing.T) {
	zip := handlerZip(t)
	steps := len(newEnv(t).plan(t).Steps)
	for k := 1; k <= steps; k++ {
		t.Run(fmt.Sprintf("cancelled when step %d of %d starts", k, steps), func(t *testing.T) {
			e := newEnv(t)
			p := e.plan(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			p.Progress = &cancelOnStart{k: k, cancel: cancel}
			results, err := p.Up(ctx)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled up returned %v, want context.Canceled", err)
			}
			if n := outcomes(report{Resources: toResources(results)}); n["skipped"]+n["failed"] == 0 {
				t.Fatalf("cancelled up did every step: %v", n)
			}
			e.finishUp(t, zip)
		})
	}
}

// TestUpKilledAfterEachMutatingCallIsFinishedByTheNextUp interrupts up
// where a killed process would: right after AWS has applied the k-th
// change, typically between a create and the tagging or configuration that
// follows it.
func TestUpKilledAfterEachMutatingCallIsFinishedByTheNextUp(t *testing.T) {
	zip := handlerZip(t)
	probe := newEnv(t)
	if _, err := probe.plan(t).Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	changes := len(mutating(probe.rec.take()))
	// Every third change keeps the test within the package's time budget
	// while still cutting every step kind (each makes several changes).
	for k := 1; k <= changes; k += 3 {
		t.Run(fmt.Sprintf("cancelled after change %d of %d", k, changes), func(t *testing.T) {
			e := newEnv(t)
			p := e.plan(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var n atomic.Int32
			e.rec.onCall(func(c call) {
				if c.Mutating && int(n.Add(1)) == k {
					cancel()
				}
			})
			if _, err := p.Up(ctx); err == nil {
				t.Fatalf("up cancelled after change %d succeeded", k)
			}
			e.rec.onCall(nil)
			e.finishUp(t, zip)
		})
	}
}

func toResources(results []provision.Result) []resource {
	out := make([]resource, len(results))
	for i, r := range results {
		out[i] = resource{Step: r.Step, Kind: r.Kind, Name: r.Name, Outcome: string(r.Outcome), State: string(r.State), Reason: r.Reason}
	}
	return out
}
