package provision

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edasctl/edasctl/internal/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares doc, indented, with testdata/name.
func golden(t *testing.T, name, doc string) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(doc), "", "  "); err != nil {
		t.Fatalf("%s is not JSON: %v", name, err)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if buf.String() != string(want) {
		t.Errorf("%s differs from the golden file:\n got: %s\nwant: %s", name, buf.String(), want)
	}
}

func TestPolicies_matchTheGoldenDocuments(t *testing.T) {
	f := newFixture(t)
	o := f.plan.op(f.step(t, "role/thumbnail"))
	tests := map[string]string{
		"trust-policy.json":            marshalPolicy(trustPolicy()),
		"role-policy-thumbnail.json":   (&roleStep{consumer: &f.plan.cfg.Consumers[0]}).wantPolicy(o),
		"role-policy-catalog.json":     (&roleStep{consumer: &f.plan.cfg.Consumers[1]}).wantPolicy(o),
		"topic-statement.json":         marshalPolicy(topicPublishStatement(o.target.topicARN("edas-uploads"), o.target.bucketARN(testBucket), testAccount)),
		"queue-statement.json":         marshalPolicy(queueSendStatement(o.target.queueARN("edas-thumbnail"), o.target.topicARN("edas-uploads"))),
		"bucket-statement.json":        marshalPolicy(denyInsecureTransport(o.target.bucketARN(testBucket))),
		"filter-policy-thumbnail.json": filterPolicy(f.plan.cfg.Consumers[0].Filter),
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) { golden(t, name, doc) })
	}
}

func TestRolePolicy_isLeastPrivilege(t *testing.T) {
	f := newFixture(t)
	o := f.plan.op(f.step(t, "role/catalog"))
	doc := (&roleStep{consumer: &f.plan.cfg.Consumers[1]}).wantPolicy(o)
	var p policyDocument
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Statement {
		for _, r := range stringSet(s.Resource) {
			if r == "*" || strings.HasSuffix(r, ":::"+testBucket+"/*") {
				t.Errorf("statement %s grants %v on %q", s.Sid, s.Action, r)
			}
		}
	}
	if !strings.Contains(doc, `"arn:aws:s3:::`+testBucket+`/catalog/*"`) || strings.Contains(doc, "thumbnails/") {
		t.Errorf("catalog may not write only under catalog/: %s", doc)
	}
}

