package awsproto

import (
	"fmt"
	"net/http"
)

// An Error is an AWS API error as a service handler returns it. Each service
// renders it in its protocol's error shape; anything that is not an *Error
// becomes a 500 InternalError whose details are logged, never sent.
type Error struct {
	// Code is the error code the SDKs match on, e.g. "QueueDoesNotExist",
	// "NoSuchBucket", "NotFound", "NoSuchEntity".
	Code string
	// Message is the human-readable message, as AWS words it where known.
	Message string
	// Status is the HTTP status code; 0 means 400.
	Status int
	// Receiver marks a server-side fault (query protocol <Type>Receiver);
	// the default is a Sender (client) fault.
	Receiver bool
	// QueryCode is the legacy awsQuery code of an awsQueryCompatible JSON
	// service (SQS), e.g. "AWS.SimpleQueueService.NonExistentQueue". It is
	// sent as the x-amzn-query-error header on JSON and as Code on query.
	// Empty means Code.
	QueryCode string
	// Fields are extra elements of an S3 error (Key, BucketName, Resource…).
	Fields map[string]string
}

// Errorf returns an *Error with the given code, status and formatted message.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// HTTPStatus is Status, defaulting to 400 Bad Request.
func (e *Error) HTTPStatus() int {
	if e.Status == 0 {
		return http.StatusBadRequest
	}
	return e.Status
}

// FaultType is "Receiver" or "Sender", as the query protocol's <Type>.
func (e *Error) FaultType() string {
	if e.Receiver {
		return "Receiver"
	}
	return "Sender"
}

// LegacyCode is the code a query-protocol client sees: QueryCode if set.
func (e *Error) LegacyCode() string {
	if e.QueryCode != "" {
		return e.QueryCode
	}
	return e.Code
}

// Common errors shared by the query and JSON services.
var (
	// ErrInternal is what any unexpected failure becomes on the wire.
	ErrInternal = &Error{Code: "InternalFailure", Status: http.StatusInternalServerError, Receiver: true,
		Message: "The request processing has failed because of an unknown error, exception or failure."}
)

// MissingParameter reports a required parameter that was not sent.
func MissingParameter(name string) *Error {
	return Errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter %s.", name)
}

// InvalidAction reports an action this service does not know.
func InvalidAction(action string) *Error {
	return Errorf(http.StatusBadRequest, "InvalidAction", "The action or operation requested is invalid. Verify that the action is typed correctly: %s", action)
}

// MalformedInput reports a request body that could not be decoded.
func MalformedInput(format string, args ...any) *Error {
	return &Error{Code: "SerializationException", Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}
