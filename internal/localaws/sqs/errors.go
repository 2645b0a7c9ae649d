package sqs

import (
	"fmt"
	"net/http"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// The errors below carry the codes, legacy query codes and statuses of the
// SQS Smithy model (aws-sdk-go-v2 service/sqs schemas: the
// smithytraits.AWSQueryError and HTTPError traits of each error shape).
// Code is the shape name the JSON protocol sends in __type; QueryCode is the
// code the query protocol sends and the x-amzn-query-error header carries.

func errQueueDoesNotExist() *awsproto.Error {
	return &awsproto.Error{Code: "QueueDoesNotExist", QueryCode: "AWS.SimpleQueueService.NonExistentQueue",
		Message: "The specified queue does not exist."}
}

func errQueueNameExists(attr string) *awsproto.Error {
	return &awsproto.Error{Code: "QueueNameExists", QueryCode: "QueueAlreadyExists",
		Message: "A queue already exists with the same name and a different value for attribute " + attr}
}

func errQueueDeletedRecently(name string) *awsproto.Error {
	return &awsproto.Error{Code: "QueueDeletedRecently", QueryCode: "AWS.SimpleQueueService.QueueDeletedRecently",
		Message: "You must wait 60 seconds after deleting a queue before you can create another with the same name: " + name}
}

func errInvalidAttributeName(name string) *awsproto.Error {
	return &awsproto.Error{Code: "InvalidAttributeName", Message: "Unknown Attribute " + name + "."}
}

func errInvalidAttributeValue(name, reason string) *awsproto.Error {
	msg := "Invalid value for the parameter " + name + "."
	if reason != "" {
		msg += " Reason: " + reason
	}
	return &awsproto.Error{Code: "InvalidAttributeValue", Message: msg}
}

// errInvalidParameter is InvalidParameterValue, which the SQS model does not
// declare as a shape: the SDKs see it through the x-amzn-query-error header.
func errInvalidParameter(format string, args ...any) *awsproto.Error {
	return &awsproto.Error{Code: "InvalidParameterValue", Message: fmt.Sprintf(format, args...)}
}

func errMissingParameter(name string) *awsproto.Error {
	return &awsproto.Error{Code: "MissingParameter", Message: "The request must contain the parameter " + name + "."}
}

func errInvalidMessageContents(reason string) *awsproto.Error {
	return &awsproto.Error{Code: "InvalidMessageContents", Message: "Invalid characters found. " + reason}
}

func errReceiptHandleIsInvalid(handle string) *awsproto.Error {
	return &awsproto.Error{Code: "ReceiptHandleIsInvalid", Status: http.StatusNotFound,
		Message: fmt.Sprintf("The input receipt handle %q is not a valid receipt handle.", handle)}
}

func errMessageNotInflight() *awsproto.Error {
	return &awsproto.Error{Code: "MessageNotInflight", QueryCode: "AWS.SimpleQueueService.MessageNotInflight",
		Message: "The message referred to isn't in flight."}
}

func errPurgeInProgress(name string) *awsproto.Error {
	return &awsproto.Error{Code: "PurgeQueueInProgress", QueryCode: "AWS.SimpleQueueService.PurgeQueueInProgress",
		Status: http.StatusForbidden, Message: "Only one PurgeQueue operation on " + name + " is allowed every 60 seconds."}
}

func errEmptyBatch() *awsproto.Error {
	return &awsproto.Error{Code: "EmptyBatchRequest", QueryCode: "AWS.SimpleQueueService.EmptyBatchRequest",
		Message: "There should be at least one entry in the request."}
}

func errTooManyEntries(n int) *awsproto.Error {
	return &awsproto.Error{Code: "TooManyEntriesInBatchRequest", QueryCode: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
		Message: fmt.Sprintf("Maximum number of entries per request are 10. You have sent %d.", n)}
}

func errIDsNotDistinct(id string) *awsproto.Error {
	return &awsproto.Error{Code: "BatchEntryIdsNotDistinct", QueryCode: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
		Message: "Id " + id + " repeated."}
}

func errInvalidBatchEntryID(id string) *awsproto.Error {
	return &awsproto.Error{Code: "InvalidBatchEntryId", QueryCode: "AWS.SimpleQueueService.InvalidBatchEntryId",
		Message: "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long: " + id}
}

func errBatchTooLong(max int) *awsproto.Error {
	return &awsproto.Error{Code: "BatchRequestTooLong", QueryCode: "AWS.SimpleQueueService.BatchRequestTooLong",
		Message: fmt.Sprintf("Batch requests cannot be longer than %d bytes.", max)}
}

func errUnsupported(format string, args ...any) *awsproto.Error {
	return &awsproto.Error{Code: "UnsupportedOperation", QueryCode: "AWS.SimpleQueueService.UnsupportedOperation",
		Message: fmt.Sprintf(format, args...)}
}

func errResourceNotFound(format string, args ...any) *awsproto.Error {
	return &awsproto.Error{Code: "ResourceNotFoundException", Status: http.StatusNotFound,
		Message: fmt.Sprintf(format, args...)}
}

func errInvalidAction(op string) *awsproto.Error {
	return &awsproto.Error{Code: "InvalidAction", Message: "The action " + op + " is not valid for this endpoint."}
}

func errMalformed(format string, args ...any) *awsproto.Error {
	return &awsproto.Error{Code: "MalformedQueryString", Message: fmt.Sprintf(format, args...)}
}
