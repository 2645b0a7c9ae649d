package provision

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// errCancelledByFailure is the cancellation cause Up uses when one step
// fails, so the steps it interrupts are reported as skipped.
var errCancelledByFailure = errors.New("cancelled: another step failed")

// begin prepares a run: a serialised Progress for the parallel steps.
func (p *Plan) begin() {
	prog := p.Progress
	if prog == nil {
		prog = NoProgress{}
	}
	p.progress = &lockedProgress{p: prog}
}

func (p *Plan) end() { p.progress = nil }

// label is how progress messages name a step's resource ("queue
// edas-thumbnail").
func (s *Step) label() string { return s.Kind + " " + s.Name }

// Up creates or converges every resource. Each step runs in its own
// goroutine as soon as the steps it depends on are done, so independent
// work (the role and the queues, the bucket and the topic) proceeds in
// parallel. The first failure cancels the steps still running or waiting
// and is returned as a *StepError whose message is the step's ("create
// queue edas-thumbnail: …"). The results are in plan order; steps that did
// not run are Skipped.
func (p *Plan) Up(ctx context.Context) ([]Result, error) {
	p.begin()
	defer p.end()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	results := make([]Result, len(p.Steps))
	done := make(map[string]chan struct{}, len(p.Steps))
	for _, s := range p.Steps {
		done[s.ID] = make(chan struct{})
	}
	var (
		mu    sync.Mutex // guards first
		first error
		wg    sync.WaitGroup
	)
	for i, s := range p.Steps {
		results[i] = s.result()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[s.ID])
			for _, d := range s.DependsOn {
				select {
				case <-done[d]:
				case <-ctx.Done():
				}
			}
			if ctx.Err() != nil {
				results[i].Outcome, results[i].Reason = Skipped, skipReason(ctx)
				return
			}
			p.progress.Start(s.ID, s.label())
			outcome, arn, err := s.res.ensure(ctx, p.op(s))
			if err != nil {
				// Stopped by another step's failure or by the user: the step
				// did not fail, it was cut short; Up returns the cause.
				if ctx.Err() != nil && errors.Is(err, ctx.Err()) || errors.Is(context.Cause(ctx), errCancelledByFailure) {
					results[i].Outcome, results[i].Reason = Skipped, skipReason(ctx)
					return
				}
				results[i].Outcome, results[i].Reason = Failed, err.Error()
				p.progress.Fail(s.ID, err)
				mu.Lock()
				if first == nil {
					first = &StepError{Step: s.ID, Err: err}
					cancel(errCancelledByFailure)
				}
				mu.Unlock()
				return
			}
			results[i].Outcome, results[i].ARN = outcome, arn
			p.progress.Done(s.ID, outcome)
		}()
	}
	wg.Wait()
	if first != nil {
		return results, first
	}
	if err := ctx.Err(); err != nil {
		return results, fmt.Errorf("up: %w", context.Cause(ctx))
	}
	return results, nil
}

func skipReason(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), errCancelledByFailure) {
		return errCancelledByFailure.Error()
	}
	return "cancelled"
}

// Down deletes every resource this stack owns, in reverse dependency order:
// a step is deleted once every step that depends on it has been handled,
// so the mappings go first (and are waited out), the notification entry is
// removed before the topic, and the bucket is emptied last. Independent
// deletions run in parallel. Down continues past failures and returns them
// joined, each a *StepError; resources without this stack's tag are Kept.
// Running Down on a removed stack reports everything Absent.
func (p *Plan) Down(ctx context.Context) ([]Result, error) {
	p.begin()
	defer p.end()
	results := make([]Result, len(p.Steps))
	errs := make([]error, len(p.Steps))
	done := make(map[string]chan struct{}, len(p.Steps))
	dependents := make(map[string][]string, len(p.Steps))
	for _, s := range p.Steps {
		done[s.ID] = make(chan struct{})
		for _, d := range s.DependsOn {
			dependents[d] = append(dependents[d], s.ID)
		}
	}
	index := map[string]int{}
	for i, s := range p.Steps {
		index[s.ID] = i
	}
	var wg sync.WaitGroup
	for i, s := range p.Steps {
		results[i] = s.result()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[s.ID])
			for _, d := range dependents[s.ID] {
				select {
				case <-done[d]:
				case <-ctx.Done():
				}
			}
			if ctx.Err() != nil {
				results[i].Outcome, results[i].Reason = Skipped, "cancelled"
				return
			}
			// A resource whose dependent could not be deleted stays: deleting
			// it would leave the dependent pointing at nothing (a bucket
			// notification at a deleted topic, AWS-RULES S14; a live mapping
			// on a deleted queue). The next down retries both.
			for _, d := range dependents[s.ID] {
				if o := results[index[d]].Outcome; o == Failed || o == Skipped {
					results[i].Outcome, results[i].Reason = Skipped, "kept because deleting "+d+" did not succeed"
					p.progress.Done(s.ID, Skipped)
					return
				}
			}
			p.progress.Start(s.ID, s.label())
			outcome, reason, err := s.res.delete(ctx, p.op(s))
			if err != nil {
				results[i].Outcome, results[i].Reason = Failed, err.Error()
				errs[i] = &StepError{Step: s.ID, Err: err}
				p.progress.Fail(s.ID, err)
				return
			}
			results[i].Outcome, results[i].Reason = outcome, reason
			p.progress.Done(s.ID, outcome)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		errs = append(errs, fmt.Errorf("down: %w", err))
	}
	return results, errors.Join(errs...)
}

// observeAll observes every step in parallel and returns the observations
// and errors in plan order.
func (p *Plan) observeAll(ctx context.Context) ([]Observation, []error) {
	obs := make([]Observation, len(p.Steps))
	errs := make([]error, len(p.Steps))
	var wg sync.WaitGroup
	for i, s := range p.Steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			obs[i], errs[i] = s.res.observe(ctx, p.op(s))
		}()
	}
	wg.Wait()
	return obs, errs
}

// DryRun reports what Up would do without changing anything: each
// Result's Outcome is what Up would report, its State what Observe found
// and its Diffs the fields Up would change. A resource Up would refuse
// (tagged for another stack) is Failed with the reason; the returned error
// joins such refusals and read failures.
func (p *Plan) DryRun(ctx context.Context) ([]Result, error) {
	p.begin()
	defer p.end()
	obs, errs := p.observeAll(ctx)
	results := make([]Result, len(p.Steps))
	var failed []error
	for i, s := range p.Steps {
		r := s.result()
		if errs[i] != nil {
			r.Outcome, r.Reason = Failed, errs[i].Error()
			failed = append(failed, &StepError{Step: s.ID, Err: errs[i]})
		} else {
			o := obs[i]
			r.Outcome, r.State, r.ARN, r.Reason, r.Diffs = outcomeOf(o), o.State, o.ARN, o.Reason, o.Diffs
		}
		results[i] = r
	}
	return results, errors.Join(failed...)
}
