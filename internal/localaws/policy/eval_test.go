package policy

import (
	"errors"
	"testing"
)

const (
	account  = "000000000000"
	topicARN = "arn:aws:sns:us-east-1:000000000000:edas-uploads"
	queueARN = "arn:aws:sqs:us-east-1:000000000000:edas-thumbnail"
	bucket   = "arn:aws:s3:::edas-000000000000-us-east-1"
)

// topicPolicy is the S6 topic policy edasctl writes: the SNS default
// statement plus one letting S3 publish from the bucket.
const topicPolicy = `{
  "Version": "2008-10-17",
  "Id": "__default_policy_ID",
  "Statement": [
    {
      "Sid": "__default_statement_ID",
      "Effect": "Allow",
      "Principal": {"AWS": "*"},
      "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                 "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
      "Resource": "arn:aws:sns:us-east-1:000000000000:edas-uploads",
      "Condition": {"StringEquals": {"AWS:SourceOwner": "000000000000"}}
    },
    {
      "Sid": "AllowS3Publish",
      "Effect": "Allow",
      "Principal": {"Service": "s3.amazonaws.com"},
      "Action": "SNS:Publish",
      "Resource": "arn:aws:sns:us-east-1:000000000000:edas-uploads",
      "Condition": {
        "ArnLike": {"aws:SourceArn": "arn:aws:s3:::edas-000000000000-us-east-1"},
        "StringEquals": {"aws:SourceAccount": "000000000000"}
      }
    }
  ]
}`

// queuePolicy is the N3 queue policy: the topic may send.
const queuePolicy = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "AllowTopic",
    "Effect": "Allow",
    "Principal": {"Service": "sns.amazonaws.com"},
    "Action": "sqs:SendMessage",
    "Resource": "arn:aws:sqs:us-east-1:000000000000:edas-thumbnail",
    "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:000000000000:edas-uploads"}}
  }]
}`

// trustPolicy is a Lambda execution role's trust policy.
const trustPolicy = `{
  "Version": "2012-10-17",
  "Statement": {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}
}`

// rolePolicy is the I4 least-privilege inline policy of a consumer role.
const rolePolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Queue", "Effect": "Allow",
     "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
     "Resource": "arn:aws:sqs:us-east-1:000000000000:edas-thumbnail"},
    {"Sid": "Input", "Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::edas-000000000000-us-east-1/uploads/*"},
    {"Sid": "NoDelete", "Effect": "Deny", "NotAction": ["s3:Get*", "s3:Put*", "sqs:*", "logs:*"], "Resource": "*"}
  ]
}`

