package logs

import (
	"fmt"
	"net/http"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// The error codes CloudWatch Logs returns, as the __type of a JSON 1.1 error
// body. Logs sends the bare code, without a namespace; the SDKs accept both
// forms (smithy-go awsjson ResolveProtocolErrorType, botocore's JSON parser).
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/CommonErrors.html
const (
	codeNotFound      = "ResourceNotFoundException"
	codeAlreadyExists = "ResourceAlreadyExistsException"
	codeInvalidParam  = "InvalidParameterException"
	codeTooManyTags   = "TooManyTagsException"
	codeUnknownOp     = "UnknownOperationException"
)

func invalidParam(format string, args ...any) *awsproto.Error {
	return &awsproto.Error{Code: codeInvalidParam, Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

// validation reports a request member that breaks its model constraint, worded
// as AWS's request validation words it.
func validation(value any, member, constraint string) *awsproto.Error {
	return invalidParam("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}

func groupNotFound() *awsproto.Error {
	return &awsproto.Error{Code: codeNotFound, Status: http.StatusBadRequest, Message: "The specified log group does not exist."}
}

func streamNotFound() *awsproto.Error {
	return &awsproto.Error{Code: codeNotFound, Status: http.StatusBadRequest, Message: "The specified log stream does not exist."}
}

func groupExists() *awsproto.Error {
	return &awsproto.Error{Code: codeAlreadyExists, Status: http.StatusBadRequest, Message: "The specified log group already exists"}
}

func streamExists() *awsproto.Error {
	return &awsproto.Error{Code: codeAlreadyExists, Status: http.StatusBadRequest, Message: "The specified log stream already exists"}
}

func invalidToken() *awsproto.Error {
	return invalidParam("The specified nextToken is invalid.")
}

func unknownOperation(op string) *awsproto.Error {
	return &awsproto.Error{Code: codeUnknownOp, Status: http.StatusBadRequest, Message: fmt.Sprintf("Unknown operation %s.", op)}
}
