package sqs

import (
	"context"
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

type createQueueInput struct {
	QueueName  string            `json:"QueueName"`
	Attributes map[string]string `json:"Attributes"`
	Tags       map[string]string `json:"tags"`
}

type queueURLOutput struct {
	QueueURL string `json:"QueueUrl" xml:"QueueUrl"`
}

// createQueue creates a queue, or returns the URL of an existing one when
// every attribute given equals the queue's (AWS-RULES Q1).
func (s *Service) createQueue(_ context.Context, c *call, in *createQueueInput) (*queueURLOutput, error) {
	name := in.QueueName
	switch {
	case name == "":
		return nil, errMissingParameter("QueueName")
	case strings.HasSuffix(name, ".fifo") || strings.EqualFold(in.Attributes["FifoQueue"], "true"):
		return nil, errFIFOUnsupported()
	case !validQueueName(name):
		return nil, errInvalidParameter("Value %s for parameter QueueName is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.", name)
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	arn := s.env.ARN("sqs", c.region, name)
	attrs, err := applyAttrs(defaultAttrs(), withoutFIFOFalse(in.Attributes), arn, s.dlqSnapshot(in.Attributes))
	if err != nil {
		return nil, err
	}
	out := &queueURLOutput{QueueURL: queueURL(c.host, s.env.Account, name)}
	if q := s.liveQueue(name); q != nil {
		return out, q.sameAttributes(in.Attributes, attrs)
	}

	s.mu.Lock()
	if q := s.queues[name]; q != nil && !q.gone.Load() {
		s.mu.Unlock()
		return out, q.sameAttributes(in.Attributes, attrs)
	}
	defer s.mu.Unlock()
	now := s.env.Clock.Now()
	if at, ok := s.deleted[name]; ok && s.opts.DeletedRecentlyWindow > 0 && now.Sub(at) < s.opts.DeletedRecentlyWindow {
		return nil, errQueueDeletedRecently(name)
	}
	q := newQueue(s.nextQueueID.Add(1), name, c.region, arn)
	q.created, q.modified = now, now
	q.setAttrs(attrs)
	for k, v := range in.Tags {
		q.tags[k] = v
	}
	err = s.env.Store.Update(func(tx *store.Tx) error {
		if err := tx.Put(tableMeta, metaQueueID, []byte(strconv.FormatUint(q.id, 10))); err != nil {
			return err
		}
		return putQueue(tx, q.record())
	})
	if err != nil {
		return nil, err
	}
	s.queues[name] = q
	s.byID[q.id] = q
	delete(s.deleted, name)
	return out, nil
}

// liveQueue returns the queue called name, or nil.
func (s *Service) liveQueue(name string) *queue {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if q := s.queues[name]; q != nil && !q.gone.Load() {
		return q
	}
	return nil
}

// withoutFIFOFalse drops FifoQueue=false, which a standard queue may state.
func withoutFIFOFalse(set map[string]string) map[string]string {
	if v, ok := set["FifoQueue"]; !ok || !strings.EqualFold(v, "false") {
		return set
	}
	out := make(map[string]string, len(set))
	for k, v := range set {
		if k != "FifoQueue" {
			out[k] = v
		}
	}
	return out
}

// sameAttributes returns QueueNameExists naming the first attribute given to
// CreateQueue whose value differs from the existing queue's.
func (q *queue) sameAttributes(given map[string]string, want queueAttrs) error {
	names := make([]string, 0, len(given))
	for n := range given {
		names = append(names, n)
	}
	sort.Strings(names)
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, name := range names {
		if name == "FifoQueue" {
			continue
		}
		have, _ := q.attrs.value(name)
		wantV, _ := want.value(name)
		if have != wantV {
			return errQueueNameExists(name)
		}
	}
	return nil
}

// dlqSnapshot looks up the dead-letter queue a RedrivePolicy in set names
// before any queue lock is taken, so that validation never locks two queues.
func (s *Service) dlqSnapshot(set map[string]string) dlqLookup {
	var arn, allow string
	var ok bool
	accept := func(string) (string, bool) { return "", true }
	if p, err := parseRedrivePolicy(set["RedrivePolicy"], "", accept); err == nil && p != nil {
		arn = p.DeadLetterTargetArn
		allow, ok = s.lookupDLQ(arn)
	}
	return func(a string) (string, bool) {
		if a != arn {
			return "", false
		}
		return allow, ok
	}
}

type queueURLInput struct {
	QueueURL string `json:"QueueUrl"`
}

// deleteQueue deletes a queue and its messages.
func (s *Service) deleteQueue(_ context.Context, c *call, in *queueURLInput) (*struct{}, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	s.gate.RLock()
	q.mu.Lock()
	if q.deleted {
		q.mu.Unlock()
		s.gate.RUnlock()
		return nil, errQueueDoesNotExist()
	}
	pos, err := s.commit(&logEntry{Purges: []uint64{q.id}}, func(tx *store.Tx) error { return tx.Delete(tableQueue, q.name) })
	if err != nil {
		q.mu.Unlock()
		s.gate.RUnlock()
		return nil, err
	}
	q.deleted = true
	q.purgedAt = pos
	q.gone.Store(true)
	q.clear()
	q.wake()
	q.mu.Unlock()
	s.gate.RUnlock()

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.queues[q.name] == q {
		delete(s.queues, q.name)
	}
	delete(s.byID, q.id)
	s.deleted[q.name] = s.env.Clock.Now()
	return &struct{}{}, nil
}

type getQueueURLInput struct {
	QueueName string `json:"QueueName"`
	OwnerAcct string `json:"QueueOwnerAWSAccountId"`
}

func (s *Service) getQueueURL(_ context.Context, c *call, in *getQueueURLInput) (*queueURLOutput, error) {
	if in.QueueName == "" {
		return nil, errMissingParameter("QueueName")
	}
	if in.OwnerAcct != "" && in.OwnerAcct != s.env.Account {
		return nil, errQueueDoesNotExist()
	}
	if _, err := s.queueByName(in.QueueName); err != nil {
		return nil, err
	}
	return &queueURLOutput{QueueURL: queueURL(c.host, s.env.Account, in.QueueName)}, nil
}

type listQueuesInput struct {
	QueueNamePrefix string `json:"QueueNamePrefix"`
	MaxResults      *int   `json:"MaxResults"`
	NextToken       string `json:"NextToken"`
}

type listQueuesOutput struct {
	QueueUrls []string `json:"QueueUrls,omitempty"`
	NextToken string   `json:"NextToken,omitempty"`
}

// listQueues lists queue URLs by name prefix; without MaxResults it returns
// up to 1,000 and no NextToken, as AWS does
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html).
func (s *Service) listQueues(_ context.Context, c *call, in *listQueuesInput) (*listQueuesOutput, error) {
	var names []string
	for _, n := range s.queueNames() {
		if strings.HasPrefix(n, in.QueueNamePrefix) {
			names = append(names, n)
		}
	}
	page, next, err := paginate(names, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &listQueuesOutput{NextToken: next}
	for _, n := range page {
		out.QueueUrls = append(out.QueueUrls, queueURL(c.host, s.env.Account, n))
	}
	return out, nil
}

// paginate returns the page of sorted names after token: at most max
// (1–1000) names and the token of the next page, or up to 1,000 names and
// no token when max is nil.
func paginate(names []string, max *int, token string) (page []string, next string, err error) {
	limit := 1000
	if max != nil {
		if *max < 1 || *max > 1000 {
			return nil, "", errInvalidParameter("Value %d for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.", *max)
		}
		limit = *max
	}
	start := 0
	if token != "" {
		after, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", errInvalidParameter("Invalid NextToken value.")
		}
		for start < len(names) && names[start] <= string(after) {
			start++
		}
	}
	end := min(start+limit, len(names))
	page = names[start:end]
	if max != nil && end < len(names) {
		next = base64.RawURLEncoding.EncodeToString([]byte(names[end-1]))
	}
	return page, next, nil
}

type getQueueAttributesInput struct {
	QueueURL       string   `json:"QueueUrl"`
	AttributeNames []string `json:"AttributeNames"`
}

type attributesOutput struct {
	Attributes map[string]string `json:"Attributes,omitempty"`
}

func (s *Service) getQueueAttributes(_ context.Context, c *call, in *getQueueAttributesInput) (*attributesOutput, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.deleted {
		return nil, errQueueDoesNotExist()
	}
	attrs, err := q.queueAttributes(in.AttributeNames, s.env.Clock.Now())
	if err != nil {
		return nil, err
	}
	return &attributesOutput{Attributes: attrs}, nil
}

type setQueueAttributesInput struct {
	QueueURL   string            `json:"QueueUrl"`
	Attributes map[string]string `json:"Attributes"`
}

func (s *Service) setQueueAttributes(_ context.Context, c *call, in *setQueueAttributesInput) (*struct{}, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if len(in.Attributes) == 0 {
		return nil, errMissingParameter("Attributes")
	}
	dlq := s.dlqSnapshot(in.Attributes)
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.deleted {
		return nil, errQueueDoesNotExist()
	}
	attrs, err := applyAttrs(q.attrs, in.Attributes, q.arn, dlq)
	if err != nil {
		return nil, err
	}
	old, oldMod := q.attrs, q.modified
	q.setAttrs(attrs)
	q.modified = s.env.Clock.Now()
	if err := s.env.Store.Update(func(tx *store.Tx) error { return putQueue(tx, q.record()) }); err != nil {
		q.setAttrs(old)
		q.modified = oldMod
		return nil, err
	}
	return &struct{}{}, nil
}

// purgeWindow is how often PurgeQueue may run on a queue
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html).
const purgeWindow = 60 * time.Second

