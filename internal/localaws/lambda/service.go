package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/service"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Store tables.
const (
	tableFunction = "lambda.function" // function name → JSON function
	tableAsync    = "lambda.async"    // request ID → JSON asyncInvocation
)

// A Service is the Lambda endpoint and the functions it runs. Build it with
// New and Close it to kill every instance. It is safe for concurrent use.
type Service struct {
	env     service.Env
	opts    Options
	code    codeStore
	tempDir string // removed by Close when the state is in memory
	mux     *http.ServeMux
	ctx     context.Context // cancelled by Close; bounds asynchronous invocations
	cancel  context.CancelFunc
	async   sync.WaitGroup

	mu      sync.Mutex // guards fns and pools; held for map updates and store writes only
	fns     map[string]*function
	pools   map[string]*pool
	retired map[*pool]struct{} // pools replaced by newer code or settings, until Close kills what they still run
	closed  bool
}

// New loads the functions from env.Store, removes deployment packages no
// function uses any more, and resumes the asynchronous invocations that
// were accepted but not finished. Code lives under env.DataDir/lambda, or
// in a temporary directory when env.DataDir is "".
func New(env service.Env, opts Options) (*Service, error) {
	s := &Service{env: env, opts: opts.withDefaults(), fns: map[string]*function{}, pools: map[string]*pool{}}
	if env.DataDir != "" {
		s.code = codeStore{dir: filepath.Join(env.DataDir, "lambda")}
	} else {
		dir, err := os.MkdirTemp("", "edas-lambda-")
		if err != nil {
			return nil, fmt.Errorf("start lambda: %w", err)
		}
		s.tempDir = dir
		s.code = codeStore{dir: dir}
	}
	if err := os.MkdirAll(s.code.dir, 0o700); err != nil {
		return nil, fmt.Errorf("start lambda: %w", err)
	}
	var pending []asyncInvocation
	err := env.Store.View(func(tx *store.Tx) error {
		if err := tx.Scan(tableFunction, "", func(_ string, v []byte) error {
			var fn function
			if err := json.Unmarshal(v, &fn); err != nil {
				return fmt.Errorf("decode function: %w", err)
			}
			s.fns[fn.Name] = &fn
			return nil
		}); err != nil {
			return err
		}
		return tx.Scan(tableAsync, "", func(_ string, v []byte) error {
			var a asyncInvocation
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("decode invocation: %w", err)
			}
			pending = append(pending, a)
			return nil
		})
	})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("load lambda state: %w", err)
	}
	inUse := map[string]bool{}
	for _, fn := range s.fns {
		inUse[fn.CodeHex] = true
	}
	s.code.collect(inUse)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.mux = s.routes()
	for _, a := range pending {
		s.startAsync(a)
	}
	return s, nil
}

// Close kills every instance, stops the asynchronous invocations (those
// not finished run again after the next New on the same store) and removes
// the temporary code directory of an in-memory service.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	pools := make([]*pool, 0, len(s.pools)+len(s.retired))
	for _, p := range s.pools {
		pools = append(pools, p)
	}
	for p := range s.retired {
		pools = append(pools, p)
	}
	s.pools, s.retired = map[string]*pool{}, nil
	s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
	for _, p := range pools {
		p.retire(true)
	}
	s.async.Wait()
	if s.tempDir != "" {
		return os.RemoveAll(s.tempDir)
	}
	return nil
}

// ServeHTTP serves the Lambda REST-JSON API.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := awsproto.NewRequestID()
	defer func() {
		if v := recover(); v != nil {
			s.env.Log.Error("lambda: panic serving request", "path", r.URL.Path, "panic", v)
			awsproto.WriteRESTJSONError(w, serviceError("The request processing has failed because of an unknown error."), reqID)
		}
	}()
	if _, pattern := s.mux.Handler(r); pattern == "" {
		awsproto.WriteRESTJSONError(w, awsproto.Errorf(http.StatusNotFound, codeUnknownOperation,
			"The local AWS's Lambda has no operation %s %s.", r.Method, r.URL.Path), reqID)
		return
	}
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, reqID)))
}

