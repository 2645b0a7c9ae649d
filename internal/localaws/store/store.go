// Package store is the local AWS's durable state: a transactional key-value
// store over an embedded SQLite database (modernc.org/sqlite, pure Go, no cgo),
// plus a blob store for object bodies.
//
// Durability contract: when Update returns nil, the transaction is in the
// database's write-ahead log, written with write(2); it survives a kill -9 of
// the process (the OS keeps the written pages). The database runs in WAL mode
// with synchronous=NORMAL, so a power loss may drop the last transactions but
// never corrupts the database (https://www.sqlite.org/wal.html,
// https://www.sqlite.org/pragma.html#pragma_synchronous).
//
// Checkpoints (copying the WAL back into the database file, with an fsync
// each) do not run on a request's path: a second connection checkpoints in
// the background (PRAGMA wal_checkpoint(PASSIVE), which runs alongside the
// writer without blocking it,
// https://www.sqlite.org/c3ref/wal_checkpoint_v2.html) once enough
// transactions have accumulated. Inline, every thousandth WAL page made one
// commit wait for two fsyncs (an S3 → SQS hop's p99 of 8.3–8.7 ms, against
// 4.4–5.1 ms in the background). Under a write stream that never pauses a
// PASSIVE checkpoint never catches up, and SQLite restarts the WAL only after
// one did; so the writer keeps SQLite's own automatic checkpoint at
// walPageLimit pages as a bound on the WAL's size (it has little left to copy
// then, and it is skipped while the background one holds the checkpoint
// lock, so the bound is a few walPageLimit, not one).
//
// Services keep their working state in memory and write through to the store
// before acknowledging a request; at start they load it back with Scan. All
// reads and writes go through one connection guarded by a mutex (SQLite has
// a single writer anyway, and the services read from memory, not from here);
// the checkpointer's connection only checkpoints. Writes whose loss in a
// crash is harmless can skip a transaction of their own with Later.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned by Tx.Get for a missing key.
var ErrNotFound = errors.New("store: not found")

// A Store is a set of tables of ordered keys to byte values.
// It is safe for concurrent use; transactions are serialised.
type Store struct {
	mu sync.Mutex // serialises transactions on db's single connection
	db *sql.DB
	st statements

	pendingMu sync.Mutex        // guards pending
	pending   []*call           // Updates waiting for the next group commit
	later     []func(*Tx) error // Later's writes, for the next commit

	ckpt *checkpointer // nil for an in-memory store
}

// statements are prepared once: preparing SQL on every call costs more than
// executing it (a third of an S3 PUT's server time before this).
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

// Open opens (creating if needed) the database state.db in dir.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	file := "file:" + filepath.Join(dir, "state.db")
	s, err := open(file + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(5000)" +
		"&_pragma=wal_autocheckpoint(" + strconv.Itoa(walPageLimit) + ")&_pragma=cache_size(-65536)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	if s.ckpt, err = startCheckpointer(file + "?_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)"); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
}

// OpenMemory opens a store that lives in memory only (edasctl local --in-memory).
func OpenMemory() (*Store, error) {
	return open("file::memory:?_txlock=immediate")
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

// Close closes the database.
func (s *Store) Close() error {
	s.flushLater()
	if s.ckpt != nil {
		s.ckpt.close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Close()
}

// Update runs fn in a read-write transaction and commits it if fn returns
// nil; if fn returns an error, nothing fn wrote is kept. When Update returns
// nil the changes are durable (see the package doc).
//
// Concurrent Updates are committed together (group commit): while one
// transaction commits, the calls that arrive wait and then share the next
// SQLite transaction, each inside a savepoint of its own, so a failing fn
// undoes only its own writes. One commit costs about as much as one write,
// so this multiplies the store's throughput under concurrent load; a lone
// call pays nothing extra. fn must not call Update or View itself.
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
// connection, takes every call queued by then, and commits them as one
// transaction.
func (s *Store) commitPending() {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	if s.ckpt != nil {
		s.ckpt.committed()
	}
	for _, c := range group {
		if err != nil && c.err == nil {
			c.err = err
			c.onCommit = nil
		}
		close(c.done)
	}
}

func (s *Store) commitGroup(later []func(*Tx) error, group []*call) error {
	tx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	for _, fn := range later {
		if err := fn(&Tx{tx: tx, st: &s.st}); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: deferred write: %w", err)
		}
	}
	if len(group) == 1 && len(later) == 0 {
		c := group[0]
		t := &Tx{tx: tx, st: &s.st}
		if c.err = c.fn(t); c.err != nil {
			tx.Rollback()
			return nil
		}
		c.onCommit = t.onCommit
	} else {
		for _, c := range group {
			if _, err := tx.Exec("SAVEPOINT call"); err != nil {
				tx.Rollback()
				return fmt.Errorf("store: savepoint: %w", err)
			}
			t := &Tx{tx: tx, st: &s.st}
			if c.err = c.fn(t); c.err != nil {
				if _, err := tx.Exec("ROLLBACK TO call"); err != nil {
					tx.Rollback()
					return fmt.Errorf("store: rollback to savepoint: %w", err)
				}
			} else {
				c.onCommit = t.onCommit
			}
			if _, err := tx.Exec("RELEASE call"); err != nil {
				tx.Rollback()
				return fmt.Errorf("store: release savepoint: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// View runs fn in a read-only transaction.
func (s *Store) View(fn func(*Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	return fn(&Tx{tx: tx, st: &s.st, readOnly: true})
}

// A Tx is one transaction. It is valid only inside the Update or View call
// that created it and must not be used from other goroutines.
type Tx struct {
	tx       *sql.Tx
	st       *statements
	readOnly bool
	onCommit []func()
}

// OnCommit registers f to run after the transaction commits (not at all if
// it rolls back), outside the store's lock. Hand-offs use it to wake the
// goroutine that will read what the transaction wrote.
func (t *Tx) OnCommit(f func()) { t.onCommit = append(t.onCommit, f) }

// Put sets table[key] = value.
func (t *Tx) Put(table, key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	_, err := t.tx.Stmt(t.st.put).Exec(table, key, value)
	if err != nil {
		return fmt.Errorf("store: put %s/%s: %w", table, key, err)
	}
	return nil
}

// Get returns table[key], or ErrNotFound.
func (t *Tx) Get(table, key string) ([]byte, error) {
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

// Delete removes table[key]; a missing key is not an error.
func (t *Tx) Delete(table, key string) error {
	if _, err := t.tx.Stmt(t.st.del).Exec(table, key); err != nil {
		return fmt.Errorf("store: delete %s/%s: %w", table, key, err)
	}
	return nil
}

// DeletePrefix removes every key of table that starts with prefix.
func (t *Tx) DeletePrefix(table, prefix string) error {
	lo, hi := prefixRange(prefix)
	if _, err := t.tx.Stmt(t.st.delRange).Exec(table, lo, hi); err != nil {
		return fmt.Errorf("store: delete %s/%s*: %w", table, prefix, err)
	}
	return nil
}

// Scan calls fn for every key of table that starts with prefix, in byte order
// of the keys, stopping at the first error fn returns.
func (t *Tx) Scan(table, prefix string, fn func(key string, value []byte) error) error {
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
