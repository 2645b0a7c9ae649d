// Package logs serves the local AWS's CloudWatch Logs over the awsJson1_1
// protocol (X-Amz-Target: Logs_20140328.<Operation>): log groups and streams,
// retention, tags, PutLogEvents, GetLogEvents with forward and backward
// tokens, and FilterLogEvents with filter patterns, as
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/ describes
// them.
//
// All state lives in memory, one lock per log group, and is written through
// to the store before a request is acknowledged, so an acknowledged
// PutLogEvents survives a kill -9. Each stream keeps its events sorted by
// (timestamp, ingestion sequence); reads binary-search the time range and
// FilterLogEvents merges the group's streams, so a narrow time range never
// scans a whole group. Retention is applied lazily: reads skip events older
// than the group's retention.
//
// Append is the in-process entry point for the local Lambda, which writes a
// function's output as log events.
package logs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/service"
)

// TargetPrefix is the X-Amz-Target prefix of CloudWatch Logs requests.
const TargetPrefix = "Logs_20140328"

// maxBody bounds a request body. PutLogEvents carries up to 1 MiB of
// messages, which JSON escaping can inflate up to six times.
const maxBody = 8 << 20

// A Service is the CloudWatch Logs endpoint. It is safe for concurrent use.
type Service struct {
	env service.Env

	mu     sync.RWMutex // guards groups (the map, not the groups' contents)
	groups map[string]*group

	seq atomic.Uint64 // the last ingestion sequence handed out
}

// New returns the service with its state loaded from env.Store.
func New(env service.Env) (*Service, error) {
	s := &Service{env: env, groups: map[string]*group{}}
	if err := s.load(); err != nil {
		return nil, fmt.Errorf("load logs state: %w", err)
	}
	return s, nil
}

// A call is one request being served.
type call struct {
	region string
	body   []byte
}

// decode reads the request's JSON document into v. An empty body is {}.
func (c *call) decode(v any) error {
	body := bytes.TrimSpace(c.body)
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	err := dec.Decode(v)
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return awsproto.MalformedInput("Invalid type for member %s: got a JSON %s.", typeErr.Field, typeErr.Value)
	case err != nil || dec.More():
		return awsproto.MalformedInput("The request body is not a valid JSON document.")
	}
	return nil
}

type handler func(s *Service, c *call) (any, error)

// operations maps X-Amz-Target operation names to their handlers.
var operations = map[string]handler{
	"CreateLogGroup":        (*Service).createLogGroup,
	"DeleteLogGroup":        (*Service).deleteLogGroup,
	"DescribeLogGroups":     (*Service).describeLogGroups,
	"PutRetentionPolicy":    (*Service).putRetentionPolicy,
	"DeleteRetentionPolicy": (*Service).deleteRetentionPolicy,
	"CreateLogStream":       (*Service).createLogStream,
	"DeleteLogStream":       (*Service).deleteLogStream,
	"DescribeLogStreams":    (*Service).describeLogStreams,
	"PutLogEvents":          (*Service).putLogEvents,
	"GetLogEvents":          (*Service).getLogEvents,
	"FilterLogEvents":       (*Service).filterLogEvents,
	"TagResource":           (*Service).tagResource,
	"UntagResource":         (*Service).untagResource,
	"ListTagsForResource":   (*Service).listTagsForResource,
	"TagLogGroup":           (*Service).tagLogGroup,
	"UntagLogGroup":         (*Service).untagLogGroup,
	"ListTagsLogGroup":      (*Service).listTagsLogGroup,
}

// ServeHTTP serves one JSON 1.1 request. Errors are rendered as
// {"__type": code, "message": …}; anything that is not an *awsproto.Error is
// logged and becomes a 500 InternalFailure that reveals nothing.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := awsproto.NewRequestID()
	defer func() {
		if v := recover(); v != nil {
			s.env.Log.Error("logs: panic serving request", "panic", v, "stack", string(debug.Stack()), "target", r.Header.Get("X-Amz-Target"))
			awsproto.WriteJSONError(w, awsproto.ContentTypeJSON11, "", awsproto.ErrInternal, false, reqID)
		}
	}()
	out, err := s.serve(r)
	if err == nil {
		// The response types always marshal; an error here is the client gone.
		if err := awsproto.WriteJSON(w, awsproto.ContentTypeJSON11, out, reqID); err != nil {
			s.env.Log.Debug("logs: write response", "err", err)
		}
		return
	}
	var e *awsproto.Error
	if !errors.As(err, &e) {
		s.env.Log.Error("logs: internal error", "err", err, "target", r.Header.Get("X-Amz-Target"))
		e = awsproto.ErrInternal
	}
	awsproto.WriteJSONError(w, awsproto.ContentTypeJSON11, "", e, false, reqID)
}

func (s *Service) serve(r *http.Request) (any, error) {
	prefix, op, ok := awsproto.Target(r.Header.Get("X-Amz-Target"))
	if !ok || prefix != TargetPrefix {
		return nil, unknownOperation(r.Header.Get("X-Amz-Target"))
	}
	h, ok := operations[op]
	if !ok {
		return nil, unknownOperation(op)
	}
	body, err := awsproto.ReadBody(r, maxBody)
	if err != nil {
		return nil, err
	}
	c := &call{region: s.env.Region, body: body}
	if scope, ok := awsproto.ParseScope(r); ok && scope.Region != "" {
		c.region = scope.Region
	}
	out, err := h(s, c)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = struct{}{}
	}
	return out, nil
}

// now is the current time in ms since the epoch.
func (s *Service) now() int64 { return s.env.Clock.Now().UnixMilli() }
