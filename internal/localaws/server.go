// Package localaws is edasctl's local AWS: one HTTP endpoint that serves S3,
// SNS, SQS, Lambda, IAM, STS and CloudWatch Logs with AWS's wire protocols,
// so that any AWS SDK or the AWS CLI can use it.
//
// A Server holds all of its state in itself (no package-level state), so
// tests can run several side by side. Requests are routed to a service by
// the X-Amz-Target header (JSON protocols), else by the service of the SigV4
// credential scope; unsigned requests go to S3. Every response carries the
// X-Edas-Local header, and GET /_edas/health reports the version, which is
// how edasctl recognises the local AWS behind any endpoint URL.
package localaws

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"sync/atomic"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// HeaderLocal is set on every response of the local AWS; its value is the
// server's version.
const HeaderLocal = "X-Edas-Local"

// HealthPath answers GET with a Health document.
const HealthPath = "/_edas/health"

// Health is the document served at HealthPath.
type Health struct {
	Service  string   `json:"service"` // always "edasctl-local"
	Version  string   `json:"version"`
	Account  string   `json:"account"`
	Region   string   `json:"region"`
	Durable  bool     `json:"durable"` // false with in-memory state
	Services []string `json:"services"`
}

// A Server is one local AWS. Build it with New; serve Handler(); Close it to
// release the database.
type Server struct {
	opts     options
	store    *store.Store
	services map[string]http.Handler // by SigV4 service name
	targets  map[string]string       // X-Amz-Target prefix → service name

	pipeline *pipeline
	closers  []func() error // run in reverse order by Close

	endpoint atomic.Pointer[string] // WithEndpoint's URL, else learnt from the first request
}

// setEndpoint records the URL clients reach the server at, which Lambda
// functions get as AWS_ENDPOINT_URL.
func (s *Server) setEndpoint(url string) { s.endpoint.Store(&url) }

// Endpoint is the URL clients reach the server at: WithEndpoint's, else the
// Host of the first request ("" before it).
func (s *Server) Endpoint() string {
	if p := s.endpoint.Load(); p != nil {
		return *p
	}
	return ""
}

// New opens the state (see WithDataDir) and builds every service.
func New(opts ...Option) (*Server, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	var st *store.Store
	var err error
	if o.dataDir != "" {
		st, err = store.Open(filepath.Join(o.dataDir, "db"))
	} else {
		st, err = store.OpenMemory()
	}
	if err != nil {
		return nil, fmt.Errorf("start local AWS: %w", err)
	}
	env := service.Env{Store: st, DataDir: o.dataDir, Clock: o.clock, Log: o.log, Account: o.account, Region: o.region}
	s := &Server{
		opts:     o,
		store:    st,
		services: map[string]http.Handler{},
		targets:  map[string]string{},
	}
	if o.endpoint != "" {
		s.setEndpoint(o.endpoint)
	}
	if err := s.addServices(env); err != nil {
		s.Close()
		return nil, fmt.Errorf("start local AWS: %w", err)
	}
	return s, nil
}

// Close stops the pollers and dispatchers and releases the server's state.
// In-flight requests must have finished (http.Server.Shutdown first).
// Undelivered hand-offs stay in the durable outboxes for the next start.
func (s *Server) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		if err := s.closers[i](); err != nil {
			errs = append(errs, err)
		}
	}
	s.closers = nil
	if err := s.store.Close(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Handler returns the HTTP handler that serves every service.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(HeaderLocal, s.opts.version)
		if s.endpoint.Load() == nil && r.Host != "" {
			s.setEndpoint("http://" + r.Host)
		}
		if r.URL.Path == HealthPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			s.serveHealth(w)
			return
		}
		name, err := s.route(r)
		if err != nil {
			awsproto.WriteQueryError(w, err, "", awsproto.NewRequestID())
			return
		}
		s.services[name].ServeHTTP(w, r)
	})
}

// route picks the service for r: X-Amz-Target first (SQS JSON and Logs carry
// it), then the SigV4 scope's service; unsigned requests go to S3.
func (s *Server) route(r *http.Request) (string, *awsproto.Error) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		prefix, _, ok := awsproto.Target(t)
		if !ok {
			return "", awsproto.Errorf(http.StatusBadRequest, "UnknownOperationException", "Malformed X-Amz-Target header %q.", t)
		}
		if name, ok := s.targets[prefix]; ok {
			return name, nil
		}
		return "", awsproto.Errorf(http.StatusBadRequest, "UnknownOperationException", "This local AWS does not serve %q.", prefix)
	}
	name := "s3"
	if scope, ok := awsproto.ParseScope(r); ok {
		name = scope.Service
	}
	if _, ok := s.services[name]; !ok {
		return "", awsproto.Errorf(http.StatusBadRequest, "UnsupportedService", "This local AWS does not serve the %q service; it serves %v.", name, s.serviceNames())
	}
	return name, nil
}

func (s *Server) serviceNames() []string {
	names := make([]string, 0, len(s.services))
	for n := range s.services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *Server) serveHealth(w http.ResponseWriter) {
	body, _ := json.Marshal(Health{
		Service: "edasctl-local", Version: s.opts.version, Account: s.opts.account, Region: s.opts.region,
		Durable: s.opts.dataDir != "", Services: s.serviceNames(),
	})
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}
