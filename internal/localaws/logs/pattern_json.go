package logs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A jsonNode is a compiled JSON pattern expression, evaluated against a
// decoded JSON object.
type jsonNode interface {
	eval(doc any) bool
}

type andNode struct{ l, r jsonNode }

func (n andNode) eval(doc any) bool { return n.l.eval(doc) && n.r.eval(doc) }

type orNode struct{ l, r jsonNode }

func (n orNode) eval(doc any) bool { return n.l.eval(doc) || n.r.eval(doc) }

// A pathStep is one step of a selector: a member name or an array index.
type pathStep struct {
	name  string
	index int // ≥ 0 for an index step
}

// lookup follows path from doc; ok is false when a step is missing.
func lookup(doc any, path []pathStep) (v any, ok bool) {
	v = doc
	for _, step := range path {
		switch cur := v.(type) {
		case map[string]any:
			if step.index >= 0 {
				return nil, false
			}
			if v, ok = cur[step.name]; !ok {
				return nil, false
			}
		case []any:
			if step.index < 0 || step.index >= len(cur) {
				return nil, false
			}
			v = cur[step.index]
		default:
			return nil, false
		}
	}
	return v, true
}

// A checkNode is SELECTOR IS NULL / IS TRUE / IS FALSE / NOT EXISTS.
type checkNode struct {
	path  []pathStep
	check string // "NULL", "TRUE", "FALSE" or "NOT EXISTS"
}

func (n checkNode) eval(doc any) bool {
	v, ok := lookup(doc, n.path)
	switch n.check {
	case "NOT EXISTS":
		return !ok
	case "NULL":
		return ok && v == nil
	case "TRUE":
		return ok && v == true
	default:
		return ok && v == false
	}
}

// A cmpNode is SELECTOR OP VALUE. A selector that does not resolve matches
// no comparison, not even !=.
type cmpNode struct {
	path  []pathStep
	op    string
	isNum bool
	num   float64
	str   string // a string value, with * wildcards
	re    *regexp.Regexp
}

func (n cmpNode) eval(doc any) bool {
	v, ok := lookup(doc, n.path)
	if !ok {
		return false
	}
	if n.isNum {
		num, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, err := num.Float64()
		if err != nil {
			return false
		}
		return compareNum(f, n.op, n.num)
	}
	var text string
	switch t := v.(type) {
	case string:
		text = t
	case json.Number:
		text = t.String()
	case bool:
		text = strconv.FormatBool(t)
	default:
		return false
	}
	var eq bool
	if n.re != nil {
		eq = n.re.MatchString(text)
	} else {
		eq = wildcardMatch(n.str, text)
	}
	return eq == (n.op == "=")
}

func compareNum(a float64, op string, b float64) bool {
	switch op {
	case "=":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	default:
		return a >= b
	}
}

// wildcardMatch reports whether s matches pattern, in which * stands for any
// run of characters.
func wildcardMatch(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}

// matchJSON reports whether msg is a JSON object that satisfies node.
func matchJSON(node jsonNode, msg string) bool {
	msg = strings.TrimSpace(msg)
	if !strings.HasPrefix(msg, "{") {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(msg)))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return false
	}
	return node.eval(doc)
}

// parseJSONPattern compiles "{ expression }".
func parseJSONPattern(src string) (jsonNode, error) {
	if !strings.HasSuffix(src, "}") || len(src) < 2 {
		return nil, errors.New("JSON pattern must end with }")
	}
	toks, err := lexJSONPattern(src[1 : len(src)-1])
	if err != nil {
		return nil, err
	}
	p := &jsonParser{toks: toks}
	node, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i].text)
	}
	return node, nil
}

type tokKind int

const (
	tokSelector tokKind = iota
	tokOp               // = != < > <= >=
	tokAnd
	tokOr
	tokLParen
	tokRParen
	tokString // "quoted"
	tokRegex  // %…%
	tokWord   // bare word or number, or IS NULL TRUE FALSE NOT EXISTS
)

type token struct {
	kind tokKind
	text string
}

// lexJSONPattern splits the inside of a JSON pattern into tokens.
func lexJSONPattern(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{tokLParen, "("})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")"})
			i++
		case strings.HasPrefix(s[i:], "&&"):
			toks = append(toks, token{tokAnd, "&&"})
			i += 2
		case strings.HasPrefix(s[i:], "||"):
			toks = append(toks, token{tokOr, "||"})
			i += 2
		case strings.HasPrefix(s[i:], "!=") || strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], ">="):
			toks = append(toks, token{tokOp, s[i : i+2]})
			i += 2
		case c == '=' || c == '<' || c == '>':
			toks = append(toks, token{tokOp, s[i : i+1]})
			i++
		case c == '"':
			str, n, err := scanTerm(s[i:])
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tokString, str})
			i += n
		case c == '%':
			end := strings.IndexByte(s[i+1:], '%')
			if end < 0 {
				return nil, errors.New("unterminated regular expression")
			}
			toks = append(toks, token{tokRegex, s[i+1 : i+1+end]})
			i += end + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()=!<>&|\"", rune(s[j])) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unexpected character %q", c)
			}
			kind := tokWord
			if c == '$' {
				kind = tokSelector
			}
			toks = append(toks, token{kind, s[i:j]})
			i = j
		}
	}
	return toks, nil
}

