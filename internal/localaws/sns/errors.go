package sns

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// Error codes and messages as SNS sends them; the SDKs map the codes to
// typed errors (*types.NotFoundException for "NotFound", …), per the
// service model (https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html
// and each action's Errors section).

func errTopicNotFound() *awsproto.Error {
	return &awsproto.Error{Code: "NotFound", Status: http.StatusNotFound, Message: "Topic does not exist"}
}

func errSubscriptionNotFound() *awsproto.Error {
	return &awsproto.Error{Code: "NotFound", Status: http.StatusNotFound, Message: "Subscription does not exist"}
}

func errResourceNotFound() *awsproto.Error {
	return &awsproto.Error{Code: "ResourceNotFound", Status: http.StatusNotFound, Message: "Resource does not exist"}
}

// invalidParameter is SNS's InvalidParameter: "Invalid parameter: <what>".
func invalidParameter(format string, args ...any) *awsproto.Error {
	return &awsproto.Error{Code: "InvalidParameter", Status: http.StatusBadRequest,
		Message: "Invalid parameter: " + fmt.Sprintf(format, args...)}
}

// invalidParameterValue is SNS's ParameterValueInvalid
// (*types.InvalidParameterValueException), used for message attributes.
func invalidParameterValue(format string, args ...any) *awsproto.Error {
	return &awsproto.Error{Code: "ParameterValueInvalid", Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

func batchError(code, msg string) *awsproto.Error {
	return &awsproto.Error{Code: code, Status: http.StatusBadRequest, Message: msg}
}

// A call is one request being served.
type call struct {
	ctx    context.Context
	params url.Values
	region string
}

// required returns a parameter that must be present and non-empty.
func (c *call) required(name string) (string, error) {
	v := c.params.Get(name)
	if v == "" {
		return "", invalidParameter("%s", name)
	}
	return v, nil
}
