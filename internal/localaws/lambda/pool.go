package lambda

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/lambda/runtime"
)

// A pool holds the execution environments of one generation of one
// function (its code and configuration at one moment). Any change of the
// function retires the pool: idle instances are killed at once, busy ones
// when their invocation ends, and the next invocation builds a new pool.
type pool struct {
	svc  *Service
	fn   *function     // the snapshot the instances run
	sem  chan struct{} // one token per running invocation; capacity = the concurrency limit
	idle time.Duration

	retiredCh chan struct{} // closed by retire

	mu      sync.Mutex  // guards the fields below
	free    []*instance // warm instances, most recently used last
	all     map[*instance]struct{}
	retired bool
}

// errRetired is returned by acquire when the pool was retired while the
// caller waited; the caller retries on the function's current pool.
var errRetired = errors.New("the function changed")

// An instance is one execution environment and its log stream.
type instance struct {
	rt        *runtime.Instance
	log       *instanceLog
	idleTimer *time.Timer // kills the instance when it has been idle too long
	endpoint  string      // the AWS_ENDPOINT_URL it was started with
}

func newPool(svc *Service, fn *function, limit int) *pool {
	return &pool{svc: svc, fn: fn, sem: make(chan struct{}, limit), idle: svc.opts.IdleTimeout,
		retiredCh: make(chan struct{}), all: map[*instance]struct{}{}}
}

// result is the outcome of one invocation as the API reports it.
type result struct {
	payload  []byte // the response, or the error document
	failed   bool   // X-Amz-Function-Error: Unhandled
	log      []byte // the invocation's log lines
	outcome  *runtime.Outcome
	instance int // the process ID that ran it, for tests and logs
}

