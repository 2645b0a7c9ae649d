package esm

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// configuration is EventSourceMappingConfiguration as the API returns it
// (https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html).
// Timestamps are epoch seconds, as restJson1 sends them.
type configuration struct {
	UUID                           string          `json:"UUID"`
	EventSourceArn                 string          `json:"EventSourceArn"`
	EventSourceMappingArn          string          `json:"EventSourceMappingArn"`
	FunctionArn                    string          `json:"FunctionArn"`
	BatchSize                      int             `json:"BatchSize"`
	MaximumBatchingWindowInSeconds int             `json:"MaximumBatchingWindowInSeconds"`
	FunctionResponseTypes          []string        `json:"FunctionResponseTypes"`
	ScalingConfig                  *scalingConfig  `json:"ScalingConfig,omitempty"`
	FilterCriteria                 *filterCriteria `json:"FilterCriteria,omitempty"`
	State                          string          `json:"State"`
	StateTransitionReason          string          `json:"StateTransitionReason"`
	LastModified                   float64         `json:"LastModified"`
	LastProcessingResult           string          `json:"LastProcessingResult"`
}

type scalingConfig struct {
	MaximumConcurrency *int `json:"MaximumConcurrency,omitempty"`
}

// request is the body of Create and Update (the fields SQS mappings use;
// others are accepted and ignored, as they do not apply to SQS).
// FilterCriteria replaces the mapping's filters; {"Filters": []} removes
// them.
type request struct {
	EventSourceArn                 *string         `json:"EventSourceArn"`
	FunctionName                   *string         `json:"FunctionName"`
	BatchSize                      *int            `json:"BatchSize"`
	MaximumBatchingWindowInSeconds *int            `json:"MaximumBatchingWindowInSeconds"`
	Enabled                        *bool           `json:"Enabled"`
	FunctionResponseTypes          *[]string       `json:"FunctionResponseTypes"`
	ScalingConfig                  *scalingConfig  `json:"ScalingConfig"`
	FilterCriteria                 *filterCriteria `json:"FilterCriteria"`
}

func (s *Service) render(m *mapping) configuration {
	c := configuration{
		UUID: m.UUID, EventSourceArn: m.EventSourceARN, FunctionArn: m.FunctionARN,
		EventSourceMappingArn:          s.env.ARN("lambda", regionOf(m.FunctionARN, s.env.Region), "event-source-mapping:"+m.UUID),
		BatchSize:                      m.BatchSize,
		MaximumBatchingWindowInSeconds: m.BatchingWindowSeconds,
		FunctionResponseTypes:          append([]string{}, m.ResponseTypes...),
		State:                          s.state(m),
		StateTransitionReason:          m.StateTransitionReason,
		LastModified:                   float64(m.LastModified.UnixMilli()) / 1000,
		LastProcessingResult:           m.LastProcessingResult,
		FilterCriteria:                 criteria(m.FilterPatterns),
	}
	if m.MaximumConcurrency > 0 {
		n := m.MaximumConcurrency
		c.ScalingConfig = &scalingConfig{MaximumConcurrency: &n}
	}
	return c
}

func decode(r *http.Request) (request, error) {
	body, err := awsproto.ReadBody(r, maxBody)
	if err != nil {
		return request{}, err
	}
	var req request
	if err := json.Unmarshal(body, &req); err != nil {
		return request{}, invalidParameter("Could not parse request body into json: %v", err)
	}
	return req, nil
}

