package runtime

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"
)

// InstanceTimerSlack is the timer slack of an instance's process on Linux:
// how much later than asked the kernel may end the process's sleeps and
// timed waits, to wake it once for several of them (prctl(2),
// PR_SET_TIMERSLACK; the default is 50 µs; systemd's TimerSlackNSec= sets
// the same for a service). Readiness of its sockets and pipes, which is
// what a function waits on, is not delayed.
//
// It matters for Go functions, such as edas's own handler, on a host whose
// CPUs the instances share with the local AWS. While any goroutine runs,
// the Go runtime's monitor thread (sysmon, runtime/proc.go) sleeps 20 µs at
// a time, and every first system call after the process was idle starts
// that again. An instance that handles a batch in short bursts between S3
// round trips thus woke that thread about once per 70 µs of work. In the
// pipeline bench (bench --objects 2000 --size 1KiB --concurrency 8) its
// thread made two thirds of the catalog function's context switches, and a
// system-wide perf record -a put sysmon at 4.3–6.1 % of the function's
// samples; with 1 ms, 1.5–2.2 %, and the function's processes used about
// 13 % fewer CPU ticks (utime + stime) in alternating runs. Lambda gives no
// guarantee of timer precision a millisecond would break, and the local AWS
// enforces function timeouts itself, on its own threads.
const InstanceTimerSlack = time.Millisecond

// DefaultInitTimeout bounds the init phase (from process start to its first
// request for an event), as Lambda's 10-second init limit does
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
const DefaultInitTimeout = 10 * time.Second

// MaxResponse is the largest response a function may return to a
// synchronous invocation: 6 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
const MaxResponse = 6 << 20

// outputSyncWait bounds how long Invoke waits for the process's output to
// reach the log before it writes a START or END line.
const outputSyncWait = 100 * time.Millisecond

// Config describes one execution environment.
type Config struct {
	// Bootstrap is the path of the executable to run.
	Bootstrap string
	// Dir is its working directory (LAMBDA_TASK_ROOT).
	Dir string
	// Env is the process's complete environment, except
	// AWS_LAMBDA_RUNTIME_API, which Start adds.
	Env []string
	// Output receives every line the process writes to stdout or stderr,
	// in order, from a single goroutine. nil discards the output.
	Output func(line string)
	// InitTimeout bounds the init phase; 0 means DefaultInitTimeout.
	InitTimeout time.Duration
}

// An Instance is one running execution environment. It serves one
// invocation at a time; Invoke must not be called concurrently. Close kills
// it. An Instance is safe for concurrent use otherwise.
type Instance struct {
	cfg     Config
	cmd     *exec.Cmd
	srv     *http.Server
	out     *outputReader
	memory  *memoryGauge
	started time.Time

	queue     chan *invocation    // at most one invocation waiting for /next
	ready     chan struct{}       // closed at the first /next: init is over
	initFail  chan *FunctionError // an /init/error report
	exited    chan struct{}       // closed once the process has exited and its output is read
	closeOnce sync.Once

	mu           sync.Mutex    // guards the fields below
	current      *invocation   // delivered to the runtime, not yet answered
	initDuration time.Duration // set at the first /next
	initReported bool          // the first invocation has reported initDuration
	waitErr      error         // what cmd.Wait returned
	readyOnce    sync.Once
}

// A Request is one invocation to run.
type Request struct {
	RequestID   string
	Payload     []byte
	FunctionARN string
	TraceID     string
	// Timeout is the function's timeout, counted from the moment the
	// runtime receives the event.
	Timeout time.Duration
	// OnStart runs when the event is handed to the runtime, after the
	// output written before it has been emitted (Lambda's START line).
	OnStart func()
}

// An Outcome is the result of one invocation.
type Outcome struct {
	// Response is the function's response; nil when Err is set.
	Response []byte
	// Err is set when the invocation failed.
	Err *FunctionError
	// Duration runs from delivery of the event to the response.
	Duration time.Duration
	// InitDuration is the init phase of a cold start, reported by the
	// instance's first invocation only; 0 otherwise.
	InitDuration time.Duration
	// MaxMemoryMB is the process's peak resident memory, 0 if unknown.
	MaxMemoryMB int
}

type invocation struct {
	req         Request
	deliveredAt time.Time     // set by /next before delivered is closed
	deadline    time.Time     // deliveredAt + req.Timeout
	delivered   chan struct{} // closed by /next
	done        chan *Outcome // the runtime's answer, buffered
}

// ErrExited is returned by Invoke when a warm instance turns out to have
// exited before it could receive the event; the event was not run, and the
// caller may run it on another instance.
var ErrExited = errors.New("invoke instance: the instance exited while idle")

// An EntrypointError is a bootstrap that could not be executed: missing,
// not executable, or built for another operating system or architecture.
type EntrypointError struct{ Err error }

func (e *EntrypointError) Error() string { return "start bootstrap: " + e.Err.Error() }
func (e *EntrypointError) Unwrap() error { return e.Err }

// FunctionError is the failure Lambda reports for e to invocation
// requestID: Runtime.InvalidEntrypoint.
func (e *EntrypointError) FunctionError(requestID string) *FunctionError {
	return newFunctionError(TypeInvalidEntrypoint, requestID, e.Err.Error())
}

