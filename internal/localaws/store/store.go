// Package store is the local AWS's durable state: a transactional key-value
// store over an embedded SQLite database (modernc.org/sqlite, pure Go, no cgo),
// plus a blob store for object bodies.
//
// Durability contract: when Update returns nil, its writes are in the
// store's operation log (oplog.go), written with write(2); they survive a
// kill -9 of the process (the OS keeps the written pages). The log is not
// fsynced, so a power loss may drop the last writes, as SQLite's own WAL
// with synchronous=NORMAL would.
//
// Why a log in front of SQLite: committing each request's few writes as a
// SQLite transaction cost the local AWS a third of its CPU in the pipeline
// benchmark. A SQLite commit writes every page the transaction touched, as
// whole 4 KiB WAL frames with two pwrite(2) calls each, and an object's
// writes (its record, the outbox entry of its event, the queue's journal,
// the function's log lines) land on different pages: 18 pwrite calls an
// object in the pipeline (strace -c -f -p of edasctl local over a
// 1,000-object bench) and 261 CPU-µs an object in BenchmarkPipelineMix
// (bench_test.go). The log writes one record
// per group commit instead, and a background applier moves the logged
// writes into SQLite every applyDelay in one transaction, where
// neighbouring keys share their pages. The applier commits with
// synchronous=FULL (an fsync off every request's path) before it deletes
// the log segments it applied, so the database never lags the log by more
// than a crash can replay; Open replays whatever segments are left.
//
// Services keep their working state in memory and write through to the store
// before acknowledging a request; at start they load it back with Scan
// inside View, which first applies every logged write, so reads see every
// acknowledged one. Writes whose loss in a crash is harmless can skip a
// commit of their own with Later.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned by Tx.Get for a missing key.
var ErrNotFound = errors.New("store: not found")

// errReadInUpdate is returned by Get and Scan on an Update's Tx: its writes
// are logged, not applied, so it has nothing consistent to read from.
var errReadInUpdate = errors.New("store: an Update's Tx only writes; read in View")

// A Store is a set of tables of ordered keys to byte values.
// It is safe for concurrent use.
type Store struct {
	dbMu sync.Mutex // serialises use of db's single connection: applies and Views
	db   *sql.DB
	st   statements

	commitMu sync.Mutex // held by the group commit leader: one log write at a time
	log      *logWriter // nil for an in-memory store
	// unapplied holds the payloads of the records logged since the last
	// apply, oldest first; unappliedBytes is their total size. Both are
	// guarded by commitMu.
	unapplied      [][]byte
	unappliedBytes int

	pendingMu sync.Mutex        // guards pending and later
	pending   []*call           // Updates waiting for the next group commit
	later     []func(*Tx) error // Later's writes, for the next commit

	applier *applier
	// applied lists the closed log segments whose records are being, or
	// have been, applied: deleted after the next successful apply. Guarded
	// by dbMu.
	applied []segment

	closed atomic.Bool
}

// statements are prepared once: preparing SQL on every call costs more than
// executing it.
type statements struct {
	put, get, del, delRange, scan *sql.Stmt
}

func (s *Store) prepare() error {
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = s.db.Prepare(q)
		return st
	}
	s.st = statements{
		put: prep(`INSERT INTO kv (tbl, key, value) VALUES (?, ?, ?)
		ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value`),
		get:      prep(`SELECT value FROM kv WHERE tbl = ? AND key = ?`),
		del:      prep(`DELETE FROM kv WHERE tbl = ? AND key = ?`),
		delRange: prep(`DELETE FROM kv WHERE tbl = ? AND key >= ? AND key < ?`),
		scan:     prep(`SELECT key, value FROM kv WHERE tbl = ? AND key >= ? AND key < ? ORDER BY key`),
	}
	return err
}

// Open opens (creating if needed) the database state.db in dir, replays
// the log segments a crash left there into it, and starts a new segment.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	// synchronous=FULL: an apply is durable, even across a power loss,
	// before the log segments it applied are deleted; it costs an fsync
	// per apply, off every request's path.
	s, err := open("file:" + filepath.Join(dir, "state.db") +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)&_pragma=cache_size(-65536)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	next, err := s.replay(dir)
	if err == nil {
		s.log, err = openLogWriter(dir, next)
	}
	if err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.applier = startApplier(s)
	return s, nil
}

