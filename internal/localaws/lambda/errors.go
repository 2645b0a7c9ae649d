package lambda

import (
	"fmt"
	"net/http"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// Error codes of the Lambda API
// (https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html and each
// operation's Errors section). The SDK maps each to its typed error, e.g.
// *types.ResourceNotFoundException.
const (
	CodeNotFound         = "ResourceNotFoundException"
	CodeConflict         = "ResourceConflictException"
	CodeInvalidParameter = "InvalidParameterValueException"
	CodeValidation       = "ValidationException"
	CodeTooManyRequests  = "TooManyRequestsException"
	CodeRequestTooLarge  = "RequestTooLargeException"
	CodeInvalidContent   = "InvalidRequestContentException"
	CodePrecondition     = "PreconditionFailedException"
	CodeService          = "ServiceException"
	codeUnknownOperation = "UnknownOperationException"
)

// Messages as AWS words them.
const (
	roleCannotBeAssumed   = "The role defined for the function cannot be assumed by Lambda."
	revisionMismatch      = "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
	couldNotUnzip         = "Could not unzip uploaded file. Please check your file, then try to upload again."
	unreservedMinimumText = "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]."
)

// Quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
const (
	maxUnzippedSize  = 262144000 // 250 MB unzipped
	maxReservedTotal = 900       // account concurrency 1,000 minus the 100 that must stay unreserved
)

func notFound(arn string) *awsproto.Error {
	return awsproto.Errorf(http.StatusNotFound, CodeNotFound, "Function not found: %s", arn)
}

func alreadyExists(name string) *awsproto.Error {
	return awsproto.Errorf(http.StatusConflict, CodeConflict, "Function already exist: %s", name)
}

func updateInProgress(arn string) *awsproto.Error {
	return awsproto.Errorf(http.StatusConflict, CodeConflict,
		"The operation cannot be performed at this time. An update is in progress for resource: %s", arn)
}

func functionPending() *awsproto.Error {
	return awsproto.Errorf(http.StatusConflict, CodeConflict,
		"The operation cannot be performed at this time. The function is currently in the following state: Pending")
}

func invalidParameter(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, CodeInvalidParameter, format, args...)
}

// validationError is AWS's message for a value that breaks a constraint of
// the API model.
func validationError(value any, member, constraint string) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, CodeValidation,
		"1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}

func throttled() *awsproto.Error {
	return awsproto.Errorf(http.StatusTooManyRequests, CodeTooManyRequests, "Rate Exceeded.")
}

func requestTooLarge(limit int64, operation string) *awsproto.Error {
	return awsproto.Errorf(http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
		"Request must be smaller than %d bytes for the %s operation", limit, operation)
}

func invalidContent(err error) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, CodeInvalidContent, "Could not parse request body into json: %v", err)
}

func preconditionFailed() *awsproto.Error {
	return awsproto.Errorf(http.StatusPreconditionFailed, CodePrecondition, revisionMismatch)
}

func serviceError(format string, args ...any) *awsproto.Error {
	return &awsproto.Error{Code: CodeService, Status: http.StatusInternalServerError, Receiver: true,
		Message: fmt.Sprintf(format, args...)}
}
