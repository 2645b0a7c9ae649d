package lambda

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// Payload quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
// 6 MB for a synchronous invocation, 256 KB for an asynchronous one.
const (
	maxSyncPayload  = 6291456
	maxAsyncPayload = 262144
)

// Invocation types of the X-Amz-Invocation-Type header.
const (
	invokeRequestResponse = "RequestResponse"
	invokeEvent           = "Event"
	invokeDryRun          = "DryRun"
)

// functionErrorUnhandled is X-Amz-Function-Error for every failed
// invocation of an OS-only runtime.
const functionErrorUnhandled = "Unhandled"

// invoke serves Invoke
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html):
// RequestResponse runs the function and answers 200 with its response (or
// its error and X-Amz-Function-Error), throttling with 429 when the
// function's concurrency is used up; Event accepts the payload durably and
// answers 202; DryRun only checks and answers 204.
func (s *Service) invoke(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.lookup(r, r.PathValue("name"))
	if err != nil {
		return err
	}
	typ := r.Header.Get("X-Amz-Invocation-Type")
	if typ == "" {
		typ = invokeRequestResponse
	}
	limit, op := int64(maxSyncPayload), "Invoke"
	switch typ {
	case invokeRequestResponse, invokeDryRun:
	case invokeEvent:
		limit, op = maxAsyncPayload, "InvokeAsync"
	default:
		return validationError(typ, "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
	}
	logType := r.Header.Get("X-Amz-Log-Type")
	if logType != "" && logType != "None" && logType != "Tail" {
		return validationError(logType, "logType", "Member must satisfy enum value set: [Tail, None]")
	}
	payload, err := awsproto.ReadBody(r, limit)
	var ae *awsproto.Error
	if errors.As(err, &ae) && ae.Status == http.StatusRequestEntityTooLarge {
		return requestTooLarge(limit, op)
	}
	if err != nil {
		return err
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		var v any
		return invalidContent(json.Unmarshal(payload, &v))
	}
	if fn.pending(s.env.Clock.Now()) {
		return functionPending()
	}
	w.Header().Set("X-Amz-Executed-Version", versionLatest)
	switch typ {
	case invokeDryRun:
		return writeEmpty(w, http.StatusNoContent, reqID)
	case invokeEvent:
		if err := s.enqueue(asyncInvocation{RequestID: reqID, Function: fn.Name, Payload: payload}); err != nil {
			return err
		}
		return writeEmpty(w, http.StatusAccepted, reqID)
	}
	// As on AWS, the invocation runs to its end (bounded by the function's
	// timeout) even if the caller goes away; only Close stops it.
	res, err := s.run(s.ctx, fn.Name, reqID, payload, false)
	if err != nil {
		return err
	}
	h := w.Header()
	if res.failed {
		h.Set("X-Amz-Function-Error", functionErrorUnhandled)
	}
	if logType == "Tail" {
		h.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString(tailResult(res.log)))
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(res.payload)))
	h.Set("x-amzn-RequestId", reqID)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(res.payload)
	return err
}

// InvokeSync runs one synchronous invocation of the function named
// functionName, through the same instances, concurrency limit, timeout and
// logs as Invoke; unlike Invoke it waits for a free slot (until ctx ends)
// instead of throttling, which suits an event source poller that has
// already taken a batch. It returns the function's response, or with
// functionError "Unhandled" the error document
// ({"errorMessage": …, "errorType": …}). err is an *awsproto.Error with
// Code ResourceNotFoundException (no such function),
// ResourceConflictException (the function is Pending), or ctx's error;
// while the reserved concurrency is 0 it waits for it to change. A ctx
// that ends while the function runs kills the instance, since a runtime
// cannot be told to abandon an event.
func (s *Service) InvokeSync(ctx context.Context, functionName string, payload []byte) (result []byte, functionError string, err error) {
	s.mu.Lock()
	fn := s.fns[functionName]
	s.mu.Unlock()
	if fn == nil {
		return nil, "", notFound(functionARN(s.env.Region, s.env.Account, functionName))
	}
	if fn.pending(s.env.Clock.Now()) {
		return nil, "", functionPending()
	}
	res, err := s.run(ctx, functionName, awsproto.NewRequestID(), payload, true)
	if err != nil {
		return nil, "", err
	}
	if res.failed {
		return res.payload, functionErrorUnhandled, nil
	}
	return res.payload, "", nil
}

// run runs one invocation on the function's current pool. With wait, it
// waits for a free slot, following the function to its new pool when it
// changes meanwhile; without, a full pool throttles.
func (s *Service) run(ctx context.Context, name, requestID string, payload []byte, wait bool) (*result, error) {
	for {
		p, err := s.poolFor(name)
		if err != nil {
			return nil, err
		}
		err = p.acquire(ctx, wait)
		if errors.Is(err, errRetired) {
			continue
		}
		if err != nil {
			return nil, err
		}
		defer p.release()
		return p.invoke(ctx, requestID, payload)
	}
}

// traceID returns an X-Ray trace header for Lambda-Runtime-Trace-Id
// (https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader).
func traceID(now time.Time) string {
	var b [20]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return "Root=1-" + strconv.FormatInt(now.Unix(), 16) + "-" + h[:24] + ";Parent=" + h[24:40] + ";Sampled=0"
}
