package sqs

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// A committer groups the writes of concurrent requests into one store
// transaction and one journal record (group commit): the store's cost is
// mostly per transaction and per record, so eight clients sending at once
// pay for one commit, not eight.
//
// The first writer to arrive while no commit runs becomes the leader: it
// takes every pending write, commits them together, answers each, and hands
// leadership to the oldest writer that arrived meanwhile. A write is
// acknowledged only after its transaction committed.
type committer struct {
	mu      sync.Mutex // guards pending and busy
	pending []*pendingWrite
	busy    bool // a leader is committing
}

type pendingWrite struct {
	entry *logEntry
	extra func(*store.Tx) error // other records of the same request, or nil
	pos   uint64                // the entry's position in the journal, set by the leader
	done  chan error            // the commit's result
	lead  chan struct{}         // closed when this writer becomes the leader
}

// commit writes e and extra durably, grouped with concurrent writes, and
// returns e's position in the journal: positions grow in commit order (they
// are not persisted). Nothing to write returns at once.
func (s *Service) commit(e *logEntry, extra func(*store.Tx) error) (uint64, error) {
	if (e == nil || e.empty()) && extra == nil {
		return 0, nil
	}
	w := &pendingWrite{entry: e, extra: extra, done: make(chan error, 1), lead: make(chan struct{})}
	c := &s.committer
	c.mu.Lock()
	c.pending = append(c.pending, w)
	if c.busy {
		c.mu.Unlock()
		select {
		case err := <-w.done:
			return w.pos, err
		case <-w.lead:
		}
	} else {
		c.busy = true
		c.mu.Unlock()
	}
	s.lead()
	err := <-w.done
	return w.pos, err
}

// lead commits every pending write as one group, then passes leadership on.
func (s *Service) lead() {
	c := &s.committer
	// Let writers that are runnable reach the queue first: under load this
	// grows the group at the cost of one scheduler round; idle, it is free.
	runtime.Gosched()
	c.mu.Lock()
	group := c.pending
	c.pending = nil
	c.mu.Unlock()

	err := s.writeGroup(group)
	for _, w := range group {
		w.done <- err
	}

	c.mu.Lock()
	if len(c.pending) == 0 {
		c.busy = false
	} else {
		close(c.pending[0].lead)
	}
	c.mu.Unlock()
}

// writeGroup commits the writes of group in one transaction, their journal
// entries as one record.
func (s *Service) writeGroup(group []*pendingWrite) error {
	entries := make([]*logEntry, 0, len(group))
	for _, w := range group {
		if w.entry != nil && !w.entry.empty() {
			entries = append(entries, w.entry)
		}
	}
	var rec []byte
	if len(entries) > 0 {
		rec = encodeRecord(entries)
	}
	err := s.env.Store.Update(func(tx *store.Tx) error {
		for _, w := range group {
			if w.extra != nil {
				if err := w.extra(tx); err != nil {
					return err
				}
			}
		}
		for _, w := range group {
			s.entryPos++
			w.pos = s.entryPos
		}
		if rec == nil {
			return nil
		}
		s.logN++
		s.logSince.Add(1)
		return tx.Put(tableLog, logKey(s.gen, s.logN), rec)
	})
	if err != nil {
		return fmt.Errorf("write queue state: %w", err)
	}
	return nil
}
