// Package filterpolicy parses and matches SNS subscription filter policies
// (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html)
// in both scopes: MessageAttributes (the policy's keys are message attribute
// names) and MessageBody (the policy mirrors the JSON body, nested objects
// included).
//
// Keys are ANDed, the conditions in a key's array are ORed, and "$or"
// lists alternative sub-policies at any level. A condition is an exact
// string, number, true, false or null, or an object with one operator: prefix, suffix,
// equals-ignore-case, anything-but (a value, a list, or {"prefix"}/{"suffix"}),
// numeric (["=", n] or up to two range bounds), exists (true/false) or cidr.
package filterpolicy

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// A Scope is what a filter policy is applied to.
type Scope string

// The two scopes (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering-scope.html).
const (
	MessageAttributes Scope = "MessageAttributes"
	MessageBody       Scope = "MessageBody"
)

// Limits AWS documents for filter policies
// (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html).
const (
	maxCombinations = 150 // total combination of values
	maxDepth        = 5   // nesting of MessageBody policies
	maxKeys         = 5   // leaf keys, wherever they are
	maxNumeric      = 1e9 // numeric values are within ±10^9
	maxPolicyBytes  = 256 << 10
)

// A Policy is a parsed filter policy. It is immutable and safe for
// concurrent use.
type Policy struct {
	scope Scope
	root  *node
	keep  *keyTree // body scope: the parts of a body root reads
}

// A node is one object level of a policy: keys (each either a list of
// conditions or, in body scope, a nested node) ANDed, and $or alternatives.
type node struct {
	leaves   map[string][]cond
	children map[string]*node
	ors      [][]*node // each $or is a list of alternative nodes
}

type condKind int

const (
	exactString condKind = iota
	exactNumber
	exactBool // uses cond.exists for the value
	exactNull
	prefix
	suffix
	ignoreCase
	anythingBut
	numericRange
	exists
	cidr
)

// A cond is one condition of a key's list.
type cond struct {
	kind    condKind
	str     string
	num     float64
	strs    []string  // anything-but strings
	nums    []float64 // anything-but numbers
	butKind condKind  // anything-but: exactString (lists) or prefix/suffix
	lo, hi  float64   // numeric range
	loInc   bool
	hiInc   bool
	exists  bool
	prefix  netip.Prefix
}

// An Error is an invalid filter policy; its message follows SNS's
// "Invalid parameter: FilterPolicy: …" wording.
type Error struct{ Reason string }

func (e *Error) Error() string { return "Invalid parameter: FilterPolicy: " + e.Reason }

func errorf(format string, args ...any) *Error { return &Error{Reason: fmt.Sprintf(format, args...)} }

// Parse parses a filter policy for scope. An empty policy or "{}" matches
// every message. Any error is an *Error.
func Parse(doc string, scope Scope) (*Policy, error) {
	if scope != MessageAttributes && scope != MessageBody {
		return nil, errorf("unknown scope %q", scope)
	}
	return parse(doc, scope, snsLimits)
}

// ParseEventPattern parses a Lambda event filter pattern: the same grammar
// as a MessageBody policy, matched against an event record as a body is,
// within Lambda's limits instead of SNS's (a pattern of at most 4,096
// characters; no limit on keys, value combinations or nesting,
// https://docs.aws.amazon.com/lambda/latest/api/API_Filter.html). Any
// error is an *Error.
func ParseEventPattern(doc string) (*Policy, error) {
	return parse(doc, MessageBody, eventPatternLimits)
}

// limits are the constraints a document must meet besides the grammar.
type limits struct {
	bytes, depth, keys, combinations int // 0: none
}

var (
	snsLimits          = limits{bytes: maxPolicyBytes, depth: maxDepth, keys: maxKeys, combinations: maxCombinations}
	eventPatternLimits = limits{bytes: 4096}
)

