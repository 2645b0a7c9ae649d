package esm

import (
	"encoding/json"

	"github.com/edasctl/edasctl/internal/localaws/sns/filterpolicy"
)

// Event filtering of an SQS mapping
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html,
// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html):
// up to five patterns, ORed; "If none of your filters are satisfied, Lambda
// discards the record", which for SQS means the message is deleted without
// an invocation. "Amazon SQS event source mappings only support filtering on
// the body key": a pattern is matched against {"body": …}, the body as JSON
// when it is valid JSON and as a string otherwise, so a pattern on the
// body's properties drops a plain-text message and a string pattern drops
// a JSON one, as Lambda does.
const maxFilters = 5

// filterCriteria is the FilterCriteria shape of the API.
type filterCriteria struct {
	Filters []filter `json:"Filters"`
}

type filter struct {
	Pattern string `json:"Pattern"`
}

// patterns validates fc and returns its patterns.
func (fc *filterCriteria) patterns() ([]string, error) {
	if len(fc.Filters) > maxFilters {
		return nil, invalidParameter("Invalid filter criteria: a mapping may have at most %d filters, got %d.", maxFilters, len(fc.Filters))
	}
	out := make([]string, 0, len(fc.Filters))
	for _, f := range fc.Filters {
		if _, err := filterpolicy.ParseEventPattern(f.Pattern); err != nil {
			return nil, invalidParameter("Invalid filter pattern definition: %s", f.Pattern)
		}
		out = append(out, f.Pattern)
	}
	return out, nil
}

// criteria renders patterns as FilterCriteria, nil for none.
func criteria(patterns []string) *filterCriteria {
	if len(patterns) == 0 {
		return nil
	}
	fc := &filterCriteria{}
	for _, p := range patterns {
		fc.Filters = append(fc.Filters, filter{Pattern: p})
	}
	return fc
}

// compile parses patterns, which were validated (patterns) when the
// mapping was saved.
func compile(patterns []string) []*filterpolicy.Policy {
	policies := make([]*filterpolicy.Policy, 0, len(patterns))
	for _, p := range patterns {
		if pol, err := filterpolicy.ParseEventPattern(p); err == nil {
			policies = append(policies, pol)
		}
	}
	return policies
}

// split parts batch into the messages some filter matches and those none
// does; without filters every message is kept.
func split(policies []*filterpolicy.Policy, batch []Message) (kept, dropped []Message) {
	if len(policies) == 0 {
		return batch, nil
	}
	for _, msg := range batch {
		doc := filterDocument(msg.Body)
		matched := false
		for _, pol := range policies {
			if pol.MatchBody(doc) {
				matched = true
				break
			}
		}
		if matched {
			kept = append(kept, msg)
		} else {
			dropped = append(dropped, msg)
		}
	}
	return kept, dropped
}

// filterDocument is what a pattern is matched against: {"body": body},
// body as JSON when it is valid JSON, else as a string.
func filterDocument(body string) string {
	inner := []byte(body)
	if !json.Valid(inner) {
		inner, _ = json.Marshal(body)
	}
	return `{"body":` + string(inner) + `}`
}
