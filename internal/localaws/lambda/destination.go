package lambda

import (
	"encoding/json"
	"errors"
	"strings"
)

// errNoOutbound is the failure to deliver to a queue or topic without
// Options.Outbound.
var errNoOutbound = errors.New("the local AWS delivers nothing to queues and topics here (no Outbound)")

// Destinations of asynchronous invocation records
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
// once an event succeeds, or fails for good, Lambda sends a record of the
// invocation to the OnSuccess or OnFailure destination of the function's
// event invoke configuration. The local AWS sends records to SQS queues,
// SNS topics and (as asynchronous invocations) Lambda functions; EventBridge
// buses and S3 buckets are refused with a message saying so.

// Conditions of a record's requestContext.
const (
	conditionSuccess          = "Success"
	conditionRetriesExhausted = "RetriesExhausted"
	conditionEventAgeExceeded = "EventAgeExceeded"
)

// A target is a service that what asynchronous invocations leave behind
// (dead letters, invocation records) is sent to, known by its ARN's prefix:
// the call a function's role must be allowed to make on it, and the service
// as Lambda's error messages name it.
type target struct{ prefix, action, service string }

var targets = []target{
	{"arn:aws:sqs:", "sqs:SendMessage", "SQS"},
	{"arn:aws:sns:", "sns:Publish", "SNS"},
	{"arn:aws:lambda:", "lambda:InvokeFunction", "Lambda"},
}

// targetOf returns the target arn belongs to.
func targetOf(arn string) (target, bool) {
	for _, t := range targets {
		if strings.HasPrefix(arn, t.prefix) {
			return t, true
		}
	}
	return target{}, false
}

// op is the target's call without its service, e.g. "SendMessage".
func (t target) op() string { return t.action[strings.IndexByte(t.action, ':')+1:] }

// checkDestination validates a destination of a function whose execution
// role is role: a queue, topic or function it may send to.
func (s *Service) checkDestination(role, member, arn string) error {
	if arn == "" {
		return nil
	}
	t, ok := targetOf(arn)
	if !ok {
		return invalidParameter("The local AWS sends invocation records to SQS queues, SNS topics and Lambda functions only, not to %s (%s).", arn, member)
	}
	if s.opts.Roles != nil && !s.opts.Roles.Allowed(role, t.action, arn) {
		return invalidParameter("The function's execution role does not have permissions to call %s on %s", t.op(), arn)
	}
	return nil
}

// invocationRecord is the record Lambda sends to a destination.
type invocationRecord struct {
	Version        string `json:"version"`
	Timestamp      string `json:"timestamp"`
	RequestContext struct {
		RequestID              string `json:"requestId"`
		FunctionARN            string `json:"functionArn"`
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	RequestPayload  json.RawMessage `json:"requestPayload"`
	ResponseContext struct {
		StatusCode      int    `json:"statusCode"`
		ExecutedVersion string `json:"executedVersion"`
		FunctionError   string `json:"functionError,omitempty"`
	} `json:"responseContext"`
	ResponsePayload json.RawMessage `json:"responsePayload,omitempty"`
}

// rawJSON returns b when it is JSON, else b as a JSON string.
func rawJSON(b []byte) json.RawMessage {
	if len(b) > 0 && json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}

// sendRecord sends the record of a's invocation, ended with condition
// after runs runs (response is the last run's response or error document,
// nil when it never ran), to the function's destination for that outcome,
// if it has one. What cannot be sent is logged and dropped.
func (s *Service) sendRecord(a asyncInvocation, condition string, runs int, response []byte) {
	s.mu.Lock()
	fn := s.fns[a.Function]
	s.mu.Unlock()
	if fn == nil || fn.EventInvoke == nil {
		return
	}
	target := fn.EventInvoke.OnFailure
	if condition == conditionSuccess {
		target = fn.EventInvoke.OnSuccess
	}
	if target == "" {
		return
	}
	var r invocationRecord
	r.Version = "1.0"
	r.Timestamp = s.env.Clock.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	r.RequestContext.RequestID = a.RequestID
	r.RequestContext.FunctionARN = functionARN(fn.Region, s.env.Account, fn.Name) + ":" + versionLatest
	r.RequestContext.Condition = condition
	r.RequestContext.ApproximateInvokeCount = runs
	r.RequestPayload = rawJSON(a.Payload)
	r.ResponseContext.StatusCode = 200
	r.ResponseContext.ExecutedVersion = versionLatest
	if condition != conditionSuccess && runs > 0 {
		r.ResponseContext.FunctionError = functionErrorUnhandled
	}
	if response != nil {
		r.ResponsePayload = rawJSON(response)
	}
	record, err := json.Marshal(r)
	if err == nil {
		err = s.deliverRecord(target, record)
	}
	if err != nil {
		s.env.Log.Warn("lambda: invocation record not delivered", "function", a.Function, "requestId", a.RequestID,
			"destination", target, "err", err)
	}
}

// deliverRecord hands record to a function (an asynchronous invocation) or
// to Outbound (a queue or topic).
func (s *Service) deliverRecord(target string, record []byte) error {
	if strings.HasPrefix(target, "arn:aws:lambda:") {
		return s.InvokeAsyncFromService(target, record)
	}
	if s.opts.Outbound == nil {
		return errNoOutbound
	}
	return s.opts.Outbound.SendRecord(s.ctx, target, record)
}
