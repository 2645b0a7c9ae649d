package awsproto

import (
	"net/http"
	"strings"
)

// A Scope is the SigV4 credential scope of a request:
// <access key>/<date>/<region>/<service>/aws4_request
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
type Scope struct {
	AccessKey, Date, Region, Service string
}

// ParseScope extracts the credential scope from the Authorization header
// (AWS4-HMAC-SHA256 Credential=…) or from a presigned URL's X-Amz-Credential
// query parameter. ok is false for unsigned or otherwise signed requests.
// The signature itself is not verified: the local AWS accepts any credentials.
func ParseScope(r *http.Request) (s Scope, ok bool) {
	cred := ""
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "AWS4-HMAC-SHA256") {
		rest := strings.TrimPrefix(auth, "AWS4-HMAC-SHA256")
		for _, part := range strings.Split(rest, ",") {
			part = strings.TrimSpace(part)
			if v, found := strings.CutPrefix(part, "Credential="); found {
				cred = v
			}
		}
	} else if v := r.URL.Query().Get("X-Amz-Credential"); v != "" {
		cred = v
	}
	if cred == "" {
		return Scope{}, false
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[3] == "" {
		return Scope{}, false
	}
	return Scope{AccessKey: parts[0], Date: parts[1], Region: parts[2], Service: parts[3]}, true
}
