package lambda

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// An asyncInvocation is an accepted Event invocation. It is stored before
// Invoke answers 202, again whenever a failed run schedules a retry, and
// deleted once it has run for the last time, so an invocation accepted
// before a crash runs after the restart (at least once), retries included.
type asyncInvocation struct {
	RequestID string
	Function  string
	Payload   []byte
	// Accepted is when Lambda took the event; its age counts from here.
	// Zero in records stored before retries existed: counted from the load.
	Accepted time.Time `json:",omitempty"`
	// Failures is how many runs failed so far; NextRun is the earliest
	// time of the next.
	Failures int       `json:",omitempty"`
	NextRun  time.Time `json:",omitempty"`
	// LastResponse is the error document of the last failed run, for a
	// dead letter and an invocation record.
	LastResponse []byte `json:",omitempty"`
}

// enqueue stores a and starts running it.
func (s *Service) enqueue(a asyncInvocation) error {
	a.Accepted = s.env.Clock.Now()
	if err := s.storeAsync(a); err != nil {
		return err
	}
	s.startAsync(a)
	return nil
}

func (s *Service) storeAsync(a asyncInvocation) error {
	v, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode invocation: %w", err)
	}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return tx.Put(tableAsync, a.RequestID, v) }); err != nil {
		return fmt.Errorf("store invocation: %w", err)
	}
	return nil
}

// startAsync runs a in the background once the function has a free slot
// (waiting, as Lambda retries throttled events, while its reserved
// concurrency is 0). A run that fails (the function's error, a crash, a
// timeout) is retried as Lambda retries it (eventinvoke.go): after one
// minute, then after two more, as many times as the function's
// MaximumRetryAttempts allows, while the event is younger than its
// MaximumEventAgeInSeconds; the retries keep the request ID. What is
// given up is logged by the local AWS and sent to the function's
// dead-letter queue or topic, if it has one (deadletter.go); a record of
// each invocation that ends goes to its destination for that outcome
// (destination.go).
func (s *Service) startAsync(a asyncInvocation) {
	if a.Accepted.IsZero() {
		a.Accepted = s.env.Clock.Now()
	}
	s.async.Add(1)
	go func() {
		defer s.async.Done()
		for s.waitUntil(a.NextRun) {
			cfg := s.eventInvokeConfigOf(a.Function)
			if age := s.env.Clock.Now().Sub(a.Accepted); age >= cfg.maxAge() {
				s.env.Log.Warn("lambda: asynchronous invocation discarded: older than its maximum event age",
					"function", a.Function, "requestId", a.RequestID, "age", age.Round(time.Second), "failures", a.Failures)
				s.giveUp(a, conditionEventAgeExceeded)
				break
			}
			res, err := s.run(s.ctx, a.Function, a.RequestID, a.Payload, true)
			if s.ctx.Err() != nil {
				return // shutting down: it runs again after the restart
			}
			var ae *awsproto.Error
			if err != nil && !(errors.As(err, &ae) && ae.Code == CodeNotFound) {
				s.env.Log.Warn("lambda: asynchronous invocation failed", "function", a.Function, "requestId", a.RequestID, "err", err)
			}
			if err != nil {
				break
			}
			if !res.failed {
				s.sendRecord(a, conditionSuccess, a.Failures+1, res.payload)
				break
			}
			a.LastResponse = res.payload
			if a.Failures++; a.Failures > cfg.retries() {
				s.env.Log.Warn("lambda: asynchronous invocation failed after its retries", "function", a.Function,
					"requestId", a.RequestID, "attempts", a.Failures)
				s.giveUp(a, conditionRetriesExhausted)
				break
			}
			a.NextRun = s.env.Clock.Now().Add(retryDelay(a.Failures))
			if err := s.storeAsync(a); err != nil {
				s.env.Log.Error("lambda: schedule retry", "requestId", a.RequestID, "err", err)
			}
		}
		if s.ctx.Err() != nil {
			return
		}
		if err := s.env.Store.Update(func(tx *store.Tx) error { return tx.Delete(tableAsync, a.RequestID) }); err != nil {
			s.env.Log.Error("lambda: forget invocation", "requestId", a.RequestID, "err", err)
		}
	}()
}

// waitUntil sleeps until t on the service's clock; false if the service
// closes first.
func (s *Service) waitUntil(t time.Time) bool {
	for {
		d := t.Sub(s.env.Clock.Now())
		if d <= 0 {
			return s.ctx.Err() == nil
		}
		select {
		case <-s.ctx.Done():
			return false
		case <-s.env.Clock.After(d):
		}
	}
}

// eventInvokeConfigOf returns the asynchronous invocation settings of the
// function named name (nil: the defaults, also for a function that is gone).
func (s *Service) eventInvokeConfigOf(name string) *eventInvokeConfig {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn := s.fns[name]; fn != nil {
		return fn.EventInvoke
	}
	return nil
}

// giveUp sends a, which will not run again for condition, to its
// function's OnFailure destination and dead-letter target: after a failed
// run with the status Lambda answered it with (200, a function error) and
// the error's message; never run (it waited for a slot while the function
// was throttled) as a throttled invocation.
func (s *Service) giveUp(a asyncInvocation, condition string) {
	s.sendRecord(a, condition, a.Failures, a.LastResponse)
	if a.Failures == 0 {
		s.sendDeadLetter(a, 429, "Rate Exceeded.")
		return
	}
	s.sendDeadLetter(a, 200, errorMessage(a.LastResponse))
}

// errorMessage returns the errorMessage of a function's error document, or
// the document itself when it has none.
func errorMessage(doc []byte) string {
	var e struct {
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(doc, &e) == nil && e.ErrorMessage != "" {
		return e.ErrorMessage
	}
	return string(doc)
}