// OpenMemory opens a store that lives in memory only (edasctl local --in-memory).
func OpenMemory() (*Store, error) {
	s, err := open("file::memory:?_txlock=immediate")
	if err != nil {
		return nil, err
	}
	s.applier = startApplier(s)
	return s, nil
}

func open(dsn string) (*Store, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db.SetMaxOpenConns(1) // one connection: an in-memory database lives in it
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS kv (
		tbl TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
		PRIMARY KEY (tbl, key)) WITHOUT ROWID`); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	s := &Store{db: db}
	if err := s.prepare(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
}

// Close commits queued Later writes, applies everything logged, and closes
// the database. The store must not be used afterwards; closing it again
// does nothing.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.flushLater()
	s.applier.stop()
	err := s.apply()
	if s.log != nil {
		if cerr := s.log.close(); err == nil {
			err = cerr
		}
		if err == nil {
			// Everything is in the database: the last segment is empty
			// of unapplied writes.
			os.Remove(s.log.seg.path)
		}
	}
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	return err
}

// View runs fn in a read-only transaction that sees every write
// acknowledged before View was called.
func (s *Store) View(fn func(*Tx) error) error {
	if err := s.apply(); err != nil {
		return err
	}
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	tx, err := s.db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	return fn(&Tx{tx: tx, st: &s.st})
}

// A Tx is one transaction. It is valid only inside the Update or View call
// that created it and must not be used from other goroutines. An Update's
// Tx only writes (its writes are logged, and reach the database later); a
// View's only reads.
type Tx struct {
	// Update: the group's record being built, and the onCommit callbacks.
	rec      *[]byte
	onCommit []func()
	// View: the SQLite transaction.
	tx *sql.Tx
	st *statements
}

// OnCommit registers f to run after the transaction commits (not at all if
// it rolls back), outside the store's locks. Hand-offs use it to wake the
// goroutine that will read what the transaction wrote.
func (t *Tx) OnCommit(f func()) { t.onCommit = append(t.onCommit, f) }

func (t *Tx) writable(what, table, key string) error {
	if t.rec == nil {
		return fmt.Errorf("store: %s %s/%s in a View", what, table, key)
	}
	return nil
}

// Put sets table[key] = value.
func (t *Tx) Put(table, key string, value []byte) error {
	if err := t.writable("put", table, key); err != nil {
		return err
	}
	*t.rec = appendOp(*t.rec, opPut, table, key, value, true)
	return nil
}

// Delete removes table[key]; a missing key is not an error.
func (t *Tx) Delete(table, key string) error {
	if err := t.writable("delete", table, key); err != nil {
		return err
	}
	*t.rec = appendOp(*t.rec, opDelete, table, key, nil, false)
	return nil
}

// DeletePrefix removes every key of table that starts with prefix.
func (t *Tx) DeletePrefix(table, prefix string) error {
	if err := t.writable("delete", table, prefix+"*"); err != nil {
		return err
	}
	*t.rec = appendOp(*t.rec, opDeletePrefix, table, prefix, nil, false)
	return nil
}

// Get returns table[key], or ErrNotFound. Only in a View.
func (t *Tx) Get(table, key string) ([]byte, error) {
	if t.tx == nil {
		return nil, errReadInUpdate
	}
	var v []byte
	err := t.tx.Stmt(t.st.get).QueryRow(table, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: get %s/%s: %w", table, key, err)
	}
	return v, nil
}

// Scan calls fn for every key of table that starts with prefix, in byte order
// of the keys, stopping at the first error fn returns. Only in a View.
func (t *Tx) Scan(table, prefix string, fn func(key string, value []byte) error) error {
	if t.tx == nil {
		return errReadInUpdate
	}
	lo, hi := prefixRange(prefix)
	rows, err := t.tx.Stmt(t.st.scan).Query(table, lo, hi)
	if err != nil {
		return fmt.Errorf("store: scan %s/%s*: %w", table, prefix, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v []byte
		if err := rows.Scan(&k, &v); err != nil {
			return fmt.Errorf("store: scan %s: %w", table, err)
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// prefixRange returns the half-open key range [lo, hi) of the keys that start
// with prefix, compared bytewise (SQLite's BINARY collation). Keys are
// expected to be valid UTF-8, which never contains the byte 0xFF, so
// prefix+"\xff" bounds every extension of prefix.
func prefixRange(prefix string) (lo, hi string) {
	return prefix, prefix + "\xff"
}
