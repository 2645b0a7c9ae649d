package s3

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Options are the in-process hooks of the S3 service for the pipeline
// wiring. The zero value is valid.
type Options struct {
	// OnObjectEvent, when set, is called for every object that PutObject,
	// CopyObject or CompleteMultipartUpload creates, and for every key or
	// version that DeleteObject or DeleteObjects removes or hides behind a
	// delete marker, inside the store transaction that records the change:
	// whatever it writes to tx (an outbox row) commits atomically with it,
	// and the change is visible and acknowledged only after that commit. A non-nil error
	// aborts the request with a 500 and the object is not created. The
	// transaction may be shared with other requests and retried alone if
	// it fails, so the hook may run more than once for one object and must
	// have no effect outside tx. It runs under the key's lock (not the
	// bucket's): it may read NotificationConfiguration, nothing else.
	OnObjectEvent func(tx *store.Tx, ev ObjectEvent) error

	// OnObjectVisible, when set, is called once per event after its change
	// became readable (the object there, or gone) — after the commit that
	// made it durable — with the event OnObjectEvent saw. A hand-off written by OnObjectEvent
	// must not be delivered before this call, or a consumer could read the
	// notification before the object (S3 has read-after-write consistency).
	// It runs under the bucket's lock and must not call back into the
	// Service.
	OnObjectVisible func(ev ObjectEvent)

	// ValidateNotification, when set, vets a notification configuration
	// before PutBucketNotificationConfiguration stores it (S3 checks that
	// each destination exists and permits the bucket to publish, and sends
	// s3:TestEvent: AWS-RULES S5). An *awsproto.Error it returns reaches the
	// client as is (S3 answers InvalidArgument "Unable to validate the
	// following destination configurations"); any other error becomes that
	// InvalidArgument. It runs under the bucket's lock and must not call
	// back into the Service.
	ValidateNotification func(bucket, region string, cfg *NotificationConfiguration) error

	// OnNotificationConfigured, when set, is called after a non-empty
	// notification configuration was stored (and answered): S3 then sends
	// each destination an s3:TestEvent (AWS-RULES S7). It runs outside the
	// bucket's lock.
	OnNotificationConfigured func(bucket string, cfg NotificationConfiguration)
}

// A Service is the S3 endpoint; it implements http.Handler. Build it with
// New. It is safe for concurrent use.
type Service struct {
	env     service.Env
	opts    Options
	blobs   blobStore
	commits *committer
	seq     atomic.Uint64 // last version sequence number handed out

	mu      sync.RWMutex // guards buckets (the map, not the buckets)
	buckets map[string]*bucket

	pinMu  sync.Mutex // guards pins and doomed
	pins   map[*objectVersion]int
	doomed map[*objectVersion]bool
}

// New loads the S3 state from env.Store and, with a data directory, removes
// body files that no metadata references (leftovers of a crash).
func New(env service.Env, opts Options) (*Service, error) {
	s := &Service{env: env, opts: opts, commits: newCommitter(env.Store), pins: map[*objectVersion]int{}, doomed: map[*objectVersion]bool{}}
	if env.DataDir != "" {
		d, err := newDiskBlobs(filepath.Join(env.DataDir, "s3", "blobs"))
		if err != nil {
			return nil, fmt.Errorf("start s3: %w", err)
		}
		s.blobs = d
	} else {
		s.blobs = newMemBlobs()
	}
	buckets, maxSeq, err := load(env.Store)
	if err != nil {
		return nil, fmt.Errorf("start s3: %w", err)
	}
	s.buckets = buckets
	s.seq.Store(maxSeq)
	if err := s.blobs.sweep(referenced(buckets)); err != nil {
		return nil, fmt.Errorf("start s3: %w", err)
	}
	return s, nil
}

// A request is one S3 request being served.
type request struct {
	w      http.ResponseWriter
	r      *http.Request
	id     string
	bucket string
	key    string
	q      url.Values // nil when the URL has no query
	region string     // the service's default; see signingRegion
}

