package iam

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// Errors as IAM sends them; the SDKs map the codes to typed errors
// (*types.NoSuchEntityException, …). Messages follow IAM's wording
// (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html and
// each action's Errors section).

func errNoSuchRole(name string) *awsproto.Error {
	return &awsproto.Error{Code: "NoSuchEntity", Status: http.StatusNotFound, Message: fmt.Sprintf("The role with name %s cannot be found.", name)}
}

func errNoSuchRolePolicy(name string) *awsproto.Error {
	return &awsproto.Error{Code: "NoSuchEntity", Status: http.StatusNotFound, Message: fmt.Sprintf("The role policy with name %s cannot be found.", name)}
}

func errNoSuchPolicy(arn string) *awsproto.Error {
	return &awsproto.Error{Code: "NoSuchEntity", Status: http.StatusNotFound, Message: fmt.Sprintf("Policy %s was not found.", arn)}
}

func errNotAttachable(arn string) *awsproto.Error {
	return &awsproto.Error{Code: "NoSuchEntity", Status: http.StatusNotFound, Message: fmt.Sprintf("Policy %s does not exist or is not attachable.", arn)}
}

func errRoleExists(name string) *awsproto.Error {
	return &awsproto.Error{Code: "EntityAlreadyExists", Status: http.StatusConflict, Message: fmt.Sprintf("Role with name %s already exists.", name)}
}

func errDeleteConflict(msg string) *awsproto.Error {
	return &awsproto.Error{Code: "DeleteConflict", Status: http.StatusConflict, Message: msg}
}

func errLimitExceeded(format string, args ...any) *awsproto.Error {
	return &awsproto.Error{Code: "LimitExceeded", Status: http.StatusConflict, Message: fmt.Sprintf(format, args...)}
}

func errMalformed(reason string) *awsproto.Error {
	return &awsproto.Error{Code: "MalformedPolicyDocument", Status: http.StatusBadRequest, Message: reason}
}

func errInvalidInput(format string, args ...any) *awsproto.Error {
	return &awsproto.Error{Code: "InvalidInput", Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

// validation is IAM's ValidationError for a parameter that breaks its
// model constraint: "1 validation error detected: Value 'x' at 'roleName'
// failed to satisfy constraint: …".
func validation(value, field, constraint string) *awsproto.Error {
	return &awsproto.Error{Code: "ValidationError", Status: http.StatusBadRequest,
		Message: fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, constraint)}
}

func missing(field string) *awsproto.Error {
	return &awsproto.Error{Code: "ValidationError", Status: http.StatusBadRequest,
		Message: fmt.Sprintf("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)}
}

// Name rules of the IAM model: role and policy names are [\w+=,.@-]+.
var namePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)

// checkName validates a role (max 64) or policy (max 128) name.
func checkName(value, field string, max int) error {
	switch {
	case value == "":
		return missing(field)
	case len(value) > max:
		return validation(value, field, fmt.Sprintf("Member must have length less than or equal to %d", max))
	case !namePattern.MatchString(value):
		return validation(value, field, `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	}
	return nil
}

// checkPath validates a path: "/" or "/…/" of printable ASCII, ≤ 512.
func checkPath(path, field string) error {
	if len(path) > 512 {
		return validation(path, field, "Member must have length less than or equal to 512")
	}
	if path == "/" {
		return nil
	}
	ok := len(path) >= 2 && path[0] == '/' && path[len(path)-1] == '/'
	for i := 0; ok && i < len(path); i++ {
		ok = path[i] >= 0x21 && path[i] <= 0x7e
	}
	if !ok {
		return validation(path, field, `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	}
	return nil
}

// paging reads Marker and MaxItems (1–1000, default 100).
func paging(p url.Values) (after string, max int, err error) {
	max = 100
	if v := p.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return "", 0, validation(v, "maxItems", "Member must have value between 1 and 1000")
		}
		max = n
	}
	if m := p.Get("Marker"); m != "" {
		if after, err = decodeMarker(m); err != nil {
			return "", 0, errInvalidInput("Invalid Marker.")
		}
	}
	return after, max, nil
}
