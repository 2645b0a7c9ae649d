package sqs

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Store layout. Queues are one record each. Messages live in a journal: every
// request that changes messages makes exactly one entry (a batch of ten
// sends, a receive of ten, a delete batch: one entry each), and the entries
// of concurrent requests are written as one record in one transaction (see
// commit.go), because the store's cost is per transaction and per record
// written far more than per byte. New replays the journal; when it has grown
// well past the live messages, compact rewrites it as a snapshot in a new
// generation and drops the old one, in one transaction.
const (
	tableQueue = "sqs.queue" // name → queueRecord
	tableLog   = "sqs.log"   // logKey(gen, n) → logEntry
	tableMeta  = "sqs.meta"  // metaGen → current journal generation; metaQueueID → last queue id
)

const (
	metaGen     = "gen"
	metaQueueID = "queueID"
)

type queueRecord struct {
	ID        uint64            `json:"id"`
	Name      string            `json:"name"`
	Region    string            `json:"region"`
	Created   int64             `json:"created"`  // unix ms
	Modified  int64             `json:"modified"` // unix ms
	Attrs     queueAttrs        `json:"attrs"`
	Tags      map[string]string `json:"tags,omitempty"`
	LastPurge int64             `json:"lastPurge,omitempty"` // unix ms, 0 = never
}

// A logEntry is one request's changes to messages. Replay applies purges,
// then sends, then states, then deletes.
type logEntry struct {
	Purges []uint64   `json:"p,omitempty"` // queues emptied (PurgeQueue, DeleteQueue)
	Sends  []logMsg   `json:"s,omitempty"` // new messages, including moved ones
	States []logState `json:"u,omitempty"` // receives and visibility changes
	Dels   []logDel   `json:"d,omitempty"` // deleted or moved-away messages
}

type logMsg struct {
	Q         uint64                      `json:"q"`
	Seq       uint64                      `json:"n"`
	ID        string                      `json:"id"`
	Body      string                      `json:"b"`
	Attrs     map[string]MessageAttribute `json:"a,omitempty"`
	SentAt    int64                       `json:"t"`
	SenderID  string                      `json:"f,omitempty"`
	DLQSource string                      `json:"dlq,omitempty"`
	Visible   int64                       `json:"v"`
	Count     int                         `json:"c,omitempty"`
	First     int64                       `json:"r,omitempty"`
	Nonce     uint64                      `json:"h,omitempty"`
}

type logState struct {
	Q       uint64 `json:"q"`
	Seq     uint64 `json:"n"`
	Count   int    `json:"c"`
	First   int64  `json:"r"`
	Visible int64  `json:"v"`
	Nonce   uint64 `json:"h"`
}

type logDel struct {
	Q   uint64 `json:"q"`
	Seq uint64 `json:"n"`
}

func (e *logEntry) empty() bool {
	return len(e.Purges) == 0 && len(e.Sends) == 0 && len(e.States) == 0 && len(e.Dels) == 0
}

func (e *logEntry) send(q uint64, m *message) {
	e.Sends = append(e.Sends, logMsg{Q: q, Seq: m.seq, ID: m.id, Body: m.body, Attrs: m.attrs, SentAt: ms(m.sentAt),
		SenderID: m.senderID, DLQSource: m.dlqSource, Visible: ms(m.visibleAt), Count: m.receiveCount,
		First: ms(m.firstReceive), Nonce: m.nonce})
}

func (e *logEntry) state(q, seq uint64, count int, first, visible time.Time, nonce uint64) {
	e.States = append(e.States, logState{Q: q, Seq: seq, Count: count, First: ms(first), Visible: ms(visible), Nonce: nonce})
}

func (e *logEntry) del(q, seq uint64) { e.Dels = append(e.Dels, logDel{Q: q, Seq: seq}) }

func logKey(gen, n uint64) string { return fmt.Sprintf("%08x/%016x", gen, n) }

func genPrefix(gen uint64) string { return fmt.Sprintf("%08x/", gen) }

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v)
}

func (q *queue) record() queueRecord {
	return queueRecord{ID: q.id, Name: q.name, Region: q.region, Created: ms(q.created), Modified: ms(q.modified),
		Attrs: q.attrs, Tags: q.tags, LastPurge: ms(q.lastPurge)}
}

func putQueue(tx *store.Tx, r queueRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Put(tableQueue, r.Name, b)
}

