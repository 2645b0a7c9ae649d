package policy

import "testing"

func FuzzParse(f *testing.F) {
	for _, s := range []string{topicPolicy, queuePolicy, trustPolicy, rolePolicy, `{}`, `{"Statement":[]}`, `[]`, `null`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		for _, kind := range []Kind{Any, Identity, Resource, Trust} {
			d, err := Parse(doc, kind)
			if err != nil {
				if _, ok := err.(*ParseError); !ok {
					t.Fatalf("Parse error %T, want *ParseError", err)
				}
				continue
			}
			d.Evaluate(Request{Principal: Service("sns.amazonaws.com"), Action: "sqs:SendMessage", Resource: queueARN,
				Context: map[string][]string{"aws:SourceArn": {topicARN}}})
		}
	})
}
