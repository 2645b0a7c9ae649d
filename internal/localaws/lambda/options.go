package lambda

import (
	"context"
	"os"
	"time"
)

// A LogEvent is one line of a function's log.
type LogEvent struct {
	Timestamp time.Time
	Message   string
}

// A LogSink receives a function's log events. Append must create the group
// and the stream when they do not exist, as Lambda does for a function whose
// role allows it. Events of one stream arrive in order; Append may be called
// concurrently for different streams. Append must not keep events (the
// slice) after it returns: the caller reuses it.
type LogSink interface {
	Append(ctx context.Context, group, stream string, events []LogEvent) error
}

// Roles answers whether Lambda may assume a role: the role exists and its
// trust policy allows lambda.amazonaws.com to call sts:AssumeRole.
type Roles interface {
	CanLambdaAssume(ctx context.Context, roleARN string) (bool, error)
	// Allowed reports whether the role's policies allow action on
	// resource (a dead-letter target, deadletter.go).
	Allowed(roleARN, action, resource string) bool
}

// Options are the Lambda service's dependencies and settings. The zero
// value works: no role check, logs discarded, no AWS_ENDPOINT_URL.
type Options struct {
	// Roles checks the role of CreateFunction and
	// UpdateFunctionConfiguration; nil accepts any well-formed role ARN.
	Roles Roles
	// Logs receives the functions' output; nil discards it.
	Logs LogSink
	// Outbound receives what asynchronous invocations leave for dead-letter
	// queues and destinations; nil drops it (logged).
	Outbound Outbound
	// Endpoint returns the local AWS's URL, given to functions as
	// AWS_ENDPOINT_URL. It is called each time an instance starts; nil or
	// "" leaves the variable unset.
	Endpoint func() string
	// IdleTimeout is how long a warm instance waits for its next
	// invocation before it is killed; 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// PendingDelay is how long a new function stays Pending, and an
	// updated one InProgress, on the service's clock; 0 makes the change
	// visible at the next read (the create or update response itself still
	// shows Pending or InProgress, as on AWS).
	PendingDelay time.Duration
	// MaxConcurrency caps the instances of a function without reserved
	// concurrency; 0 means DefaultMaxConcurrency.
	MaxConcurrency int
	// LookupEnv reads the host's environment for the variables passed
	// through to functions (see processEnv); nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// Defaults of Options.
const (
	DefaultIdleTimeout    = 5 * time.Minute
	DefaultMaxConcurrency = 10
)

func (o Options) withDefaults() Options {
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxConcurrency <= 0 {
		o.MaxConcurrency = DefaultMaxConcurrency
	}
	if o.LookupEnv == nil {
		o.LookupEnv = os.LookupEnv
	}
	return o
}
