package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Policy language versions IAM accepts
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// A Kind says which rules a document must follow besides the grammar.
type Kind int

const (
	// Any accepts every grammatical document.
	Any Kind = iota
	// Identity is a policy attached to a user or role: no Principal, and
	// every statement names a Resource.
	Identity
	// Resource is a policy attached to a resource (topic, queue, bucket):
	// every statement names a Principal.
	Resource
	// Trust is a role's trust policy: every statement names a Principal and
	// none names a Resource.
	Trust
)

// A Document is a parsed policy. It is immutable once parsed and safe for
// concurrent use.
type Document struct {
	Version    string
	ID         string
	Statements []Statement
}

// An Effect is Allow or Deny.
type Effect string

// The two effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// A Statement is one element of a document's Statement list. Exactly one of
// Action/NotAction is set; at most one of Resource/NotResource and of
// Principal/NotPrincipal.
type Statement struct {
	Sid          string
	Effect       Effect
	Principal    *Principals // nil when the statement has no Principal
	NotPrincipal *Principals
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Conditions   []Condition
}

// Principals are the principals a statement names: "*" (All), or lists
// keyed by type ("AWS", "Service", "Federated", "CanonicalUser").
type Principals struct {
	All    bool
	ByType map[string][]string
}

// A Condition is one key test of a statement's Condition block, such as
// {"ArnEquals": {"aws:SourceArn": ["arn:…"]}}. Every condition of a
// statement must hold; any of Values may match.
type Condition struct {
	Operator string   // as written, e.g. "ForAnyValue:StringLikeIfExists"
	Key      string   // as written, e.g. "aws:SourceArn"
	Values   []string // numbers and booleans in their JSON text form
	op       operator
}

// A ParseError is a document that is not a valid policy. Its message is the
// reason IAM gives for a MalformedPolicyDocument where known.
type ParseError struct{ Reason string }

func (e *ParseError) Error() string { return e.Reason }

func errorf(format string, args ...any) *ParseError {
	return &ParseError{Reason: fmt.Sprintf(format, args...)}
}

// Parse parses a policy document of the given kind. Any error is a
// *ParseError.
func Parse(doc string, kind Kind) (*Document, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var top map[string]json.RawMessage
	if err := dec.Decode(&top); err != nil || top == nil {
		return nil, errorf("This policy contains invalid Json")
	}
	if dec.More() {
		return nil, errorf("This policy contains invalid Json")
	}
	d := &Document{}
	for k, v := range top {
		switch k {
		case "Version":
			if err := json.Unmarshal(v, &d.Version); err != nil {
				return nil, errorf("Syntax errors in policy.")
			}
		case "Id":
			if err := json.Unmarshal(v, &d.ID); err != nil {
				return nil, errorf("Syntax errors in policy.")
			}
		case "Statement":
		default:
			return nil, errorf("Syntax errors in policy.")
		}
	}
	if d.Version != "" && d.Version != Version2012 && d.Version != Version2008 {
		return nil, errorf("The policy failed legacy parsing")
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, errorf("Missing required field Statement")
	}
	stmts, err := oneOrMany(raw)
	if err != nil {
		return nil, errorf("Syntax errors in policy.")
	}
	if len(stmts) == 0 {
		return nil, errorf("Syntax errors in policy.")
	}
	for _, s := range stmts {
		st, err := parseStatement(s, kind)
		if err != nil {
			return nil, err
		}
		d.Statements = append(d.Statements, st)
	}
	return d, nil
}