func parse(doc string, scope Scope, lim limits) (*Policy, error) {
	if len(doc) > lim.bytes {
		return nil, errorf("Filter policy is too long")
	}
	p := &Policy{scope: scope, root: &node{}}
	if strings.TrimSpace(doc) == "" {
		return p, nil
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, errorf("failed to parse JSON")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errorf("Filter policy must be a JSON object")
	}
	root, err := parseNode(obj, scope, 1, lim.depth)
	if err != nil {
		return nil, err
	}
	if lim.combinations > 0 && root.combinations() > lim.combinations {
		return nil, errorf("Filter policy is too complex")
	}
	if lim.keys > 0 && root.keys() > lim.keys {
		return nil, errorf("Filter policy can not have more than %d keys", lim.keys)
	}
	p.root = root
	if scope == MessageBody {
		p.keep = keysOf(root)
	}
	return p, nil
}

func parseNode(obj map[string]any, scope Scope, depth, maxDepth int) (*node, error) {
	if maxDepth > 0 && depth > maxDepth {
		return nil, errorf("Filter policy is too complex")
	}
	n := &node{leaves: map[string][]cond{}, children: map[string]*node{}}
	for key, val := range obj {
		if key == "$or" {
			alts, ok := val.([]any)
			if !ok || len(alts) < 2 {
				return nil, errorf("$or must be an array of at least two objects")
			}
			var nodes []*node
			for _, a := range alts {
				ao, ok := a.(map[string]any)
				if !ok {
					return nil, errorf("$or must be an array of at least two objects")
				}
				child, err := parseNode(ao, scope, depth, maxDepth)
				if err != nil {
					return nil, err
				}
				nodes = append(nodes, child)
			}
			n.ors = append(n.ors, nodes)
			continue
		}
		switch val := val.(type) {
		case []any:
			if len(val) == 0 {
				return nil, errorf("Empty arrays are not allowed")
			}
			conds := make([]cond, 0, len(val))
			for _, c := range val {
				pc, err := parseCond(c)
				if err != nil {
					return nil, err
				}
				conds = append(conds, pc)
			}
			n.leaves[key] = conds
		case map[string]any:
			if scope != MessageBody {
				return nil, errorf("Filter policy for MessageAttributes scope must not nest objects: %s", key)
			}
			child, err := parseNode(val, scope, depth+1, maxDepth)
			if err != nil {
				return nil, err
			}
			n.children[key] = child
		default:
			return nil, errorf("Match value must be an array for key %s", key)
		}
	}
	return n, nil
}

func parseCond(v any) (cond, error) {
	switch v := v.(type) {
	case string:
		return cond{kind: exactString, str: v}, nil
	case json.Number:
		f, err := number(v)
		if err != nil {
			return cond{}, err
		}
		return cond{kind: exactNumber, num: f}, nil
	case map[string]any:
		if len(v) != 1 {
			return cond{}, errorf("Only one key allowed in match expression")
		}
		for op, arg := range v {
			return parseOperator(op, arg)
		}
	case bool:
		return cond{kind: exactBool, exists: v}, nil
	case nil:
		return cond{kind: exactNull}, nil
	}
	return cond{}, errorf("Match value must be String, number, true, false, or null")
}

func parseOperator(op string, arg any) (cond, error) {
	switch op {
	case "prefix", "suffix", "equals-ignore-case":
		s, ok := arg.(string)
		if !ok {
			return cond{}, errorf("%s match pattern must be a string", op)
		}
		kind := map[string]condKind{"prefix": prefix, "suffix": suffix, "equals-ignore-case": ignoreCase}[op]
		return cond{kind: kind, str: s}, nil
	case "exists":
		b, ok := arg.(bool)
		if !ok {
			return cond{}, errorf("exists match pattern must be either true or false.")
		}
		return cond{kind: exists, exists: b}, nil
	case "cidr":
		s, ok := arg.(string)
		p, err := netip.ParsePrefix(s)
		if !ok || err != nil {
			return cond{}, errorf("Malformed CIDR, one '/' required")
		}
		return cond{kind: cidr, prefix: p.Masked()}, nil
	case "numeric":
		return parseNumeric(arg)
	case "anything-but":
		return parseAnythingBut(arg)
	}
	return cond{}, errorf("Unrecognized match type %s", op)
}

