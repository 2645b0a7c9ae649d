package sqs

import (
	"context"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Tag limits (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-tags.html):
// at most 50 tags a queue, keys of 1–128 and values of 0–256 characters.
const (
	maxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

func validateTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return errInvalidParameter("Too many tags: a queue can have at most %d.", maxTags)
	}
	for k, v := range tags {
		if k == "" || len(k) > maxTagKeyLen {
			return errInvalidParameter("Tag keys must be between 1 and %d characters long.", maxTagKeyLen)
		}
		if len(v) > maxTagValueLen {
			return errInvalidParameter("Tag values must be at most %d characters long.", maxTagValueLen)
		}
	}
	return nil
}

type tagQueueInput struct {
	QueueURL string            `json:"QueueUrl"`
	Tags     map[string]string `json:"Tags"`
}

type untagQueueInput struct {
	QueueURL string   `json:"QueueUrl"`
	TagKeys  []string `json:"TagKeys"`
}

type tagsOutput struct {
	Tags map[string]string `json:"Tags,omitempty"`
}

func (s *Service) tagQueue(_ context.Context, c *call, in *tagQueueInput) (*struct{}, error) {
	if len(in.Tags) == 0 {
		return nil, errMissingParameter("Tags")
	}
	return s.changeTags(c, in.QueueURL, func(tags map[string]string) error {
		for k, v := range in.Tags {
			tags[k] = v
		}
		return validateTags(tags)
	})
}

func (s *Service) untagQueue(_ context.Context, c *call, in *untagQueueInput) (*struct{}, error) {
	if len(in.TagKeys) == 0 {
		return nil, errMissingParameter("TagKeys")
	}
	return s.changeTags(c, in.QueueURL, func(tags map[string]string) error {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		return nil
	})
}

// changeTags applies edit to a copy of the queue's tags and stores it.
func (s *Service) changeTags(c *call, rawURL string, edit func(map[string]string) error) (*struct{}, error) {
	q, err := s.queueByURL(c, rawURL)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.deleted {
		return nil, errQueueDoesNotExist()
	}
	tags := make(map[string]string, len(q.tags))
	for k, v := range q.tags {
		tags[k] = v
	}
	if err := edit(tags); err != nil {
		return nil, err
	}
	old := q.tags
	q.tags = tags
	if err := s.env.Store.Update(func(tx *store.Tx) error { return putQueue(tx, q.record()) }); err != nil {
		q.tags = old
		return nil, err
	}
	return &struct{}{}, nil
}

func (s *Service) listQueueTags(_ context.Context, c *call, in *queueURLInput) (*tagsOutput, error) {
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.deleted {
		return nil, errQueueDoesNotExist()
	}
	out := &tagsOutput{Tags: make(map[string]string, len(q.tags))}
	for k, v := range q.tags {
		out.Tags[k] = v
	}
	return out, nil
}
