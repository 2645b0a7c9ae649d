package lambda

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/edasctl/edasctl/internal/localaws/awsproto"
)

// A permission is one statement of a function's resource-based policy, as
// AddPermission grants it
// (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html).
// It is stored with the function, so it lives and dies with it.
type permission struct {
	Sid                 string
	Action              string
	Principal           string // as given: a service, an account ID, an ARN or "*"
	SourceArn           string `json:",omitempty"`
	SourceAccount       string `json:",omitempty"`
	PrincipalOrgID      string `json:",omitempty"`
	EventSourceToken    string `json:",omitempty"`
	FunctionURLAuthType string `json:",omitempty"`
}

// Constraints of AddPermission's members, from the API reference.
var (
	statementIDRE = regexp.MustCompile(`^[a-zA-Z0-9-_.]{1,100}$`)
	actionRE      = regexp.MustCompile(`^(lambda:[*]|lambda:[a-zA-Z]+|[*])$`)
	principalRE   = regexp.MustCompile(`^[^\s]+$`)
	sourceARNRE   = regexp.MustCompile(`^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$`)
	orgIDRE       = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	accountIDRE   = regexp.MustCompile(`^\d{12}$`)
)

// maxPolicySize is the quota on a function's resource-based policy: 20 KB
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
const maxPolicySize = 20480

// validate checks p against AddPermission's constraints.
func (p *permission) validate() error {
	switch {
	case !statementIDRE.MatchString(p.Sid):
		return validationError(p.Sid, "statementId", `Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)`)
	case !actionRE.MatchString(p.Action):
		return validationError(p.Action, "action", `Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])`)
	case !principalRE.MatchString(p.Principal):
		return validationError(p.Principal, "principal", `Member must satisfy regular expression pattern: [^\s]+`)
	case p.SourceArn != "" && !sourceARNRE.MatchString(p.SourceArn):
		return validationError(p.SourceArn, "sourceArn", `Member must satisfy regular expression pattern: arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)`)
	case p.SourceAccount != "" && !accountIDRE.MatchString(p.SourceAccount):
		return validationError(p.SourceAccount, "sourceAccount", `Member must satisfy regular expression pattern: \d{12}`)
	case p.PrincipalOrgID != "" && !orgIDRE.MatchString(p.PrincipalOrgID):
		return validationError(p.PrincipalOrgID, "principalOrgID", `Member must satisfy regular expression pattern: ^o-[a-z0-9]{10,32}$`)
	case p.FunctionURLAuthType != "" && p.FunctionURLAuthType != "NONE" && p.FunctionURLAuthType != "AWS_IAM":
		return validationError(p.FunctionURLAuthType, "functionUrlAuthType", "Member must satisfy enum value set: [NONE, AWS_IAM]")
	}
	return nil
}

// statement is a permission as a policy statement, in the shape and key
// order Lambda writes it (conditions by operator name), e.g.
//
//	{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
//	 "Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:…:function:f",
//	 "Condition":{"StringEquals":{"AWS:SourceAccount":"…"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}
type statement struct {
	Sid       string
	Effect    string
	Principal any
	Action    string
	Resource  string
	Condition map[string]map[string]string `json:",omitempty"`
}

// statementOf renders p for the function whose ARN is fnARN. A principal
// with a dot is a service, twelve digits an account (its root), "*"
// anyone, and anything else an IAM ARN.
func statementOf(p permission, fnARN string) statement {
	st := statement{Sid: p.Sid, Effect: "Allow", Action: p.Action, Resource: fnARN}
	switch {
	case p.Principal == "*":
		st.Principal = "*"
	case accountIDRE.MatchString(p.Principal):
		st.Principal = map[string]string{"AWS": "arn:aws:iam::" + p.Principal + ":root"}
	case strings.HasPrefix(p.Principal, "arn:"):
		st.Principal = map[string]string{"AWS": p.Principal}
	default:
		st.Principal = map[string]string{"Service": p.Principal}
	}
	cond := map[string]map[string]string{}
	add := func(op, key, value string) {
		if value == "" {
			return
		}
		if cond[op] == nil {
			cond[op] = map[string]string{}
		}
		cond[op][key] = value
	}
	add("StringEquals", "AWS:SourceAccount", p.SourceAccount)
	add("ArnLike", "AWS:SourceArn", p.SourceArn)
	add("StringEquals", "aws:PrincipalOrgID", p.PrincipalOrgID)
	add("StringEquals", "lambda:EventSourceToken", p.EventSourceToken)
	add("StringEquals", "lambda:FunctionUrlAuthType", p.FunctionURLAuthType)
	if len(cond) > 0 {
		st.Condition = cond
	}
	return st
}

// policyDocument renders the function's resource-based policy, "" when it
// has no permission.
func policyDocument(perms []permission, fnARN string) (string, error) {
	if len(perms) == 0 {
		return "", nil
	}
	doc := struct {
		Version   string
		ID        string `json:"Id"`
		Statement []statement
	}{Version: "2012-10-17", ID: "default"}
	for _, p := range perms {
		doc.Statement = append(doc.Statement, statementOf(p, fnARN))
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("encode policy: %w", err)
	}
	return string(b), nil
}

// byARN returns the stored function that nameOrARN (an ARN, a partial
// ARN or a name; unqualified or $LATEST) names in this account, or nil.
func (s *Service) byARN(nameOrARN string) *function {
	name, region, account, qualifier, err := parseFunctionName(nameOrARN)
	if err != nil || (account != "" && account != s.env.Account) || (qualifier != "" && qualifier != versionLatest) {
		return nil
	}
	s.mu.Lock()
	fn := s.fns[name]
	s.mu.Unlock()
	if fn == nil || (region != "" && region != fn.Region) {
		return nil
	}
	return fn
}

// Policy returns the resource-based policy of the function nameOrARN
// names ("" when it has no permission) and the function's ARN, for a
// service that checks whether it may invoke the function (S3 checks its
// notification destinations); ok is false when there is no such function.
func (s *Service) Policy(nameOrARN string) (doc, arn string, ok bool) {
	fn := s.byARN(nameOrARN)
	if fn == nil {
		return "", "", false
	}
	arn = functionARN(fn.Region, s.env.Account, fn.Name)
	doc, err := policyDocument(fn.Permissions, arn)
	if err != nil {
		return "", arn, true
	}
	return doc, arn, true
}

// InvokeAsyncFromService invokes the function nameOrARN names
// asynchronously (invocation type Event) with payload, as a service such
// as S3 does: the invocation is stored before InvokeAsyncFromService
// returns and runs once the function has a free slot, after a restart if
// need be. A missing function is ResourceNotFoundException.
func (s *Service) InvokeAsyncFromService(nameOrARN string, payload []byte) error {
	fn := s.byARN(nameOrARN)
	if fn == nil {
		return notFound(nameOrARN)
	}
	if len(payload) > maxAsyncPayload {
		return requestTooLarge(maxAsyncPayload, "InvokeAsync")
	}
	return s.enqueue(asyncInvocation{RequestID: awsproto.NewRequestID(), Function: fn.Name, Payload: payload})
}