func parseAnythingBut(arg any) (cond, error) {
	c := cond{kind: anythingBut, butKind: exactString}
	add := func(v any) error {
		switch v := v.(type) {
		case string:
			c.strs = append(c.strs, v)
		case json.Number:
			f, err := number(v)
			if err != nil {
				return err
			}
			c.nums = append(c.nums, f)
		default:
			return errorf("Inside anything but list, start|null|boolean is not supported.")
		}
		return nil
	}
	switch arg := arg.(type) {
	case []any:
		if len(arg) == 0 {
			return c, errorf("Empty arrays are not allowed")
		}
		for _, v := range arg {
			if err := add(v); err != nil {
				return c, err
			}
		}
	case map[string]any:
		if len(arg) != 1 {
			return c, errorf("Only one key allowed in match expression")
		}
		for op, v := range arg {
			s, ok := v.(string)
			if !ok || (op != "prefix" && op != "suffix") {
				return c, errorf("Unsupported anything-but pattern: %s", op)
			}
			c.butKind = map[string]condKind{"prefix": prefix, "suffix": suffix}[op]
			c.str = s
		}
	default:
		if err := add(arg); err != nil {
			return c, err
		}
	}
	return c, nil
}

// parseNumeric parses ["=", n] or one or two bounds such as [">", 0, "<=", 5].
func parseNumeric(arg any) (cond, error) {
	list, ok := arg.([]any)
	if !ok || len(list) == 0 || len(list)%2 != 0 || len(list) > 4 {
		return cond{}, errorf("Value of numeric must be an array.")
	}
	c := cond{kind: numericRange, lo: math.Inf(-1), hi: math.Inf(1)}
	seenLo, seenHi := false, false
	for i := 0; i < len(list); i += 2 {
		op, ok1 := list[i].(string)
		n, ok2 := list[i+1].(json.Number)
		if !ok1 || !ok2 {
			return c, errorf("Value of numeric must be an array.")
		}
		f, err := number(n)
		if err != nil {
			return c, err
		}
		switch op {
		case "=":
			if len(list) != 2 {
				return c, errorf("Bad numeric range operator: =")
			}
			c.lo, c.hi, c.loInc, c.hiInc = f, f, true, true
			return c, nil
		case ">", ">=":
			if seenLo {
				return c, errorf("Bad numeric range operator: %s", op)
			}
			seenLo, c.lo, c.loInc = true, f, op == ">="
		case "<", "<=":
			if seenHi {
				return c, errorf("Bad numeric range operator: %s", op)
			}
			seenHi, c.hi, c.hiInc = true, f, op == "<="
		default:
			return c, errorf("Unrecognized numeric range operator: %s", op)
		}
	}
	if c.lo > c.hi || c.lo == c.hi && !(c.loInc && c.hiInc) {
		return c, errorf("Bottom must be less than top")
	}
	return c, nil
}

func number(n json.Number) (float64, error) {
	f, err := strconv.ParseFloat(n.String(), 64)
	if err != nil || math.Abs(f) > maxNumeric {
		return 0, errorf("Numeric value must be between -1.0E9 and 1.0E9 inclusive")
	}
	return f, nil
}

// combinations counts the value combinations AWS limits: the product of
// the number of values of each key, summed over $or alternatives.
func (n *node) combinations() int {
	total := 1
	for _, cs := range n.leaves {
		total = mulCap(total, len(cs))
	}
	for _, c := range n.children {
		total = mulCap(total, c.combinations())
	}
	for _, alts := range n.ors {
		sum := 0
		for _, a := range alts {
			sum += a.combinations()
			if sum > maxCombinations {
				sum = maxCombinations + 1
			}
		}
		total = mulCap(total, sum)
	}
	return total
}

// keys counts the leaf keys: only keys whose value is a list of
// conditions count, nested objects do not
// (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html).
func (n *node) keys() int {
	total := len(n.leaves)
	for _, c := range n.children {
		total += c.keys()
	}
	for _, alts := range n.ors {
		for _, a := range alts {
			total += a.keys()
		}
	}
	return total
}

func mulCap(a, b int) int {
	if a > maxCombinations || b > maxCombinations || a*b > maxCombinations {
		return maxCombinations + 1
	}
	return a * b
}

// Valid reports whether doc is a valid policy for scope; it is Parse
// without the result.
func Valid(doc string, scope Scope) error {
	_, err := Parse(doc, scope)
	return err
}
