package provision

import (
	"context"
	"fmt"
	"time"
)

// Timeouts bound every wait and retry of a run. The zero value is not
// usable; start from DefaultTimeouts. Tests shrink them.
type Timeouts struct {
	// RolePropagation bounds CreateFunction/UpdateFunctionConfiguration
	// retries while a new role is not yet assumable (AWS-RULES I1, I2).
	// Terraform's lambdaPropagationTimeout is 5 minutes.
	RolePropagation time.Duration
	// MappingPermission bounds CreateEventSourceMapping retries while the
	// role's queue permissions propagate (I3). Terraform's
	// iamPropagationTimeout is 2 minutes.
	MappingPermission time.Duration
	// NotificationValidation bounds PutBucketNotificationConfiguration
	// retries while the topic policy propagates (S5).
	NotificationValidation time.Duration
	// QueueDeletedRecently bounds the wait for a queue name to become
	// usable again; SQS asks for 60 seconds (Q2).
	QueueDeletedRecently time.Duration
	// FunctionState bounds the waits for a function to become Active and
	// for an update to finish (L1), and ResourceConflictException retries.
	FunctionState time.Duration
	// MappingState bounds the waits for a mapping to become Enabled and to
	// disappear after deletion (L9, L10).
	MappingState time.Duration
	// BucketCreated bounds the wait for a new bucket to be readable.
	BucketCreated time.Duration
	// BucketNotEmpty bounds DeleteBucket retries while listings lag (S12).
	BucketNotEmpty time.Duration
	// FirstDelay and MaxDelay shape the exponential backoff between retries.
	FirstDelay, MaxDelay time.Duration
}

// DefaultTimeouts returns the timeouts for real AWS, modelled on
// Terraform's AWS provider (iamPropagationTimeout = 2m,
// lambdaPropagationTimeout = 5m, AWS-RULES I1).
func DefaultTimeouts() Timeouts {
	return Timeouts{
		RolePropagation:        5 * time.Minute,
		MappingPermission:      2 * time.Minute,
		NotificationValidation: 2 * time.Minute,
		QueueDeletedRecently:   90 * time.Second,
		FunctionState:          5 * time.Minute,
		MappingState:           5 * time.Minute,
		BucketCreated:          time.Minute,
		BucketNotEmpty:         time.Minute,
		FirstDelay:             500 * time.Millisecond,
		// Propagation usually ends within seconds; a long backoff would
		// overshoot it by up to the whole delay (measured: a 10 s cap made
		// up 8 s slower than a 2 s cap behind a 10 s IAM propagation).
		MaxDelay: 2 * time.Second,
	}
}

// A Sleeper waits d or until ctx is done, and returns ctx.Err() in the
// latter case. Tests inject one that records the delay and returns at once.
type Sleeper func(ctx context.Context, d time.Duration) error

// sleepCtx is the real Sleeper.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// A retrier runs an operation again, with exponential backoff, while a
// classifier says its error is transient, until a total budget is spent.
// The budget counts the delays slept, not wall time, so a test with an
// instant Sleeper sees the same number of attempts as a real run.
type retrier struct {
	sleep      Sleeper
	first, max time.Duration
}

// do calls op until it succeeds, fails with an error retryable does not
// accept, or total would be exceeded by the next delay; then it returns
// op's last error. Before each delay it calls wait with why (once, on the
// first retry) so the user sees what is being waited for.
func (r retrier) do(ctx context.Context, total time.Duration, retryable func(error) bool, wait waiter, why string, op func() error) error {
	delay := r.first
	var spent time.Duration
	for attempt := 0; ; attempt++ {
		err := op()
		if err == nil || !retryable(err) {
			return err
		}
		if spent+delay > total {
			return fmt.Errorf("%w (still failing after %s)", err, total)
		}
		if attempt == 0 && wait != nil {
			wait(why)
		}
		if serr := r.sleep(ctx, delay); serr != nil {
			return err
		}
		spent += delay
		delay = min(2*delay, r.max)
	}
}

// poll calls check until it reports done, fails, or total is spent, sleeping
// with backoff in between. wait is told what is awaited, once.
func (r retrier) poll(ctx context.Context, total time.Duration, wait waiter, what string, check func() (bool, error)) error {
	delay := r.first
	var spent time.Duration
	for attempt := 0; ; attempt++ {
		done, err := check()
		if err != nil || done {
			return err
		}
		if spent+delay > total {
			return fmt.Errorf("timed out after %s waiting for %s", total, what)
		}
		if attempt == 0 && wait != nil {
			wait(what)
		}
		if err := r.sleep(ctx, delay); err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		spent += delay
		delay = min(2*delay, r.max)
	}
}
