// Package iam serves the local AWS's Identity and Access Management over
// the query protocol (https://docs.aws.amazon.com/IAM/latest/APIReference/):
// roles with their trust policies, inline role policies, the AWS-managed
// policies Lambda users attach (known by ARN with their real documents),
// and role tags. IAM is global: ARNs carry no region.
//
// Policy documents are validated with package policy (MalformedPolicyDocument)
// and returned URL-encoded, as IAM returns them. The in-process API
// (RoleByARN, CanAssume, Evaluate) lets Lambda and the event source
// mappings check roles as AWS does.
package iam

import (
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/service"
)

const xmlns = "https://iam.amazonaws.com/doc/2010-05-08/"

// maxBody bounds a request body: a 10 KiB policy document URL-encoded (3
// bytes per byte) plus the other parameters.
const maxBody = 128 << 10

// A Service is the IAM endpoint and its state. It is safe for concurrent
// use; build it with New.
type Service struct {
	env service.Env

	mu    sync.RWMutex     // guards roles
	roles map[string]*role // by lower-case name: IAM names are case-insensitive

	actions map[string]handler // set by New, read-only after
	opts    Options
}

// Options tune the service.
type Options struct {
	// Propagation simulates IAM's eventual consistency (AWS-RULES I1): a
	// role created or changed less than this long ago is not yet assumable
	// and its permissions are not yet effective for other services. Zero,
	// the default, makes every change effective at once.
	Propagation time.Duration
}

// NewWithOptions is New with options.
func NewWithOptions(env service.Env, opts Options) (*Service, error) {
	s, err := New(env)
	if err != nil {
		return nil, err
	}
	s.opts = opts
	return s, nil
}

// New loads the IAM state from env.Store and returns the service.
func New(env service.Env) (*Service, error) {
	s := &Service{env: env, roles: map[string]*role{}}
	s.actions = s.handlers()
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// ServeHTTP serves one query-protocol request.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	awsproto.ServeQuery(w, r, "iam", xmlns, s.env.Log, s.serve)
}

// A handler serves one action and returns its Result element's value (nil
// for none).
type handler func(p url.Values) (any, error)

func (s *Service) handlers() map[string]handler {
	return map[string]handler{
		"CreateRole":               s.createRole,
		"GetRole":                  s.getRole,
		"UpdateRole":               s.updateRole,
		"UpdateAssumeRolePolicy":   s.updateAssumeRolePolicy,
		"DeleteRole":               s.deleteRole,
		"ListRoles":                s.listRoles,
		"PutRolePolicy":            s.putRolePolicy,
		"GetRolePolicy":            s.getRolePolicy,
		"DeleteRolePolicy":         s.deleteRolePolicy,
		"ListRolePolicies":         s.listRolePolicies,
		"AttachRolePolicy":         s.attachRolePolicy,
		"DetachRolePolicy":         s.detachRolePolicy,
		"ListAttachedRolePolicies": s.listAttachedRolePolicies,
		"GetPolicy":                s.getPolicy,
		"GetPolicyVersion":         s.getPolicyVersion,
		"TagRole":                  s.tagRole,
		"UntagRole":                s.untagRole,
		"ListRoleTags":             s.listRoleTags,
	}
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request, reqID string) error {
	params, err := awsproto.ReadForm(r, maxBody)
	if err != nil {
		return err
	}
	action := params.Get("Action")
	if action == "" {
		return awsproto.MissingParameter("Action")
	}
	h, ok := s.actions[action]
	if !ok {
		return awsproto.InvalidAction(action)
	}
	result, err := h(params)
	if err != nil {
		return err
	}
	return awsproto.WriteQueryResult(w, action, xmlns, result, reqID)
}
