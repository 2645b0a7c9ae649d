package s3

import (
	"runtime"
	"slices"
	"sync"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// A committer writes the store transactions of concurrent requests together
// (group commit): the first request to arrive runs the transaction for
// every request queued meanwhile, so the cost of beginning and committing
// a transaction is shared. Each request still waits for its own writes to
// be durable, and its writes commit all together or not at all: when a
// batch fails, each of its requests is retried in a transaction of its own,
// so one request's failure never fails another. No goroutine runs between
// requests.
type committer struct {
	st *store.Store

	mu      sync.Mutex // guards queue and leading
	queue   []*commitReq
	leading bool
}

type commitReq struct {
	fn   func(*store.Tx) error
	done chan error
}

func newCommitter(st *store.Store) *committer {
	return &committer{st: st}
}

func (c *committer) lock()   { c.mu.Lock() }
func (c *committer) unlock() { c.mu.Unlock() }

// do runs fn in a store transaction, possibly shared with other requests,
// and returns once that transaction committed (nil) or failed. fn may run
// more than once (a failed batch is retried request by request), so it must
// have no effect outside tx.
func (c *committer) do(fn func(*store.Tx) error) error {
	req := &commitReq{fn: fn, done: make(chan error, 1)}
	c.lock()
	c.queue = append(c.queue, req)
	if c.leading {
		c.unlock()
		return <-req.done
	}
	c.leading = true
	c.unlock()
	// Let requests that are runnable reach the queue first: under load this
	// grows the batch at the cost of one scheduler round; idle, it is free.
	runtime.Gosched()
	c.lock()
	for len(c.queue) > 0 {
		batch := c.queue
		c.queue = nil
		c.unlock()
		c.run(batch)
		c.lock()
	}
	c.leading = false
	c.unlock()
	return <-req.done
}

// run commits a batch, falling back to one transaction per request when the
// batch as a whole fails.
func (c *committer) run(batch []*commitReq) {
	err := c.st.Update(func(tx *store.Tx) error {
		for _, r := range batch {
			if err := r.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(batch) == 1 {
		for _, r := range batch {
			r.done <- err
		}
		return
	}
	for _, r := range batch {
		r.done <- c.st.Update(r.fn)
	}
}

// keyStripes is the number of key locks per bucket.
const keyStripes = 64

// lockKeys locks the key locks of keys (striped by hash, taken in stripe
// order so that no two requests deadlock) and returns the unlock function.
// Every change to a key's versions or to an upload of a key happens under
// its key lock, from planning until the change is applied to the index.
func (b *bucket) lockKeys(keys ...string) func() {
	stripes := make([]int, 0, len(keys))
	for _, k := range keys {
		stripes = append(stripes, keyStripe(k))
	}
	slices.Sort(stripes)
	stripes = slices.Compact(stripes)
	for _, i := range stripes {
		b.keyLocks[i].Lock()
	}
	return func() {
		for _, i := range stripes {
			b.keyLocks[i].Unlock()
		}
	}
}

// lockKey locks the key lock of one key, as lockKeys(key) does, and returns
// it for the caller to unlock; it allocates nothing.
func (b *bucket) lockKey(key string) *sync.Mutex {
	m := &b.keyLocks[keyStripe(key)]
	m.Lock()
	return m
}

// keyStripe is the index of key's lock: its 32-bit FNV-1a hash modulo
// keyStripes.
func keyStripe(key string) int {
	const offset32, prime32 = 2166136261, 16777619
	h := uint32(offset32)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= prime32
	}
	return int(h % keyStripes)
}

// mutate runs one change to b's objects or uploads in three steps: plan,
// under b's lock, checks the request against the current state and fills
// in c (it may fail); the change and whatever write adds are then written
// in one store transaction, shared with concurrent requests, without
// holding b's lock; finally, under b's lock again, the change is applied to
// the index and after (if any) updates the rest of b's state. Readers thus
// never see a change before it is durable. The caller holds the key locks
// of every key involved, so no other change to those keys interleaves, and
// b cannot be deleted in between (DeleteBucket refuses while changes are in
// flight). The blobs of removed versions are released afterwards.
func (s *Service) mutate(b *bucket, plan func(c *change) error, write func(tx *store.Tx) error, after func()) error {
	var c change
	b.mu.Lock()
	if b.deleted {
		b.mu.Unlock()
		return errNoSuchBucket(b.name)
	}
	if err := plan(&c); err != nil {
		b.mu.Unlock()
		return err
	}
	b.inflight++
	b.mu.Unlock()
	err := s.commits.do(func(tx *store.Tx) error {
		if err := c.write(tx, b.name); err != nil {
			return err
		}
		if write != nil {
			return write(tx)
		}
		return nil
	})
	b.mu.Lock()
	b.inflight--
	if err == nil {
		c.apply(b)
		if after != nil {
			after()
		}
	}
	b.mu.Unlock()
	if err != nil {
		return err
	}
	s.release(c.removed)
	return nil
}