// signingRegion is the region of the request's SigV4 scope, else the
// service's default. It parses the Authorization header, so only the
// operations that need the region call it.
func (rq *request) signingRegion() string {
	if scope, ok := awsproto.ParseScope(rq.r); ok && scope.Region != "" {
		return scope.Region
	}
	return rq.region
}

// has reports whether the query string names a sub-resource (?uploads).
func (rq *request) has(name string) bool {
	_, ok := rq.q[name]
	return ok
}

// ServeHTTP serves one S3 request. Errors are written in S3's XML error
// shape; an unexpected failure (or a panic) is logged and answered 500
// InternalError without details.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rq := &request{w: w, r: r, id: awsproto.NewRequestID(), region: s.env.Region}
	if r.URL.RawQuery != "" {
		rq.q = r.URL.Query()
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.env.Log.Error("s3: panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
			awsproto.WriteS3Error(w, r, s3Internal, rq.id)
		}
	}()
	ids := []string{rq.id, rq.id} // canonical names, one allocation: what Header.Set would store
	h := w.Header()
	h["X-Amz-Request-Id"], h["X-Amz-Id-2"] = ids[0:1:1], ids[1:2:2]
	rq.bucket, rq.key = splitPath(r)
	if err := s.route(rq); err != nil {
		var e *awsproto.Error
		if !errors.As(err, &e) {
			s.env.Log.Error("s3: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
			e = s3Internal
		}
		awsproto.WriteS3Error(w, r, e, rq.id)
	}
}

// s3Internal is what any unexpected failure becomes on the wire.
var s3Internal = &awsproto.Error{Code: "InternalError", Status: http.StatusInternalServerError, Receiver: true,
	Message: "We encountered an internal error. Please try again."}

// splitPath returns the bucket and key a request addresses: virtual-host
// style for a host name bucket.localhost (or bucket.s3.localhost), else path
// style /bucket/key.
func splitPath(r *http.Request) (bucket, key string) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if name, ok := strings.CutSuffix(strings.ToLower(host), ".localhost"); ok {
		name = strings.TrimSuffix(name, ".s3")
		if name != "" && name != "s3" {
			return name, path
		}
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// bucket returns the named bucket or NoSuchBucket. The caller locks it and
// checks deleted.
func (s *Service) bucket(name string) (*bucket, error) {
	s.mu.RLock()
	b := s.buckets[name]
	s.mu.RUnlock()
	if b == nil {
		return nil, errNoSuchBucket(name)
	}
	return b, nil
}

// sortedBuckets returns the buckets in name order.
func (s *Service) sortedBuckets() []*bucket {
	s.mu.RLock()
	out := make([]*bucket, 0, len(s.buckets))
	for _, b := range s.buckets {
		out = append(out, b)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// pin keeps v's blobs from being removed while a reader streams them. The
// caller holds the bucket's lock (read or write).
func (s *Service) pin(v *objectVersion) {
	s.pinMu.Lock()
	s.pins[v]++
	s.pinMu.Unlock()
}

// unpin releases a pin; the last reader of a replaced version removes its
// blobs.
func (s *Service) unpin(v *objectVersion) {
	s.pinMu.Lock()
	s.pins[v]--
	release := s.pins[v] == 0 && s.doomed[v]
	if s.pins[v] == 0 {
		delete(s.pins, v)
		delete(s.doomed, v)
	}
	s.pinMu.Unlock()
	if release {
		s.removeBlobs(v)
	}
}

// release removes the blobs of versions that a committed change removed,
// or leaves that to their last reader.
func (s *Service) release(vs []*objectVersion) {
	for _, v := range vs {
		s.pinMu.Lock()
		pinned := s.pins[v] > 0
		if pinned {
			s.doomed[v] = true
		}
		s.pinMu.Unlock()
		if !pinned {
			s.removeBlobs(v)
		}
	}
}

func (s *Service) removeBlobs(v *objectVersion) {
	for _, seg := range v.Segments {
		s.blobs.remove(seg)
	}
}
