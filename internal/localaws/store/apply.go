package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"time"
)

const (
	// applyDelay is how long a logged write waits, at most, before the
	// applier moves it into the database. Longer means fewer, larger
	// SQLite transactions (less CPU per write) and more to replay after a
	// crash; at a thousand objects a second through the pipeline, 100 ms
	// is a few hundred kilobytes of log.
	applyDelay = 100 * time.Millisecond
	// applyBytes wakes the applier before applyDelay once this much is
	// logged.
	applyBytes = 4 << 20
	// maxBacklog is how much may wait to be applied before the group
	// commit leader applies it itself, which holds back the commits
	// queued behind it: the bound on the store's memory if the applier
	// cannot keep up or the database keeps failing.
	maxBacklog = 64 << 20
)

// apply moves every logged write into the database. Under commitMu it takes
// the unapplied records and starts a new log segment, so that the segments
// before it hold only records being applied; it applies the records in one
// SQLite transaction, then deletes those segments. Applies are serialised by
// dbMu, so writes reach the database in log order. If the transaction
// fails, the records are kept for the next apply.
//
// Re-applying records the database already holds is harmless — every
// operation sets or removes keys, so applying a prefix of the log again
// ends in the same state — which is why a crash between an apply's commit
// and its deletion of the segments loses nothing and duplicates nothing.
func (s *Store) apply() error {
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	s.commitMu.Lock()
	recs, size := s.unapplied, s.unappliedBytes
	s.unapplied, s.unappliedBytes = nil, 0
	if len(recs) > 0 && s.log != nil {
		// If no new segment can be created, the records are applied all
		// the same, and the current segment is deleted after a later apply.
		if closed, err := s.log.rotate(); err == nil {
			s.applied = append(s.applied, closed)
		}
	}
	s.commitMu.Unlock()
	if len(recs) == 0 {
		return nil
	}
	if err := s.applyRecords(recs); err != nil {
		s.commitMu.Lock()
		s.unapplied = append(recs, s.unapplied...)
		s.unappliedBytes += size
		s.commitMu.Unlock()
		return err
	}
	for _, seg := range s.applied {
		os.Remove(seg.path)
	}
	s.applied = s.applied[:0]
	return nil
}

// applyRecords runs the operations of the record payloads, in order, in
// one SQLite transaction. It runs under dbMu (or before the store is
// shared, at Open).
func (s *Store) applyRecords(payloads [][]byte) error {
	tx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	put, del, delRange := tx.Stmt(s.st.put), tx.Stmt(s.st.del), tx.Stmt(s.st.delRange)
	for _, p := range payloads {
		if err := decodeOps(p, func(o op) error { return execOp(put, del, delRange, o) }); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: apply: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: apply: commit: %w", err)
	}
	return nil
}

func execOp(put, del, delRange *sql.Stmt, o op) error {
	var err error
	switch o.kind {
	case opPut:
		v := o.value
		if v == nil {
			v = []byte{}
		}
		_, err = put.Exec(o.table, o.key, v)
	case opDelete:
		_, err = del.Exec(o.table, o.key)
	case opDeletePrefix:
		lo, hi := prefixRange(o.key)
		_, err = delRange.Exec(o.table, lo, hi)
	}
	if err != nil {
		return fmt.Errorf("%c %s/%s: %w", o.kind, o.table, o.key, err)
	}
	return nil
}

// replay applies the log segments left in dir by a crash (or a failed
// Close), oldest first, in one transaction, deletes them, and returns the
// number the next segment takes.
func (s *Store) replay(dir string) (next uint64, err error) {
	segs, err := listSegments(dir)
	if err != nil || len(segs) == 0 {
		return 1, err
	}
	var payloads [][]byte
	for i, seg := range segs {
		err := readSegment(seg.path, i == len(segs)-1, func(p []byte) error {
			payloads = append(payloads, p)
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("replay log: %w", err)
		}
	}
	if err := s.applyRecords(payloads); err != nil {
		return 0, fmt.Errorf("replay log: %w", err)
	}
	for _, seg := range segs {
		os.Remove(seg.path)
	}
	return segs[len(segs)-1].num + 1, nil
}

// An applier runs apply in the background: applyDelay after the first
// write logged since the last apply, or as soon as applyBytes are waiting.
// An idle store has no timer running.
type applier struct {
	s    *Store
	kick chan struct{} // buffered 1: an apply is due
	quit chan struct{}
	done chan struct{}

	mu    sync.Mutex
	timer *time.Timer // armed while a delayed apply is due
}

func startApplier(s *Store) *applier {
	a := &applier{s: s, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go a.run()
	return a
}

// logged is told, after each group commit, how many bytes wait to be
// applied.
func (a *applier) logged(backlog int) {
	switch {
	case backlog == 0:
	case backlog >= maxBacklog:
		a.s.apply() // an error leaves the records for the next apply
	case backlog >= applyBytes:
		a.wake()
	default:
		a.arm()
	}
}

// arm schedules an apply applyDelay from now, unless one is scheduled.
func (a *applier) arm() {
	a.mu.Lock()
	if a.timer == nil {
		a.timer = time.AfterFunc(applyDelay, a.wake)
	}
	a.mu.Unlock()
}

// disarm cancels the scheduled apply, if any.
func (a *applier) disarm() {
	a.mu.Lock()
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
	a.mu.Unlock()
}

func (a *applier) wake() {
	select {
	case a.kick <- struct{}{}:
	default: // one is due already
	}
}

func (a *applier) run() {
	defer close(a.done)
	for {
		select {
		case <-a.quit:
			return
		case <-a.kick:
		}
		a.disarm()
		if err := a.s.apply(); err != nil {
			a.arm() // try again later; the records stay logged and in memory
		}
	}
}

// stop ends the goroutine; what is still unapplied stays for Close.
func (a *applier) stop() {
	close(a.quit)
	<-a.done
	a.disarm()
}
