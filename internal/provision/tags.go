package provision

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/edasctl/edasctl/internal/config"
)

// tagDiffs compares a resource's tags with the plan's: one Diff naming the
// missing or different keys, or none. Extra tags are the user's business
// and are kept.
func tagDiffs(have, want map[string]string) []Diff {
	var bad []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if hv, ok := have[k]; !ok || hv != want[k] {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return []Diff{{Field: "tags", Have: "missing or different " + strings.Join(bad, ", "), Want: formatTags(want)}}
}

// missingTags returns the tags of want that have lacks or holds with
// another value: what a TagResource call must send.
func missingTags(have, want map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range want {
		if hv, ok := have[k]; !ok || hv != v {
			out[k] = v
		}
	}
	return out
}

// formatTags renders tags as "k=v, k=v" in key order.
func formatTags(tags map[string]string) string {
	parts := make([]string, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, k+"="+tags[k])
	}
	return strings.Join(parts, ", ")
}

// checkOwner returns a *ForeignError when have carries an edas:stack tag
// for another stack. A resource without the tag is adopted: an interrupted
// Up leaves resources that were created but not yet tagged.
func checkOwner(kind, name, stack string, have map[string]string) error {
	if owner, ok := have[config.TagStack]; ok && owner != stack {
		return &ForeignError{Kind: kind, Name: name, Owner: owner}
	}
	return nil
}

// owned reports whether have carries this stack's tag, the condition for
// Down to delete a resource.
func owned(stack string, have map[string]string) bool { return have[config.TagStack] == stack }

// notOwnedReason explains why Down keeps a resource.
func notOwnedReason(kind, stack string, have map[string]string) string {
	if owner, ok := have[config.TagStack]; ok {
		return fmt.Sprintf("%s belongs to stack %q", kind, owner)
	}
	return fmt.Sprintf("%s lacks the tag %s=%s", kind, config.TagStack, stack)
}

// sortedKeys returns m's keys in order, so calls are deterministic.
func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
