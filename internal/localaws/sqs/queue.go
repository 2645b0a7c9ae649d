package sqs

import (
	"container/heap"
	"sync"
	"sync/atomic"
	"time"
)

// A queue is one SQS queue. Its identity (id, name, region, arn) never
// changes; everything else is guarded by mu.
type queue struct {
	id     uint64 // unique in the service, keys the queue's messages in the store
	name   string
	region string
	arn    string

	// redrive mirrors attrs.RedrivePolicy and gone mirrors deleted, for
	// reading without mu (a receive resolves the dead-letter queue first).
	redrive atomic.Pointer[redrivePolicy]
	gone    atomic.Bool
	pollers atomic.Int32 // long polls waiting for messages

	mu        sync.Mutex // guards the fields below; never held while waiting for the store
	deleted   bool
	created   time.Time
	modified  time.Time
	attrs     queueAttrs
	tags      map[string]string
	lastPurge time.Time
	purgedAt  uint64 // journal position of the last purge; sends committed before it are dropped

	msgs      map[uint64]*message // by seq
	ready     readyList
	pending   pendingHeap
	ages      ageHeap
	nDelayed  int
	nInflight int

	notify chan struct{} // closed and replaced when messages arrive or the queue goes away
}

func newQueue(id uint64, name, region, arn string) *queue {
	return &queue{id: id, name: name, region: region, arn: arn, tags: map[string]string{},
		msgs: map[uint64]*message{}, notify: make(chan struct{})}
}

// setAttrs sets q's attributes. q.mu must be held.
func (q *queue) setAttrs(a queueAttrs) {
	q.attrs = a
	q.redrive.Store(a.RedrivePolicy)
}

// wake wakes every long poll waiting on q. q.mu must be held.
func (q *queue) wake() {
	close(q.notify)
	q.notify = make(chan struct{})
}

// insert adds m to q in the state its visibleAt and receiveCount imply at
// now. q.mu must be held.
func (q *queue) insert(m *message, now time.Time) {
	q.msgs[m.seq] = m
	heap.Push(&q.ages, m)
	m.pendingIdx = -1
	switch {
	case !m.visibleAt.After(now):
		m.state = stateReady
		q.ready.pushBack(m)
	case m.receiveCount == 0:
		m.state = stateDelayed
		q.nDelayed++
		heap.Push(&q.pending, m)
	default:
		m.state = stateInflight
		q.nInflight++
		heap.Push(&q.pending, m)
	}
}

// remove takes m out of q. q.mu must be held.
func (q *queue) remove(m *message) {
	q.unlink(m)
	heap.Remove(&q.ages, m.ageIdx)
	delete(q.msgs, m.seq)
}

// unlink takes m out of the ready list or the pending heap.
func (q *queue) unlink(m *message) {
	switch m.state {
	case stateReady:
		q.ready.remove(m)
	case stateDelayed:
		q.nDelayed--
		heap.Remove(&q.pending, m.pendingIdx)
	case stateInflight:
		q.nInflight--
		heap.Remove(&q.pending, m.pendingIdx)
	}
}

// hide makes m in flight until visibleAt. q.mu must be held.
func (q *queue) hide(m *message, visibleAt time.Time) {
	q.unlink(m)
	m.visibleAt = visibleAt
	m.state = stateInflight
	q.nInflight++
	heap.Push(&q.pending, m)
}

// show makes m visible now (visibility timeout 0). q.mu must be held.
func (q *queue) show(m *message, now time.Time) {
	q.unlink(m)
	m.visibleAt = now
	m.state = stateReady
	q.ready.pushBack(m)
}

// advance brings q up to now: messages whose delay or visibility timeout has
// passed become visible, and messages older than the retention period are
// dropped (New drops them again from the journal, which compaction trims).
// q.mu must be held.
func (q *queue) advance(now time.Time) {
	retention := time.Duration(q.attrs.MessageRetentionPeriod) * time.Second
	for len(q.ages) > 0 && !q.ages[0].sentAt.Add(retention).After(now) {
		m := q.ages[0]
		q.remove(m) // its journal records go at the next compaction
	}
	for len(q.pending) > 0 && !q.pending[0].visibleAt.After(now) {
		m := heap.Pop(&q.pending).(*message)
		if m.state == stateDelayed {
			q.nDelayed--
		} else {
			q.nInflight--
		}
		m.state = stateReady
		q.ready.pushBack(m)
	}
}

// nextVisible is when the earliest delayed or in-flight message becomes
// visible; ok is false when there is none. q.mu must be held.
func (q *queue) nextVisible() (t time.Time, ok bool) {
	if len(q.pending) == 0 {
		return time.Time{}, false
	}
	return q.pending[0].visibleAt, true
}

// clear drops every message. q.mu must be held.
func (q *queue) clear() {
	q.msgs = map[uint64]*message{}
	q.ready = readyList{}
	q.pending = nil
	q.ages = nil
	q.nDelayed, q.nInflight = 0, 0
}
