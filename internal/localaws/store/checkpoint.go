package store

import (
	"database/sql"
	"sync"
)

// checkpointEvery is the number of commits after which the background
// checkpointer is woken. A commit of the local AWS writes a few pages, so
// the WAL stays around a thousand pages (SQLite's own default threshold,
// https://www.sqlite.org/pragma.html#pragma_wal_autocheckpoint).
const checkpointEvery = 300

// walPageLimit bounds the WAL: when a commit leaves it longer, that commit
// checkpoints itself (SQLite's wal_autocheckpoint). A variable for tests.
var walPageLimit = 10000

// A checkpointer runs PASSIVE checkpoints on a connection of its own, off
// the writer's path. A PASSIVE checkpoint copies what it can without waiting
// for the writer, so the writer never waits for it either; frames appended
// meanwhile are copied by the next run. Once every frame has been copied,
// SQLite's next write transaction restarts the WAL from its beginning;
// under writes that never pause, the writer's own checkpoint at
// walPageLimit is what bounds it (see the package doc).
type checkpointer struct {
	db   *sql.DB
	kick chan struct{} // buffered 1: a pending request to checkpoint
	done chan struct{} // closed when the goroutine has returned

	mu      sync.Mutex // guards commits and closed
	commits int        // since the last kick
	closed  bool
}

func startCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go c.run()
	return c, nil
}

// committed counts a commit and wakes the goroutine every checkpointEvery.
func (c *checkpointer) committed() {
	c.mu.Lock()
	c.commits++
	if c.commits >= checkpointEvery && !c.closed {
		c.commits = 0
		select {
		case c.kick <- struct{}{}:
		default: // one is pending already
		}
	}
	c.mu.Unlock()
}

func (c *checkpointer) run() {
	defer close(c.done)
	for range c.kick {
		// A failed checkpoint (the writer is mid-commit and busy_timeout
		// ran out) loses nothing: the frames stay in the WAL for the next.
		c.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
	}
}

// close stops the goroutine and closes its connection; the writer's
// connection, closed last, checkpoints what is left.
func (c *checkpointer) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	close(c.kick)
	<-c.done
	c.db.Close()
}
