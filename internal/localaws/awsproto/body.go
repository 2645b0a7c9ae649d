package awsproto

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// ReadBody reads the whole request body, refusing bodies over max bytes with
// a 413 RequestEntityTooLarge-style error.
func ReadBody(r *http.Request, max int64) ([]byte, error) {
	if r.ContentLength > max {
		return nil, tooLarge(max)
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return nil, MalformedInput("read request body: %v", err)
	}
	if int64(len(b)) > max {
		return nil, tooLarge(max)
	}
	return b, nil
}

func tooLarge(max int64) *Error {
	return &Error{Code: "RequestEntityTooLarge", Status: http.StatusRequestEntityTooLarge,
		Message: fmt.Sprintf("Request body is larger than %d bytes.", max)}
}

// ReadForm returns the parameters of a query-protocol request: the URL query
// merged with an application/x-www-form-urlencoded body of at most max bytes.
func ReadForm(r *http.Request, max int64) (url.Values, error) {
	params := r.URL.Query()
	if r.Method == http.MethodPost {
		body, err := ReadBody(r, max)
		if err != nil {
			return nil, err
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, MalformedInput("malformed form body: %v", err)
		}
		for k, vs := range form {
			params[k] = append(params[k], vs...)
		}
	}
	return params, nil
}
