package iam

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
	"github.com/edasctl/edasctl/internal/localaws/policy"
	"github.com/edasctl/edasctl/internal/localaws/store"
)

// Role limits (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
const (
	maxRoleName       = 64
	maxDescription    = 1000
	maxTrustPolicy    = 2048 // ACLSizePerRole, default quota
	minSession        = 3600
	maxSession        = 43200
	maxTags           = 50
	maxTagKey         = 128
	maxTagValue       = 256
	defaultMaxSession = 3600
)

type roleResult struct {
	Role roleXML `xml:"Role"`
}

type listRolesResult struct {
	Roles       []roleXML `xml:"Roles>member"`
	IsTruncated bool      `xml:"IsTruncated"`
	Marker      string    `xml:"Marker,omitempty"`
}

type listTagsResult struct {
	Tags        []tag `xml:"Tags>member"`
	IsTruncated bool  `xml:"IsTruncated"`
}

type empty struct{}

// checkTrust validates a trust policy document.
func checkTrust(doc string) error {
	if doc == "" {
		return missing("assumeRolePolicyDocument")
	}
	if n := policySize(doc); n > maxTrustPolicy {
		return errLimitExceeded("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicy)
	}
	if _, err := policy.Parse(doc, policy.Trust); err != nil {
		return errMalformed(err.Error())
	}
	return nil
}

func (s *Service) createRole(p url.Values) (any, error) {
	name := p.Get("RoleName")
	if err := checkName(name, "roleName", maxRoleName); err != nil {
		return nil, err
	}
	path := p.Get("Path")
	if path == "" {
		path = "/"
	}
	if err := checkPath(path, "path"); err != nil {
		return nil, err
	}
	trust := p.Get("AssumeRolePolicyDocument")
	if err := checkTrust(trust); err != nil {
		return nil, err
	}
	desc := p.Get("Description")
	if len(desc) > maxDescription {
		return nil, validation(desc, "description", "Member must have length less than or equal to 1000")
	}
	session := defaultMaxSession
	if v := p.Get("MaxSessionDuration"); v != "" {
		var err error
		if session, err = checkSession(v); err != nil {
			return nil, err
		}
	}
	tags, err := parseTags(p)
	if err != nil {
		return nil, err
	}
	r := &role{Name: name, ID: newID("AROA"), Path: path, ARN: "arn:aws:iam::" + s.env.Account + ":role" + path + name,
		Created: s.env.Clock.Now(), Trust: trust, Description: desc, MaxSession: session, Tags: tags}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.roles[key(name)]; ok {
		return nil, errRoleExists(name)
	}
	if err := s.putRole(r); err != nil {
		return nil, err
	}
	s.roles[key(name)] = r
	return roleResult{Role: r.xml(true)}, nil
}

func checkSession(v string) (int, error) {
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, validation(v, "maxSessionDuration", "Member must be a number")
	case n < minSession:
		return 0, validation(v, "maxSessionDuration", "Member must have value greater than or equal to 3600")
	case n > maxSession:
		return 0, validation(v, "maxSessionDuration", "Member must have value less than or equal to 43200")
	}
	return n, nil
}

// lookup returns the role named by p's RoleName. s.mu must be held.
func (s *Service) lookup(p url.Values) (*role, error) {
	name := p.Get("RoleName")
	if err := checkName(name, "roleName", maxRoleName); err != nil {
		return nil, err
	}
	r, ok := s.roles[key(name)]
	if !ok {
		return nil, errNoSuchRole(name)
	}
	return r, nil
}

// update applies edit to a clone of the named role and stores the result.
func (s *Service) update(p url.Values, edit func(*role) error) (*role, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(p)
	if err != nil {
		return nil, err
	}
	next := r.clone()
	if err := edit(next); err != nil {
		return nil, err
	}
	if err := s.putRole(next); err != nil {
		return nil, err
	}
	s.roles[key(next.Name)] = next
	return next, nil
}

func (s *Service) getRole(p url.Values) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(p)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: r.xml(true)}, nil
}