// load reads every queue and replays the journal.
func (s *Service) load() error {
	now := s.env.Clock.Now()
	byID := map[uint64]*loadedQueue{}
	var maxSeq uint64
	err := s.env.Store.View(func(tx *store.Tx) error {
		if v, err := tx.Get(tableMeta, metaGen); err == nil {
			s.gen, _ = strconv.ParseUint(string(v), 10, 64)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if v, err := tx.Get(tableMeta, metaQueueID); err == nil {
			id, _ := strconv.ParseUint(string(v), 10, 64)
			s.nextQueueID.Store(id)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.Scan(tableQueue, "", func(_ string, v []byte) error {
			var r queueRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode queue: %w", err)
			}
			q := newQueue(r.ID, r.Name, r.Region, s.env.ARN("sqs", r.Region, r.Name))
			q.created, q.modified, q.lastPurge = fromMS(r.Created), fromMS(r.Modified), fromMS(r.LastPurge)
			q.setAttrs(r.Attrs)
			if r.Tags != nil {
				q.tags = r.Tags
			}
			s.queues[q.name] = q
			s.byID[q.id] = q
			byID[q.id] = &loadedQueue{q: q, msgs: map[uint64]*message{}}
			return nil
		}); err != nil {
			return err
		}
		return tx.Scan(tableLog, genPrefix(s.gen), func(k string, v []byte) error {
			group, err := decodeRecord(v)
			if err != nil {
				return fmt.Errorf("decode journal record %s: %w", k, err)
			}
			s.logN, _ = strconv.ParseUint(k[len(k)-16:], 16, 64)
			s.logSince.Add(1)
			for _, e := range group {
				maxSeq = max(maxSeq, replay(e, byID))
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("load queues: %w", err)
	}
	maxQueue := s.nextQueueID.Load()
	for _, l := range byID {
		for _, m := range sortedBySeq(l.msgs) {
			l.q.insert(m, now)
		}
		l.q.advance(now)
		maxQueue = max(maxQueue, l.q.id)
	}
	s.nextQueueID.Store(maxQueue)
	s.nextSeq.Store(maxSeq)
	return nil
}

// A loadedQueue is a queue and its messages while the journal replays.
type loadedQueue struct {
	q    *queue
	msgs map[uint64]*message
}

// replay applies one journal entry and returns the highest seq it sends.
func replay(e logEntry, byID map[uint64]*loadedQueue) (maxSeq uint64) {
	for _, qid := range e.Purges {
		if l := byID[qid]; l != nil {
			l.msgs = map[uint64]*message{}
		}
	}
	for _, r := range e.Sends {
		maxSeq = max(maxSeq, r.Seq)
		if l := byID[r.Q]; l != nil {
			l.msgs[r.Seq] = &message{seq: r.Seq, id: r.ID, body: r.Body, md5Body: md5Hex(r.Body), attrs: r.Attrs,
				sentAt: fromMS(r.SentAt), senderID: r.SenderID, dlqSource: r.DLQSource, visibleAt: fromMS(r.Visible),
				receiveCount: r.Count, firstReceive: fromMS(r.First), nonce: r.Nonce}
		}
	}
	for _, r := range e.States {
		if l := byID[r.Q]; l != nil && l.msgs[r.Seq] != nil {
			m := l.msgs[r.Seq]
			m.receiveCount, m.firstReceive, m.visibleAt, m.nonce = r.Count, fromMS(r.First), fromMS(r.Visible), r.Nonce
		}
	}
	for _, r := range e.Dels {
		if l := byID[r.Q]; l != nil {
			delete(l.msgs, r.Seq)
		}
	}
	return maxSeq
}

// Compaction thresholds: compact when the journal holds more than
// compactMinEntries entries and more than compactRatio entries per live
// message.
const (
	compactMinEntries = 20000
	compactRatio      = 4
	snapshotChunk     = 256 // messages per snapshot entry
)

// maybeCompact compacts the journal when it has grown past the thresholds.
// It must be called with no queue lock held; it is cheap when there is
// nothing to do.
func (s *Service) maybeCompact() {
	if s.logSince.Load() < s.compactAt.Load() || !s.compactMu.TryLock() {
		return
	}
	defer s.compactMu.Unlock()
	s.gate.Lock() // no change is between its memory update and its commit
	defer s.gate.Unlock()
	queues := s.allQueues()
	for _, q := range queues {
		q.mu.Lock()
	}
	defer func() {
		for _, q := range queues {
			q.mu.Unlock()
		}
	}()
	live := 0
	for _, q := range queues {
		live += len(q.msgs)
	}
	if n := s.logSince.Load(); n >= s.compactMin && n >= int64(s.compactRatio*live) {
		if err := s.compactLocked(queues); err != nil {
			s.env.Log.Error("sqs: compact journal", "err", err)
		}
	}
	s.compactAt.Store(s.logSince.Load() + s.compactMin)
}

// compactLocked writes every live message of queues as a snapshot in a new
// journal generation and deletes the old generation, in one transaction.
// Every queue's lock is held.
func (s *Service) compactLocked(queues []*queue) error {
	old, gen := s.gen, s.gen+1
	var n uint64
	err := s.env.Store.Update(func(tx *store.Tx) error {
		e := &logEntry{}
		flush := func() error {
			if e.empty() {
				return nil
			}
			b := encodeRecord([]*logEntry{e})
			n++
			e = &logEntry{}
			return tx.Put(tableLog, logKey(gen, n), b)
		}
		for _, q := range queues {
			for _, m := range sortedBySeq(q.msgs) {
				e.send(q.id, m)
				if len(e.Sends) == snapshotChunk {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		if err := tx.Put(tableMeta, metaGen, []byte(strconv.FormatUint(gen, 10))); err != nil {
			return err
		}
		return tx.DeletePrefix(tableLog, genPrefix(old))
	})
	if err != nil {
		return err
	}
	s.gen, s.logN = gen, n
	s.logSince.Store(int64(n))
	return nil
}

// allQueues returns every queue, ordered by id (the order compaction locks
// them in).
func (s *Service) allQueues() []*queue {
	s.mu.RLock()
	out := make([]*queue, 0, len(s.byID))
	for _, q := range s.byID {
		out = append(out, q)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}
