package config

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// envPrefix starts every configuration variable.
const envPrefix = "EDAS_"

// parseEnviron returns the settings made by the EDAS_* variables in
// environ ("NAME=value" entries, as from os.Environ), as a nested map under
// canonical key names. Variables that name no setting are ignored, and so
// are empty values. When the same name appears more than once the last one
// counts, as in a shell. Two spellings of one setting (EDAS_BUCKET_INPUTPREFIX
// and EDAS_BUCKET_INPUT_PREFIX) must agree. Every problem is reported,
// joined, in schema order.
func parseEnviron(environ []string) (map[string]any, error) {
	type assignment struct{ name, value string }
	assigned := map[string][]assignment{} // by setting key
	for _, entry := range environ {
		name, value, ok := strings.Cut(entry, "=")
		if !ok || value == "" {
			continue
		}
		s, ok := matchEnv(name)
		if !ok {
			continue
		}
		list := slices.DeleteFunc(assigned[s.key()], func(a assignment) bool { return a.name == name })
		assigned[s.key()] = append(list, assignment{name, value})
	}

	out := map[string]any{}
	var errs []error
	for _, s := range settings() {
		list := assigned[s.key()]
		if len(list) == 0 {
			continue
		}
		slices.SortFunc(list, func(a, b assignment) int { return strings.Compare(a.name, b.name) })
		first := list[0]
		if i := slices.IndexFunc(list, func(a assignment) bool { return a.value != first.value }); i >= 0 {
			errs = append(errs, &EnvError{Var: first.name, Key: s.key(),
				Msg: fmt.Sprintf("%q conflicts with %s=%q", first.value, list[i].name, list[i].value)})
			continue
		}
		val, err := convertEnv(s.kind, first.value)
		if err != nil {
			errs = append(errs, &EnvError{Var: first.name, Key: s.key(), Msg: err.Error()})
			continue
		}
		setPath(out, s.path, val)
	}
	return out, errors.Join(errs...)
}

// matchEnv finds the setting a variable name sets. After the EDAS_ prefix
// the name is the key path with "_" between its parts; the comparison
// ignores case, and "_" may also separate the words of a camelCase key.
func matchEnv(name string) (setting, bool) {
	if len(name) <= len(envPrefix) || !strings.EqualFold(name[:len(envPrefix)], envPrefix) {
		return setting{}, false
	}
	parts := strings.Split(name[len(envPrefix):], "_")
	if slices.Contains(parts, "") {
		return setting{}, false
	}
	for _, s := range settings() {
		switch len(s.path) {
		case 1:
			if strings.EqualFold(strings.Join(parts, ""), s.path[0]) {
				return s, true
			}
		case 2:
			if len(parts) >= 2 && strings.EqualFold(parts[0], s.path[0]) &&
				strings.EqualFold(strings.Join(parts[1:], ""), s.path[1]) {
				return s, true
			}
		}
	}
	return setting{}, false
}

// convertEnv parses an environment value as a setting of kind k.
func convertEnv(k kind, value string) (any, error) {
	switch k {
	case kindInt:
		i, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", value)
		}
		return i, nil
	case kindBool:
		b, err := strconv.ParseBool(strings.TrimSpace(value))
		if err != nil {
			return nil, fmt.Errorf("%q is not a boolean (true or false)", value)
		}
		return b, nil
	default:
		return value, nil
	}
}

// setPath stores val in the nested map m under path, creating maps as
// needed.
func setPath(m map[string]any, path []string, val any) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = val
}
