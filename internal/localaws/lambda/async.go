package lambda

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// An asyncInvocation is an accepted Event invocation. It is stored before
// Invoke answers 202 and deleted once it has run, so an invocation accepted
// before a crash runs after the restart (at least once).
type asyncInvocation struct {
	RequestID string
	Function  string
	Payload   []byte
}

// enqueue stores a and starts running it.
func (s *Service) enqueue(a asyncInvocation) error {
	v, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode invocation: %w", err)
	}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return tx.Put(tableAsync, a.RequestID, v) }); err != nil {
		return fmt.Errorf("store invocation: %w", err)
	}
	s.startAsync(a)
	return nil
}

// startAsync runs a in the background once the function has a free slot
// (waiting, as Lambda retries throttled events, while its reserved
// concurrency is 0). The function's failures are logged in its log, as
// Lambda logs them; the local AWS does not retry them (Lambda retries
// twice) nor send them to a destination.
func (s *Service) startAsync(a asyncInvocation) {
	s.async.Add(1)
	go func() {
		defer s.async.Done()
		_, err := s.run(s.ctx, a.Function, a.RequestID, a.Payload, true)
		if s.ctx.Err() != nil {
			return // shutting down: it runs again after the restart
		}
		var ae *awsproto.Error
		if err != nil && !(errors.As(err, &ae) && ae.Code == CodeNotFound) {
			s.env.Log.Warn("lambda: asynchronous invocation failed", "function", a.Function, "requestId", a.RequestID, "err", err)
		}
		if err := s.env.Store.Update(func(tx *store.Tx) error { return tx.Delete(tableAsync, a.RequestID) }); err != nil {
			s.env.Log.Error("lambda: forget invocation", "requestId", a.RequestID, "err", err)
		}
	}()
}
