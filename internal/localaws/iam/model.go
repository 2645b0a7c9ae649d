package iam

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/edasctl/edasctl/internal/localaws/store"
)

const tableRole = "iam.role" // lower-case role name → role JSON

// A role is one IAM role with its policies. Values are replaced, never
// mutated, once shared: handlers clone, edit, store, then swap under
// Service.mu.
type role struct {
	Name        string            `json:"name"`
	ID          string            `json:"id"`
	Path        string            `json:"path"`
	ARN         string            `json:"arn"`
	Created     time.Time         `json:"created"`
	Trust       string            `json:"trust"` // AssumeRolePolicyDocument as sent
	Description string            `json:"description,omitempty"`
	MaxSession  int               `json:"maxSession"`
	Tags        []tag             `json:"tags,omitempty"` // in insertion order
	Inline      map[string]string `json:"inline,omitempty"`
	Attached    []string          `json:"attached,omitempty"` // managed policy ARNs in attach order
	// Changed is when the role was last written; with Options.Propagation
	// the role (trust and permissions) takes effect that long after.
	Changed time.Time `json:"changed"`
}

type tag struct {
	Key   string `xml:"Key" json:"key"`
	Value string `xml:"Value" json:"value"`
}

// tagList is a Tags element, present only when there are tags.
type tagList struct {
	Members []tag `xml:"member"`
}

func (r *role) clone() *role {
	c := *r
	c.Tags = append([]tag(nil), r.Tags...)
	c.Attached = append([]string(nil), r.Attached...)
	c.Inline = make(map[string]string, len(r.Inline))
	for k, v := range r.Inline {
		c.Inline[k] = v
	}
	return &c
}

func key(name string) string { return strings.ToLower(name) }

func (s *Service) putRole(r *role) error {
	r.Changed = s.env.Clock.Now()
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode role %s: %w", r.Name, err)
	}
	return s.env.Store.Update(func(tx *store.Tx) error { return tx.Put(tableRole, key(r.Name), b) })
}

func (s *Service) load() error {
	return s.env.Store.View(func(tx *store.Tx) error {
		return tx.Scan(tableRole, "", func(k string, v []byte) error {
			r := &role{}
			if err := json.Unmarshal(v, r); err != nil {
				return fmt.Errorf("load iam role %s: %w", k, err)
			}
			s.roles[k] = r
			return nil
		})
	})
}

// roleXML is the Role shape of the IAM API.
type roleXML struct {
	Path                     string    `xml:"Path"`
	RoleName                 string    `xml:"RoleName"`
	RoleID                   string    `xml:"RoleId"`
	Arn                      string    `xml:"Arn"`
	CreateDate               string    `xml:"CreateDate"`
	AssumeRolePolicyDocument string    `xml:"AssumeRolePolicyDocument"`
	Description              string    `xml:"Description,omitempty"`
	MaxSessionDuration       int       `xml:"MaxSessionDuration"`
	Tags                     *tagList  `xml:"Tags,omitempty"`
	RoleLastUsed             *struct{} `xml:"RoleLastUsed"`
}

func (r *role) xml(withTags bool) roleXML {
	x := roleXML{Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN, CreateDate: isoTime(r.Created),
		AssumeRolePolicyDocument: encodeDocument(r.Trust), Description: r.Description, MaxSessionDuration: r.MaxSession,
		RoleLastUsed: &struct{}{}}
	if withTags && len(r.Tags) > 0 {
		x.Tags = &tagList{Members: r.Tags}
	}
	return x
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// encodeDocument URL-encodes a policy document as IAM returns documents
// (RFC 3986 percent-encoding, spaces as %20;
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// newID returns an IAM unique ID: a four-letter prefix ("AROA" for roles,
// "ANPA" for managed policies) and 17 upper-case letters and digits.
func newID(prefix string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var b [17]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b[:])
}

func encodeMarker(last string) string { return base64.RawURLEncoding.EncodeToString([]byte(last)) }

func decodeMarker(m string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil || len(b) == 0 {
		return "", fmt.Errorf("bad marker")
	}
	return string(b), nil
}

// page returns the names after the marker, up to max, and the next marker.
func page(names []string, after string, max int) (out []string, marker string) {
	sort.Strings(names)
	for _, n := range names {
		if n <= after {
			continue
		}
		if len(out) == max {
			return out, encodeMarker(out[len(out)-1])
		}
		out = append(out, n)
	}
	return out, ""
}
