package lambda

import (
	"context"
)

// A DeadLetter is what an asynchronous invocation that failed for good (its
// retries spent, or too old to run) leaves in its function's dead-letter
// queue or topic, as Lambda sends it
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-dlq):
// "The payload of the message is the invocation's event", with the
// message attributes RequestID, ErrorCode ("The 3-digit HTTP status code")
// and ErrorMessage ("The first 1 KB of the error message").
type DeadLetter struct {
	Payload      string
	RequestID    string
	ErrorCode    int
	ErrorMessage string
}

// maxDeadLetterError is how much of the error a dead letter carries.
const maxDeadLetterError = 1024

// Outbound delivers what asynchronous invocations leave behind to SQS
// queues and SNS topics: dead letters (DeadLetterConfig) and invocation
// records (destinations, destination.go).
type Outbound interface {
	SendDeadLetter(ctx context.Context, targetARN string, dl DeadLetter) error
	SendRecord(ctx context.Context, targetARN string, record []byte) error
}

// deadLetterConfig is the DeadLetterConfig shape of the API.
type deadLetterConfig struct {
	TargetArn string
}

// checkDeadLetter validates a DeadLetterConfig's target for a function
// whose execution role is role: an SQS queue or SNS topic ARN ("" removes
// the configuration) that the role may send to, as Lambda checks.
func (s *Service) checkDeadLetter(role, target string) error {
	if target == "" {
		return nil
	}
	t, ok := targetOf(target)
	if !ok || t.service == "Lambda" {
		return invalidParameter("The target of a dead-letter queue must be an SQS queue or an SNS topic ARN: %s", target)
	}
	if s.opts.Roles != nil && !s.opts.Roles.Allowed(role, t.action, target) {
		return invalidParameter("The provided execution role does not have permissions to call %s on %s", t.op(), t.service)
	}
	return nil
}

// sendDeadLetter hands a to the function's dead-letter target, if it has
// one; what cannot be sent is logged and dropped, as Lambda drops it.
func (s *Service) sendDeadLetter(a asyncInvocation, errorCode int, errorMessage string) {
	s.mu.Lock()
	fn := s.fns[a.Function]
	s.mu.Unlock()
	if fn == nil || fn.DeadLetterTarget == "" {
		return
	}
	if s.opts.Outbound == nil {
		s.env.Log.Warn("lambda: no dead-letter delivery configured; event dropped", "function", a.Function, "requestId", a.RequestID)
		return
	}
	if len(errorMessage) > maxDeadLetterError {
		errorMessage = errorMessage[:maxDeadLetterError]
	}
	dl := DeadLetter{Payload: string(a.Payload), RequestID: a.RequestID, ErrorCode: errorCode, ErrorMessage: errorMessage}
	if err := s.opts.Outbound.SendDeadLetter(s.ctx, fn.DeadLetterTarget, dl); err != nil {
		s.env.Log.Warn("lambda: dead letter not delivered; event dropped", "function", a.Function, "requestId", a.RequestID,
			"target", fn.DeadLetterTarget, "err", err)
	}
}
