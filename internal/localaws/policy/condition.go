package policy

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// An operator is a parsed condition operator name: its base test, whether
// it is negated, and its IfExists and set (ForAnyValue/ForAllValues) parts
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
type operator struct {
	base     string // the positive test, e.g. "StringEquals", "ArnLike", "Bool"
	negated  bool   // StringNotEquals, ArnNotLike, NotIpAddress…
	ifExists bool
	set      string // "", "ForAnyValue" or "ForAllValues"
}

// negations maps each negated operator to its positive base.
var negations = map[string]string{
	"StringNotEquals":           "StringEquals",
	"StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
	"StringNotLike":             "StringLike",
	"NumericNotEquals":          "NumericEquals",
	"DateNotEquals":             "DateEquals",
	"NotIpAddress":              "IpAddress",
	"ArnNotEquals":              "ArnEquals",
	"ArnNotLike":                "ArnLike",
}

var positives = map[string]bool{
	"StringEquals": true, "StringEqualsIgnoreCase": true, "StringLike": true,
	"NumericEquals": true, "NumericLessThan": true, "NumericLessThanEquals": true,
	"NumericGreaterThan": true, "NumericGreaterThanEquals": true,
	"DateEquals": true, "DateLessThan": true, "DateLessThanEquals": true,
	"DateGreaterThan": true, "DateGreaterThanEquals": true,
	"Bool": true, "BinaryEquals": true, "IpAddress": true,
	"ArnEquals": true, "ArnLike": true, "Null": true,
}

func parseOperator(name string) (operator, error) {
	var op operator
	rest := name
	if set, after, ok := strings.Cut(rest, ":"); ok {
		if set != "ForAnyValue" && set != "ForAllValues" {
			return op, errorf("Invalid Condition type : %s", name)
		}
		op.set, rest = set, after
	}
	if base, ok := strings.CutSuffix(rest, "IfExists"); ok && base != "Null" {
		op.ifExists, rest = true, base
	}
	if base, ok := negations[rest]; ok {
		op.negated, rest = true, base
	}
	if !positives[rest] {
		return op, errorf("Invalid Condition type : %s", name)
	}
	op.base = rest
	return op, nil
}

// validate checks that the policy's values suit the operator.
func (op operator) validate(vals []string) error {
	for _, v := range vals {
		var ok bool
		switch op.base {
		case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
			_, err := strconv.ParseFloat(v, 64)
			ok = err == nil
		case "DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
			_, ok = parseDate(v)
		case "Bool", "Null":
			ok = v == "true" || v == "false"
		case "IpAddress":
			_, ok = parsePrefix(v)
		default:
			ok = true
		}
		if !ok {
			return errorf("Invalid value %q for condition %s", v, op.base)
		}
	}
	return nil
}

// holds reports whether the condition holds for the request context.
func (c Condition) holds(ctx map[string][]string) bool {
	reqVals, present := lookup(ctx, c.Key)
	op := c.op
	if op.base == "Null" {
		want := len(c.Values) > 0 && c.Values[0] == "true"
		return want == !present
	}
	if !present {
		switch {
		case op.ifExists:
			return true
		case op.set == "ForAllValues":
			return true // vacuously: no value fails
		case op.set == "ForAnyValue":
			return false
		default:
			return op.negated
		}
	}
	matchOne := func(rv string) bool {
		for _, pv := range c.Values {
			if op.test(rv, pv) {
				return true
			}
		}
		return false
	}
	// outcome of the operator for one request value, negation included
	one := func(rv string) bool { return matchOne(rv) != op.negated }
	switch op.set {
	case "ForAllValues":
		for _, rv := range reqVals {
			if !one(rv) {
				return false
			}
		}
		return true
	case "ForAnyValue":
		for _, rv := range reqVals {
			if one(rv) {
				return true
			}
		}
		return false
	default:
		// A single-valued key: a positive operator matches when any value
		// matches; a negated one when none does.
		anyMatch := false
		for _, rv := range reqVals {
			if matchOne(rv) {
				anyMatch = true
				break
			}
		}
		return anyMatch != op.negated
	}
}

// lookup finds a context key case-insensitively, as IAM compares key names.
func lookup(ctx map[string][]string, key string) ([]string, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// test applies the positive base test to a request value rv and a policy
// value pv.
func (op operator) test(rv, pv string) bool {
	switch op.base {
	case "StringEquals", "BinaryEquals":
		return rv == pv
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(rv, pv)
	case "StringLike":
		return Match(pv, rv, false)
	case "ArnEquals", "ArnLike":
		return arnLike(pv, rv)
	case "Bool":
		return strings.EqualFold(rv, pv)
	case "IpAddress":
		p, ok1 := parsePrefix(pv)
		a, err := netip.ParseAddr(rv)
		return ok1 && err == nil && p.Contains(a)
	}
	if strings.HasPrefix(op.base, "Numeric") {
		r, err1 := strconv.ParseFloat(rv, 64)
		p, err2 := strconv.ParseFloat(pv, 64)
		return err1 == nil && err2 == nil && compare(op.base[len("Numeric"):], r, p)
	}
	if strings.HasPrefix(op.base, "Date") {
		r, ok1 := parseDate(rv)
		p, ok2 := parseDate(pv)
		return ok1 && ok2 && compare(op.base[len("Date"):], float64(r.UnixNano()), float64(p.UnixNano()))
	}
	return false
}

func compare(rel string, r, p float64) bool {
	switch rel {
	case "Equals":
		return r == p
	case "LessThan":
		return r < p
	case "LessThanEquals":
		return r <= p
	case "GreaterThan":
		return r > p
	case "GreaterThanEquals":
		return r >= p
	}
	return false
}

// arnLike compares ARNs component by component (the six colon-separated
// parts), each with wildcards, as ArnEquals and ArnLike do.
func arnLike(pattern, arn string) bool {
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(arn, ":", 6)
	if len(pp) != 6 || len(ap) != 6 {
		return false
	}
	for i := range pp {
		if !Match(pp[i], ap[i], false) {
			return false
		}
	}
	return true
}

func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

func parsePrefix(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p, true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}