func (s *Service) updateRole(p url.Values) (any, error) {
	_, err := s.update(p, func(r *role) error {
		if _, ok := p["Description"]; ok {
			d := p.Get("Description")
			if len(d) > maxDescription {
				return validation(d, "description", "Member must have length less than or equal to 1000")
			}
			r.Description = d
		}
		if v := p.Get("MaxSessionDuration"); v != "" {
			n, err := checkSession(v)
			if err != nil {
				return err
			}
			r.MaxSession = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return empty{}, nil
}

func (s *Service) updateAssumeRolePolicy(p url.Values) (any, error) {
	doc := p.Get("PolicyDocument")
	if doc == "" {
		return nil, missing("policyDocument")
	}
	if err := checkTrust(doc); err != nil {
		return nil, err
	}
	if _, err := s.update(p, func(r *role) error { r.Trust = doc; return nil }); err != nil {
		return nil, err
	}
	return nil, nil
}

// deleteRole deletes a role that has no inline or attached policies left
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html).
func (s *Service) deleteRole(p url.Values) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(p)
	if err != nil {
		return nil, err
	}
	if len(r.Inline) > 0 {
		return nil, errDeleteConflict("Cannot delete entity, must delete policies first.")
	}
	if len(r.Attached) > 0 {
		return nil, errDeleteConflict("Cannot delete entity, must detach all policies first.")
	}
	if err := s.env.Store.Update(func(tx *store.Tx) error { return tx.Delete(tableRole, key(r.Name)) }); err != nil {
		return nil, err
	}
	delete(s.roles, key(r.Name))
	return nil, nil
}

func (s *Service) listRoles(p url.Values) (any, error) {
	after, max, err := paging(p)
	if err != nil {
		return nil, err
	}
	prefix := p.Get("PathPrefix")
	if prefix == "" {
		prefix = "/"
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var keys []string
	for k, r := range s.roles {
		if strings.HasPrefix(r.Path, prefix) {
			keys = append(keys, k)
		}
	}
	names, marker := page(keys, after, max)
	res := listRolesResult{Roles: []roleXML{}, IsTruncated: marker != "", Marker: marker}
	for _, k := range names {
		res.Roles = append(res.Roles, s.roles[k].xml(false))
	}
	return res, nil
}

// parseTags reads Tags.member.N.Key/Value in order and validates them.
func parseTags(p url.Values) ([]tag, error) {
	var tags []tag
	seen := map[string]bool{}
	for i := 1; ; i++ {
		base := "Tags.member." + strconv.Itoa(i)
		if _, ok := p[base+".Key"]; !ok {
			break
		}
		t := tag{Key: p.Get(base + ".Key"), Value: p.Get(base + ".Value")}
		if t.Key == "" || len(t.Key) > maxTagKey {
			return nil, validation(t.Key, "tags."+strconv.Itoa(i)+".member.key", "Member must have length between 1 and 128")
		}
		if len(t.Value) > maxTagValue {
			return nil, validation(t.Value, "tags."+strconv.Itoa(i)+".member.value", "Member must have length less than or equal to 256")
		}
		if seen[strings.ToLower(t.Key)] {
			return nil, errInvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(t.Key)] = true
		tags = append(tags, t)
	}
	if len(tags) > maxTags {
		return nil, errLimitExceeded("Cannot exceed quota for TagsPerRole: %d", maxTags)
	}
	return tags, nil
}

func (s *Service) tagRole(p url.Values) (any, error) {
	tags, err := parseTags(p)
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, missing("tags")
	}
	_, err = s.update(p, func(r *role) error {
		for _, t := range tags {
			replaced := false
			for i := range r.Tags {
				if strings.EqualFold(r.Tags[i].Key, t.Key) {
					r.Tags[i], replaced = t, true
				}
			}
			if !replaced {
				r.Tags = append(r.Tags, t)
			}
		}
		if len(r.Tags) > maxTags {
			return errLimitExceeded("Cannot exceed quota for TagsPerRole: %d", maxTags)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Service) untagRole(p url.Values) (any, error) {
	keys := awsproto.Members(p, "TagKeys")
	_, err := s.update(p, func(r *role) error {
		kept := r.Tags[:0]
		for _, t := range r.Tags {
			drop := false
			for _, k := range keys {
				drop = drop || strings.EqualFold(k, t.Key)
			}
			if !drop {
				kept = append(kept, t)
			}
		}
		r.Tags = kept
		return nil
	})
	if err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Service) listRoleTags(p url.Values) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(p)
	if err != nil {
		return nil, err
	}
	return listTagsResult{Tags: append([]tag{}, r.Tags...)}, nil
}
