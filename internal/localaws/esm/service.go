package esm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// PathPrefix is the REST path of the event source mapping operations.
const PathPrefix = "/2015-03-31/event-source-mappings"

const table = "lambda.esm"

// maxBody bounds a request body; mapping requests are small.
const maxBody = 256 << 10

// Options tune the service.
type Options struct {
	// CreatingDelay keeps a new mapping in state Creating (not polling) this
	// long, to exercise clients' waits (AWS-RULES L9). Zero: Enabled at once.
	CreatingDelay time.Duration
	// DefaultPollers is the most concurrent pollers of a mapping without
	// ScalingConfig.MaximumConcurrency (default 5; see scaling.go).
	DefaultPollers int
	// ScaleUpInterval is how often scaling may add a poller while messages
	// are still available (default: 300 a minute, as Lambda; see scaling.go).
	ScaleUpInterval time.Duration
}

// A Service holds the mappings and runs their pollers.
type Service struct {
	env   service.Env
	opts  Options
	q     Queues
	fns   Functions
	perms Permissions

	ctx    context.Context // cancelled by Close; parent of every poller
	cancel context.CancelFunc
	wg     sync.WaitGroup // pollers

	mu       sync.Mutex // guards mappings, pollers, scalers and running
	mappings map[string]*mapping
	pollers  map[string]context.CancelFunc
	scalers  map[string]*scaler         // the current run's poller count, by mapping
	running  map[string]*sync.WaitGroup // a mapping's pollers, old and new
}

// New loads the stored mappings and starts the pollers of the enabled ones.
func New(env service.Env, opts Options, q Queues, fns Functions, perms Permissions) (*Service, error) {
	if opts.DefaultPollers <= 0 {
		opts.DefaultPollers = initialPollers
	}
	if opts.ScaleUpInterval <= 0 {
		opts.ScaleUpInterval = defaultScaleUpInterval
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{env: env, opts: opts, q: q, fns: fns, perms: perms, ctx: ctx, cancel: cancel,
		mappings: map[string]*mapping{}, pollers: map[string]context.CancelFunc{}, scalers: map[string]*scaler{}, running: map[string]*sync.WaitGroup{}}
	err := env.Store.View(func(tx *store.Tx) error {
		return tx.Scan(table, "", func(_ string, v []byte) error {
			var m mapping
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("load event source mapping: %w", err)
			}
			m.filters = compile(m.FilterPatterns)
			s.mappings[m.UUID] = &m
			return nil
		})
	})
	if err != nil {
		cancel()
		return nil, err
	}
	s.mu.Lock()
	for _, m := range s.mappings {
		s.startLocked(m)
	}
	s.mu.Unlock()
	return s, nil
}

// Close stops every poller and waits for in-flight invocations to end.
func (s *Service) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

// ServeHTTP serves the REST-JSON operations under PathPrefix.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := awsproto.NewRequestID()
	defer func() {
		if v := recover(); v != nil {
			s.env.Log.Error("esm: panic", "panic", v)
			awsproto.WriteRESTJSONError(w, awsproto.ErrInternal, reqID)
		}
	}()
	status, body, err := s.route(r)
	if err != nil {
		var e *awsproto.Error
		if !errors.As(err, &e) {
			s.env.Log.Error("esm: internal error", "err", err)
			e = awsproto.ErrInternal
		}
		awsproto.WriteRESTJSONError(w, e, reqID)
		return
	}
	data, err := json.Marshal(body)
	if err != nil {
		awsproto.WriteRESTJSONError(w, awsproto.ErrInternal, reqID)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", reqID)
	w.WriteHeader(status)
	w.Write(data)
}

func (s *Service) route(r *http.Request) (int, any, error) {
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, PathPrefix), "/")
	switch {
	case rest == "" && r.Method == http.MethodPost:
		return s.create(r)
	case rest == "" && r.Method == http.MethodGet:
		return s.list(r)
	case rest != "" && !strings.Contains(rest, "/"):
		switch r.Method {
		case http.MethodGet:
			return s.get(rest)
		case http.MethodPut:
			return s.update(r, rest)
		case http.MethodDelete:
			return s.delete(rest)
		}
	}
	return 0, nil, awsproto.Errorf(http.StatusNotFound, "UnknownOperationException", "Unknown operation %s %s.", r.Method, r.URL.Path)
}

// persist writes m through to the store.
func (s *Service) persist(m *mapping) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return s.env.Store.Update(func(tx *store.Tx) error { return tx.Put(table, m.UUID, data) })
}

// state is m's state now, computed from the clock (no ticking goroutines).
func (s *Service) state(m *mapping) string {
	switch {
	case m.Deleting:
		return StateDeleting
	case s.env.Clock.Now().Before(m.Created.Add(s.opts.CreatingDelay)):
		return StateCreating
	case m.Enabled:
		return StateEnabled
	default:
		return StateDisabled
	}
}
