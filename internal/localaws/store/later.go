package store

import "time"

// laterDelay bounds how long a Later write waits for another transaction
// to ride along with before it is committed on its own.
const laterDelay = 20 * time.Millisecond

// Later queues fn to run inside the next transaction the store commits —
// whichever Update comes next — or within laterDelay in a transaction of
// its own, and at Close. It returns at once: the write is not durable when
// Later returns, and a crash may lose it.
//
// Later is for writes whose loss in a crash is harmless by design, such as
// removing an outbox entry that has been handed on: after a restart the
// entry is handed on again, which at-least-once delivery allows. Saving a
// transaction per hand-off is what this buys: a hop of the pipeline
// commits once instead of once more for each outbox it leaves.
//
// fn must only write (it runs before the calls of the transaction it joins)
// and must not fail but for a store error; if it fails, the transaction
// fails and fn is kept for the next one.
func (s *Store) Later(fn func(*Tx) error) {
	s.pendingMu.Lock()
	s.later = append(s.later, fn)
	first := len(s.later) == 1
	s.pendingMu.Unlock()
	if first {
		time.AfterFunc(laterDelay, s.flushLater)
	}
}

// flushLater commits the queued Later writes, if any, in a transaction of
// their own (one that joins a group already forming costs nothing extra).
func (s *Store) flushLater() {
	s.pendingMu.Lock()
	n := len(s.later)
	s.pendingMu.Unlock()
	if n > 0 {
		s.Update(func(*Tx) error { return nil })
	}
}