// requestIDKey carries the request ID from ServeHTTP to the handlers in the
// request's context.
type requestIDKey struct{}

type handlerFunc func(w http.ResponseWriter, r *http.Request, reqID string) error

// handle adapts h to the mux and funnels its error: an *awsproto.Error is
// written in the REST-JSON error shape, anything else is logged and
// becomes a ServiceException without details.
func (s *Service) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		reqID, _ := r.Context().Value(requestIDKey{}).(string)
		err := h(w, r, reqID)
		if err == nil {
			return
		}
		var e *awsproto.Error
		if !errors.As(err, &e) {
			s.env.Log.Error("lambda: internal error", "path", r.URL.Path, "err", err)
			e = serviceError("The request processing has failed because of an unknown error.")
		}
		awsproto.WriteRESTJSONError(w, e, reqID)
	}
}

func (s *Service) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /2015-03-31/functions", s.handle(s.createFunction))
	m.HandleFunc("POST /2015-03-31/functions/{$}", s.handle(s.createFunction))
	m.HandleFunc("GET /2015-03-31/functions", s.handle(s.listFunctions))
	m.HandleFunc("GET /2015-03-31/functions/{$}", s.handle(s.listFunctions))
	m.HandleFunc("GET /2015-03-31/functions/{name}", s.handle(s.getFunction))
	m.HandleFunc("DELETE /2015-03-31/functions/{name}", s.handle(s.deleteFunction))
	m.HandleFunc("GET /2015-03-31/functions/{name}/configuration", s.handle(s.getFunctionConfiguration))
	m.HandleFunc("PUT /2015-03-31/functions/{name}/configuration", s.handle(s.updateFunctionConfiguration))
	m.HandleFunc("PUT /2015-03-31/functions/{name}/code", s.handle(s.updateFunctionCode))
	m.HandleFunc("POST /2015-03-31/functions/{name}/invocations", s.handle(s.invoke))
	m.HandleFunc("POST /2015-03-31/functions/{name}/policy", s.handle(s.addPermission))
	m.HandleFunc("GET /2015-03-31/functions/{name}/policy", s.handle(s.getPolicy))
	m.HandleFunc("DELETE /2015-03-31/functions/{name}/policy/{sid}", s.handle(s.removePermission))
	m.HandleFunc("PUT /2019-09-25/functions/{name}/event-invoke-config", s.handle(s.putEventInvokeConfig(false)))
	m.HandleFunc("POST /2019-09-25/functions/{name}/event-invoke-config", s.handle(s.putEventInvokeConfig(true)))
	m.HandleFunc("GET /2019-09-25/functions/{name}/event-invoke-config", s.handle(s.getEventInvokeConfig))
	m.HandleFunc("DELETE /2019-09-25/functions/{name}/event-invoke-config", s.handle(s.deleteEventInvokeConfig))
	m.HandleFunc("GET /2019-09-25/functions/{name}/event-invoke-config/list", s.handle(s.listEventInvokeConfigs))
	m.HandleFunc("PUT /2017-10-31/functions/{name}/concurrency", s.handle(s.putConcurrency))
	m.HandleFunc("DELETE /2017-10-31/functions/{name}/concurrency", s.handle(s.deleteConcurrency))
	m.HandleFunc("GET /2019-09-30/functions/{name}/concurrency", s.handle(s.getConcurrency))
	m.HandleFunc("POST /2017-03-31/tags/{arn}", s.handle(s.tagResource))
	m.HandleFunc("DELETE /2017-03-31/tags/{arn}", s.handle(s.untagResource))
	m.HandleFunc("GET /2017-03-31/tags/{arn}", s.handle(s.listTags))
	return m
}

// writeJSON writes a REST-JSON success response.
func writeJSON(w http.ResponseWriter, status int, v any, reqID string) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", reqID)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

// writeEmpty writes a success response without a body.
func writeEmpty(w http.ResponseWriter, status int, reqID string) error {
	w.Header().Set("x-amzn-RequestId", reqID)
	w.WriteHeader(status)
	return nil
}

