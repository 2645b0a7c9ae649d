package logs

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// A Pattern is a compiled CloudWatch Logs filter pattern
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
// The supported forms are:
//
//   - the empty pattern, which matches every event;
//   - terms: ERROR, "quoted phrase" — every term must occur in the message
//     (case-sensitive); ?term — at least one of the ?-terms must occur;
//     -term — the term must not occur;
//   - a regular expression %…% (RE2 syntax) that must match somewhere in
//     the message;
//   - JSON patterns { SELECTOR OP VALUE }, which match only messages that
//     are JSON objects: selectors $.a.b[0], operators = != < > <= >=, values
//     "strings" (with * wildcards), numbers, bare words and %regex%, the
//     conditions IS NULL, IS TRUE, IS FALSE and NOT EXISTS, combined with
//     && and || and grouped with parentheses (&& binds tighter);
//   - space-delimited patterns [ip, user, ..., status = 4*, bytes > 1000]:
//     one slot per space-separated field of the message ("…" and […] are
//     single fields), "..." for any number of fields, and conditions on a
//     field with the operators and values of JSON patterns, joined by && and
//     ||.
//
// A Pattern is immutable and safe for concurrent use.
type Pattern struct {
	match func(msg string) bool
}

// maxPatternLen bounds a filter pattern, as the API model does.
const maxPatternLen = 1024

// CompilePattern parses a filter pattern. Leading and trailing spaces are
// ignored.
func CompilePattern(src string) (*Pattern, error) {
	if len(src) > maxPatternLen {
		return nil, fmt.Errorf("pattern longer than %d characters", maxPatternLen)
	}
	src = strings.TrimSpace(src)
	switch {
	case src == "" || src == `""`:
		return &Pattern{match: func(string) bool { return true }}, nil
	case strings.HasPrefix(src, "{"):
		node, err := parseJSONPattern(src)
		if err != nil {
			return nil, err
		}
		return &Pattern{match: func(msg string) bool { return matchJSON(node, msg) }}, nil
	case strings.HasPrefix(src, "["):
		return compileSpace(src)
	case len(src) >= 2 && src[0] == '%' && src[len(src)-1] == '%':
		re, err := regexp.Compile(src[1 : len(src)-1])
		if err != nil {
			return nil, fmt.Errorf("bad regular expression: %w", err)
		}
		return &Pattern{match: re.MatchString}, nil
	}
	return compileTerms(src)
}

// Match reports whether msg matches the pattern.
func (p *Pattern) Match(msg string) bool { return p.match(msg) }

// compileTerms compiles a term pattern.
func compileTerms(src string) (*Pattern, error) {
	var all, oneOf, none []string
	for i := 0; i < len(src); {
		if src[i] == ' ' || src[i] == '\t' {
			i++
			continue
		}
		kind := byte(0)
		if src[i] == '?' || src[i] == '-' {
			kind = src[i]
			i++
		}
		term, n, err := scanTerm(src[i:])
		if err != nil {
			return nil, err
		}
		i += n
		switch kind {
		case '?':
			oneOf = append(oneOf, term)
		case '-':
			none = append(none, term)
		default:
			all = append(all, term)
		}
	}
	return &Pattern{match: func(msg string) bool {
		for _, t := range all {
			if !strings.Contains(msg, t) {
				return false
			}
		}
		for _, t := range none {
			if strings.Contains(msg, t) {
				return false
			}
		}
		if len(oneOf) == 0 {
			return true
		}
		for _, t := range oneOf {
			if strings.Contains(msg, t) {
				return true
			}
		}
		return false
	}}, nil
}

// scanTerm reads one term, quoted or bare, from the start of s and returns
// it with the number of bytes consumed.
func scanTerm(s string) (term string, n int, err error) {
	if s == "" || s[0] == ' ' || s[0] == '\t' {
		return "", 0, errors.New("operator ? or - without a term")
	}
	if s[0] == '"' {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			switch c := s[i]; {
			case c == '\\' && i+1 < len(s):
				i++
				b.WriteByte(s[i])
			case c == '"':
				if b.Len() == 0 {
					return "", 0, errors.New("empty quoted term")
				}
				return b.String(), i + 1, nil
			default:
				b.WriteByte(c)
			}
		}
		return "", 0, errors.New("unterminated quoted term")
	}
	end := strings.IndexAny(s, " \t")
	if end < 0 {
		end = len(s)
	}
	term = s[:end]
	if strings.ContainsAny(term, `"{}[]`) {
		return "", 0, fmt.Errorf("term %q must be quoted", term)
	}
	return term, end, nil
}