func (s *Service) create(r *http.Request) (int, any, error) {
	req, err := decode(r)
	if err != nil {
		return 0, nil, err
	}
	if req.EventSourceArn == nil || *req.EventSourceArn == "" {
		return 0, nil, invalidParameter("EventSourceArn is required for SQS event sources.")
	}
	if req.FunctionName == nil || *req.FunctionName == "" {
		return 0, nil, invalidParameter("FunctionName is required.")
	}
	queueARN := *req.EventSourceArn
	if !strings.HasPrefix(queueARN, "arn:aws:sqs:") {
		return 0, nil, invalidParameter("Unrecognized event source, must be kinesis, dynamodb stream, sqs, msk or mq: %s", queueARN)
	}
	fn, ok := s.fns.Lookup(*req.FunctionName)
	if !ok {
		return 0, nil, notFound("Function not found: %s", *req.FunctionName)
	}
	now := s.env.Clock.Now()
	m := &mapping{UUID: newUUID(), EventSourceARN: queueARN, FunctionARN: fn.ARN, FunctionName: fn.Name,
		BatchSize: 10, Enabled: true, Created: now, LastModified: now,
		StateTransitionReason: "USER_INITIATED", LastProcessingResult: "No records processed"}
	if err := apply(m, req); err != nil {
		return 0, nil, err
	}
	if err := s.checkSource(queueARN, fn); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, other := range s.mappings {
		if other.EventSourceARN == queueARN && other.FunctionARN == fn.ARN && !other.Deleting {
			return 0, nil, &awsproto.Error{Code: "ResourceConflictException", Status: http.StatusConflict,
				Message: fmt.Sprintf("An event source mapping with SQS arn (\" %s \") and function (\" %s \") already exists. Please update or delete the existing mapping with UUID %s", queueARN, fn.Name, other.UUID)}
		}
	}
	if err := s.persist(m); err != nil {
		return 0, nil, err
	}
	s.mappings[m.UUID] = m
	s.startLocked(m)
	return http.StatusAccepted, s.render(m), nil
}

// checkSource enforces L4 and I3: the queue exists, its visibility timeout
// covers the function's timeout, and the role may consume it.
func (s *Service) checkSource(queueARN string, fn Function) error {
	vt, err := s.q.VisibilityTimeout(queueARN)
	if err != nil {
		return invalidParameter("Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist: %s", queueARN)
	}
	if vt < fn.Timeout {
		return invalidParameter("Invalid parameter: Queue visibility timeout: %d seconds is less than Function timeout: %d seconds", int(vt.Seconds()), int(fn.Timeout.Seconds()))
	}
	for _, action := range []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"} {
		if !s.perms.Allowed(fn.Role, action, queueARN) {
			op := strings.TrimPrefix(action, "sqs:")
			return invalidParameter("The provided execution role does not have permissions to call %s on SQS", op)
		}
	}
	return nil
}

// apply sets the request's fields on m and validates the result (L5, L11).
func apply(m *mapping, req request) error {
	if req.BatchSize != nil {
		m.BatchSize = *req.BatchSize
	}
	if req.MaximumBatchingWindowInSeconds != nil {
		m.BatchingWindowSeconds = *req.MaximumBatchingWindowInSeconds
	}
	if req.Enabled != nil {
		m.Enabled = *req.Enabled
	}
	if req.FunctionResponseTypes != nil {
		m.ResponseTypes = append([]string{}, (*req.FunctionResponseTypes)...)
	}
	if req.FilterCriteria != nil {
		patterns, err := req.FilterCriteria.patterns()
		if err != nil {
			return err
		}
		m.FilterPatterns, m.filters = patterns, compile(patterns)
	}
	if req.ScalingConfig != nil {
		m.MaximumConcurrency = 0
		if req.ScalingConfig.MaximumConcurrency != nil {
			m.MaximumConcurrency = *req.ScalingConfig.MaximumConcurrency
		}
	}
	switch {
	case m.BatchSize < 1 || m.BatchSize > 10000:
		return invalidParameter("1 validation error detected: Value '%d' at 'batchSize' failed to satisfy constraint: Member must have value between 1 and 10000", m.BatchSize)
	case m.BatchSize > 10 && m.BatchingWindowSeconds == 0:
		return invalidParameter("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
	case m.BatchingWindowSeconds < 0 || m.BatchingWindowSeconds > 300:
		return invalidParameter("1 validation error detected: Value '%d' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value between 0 and 300", m.BatchingWindowSeconds)
	case m.MaximumConcurrency != 0 && (m.MaximumConcurrency < 2 || m.MaximumConcurrency > 1000):
		return invalidParameter("1 validation error detected: Value '%d' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value between 2 and 1000", m.MaximumConcurrency)
	}
	for _, t := range m.ResponseTypes {
		if t != reportBatchItemFailures {
			return invalidParameter("1 validation error detected: Value '[%s]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy enum value set: [ReportBatchItemFailures]", t)
		}
	}
	return nil
}

func (s *Service) lookup(uuid string) (*mapping, error) {
	m, ok := s.mappings[uuid]
	if !ok || m.Deleting {
		return nil, notFound("The resource you requested does not exist.")
	}
	return m, nil
}

func (s *Service) get(uuid string) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.mappings[uuid]; ok && m.Deleting {
		return http.StatusOK, s.render(m), nil
	}
	m, err := s.lookup(uuid)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.render(m), nil
}

