package filterpolicy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestMatchAttributes(t *testing.T) {
	str := func(v string) Attribute { return Attribute{Type: "String", Value: v} }
	num := func(v string) Attribute { return Attribute{Type: "Number", Value: v} }
	tests := []struct {
		name   string
		policy string
		attrs  map[string]Attribute
		want   bool
	}{
		{"empty policy matches everything", `{}`, nil, true},
		{"exact string matches", `{"store":["example_corp"]}`, map[string]Attribute{"store": str("example_corp")}, true},
		{"exact string refuses another value", `{"store":["example_corp"]}`, map[string]Attribute{"store": str("other")}, false},
		{"missing attribute refuses", `{"store":["example_corp"]}`, nil, false},
		{"values in a list are ORed", `{"event":["a","b"]}`, map[string]Attribute{"event": str("b")}, true},
		{"keys are ANDed", `{"a":["1"],"b":["2"]}`, map[string]Attribute{"a": str("1"), "b": str("3")}, false},
		{"exact number matches a Number attribute", `{"price":[100]}`, map[string]Attribute{"price": num("100.0")}, true},
		{"exact number refuses a String attribute", `{"price":[100]}`, map[string]Attribute{"price": str("100")}, false},
		{"exact string refuses a Number attribute", `{"price":["100"]}`, map[string]Attribute{"price": num("100")}, false},
		{"prefix matches", `{"key":[{"prefix":"uploads/"}]}`, map[string]Attribute{"key": str("uploads/a.jpg")}, true},
		{"suffix refuses", `{"key":[{"suffix":".png"}]}`, map[string]Attribute{"key": str("a.jpg")}, false},
		{"equals-ignore-case matches", `{"k":[{"equals-ignore-case":"JPG"}]}`, map[string]Attribute{"k": str("jpg")}, true},
		{"anything-but single string refuses it", `{"k":[{"anything-but":"x"}]}`, map[string]Attribute{"k": str("x")}, false},
		{"anything-but single string passes another", `{"k":[{"anything-but":"x"}]}`, map[string]Attribute{"k": str("y")}, true},
		{"anything-but list refuses a member", `{"k":[{"anything-but":["x","y"]}]}`, map[string]Attribute{"k": str("y")}, false},
		{"anything-but number refuses it", `{"n":[{"anything-but":[1,2]}]}`, map[string]Attribute{"n": num("2")}, false},
		{"anything-but prefix refuses the prefix", `{"k":[{"anything-but":{"prefix":"tmp/"}}]}`, map[string]Attribute{"k": str("tmp/a")}, false},
		{"anything-but prefix passes another", `{"k":[{"anything-but":{"prefix":"tmp/"}}]}`, map[string]Attribute{"k": str("uploads/a")}, true},
		{"anything-but refuses a missing attribute", `{"k":[{"anything-but":"x"}]}`, nil, false},
		{"numeric equals", `{"n":[{"numeric":["=",301.5]}]}`, map[string]Attribute{"n": num("301.5")}, true},
		{"numeric below refuses the bound", `{"n":[{"numeric":["<",10]}]}`, map[string]Attribute{"n": num("10")}, false},
		{"numeric at-most includes the bound", `{"n":[{"numeric":["<=",10]}]}`, map[string]Attribute{"n": num("10")}, true},
		{"numeric above", `{"n":[{"numeric":[">",0]}]}`, map[string]Attribute{"n": num("0.1")}, true},
		{"numeric at-least refuses less", `{"n":[{"numeric":[">=",5]}]}`, map[string]Attribute{"n": num("4")}, false},
		{"numeric between", `{"n":[{"numeric":[">",0,"<=",150]}]}`, map[string]Attribute{"n": num("150")}, true},
		{"numeric between refuses outside", `{"n":[{"numeric":[">",0,"<=",150]}]}`, map[string]Attribute{"n": num("0")}, false},
		{"exists true matches a present attribute", `{"k":[{"exists":true}]}`, map[string]Attribute{"k": {Type: "Binary", Value: "AA=="}}, true},
		{"exists false matches a missing attribute", `{"k":[{"exists":false}]}`, map[string]Attribute{"other": str("x")}, true},
		{"a message without attributes refuses even exists false", `{"k":[{"exists":false}]}`, nil, false},
		{"exists false refuses a present attribute", `{"k":[{"exists":false}]}`, map[string]Attribute{"k": str("x")}, false},
		{"String.Array matches when any element does", `{"tags":["red"]}`, map[string]Attribute{"tags": {Type: "String.Array", Value: `["blue","red"]`}}, true},
		{"String.Array numbers match numeric conditions", `{"tags":[{"numeric":[">",5]}]}`, map[string]Attribute{"tags": {Type: "String.Array", Value: `["x",7]`}}, true},
		{"malformed String.Array never matches", `{"tags":["red"]}`, map[string]Attribute{"tags": {Type: "String.Array", Value: `red`}}, false},
		{"custom String type matches as a string", `{"k":["v"]}`, map[string]Attribute{"k": {Type: "String.custom", Value: "v"}}, true},
		{"Binary never matches a value", `{"k":["AA=="]}`, map[string]Attribute{"k": {Type: "Binary", Value: "AA=="}}, false},
		{"cidr matches an address within", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, map[string]Attribute{"ip": str("10.0.0.255")}, true},
		{"$or matches either branch", `{"$or":[{"a":["1"]},{"b":["2"]}]}`, map[string]Attribute{"b": str("2")}, true},
		{"$or refuses when no branch matches", `{"$or":[{"a":["1"]},{"b":["2"]}]}`, map[string]Attribute{"a": str("2")}, false},
		{"$or is ANDed with sibling keys", `{"c":["3"],"$or":[{"a":["1"]},{"b":["2"]}]}`, map[string]Attribute{"a": str("1")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.policy, MessageAttributes)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := p.Match("ignored", tt.attrs); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

// s3Event is the shape of an S3 notification as the pipeline publishes it.
const s3Event = `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put",
 "s3":{"bucket":{"name":"edas"},"object":{"key":"uploads/cat.jpg","size":2048}}},
 {"eventSource":"aws:s3","s3":{"object":{"key":"uploads/notes.txt","size":10}}}]}`

func TestMatchBody(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		body   string
		want   bool
	}{
		{"suffix on a nested key inside an array matches", `{"Records":{"s3":{"object":{"key":[{"suffix":".jpg"},{"suffix":".png"}]}}}}`, s3Event, true},
		{"suffix refuses when no record matches", `{"Records":{"s3":{"object":{"key":[{"suffix":".gif"}]}}}}`, s3Event, false},
		{"numeric on a nested key", `{"Records":{"s3":{"object":{"size":[{"numeric":[">",1000]}]}}}}`, s3Event, true},
		{"top-level exact string", `{"Event":["s3:TestEvent"]}`, `{"Service":"Amazon S3","Event":"s3:TestEvent"}`, true},
		{"exists false on a missing nested key", `{"Records":{"s3":[{"exists":false}]}}`, `{"Service":"Amazon S3"}`, true},
		{"a missing nested object refuses a value condition", `{"Records":{"s3":{"object":{"key":["x"]}}}}`, `{"Service":"Amazon S3"}`, false},
		{"an array leaf matches when any element does", `{"tags":["b"]}`, `{"tags":["a","b"]}`, true},
		{"a body that is not JSON refuses", `{"a":["1"]}`, `plain text`, false},
		{"an empty policy passes a body that is not JSON", `{}`, `plain text`, true},
		{"null matches a null value", `{"a":[null]}`, `{"a":null}`, true},
		{"exists true refuses a null value", `{"a":[{"exists":true}]}`, `{"a":null}`, false},
		{"exists true refuses an empty array", `{"a":[{"exists":true}]}`, `{"a":[]}`, false},
		{"true matches a boolean", `{"a":[true]}`, `{"a":true}`, true},
		{"true refuses the string true", `{"a":[true]}`, `{"a":"true"}`, false},
		{"anything-but passes a boolean", `{"a":[{"anything-but":["x"]}]}`, `{"a":false}`, true},
		{"$or at a nested level", `{"detail":{"$or":[{"a":["1"]},{"b":[{"prefix":"x"}]}]}}`, `{"detail":{"b":"xyz"}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.policy, MessageBody)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := p.Match(tt.body, nil); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseRejectsInvalidPolicies(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		scope  Scope
		want   string
	}{
		{"not JSON", `{"a":`, MessageAttributes, "failed to parse JSON"},
		{"not an object", `["a"]`, MessageAttributes, "Filter policy must be a JSON object"},
		{"a value that is not an array", `{"a":"b"}`, MessageAttributes, "Match value must be an array for key a"},
		{"an empty array", `{"a":[]}`, MessageAttributes, "Empty arrays are not allowed"},
		{"a nested object in attribute scope", `{"a":{"b":["c"]}}`, MessageAttributes, "Filter policy for MessageAttributes scope must not nest objects: a"},
		{"an unknown operator", `{"a":[{"prefixx":"b"}]}`, MessageAttributes, "Unrecognized match type prefixx"},
		{"two operators in one object", `{"a":[{"prefix":"b","suffix":"c"}]}`, MessageAttributes, "Only one key allowed in match expression"},
		{"exists not boolean", `{"a":[{"exists":"yes"}]}`, MessageAttributes, "exists match pattern must be either true or false."},
		{"numeric without operator", `{"a":[{"numeric":[5]}]}`, MessageAttributes, "Value of numeric must be an array."},
		{"numeric bad operator", `{"a":[{"numeric":["!=",5]}]}`, MessageAttributes, "Unrecognized numeric range operator: !="},
		{"numeric inverted range", `{"a":[{"numeric":[">",10,"<",5]}]}`, MessageAttributes, "Bottom must be less than top"},
		{"numeric out of range", `{"a":[1e10]}`, MessageAttributes, "Numeric value must be between -1.0E9 and 1.0E9 inclusive"},
		{"$or with one branch", `{"$or":[{"a":["1"]}]}`, MessageAttributes, "$or must be an array of at least two objects"},
		{"too deep", `{"a":{"b":{"c":{"d":{"e":{"f":["x"]}}}}}}`, MessageBody, "Filter policy is too complex"},
		{"more than five keys", `{"a":["1"],"b":["1"],"c":["1"],"d":{"e":["1"],"f":["1"],"g":["1"]}}`, MessageBody, "Filter policy can not have more than 5 keys"},
		{"too many combinations", `{"a":["1","2","3","4","5","6","7","8","9","10"],"b":["1","2","3","4","5","6","7","8","9","10"],"c":["1","2"]}`, MessageAttributes, "Filter policy is too complex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.policy, tt.scope)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("Parse error = %v, want *Error", err)
			}
			if fe.Reason != tt.want {
				t.Errorf("reason = %q, want %q", fe.Reason, tt.want)
			}
		})
	}
}

func FuzzMatch(f *testing.F) {
	f.Add(`{"Records":{"s3":{"object":{"key":[{"suffix":".jpg"}]}}}}`, s3Event)
	f.Add(`{"a":[{"numeric":[">",0,"<",5]},{"anything-but":["x"]}],"$or":[{"b":["1"]},{"c":[{"exists":false}]}]}`, `{"a":3}`)
	f.Fuzz(func(t *testing.T, policy, body string) {
		for _, scope := range []Scope{MessageAttributes, MessageBody} {
			p, err := Parse(policy, scope)
			if err != nil {
				continue
			}
			p.Match(body, map[string]Attribute{"a": {Type: "String", Value: body}, "b": {Type: "String.Array", Value: body}, "c": {Type: "Number", Value: body}})
			if scope == MessageBody && p.MatchBody(body) != matchWholeBody(p, body) {
				t.Errorf("policy %s, body %q: the pruned body matches %v, the whole body %v", policy, body, p.MatchBody(body), matchWholeBody(p, body))
			}
		}
	})
}

// BenchmarkMatchBodyS3Event matches an S3 event notification against the
// policy edasctl gives an image consumer (suffixes of Records.s3.object.key):
// SNS does this for every message of the pipeline.
//
//	go test ./internal/localaws/sns/filterpolicy -run '^$' -bench MatchBody -benchmem
func BenchmarkMatchBodyS3Event(b *testing.B) {
	p, err := Parse(`{"Records":{"s3":{"object":{"key":[{"suffix":".jpg"},{"suffix":".jpeg"},{"suffix":".png"},`+
		`{"suffix":".gif"},{"suffix":".webp"}]}}}}`, MessageBody)
	if err != nil {
		b.Fatal(err)
	}
	record := map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
		"eventTime": "2026-11-28T12:00:00.123Z", "eventName": "ObjectCreated:Put",
		"userIdentity":      map[string]any{"principalId": "AWS:000000000000"},
		"requestParameters": map[string]any{"sourceIPAddress": "127.0.0.1"},
		"responseElements":  map[string]any{"x-amz-request-id": "0123456789ABCDEF", "x-amz-id-2": strings.Repeat("a", 76)},
		"s3": map[string]any{
			"s3SchemaVersion": "1.0", "configurationId": "edas",
			"bucket": map[string]any{"name": "edas-000000000000-us-east-1", "arn": "arn:aws:s3:::edas-000000000000-us-east-1",
				"ownerIdentity": map[string]any{"principalId": "000000000000"}},
			"object": map[string]any{"key": "uploads/bench/run/0001.bin", "size": 1024,
				"eTag": "0f343b0931126a20f133d67c2b018a3b", "sequencer": "0066A1B2C3D4E5F600"},
		},
	}
	doc, err := json.Marshal(map[string]any{"Records": []any{record}})
	if err != nil {
		b.Fatal(err)
	}
	body := string(doc)
	b.ReportAllocs()
	for b.Loop() {
		if p.MatchBody(body) {
			b.Fatal("a .bin key matched an image suffix")
		}
	}
}

// matchWholeBody is MatchBody as it was before bodies were decoded pruned
// (decodePruned): the whole body decoded by encoding/json. The pruned
// decoding must match exactly as it does.
func matchWholeBody(p *Policy, body string) bool {
	if p.root.empty() {
		return true
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return false
	}
	return p.root.matchObject(m)
}

func TestPrunedBodyMatchesAsTheWholeBodyDoes(t *testing.T) {
	policies := []string{
		`{"Records":{"s3":{"object":{"key":[{"suffix":".jpg"},{"suffix":".png"}]}}}}`,
		`{"Records":{"s3":{"object":{"size":[{"numeric":[">",1000]}]}}}}`,
		`{"a":[{"exists":true}],"b":{"c":[{"anything-but":["x"]}]}}`,
		`{"$or":[{"a":["1"]},{"a":{"b":["2"]}}]}`, // a is a leaf in one alternative, nested in the other
		`{"a":{"$or":[{"b":[null]},{"c":[true]}]}}`,
		`{"a":[{"prefix":"x"}],"d":[{"numeric":["=",5]}]}`,
	}
	bodies := []string{
		s3Event,
		`{"a":"1","b":{"c":"y"}}`,
		`{"a":{"b":"2"}}`,
		`{"a":[{"b":"1"},{"b":"2"}],"d":5.0}`,
		`{"a":{"b":null,"c":true}}`,
		`{"a":"x1","a":"y1"}`, // duplicate names: the last wins
		`{"a":[["nested"],{"c":true}]}`,
		`{"a":"xs","d":5e0} trailing text`,
		"{\"a\":\"x\xff\xfey\",\"\xffk\":1}", // invalid UTF-8
		`{"Records":"not an array"}`,
		`[1,2]`, `null`, `"s"`, `{"a":`, `{}`, ``,
	}
	for _, policy := range policies {
		p, err := Parse(policy, MessageBody)
		if err != nil {
			t.Fatalf("Parse(%s): %v", policy, err)
		}
		for _, body := range bodies {
			if got, want := p.MatchBody(body), matchWholeBody(p, body); got != want {
				t.Errorf("policy %s, body %q: pruned %v, whole %v", policy, body, got, want)
			}
		}
	}
}

func TestEventPatternsHaveLambdasLimitsNotSNSs(t *testing.T) {
	// Six keys and more than 150 value combinations: too much for an SNS
	// policy, fine for a Lambda event pattern.
	doc := `{"body":{"a":["1","2","3"],"b":["1","2","3"],"c":["1","2","3"],"d":["1","2","3"],"e":["1","2","3"],"f":["1","2","3"]}}`
	if _, err := Parse(doc, MessageBody); err == nil {
		t.Fatal("SNS accepted a policy of six keys")
	}
	p, err := ParseEventPattern(doc)
	if err != nil {
		t.Fatalf("ParseEventPattern: %v", err)
	}
	if !p.MatchBody(`{"body":{"a":"1","b":"2","c":"3","d":"1","e":"2","f":"3"}}`) || p.MatchBody(`{"body":{"a":"4"}}`) {
		t.Fatal("the event pattern does not match as a body policy does")
	}
	if _, err := ParseEventPattern(`{"body":["` + strings.Repeat("x", 4096) + `"]}`); err == nil {
		t.Fatal("a pattern over 4,096 characters was accepted")
	}
}
