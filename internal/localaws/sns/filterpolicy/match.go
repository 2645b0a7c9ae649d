package filterpolicy

import (
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"
)

// An Attribute is a message attribute as published: its DataType
// ("String", "Number", "Binary", "String.Array", optionally with a custom
// ".suffix") and its value (the base64 text for Binary).
type Attribute struct {
	Type  string
	Value string
}

// Scope returns the scope the policy was parsed for.
func (p *Policy) Scope() Scope { return p.scope }

// Match reports whether a message passes the policy: its attributes for the
// MessageAttributes scope, its body for the MessageBody scope.
func (p *Policy) Match(body string, attrs map[string]Attribute) bool {
	if p.scope == MessageBody {
		return p.MatchBody(body)
	}
	return p.MatchAttributes(attrs)
}

// MatchAttributes matches message attributes. String attributes match
// string conditions, Number attributes numeric ones, a String.Array matches
// when any element does, and Binary attributes match only "exists".
//
// As on AWS, a message without attributes never passes a non-empty policy,
// not even one of "exists": false conditions
// (https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html).
func (p *Policy) MatchAttributes(attrs map[string]Attribute) bool {
	if p.root.empty() {
		return true
	}
	if len(attrs) == 0 {
		return false
	}
	return p.root.match(func(key string) ([]value, bool) {
		a, ok := attrs[key]
		if !ok {
			return nil, false
		}
		return attributeValues(a), true
	}, nil)
}

// MatchBody matches a JSON message body; a body that is not a JSON object
// matches only an empty policy.
func (p *Policy) MatchBody(body string) bool {
	if p.root.empty() {
		return true
	}
	m, ok := decodePruned(body, p.keep)
	if !ok {
		return false
	}
	return p.root.matchObject(m)
}

// A value is one candidate a condition is tested against.
type value struct {
	kind valueKind
	s    string
	n    float64
	b    bool
}

type valueKind int

const (
	vString valueKind = iota
	vNumber
	vBool
	vNull
)

func attributeValues(a Attribute) []value {
	base, _, _ := strings.Cut(a.Type, ".")
	switch {
	case a.Type == "String.Array":
		var items []any
		dec := json.NewDecoder(strings.NewReader(a.Value))
		dec.UseNumber()
		if dec.Decode(&items) != nil {
			return nil
		}
		return scalars(items)
	case base == "Number":
		f, err := strconv.ParseFloat(a.Value, 64)
		if err != nil {
			return nil
		}
		return []value{{kind: vNumber, n: f}}
	case base == "String":
		return []value{{s: a.Value}}
	}
	return nil // Binary
}

// scalars turns JSON values into candidates; objects never match a
// condition and are dropped.
func scalars(items []any) []value {
	var out []value
	for _, it := range items {
		switch it := it.(type) {
		case string:
			out = append(out, value{s: it})
		case json.Number:
			if f, err := strconv.ParseFloat(it.String(), 64); err == nil {
				out = append(out, value{kind: vNumber, n: f})
			}
		case bool:
			out = append(out, value{kind: vBool, b: it})
		case nil:
			out = append(out, value{kind: vNull})
		}
	}
	return out
}

func (n *node) empty() bool {
	return len(n.leaves) == 0 && len(n.children) == 0 && len(n.ors) == 0
}

// match evaluates the node with get returning a key's candidates and
// whether the key is present; obj, when not nil, is the body object the
// node's children descend into.
func (n *node) match(get func(string) ([]value, bool), obj map[string]any) bool {
	for key, conds := range n.leaves {
		vals, present := get(key)
		if !anyCond(conds, vals, present) {
			return false
		}
	}
	for key, child := range n.children {
		if !child.matchValue(obj[key]) {
			return false
		}
	}
	for _, alts := range n.ors {
		ok := false
		for _, a := range alts {
			if a.match(get, obj) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// matchValue matches a nested body value: an object, or an array in which
// any object matches. A missing value is an empty object, so only
// "exists": false conditions hold for it.
func (n *node) matchValue(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return n.matchObject(v)
	case []any:
		for _, it := range v {
			if m, ok := it.(map[string]any); ok && n.matchObject(m) {
				return true
			}
		}
		return false
	default:
		return n.matchObject(map[string]any{})
	}
}

func (n *node) matchObject(m map[string]any) bool {
	return n.match(func(key string) ([]value, bool) {
		v, ok := m[key]
		if !ok {
			return nil, false
		}
		// "exists" wants a non-null, non-empty value.
		if list, isList := v.([]any); isList {
			return scalars(list), len(list) > 0
		}
		return scalars([]any{v}), v != nil
	}, m)
}

// anyCond reports whether any condition of a key's list holds.
func anyCond(conds []cond, vals []value, present bool) bool {
	for _, c := range conds {
		if c.kind == exists {
			if c.exists == present {
				return true
			}
			continue
		}
		for _, v := range vals {
			if c.test(v) {
				return true
			}
		}
	}
	return false
}

func (c cond) test(v value) bool {
	switch c.kind {
	case exactString:
		return v.kind == vString && v.s == c.str
	case exactNumber:
		return v.kind == vNumber && v.n == c.num
	case exactBool:
		return v.kind == vBool && v.b == c.exists
	case exactNull:
		return v.kind == vNull
	case prefix:
		return v.kind == vString && strings.HasPrefix(v.s, c.str)
	case suffix:
		return v.kind == vString && strings.HasSuffix(v.s, c.str)
	case ignoreCase:
		return v.kind == vString && strings.EqualFold(v.s, c.str)
	case numericRange:
		if v.kind != vNumber {
			return false
		}
		above := v.n > c.lo || c.loInc && v.n == c.lo
		below := v.n < c.hi || c.hiInc && v.n == c.hi
		return above && below
	case cidr:
		a, err := netip.ParseAddr(v.s)
		return v.kind == vString && err == nil && c.prefix.Contains(a)
	case anythingBut:
		return c.anythingBut(v)
	}
	return false
}

func (c cond) anythingBut(v value) bool {
	switch c.butKind {
	case prefix:
		return v.kind == vString && !strings.HasPrefix(v.s, c.str)
	case suffix:
		return v.kind == vString && !strings.HasSuffix(v.s, c.str)
	}
	if v.kind == vNumber {
		for _, n := range c.nums {
			if n == v.n {
				return false
			}
		}
		return true
	}
	if v.kind != vString {
		return true
	}
	for _, s := range c.strs {
		if s == v.s {
			return false
		}
	}
	return true
}
