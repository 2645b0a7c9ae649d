package localaws

import (
	"errors"
	"fmt"
	"sync"

	"github.com/edasctl/edasctl/internal/localaws/policy"
)

// serviceMay checks that doc, a resource policy, lets the AWS service
// principal (s3.amazonaws.com, sns.amazonaws.com) do action on resource on
// behalf of sourceARN in this account, as S3 and SNS check their
// destinations; else the error is refusal.
func (p *pipeline) serviceMay(service, action, resource, sourceARN, doc, refusal string) error {
	return p.allows(doc, policy.Request{
		Principal: policy.Service(service), Action: action, Resource: resource,
		Context: map[string][]string{"aws:SourceArn": {sourceARN}, "aws:SourceAccount": {p.env.Account}},
	}, refusal)
}

func (p *pipeline) allows(doc string, req policy.Request, refusal string) error {
	if doc == "" {
		return errors.New(refusal)
	}
	d, err := p.policies.get(doc)
	if err != nil {
		return fmt.Errorf("%s (the policy does not parse: %v)", refusal, err)
	}
	if d.Evaluate(req) != policy.Allowed {
		return errors.New(refusal)
	}
	return nil
}

// A policyCache holds parsed resource policies by their text: every
// notification and every SNS delivery checks one, and the documents change
// rarely. A *policy.Document is immutable once parsed.
type policyCache struct {
	mu   sync.Mutex // guards docs
	docs map[string]*policy.Document
}

// maxCachedPolicies bounds the cache; it is emptied when full.
const maxCachedPolicies = 256

func (c *policyCache) get(doc string) (*policy.Document, error) {
	c.mu.Lock()
	d, ok := c.docs[doc]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	d, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.docs) >= maxCachedPolicies {
		clear(c.docs)
	}
	c.docs[doc] = d
	c.mu.Unlock()
	return d, nil
}
