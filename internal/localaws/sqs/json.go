package sqs

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// serveJSON serves the JSON 1.0 protocol: the operation in X-Amz-Target
// (AmazonSQS.<Op>), the input as the JSON body
// (https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html).
func (s *Service) serveJSON(w http.ResponseWriter, r *http.Request, reqID string) error {
	prefix, name, ok := awsproto.Target(r.Header.Get("X-Amz-Target"))
	if !ok || prefix != "AmazonSQS" || r.Method != http.MethodPost {
		return &awsproto.Error{Code: "UnknownOperationException", Message: "Unknown operation " + r.Header.Get("X-Amz-Target") + "."}
	}
	o, ok := operations[name]
	if !ok {
		return &awsproto.Error{Code: "UnknownOperationException", Message: "Unknown operation " + name + "."}
	}
	body, err := awsproto.ReadBody(r, maxRequestBody)
	if err != nil {
		return err
	}
	in, err := decodeJSON(o, body)
	if err != nil {
		return err
	}
	out, err := o.run(s, r.Context(), s.newCall(r), in)
	if err != nil {
		return err
	}
	return awsproto.WriteJSON(w, awsproto.ContentTypeJSON10, out, reqID)
}

// decodeJSON decodes an operation's JSON input; an empty body is an empty
// input. Malformed JSON is a 400 SerializationException.
func decodeJSON(o operation, body []byte) (any, error) {
	in := o.newInput()
	if len(bytes.TrimSpace(body)) == 0 {
		return in, nil
	}
	if err := json.Unmarshal(body, in); err != nil {
		return nil, &awsproto.Error{Code: "SerializationException", Message: "The request body could not be parsed: " + jsonProblem(err)}
	}
	return in, nil
}

// jsonProblem describes a decoding error without echoing Go type names.
func jsonProblem(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return "malformed JSON"
	case *json.UnmarshalTypeError:
		return "wrong type for field " + e.Field
	}
	return "malformed input"
}