// region is the request's region: its SigV4 scope's, else the default.
func (s *Service) region(r *http.Request) string {
	if sc, ok := awsproto.ParseScope(r); ok && sc.Region != "" {
		return sc.Region
	}
	return s.env.Region
}

// lookup resolves the FunctionName path parameter to a stored function.
// Qualifiers other than $LATEST name versions and aliases, which the local
// AWS does not publish, so they are not found.
func (s *Service) lookup(r *http.Request, param string) (*function, error) {
	name, _, account, qualifier, err := parseFunctionName(param)
	if err != nil {
		return nil, err
	}
	if q := r.URL.Query().Get("Qualifier"); q != "" {
		qualifier = q
	}
	s.mu.Lock()
	fn := s.fns[name]
	s.mu.Unlock()
	arn := functionARN(s.region(r), s.env.Account, name)
	if fn != nil {
		arn = functionARN(fn.Region, s.env.Account, name)
	}
	if fn == nil || (account != "" && account != s.env.Account) || (qualifier != "" && qualifier != versionLatest) {
		if qualifier != "" {
			arn += ":" + qualifier
		}
		return nil, notFound(arn)
	}
	return fn, nil
}

// save writes fn through to the store and publishes it; the caller holds
// s.mu.
func (s *Service) saveLocked(fn *function) error {
	v, err := json.Marshal(fn)
	if err != nil {
		return fmt.Errorf("encode function: %w", err)
	}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return tx.Put(tableFunction, fn.Name, v) }); err != nil {
		return fmt.Errorf("save function %s: %w", fn.Name, err)
	}
	s.fns[fn.Name] = fn
	return nil
}

// retireLocked retires the function's pool, if any; the caller holds s.mu.
// The pool's idle instances are killed in the background.
func (s *Service) retireLocked(name string) {
	if p := s.pools[name]; p != nil {
		delete(s.pools, name)
		s.keepRetiredLocked(p)
		go p.retire(false)
	}
}

// keepRetiredLocked remembers a retired pool so that Close kills the
// instances it still runs (a long invocation outlives the retirement), and
// forgets retired pools that have none left; the caller holds s.mu.
func (s *Service) keepRetiredLocked(p *pool) {
	if s.retired == nil {
		s.retired = map[*pool]struct{}{}
	}
	for old := range s.retired {
		old.mu.Lock()
		empty := len(old.all) == 0
		old.mu.Unlock()
		if empty {
			delete(s.retired, old)
		}
	}
	s.retired[p] = struct{}{}
}

// poolFor returns the current pool of the function named name.
func (s *Service) poolFor(name string) (*pool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, serviceError("The local AWS is shutting down.")
	}
	fn := s.fns[name]
	if fn == nil {
		return nil, notFound(functionARN(s.env.Region, s.env.Account, name))
	}
	p := s.pools[name]
	if p == nil || p.fn.Generation != fn.Generation {
		if p != nil {
			s.keepRetiredLocked(p)
			go p.retire(false)
		}
		limit := s.opts.MaxConcurrency
		if fn.Reserved != nil {
			limit = int(*fn.Reserved)
		}
		p = newPool(s, fn, limit)
		s.pools[name] = p
	}
	return p, nil
}

// change is a write operation's read-modify-save of the function fn (found
// by lookup): under s.mu it re-reads the stored function (an update may
// have replaced it meanwhile, a delete removed it), lets edit check the
// current value and set the fields of a clone, and saves the clone. An
// error from edit (a refusal) saves nothing. A clone with a new Generation
// retires the running instances. It returns the function as saved.
func (s *Service) change(fn *function, edit func(cur, next *function) error) (*function, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.fns[fn.Name]
	if cur == nil {
		return nil, notFound(functionARN(fn.Region, s.env.Account, fn.Name))
	}
	next := cur.clone()
	if err := edit(cur, next); err != nil {
		return nil, err
	}
	if err := s.saveLocked(next); err != nil {
		return nil, err
	}
	if next.Generation != cur.Generation {
		s.retireLocked(cur.Name)
	}
	return next, nil
}
