package sqs

import (
	"time"
)

// A MessageAttribute is a user message attribute: a DataType ("String",
// "Number", "Binary", optionally with a ".custom" suffix) and the value in
// StringValue (String and Number types) or BinaryValue (Binary types).
type MessageAttribute struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue,omitempty"`
	BinaryValue []byte `json:"BinaryValue,omitempty"`
}

// A message is one message of a queue. The fields above the line never
// change after the send; the others change with each receive and are
// guarded by the queue's lock.
type message struct {
	seq       uint64 // unique in the service; orders messages of a queue
	id        string
	body      string
	md5Body   string
	attrs     map[string]MessageAttribute
	sentAt    time.Time
	senderID  string
	dlqSource string // DeadLetterQueueSourceArn when moved to a dead-letter queue

	receiveCount int
	firstReceive time.Time // zero until the first receive
	visibleAt    time.Time // when the message becomes (or became) visible
	nonce        uint64    // identifies the latest receive; part of its receipt handle
	state        msgState

	pendingIdx int      // index in the queue's pending heap, -1 when not in it
	ageIdx     int      // index in the queue's age heap
	prev, next *message // links in the ready list
}

type msgState uint8

const (
	stateReady    msgState = iota // visible, in the ready list
	stateDelayed                  // never received, not visible yet (DelaySeconds)
	stateInflight                 // received, invisible until visibleAt
)

// readyList is an intrusive doubly linked list of visible messages in the
// order they became visible.
type readyList struct {
	head, tail *message
	n          int
}

func (l *readyList) pushBack(m *message) {
	m.prev, m.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = m
	} else {
		l.head = m
	}
	l.tail = m
	l.n++
}

func (l *readyList) remove(m *message) {
	if m.prev != nil {
		m.prev.next = m.next
	} else {
		l.head = m.next
	}
	if m.next != nil {
		m.next.prev = m.prev
	} else {
		l.tail = m.prev
	}
	m.prev, m.next = nil, nil
	l.n--
}

// pendingHeap orders delayed and in-flight messages by visibleAt, then seq.
type pendingHeap []*message

func (h pendingHeap) Len() int { return len(h) }
func (h pendingHeap) Less(i, j int) bool {
	if !h[i].visibleAt.Equal(h[j].visibleAt) {
		return h[i].visibleAt.Before(h[j].visibleAt)
	}
	return h[i].seq < h[j].seq
}
func (h pendingHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].pendingIdx = i
	h[j].pendingIdx = j
}
func (h *pendingHeap) Push(x any) {
	m := x.(*message)
	m.pendingIdx = len(*h)
	*h = append(*h, m)
}
func (h *pendingHeap) Pop() any {
	old := *h
	m := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	m.pendingIdx = -1
	return m
}

// ageHeap orders all messages of a queue by sentAt, then seq, for retention
// expiry (a message moved to a dead-letter queue keeps its original send
// time, so send order is not seq order there).
type ageHeap []*message

func (h ageHeap) Len() int { return len(h) }
func (h ageHeap) Less(i, j int) bool {
	if !h[i].sentAt.Equal(h[j].sentAt) {
		return h[i].sentAt.Before(h[j].sentAt)
	}
	return h[i].seq < h[j].seq
}
func (h ageHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].ageIdx = i
	h[j].ageIdx = j
}
func (h *ageHeap) Push(x any) {
	m := x.(*message)
	m.ageIdx = len(*h)
	*h = append(*h, m)
}
func (h *ageHeap) Pop() any {
	old := *h
	m := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	m.ageIdx = -1
	return m
}