// Start starts the bootstrap with a Runtime API of its own on 127.0.0.1.
// It returns once the process runs; its init phase proceeds in the
// background and is awaited by the first Invoke. A bootstrap that cannot be
// executed (missing, not executable, built for another system) is an error
// wrapping a *FunctionError of type Runtime.InvalidEntrypoint.
func Start(cfg Config) (*Instance, error) {
	if cfg.InitTimeout <= 0 {
		cfg.InitTimeout = DefaultInitTimeout
	}
	if cfg.Output == nil {
		cfg.Output = func(string) {}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the runtime API: %w", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("create output pipe: %w", err)
	}
	i := &Instance{
		cfg:      cfg,
		queue:    make(chan *invocation, 1),
		ready:    make(chan struct{}),
		initFail: make(chan *FunctionError, 1),
		exited:   make(chan struct{}),
	}
	i.srv = &http.Server{Handler: i.apiHandler(), ReadHeaderTimeout: 10 * time.Second}
	cmd := exec.Command(cfg.Bootstrap)
	cmd.Dir = cfg.Dir
	cmd.Env = append(cfg.Env[:len(cfg.Env):len(cfg.Env)], "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String())
	cmd.Stdout = pw
	cmd.Stderr = pw
	cmd.SysProcAttr = sysProcAttr()
	i.cmd = cmd
	i.started = time.Now()
	if err := startProcess(cmd); err != nil {
		ln.Close()
		pr.Close()
		pw.Close()
		return nil, &EntrypointError{Err: err}
	}
	pw.Close()
	i.memory = openMemoryGauge(cmd.Process.Pid)
	i.out = newOutputReader(pr, cfg.Output)
	go i.out.run()
	go i.srv.Serve(ln)
	go i.wait()
	return i, nil
}

// wait reaps the process, kills what it left behind in its group, and
// marks the instance exited once its output has been read.
func (i *Instance) wait() {
	err := i.cmd.Wait()
	i.memory.close()
	killGroup(i.cmd.Process.Pid)
	i.mu.Lock()
	i.waitErr = err
	i.mu.Unlock()
	select {
	case <-i.out.done:
	case <-time.After(time.Second): // a descendant outside the group holds the pipe
	}
	i.srv.Close()
	close(i.exited)
}

// PID is the process ID of the bootstrap.
func (i *Instance) PID() int { return i.cmd.Process.Pid }

// Exited is closed once the process has exited.
func (i *Instance) Exited() <-chan struct{} { return i.exited }

// Alive reports whether the process still runs.
func (i *Instance) Alive() bool {
	select {
	case <-i.exited:
		return false
	default:
		return true
	}
}

// Close kills the process group and waits for the process to be reaped.
func (i *Instance) Close() {
	i.closeOnce.Do(func() { killGroup(i.cmd.Process.Pid) })
	<-i.exited
}

// Invoke runs req on the instance and waits for its outcome. A crash, an
// init failure or a timeout kills the instance and is reported in
// Outcome.Err with Fatal set; so is an instance that had already exited.
// A cancelled ctx kills the instance too (the runtime cannot be told to
// abandon an event) and returns ctx.Err().
func (i *Instance) Invoke(ctx context.Context, req Request) (*Outcome, error) {
	inv := &invocation{req: req, delivered: make(chan struct{}), done: make(chan *Outcome, 1)}
	select {
	case i.queue <- inv:
	default:
		return nil, errors.New("invoke instance: an invocation is already waiting")
	}
	initTimer := time.NewTimer(i.cfg.InitTimeout)
	defer initTimer.Stop()
	select {
	case <-inv.delivered:
	case fe := <-i.initFail:
		i.Close()
		return &Outcome{Err: fe}, nil
	case <-i.exited:
		if i.isReady() {
			return nil, ErrExited
		}
		return &Outcome{Err: exitError(req.RequestID, i.exitErr())}, nil
	case <-initTimer.C:
		i.Close()
		return &Outcome{Err: timeoutError(req.RequestID, i.cfg.InitTimeout, time.Now())}, nil
	case <-ctx.Done():
		i.Close()
		return nil, ctx.Err()
	}
	timer := time.NewTimer(time.Until(inv.deadline))
	defer timer.Stop()
	var out *Outcome
	select {
	case out = <-inv.done:
		i.out.Sync(outputSyncWait)
	case <-i.exited:
		select {
		case out = <-inv.done: // answered, then exited: the answer counts
		default:
			out = &Outcome{Err: exitError(req.RequestID, i.exitErr())}
		}
	case <-timer.C:
		out = &Outcome{Err: timeoutError(req.RequestID, req.Timeout, time.Now())}
		i.Close()
	case <-ctx.Done():
		i.Close()
		return nil, ctx.Err()
	}
	out.Duration = time.Since(inv.deliveredAt)
	out.MaxMemoryMB = i.memory.peakMB()
	i.mu.Lock()
	if !i.initReported {
		out.InitDuration = i.initDuration
		i.initReported = true
	}
	i.mu.Unlock()
	if out.Err != nil && out.Err.Fatal {
		i.Close()
	}
	return out, nil
}

func (i *Instance) isReady() bool {
	select {
	case <-i.ready:
		return true
	default:
		return false
	}
}

func (i *Instance) exitErr() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.waitErr
}