func parseStatement(raw json.RawMessage, kind Kind) (Statement, error) {
	var fields map[string]json.RawMessage
	if err := unmarshalNumber(raw, &fields); err != nil || fields == nil {
		return Statement{}, errorf("Syntax errors in policy.")
	}
	var st Statement
	var err error
	for k, v := range fields {
		switch k {
		case "Sid":
			if json.Unmarshal(v, &st.Sid) != nil {
				return st, errorf("Syntax errors in policy.")
			}
		case "Effect":
			var e string
			if json.Unmarshal(v, &e) != nil || (e != string(Allow) && e != string(Deny)) {
				return st, errorf("Invalid effect: %s", strings.Trim(string(v), `"`))
			}
			st.Effect = Effect(e)
		case "Action", "NotAction":
			list, err := stringList(v)
			if err != nil {
				return st, errorf("Syntax errors in policy.")
			}
			for _, a := range list {
				if a != "*" && !validAction(a) {
					return st, errorf("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
				}
			}
			if k == "Action" {
				st.Action = list
			} else {
				st.NotAction = list
			}
		case "Resource", "NotResource":
			list, err := stringList(v)
			if err != nil {
				return st, errorf("Syntax errors in policy.")
			}
			for _, r := range list {
				if r != "*" && !strings.HasPrefix(r, "arn:") {
					return st, errorf("Resource %s must be in ARN format or \"*\".", r)
				}
			}
			if k == "Resource" {
				st.Resource = list
			} else {
				st.NotResource = list
			}
		case "Principal", "NotPrincipal":
			p, err := parsePrincipals(v)
			if err != nil {
				return st, err
			}
			if k == "Principal" {
				st.Principal = p
			} else {
				st.NotPrincipal = p
			}
		case "Condition":
			if st.Conditions, err = parseConditions(v); err != nil {
				return st, err
			}
		default:
			return st, errorf("Syntax errors in policy.")
		}
	}
	if st.Effect == "" {
		return st, errorf("Missing required field Effect")
	}
	if (st.Action == nil) == (st.NotAction == nil) {
		return st, errorf("Missing required field Action")
	}
	if st.Resource != nil && st.NotResource != nil || st.Principal != nil && st.NotPrincipal != nil {
		return st, errorf("Syntax errors in policy.")
	}
	hasPrincipal := st.Principal != nil || st.NotPrincipal != nil
	hasResource := st.Resource != nil || st.NotResource != nil
	switch kind {
	case Identity:
		if hasPrincipal {
			return st, errorf("Policy document should not specify a principal.")
		}
		if !hasResource {
			return st, errorf("Policy statement must contain resources.")
		}
	case Resource:
		if !hasPrincipal {
			return st, errorf("Missing required field Principal")
		}
	case Trust:
		if !hasPrincipal {
			return st, errorf("Missing required field Principal")
		}
		if hasResource {
			return st, errorf("Has prohibited field Resource")
		}
	}
	return st, nil
}

// validAction reports whether a is "vendor:action" with a non-empty,
// wildcard-free vendor.
func validAction(a string) bool {
	vendor, action, ok := strings.Cut(a, ":")
	return ok && vendor != "" && action != "" && !strings.ContainsAny(vendor, "*? ")
}

func parsePrincipals(raw json.RawMessage) (*Principals, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s != "*" {
			return nil, errorf("Invalid principal in policy: %q", s)
		}
		return &Principals{All: true}, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil, errorf("Syntax errors in policy.")
	}
	p := &Principals{ByType: map[string][]string{}}
	for typ, v := range m {
		switch typ {
		case "AWS", "Service", "Federated", "CanonicalUser":
		default:
			return nil, errorf("Invalid principal in policy: %q", typ)
		}
		ids, err := stringList(v)
		if err != nil || len(ids) == 0 {
			return nil, errorf("Invalid principal in policy: %q", typ)
		}
		for _, id := range ids {
			if id == "" || typ == "Service" && id != "*" && !strings.Contains(id, ".") {
				return nil, errorf("Invalid principal in policy: %q:%q", strings.ToUpper(typ), id)
			}
		}
		p.ByType[typ] = ids
	}
	return p, nil
}

func parseConditions(raw json.RawMessage) ([]Condition, error) {
	var ops map[string]json.RawMessage
	if unmarshalNumber(raw, &ops) != nil || ops == nil {
		return nil, errorf("Syntax errors in policy.")
	}
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	sort.Strings(names) // deterministic order for Evaluate and tests
	var out []Condition
	for _, name := range names {
		op, err := parseOperator(name)
		if err != nil {
			return nil, err
		}
		var keys map[string]json.RawMessage
		if unmarshalNumber(ops[name], &keys) != nil || keys == nil {
			return nil, errorf("Syntax errors in policy.")
		}
		keyNames := make([]string, 0, len(keys))
		for k := range keys {
			keyNames = append(keyNames, k)
		}
		sort.Strings(keyNames)
		for _, k := range keyNames {
			vals, err := scalarList(keys[k])
			if err != nil {
				return nil, errorf("Syntax errors in policy.")
			}
			if err := op.validate(vals); err != nil {
				return nil, err
			}
			out = append(out, Condition{Operator: name, Key: k, Values: vals, op: op})
		}
	}
	return out, nil
}

// oneOrMany decodes a JSON value that is either one element or a list.
func oneOrMany(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, err
		}
		return list, nil
	}
	return []json.RawMessage{raw}, nil
}

// stringList decodes a string or a list of strings.
func stringList(raw json.RawMessage) ([]string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	if list == nil {
		return nil, fmt.Errorf("null list")
	}
	return list, nil
}

// scalarList decodes a condition value: a string, number or boolean, or a
// list of them, each rendered as its text.
func scalarList(raw json.RawMessage) ([]string, error) {
	items, err := oneOrMany(raw)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var v any
		if err := unmarshalNumber(it, &v); err != nil {
			return nil, err
		}
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case json.Number:
			out = append(out, v.String())
		case bool:
			out = append(out, strconv.FormatBool(v))
		default:
			return nil, fmt.Errorf("condition value of type %T", v)
		}
	}
	return out, nil
}

func unmarshalNumber(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}
