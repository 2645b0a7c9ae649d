package logs

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A spacePattern is a compiled space-delimited pattern such as
// [ip, user, ..., status = 4*, bytes > 1000]: one slot per field of the
// message, "..." standing for any number of fields.
type spacePattern struct {
	slots []slot
}

// A slot is one field of a space-delimited pattern: an ellipsis, or a named
// field with an optional condition (conditions on the field joined by && and
// ||, && binding tighter).
type slot struct {
	ellipsis bool
	name     string
	anyOf    [][]fieldCond // OR of ANDs; empty: any value
}

type fieldCond struct {
	op    string
	isNum bool
	num   float64
	str   string // with * wildcards
	re    *regexp.Regexp
}

func (c fieldCond) match(field string) bool {
	if c.isNum {
		f, err := strconv.ParseFloat(field, 64)
		return err == nil && compareNum(f, c.op, c.num)
	}
	var eq bool
	if c.re != nil {
		eq = c.re.MatchString(field)
	} else {
		eq = wildcardMatch(c.str, field)
	}
	return eq == (c.op == "=")
}

func (s slot) match(field string) bool {
	if len(s.anyOf) == 0 {
		return true
	}
	for _, all := range s.anyOf {
		ok := true
		for _, c := range all {
			if !c.match(field) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// compileSpace parses "[slot, slot, …]".
func compileSpace(src string) (*Pattern, error) {
	if !strings.HasSuffix(src, "]") || len(src) < 2 {
		return nil, errors.New("space-delimited pattern must end with ]")
	}
	parts, err := splitSlots(src[1 : len(src)-1])
	if err != nil {
		return nil, err
	}
	var p spacePattern
	for _, part := range parts {
		s, err := parseSlot(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		p.slots = append(p.slots, s)
	}
	return &Pattern{match: func(msg string) bool { return p.match(splitFields(msg)) }}, nil
}

// splitSlots splits on the commas outside double quotes and %regex%.
func splitSlots(s string) ([]string, error) {
	var parts []string
	start, quote := 0, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '%':
			quote = c
		case c == ',':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote in space-delimited pattern")
	}
	return append(parts, s[start:]), nil
}

func parseSlot(s string) (slot, error) {
	if s == "..." {
		return slot{ellipsis: true}, nil
	}
	toks, err := lexJSONPattern(s)
	if err != nil {
		return slot{}, err
	}
	if len(toks) == 0 || toks[0].kind != tokWord {
		return slot{}, fmt.Errorf("expected a field name, got %q", s)
	}
	sl := slot{name: toks[0].text}
	if len(toks) == 1 {
		return sl, nil
	}
	// name op value ((&& | ||) name op value)*
	var and []fieldCond
	for i := 0; ; {
		if i+2 >= len(toks) || toks[i].kind != tokWord || toks[i].text != sl.name || toks[i+1].kind != tokOp {
			return slot{}, fmt.Errorf("bad condition in field %q", s)
		}
		c, err := valueCond(toks[i+1].text, toks[i+2])
		if err != nil {
			return slot{}, err
		}
		and = append(and, c)
		i += 3
		if i == len(toks) {
			sl.anyOf = append(sl.anyOf, and)
			return sl, nil
		}
		switch toks[i].kind {
		case tokAnd:
		case tokOr:
			sl.anyOf = append(sl.anyOf, and)
			and = nil
		default:
			return slot{}, fmt.Errorf("unexpected %q in field %q", toks[i].text, s)
		}
		i++
	}
}

func valueCond(op string, v token) (fieldCond, error) {
	c := fieldCond{op: op}
	switch v.kind {
	case tokString:
		c.str = v.text
	case tokRegex:
		re, err := regexp.Compile(v.text)
		if err != nil {
			return c, fmt.Errorf("bad regular expression: %w", err)
		}
		c.re = re
	case tokWord:
		if f, err := strconv.ParseFloat(v.text, 64); err == nil {
			c.isNum, c.num = true, f
		} else {
			c.str = v.text
		}
	default:
		return c, fmt.Errorf("expected a value, got %q", v.text)
	}
	if !c.isNum && op != "=" && op != "!=" {
		return c, fmt.Errorf("operator %s needs a numeric value", op)
	}
	return c, nil
}

// splitFields splits a message into space-separated fields; a field that
// starts with a double quote or [ runs to the matching " or ], which are
// dropped.
func splitFields(msg string) []string {
	var fields []string
	for i := 0; i < len(msg); {
		if msg[i] == ' ' || msg[i] == '\t' {
			i++
			continue
		}
		end := byte(0)
		switch msg[i] {
		case '"':
			end = '"'
		case '[':
			end = ']'
		}
		if end != 0 {
			if j := strings.IndexByte(msg[i+1:], end); j >= 0 {
				fields = append(fields, msg[i+1:i+1+j])
				i += j + 2
				continue
			}
		}
		j := strings.IndexAny(msg[i:], " \t")
		if j < 0 {
			j = len(msg) - i
		}
		fields = append(fields, msg[i:i+j])
		i += j
	}
	return fields
}

// match reports whether the slots match fields, an ellipsis matching any
// run of fields. It simulates the pattern as an automaton whose states are
// slot indices, so the cost is O(fields × slots) whatever the ellipses.
func (p *spacePattern) match(fields []string) bool {
	n := len(p.slots)
	cur, next := make([]bool, n+1), make([]bool, n+1)
	cur[0] = true
	p.closure(cur)
	for _, f := range fields {
		clear(next)
		alive := false
		for i := range n {
			if !cur[i] {
				continue
			}
			switch {
			case p.slots[i].ellipsis:
				next[i], alive = true, true
			case p.slots[i].match(f):
				next[i+1], alive = true, true
			}
		}
		if !alive {
			return false
		}
		p.closure(next)
		cur, next = next, cur
	}
	return cur[n]
}

// closure adds to states the slots reachable by letting ellipses match no
// field.
func (p *spacePattern) closure(states []bool) {
	for i, s := range p.slots {
		if states[i] && s.ellipsis {
			states[i+1] = true
		}
	}
}
