package sqs

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/service"
)

// Options tune a Service.
type Options struct {
	// DeletedRecentlyWindow is how long after DeleteQueue a queue of the same
	// name cannot be created (QueueDeletedRecently; AWS waits 60 s, AWS-RULES
	// Q2). Zero, the default, turns the rule off so that a local `down && up`
	// is fast.
	DeletedRecentlyWindow time.Duration
}

// A Service is the local AWS's SQS. Build it with New, serve it as an
// http.Handler, and Close it to stop its message move tasks. It is safe for
// concurrent use.
type Service struct {
	env  service.Env
	opts Options

	// mu guards queues, byID and deleted (not the queues' contents). A
	// queue's mu may be held while taking mu, never the reverse.
	mu      sync.RWMutex
	queues  map[string]*queue
	byID    map[uint64]*queue
	deleted map[string]time.Time // name → when it was deleted, for QueueDeletedRecently

	nextQueueID atomic.Uint64
	nextSeq     atomic.Uint64

	// The journal (see persist.go). gen and logN change only inside store
	// transactions, which the store serialises, or under compactMu with
	// every queue locked.
	gen          uint64
	logN         uint64
	logSince     atomic.Int64 // entries in the current generation
	compactAt    atomic.Int64 // logSince at which to consider compacting
	compactMin   int64        // compactMinEntries; lower in tests
	compactRatio int          // compactRatio; lower in tests
	compactMu    sync.Mutex
	// gate is held shared by every change to messages from its memory
	// update to its commit (and the hand-over of moved messages), and
	// exclusively by compaction, whose snapshot of memory must then equal
	// the journal. Lock order: gate, a queue's mu, mu, the store.
	gate      sync.RWMutex
	committer committer
	entryPos  uint64 // last journal position handed out, under the store's lock

	tasks  *taskManager
	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // running move tasks
}

// New returns the SQS service with the queues and messages of env.Store.
func New(env service.Env, opts Options) (*Service, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{env: env, opts: opts, queues: map[string]*queue{}, byID: map[uint64]*queue{},
		deleted: map[string]time.Time{}, ctx: ctx, cancel: cancel}
	s.tasks = newTaskManager()
	s.compactMin, s.compactRatio = compactMinEntries, compactRatio
	s.compactAt.Store(compactMinEntries)
	if err := s.load(); err != nil {
		cancel()
		return nil, err
	}
	return s, nil
}

// Close stops the running message move tasks and waits for them, and ends
// every long poll at once (it returns no messages); it does not close
// env.Store. Calling it before http.Server.Shutdown keeps long polls from
// delaying the shutdown by up to 20 s; requests still work after Close, but
// a move task started then is cancelled at once.
func (s *Service) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

// maxRequestBody bounds a request: a batch of ten messages of the maximum
// size, with room for the protocol's encoding (base64 binary attributes,
// form escaping).
const maxRequestBody = 4 * maxMessageSizeLimit

// xmlns is the query protocol's namespace for SQS.
const xmlns = "http://queue.amazonaws.com/doc/2012-11-05/"

// ServeHTTP serves one SQS request in the protocol it arrives in: JSON 1.0
// when it carries X-Amz-Target, else the query protocol.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := awsproto.NewRequestID()
	jsonProto := r.Header.Get("X-Amz-Target") != ""
	defer func() {
		if v := recover(); v != nil {
			s.env.Log.Error("sqs: panic", "panic", v, "path", r.URL.Path)
			s.writeError(w, awsproto.ErrInternal, jsonProto, reqID)
		}
	}()
	var err error
	if jsonProto {
		err = s.serveJSON(w, r, reqID)
	} else {
		err = s.serveQuery(w, r, reqID)
	}
	s.maybeCompact()
	if err != nil {
		var e *awsproto.Error
		if !errors.As(err, &e) {
			s.env.Log.Error("sqs: internal error", "err", err)
			e = awsproto.ErrInternal
		}
		s.writeError(w, e, jsonProto, reqID)
	}
}

func (s *Service) writeError(w http.ResponseWriter, e *awsproto.Error, jsonProto bool, reqID string) {
	if jsonProto {
		awsproto.WriteJSONError(w, awsproto.ContentTypeJSON10, "com.amazonaws.sqs", e, true, reqID)
		return
	}
	awsproto.WriteQueryError(w, e, xmlns, reqID)
}

// A call is what an operation needs to know about its request.
type call struct {
	host   string // the Host the client used, for queue URLs
	region string // from the SigV4 scope, else the service's region
	path   string // the request path: query clients POST to the queue URL
}

func (s *Service) newCall(r *http.Request) *call {
	c := &call{host: r.Host, region: s.env.Region, path: r.URL.Path}
	if c.host == "" {
		c.host = "localhost"
	}
	if sc, ok := awsproto.ParseScope(r); ok && sc.Region != "" {
		c.region = sc.Region
	}
	return c
}

// queueByURL resolves a QueueUrl parameter; an empty one falls back to the
// request path (query clients POST to the queue URL).
func (s *Service) queueByURL(c *call, rawURL string) (*queue, error) {
	var name string
	var ok bool
	if rawURL != "" {
		name, ok = nameFromURL(rawURL, s.env.Account)
	} else if c != nil && c.path != "" && c.path != "/" {
		name, ok = nameFromPath(c.path, s.env.Account)
	} else {
		return nil, errMissingParameter("QueueUrl")
	}
	if !ok {
		return nil, errQueueDoesNotExist()
	}
	return s.queueByName(name)
}

func (s *Service) queueByName(name string) (*queue, error) {
	q := s.liveQueue(name)
	if q == nil {
		return nil, errQueueDoesNotExist()
	}
	return q, nil
}

// queueByARN resolves a queue ARN of this account.
func (s *Service) queueByARN(arn string) (*queue, error) {
	region, account, name, ok := parseQueueARN(arn)
	if !ok || account != s.env.Account {
		return nil, errQueueDoesNotExist()
	}
	q, err := s.queueByName(name)
	if err != nil {
		return nil, err
	}
	if q.region != region {
		return nil, errQueueDoesNotExist()
	}
	return q, nil
}

// lookupDLQ is the dlqLookup of attribute validation.
func (s *Service) lookupDLQ(arn string) (string, bool) {
	q, err := s.queueByARN(arn)
	if err != nil {
		return "", false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.deleted {
		return "", false
	}
	return q.attrs.RedriveAllowPolicy, true
}

// queueNames returns the names of every queue, sorted.
func (s *Service) queueNames() []string {
	s.mu.RLock()
	names := make([]string, 0, len(s.queues))
	for n := range s.queues {
		names = append(names, n)
	}
	s.mu.RUnlock()
	sort.Strings(names)
	return names
}

func sortedBySeq(msgs map[uint64]*message) []*message {
	out := make([]*message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}
