package logs

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"unicode"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Tag limits of CloudWatch Logs
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagResource.html):
// up to 50 tags, keys of 1–128 and values of 0–256 letters, digits, spaces
// and _.:/=+-@, keys not starting with "aws:".
const (
	maxTags     = 50
	maxTagKey   = 128
	maxTagValue = 256
)

func validTagText(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Zs, r) && !strings.ContainsRune("_.:/=+-@", r)
	})
}

func validTagKey(k string) error {
	switch {
	case len(k) < 1 || len(k) > maxTagKey:
		return validation(k, "tags", "Member must have length between 1 and 128")
	case strings.HasPrefix(k, "aws:"):
		return invalidParam("Tag keys beginning with 'aws:' are reserved.")
	case !validTagText(k):
		return validation(k, "tags", `Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$`)
	}
	return nil
}

// validTags checks tags to be set; the caller checks the resulting total.
func validTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return tooManyTags()
	}
	for k, v := range tags {
		if err := validTagKey(k); err != nil {
			return err
		}
		if len(v) > maxTagValue || !validTagText(v) {
			return validation(v, "tags", `Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
		}
	}
	return nil
}

func tooManyTags() *awsproto.Error {
	return &awsproto.Error{Code: codeTooManyTags, Status: http.StatusBadRequest, Message: "A resource can have no more than 50 tags."}
}

// groupFromARN returns the log group an ARN names. Only log groups carry
// tags here.
func groupFromARN(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" {
		return "", invalidParam("Invalid resource ARN: %s", arn)
	}
	return strings.TrimSuffix(parts[6], ":*"), nil
}

type tagResourceInput struct {
	ResourceArn  *string           `json:"resourceArn"`
	LogGroupName *string           `json:"logGroupName"` // TagLogGroup
	Tags         map[string]string `json:"tags"`
}

type untagResourceInput struct {
	ResourceArn  *string  `json:"resourceArn"`
	TagKeys      []string `json:"tagKeys"`
	LogGroupName *string  `json:"logGroupName"` // UntagLogGroup
	Tags         []string `json:"tags"`         // UntagLogGroup
}

type listTagsOutput struct {
	Tags map[string]string `json:"tags"`
}

// resourceGroup resolves the group of a resourceArn or logGroupName.
func resourceGroup(arn, name *string) (string, error) {
	if arn != nil {
		return groupFromARN(*arn)
	}
	n := deref(name)
	if err := validGroupName("logGroupName", n); err != nil {
		return "", err
	}
	return n, nil
}

func (s *Service) tagResource(c *call) (any, error) { return s.tag(c, true) }
func (s *Service) tagLogGroup(c *call) (any, error) { return s.tag(c, false) }

func (s *Service) tag(c *call, byARN bool) (any, error) {
	var in tagResourceInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if byARN && in.ResourceArn == nil {
		return nil, validation("null", "resourceArn", "Member must not be null")
	}
	name, err := resourceGroup(in.ResourceArn, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, validation("{}", "tags", "Member must have length greater than or equal to 1")
	}
	if err := validTags(in.Tags); err != nil {
		return nil, err
	}
	return nil, s.updateTags(name, func(tags map[string]string) error {
		maps.Copy(tags, in.Tags)
		if len(tags) > maxTags {
			return tooManyTags()
		}
		return nil
	})
}

func (s *Service) untagResource(c *call) (any, error) { return s.untag(c, true) }
func (s *Service) untagLogGroup(c *call) (any, error) { return s.untag(c, false) }

func (s *Service) untag(c *call, byARN bool) (any, error) {
	var in untagResourceInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	keys := in.TagKeys
	if !byARN {
		keys = in.Tags
	} else if in.ResourceArn == nil {
		return nil, validation("null", "resourceArn", "Member must not be null")
	}
	name, err := resourceGroup(in.ResourceArn, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	return nil, s.updateTags(name, func(tags map[string]string) error {
		for _, k := range keys {
			delete(tags, k)
		}
		return nil
	})
}

// updateTags applies change to a copy of the group's tags and persists it.
func (s *Service) updateTags(name string, change func(map[string]string) error) error {
	g, err := s.lookup(name, true)
	if err != nil {
		return err
	}
	defer g.mu.Unlock()
	tags := maps.Clone(g.tags)
	if tags == nil {
		tags = map[string]string{}
	}
	if err := change(tags); err != nil {
		return err
	}
	old := g.tags
	g.tags = tags
	if err := s.env.Store.Update(func(tx *store.Tx) error { return putGroup(tx, g) }); err != nil {
		g.tags = old
		return fmt.Errorf("store tags of log group %s: %w", name, err)
	}
	return nil
}

func (s *Service) listTagsForResource(c *call) (any, error) { return s.listTags(c, true) }
func (s *Service) listTagsLogGroup(c *call) (any, error)    { return s.listTags(c, false) }

func (s *Service) listTags(c *call, byARN bool) (any, error) {
	var in tagResourceInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if byARN && in.ResourceArn == nil {
		return nil, validation("null", "resourceArn", "Member must not be null")
	}
	name, err := resourceGroup(in.ResourceArn, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	g, err := s.lookup(name, false)
	if err != nil {
		return nil, err
	}
	defer g.mu.RUnlock()
	tags := maps.Clone(g.tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return listTagsOutput{Tags: tags}, nil
}
