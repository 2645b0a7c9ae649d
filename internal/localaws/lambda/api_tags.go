package lambda

import (
	"maps"
	"net/http"
	"strings"
)

// tagged resolves the ARN of the tag operations
// (https://docs.aws.amazon.com/lambda/latest/api/API_TagResource.html) to a
// function; only unqualified function ARNs carry tags.
func (s *Service) tagged(r *http.Request) (*function, error) {
	arn := r.PathValue("arn")
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":function:") {
		return nil, validationError(arn, "resource", "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:[a-zA-Z0-9-_]+|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
	}
	return s.lookup(r, arn)
}

func (s *Service) tagResource(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.tagged(r)
	if err != nil {
		return err
	}
	var in struct{ Tags map[string]string }
	if err := readRequest(r, maxConfigBody, "TagResource", &in); err != nil {
		return err
	}
	return s.retag(w, fn, reqID, func(tags map[string]string) { maps.Copy(tags, in.Tags) })
}

func (s *Service) untagResource(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.tagged(r)
	if err != nil {
		return err
	}
	keys := r.URL.Query()["tagKeys"]
	return s.retag(w, fn, reqID, func(tags map[string]string) {
		for _, k := range keys {
			delete(tags, k)
		}
	})
}

// retag applies edit to a copy of fn's tags and stores it: 204. Tags do
// not change the code or configuration: running instances stay.
func (s *Service) retag(w http.ResponseWriter, fn *function, reqID string, edit func(map[string]string)) error {
	if _, err := s.change(fn, func(_, next *function) error {
		if next.Tags == nil {
			next.Tags = map[string]string{}
		}
		edit(next.Tags)
		return validateTags(next.Tags)
	}); err != nil {
		return err
	}
	return writeEmpty(w, http.StatusNoContent, reqID)
}

func (s *Service) listTags(w http.ResponseWriter, r *http.Request, reqID string) error {
	fn, err := s.tagged(r)
	if err != nil {
		return err
	}
	tags := fn.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return writeJSON(w, http.StatusOK, struct{ Tags map[string]string }{tags}, reqID)
}
