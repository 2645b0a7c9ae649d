package runtime

import (
	"encoding/json"
	"fmt"
	"time"
)

// Error types Lambda reports for failures of the execution environment
// rather than of the function's code
// (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html).
const (
	TypeExitError          = "Runtime.ExitError"
	TypeInvalidEntrypoint  = "Runtime.InvalidEntrypoint"
	TypeTimeout            = "Sandbox.Timedout"
	TypeResponseTooLarge   = "Function.ResponseSizeTooLarge"
	TypeUnknown            = "Runtime.Unknown"
	typeInvalidRequestID   = "InvalidRequestID"
	typeInvalidTransition  = "InvalidStateTransition"
	typeRequestTooLarge    = "RequestEntityTooLarge"
	typeMalformedErrorBody = "Runtime.MalformedErrorBody"
)

// A FunctionError is an invocation that failed: the function reported an
// error, the runtime failed to initialise, or the environment crashed or
// timed out. Body is the JSON document Lambda returns to the invoker,
// {"errorMessage": …, "errorType": …} plus whatever else the runtime sent.
type FunctionError struct {
	Type    string
	Message string
	Body    []byte
	// Fatal reports that the instance cannot be used again (it crashed,
	// timed out or failed to initialise).
	Fatal bool
	// LogLines are the lines Lambda writes to the function's log for this
	// failure (for example "… Task timed out after 3.00 seconds"); none for
	// errors the function reported itself, which it logs on its own.
	LogLines []string
}

func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// newFunctionError builds a failure of the environment for request id, with
// Lambda's "RequestId: <id> Error: <detail>" message.
func newFunctionError(typ, requestID, detail string) *FunctionError {
	msg := "RequestId: " + requestID + " Error: " + detail
	body, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{typ, msg})
	return &FunctionError{Type: typ, Message: msg, Body: body, Fatal: true,
		LogLines: []string{msg, typ}}
}

// timeoutError is the failure of an invocation that ran past timeout. Lambda
// logs "<timestamp> <request id> Task timed out after 3.00 seconds".
func timeoutError(requestID string, timeout time.Duration, now time.Time) *FunctionError {
	detail := fmt.Sprintf("Task timed out after %.2f seconds", timeout.Seconds())
	e := newFunctionError(TypeTimeout, requestID, detail)
	e.LogLines = []string{now.UTC().Format("2006-01-02T15:04:05.000Z") + " " + requestID + " " + detail}
	return e
}

// exitError is the failure of an invocation whose runtime exited; waitErr is
// what exec.Cmd.Wait returned ("exit status 2", "signal: killed").
func exitError(requestID string, waitErr error) *FunctionError {
	if waitErr == nil {
		return newFunctionError(TypeExitError, requestID, "Runtime exited without providing a reason")
	}
	return newFunctionError(TypeExitError, requestID, "Runtime exited with error: "+waitErr.Error())
}

// reportedError is the failure a runtime posted to …/error or /init/error.
// A body that is not a JSON object is wrapped, as Lambda does, so that the
// invoker always gets errorMessage and errorType.
func reportedError(body []byte, headerType string, fatal bool) *FunctionError {
	var doc struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil || obj == nil || json.Unmarshal(body, &doc) != nil {
		typ := headerType
		if typ == "" {
			typ = typeMalformedErrorBody
		}
		wrapped, _ := json.Marshal(struct {
			ErrorType    string `json:"errorType"`
			ErrorMessage string `json:"errorMessage"`
		}{typ, string(body)})
		return &FunctionError{Type: typ, Message: string(body), Body: wrapped, Fatal: fatal}
	}
	typ := doc.ErrorType
	if typ == "" {
		typ = headerType
	}
	if typ == "" {
		typ = TypeUnknown
	}
	return &FunctionError{Type: typ, Message: doc.ErrorMessage, Body: body, Fatal: fatal}
}
