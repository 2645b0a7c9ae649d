package sns

import (
	"maps"
	"sort"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// Tag limits (https://docs.aws.amazon.com/sns/latest/dg/sns-tags-restrictions.html).
const (
	maxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

// parseTags reads Tags.member.N.Key/Value and validates each tag.
func parseTags(c *call) (map[string]string, error) {
	tags := awsproto.Pairs(c.params, "Tags.member", "Key", "Value")
	for k, v := range tags {
		if k == "" || len(k) > maxTagKeyLen {
			return nil, invalidParameter("Tags Reason: tag key must be 1 to %d characters", maxTagKeyLen)
		}
		if len(v) > maxTagValueLen {
			return nil, invalidParameter("Tags Reason: tag value must be at most %d characters", maxTagValueLen)
		}
	}
	if len(tags) > maxTags {
		return nil, batchError("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded")
	}
	return tags, nil
}

func (s *Service) tagResource(c *call) (any, error) {
	arn, err := c.required("ResourceArn")
	if err != nil {
		return nil, err
	}
	tags, err := parseTags(c)
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, invalidParameter("Tags")
	}
	return s.updateTags(arn, func(m map[string]string) error {
		maps.Copy(m, tags)
		if len(m) > maxTags {
			return batchError("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded")
		}
		return nil
	})
}

func (s *Service) untagResource(c *call) (any, error) {
	arn, err := c.required("ResourceArn")
	if err != nil {
		return nil, err
	}
	keys := awsproto.Members(c.params, "TagKeys")
	return s.updateTags(arn, func(m map[string]string) error {
		for _, k := range keys {
			delete(m, k)
		}
		return nil
	})
}

// updateTags applies edit to a copy of the topic's tags and stores it.
func (s *Service) updateTags(arn string, edit func(map[string]string) error) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.topics[arn]
	if !ok {
		return nil, errResourceNotFound()
	}
	next := *t
	next.Tags = maps.Clone(t.Tags)
	if next.Tags == nil {
		next.Tags = map[string]string{}
	}
	if err := edit(next.Tags); err != nil {
		return nil, err
	}
	if err := s.putTopic(&next); err != nil {
		return nil, err
	}
	*t = next
	return empty{}, nil
}

func (s *Service) listTagsForResource(c *call) (any, error) {
	arn, err := c.required("ResourceArn")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.topics[arn]
	if !ok {
		return nil, errResourceNotFound()
	}
	res := listTagsResult{Tags: []tag{}}
	for k, v := range t.Tags {
		res.Tags = append(res.Tags, tag{k, v})
	}
	sort.Slice(res.Tags, func(i, j int) bool { return res.Tags[i].Key < res.Tags[j].Key })
	return res, nil
}
