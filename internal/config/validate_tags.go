package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// tagPattern is the character set generally allowed in tags (see limits.go).
var tagPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// tags checks the user's tags, in key order.
func (v *validator) tags(tags map[string]string) {
	if len(tags) > userTagsMax {
		v.add("tags", "%d tags, above the limit of %d (AWS allows %d per resource and edasctl adds %s and %s)",
			len(tags), userTagsMax, tagsPerResMax, TagStack, TagManagedBy)
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		key := fmt.Sprintf("tags[%q]", k)
		lower := strings.ToLower(k)
		switch n := utf8.RuneCountInString(k); {
		case n == 0:
			v.add(key, "tag keys must not be empty")
		case n > tagKeyMax:
			v.add(key, "key is %d characters, above the limit of %d", n, tagKeyMax)
		}
		if strings.HasPrefix(lower, awsTagPrefix) {
			v.add(key, "the key prefix %q is reserved for AWS", awsTagPrefix)
		}
		if strings.HasPrefix(lower, reservedTagPrefix) {
			v.add(key, "the key prefix %q is reserved for edasctl's own tags", reservedTagPrefix)
		}
		if !tagPattern.MatchString(k) {
			v.add(key, "key may contain only %s", tagCharsLegend)
		}
		val := tags[k]
		if n := utf8.RuneCountInString(val); n > tagValueMax {
			v.add(key, "value is %d characters, above the limit of %d", n, tagValueMax)
		}
		if !tagPattern.MatchString(val) {
			v.add(key, "value may contain only %s", tagCharsLegend)
		}
	}
}
