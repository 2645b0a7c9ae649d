package store

// Update runs fn to collect its writes and commits them if fn returns nil;
// if fn returns an error, nothing fn wrote is kept. When Update returns
// nil the writes are durable (see the package doc).
//
// Concurrent Updates are committed together (group commit): while one
// group is written to the log, the calls that arrive wait and then share
// the next record, so one write(2) acknowledges them all; a lone call pays
// nothing extra. Calls are committed in the order they queued. fn runs on
// the goroutine that writes the group, not necessarily the caller's, and
// must not call Update or View itself.
func (s *Store) Update(fn func(*Tx) error) error {
	c := &call{fn: fn, done: make(chan struct{})}
	s.pendingMu.Lock()
	s.pending = append(s.pending, c)
	leader := len(s.pending) == 1
	s.pendingMu.Unlock()
	if leader {
		s.commitPending()
	}
	<-c.done
	if c.err == nil {
		for _, f := range c.onCommit {
			f()
		}
	}
	return c.err
}

// A call is one Update waiting for its group's commit.
type call struct {
	fn       func(*Tx) error
	done     chan struct{} // closed when err and onCommit are set
	err      error
	onCommit []func()
}

// commitPending is run by the first caller of a group: it waits for the
// previous group's write, takes every call queued by then, and logs them
// as one record.
func (s *Store) commitPending() {
	s.commitMu.Lock()
	s.pendingMu.Lock()
	group, later := s.pending, s.later
	s.pending, s.later = nil, nil
	s.pendingMu.Unlock()

	err := s.commitGroup(later, group)
	if err != nil && len(later) > 0 {
		s.pendingMu.Lock()
		s.later = append(later, s.later...)
		s.pendingMu.Unlock()
	}
	backlog := s.unappliedBytes
	s.commitMu.Unlock()

	for _, c := range group {
		if err != nil && c.err == nil {
			c.err = err
			c.onCommit = nil
		}
		close(c.done)
	}
	s.applier.logged(backlog)
}

// commitGroup builds the group's record — Later's writes first, then each
// call's, a failing call's cut off again — and logs it. It runs under
// commitMu.
func (s *Store) commitGroup(later []func(*Tx) error, group []*call) error {
	rec := make([]byte, recordHeader, 512)
	t := &Tx{rec: &rec}
	for _, fn := range later {
		if err := fn(t); err != nil {
			return err
		}
	}
	for _, c := range group {
		mark := len(rec)
		t.onCommit = nil
		if c.err = c.fn(t); c.err != nil {
			rec = rec[:mark]
			continue
		}
		c.onCommit = t.onCommit
	}
	if len(rec) == recordHeader {
		return nil // nothing written
	}
	sealRecord(rec)
	if s.log != nil {
		if err := s.log.write(rec); err != nil {
			return err
		}
	}
	s.unapplied = append(s.unapplied, rec[recordHeader:])
	s.unappliedBytes += len(rec)
	return nil
}