// acquire takes a concurrency slot. Without wait, a full pool (or a limit
// of 0, reserved concurrency 0) is TooManyRequestsException, as Lambda
// throttles synchronous invocations; with wait, acquire blocks until a slot
// frees, ctx ends, or the pool is retired (errRetired).
func (p *pool) acquire(ctx context.Context, wait bool) error {
	select {
	case p.sem <- struct{}{}:
		return nil
	default:
	}
	if !wait {
		return throttled()
	}
	select {
	case p.sem <- struct{}{}:
		return nil
	case <-p.retiredCh:
		return errRetired
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *pool) release() { <-p.sem }

// invoke runs one invocation on a warm or new instance. The caller holds a
// slot (acquire).
func (p *pool) invoke(ctx context.Context, requestID string, payload []byte) (*result, error) {
	for attempt := 0; ; attempt++ {
		inst, fe, err := p.take()
		if err != nil {
			return nil, err
		}
		if fe != nil {
			return p.failedStart(requestID, fe), nil
		}
		req := runtime.Request{
			RequestID:   requestID,
			Payload:     payload,
			FunctionARN: functionARN(p.fn.Region, p.svc.env.Account, p.fn.Name),
			TraceID:     traceID(p.svc.env.Clock.Now()),
			Timeout:     time.Duration(p.fn.Timeout) * time.Second,
			OnStart:     func() { inst.log.begin(requestID) },
		}
		out, err := inst.rt.Invoke(ctx, req)
		if errors.Is(err, runtime.ErrExited) && attempt == 0 {
			p.discard(inst)
			continue // the warm instance died while idle; the event never ran
		}
		if err != nil {
			p.discard(inst)
			return nil, err
		}
		log := inst.log.end(requestID, p.fn.MemorySize, out)
		res := &result{payload: out.Response, log: log, outcome: out, instance: inst.rt.PID()}
		if out.Err != nil {
			res.payload, res.failed = out.Err.Body, true
		}
		if out.Err != nil && out.Err.Fatal {
			p.discard(inst)
		} else {
			p.put(inst)
		}
		return res, nil
	}
}

// take returns a warm instance or starts one. A bootstrap that cannot run
// is returned as fe, the invocation's failure.
func (p *pool) take() (inst *instance, fe *runtime.EntrypointError, err error) {
	p.mu.Lock()
	for len(p.free) > 0 {
		inst = p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		inst.idleTimer.Stop()
		// An instance started before the server knew its own address has
		// no AWS_ENDPOINT_URL (its SDK calls would go to AWS): it is
		// replaced rather than reused once the address is known.
		if inst.rt.Alive() && inst.endpoint == p.svc.endpoint() {
			p.mu.Unlock()
			return inst, nil, nil
		}
		delete(p.all, inst)
		go inst.close()
	}
	p.mu.Unlock()
	return p.start()
}

// start starts a new instance of the pool's function.
func (p *pool) start() (*instance, *runtime.EntrypointError, error) {
	fn := p.fn
	if err := p.svc.code.extract(fn.CodeHex); err != nil {
		return nil, nil, serviceError("The deployment package of %s is not available: %v", fn.Name, err)
	}
	taskDir := p.svc.code.taskPath(fn.CodeHex)
	bootstrap := filepath.Join(taskDir, "bootstrap")
	stream := streamName(p.svc.env.Clock.Now())
	log := &instanceLog{sink: p.svc.opts.Logs, group: fn.logGroup(), stream: stream, clock: p.svc.env.Clock,
		onErr: func(err error) { p.svc.env.Log.Warn("lambda: write function log", "function", fn.Name, "err", err) }}
	if fi, err := os.Stat(bootstrap); err != nil || fi.IsDir() {
		return nil, &runtime.EntrypointError{Err: errors.New("Couldn't find valid bootstrap(s): [" + bootstrap + "]")}, nil
	}
	endpoint := p.svc.endpoint()
	rt, err := runtime.Start(runtime.Config{
		Bootstrap: bootstrap,
		Dir:       taskDir,
		Env:       p.svc.processEnv(fn, taskDir, stream, endpoint),
		Output:    log.line,
	})
	var ee *runtime.EntrypointError
	if errors.As(err, &ee) {
		return nil, ee, nil
	}
	if err != nil {
		return nil, nil, serviceError("Could not start the execution environment of %s: %v", fn.Name, err)
	}
	inst := &instance{rt: rt, log: log, endpoint: endpoint}
	p.mu.Lock()
	p.all[inst] = struct{}{}
	retired := p.retired
	p.mu.Unlock()
	if retired {
		p.discard(inst)
		return nil, nil, serviceError("The function %s changed while an instance started.", fn.Name)
	}
	return inst, nil, nil
}

// failedStart logs and reports an invocation whose bootstrap could not run:
// Runtime.InvalidEntrypoint, on a log stream of its own.
func (p *pool) failedStart(requestID string, ee *runtime.EntrypointError) *result {
	fe := ee.FunctionError(requestID)
	log := &instanceLog{sink: p.svc.opts.Logs, group: p.fn.logGroup(), stream: streamName(p.svc.env.Clock.Now()), clock: p.svc.env.Clock}
	log.begin(requestID)
	out := &runtime.Outcome{Err: fe}
	tail := log.end(requestID, p.fn.MemorySize, out)
	return &result{payload: fe.Body, failed: true, log: tail, outcome: out}
}

// put returns a healthy instance to the warm set, or kills it if the pool
// was retired meanwhile.
func (p *pool) put(inst *instance) {
	p.mu.Lock()
	if p.retired {
		p.mu.Unlock()
		p.discard(inst)
		return
	}
	p.free = append(p.free, inst)
	inst.idleTimer = time.AfterFunc(p.idle, func() { p.reap(inst) })
	p.mu.Unlock()
}

// reap kills inst if it is still idle.
func (p *pool) reap(inst *instance) {
	p.mu.Lock()
	for i, f := range p.free {
		if f == inst {
			p.free = append(p.free[:i], p.free[i+1:]...)
			delete(p.all, inst)
			p.mu.Unlock()
			inst.close()
			return
		}
	}
	p.mu.Unlock()
}

// discard kills inst and forgets it.
func (p *pool) discard(inst *instance) {
	p.mu.Lock()
	delete(p.all, inst)
	p.mu.Unlock()
	inst.close()
}

// retire kills the idle instances and marks the pool so that busy ones
// are killed when they finish. With all, busy instances are killed at once
// too (Close of the service).
func (p *pool) retire(all bool) {
	p.mu.Lock()
	if !p.retired {
		close(p.retiredCh)
	}
	p.retired = true
	victims := p.free
	p.free = nil
	if all {
		victims = victims[:0:0]
		for inst := range p.all {
			victims = append(victims, inst)
		}
	}
	for _, inst := range victims {
		delete(p.all, inst)
		if inst.idleTimer != nil {
			inst.idleTimer.Stop()
		}
	}
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, inst := range victims {
		wg.Add(1)
		go func() { defer wg.Done(); inst.close() }()
	}
	wg.Wait()
}

// close kills the instance and flushes what it logged.
func (inst *instance) close() {
	inst.rt.Close()
	inst.log.flush()
}