type jsonParser struct {
	toks  []token
	i     int
	depth int // open parentheses
}

func (p *jsonParser) peek() *token {
	if p.i < len(p.toks) {
		return &p.toks[p.i]
	}
	return nil
}

func (p *jsonParser) next() (token, error) {
	if p.i >= len(p.toks) {
		return token{}, errors.New("unexpected end of JSON pattern")
	}
	p.i++
	return p.toks[p.i-1], nil
}

func (p *jsonParser) or() (jsonNode, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for t := p.peek(); t != nil && t.kind == tokOr; t = p.peek() {
		p.i++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *jsonParser) and() (jsonNode, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for t := p.peek(); t != nil && t.kind == tokAnd; t = p.peek() {
		p.i++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
	return l, nil
}

// maxDepth bounds parenthesis nesting so a hostile pattern cannot exhaust
// the stack.
const maxDepth = 32

func (p *jsonParser) unary() (jsonNode, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case tokLParen:
		if p.depth++; p.depth > maxDepth {
			return nil, errors.New("parentheses nested too deeply")
		}
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		p.depth--
		if t, err := p.next(); err != nil || t.kind != tokRParen {
			return nil, errors.New("missing )")
		}
		return n, nil
	case tokSelector:
		return p.condition(t.text)
	default:
		return nil, fmt.Errorf("expected a selector such as $.field, got %q", t.text)
	}
}

func (p *jsonParser) condition(selector string) (jsonNode, error) {
	path, err := parseSelector(selector)
	if err != nil {
		return nil, err
	}
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tokWord {
		return p.check(path, t.text)
	}
	if t.kind != tokOp {
		return nil, fmt.Errorf("expected an operator after %s, got %q", selector, t.text)
	}
	v, err := p.next()
	if err != nil {
		return nil, err
	}
	n := cmpNode{path: path, op: t.text}
	switch v.kind {
	case tokString:
		n.str = v.text
	case tokRegex:
		if n.re, err = regexp.Compile(v.text); err != nil {
			return nil, fmt.Errorf("bad regular expression: %w", err)
		}
	case tokWord:
		if f, err := strconv.ParseFloat(v.text, 64); err == nil {
			n.isNum, n.num = true, f
		} else {
			n.str = v.text
		}
	default:
		return nil, fmt.Errorf("expected a value after %s %s, got %q", selector, t.text, v.text)
	}
	if !n.isNum && n.op != "=" && n.op != "!=" {
		return nil, fmt.Errorf("operator %s needs a numeric value", n.op)
	}
	return n, nil
}

// check parses IS NULL, IS TRUE, IS FALSE and NOT EXISTS after a selector.
func (p *jsonParser) check(path []pathStep, word string) (jsonNode, error) {
	next, err := p.next()
	if err != nil {
		return nil, err
	}
	w, v := strings.ToUpper(word), strings.ToUpper(next.text)
	switch {
	case w == "IS" && next.kind == tokWord && (v == "NULL" || v == "TRUE" || v == "FALSE"):
		return checkNode{path: path, check: v}, nil
	case w == "NOT" && next.kind == tokWord && v == "EXISTS":
		return checkNode{path: path, check: "NOT EXISTS"}, nil
	}
	return nil, fmt.Errorf("unexpected %q %q", word, next.text)
}

// parseSelector parses $.a.b[2].c into its steps.
func parseSelector(s string) ([]pathStep, error) {
	rest, ok := strings.CutPrefix(s, "$")
	if !ok || rest == "" {
		return nil, fmt.Errorf("bad selector %q", s)
	}
	var path []pathStep
	for rest != "" {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			name := rest[1 : 1+end]
			if name == "" {
				return nil, fmt.Errorf("bad selector %q", s)
			}
			path = append(path, pathStep{name: name, index: -1})
			rest = rest[1+end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("bad selector %q", s)
			}
			n, err := strconv.Atoi(rest[1:end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad array index in selector %q", s)
			}
			path = append(path, pathStep{index: n})
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("bad selector %q", s)
		}
	}
	return path, nil
}
