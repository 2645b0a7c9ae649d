package provision

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
)

// Policies come back from AWS in other forms than they were sent: IAM
// URL-encodes documents (GetRole, GetRolePolicy: "The policy document
// returned in this structure is URL-encoded compliant with RFC 3986",
// IAM API reference), services may turn a one-element list into a string
// or the reverse, and may reorder statements, keys and list elements. The
// functions here compare policies by meaning, not by bytes.

// decodePolicy parses a policy document, URL-decoding it first when it is
// URL-encoded (it then starts with "%7B", an encoded "{").
func decodePolicy(doc string) (map[string]any, error) {
	s := strings.TrimSpace(doc)
	if strings.HasPrefix(s, "%") {
		dec, err := url.PathUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("decode policy: %w", err)
		}
		s = dec
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("parse policy: %w", err)
	}
	return m, nil
}

// policiesEqual reports whether two policy documents mean the same: the
// same Version and the same set of statements, each compared with
// statementsEqual. Id is ignored. An unparsable document equals nothing.
func policiesEqual(a, b string) bool {
	da, err := decodePolicy(a)
	if err != nil {
		return false
	}
	db, err := decodePolicy(b)
	if err != nil {
		return false
	}
	if fmt.Sprint(da["Version"]) != fmt.Sprint(db["Version"]) {
		return false
	}
	return canonStatements(da["Statement"]) == canonStatements(db["Statement"])
}

// canonStatements renders a Statement value (an object or a list of them)
// as a canonical string: each statement normalised, then sorted.
func canonStatements(v any) string {
	var list []any
	switch t := v.(type) {
	case []any:
		list = t
	case nil:
	default:
		list = []any{t}
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, canonJSON(normStatement(s)))
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// statementsEqual reports whether two statements mean the same.
func statementsEqual(a, b any) bool {
	return canonJSON(normStatement(a)) == canonJSON(normStatement(b))
}

// listKeys are the statement elements whose value may be a string or a list
// of strings, in any order.
var listKeys = []string{"Action", "NotAction", "Resource", "NotResource"}

// normStatement returns s with every string-or-list element turned into a
// sorted list, principals and condition values likewise, and scalars in
// conditions turned into strings (AWS returns the boolean false as "false").
func normStatement(s any) any {
	m, ok := toMap(s)
	if !ok {
		return s
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch {
		case slices.Contains(listKeys, k):
			out[k] = stringSet(v)
		case k == "Principal" || k == "NotPrincipal":
			if pm, ok := toMap(v); ok {
				np := make(map[string]any, len(pm))
				for pk, pv := range pm {
					np[pk] = stringSet(pv)
				}
				out[k] = np
			} else {
				out[k] = v // "*"
			}
		case k == "Condition":
			cm, _ := toMap(v)
			nc := make(map[string]any, len(cm))
			for op, keys := range cm {
				km, _ := toMap(keys)
				nk := make(map[string]any, len(km))
				for ck, cv := range km {
					nk[ck] = stringSet(cv)
				}
				nc[op] = nk
			}
			out[k] = nc
		default:
			out[k] = v
		}
	}
	return out
}

// toMap converts a decoded JSON object, or any struct, to map[string]any.
func toMap(v any) (map[string]any, bool) {
	if m, ok := v.(map[string]any); ok {
		return m, true
	}
	if v == nil {
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Struct && rv.Kind() != reflect.Map {
		return nil, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil, false
	}
	return m, true
}

// stringSet turns a string, a scalar or a list of them into a sorted,
// de-duplicated list of strings.
func stringSet(v any) []string {
	var out []string
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			out = append(out, fmt.Sprint(e))
		}
	case []string:
		out = append(out, t...)
	case nil:
	default:
		out = []string{fmt.Sprint(t)}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// canonJSON renders v with sorted keys (encoding/json sorts map keys).
func canonJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// mergeStatement puts want into the policy document doc (which may be
// empty), replacing the statement with the same Sid or appending it, and
// keeping every other statement and field. It returns the new document and
// whether it differs in meaning from doc; when it does not, the document
// need not be written.
func mergeStatement(doc string, want statement) (string, bool, error) {
	m := map[string]any{}
	if strings.TrimSpace(doc) != "" {
		var err error
		if m, err = decodePolicy(doc); err != nil {
			return "", false, err
		}
	}
	if _, ok := m["Version"]; !ok {
		m["Version"] = policyVersion
	}
	var list []any
	switch t := m["Statement"].(type) {
	case []any:
		list = t
	case map[string]any:
		list = []any{t}
	}
	wantMap, _ := toMap(want)
	for i, s := range list {
		sm, ok := s.(map[string]any)
		if !ok || sm["Sid"] != want.Sid {
			continue
		}
		if statementsEqual(sm, wantMap) {
			return doc, false, nil
		}
		list[i] = wantMap
		m["Statement"] = list
		return canonJSON(m), true, nil
	}
	m["Statement"] = append(list, wantMap)
	return canonJSON(m), true, nil
}

// hasStatement reports whether doc holds a statement with want's Sid that
// means the same as want.
func hasStatement(doc string, want statement) bool {
	if strings.TrimSpace(doc) == "" {
		return false
	}
	_, changed, err := mergeStatement(doc, want)
	return err == nil && !changed
}

// removeStatement returns doc without the statement whose Sid is sid, and
// whether there was one. The other statements and fields are kept; when no
// statement is left the result is "", which removes a queue's policy.
func removeStatement(doc, sid string) (string, bool, error) {
	if strings.TrimSpace(doc) == "" {
		return doc, false, nil
	}
	m, err := decodePolicy(doc)
	if err != nil {
		return "", false, err
	}
	var list []any
	switch t := m["Statement"].(type) {
	case []any:
		list = t
	case map[string]any:
		list = []any{t}
	}
	kept := list[:0:0]
	for _, s := range list {
		if sm, ok := s.(map[string]any); ok && sm["Sid"] == sid {
			continue
		}
		kept = append(kept, s)
	}
	if len(kept) == len(list) {
		return doc, false, nil
	}
	if len(kept) == 0 {
		return "", true, nil
	}
	m["Statement"] = kept
	return canonJSON(m), true, nil
}

// hasSid reports whether doc holds a statement with the given Sid, whatever
// it says.
func hasSid(doc, sid string) bool {
	if strings.TrimSpace(doc) == "" {
		return false
	}
	_, found, err := removeStatement(doc, sid)
	return err == nil && found
}
