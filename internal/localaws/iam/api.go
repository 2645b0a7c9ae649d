package iam

import (
	"maps"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/policy"
)

// This file is the in-process API the rest of the local AWS uses: Lambda
// checks that it may assume a function's role, the event source mappings
// check that the role may read the queue.

// A Role is a read-only view of a role and its policies.
type Role struct {
	Name        string
	ARN         string
	Path        string
	TrustPolicy string
	Inline      map[string]string // policy name → document
	Attached    []string          // managed policy ARNs
	Changed     time.Time         // last write
}

// RoleByARN returns the role with the given ARN (role names compare
// case-insensitively, as in IAM); ok is false if there is none.
func (s *Service) RoleByARN(arn string) (Role, bool) {
	name, ok := roleName(arn, s.env.Account)
	if !ok {
		return Role{}, false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.roles[key(name)]
	if !ok || !strings.EqualFold(r.ARN, arn) {
		return Role{}, false
	}
	return Role{Name: r.Name, ARN: r.ARN, Path: r.Path, TrustPolicy: r.Trust,
		Inline: maps.Clone(r.Inline), Attached: append([]string(nil), r.Attached...), Changed: r.Changed}, true
}

// roleName extracts the name from arn:aws:iam::<account>:role/<path><name>.
func roleName(arn, account string) (string, bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::"+account+":role/")
	if !ok || rest == "" {
		return "", false
	}
	return rest[strings.LastIndex(rest, "/")+1:], true
}

// CanAssume reports whether the role exists and its trust policy lets the
// service principal (e.g. "lambda.amazonaws.com") call sts:AssumeRole.
func (s *Service) CanAssume(roleARN, servicePrincipal string) bool {
	r, ok := s.RoleByARN(roleARN)
	if !ok || s.propagating(r) {
		return false
	}
	doc, err := policy.Parse(r.TrustPolicy, policy.Any)
	if err != nil {
		return false
	}
	return doc.Evaluate(policy.Request{Principal: policy.Service(servicePrincipal), Action: "sts:AssumeRole"}) == policy.Allowed
}

// Evaluate evaluates req against the role's identity policies, inline and
// attached together; ok is false if the role does not exist. The request's
// Principal is ignored (identity policies name none).
func (s *Service) Evaluate(roleARN string, req policy.Request) (d policy.Decision, ok bool) {
	r, ok := s.RoleByARN(roleARN)
	if !ok {
		return policy.ImplicitDeny, false
	}
	if s.propagating(r) {
		return policy.ImplicitDeny, true
	}
	var docs []*policy.Document
	for _, doc := range r.Inline {
		if d, err := policy.Parse(doc, policy.Any); err == nil {
			docs = append(docs, d)
		}
	}
	for _, arn := range r.Attached {
		if d, err := policy.Parse(managedPolicies[arn].Document, policy.Any); err == nil {
			docs = append(docs, d)
		}
	}
	return policy.Evaluate(req, docs...), true
}

// ManagedPolicyDocument returns the document of an AWS-managed policy the
// local IAM knows.
func ManagedPolicyDocument(arn string) (string, bool) {
	mp, ok := managedPolicies[arn]
	return mp.Document, ok
}

// propagating reports whether r changed too recently to be in effect (see
// Options.Propagation).
func (s *Service) propagating(r Role) bool {
	return s.opts.Propagation > 0 && s.env.Clock.Now().Before(r.Changed.Add(s.opts.Propagation))
}