func (s *Service) purgeQueue(_ context.Context, c *call, in *queueURLInput) (*struct{}, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	s.gate.RLock()
	defer s.gate.RUnlock()
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.deleted {
		return nil, errQueueDoesNotExist()
	}
	now := s.env.Clock.Now()
	if !q.lastPurge.IsZero() && now.Sub(q.lastPurge) < purgeWindow {
		return nil, errPurgeInProgress(q.name)
	}
	prev := q.lastPurge
	q.lastPurge = now
	pos, err := s.commit(&logEntry{Purges: []uint64{q.id}}, func(tx *store.Tx) error { return putQueue(tx, q.record()) })
	if err != nil {
		q.lastPurge = prev
		return nil, err
	}
	q.purgedAt = pos
	q.clear()
	return &struct{}{}, nil
}

type listDLQSourcesInput struct {
	QueueURL   string `json:"QueueUrl"`
	MaxResults *int   `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
}

type listDLQSourcesOutput struct {
	QueueURLs []string `json:"queueUrls"`
	NextToken string   `json:"NextToken,omitempty"`
}

// listDeadLetterSourceQueues lists the queues whose RedrivePolicy targets
// the given queue.
func (s *Service) listDeadLetterSourceQueues(_ context.Context, c *call, in *listDLQSourcesInput) (*listDLQSourcesOutput, error) {
	dlq, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range s.queueNames() {
		q, err := s.queueByName(n)
		if err != nil {
			continue
		}
		q.mu.Lock()
		if p := q.attrs.RedrivePolicy; p != nil && p.DeadLetterTargetArn == dlq.arn && !q.deleted {
			names = append(names, n)
		}
		q.mu.Unlock()
	}
	page, next, err := paginate(names, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &listDLQSourcesOutput{QueueURLs: []string{}, NextToken: next}
	for _, n := range page {
		out.QueueURLs = append(out.QueueURLs, queueURL(c.host, s.env.Account, n))
	}
	return out, nil
}
