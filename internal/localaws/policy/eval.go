package policy

import "strings"

// A Decision is the outcome of evaluating a request.
type Decision int

// The three outcomes of IAM's evaluation logic.
const (
	ImplicitDeny Decision = iota // no statement allowed the request
	Allowed                      // an Allow statement matched and no Deny did
	ExplicitDeny                 // a Deny statement matched
)

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	default:
		return "ImplicitDeny"
	}
}

// A Principal is who makes a request.
type Principal struct {
	// Type is "AWS" (an account or an IAM principal ARN), "Service" (an
	// AWS service such as "sns.amazonaws.com") or "" (anonymous).
	Type string
	// ID is the account ID, the principal's ARN, or the service name.
	ID string
}

// Service returns the principal of an AWS service, e.g. Service("s3.amazonaws.com").
func Service(name string) Principal { return Principal{Type: "Service", ID: name} }

// Account returns the root principal of an account.
func Account(id string) Principal { return Principal{Type: "AWS", ID: id} }

// ARN returns an IAM principal (role, user, root) by ARN.
func ARN(arn string) Principal { return Principal{Type: "AWS", ID: arn} }

// A Request is what a policy is evaluated against.
type Request struct {
	// Principal is matched against a statement's Principal; it is ignored
	// by statements without one (identity policies).
	Principal Principal
	// Action is "service:Operation", e.g. "sqs:SendMessage".
	Action string
	// Resource is the ARN acted on; "" matches only Resource "*" and
	// trust-policy statements, which have no Resource.
	Resource string
	// Context holds the condition keys, e.g. "aws:SourceArn",
	// "aws:SourceAccount"; key names compare case-insensitively.
	Context map[string][]string
}

// Evaluate returns the decision of the documents together: ExplicitDeny if
// a Deny statement of any document matches, else Allowed if an Allow
// statement of any document matches, else ImplicitDeny. Nil documents are
// skipped.
func Evaluate(req Request, docs ...*Document) Decision {
	allowed := false
	for _, d := range docs {
		if d == nil {
			continue
		}
		for i := range d.Statements {
			s := &d.Statements[i]
			if !s.applies(req) {
				continue
			}
			if s.Effect == Deny {
				return ExplicitDeny
			}
			allowed = true
		}
	}
	if allowed {
		return Allowed
	}
	return ImplicitDeny
}

// Evaluate is Evaluate(req, d).
func (d *Document) Evaluate(req Request) Decision { return Evaluate(req, d) }

// applies reports whether every element of the statement matches req.
func (s *Statement) applies(req Request) bool {
	if s.Principal != nil && !s.Principal.match(req.Principal) {
		return false
	}
	if s.NotPrincipal != nil && s.NotPrincipal.match(req.Principal) {
		return false
	}
	if s.Action != nil && !anyMatch(s.Action, req.Action, true) {
		return false
	}
	if s.NotAction != nil && anyMatch(s.NotAction, req.Action, true) {
		return false
	}
	if s.Resource != nil && !anyMatch(s.Resource, req.Resource, false) {
		return false
	}
	if s.NotResource != nil && anyMatch(s.NotResource, req.Resource, false) {
		return false
	}
	for _, c := range s.Conditions {
		if !c.holds(req.Context) {
			return false
		}
	}
	return true
}

func anyMatch(patterns []string, value string, fold bool) bool {
	for _, p := range patterns {
		if Match(p, value, fold) {
			return true
		}
	}
	return false
}

// match reports whether the principal is one of ps. "*" and {"AWS": "*"}
// match everyone, services included
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous).
// An account ID or its root ARN matches the account and every principal
// ARN in it.
func (ps *Principals) match(p Principal) bool {
	if ps.All {
		return true
	}
	for _, id := range ps.ByType["AWS"] {
		if id == "*" {
			return true
		}
	}
	ids := ps.ByType[p.Type]
	for _, id := range ids {
		switch p.Type {
		case "Service":
			if strings.EqualFold(id, p.ID) {
				return true
			}
		case "AWS":
			if awsPrincipalMatch(id, p.ID) {
				return true
			}
		default:
			if id == p.ID {
				return true
			}
		}
	}
	return false
}

func awsPrincipalMatch(policyID, reqID string) bool {
	if policyID == reqID {
		return true
	}
	acct := policyID
	if a, ok := strings.CutPrefix(policyID, "arn:aws:iam::"); ok {
		var found bool
		acct, found = strings.CutSuffix(a, ":root")
		if !found {
			return false
		}
	}
	if !isAccountID(acct) {
		return false
	}
	return reqID == acct || accountOf(reqID) == acct
}

// accountOf returns the account field of an ARN ("" if arn is not one).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Match reports whether value matches pattern, where * matches any run of
// characters and ? any one character; fold makes the comparison
// case-insensitive (actions), otherwise it is exact (resources).
func Match(pattern, value string, fold bool) bool {
	if fold {
		pattern, value = strings.ToLower(pattern), strings.ToLower(value)
	}
	// Iterative glob with single-star backtracking: linear in practice and
	// never exponential.
	p, v := 0, 0
	star, mark := -1, 0
	for v < len(value) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == value[v]):
			p++
			v++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, v
			p++
		case star >= 0:
			p = star + 1
			mark++
			v = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