func TestFilterPolicy(t *testing.T) {
	tests := map[string]struct {
		filter config.Filter
		want   string
	}{
		"no filter means no policy": {config.Filter{}, ""},
		"suffixes match the nested object key": {config.Filter{Suffix: []string{".png"}},
			`{"Records":{"s3":{"object":{"key":[{"suffix":".png"}]}}}}`},
		"prefixes match the nested object key": {config.Filter{Prefix: []string{"uploads/a", "uploads/b"}},
			`{"Records":{"s3":{"object":{"key":[{"prefix":"uploads/a"},{"prefix":"uploads/b"}]}}}}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) { mustEqual(t, "policy", filterPolicy(tc.filter), tc.want) })
	}
}

func TestPoliciesEqual(t *testing.T) {
	base := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"A","Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b/u/*"},` +
		`{"Sid":"B","Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage"],"Resource":["arn:q"],` +
		`"Condition":{"Bool":{"aws:SecureTransport":false}}}]}`
	tests := []struct {
		name  string
		other string
		want  bool
	}{
		{"identical documents are equal", base, true},
		{"a one-element list equals its string", strings.Replace(base, `["s3:GetObject"]`, `"s3:GetObject"`, 1), true},
		{"statement order does not matter", `{"Version":"2012-10-17","Statement":[` +
			`{"Sid":"B","Effect":"Allow","Action":["sqs:DeleteMessage","sqs:ReceiveMessage"],"Resource":"arn:q","Condition":{"Bool":{"aws:SecureTransport":"false"}}},` +
			`{"Resource":"arn:aws:s3:::b/u/*","Action":"s3:GetObject","Effect":"Allow","Sid":"A"}]}`, true},
		{"a URL-encoded document is decoded", url.PathEscape(base), true},
		{"another resource differs", strings.Replace(base, "b/u/*", "b/*", 1), false},
		{"another effect differs", strings.Replace(base, `"Sid":"A","Effect":"Allow"`, `"Sid":"A","Effect":"Deny"`, 1), false},
		{"a missing statement differs", `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/u/*"}]}`, false},
		{"another version differs", strings.Replace(base, "2012-10-17", "2008-10-17", 1), false},
		{"garbage equals nothing", "{", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mustEqual(t, "equal", policiesEqual(base, tc.other), tc.want)
		})
	}
}

func TestMergeStatement(t *testing.T) {
	want := queueSendStatement("arn:q", "arn:t")
	other := `{"Sid":"Theirs","Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:q"}`
	t.Run("adds the statement to an empty policy", func(t *testing.T) {
		doc, changed, err := mergeStatement("", want)
		if err != nil || !changed || !hasStatement(doc, want) {
			t.Fatalf("merge = %s, %v, %v", doc, changed, err)
		}
	})
	t.Run("keeps other statements", func(t *testing.T) {
		doc, changed, err := mergeStatement(`{"Version":"2012-10-17","Statement":[`+other+`]}`, want)
		if err != nil || !changed || !hasSid(doc, "Theirs") || !hasStatement(doc, want) {
			t.Fatalf("merge = %s, %v, %v", doc, changed, err)
		}
	})
	t.Run("replaces a stale statement with the same Sid", func(t *testing.T) {
		stale := queueSendStatement("arn:q", "arn:old")
		doc, _, _ := mergeStatement("", stale)
		doc, changed, err := mergeStatement(doc, want)
		if err != nil || !changed || !hasStatement(doc, want) || strings.Contains(doc, "arn:old") {
			t.Fatalf("merge = %s, %v, %v", doc, changed, err)
		}
	})
	t.Run("reports no change for an equal statement in another form", func(t *testing.T) {
		doc := `{"Statement":{"Sid":"EdasSNSSendMessage","Effect":"Allow","Principal":{"Service":["sns.amazonaws.com"]},` +
			`"Action":["sqs:SendMessage"],"Resource":["arn:q"],"Condition":{"ArnEquals":{"aws:SourceArn":["arn:t"]}}},"Version":"2012-10-17"}`
		if _, changed, err := mergeStatement(doc, want); err != nil || changed {
			t.Fatalf("changed = %v, err = %v; want no change", changed, err)
		}
	})
	t.Run("removes only its own statement", func(t *testing.T) {
		doc, _, _ := mergeStatement(`{"Version":"2012-10-17","Statement":[`+other+`]}`, want)
		rest, found, err := removeStatement(doc, sidQueueSend)
		if err != nil || !found || hasSid(rest, sidQueueSend) || !hasSid(rest, "Theirs") {
			t.Fatalf("remove = %s, %v, %v", rest, found, err)
		}
		rest, found, _ = removeStatement(`{"Version":"2012-10-17","Statement":[]}`, sidQueueSend)
		if found {
			t.Errorf("found a statement in %s", rest)
		}
	})
}

func TestFilterPolicyEncodesValuesAsS3EncodesEventKeys(t *testing.T) {
	got := filterPolicy(config.Filter{Prefix: []string{"uploads/My Photos/"}})
	if !strings.Contains(got, `"prefix":"uploads/My+Photos/"`) {
		t.Fatalf("filter policy %s does not match S3's encoded event key", got)
	}
	if got := filterPolicy(config.Filter{Suffix: []string{".jpg"}}); !strings.Contains(got, `"suffix":".jpg"`) {
		t.Fatalf("plain suffix changed: %s", got)
	}
}
