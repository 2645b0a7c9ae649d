package runtime

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Runtime API paths (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
const (
	pathNext      = "GET /2018-06-01/runtime/invocation/next"
	pathResponse  = "POST /2018-06-01/runtime/invocation/{id}/response"
	pathError     = "POST /2018-06-01/runtime/invocation/{id}/error"
	pathInitError = "POST /2018-06-01/runtime/init/error"
)

// maxErrorBody bounds an error report; a stack trace fits comfortably.
const maxErrorBody = 1 << 20

// apiHandler serves the Runtime API to this instance's process.
func (i *Instance) apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(pathNext, i.serveNext)
	mux.HandleFunc(pathResponse, i.serveResponse)
	mux.HandleFunc(pathError, i.serveError)
	mux.HandleFunc(pathInitError, i.serveInitError)
	return mux
}

// serveNext long-polls for the next event. The first call ends the init
// phase.
func (i *Instance) serveNext(w http.ResponseWriter, r *http.Request) {
	i.readyOnce.Do(func() {
		i.mu.Lock()
		i.initDuration = time.Since(i.started)
		i.mu.Unlock()
		close(i.ready)
	})
	var inv *invocation
	select {
	case inv = <-i.queue:
	case <-r.Context().Done():
		return
	case <-i.exited:
		return
	}
	// Everything the runtime wrote before asking for this event belongs
	// before the invocation's START line.
	i.out.Sync(outputSyncWait)
	if inv.req.OnStart != nil {
		inv.req.OnStart()
	}
	now := time.Now()
	inv.deliveredAt = now
	inv.deadline = now.Add(inv.req.Timeout)
	i.mu.Lock()
	i.current = inv
	i.mu.Unlock()
	h := w.Header()
	h["Content-Type"] = contentTypeJSON
	// A known length lets the server send the event in one piece rather
	// than in chunks, as Lambda's own Runtime API does.
	h["Content-Length"] = []string{strconv.Itoa(len(inv.req.Payload))}
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.req.RequestID)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", inv.req.FunctionARN)
	if inv.req.TraceID != "" {
		h.Set("Lambda-Runtime-Trace-Id", inv.req.TraceID)
	}
	close(inv.delivered)
	w.WriteHeader(http.StatusOK)
	w.Write(inv.req.Payload)
}

// serveResponse takes the response of the current invocation.
func (i *Instance) serveResponse(w http.ResponseWriter, r *http.Request) {
	inv, ok := i.take(w, r.PathValue("id"))
	if !ok {
		return
	}
	body, err := readBody(r, MaxResponse+1)
	switch {
	case err != nil:
		inv.done <- &Outcome{Err: newFunctionError(TypeUnknown, inv.req.RequestID, "read response: "+err.Error())}
		return
	case len(body) > MaxResponse:
		fe := newFunctionError(TypeResponseTooLarge, inv.req.RequestID,
			"Response payload size exceeded maximum allowed payload size ("+strconv.Itoa(MaxResponse)+" bytes).")
		fe.Fatal = false
		inv.done <- &Outcome{Err: fe}
		writeAPIError(w, http.StatusRequestEntityTooLarge, typeRequestTooLarge, "response payload too large")
		return
	}
	inv.done <- &Outcome{Response: body}
	writeAccepted(w)
}

// serveError takes the error the function reported for the current
// invocation; the instance stays usable.
func (i *Instance) serveError(w http.ResponseWriter, r *http.Request) {
	inv, ok := i.take(w, r.PathValue("id"))
	if !ok {
		return
	}
	body, _ := readBody(r, maxErrorBody)
	inv.done <- &Outcome{Err: reportedError(body, r.Header.Get("Lambda-Runtime-Function-Error-Type"), false)}
	writeAccepted(w)
}

// serveInitError takes a failed initialisation; the instance is then
// killed by the invocation waiting for it.
func (i *Instance) serveInitError(w http.ResponseWriter, r *http.Request) {
	if i.isReady() {
		writeAPIError(w, http.StatusForbidden, typeInvalidTransition, "init is over")
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxErrorBody))
	select {
	case i.initFail <- reportedError(body, r.Header.Get("Lambda-Runtime-Function-Error-Type"), true):
	default:
	}
	writeAccepted(w)
}

// take detaches the current invocation if id names it.
func (i *Instance) take(w http.ResponseWriter, id string) (*invocation, bool) {
	i.mu.Lock()
	inv := i.current
	if inv == nil || inv.req.RequestID != id {
		i.mu.Unlock()
		writeAPIError(w, http.StatusBadRequest, typeInvalidRequestID, "Invalid request ID")
		return nil, false
	}
	i.current = nil
	i.mu.Unlock()
	return inv, true
}

// readBody reads at most limit bytes of r's body, into a buffer of the
// body's size when the request states it (the server then ends the body
// there).
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if n := r.ContentLength; n >= 0 && n < limit {
		buf := make([]byte, n)
		m, err := io.ReadFull(r.Body, buf)
		return buf[:m], err
	}
	return io.ReadAll(io.LimitReader(r.Body, limit))
}

// contentTypeJSON is the Content-Type header of every answer. Handlers
// share it: the server only reads header values.
var contentTypeJSON = []string{"application/json"}

var acceptedBody = []byte(`{"status":"OK"}`)

func writeAccepted(w http.ResponseWriter) {
	w.Header()["Content-Type"] = contentTypeJSON
	w.WriteHeader(http.StatusAccepted)
	w.Write(acceptedBody)
}

func writeAPIError(w http.ResponseWriter, status int, typ, msg string) {
	body, _ := json.Marshal(struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}{msg, typ})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}
