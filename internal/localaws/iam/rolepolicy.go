package iam

import (
	"net/url"
	"slices"
	"unicode"

	"github.com/edasctl/edasctl/internal/localaws/policy"
)

// Inline and attached policy limits
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
const (
	maxPolicyName     = 128
	maxInlineSize     = 10240 // all inline policies of a role together, whitespace excluded
	maxAttachedToRole = 10    // PoliciesPerRole, default quota
)

type getRolePolicyResult struct {
	RoleName       string `xml:"RoleName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type listRolePoliciesResult struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	IsTruncated bool     `xml:"IsTruncated"`
	Marker      string   `xml:"Marker,omitempty"`
}

type attachedPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type listAttachedResult struct {
	AttachedPolicies []attachedPolicy `xml:"AttachedPolicies>member"`
	IsTruncated      bool             `xml:"IsTruncated"`
	Marker           string           `xml:"Marker,omitempty"`
}

// policySize counts a document as IAM does for its size quotas: the
// characters that are not white space.
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func (s *Service) putRolePolicy(p url.Values) (any, error) {
	name := p.Get("PolicyName")
	if err := checkName(name, "policyName", maxPolicyName); err != nil {
		return nil, err
	}
	doc := p.Get("PolicyDocument")
	if doc == "" {
		return nil, missing("policyDocument")
	}
	if _, err := policy.Parse(doc, policy.Identity); err != nil {
		return nil, errMalformed(err.Error())
	}
	_, err := s.update(p, func(r *role) error {
		r.Inline[name] = doc
		total := 0
		for _, d := range r.Inline {
			total += policySize(d)
		}
		if total > maxInlineSize {
			return errLimitExceeded("Maximum policy size of %d bytes exceeded for role %s", maxInlineSize, r.Name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Service) getRolePolicy(p url.Values) (any, error) {
	name := p.Get("PolicyName")
	if err := checkName(name, "policyName", maxPolicyName); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(p)
	if err != nil {
		return nil, err
	}
	doc, ok := r.Inline[name]
	if !ok {
		return nil, errNoSuchRolePolicy(name)
	}
	return getRolePolicyResult{RoleName: r.Name, PolicyName: name, PolicyDocument: encodeDocument(doc)}, nil
}

func (s *Service) deleteRolePolicy(p url.Values) (any, error) {
	name := p.Get("PolicyName")
	if err := checkName(name, "policyName", maxPolicyName); err != nil {
		return nil, err
	}
	_, err := s.update(p, func(r *role) error {
		if _, ok := r.Inline[name]; !ok {
			return errNoSuchRolePolicy(name)
		}
		delete(r.Inline, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Service) listRolePolicies(p url.Values) (any, error) {
	after, max, err := paging(p)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(p)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(r.Inline))
	for n := range r.Inline {
		names = append(names, n)
	}
	out, marker := page(names, after, max)
	return listRolePoliciesResult{PolicyNames: append([]string{}, out...), IsTruncated: marker != "", Marker: marker}, nil
}

func (s *Service) attachRolePolicy(p url.Values) (any, error) {
	arn := p.Get("PolicyArn")
	if arn == "" {
		return nil, missing("policyArn")
	}
	if _, ok := managedPolicies[arn]; !ok {
		return nil, errNotAttachable(arn)
	}
	_, err := s.update(p, func(r *role) error {
		if slices.Contains(r.Attached, arn) {
			return nil // attaching twice is a no-op
		}
		if len(r.Attached) >= maxAttachedToRole {
			return errLimitExceeded("Cannot exceed quota for PoliciesPerRole: %d", maxAttachedToRole)
		}
		r.Attached = append(r.Attached, arn)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Service) detachRolePolicy(p url.Values) (any, error) {
	arn := p.Get("PolicyArn")
	if arn == "" {
		return nil, missing("policyArn")
	}
	_, err := s.update(p, func(r *role) error {
		i := slices.Index(r.Attached, arn)
		if i < 0 {
			return errNoSuchPolicy(arn)
		}
		r.Attached = slices.Delete(r.Attached, i, i+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Service) listAttachedRolePolicies(p url.Values) (any, error) {
	after, max, err := paging(p)
	if err != nil {
		return nil, err
	}
	prefix := p.Get("PathPrefix")
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(p)
	if err != nil {
		return nil, err
	}
	var arns []string
	for _, a := range r.Attached {
		if mp := managedPolicies[a]; prefix == "" || len(mp.Path) >= len(prefix) && mp.Path[:len(prefix)] == prefix {
			arns = append(arns, a)
		}
	}
	out, marker := page(arns, after, max)
	res := listAttachedResult{AttachedPolicies: []attachedPolicy{}, IsTruncated: marker != "", Marker: marker}
	for _, a := range out {
		res.AttachedPolicies = append(res.AttachedPolicies, attachedPolicy{PolicyName: managedPolicies[a].Name, PolicyArn: a})
	}
	return res, nil
}