func mustParse(t *testing.T, doc string, kind Kind) *Document {
	t.Helper()
	d, err := Parse(doc, kind)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func TestEvaluate(t *testing.T) {
	s3Ctx := map[string][]string{"aws:SourceArn": {bucket}, "aws:SourceAccount": {account}}
	topicCtx := map[string][]string{"aws:SourceArn": {topicARN}}
	tests := []struct {
		name string
		doc  string
		kind Kind
		req  Request
		want Decision
	}{
		{"topic policy lets the pipeline's bucket publish", topicPolicy, Resource,
			Request{Principal: Service("s3.amazonaws.com"), Action: "sns:Publish", Resource: topicARN, Context: s3Ctx}, Allowed},
		{"topic policy refuses another bucket", topicPolicy, Resource,
			Request{Principal: Service("s3.amazonaws.com"), Action: "sns:Publish", Resource: topicARN,
				Context: map[string][]string{"aws:SourceArn": {"arn:aws:s3:::other"}, "aws:SourceAccount": {account}}}, ImplicitDeny},
		{"topic policy refuses S3 without a source account", topicPolicy, Resource,
			Request{Principal: Service("s3.amazonaws.com"), Action: "sns:Publish", Resource: topicARN,
				Context: map[string][]string{"aws:SourceArn": {bucket}}}, ImplicitDeny},
		{"default statement lets the owner account publish", topicPolicy, Resource,
			Request{Principal: Account(account), Action: "sns:publish", Resource: topicARN,
				Context: map[string][]string{"AWS:SourceOwner": {account}}}, Allowed},
		{"default statement does not cover another action", topicPolicy, Resource,
			Request{Principal: Account(account), Action: "sns:CreateTopic", Resource: topicARN,
				Context: map[string][]string{"aws:SourceOwner": {account}}}, ImplicitDeny},
		{"queue policy lets the topic send", queuePolicy, Resource,
			Request{Principal: Service("sns.amazonaws.com"), Action: "sqs:SendMessage", Resource: queueARN, Context: topicCtx}, Allowed},
		{"queue policy refuses another topic", queuePolicy, Resource,
			Request{Principal: Service("sns.amazonaws.com"), Action: "sqs:SendMessage", Resource: queueARN,
				Context: map[string][]string{"aws:SourceArn": {topicARN + "-x"}}}, ImplicitDeny},
		{"queue policy refuses another service", queuePolicy, Resource,
			Request{Principal: Service("s3.amazonaws.com"), Action: "sqs:SendMessage", Resource: queueARN, Context: topicCtx}, ImplicitDeny},
		{"queue policy refuses another queue", queuePolicy, Resource,
			Request{Principal: Service("sns.amazonaws.com"), Action: "sqs:SendMessage", Resource: queueARN + "-dlq", Context: topicCtx}, ImplicitDeny},
		{"trust policy lets Lambda assume the role", trustPolicy, Trust,
			Request{Principal: Service("lambda.amazonaws.com"), Action: "sts:AssumeRole"}, Allowed},
		{"trust policy refuses another service", trustPolicy, Trust,
			Request{Principal: Service("ec2.amazonaws.com"), Action: "sts:AssumeRole"}, ImplicitDeny},
		{"role may receive from its queue", rolePolicy, Identity,
			Request{Action: "sqs:ReceiveMessage", Resource: queueARN}, Allowed},
		{"role may not receive from another queue", rolePolicy, Identity,
			Request{Action: "sqs:ReceiveMessage", Resource: queueARN + "-dlq"}, ImplicitDeny},
		{"role may read input objects", rolePolicy, Identity,
			Request{Action: "s3:GetObject", Resource: bucket + "/uploads/a.jpg"}, Allowed},
		{"resource matching is case-sensitive", rolePolicy, Identity,
			Request{Action: "s3:GetObject", Resource: bucket + "/Uploads/a.jpg"}, ImplicitDeny},
		{"NotAction deny catches anything else", rolePolicy, Identity,
			Request{Action: "s3:DeleteObject", Resource: bucket + "/uploads/a.jpg"}, ExplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.doc, tt.kind)
			if got := d.Evaluate(tt.req); got != tt.want {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvaluateCombinesDocumentsAndDenyWins(t *testing.T) {
	allow := mustParse(t, `{"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}`, Identity)
	deny := mustParse(t, `{"Statement":[{"Effect":"Deny","Action":"sqs:DeleteQueue","Resource":"*"}]}`, Identity)
	req := Request{Action: "sqs:DeleteQueue", Resource: queueARN}
	if got := Evaluate(req, allow, nil, deny); got != ExplicitDeny {
		t.Errorf("Evaluate = %v, want ExplicitDeny", got)
	}
	req.Action = "sqs:ReceiveMessage"
	if got := Evaluate(req, allow, deny); got != Allowed {
		t.Errorf("Evaluate = %v, want Allowed", got)
	}
	if got := Evaluate(req); got != ImplicitDeny {
		t.Errorf("Evaluate of no documents = %v, want ImplicitDeny", got)
	}
}

func TestPrincipals(t *testing.T) {
	role := "arn:aws:iam::000000000000:role/edas-thumbnail"
	tests := []struct {
		name      string
		principal string
		req       Principal
		want      bool
	}{
		{"star matches a service", `"*"`, Service("sns.amazonaws.com"), true},
		{"AWS star matches a service", `{"AWS":"*"}`, Service("sns.amazonaws.com"), true},
		{"account ID matches a role in the account", `{"AWS":"000000000000"}`, ARN(role), true},
		{"root ARN matches the account", `{"AWS":"arn:aws:iam::000000000000:root"}`, Account(account), true},
		{"account ID does not match another account's role", `{"AWS":"111111111111"}`, ARN(role), false},
		{"role ARN matches only that role", `{"AWS":["` + role + `"]}`, ARN(role + "x"), false},
		{"service names compare case-insensitively", `{"Service":"SNS.amazonaws.com"}`, Service("sns.amazonaws.com"), true},
		{"a service principal is not an AWS principal", `{"Service":"sns.amazonaws.com"}`, Account(account), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, `{"Statement":{"Effect":"Allow","Principal":`+tt.principal+`,"Action":"sqs:SendMessage","Resource":"*"}}`, Resource)
			got := d.Evaluate(Request{Principal: tt.req, Action: "sqs:SendMessage", Resource: queueARN}) == Allowed
			if got != tt.want {
				t.Errorf("allowed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConditions(t *testing.T) {
	tests := []struct {
		name string
		cond string
		ctx  map[string][]string
		want bool
	}{
		{"StringEquals matches any listed value", `{"StringEquals":{"k":["a","b"]}}`, ctxOf("k", "b"), true},
		{"StringEquals fails on a missing key", `{"StringEquals":{"k":"a"}}`, nil, false},
		{"StringNotEquals holds on a missing key", `{"StringNotEquals":{"k":"a"}}`, nil, true},
		{"StringNotEquals fails on a listed value", `{"StringNotEquals":{"k":["a","b"]}}`, ctxOf("k", "a"), false},
		{"StringEqualsIgnoreCase folds case", `{"StringEqualsIgnoreCase":{"k":"ABC"}}`, ctxOf("k", "abc"), true},
		{"StringLike uses wildcards", `{"StringLike":{"k":"uploads/*.jp?g"}}`, ctxOf("k", "uploads/x.jpeg"), true},
		{"condition key names are case-insensitive", `{"StringEquals":{"AWS:SourceAccount":"1"}}`, ctxOf("aws:sourceaccount", "1"), true},
		{"ArnLike matches per component", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:000000000000:*"}}`, ctxOf("aws:SourceArn", topicARN), true},
		{"ArnEquals refuses another account", `{"ArnEquals":{"aws:SourceArn":"` + topicARN + `"}}`, ctxOf("aws:SourceArn", "arn:aws:sns:us-east-1:111111111111:edas-uploads"), false},
		{"ArnNotEquals holds for another ARN", `{"ArnNotEquals":{"aws:SourceArn":"` + topicARN + `"}}`, ctxOf("aws:SourceArn", queueARN), true},
		{"ArnLike refuses something that is not an ARN", `{"ArnLike":{"aws:SourceArn":"*"}}`, ctxOf("aws:SourceArn", "nope"), false},
		{"IfExists holds on a missing key", `{"StringEqualsIfExists":{"k":"a"}}`, nil, true},
		{"IfExists still tests a present key", `{"StringEqualsIfExists":{"k":"a"}}`, ctxOf("k", "b"), false},
		{"NumericLessThan compares numbers", `{"NumericLessThan":{"n":10}}`, ctxOf("n", "9.5"), true},
		{"NumericGreaterThanEquals refuses a smaller number", `{"NumericGreaterThanEquals":{"n":"10"}}`, ctxOf("n", "9"), false},
		{"Bool compares booleans", `{"Bool":{"aws:SecureTransport":false}}`, ctxOf("aws:SecureTransport", "false"), true},
		{"Null true holds on a missing key", `{"Null":{"k":"true"}}`, nil, true},
		{"Null false fails on a missing key", `{"Null":{"k":"false"}}`, nil, false},
		{"IpAddress matches within the CIDR", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, ctxOf("aws:SourceIp", "10.1.2.3"), true},
		{"DateLessThan compares times", `{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}`, ctxOf("aws:CurrentTime", "2026-11-28T12:00:00Z"), true},
		{"ForAllValues holds when every value is listed", `{"ForAllValues:StringEquals":{"tags":["a","b"]}}`, ctxOf("tags", "a", "b"), true},
		{"ForAllValues fails on an unlisted value", `{"ForAllValues:StringEquals":{"tags":["a"]}}`, ctxOf("tags", "a", "c"), false},
		{"ForAnyValue holds when one value is listed", `{"ForAnyValue:StringLike":{"tags":["x*"]}}`, ctxOf("tags", "a", "xy"), true},
		{"ForAnyValue fails on a missing key", `{"ForAnyValue:StringEquals":{"tags":"a"}}`, nil, false},
		{"every operator must hold", `{"StringEquals":{"a":"1"},"StringLike":{"b":"2*"}}`, map[string][]string{"a": {"1"}, "b": {"3"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":`+tt.cond+`}}`, Identity)
			got := d.Evaluate(Request{Action: "x:y", Resource: queueARN, Context: tt.ctx}) == Allowed
			if got != tt.want {
				t.Errorf("allowed = %v, want %v", got, tt.want)
			}
		})
	}
}

func ctxOf(key string, vals ...string) map[string][]string { return map[string][]string{key: vals} }

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, value string
		fold, want     bool
	}{
		{"sqs:*", "SQS:SendMessage", true, true},
		{"sqs:Send*", "sqs:ReceiveMessage", true, false},
		{"s3:Get*", "s3:GetObject", false, true},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"*a*b*c*", "xxaxxbxxcxx", false, true},
		{"*a*b*c*", "xxaxxcxxbxx", false, false},
		{"", "", false, true},
		{"*", "", false, true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.value, tt.fold); got != tt.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", tt.pattern, tt.value, tt.fold, got, tt.want)
		}
	}
}

func TestParseRejectsMalformedDocuments(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		kind Kind
		want string
	}{
		{"not JSON", `{"Statement":`, Any, "This policy contains invalid Json"},
		{"trailing data", `{"Statement":[]} {}`, Any, "This policy contains invalid Json"},
		{"unknown version", `{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, Any, "The policy failed legacy parsing"},
		{"no statement", `{"Version":"2012-10-17"}`, Any, "Missing required field Statement"},
		{"no effect", `{"Statement":{"Action":"*","Resource":"*"}}`, Any, "Missing required field Effect"},
		{"bad effect", `{"Statement":{"Effect":"Maybe","Action":"*","Resource":"*"}}`, Any, "Invalid effect: Maybe"},
		{"no action", `{"Statement":{"Effect":"Allow","Resource":"*"}}`, Any, "Missing required field Action"},
		{"action without vendor", `{"Statement":{"Effect":"Allow","Action":"SendMessage","Resource":"*"}}`, Any, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"unknown field", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Foo":1}}`, Any, "Syntax errors in policy."},
		{"resource not an ARN", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"queue"}}`, Any, `Resource queue must be in ARN format or "*".`},
		{"identity policy with a principal", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}`, Identity, "Policy document should not specify a principal."},
		{"identity policy without resource", `{"Statement":{"Effect":"Allow","Action":"*"}}`, Identity, "Policy statement must contain resources."},
		{"trust policy without principal", `{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, Trust, "Missing required field Principal"},
		{"trust policy with a resource", `{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}`, Trust, "Has prohibited field Resource"},
		{"bad principal type", `{"Statement":{"Effect":"Allow","Principal":{"Robot":"x"},"Action":"*"}}`, Any, `Invalid principal in policy: "Robot"`},
		{"bad condition operator", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringSorta":{"k":"v"}}}}`, Any, "Invalid Condition type : StringSorta"},
		{"non-numeric numeric condition", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"k":"x"}}}}`, Any, `Invalid value "x" for condition NumericEquals`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.doc, tt.kind)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v, want a *ParseError", err)
			}
			if pe.Reason != tt.want {
				t.Errorf("reason = %q, want %q", pe.Reason, tt.want)
			}
		})
	}
}

func TestParseAcceptsSingleValuesAndLists(t *testing.T) {
	d := mustParse(t, `{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"s","Effect":"Deny","NotAction":"s3:*","NotResource":["arn:aws:s3:::b/*"],"NotPrincipal":{"AWS":["000000000000"]}}}`, Any)
	if len(d.Statements) != 1 || d.ID != "x" {
		t.Fatalf("document = %+v", d)
	}
	s := d.Statements[0]
	if s.Sid != "s" || s.Effect != Deny || len(s.NotAction) != 1 || len(s.NotResource) != 1 || s.NotPrincipal == nil {
		t.Errorf("statement = %+v", s)
	}
}
