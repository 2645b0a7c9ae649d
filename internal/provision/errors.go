package provision

import (
	"errors"
	"fmt"
	"strings"

	"github.com/edasctl/edasctl/internal/config"

	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

// A ForeignError reports that a resource of the plan's name exists but is
// tagged edas:stack for another stack; Up refuses to take it over.
type ForeignError struct {
	Kind, Name string
	// Owner is the resource's edas:stack tag.
	Owner string
}

// Error names the resource and its owner, or, for an untagged bucket that
// already holds data (Owner ""), says why it is not adopted.
func (e *ForeignError) Error() string {
	if e.Owner == "" {
		return fmt.Sprintf("%s %s exists with data and is not managed by edasctl; choose another bucket.name, or tag it %s=<stack> to hand it over", e.Kind, e.Name, config.TagStack)
	}
	return fmt.Sprintf("%s %s belongs to stack %q", e.Kind, e.Name, e.Owner)
}

// A StepError is the error of one step of a run: "create queue
// edas-thumbnail: …". Step is the step's ID.
type StepError struct {
	Step string
	Err  error
}

// Error returns the step's error message, which names the operation and
// the resource.
func (e *StepError) Error() string { return e.Err.Error() }

// Unwrap returns the step's error.
func (e *StepError) Unwrap() error { return e.Err }

// apiCode returns the AWS error code of err, or "" when err is not an API
// error. The SDK's typed errors are matched with errors.As where they exist;
// codes serve the operations whose errors the SDK leaves generic (most S3
// sub-resource reads, which answer with a bare code).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// hasCode reports whether err is an API error with one of codes.
func hasCode(err error, codes ...string) bool {
	c := apiCode(err)
	for _, want := range codes {
		if c != "" && c == want {
			return true
		}
	}
	return false
}

// apiMessage returns the API error's message, or "".
func apiMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// isRolePropagation reports the errors Lambda returns while a new role, or
// a new policy on it, has not yet propagated (AWS-RULES I1, I2).
//
// Lambda signals both with InvalidParameterValueException, which also
// covers genuine mistakes, so only the message tells them apart: matching
// message text is unavoidable here, as in Terraform's retryFunctionOp
// (terraform-provider-aws internal/service/lambda/function.go), which
// retries exactly these messages.
func isRolePropagation(err error) bool {
	var ipv *lambdatypes.InvalidParameterValueException
	if !errors.As(err, &ipv) {
		return false
	}
	msg := ipv.ErrorMessage()
	return strings.Contains(msg, "cannot be assumed by Lambda") ||
		strings.Contains(msg, "The provided execution role does not have permissions")
}

// isMappingPermission reports CreateEventSourceMapping's "The provided
// execution role does not have permissions to call ReceiveMessage on SQS",
// returned while the role's inline policy propagates (I3). As with
// isRolePropagation, only the message distinguishes it.
func isMappingPermission(err error) bool {
	var ipv *lambdatypes.InvalidParameterValueException
	return errors.As(err, &ipv) && strings.Contains(ipv.ErrorMessage(), "does not have permissions to call")
}

// isResourceConflict reports ResourceConflictException: the function is
// still being created or updated (L1) or a mapping is mid-transition.
func isResourceConflict(err error) bool {
	var rc *lambdatypes.ResourceConflictException
	return errors.As(err, &rc)
}

// isNotificationValidation reports S3's "InvalidArgument: Unable to validate
// the following destination configurations" (S5): the topic policy has not
// propagated yet. InvalidArgument covers other mistakes too, so the message
// is matched, as every tool that retries this error does.
func isNotificationValidation(err error) bool {
	return hasCode(err, "InvalidArgument") && strings.Contains(apiMessage(err), "Unable to validate")
}

// isQueueDeletedRecently reports SQS's refusal to re-create a queue name
// within 60 seconds of its deletion (Q2).
func isQueueDeletedRecently(err error) bool {
	var qdr *sqstypes.QueueDeletedRecently
	return errors.As(err, &qdr) || hasCode(err, "AWS.SimpleQueueService.QueueDeletedRecently")
}
