package awsproto

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Content types of the JSON protocols.
const (
	ContentTypeJSON10 = "application/x-amz-json-1.0" // SQS
	ContentTypeJSON11 = "application/x-amz-json-1.1" // CloudWatch Logs
)

// WriteJSON writes a JSON-protocol success response with status 200.
func WriteJSON(w http.ResponseWriter, contentType string, v any, requestID string) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("x-amzn-RequestId", requestID)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// WriteJSONError writes an awsJson1_0/awsJson1_1 error
// (https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html):
// {"__type": "<namespace>#<Code>", "message": "…"}. namespace may be empty
// (CloudWatch Logs sends the bare code). For an awsQueryCompatible service
// (SQS) pass queryCompatible, which adds the x-amzn-query-error header
// "<LegacyCode>;<Sender|Receiver>" that the SDKs use to recover the legacy
// code.
func WriteJSONError(w http.ResponseWriter, contentType, namespace string, e *Error, queryCompatible bool, requestID string) {
	typ := e.Code
	if namespace != "" {
		typ = namespace + "#" + e.Code
	}
	body, _ := json.Marshal(map[string]string{"__type": typ, "message": e.Message})
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("x-amzn-RequestId", requestID)
	if queryCompatible {
		w.Header().Set("x-amzn-query-error", e.LegacyCode()+";"+e.FaultType())
	}
	w.WriteHeader(e.HTTPStatus())
	w.Write(body)
}

// WriteRESTJSONError writes a restJson1 error (Lambda): the code in the
// X-Amzn-ErrorType header and {"Type": "User"|"Service", "message": "…"}.
func WriteRESTJSONError(w http.ResponseWriter, e *Error, requestID string) {
	typ := "User"
	if e.Receiver {
		typ = "Service"
	}
	body, _ := json.Marshal(map[string]string{"Type": typ, "message": e.Message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.Header().Set("x-amzn-RequestId", requestID)
	w.WriteHeader(e.HTTPStatus())
	w.Write(body)
}

// Target splits an X-Amz-Target header "Prefix.Operation" into its parts.
// ok is false when the header has no dot or an empty part.
func Target(header string) (prefix, operation string, ok bool) {
	prefix, operation, found := strings.Cut(header, ".")
	if !found || prefix == "" || operation == "" {
		return "", "", false
	}
	return prefix, operation, true
}