func (s *Service) update(r *http.Request, uuid string) (int, any, error) {
	req, err := decode(r)
	if err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	cur, err := s.lookup(uuid)
	if err != nil {
		s.mu.Unlock()
		return 0, nil, err
	}
	next := *cur
	s.mu.Unlock()
	if req.FunctionName != nil && *req.FunctionName != "" {
		fn, ok := s.fns.Lookup(*req.FunctionName)
		if !ok {
			return 0, nil, notFound("Function not found: %s", *req.FunctionName)
		}
		next.FunctionARN, next.FunctionName = fn.ARN, fn.Name
	}
	if err := apply(&next, req); err != nil {
		return 0, nil, err
	}
	fn, ok := s.fns.Lookup(next.FunctionARN)
	if !ok {
		return 0, nil, notFound("Function not found: %s", next.FunctionARN)
	}
	if err := s.checkSource(next.EventSourceARN, fn); err != nil {
		return 0, nil, err
	}
	next.LastModified = s.env.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.lookup(uuid); err != nil {
		return 0, nil, err
	}
	if err := s.persist(&next); err != nil {
		return 0, nil, err
	}
	s.stopLocked(uuid)
	m := &next
	s.mappings[uuid] = m
	s.startLocked(m)
	return http.StatusAccepted, s.render(m), nil
}

// delete removes the mapping from the store and stops its pollers. Like
// AWS's, the mapping stays in state Deleting while a batch it took is still
// being processed (L10), then is gone; clients wait until Get says not
// found, so that once it does, the mapping invokes its function no more
// (down deletes the function and its log group only then).
func (s *Service) delete(uuid string) (int, any, error) {
	s.mu.Lock()
	m, err := s.lookup(uuid)
	if err != nil {
		s.mu.Unlock()
		return 0, nil, err
	}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return tx.Delete(table, uuid) }); err != nil {
		s.mu.Unlock()
		return 0, nil, err
	}
	s.stopLocked(uuid)
	gone := *m
	gone.Deleting = true
	s.mappings[uuid] = &gone
	running := s.running[uuid]
	s.mu.Unlock()
	go func() {
		if running != nil {
			running.Wait()
		}
		s.mu.Lock()
		if s.mappings[uuid] == &gone {
			delete(s.mappings, uuid)
			delete(s.running, uuid)
		}
		s.mu.Unlock()
	}()
	return http.StatusAccepted, s.render(&gone), nil
}

func (s *Service) list(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	source, function := q.Get("EventSourceArn"), q.Get("FunctionName")
	var fnARN string
	if function != "" {
		fn, ok := s.fns.Lookup(function)
		if !ok {
			return http.StatusOK, map[string]any{"EventSourceMappings": []configuration{}}, nil
		}
		fnARN = fn.ARN
	}
	maxItems := 100
	if v := q.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return 0, nil, invalidParameter("MaxItems must be between 1 and 10000")
		}
		maxItems = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, m := range s.mappings {
		if (source == "" || m.EventSourceARN == source) && (fnARN == "" || m.FunctionARN == fnARN) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	marker := q.Get("Marker")
	out := map[string]any{}
	page := []configuration{}
	for _, id := range ids {
		if marker != "" && id <= marker {
			continue
		}
		if len(page) == maxItems {
			out["NextMarker"] = page[len(page)-1].UUID
			break
		}
		page = append(page, s.render(s.mappings[id]))
	}
	out["EventSourceMappings"] = page
	return http.StatusOK, out, nil
}

func invalidParameter(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "InvalidParameterValueException", format, args...)
}

func notFound(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusNotFound, "ResourceNotFoundException", format, args...)
}

// newUUID returns a random RFC 4122 version 4 UUID, as mapping IDs are.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// regionOf returns the region field of an ARN, or def.
func regionOf(arn, def string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) == 5 && parts[3] != "" {
		return parts[3]
	}
	return def
}
